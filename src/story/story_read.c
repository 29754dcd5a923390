/* story_read.c - read story records (JSON Lines or one raw model output)
 * into the model of story.h, and the issue list every stage appends to.
 *
 * The reader is deliberately forgiving: a record with a missing field, a
 * field of the wrong type or a line that is not JSON at all still becomes
 * an sm_story, with issues saying what is wrong.  `story check` prints them;
 * the scoring commands refuse broken records.  This keeps one reading of
 * the format for every command, so check and eval never disagree about
 * what a record contains. */
#include "story/story_internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/text.h"

void sm_story_issue_add(sm_story_set *set, sm_story *s, sm_story_field field, uint32_t offset,
                        const char *code, const char *fmt, ...)
{
    if (s->nissues >= SM_STORY_MAX_ISSUES) {
        s->issues_dropped++;
        return;
    }
    sm_story_issue *items = story_grow(set, s->issues, s->nissues, &s->issues_cap, sizeof *items);
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
    sm_story_issue *is = &s->issues[s->nissues++];
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

/* Copy bytes into the arena as a NUL-terminated string. */
static const char *copy_text(sm_story_set *set, const char *p, size_t n)
{
    char *c = sm_arena_strndup(&set->arena, p, n);
    if (!c)
        set->oom = 1;
    return c ? c : "";
}

/* Advance (line, col) over text[0..n). */
static void advance_position(const char *t, size_t n, long *line, long *col)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n')
            (*line)++, *col = 1;
        else if (((unsigned char)t[i] & 0xC0) != 0x80)
            (*col)++;
    }
}

/* Split "<think>\n{cot}\n</think>\n{story}" into the two fields.  `line`,
 * `col` give where str starts (so positions stay true to a raw file).
 * Accepted variants, all seen in model output: leading white space, no
 * "<think>" (the chat template put it in the prompt), no "</think>" (the
 * generation was cut off: everything is chain of thought). */
static void split_model_output(sm_story_set *set, sm_story *s, const char *str, size_t len,
                               long line, long col)
{
    size_t p = 0;
    while (p < len && story_is_space((unsigned char)str[p]))
        p++;
    size_t cot_start = 0;
    if (len - p >= 7 && memcmp(str + p, "<think>", 7) == 0)
        cot_start = p + 7;
    const char *close = NULL;
    for (size_t i = cot_start; i + 8 <= len; i++)
        if (str[i] == '<' && memcmp(str + i, "</think>", 8) == 0) {
            close = str + i;
            break;
        }
    size_t cot_end = close ? (size_t)(close - str) : len;
    /* The format puts one newline after <think> and before </think>. */
    if (cot_start < cot_end && str[cot_start] == '\n')
        cot_start++;
    if (cot_end > cot_start && str[cot_end - 1] == '\n')
        cot_end--;
    s->model_output = 1;
    s->has_cot = 1;
    s->cot = copy_text(set, str + cot_start, cot_end - cot_start);
    s->cot_len = (uint32_t)(cot_end - cot_start);
    s->cot_line0 = line, s->cot_col0 = col;
    advance_position(str, cot_start, &s->cot_line0, &s->cot_col0);
    if (close) {
        size_t st = (size_t)(close - str) + 8;
        if (st < len && str[st] == '\n')
            st++;
        s->has_text = 1;
        s->text = copy_text(set, str + st, len - st);
        s->text_len = (uint32_t)(len - st);
        s->text_line0 = line, s->text_col0 = col;
        advance_position(str, st, &s->text_line0, &s->text_col0);
    } else {
        s->text = "";
        s->text_len = 0;
        s->text_line0 = s->text_col0 = 1;
        sm_story_issue_add(set, s, SM_FIELD_COT, s->cot_len, "think",
                           "model output has no </think>: no story follows the chain of thought");
    }
}

static sm_story *new_story(sm_story_set *set)
{
    if (set->count == set->cap) {
        size_t ncap = set->cap ? set->cap * 2 : 64;
        sm_story *items = realloc(set->items, ncap * sizeof *items);
        if (!items) {
            set->oom = 1;
            return NULL;
        }
        set->items = items;
        set->cap = ncap;
    }
    sm_story *s = &set->items[set->count++];
    memset(s, 0, sizeof *s);
    s->cot = s->text = "";
    s->cot_line0 = s->cot_col0 = s->text_line0 = s->text_col0 = 1;
    s->record_line = 1;
    return s;
}

static void parse_story(sm_story_set *set, sm_story *s)
{
    sm_story_parse_cot(set, s);
    sm_story_parse_tags(set, s);
}

sm_story *sm_story_add(sm_story_set *set, const char *story_id,
                       const char *cot, size_t cot_len,
                       const char *story, size_t story_len)
{
    sm_story *s = new_story(set);
    if (!s)
        return NULL;
    s->story_id = story_id ? copy_text(set, story_id, strlen(story_id)) : NULL;
    if (cot) {
        s->has_cot = s->has_text = 1;
        s->cot = copy_text(set, cot, cot_len);
        s->cot_len = (uint32_t)cot_len;
        s->text = copy_text(set, story ? story : "", story ? story_len : 0);
        s->text_len = story ? (uint32_t)story_len : 0;
    } else if (story) {
        split_model_output(set, s, story, story_len, 1, 1);
    }
    parse_story(set, s);
    return s;
}

/* A string field: returns it (with its length) or NULL when absent or not
 * a string (reported). */
static const char *string_field(sm_story_set *set, sm_story *s, json_t *rec, const char *key,
                                size_t *len, int required)
{
    json_t *v = json_object_get(rec, key);
    if (!v) {
        if (required)
            sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"%s\"", key);
        return NULL;
    }
    if (!json_is_string(v)) {
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"%s\" is not a string", key);
        return NULL;
    }
    *len = json_string_length(v);
    return json_string_value(v);
}

static void read_record(sm_story_set *set, sm_story *s, json_t *rec)
{
    size_t n = 0;
    const char *id = string_field(set, s, rec, "story_id", &n, 1);
    if (id && n == 0)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"story_id\" is empty");
    if (id && n > 0)
        s->story_id = copy_text(set, id, n);

    json_t *images = json_object_get(rec, "images");
    if (!images) {
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"images\"");
    } else if (!json_is_array(images)) {
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"images\" is not an array");
    } else {
        size_t k = json_array_size(images);
        s->has_images = 1;
        s->images = sm_arena_alloc(&set->arena, (k ? k : 1) * sizeof *s->images);
        if (!s->images) {
            set->oom = 1;
            s->has_images = 0;
        } else {
            for (size_t i = 0; i < k; i++) {
                json_t *im = json_array_get(images, i);
                if (json_is_string(im))
                    s->images[s->nimages++] = copy_text(set, json_string_value(im),
                                                        json_string_length(im));
                else
                    sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field",
                                       "\"images\"[%zu] is not a string", i);
            }
        }
    }

    json_t *fc = json_object_get(rec, "frame_count");
    if (!fc)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"frame_count\"");
    else if (!json_is_integer(fc))
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"frame_count\" is not an integer");
    else {
        s->has_frame_count = 1;
        s->frame_count = (long)json_integer_value(fc);
    }

    size_t cot_len = 0, story_len = 0;
    const char *cot = string_field(set, s, rec, "chain_of_thought", &cot_len, 0);
    const char *story = string_field(set, s, rec, "story", &story_len, 0);
    if (!story)
        story = string_field(set, s, rec, "output", &story_len, 0);
    if (!cot && story) {
        /* A prediction record: the whole model output in one field. */
        split_model_output(set, s, story, story_len, 1, 1);
    } else {
        if (!cot)
            sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"chain_of_thought\"");
        if (!story)
            sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"story\"");
        if (cot) {
            s->has_cot = 1;
            s->cot = copy_text(set, cot, cot_len);
            s->cot_len = (uint32_t)cot_len;
        }
        if (story) {
            s->has_text = 1;
            s->text = copy_text(set, story, story_len);
            s->text_len = (uint32_t)story_len;
        }
    }
    parse_story(set, s);
}

/* story_id of a raw model-output file: its base name without extension. */
static const char *id_from_name(sm_story_set *set, const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return copy_text(set, base, n);
}

/* Flag story_ids used twice: pairing by id would be ambiguous. */
static void check_unique_ids(sm_story_set *set)
{
    size_t n = set->count, cap = 16;
    while (cap < n * 2)
        cap *= 2;
    size_t *slots = malloc(cap * sizeof *slots);
    if (!slots) {
        set->oom = 1;
        return;
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const char *id = set->items[i].story_id;
        if (!id)
            continue;
        uint64_t h = 1469598103934665603ull;
        for (const char *p = id; *p; p++)
            h = (h ^ (unsigned char)*p) * 1099511628211ull;
        size_t k = (size_t)h & (cap - 1);
        while (slots[k] != (size_t)-1) {
            if (strcmp(set->items[slots[k]].story_id, id) == 0) {
                sm_story_issue_add(set, &set->items[i], SM_FIELD_RECORD, 0, "duplicate-id",
                                   "story_id \"%s\" is used again (first on line %ld)", id,
                                   set->items[slots[k]].record_line);
                break;
            }
            k = (k + 1) & (cap - 1);
        }
        if (slots[k] == (size_t)-1)
            slots[k] = i;
    }
    free(slots);
}

static int read_lines(sm_story_set *set, sm_error *err)
{
    const char *d = set->data;
    size_t len = set->len, pos = 0;
    long line = 0;
    while (pos < len) {
        const char *eol = memchr(d + pos, '\n', len - pos);
        size_t end = eol ? (size_t)(eol - d) : len;
        size_t a = pos;
        line++;
        pos = eol ? end + 1 : len;
        size_t b = end;
        while (a < b && story_is_space((unsigned char)d[a]))
            a++;
        while (b > a && story_is_space((unsigned char)d[b - 1]))
            b--;
        if (a == b)
            continue;
        sm_story *s = new_story(set);
        if (!s)
            return sm_fail(err, set->name, line, "out of memory");
        s->record_line = line;
        json_error_t jerr;
        json_t *rec = json_loadb(d + a, b - a, 0, &jerr);
        if (!rec || !json_is_object(rec)) {
            s->broken = 1;
            sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "json", "line %ld is not a JSON object%s%s",
                               line, rec ? "" : ": ", rec ? "" : jerr.text);
            json_decref(rec);
            continue;
        }
        read_record(set, s, rec);
        json_decref(rec);
        if (set->oom)
            return sm_fail(err, set->name, line, "out of memory");
    }
    return 0;
}

static int read_data(sm_story_set *set, sm_error *err)
{
    size_t p = 0;
    while (p < set->len && story_is_space((unsigned char)set->data[p]))
        p++;
    if (set->len - p >= 7 && memcmp(set->data + p, "<think>", 7) == 0) {
        /* One raw model output; positions are file positions. */
        set->raw_model_output = 1;
        sm_story *s = new_story(set);
        if (!s)
            return sm_fail(err, set->name, 0, "out of memory");
        s->story_id = id_from_name(set, set->name);
        split_model_output(set, s, set->data, set->len, 1, 1);
        parse_story(set, s);
    } else if (read_lines(set, err) != 0) {
        return -1;
    }
    check_unique_ids(set);
    if (set->oom)
        return sm_fail(err, set->name, 0, "out of memory");
    return 0;
}

int sm_story_read_buffer(const char *name, const char *data, size_t len,
                         sm_story_set *set, sm_error *err)
{
    memset(set, 0, sizeof *set);
    set->name = strdup(name ? name : "-");
    set->data = malloc(len + 1);
    if (!set->name || !set->data) {
        sm_story_set_free(set);
        return sm_fail(err, name, 0, "out of memory");
    }
    if (len)
        memcpy(set->data, data, len);
    set->data[len] = '\0';
    set->len = len;
    return read_data(set, err);
}

int sm_story_read_file(const char *path, sm_story_set *set, sm_error *err)
{
    sm_text text;
    memset(set, 0, sizeof *set);
    if (sm_text_read_file(path, &text, err) != 0)
        return -1;
    set->name = strdup(path);
    if (!set->name) {
        sm_text_free(&text);
        return sm_fail(err, path, 0, "out of memory");
    }
    set->data = text.data;     /* take ownership */
    set->len = text.len;
    return read_data(set, err);
}

void sm_story_set_free(sm_story_set *set)
{
    free(set->name);
    free(set->data);
    free(set->items);
    sm_arena_free(&set->arena);
    memset(set, 0, sizeof *set);
}

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
    static const char *const prefix[] = {"?", "char", "obj", "lm", "bg"};
    snprintf(buf, size, "%s%u", prefix[id.kind <= SM_ENT_BG ? id.kind : 0], id.number);
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
