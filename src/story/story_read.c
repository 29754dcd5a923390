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

#include "common/array.h"
#include "common/hash.h"
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
    if (sm_grow(&set->items, &set->cap, set->count + 1, sizeof *set->items) != 0) {
        set->oom = 1;
        return NULL;
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

/* What a record line holds, whichever parser read it.  Strings already
 * live in the set's arena (NUL-terminated). */
enum { F_ABSENT = 0, F_WRONG_TYPE, F_OK };

typedef struct str_field {
    int state;
    const char *text;
    size_t len;
} str_field;

typedef struct record_fields {
    str_field story_id, cot, story, output;
    int images_state;
    const char **images;
    uint32_t nimages, images_cap;
    long bad_image;             /* index of the first non-string entry, or -1 */
    int frame_count_state;
    long frame_count;
} record_fields;

static void apply_string(sm_story_set *set, sm_story *s, const char *key, const str_field *f,
                         int required)
{
    if (f->state == F_ABSENT && required)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"%s\"", key);
    else if (f->state == F_WRONG_TYPE)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"%s\" is not a string", key);
}

/* The semantics of a record, shared by both parsers. */
static void apply_record(sm_story_set *set, sm_story *s, record_fields *r)
{
    apply_string(set, s, "story_id", &r->story_id, 1);
    if (r->story_id.state == F_OK && r->story_id.len == 0)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"story_id\" is empty");
    if (r->story_id.state == F_OK && r->story_id.len > 0)
        s->story_id = r->story_id.text;

    if (r->images_state == F_ABSENT)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"images\"");
    else if (r->images_state == F_WRONG_TYPE)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"images\" is not an array");
    else {
        s->has_images = 1;
        s->images = r->images;
        s->nimages = r->nimages;
        if (r->bad_image >= 0)
            sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field",
                               "\"images\"[%ld] is not a string", r->bad_image);
    }

    if (r->frame_count_state == F_ABSENT)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"frame_count\"");
    else if (r->frame_count_state == F_WRONG_TYPE)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"frame_count\" is not an integer");
    else {
        s->has_frame_count = 1;
        s->frame_count = r->frame_count;
    }

    str_field *story = r->story.state == F_OK ? &r->story
                     : r->output.state == F_OK ? &r->output : &r->story;
    if (r->cot.state != F_OK && story->state == F_OK) {
        /* A prediction record: the whole model output in one field. */
        apply_string(set, s, "chain_of_thought", &r->cot, 0);
        split_model_output(set, s, story->text, story->len, 1, 1);
    } else {
        apply_string(set, s, "chain_of_thought", &r->cot, 1);
        apply_string(set, s, "story", story, 1);
        if (r->cot.state == F_OK) {
            s->has_cot = 1;
            s->cot = r->cot.text;
            s->cot_len = (uint32_t)r->cot.len;
        }
        if (story->state == F_OK) {
            s->has_text = 1;
            s->text = story->text;
            s->text_len = (uint32_t)story->len;
        }
    }
    parse_story(set, s);
}

/* ---- jansson path: any valid JSON, and the error messages -------------- */

static void jansson_string(sm_story_set *set, json_t *rec, const char *key, str_field *f)
{
    json_t *v = json_object_get(rec, key);
    if (!v)
        return;
    if (!json_is_string(v)) {
        f->state = F_WRONG_TYPE;
        return;
    }
    f->state = F_OK;
    f->len = json_string_length(v);
    f->text = copy_text(set, json_string_value(v), f->len);
}

static void read_record(sm_story_set *set, sm_story *s, json_t *rec)
{
    record_fields r;
    memset(&r, 0, sizeof r);
    r.bad_image = -1;
    jansson_string(set, rec, "story_id", &r.story_id);
    jansson_string(set, rec, "chain_of_thought", &r.cot);
    jansson_string(set, rec, "story", &r.story);
    jansson_string(set, rec, "output", &r.output);
    json_t *images = json_object_get(rec, "images");
    if (images && !json_is_array(images))
        r.images_state = F_WRONG_TYPE;
    else if (images) {
        size_t k = json_array_size(images);
        r.images_state = F_OK;
        r.images = sm_arena_alloc(&set->arena, (k ? k : 1) * sizeof *r.images);
        if (!r.images)
            set->oom = 1, k = 0;
        for (size_t i = 0; i < k; i++) {
            json_t *im = json_array_get(images, i);
            if (json_is_string(im))
                r.images[r.nimages++] = copy_text(set, json_string_value(im), json_string_length(im));
            else if (r.bad_image < 0)
                r.bad_image = (long)i;
        }
    }
    json_t *fc = json_object_get(rec, "frame_count");
    if (fc) {
        r.frame_count_state = json_is_integer(fc) ? F_OK : F_WRONG_TYPE;
        if (json_is_integer(fc))
            r.frame_count = (long)json_integer_value(fc);
    }
    apply_record(set, s, &r);
}

/* ---- fast path ------------------------------------------------------------
 * Test sets are tens of megabytes of records whose strings are 20-30 KB
 * each.  Building a jansson tree and copying every string out of it costs
 * more than all the checking and scoring together, so records are read by
 * this small parser, which decodes each string straight into the arena.
 * It accepts exactly the JSON it understands; on anything else (a syntax
 * error, a NUL escape, a control character) it gives up and the record
 * goes through jansson, which also words the error. */

typedef struct scan {
    const char *p, *end;
    int dry;                    /* validate only, write nothing */
} scan;

static void skip_ws(scan *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        v <<= 4;
        if (ch >= '0' && ch <= '9')
            v |= (unsigned)(ch - '0');
        else if ((ch | 32) >= 'a' && (ch | 32) <= 'f')
            v |= (unsigned)((ch | 32) - 'a' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Read the string at c->p (on its opening quote).  In a dry scan
 * (c->dry) nothing is written: the pass only proves the line is JSON we
 * understand.  Otherwise, with `out`, the string is decoded in place: its
 * decoded form is never longer than its escaped form, so it fits where it
 * stands, NUL-terminated where the closing quote was at the latest.
 * Returns 0, or -1 when it is not valid JSON. */
static int scan_string(scan *c, str_field *out)
{
    char *start = (char *)(uintptr_t)(c->p + 1);
    const char *p = start;
    char *dst = c->dry || !out ? NULL : start;
    size_t n = 0;
#define PUT(ch) do { if (dst) dst[n] = (char)(ch); n++; } while (0)
    for (;;) {
        const char *q = p;
        while (q < c->end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
            q++;
        if (dst && q > p && dst + n != p)
            memmove(dst + n, p, (size_t)(q - p));
        n += (size_t)(q - p);
        p = q;
        if (p >= c->end || (unsigned char)*p < 0x20)
            return -1;
        if (*p == '"')
            break;
        p++;                       /* the backslash */
        if (p >= c->end)
            return -1;
        char e = *p++;
        switch (e) {
        case '"': PUT('"'); break;
        case '\\': PUT('\\'); break;
        case '/': PUT('/'); break;
        case 'b': PUT('\b'); break;
        case 'f': PUT('\f'); break;
        case 'n': PUT('\n'); break;
        case 'r': PUT('\r'); break;
        case 't': PUT('\t'); break;
        case 'u': {
            unsigned cp, lo;
            if (c->end - p < 4 || hex4(p, &cp) != 0)
                return -1;
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (c->end - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) != 0 ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return -1;
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return -1;
            }
            if (cp == 0)
                return -1;         /* NUL inside a string: jansson refuses it too */
            /* \uXXXX is 6 bytes (12 for a pair); UTF-8 needs at most 4. */
            if (cp < 0x80) {
                PUT(cp);
            } else if (cp < 0x800) {
                PUT(0xC0 | (cp >> 6));
                PUT(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                PUT(0xE0 | (cp >> 12));
                PUT(0x80 | ((cp >> 6) & 0x3F));
                PUT(0x80 | (cp & 0x3F));
            } else {
                PUT(0xF0 | (cp >> 18));
                PUT(0x80 | ((cp >> 12) & 0x3F));
                PUT(0x80 | ((cp >> 6) & 0x3F));
                PUT(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            return -1;
        }
    }
#undef PUT
    c->p = p + 1;
    if (dst) {
        dst[n] = '\0';
        out->state = F_OK;
        out->text = dst;
        out->len = n;
    } else if (out) {
        out->state = F_OK;
        out->text = "";
        out->len = n;
    }
    return 0;
}

static int scan_literal(scan *c, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return -1;
    c->p += n;
    return 0;
}

/* A JSON number; *is_integer when it has no fraction or exponent. */
static int scan_number(scan *c, long *value, int *is_integer)
{
    const char *p = c->p;
    int neg = 0;
    long long v = 0;
    int overflow = 0;
    if (p < c->end && *p == '-')
        neg = 1, p++;
    if (p >= c->end || !story_is_digit((unsigned char)*p))
        return -1;
    if (*p == '0' && p + 1 < c->end && story_is_digit((unsigned char)p[1]))
        return -1;
    while (p < c->end && story_is_digit((unsigned char)*p)) {
        if (v > 100000000000000LL)
            overflow = 1;
        else
            v = v * 10 + (*p - '0');
        p++;
    }
    *is_integer = !overflow;
    if (p < c->end && *p == '.') {
        *is_integer = 0;
        p++;
        if (p >= c->end || !story_is_digit((unsigned char)*p))
            return -1;
        while (p < c->end && story_is_digit((unsigned char)*p))
            p++;
    }
    if (p < c->end && (*p == 'e' || *p == 'E')) {
        *is_integer = 0;
        p++;
        if (p < c->end && (*p == '+' || *p == '-'))
            p++;
        if (p >= c->end || !story_is_digit((unsigned char)*p))
            return -1;
        while (p < c->end && story_is_digit((unsigned char)*p))
            p++;
    }
    *value = (long)(neg ? -v : v);
    c->p = p;
    return 0;
}

/* Skip any value (depth-limited, as jansson's). */
static int skip_value(scan *c, int depth)
{
    if (depth > 64)
        return -1;
    skip_ws(c);
    if (c->p >= c->end)
        return -1;
    char ch = *c->p;
    if (ch == '"')
        return scan_string(c, NULL);
    if (ch == '{' || ch == '[') {
        char close = ch == '{' ? '}' : ']';
        c->p++;
        skip_ws(c);
        if (c->p < c->end && *c->p == close) {
            c->p++;
            return 0;
        }
        for (;;) {
            if (ch == '{') {
                skip_ws(c);
                if (c->p >= c->end || *c->p != '"' || scan_string(c, NULL) != 0)
                    return -1;
                skip_ws(c);
                if (c->p >= c->end || *c->p != ':')
                    return -1;
                c->p++;
            }
            if (skip_value(c, depth + 1) != 0)
                return -1;
            skip_ws(c);
            if (c->p >= c->end)
                return -1;
            if (*c->p == ',') {
                c->p++;
                continue;
            }
            if (*c->p == close) {
                c->p++;
                return 0;
            }
            return -1;
        }
    }
    if (ch == 't')
        return scan_literal(c, "true");
    if (ch == 'f')
        return scan_literal(c, "false");
    if (ch == 'n')
        return scan_literal(c, "null");
    long v;
    int integer;
    return scan_number(c, &v, &integer);
}

/* A string field's value: decoded when it is a string, else skipped. */
static int scan_string_field(scan *c, str_field *f)
{
    if (*c->p == '"')
        return scan_string(c, f);
    memset(f, 0, sizeof *f);
    f->state = F_WRONG_TYPE;
    return skip_value(c, 1);
}

static int scan_images(sm_story_set *set, scan *c, record_fields *r)
{
    if (*c->p != '[') {
        r->images_state = F_WRONG_TYPE;
        r->nimages = 0;
        return skip_value(c, 1);
    }
    r->images_state = F_OK;
    r->nimages = 0;
    r->bad_image = -1;
    c->p++;
    skip_ws(c);
    if (c->p < c->end && *c->p == ']') {
        c->p++;
        return 0;
    }
    for (long index = 0;; index++) {
        skip_ws(c);
        if (c->p >= c->end)
            return -1;
        if (*c->p == '"') {
            str_field f;
            if (scan_string(c, &f) != 0)
                return -1;
            if (c->dry)
                goto next;
            const char **items = story_grow(set, (void *)r->images, r->nimages, &r->images_cap,
                                            sizeof *items);
            if (!items)
                return -1;
            r->images = items;
            r->images[r->nimages++] = f.text;
        } else {
            if (r->bad_image < 0)
                r->bad_image = index;
            if (skip_value(c, 2) != 0)
                return -1;
        }
    next:
        skip_ws(c);
        if (c->p >= c->end)
            return -1;
        if (*c->p == ',') {
            c->p++;
            continue;
        }
        if (*c->p == ']') {
            c->p++;
            return 0;
        }
        return -1;
    }
}

static int scan_record(sm_story_set *set, record_fields *r, const char *line, size_t len, int dry)
{
    memset(r, 0, sizeof *r);
    r->bad_image = -1;
    scan c = {line, line + len, dry};
    skip_ws(&c);
    if (c.p >= c.end || *c.p != '{')
        return -1;
    c.p++;
    skip_ws(&c);
    if (c.p < c.end && *c.p == '}') {
        c.p++;
    } else {
        for (;;) {
            skip_ws(&c);
            if (c.p >= c.end || *c.p != '"')
                return -1;
            const char *key = c.p + 1;
            if (scan_string(&c, NULL) != 0)
                return -1;
            size_t klen = (size_t)(c.p - 1 - key);
            if (memchr(key, '\\', klen))
                return -1;        /* an escaped key: let jansson decode it */
            skip_ws(&c);
            if (c.p >= c.end || *c.p != ':')
                return -1;
            c.p++;
            skip_ws(&c);
            if (c.p >= c.end)
                return -1;
            int rc;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(key, k, klen) == 0)
            if (KEY("story_id"))
                rc = scan_string_field(&c, &r->story_id);
            else if (KEY("chain_of_thought"))
                rc = scan_string_field(&c, &r->cot);
            else if (KEY("story"))
                rc = scan_string_field(&c, &r->story);
            else if (KEY("output"))
                rc = scan_string_field(&c, &r->output);
            else if (KEY("images"))
                rc = scan_images(set, &c, r);
            else if (KEY("frame_count")) {
                int integer = 0;
                if (*c.p == '-' || story_is_digit((unsigned char)*c.p)) {
                    rc = scan_number(&c, &r->frame_count, &integer);
                    r->frame_count_state = integer ? F_OK : F_WRONG_TYPE;
                } else {
                    r->frame_count_state = F_WRONG_TYPE;
                    rc = skip_value(&c, 1);
                }
            } else
                rc = skip_value(&c, 1);
#undef KEY
            if (rc != 0)
                return -1;
            skip_ws(&c);
            if (c.p >= c.end)
                return -1;
            if (*c.p == ',') {
                c.p++;
                continue;
            }
            if (*c.p == '}') {
                c.p++;
                break;
            }
            return -1;
        }
    }
    skip_ws(&c);
    return c.p == c.end ? 0 : -1;
}

/* Two passes: a dry one proves the line is JSON this parser reads
 * correctly; only then is it decoded in place (which destroys the line, so
 * it must not fail half-way and fall back to jansson). */
static int fast_record(sm_story_set *set, sm_story *s, char *line, size_t len)
{
    record_fields r;
    if (scan_record(set, &r, line, len, 1) != 0)
        return -1;
    if (scan_record(set, &r, line, len, 0) != 0) {
        s->broken = 1;    /* cannot happen but for lack of memory */
        set->oom = 1;
        return 0;
    }
    apply_record(set, s, &r);
    return 0;
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
    size_t n = set->count, cap = sm_table_size(n, 16);
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
        size_t k = (size_t)sm_fnv1a_str(id) & (cap - 1);
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
        if (fast_record(set, s, set->data + a, b - a) == 0) {
            if (set->oom)
                return sm_fail(err, set->name, line, "out of memory");
            continue;
        }
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
