/* story_model.c - what every part of the story reader shares (the JSON
 * reader, the chain-of-thought and tag parsers, the checker): issues
 * (adding, locating, writing them out) and entity ids.  A file of its own,
 * so that the parsers depend on it and not on the reader that calls them. */
#include "story/story_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_story_issue_add(sm_story_set *set, sm_story *s, sm_story_field field, uint32_t offset,
                        const char *code, const char *fmt, ...)
{
    if (s->n_issues >= SM_STORY_MAX_ISSUES) {
        s->issues_dropped++;
        return;
    }
    sm_story_issue *items = story_grow(set, s->issues, s->n_issues, &s->issues_cap, sizeof *items);
    if (!items)
        return;
    s->issues = items;
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *copy = sm_arena_strdup(&set->arena, msg);
    if (!copy) {
        set->oom = 1;
        return;
    }
    sm_story_issue *is = &s->issues[s->n_issues++];
    is->field = field;
    is->offset = offset;
    is->code = code;
    is->message = copy;
}

void sm_story_locate(const sm_story *s, const sm_story_issue *issue, long *line, long *col)
{
    const char *text;
    uint32_t len;
    long line0, col0;
    if (issue->field == SM_FIELD_COT) {
        text = s->cot, len = s->cot_len, line0 = s->cot_line0, col0 = s->cot_col0;
    } else if (issue->field == SM_FIELD_STORY) {
        text = s->text, len = s->text_len, line0 = s->text_line0, col0 = s->text_col0;
    } else {
        *line = 0, *col = 0;
        return;
    }
    uint32_t end = issue->offset < len ? issue->offset : len;
    long l = 0, c = 0;
    for (uint32_t i = 0; i < end; i++) {
        if (text[i] == '\n')
            l++, c = 0;
        else if (((unsigned char)text[i] & 0xC0) != 0x80)   /* count characters, not bytes */
            c++;
    }
    *line = line0 + l;
    *col = (l == 0 ? col0 : 1) + c;
}

/* ---- writing the problems of a story ------------------------------------ */

/* The name a problem line starts with. */
static void story_name(const sm_story_set *set, const sm_story *s, char *buf, size_t size)
{
    if (s->story_id)
        snprintf(buf, size, "%s", s->story_id);
    else
        snprintf(buf, size, "%s#%ld", set->name, s->record_line);
}

static const char *field_name(uint32_t f)
{
    return f == SM_FIELD_COT ? "chain_of_thought" : f == SM_FIELD_STORY ? "story" : "record";
}

static int cmp_issue(const void *x, const void *y)
{
    const sm_story_issue *a = x, *b = y;
    if (a->field != b->field)
        return a->field < b->field ? -1 : 1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return 0;
}

/* qsort is not stable; issues at the same place keep their order through
 * their index. */
typedef struct ranked { sm_story_issue issue; size_t index; } ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    int c = cmp_issue(&a->issue, &b->issue);
    return c ? c : (a->index < b->index ? -1 : a->index > b->index);
}

int sm_story_write_issues(FILE *f, const sm_story_set *set, const sm_story *s, int json)
{
    if (s->n_issues == 0)
        return 0;
    ranked *order = malloc(s->n_issues * sizeof *order);
    if (!order)
        return -1;
    for (size_t k = 0; k < s->n_issues; k++)
        order[k].issue = s->issues[k], order[k].index = k;
    qsort(order, s->n_issues, sizeof *order, cmp_ranked);
    char name[600];
    story_name(set, s, name, sizeof name);
    sm_json j;
    sm_json_init(&j);
    for (size_t k = 0; k < s->n_issues; k++) {
        const sm_story_issue *is = &order[k].issue;
        long line, col;
        sm_story_locate(s, is, &line, &col);
        if (json) {
            sm_json_begin_object(&j);
            sm_json_kv_string(&j, "file", set->name);
            sm_json_kv_int(&j, "record_line", s->record_line);
            sm_json_kv_string(&j, "story_id", s->story_id);
            sm_json_kv_string(&j, "field", field_name(is->field));
            sm_json_kv_int(&j, "line", line);
            sm_json_kv_int(&j, "col", col);
            sm_json_kv_int(&j, "offset", is->offset);
            sm_json_kv_string(&j, "code", is->code);
            sm_json_kv_string(&j, "message", is->message);
            sm_json_end_object(&j);
            sm_json_flush_line(&j, f);
        } else {
            fprintf(f, "%s:%ld:%ld: %s: %s\n", name, line, col, field_name(is->field), is->message);
        }
    }
    if (s->issues_dropped && !json)
        fprintf(f, "%s:0:0: record: %u more problems not shown\n", name, s->issues_dropped);
    sm_json_free(&j);
    free(order);
    return 0;
}

/* ---- entity ids ---------------------------------------------------------- */

int sm_entity_id_parse(const char *s, size_t n, sm_entity_id *out)
{
    static const struct { const char *prefix; size_t len; sm_entity_kind kind; } forms[] = {
        {"char", 4, SM_ENT_CHAR}, {"obj", 3, SM_ENT_OBJ}, {"lm", 2, SM_ENT_LM}, {"bg", 2, SM_ENT_BG},
    };
    out->kind = SM_ENT_NONE;
    out->number = 0;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        size_t pl = forms[f].len;
        if (n <= pl || memcmp(s, forms[f].prefix, pl) != 0)
            continue;
        uint64_t v = 0;
        for (size_t i = pl; i < n; i++) {
            if (!story_is_digit((unsigned char)s[i]) || i - pl >= 9)
                return -1;
            v = v * 10 + (uint64_t)(s[i] - '0');
        }
        out->kind = forms[f].kind;
        out->number = (uint32_t)v;
        return 0;
    }
    return -1;
}

char *sm_entity_id_format(sm_entity_id id, char *buf, size_t size)
{
    /* snprintf "%s%u" by hand (cut to size the same way): verification and
     * record writing format ids by the hundred per story. */
    static const char *const prefix[] = {"?", "char", "obj", "lm", "bg"};
    char tmp[16];
    size_t k = 0;
    for (const char *p = prefix[id.kind <= SM_ENT_BG ? id.kind : 0]; *p; p++)
        tmp[k++] = *p;
    char digits[12];
    size_t n = 0;
    uint32_t u = id.number;
    do
        digits[sizeof digits - ++n] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    memcpy(tmp + k, digits + sizeof digits - n, n);
    k += n;
    if (size == 0)
        return buf;
    if (k > size - 1)
        k = size - 1;
    memcpy(buf, tmp, k);
    buf[k] = '\0';
    return buf;
}

const char *sm_entity_kind_name(sm_entity_kind k)
{
    switch (k) {
    case SM_ENT_CHAR: return "character";
    case SM_ENT_OBJ: return "object";
    case SM_ENT_LM: return "landmark";
    case SM_ENT_BG: return "background";
    default: return "unknown";
    }
}
