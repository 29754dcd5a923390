/* json_scan.c - one JSON Lines record into typed fields (see json_scan.h).
 *
 * The fast path reads the line once, left to right.  It never guesses:
 * every byte it accepts is one jansson accepts with the same meaning, and
 * at the first thing it does not handle it gives up (FALLBACK) and jansson
 * reads the whole line again from the start. */
#include "common/json_scan.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

#define MAX_FAST_FIELDS 32   /* more fields than this: jansson reads the line */
#define MAX_FAST_DEPTH 64    /* deeper nesting in a skipped value: jansson too */

enum { FAST_OK = 0, FALLBACK = 1, OOM = 2, MORE = 3 };

/* How strings are decoded: into the arena, or where they stand in the
 * line.  A dry pass decodes nothing; it proves the line is one the fast path
 * reads, before the line is overwritten. */
enum { COPY, IN_PLACE, DRY };

typedef struct cursor {
    const char *p, *e;
    sm_arena *arena;
    int mode;
} cursor;

void sm_json_scan_init(sm_json_scan *sc, sm_arena *arena)
{
    memset(sc, 0, sizeof *sc);
    sc->arena = arena;
}

static void skip_ws(cursor *c)
{
    while (c->p < c->e && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

/* ---- strings ------------------------------------------------------------ */

static int hex4(const char *p, const char *e, unsigned *out)
{
    if (e - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char ch = (unsigned char)p[i];
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

/* Raw length of the valid escape at q (a backslash): 2, 6 for \uXXXX, 12
 * for a surrogate pair; 0 for what jansson refuses (an unknown escape, a
 * lone surrogate, \u0000 without JSON_ALLOW_NUL).  Checked even in strings
 * that are only skipped, since jansson refuses the whole line for them. */
static size_t escape_length(const char *q, const char *e)
{
    unsigned cp, lo;
    if (e - q < 2)
        return 0;
    switch (q[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return 2;
    case 'u':
        if (hex4(q + 2, e, &cp) != 0 || cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
            return 0;
        if (cp < 0xD800 || cp > 0xDBFF)
            return 6;
        if (e - q < 12 || q[6] != '\\' || q[7] != 'u' || hex4(q + 8, e, &lo) != 0 || lo < 0xDC00 ||
            lo > 0xDFFF)
            return 0;
        return 12;
    default:
        return 0;
    }
}

/* A word of 8 bytes holds nothing but plain ASCII text: no '"', no '\\', no
 * control character, no byte >= 0x80. */
static int plain_word(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    uint64_t special = ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
                       ((w - ones * 0x20) & ~w) | w;
    return (special & highs) == 0;
}

/* c->p at the opening quote.  Validates the string as jansson would and
 * leaves c->p after the closing quote; [*raw, *raw_end) is its raw text
 * and *escaped says whether it holds a backslash. */
static int skip_string(cursor *c, const char **raw, const char **raw_end, int *escaped)
{
    const char *q = c->p + 1, *e = c->e;
    *escaped = 0;
    for (;;) {
        while (e - q >= 8) {
            uint64_t w;
            memcpy(&w, q, 8);
            if (!plain_word(w))
                break;
            q += 8;
        }
        if (q >= e)
            return FALLBACK;
        unsigned char ch = (unsigned char)*q;
        if (ch == '"')
            break;
        if (ch < 0x20)
            return FALLBACK;
        if (ch == '\\') {
            size_t n = escape_length(q, e);
            if (n == 0)
                return FALLBACK;
            *escaped = 1;
            q += n;
        } else if (ch < 0x80) {
            q++;
        } else {
            size_t n = sm_utf8_sequence((const unsigned char *)q, (const unsigned char *)e);
            if (n == 0)
                return FALLBACK;
            q += n;
        }
    }
    *raw = c->p + 1;
    *raw_end = q;
    c->p = q + 1;
    return FAST_OK;
}

/* The decoded form of a string skip_string() validated, in the arena or
 * (IN_PLACE) over its raw text: the decoded text is never longer than the
 * raw text, so its NUL lands on the closing quote at the latest. */
static char *decode_string(cursor *c, const char *p, const char *q, int escaped, size_t *len)
{
    char *dst = c->mode == IN_PLACE ? (char *)(uintptr_t)p : sm_arena_alloc(c->arena, (size_t)(q - p) + 1);
    if (!dst)
        return NULL;
    if (!escaped) {
        if (dst != p)
            memcpy(dst, p, (size_t)(q - p));
        dst[q - p] = '\0';
        *len = (size_t)(q - p);
        return dst;
    }
    size_t n = 0;
    while (p < q) {
        const char *bs = memchr(p, '\\', (size_t)(q - p));
        size_t run = (size_t)((bs ? bs : q) - p);
        if (dst + n != p)
            memmove(dst + n, p, run);
        n += run;
        p += run;
        if (!bs)
            break;
        char kind = p[1];
        p += 2;
        switch (kind) {
        case 'b': dst[n++] = '\b'; break;
        case 'f': dst[n++] = '\f'; break;
        case 'n': dst[n++] = '\n'; break;
        case 'r': dst[n++] = '\r'; break;
        case 't': dst[n++] = '\t'; break;
        case 'u': {
            unsigned cp = 0, lo = 0;   /* skip_string() checked the digits */
            hex4(p, q, &cp);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                hex4(p + 2, q, &lo);
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            n += sm_utf8_encode(cp, dst + n);
            break;
        }
        default: dst[n++] = kind; break;   /* '"', '\\', '/' */
        }
    }
    dst[n] = '\0';
    *len = n;
    return dst;
}

/* ---- numbers ------------------------------------------------------------ */

/* Whether s is a number by JSON's grammar:
 * -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * strtod alone also takes "01", "1." and "-.5", which jansson refuses. */
static int number_syntax(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* A number at c->p; *is_int as jansson decides it (no '.', 'e' or 'E').
 * What jansson refuses (bad syntax, an integer beyond long long, a real
 * that overflows) falls back, for jansson's message. */
static int scan_number(cursor *c, double *v, long long *iv, int *is_int)
{
    char buf[64];
    size_t n = 0;
    const char *p = c->p;
    *is_int = 1;
    while (p < c->e && n < sizeof buf - 1 &&
           ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E')) {
        if (*p == '.' || *p == 'e' || *p == 'E')
            *is_int = 0;
        buf[n++] = *p++;
    }
    buf[n] = '\0';
    if (n == 0 || n == sizeof buf - 1 || !number_syntax(buf))
        return FALLBACK;
    char *stop;
    errno = 0;
    if (*is_int) {
        *iv = strtoll(buf, &stop, 10);
        *v = (double)*iv;
        if (errno == ERANGE)
            return FALLBACK;
    } else {
        *v = strtod(buf, &stop);
        if (!isfinite(*v))
            return FALLBACK;
    }
    if (*stop != '\0')
        return FALLBACK;
    c->p = p;
    return FAST_OK;
}

/* ---- values ------------------------------------------------------------- */

/* After a member of an object or array: a ',' (MORE follows), or the
 * closing bracket, passed (FAST_OK); anything else is FALLBACK. */
static int after_member(cursor *c, char close)
{
    skip_ws(c);
    if (c->p < c->e && *c->p == ',') {
        c->p++;
        skip_ws(c);
        return MORE;
    }
    if (c->p < c->e && *c->p == close) {
        c->p++;
        return FAST_OK;
    }
    return FALLBACK;
}

static int literal(cursor *c, const char *word, size_t n)
{
    if ((size_t)(c->e - c->p) < n || memcmp(c->p, word, n) != 0)
        return FALLBACK;
    c->p += n;
    return FAST_OK;
}

/* Validate and pass over any value. */
static int skip_value(cursor *c, int depth)
{
    const char *raw, *raw_end;
    int escaped, is_int;
    double v;
    long long iv;
    if (depth > MAX_FAST_DEPTH || c->p >= c->e)
        return FALLBACK;
    switch (*c->p) {
    case '"': return skip_string(c, &raw, &raw_end, &escaped);
    case 't': return literal(c, "true", 4);
    case 'f': return literal(c, "false", 5);
    case 'n': return literal(c, "null", 4);
    case '{':
    case '[': {
        char close = *c->p == '{' ? '}' : ']';
        int object = close == '}';
        c->p++;
        skip_ws(c);
        if (c->p < c->e && *c->p == close) {
            c->p++;
            return FAST_OK;
        }
        for (;;) {
            int rc;
            if (object) {
                if (c->p >= c->e || *c->p != '"')
                    return FALLBACK;
                if ((rc = skip_string(c, &raw, &raw_end, &escaped)) != FAST_OK)
                    return rc;
                skip_ws(c);
                if (c->p >= c->e || *c->p != ':')
                    return FALLBACK;
                c->p++;
                skip_ws(c);
            }
            if ((rc = skip_value(c, depth + 1)) != FAST_OK)
                return rc;
            if ((rc = after_member(c, close)) != MORE)
                return rc;
        }
    }
    default:
        if (*c->p == '-' || (*c->p >= '0' && *c->p <= '9'))
            return scan_number(c, &v, &iv, &is_int);
        return FALLBACK;
    }
}

/* An array's string entries into the arena (c->p at '['). */
static int scan_strings(cursor *c, sm_json_value *out)
{
    size_t cap = 0;
    out->first_non_string = -1;
    c->p++;
    skip_ws(c);
    if (c->p < c->e && *c->p == ']') {
        c->p++;
        return FAST_OK;
    }
    for (long index = 0;; index++) {
        int rc;
        if (c->p < c->e && *c->p == '"') {
            const char *raw, *raw_end;
            int escaped;
            size_t len;
            if ((rc = skip_string(c, &raw, &raw_end, &escaped)) != FAST_OK)
                return rc;
            const char *s = decode_string(c, raw, raw_end, escaped, &len);
            if (!s)
                return OOM;
            if (out->n_strings == cap) {
                /* Arena memory is abandoned, not freed: doubling keeps the
                 * waste under the final size. */
                size_t ncap = cap ? cap * 2 : 8;
                const char **grown = sm_arena_alloc(c->arena, ncap * sizeof *grown);
                if (!grown)
                    return OOM;
                if (out->n_strings)
                    memcpy(grown, out->strings, out->n_strings * sizeof *grown);
                out->strings = grown;
                cap = ncap;
            }
            out->strings[out->n_strings++] = s;
        } else {
            if (out->first_non_string < 0)
                out->first_non_string = index;
            if ((rc = skip_value(c, 2)) != FAST_OK)
                return rc;
        }
        if ((rc = after_member(c, ']')) != MORE)
            return rc;
    }
}

/* The value at c->p for the fields listed in match[0..n_match) (all of
 * one key): each gets its state and, where the type fits, the value. */
static int scan_field_value(cursor *c, const sm_json_field *fields, sm_json_value *values,
                            const size_t *match, size_t n_match)
{
    unsigned wants = 0;
    for (size_t m = 0; m < n_match; m++) {
        memset(&values[match[m]], 0, sizeof values[match[m]]);
        values[match[m]].state = SM_JSON_MISMATCH;
        values[match[m]].first_non_string = -1;
        wants |= 1u << fields[match[m]].type;
    }
    int rc;
    char ch = *c->p;
    if (ch == '"') {
        const char *raw, *raw_end;
        int escaped;
        if ((rc = skip_string(c, &raw, &raw_end, &escaped)) != FAST_OK)
            return rc;
        if (!(wants & (1u << SM_JSON_STRING)))
            return FAST_OK;
        size_t len;
        const char *s = decode_string(c, raw, raw_end, escaped, &len);
        if (!s)
            return OOM;
        for (size_t m = 0; m < n_match; m++)
            if (fields[match[m]].type == SM_JSON_STRING) {
                values[match[m]].state = SM_JSON_OK;
                values[match[m]].string = s;
                values[match[m]].len = len;
            }
        return FAST_OK;
    }
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
        double v;
        long long iv = 0;
        int is_int;
        if ((rc = scan_number(c, &v, &iv, &is_int)) != FAST_OK)
            return rc;
        for (size_t m = 0; m < n_match; m++) {
            sm_json_value *val = &values[match[m]];
            sm_json_type t = fields[match[m]].type;
            if (t == SM_JSON_NUMBER || (t == SM_JSON_INTEGER && is_int)) {
                val->state = SM_JSON_OK;
                val->number = v;
                val->integer = is_int ? iv : 0;
            }
        }
        return FAST_OK;
    }
    if (ch == 'n') {
        if ((rc = literal(c, "null", 4)) != FAST_OK)
            return rc;
        for (size_t m = 0; m < n_match; m++)
            values[match[m]].state = SM_JSON_NULL;
        return FAST_OK;
    }
    if (ch == '[' && (wants & (1u << SM_JSON_STRINGS))) {
        sm_json_value got;
        memset(&got, 0, sizeof got);
        if ((rc = scan_strings(c, &got)) != FAST_OK)
            return rc;
        got.state = SM_JSON_OK;
        for (size_t m = 0; m < n_match; m++)
            if (fields[match[m]].type == SM_JSON_STRINGS)
                values[match[m]] = got;
        return FAST_OK;
    }
    return skip_value(c, 1);   /* true, false, an object, an array not wanted */
}

static int fast_object(cursor *c, const sm_json_field *fields, const size_t *klen, size_t n_fields,
                       sm_json_value *values)
{
    skip_ws(c);
    if (c->p >= c->e || *c->p != '{')
        return FALLBACK;
    c->p++;
    skip_ws(c);
    if (c->p < c->e && *c->p == '}') {
        c->p++;
    } else {
        for (;;) {
            const char *key, *key_end;
            int escaped, rc;
            if (c->p >= c->e || *c->p != '"')
                return FALLBACK;
            if ((rc = skip_string(c, &key, &key_end, &escaped)) != FAST_OK)
                return rc;
            if (escaped)
                return FALLBACK;   /* an escaped key: jansson decodes it */
            skip_ws(c);
            if (c->p >= c->e || *c->p != ':')
                return FALLBACK;
            c->p++;
            skip_ws(c);
            if (c->p >= c->e)
                return FALLBACK;
            size_t match[MAX_FAST_FIELDS], n_match = 0, kn = (size_t)(key_end - key);
            for (size_t i = 0; i < n_fields; i++)
                if (klen[i] == kn && memcmp(fields[i].key, key, kn) == 0)
                    match[n_match++] = i;
            rc = n_match ? scan_field_value(c, fields, values, match, n_match) : skip_value(c, 1);
            if (rc != FAST_OK || (rc = after_member(c, '}')) == FALLBACK)
                return rc;
            if (rc == FAST_OK)
                break;
        }
    }
    skip_ws(c);
    return c->p == c->e ? FAST_OK : FALLBACK;
}

/* ---- the general path --------------------------------------------------- */

static const char *arena_copy(sm_arena *a, json_t *s)
{
    return sm_arena_strndup(a, json_string_value(s), json_string_length(s));
}

static int jansson_value(sm_arena *a, json_t *v, sm_json_type type, sm_json_value *out)
{
    memset(out, 0, sizeof *out);
    out->first_non_string = -1;
    if (!v) {
        out->state = SM_JSON_ABSENT;
        return 0;
    }
    out->state = json_is_null(v) ? SM_JSON_NULL : SM_JSON_MISMATCH;
    switch (type) {
    case SM_JSON_STRING:
        if (json_is_string(v)) {
            out->state = SM_JSON_OK;
            out->len = json_string_length(v);
            if (!(out->string = arena_copy(a, v)))
                return -1;
        }
        break;
    case SM_JSON_INTEGER:
        if (json_is_integer(v)) {
            out->state = SM_JSON_OK;
            out->integer = json_integer_value(v);
            out->number = (double)out->integer;
        }
        break;
    case SM_JSON_NUMBER:
        if (json_is_number(v)) {
            out->state = SM_JSON_OK;
            out->number = json_number_value(v);
            out->integer = json_is_integer(v) ? json_integer_value(v) : 0;
        }
        break;
    case SM_JSON_STRINGS:
        if (json_is_array(v)) {
            size_t k = json_array_size(v);
            out->state = SM_JSON_OK;
            out->strings = sm_arena_alloc(a, (k ? k : 1) * sizeof *out->strings);
            if (!out->strings)
                return -1;
            for (size_t i = 0; i < k; i++) {
                json_t *item = json_array_get(v, i);
                if (json_is_string(item)) {
                    if (!(out->strings[out->n_strings++] = arena_copy(a, item)))
                        return -1;
                } else if (out->first_non_string < 0) {
                    out->first_non_string = (long)i;
                }
            }
        }
        break;
    }
    return 0;
}

static int jansson_object(sm_json_scan *sc, const char *line, size_t len,
                          const sm_json_field *fields, size_t n_fields, sm_json_value *values)
{
    json_error_t jerr;
    json_t *o = json_loadb(line, len, 0, &jerr);
    if (!o || !json_is_object(o)) {
        snprintf(sc->why, sizeof sc->why, "%s", o ? "" : jerr.text);
        json_decref(o);
        return SM_JSON_NOT_OBJECT;
    }
    int rc = SM_JSON_SCAN_OK;
    for (size_t i = 0; i < n_fields && rc == SM_JSON_SCAN_OK; i++)
        if (jansson_value(sc->arena, json_object_get(o, fields[i].key), fields[i].type, &values[i]) != 0)
            rc = SM_JSON_SCAN_OOM;
    json_decref(o);
    return rc;
}

static int scan_object(sm_json_scan *sc, char *writable, const char *line, size_t len,
                       const sm_json_field *fields, size_t n_fields, sm_json_value *values)
{
    sc->why[0] = '\0';
    if (n_fields <= MAX_FAST_FIELDS) {
        size_t klen[MAX_FAST_FIELDS];
        for (size_t i = 0; i < n_fields; i++) {
            klen[i] = strlen(fields[i].key);
            memset(&values[i], 0, sizeof values[i]);
            values[i].first_non_string = -1;
        }
        cursor c = {line, line + len, sc->arena, writable ? DRY : COPY};
        int rc = fast_object(&c, fields, klen, writable ? 0 : n_fields, values);
        if (rc == FAST_OK && writable) {
            /* The line is proven readable: now decode it where it stands.
             * This pass meets the same bytes, so it can only fail for
             * lack of memory. */
            cursor w = {writable, writable + len, sc->arena, IN_PLACE};
            rc = fast_object(&w, fields, klen, n_fields, values);
            if (rc != FAST_OK)
                return SM_JSON_SCAN_OOM;
        }
        if (rc == OOM)
            return SM_JSON_SCAN_OOM;
        if (rc == FAST_OK) {
            sc->fast++;
            return SM_JSON_SCAN_OK;
        }
    }
    sc->slow++;
    return jansson_object(sc, line, len, fields, n_fields, values);
}

int sm_json_scan_object(sm_json_scan *sc, const char *line, size_t len,
                        const sm_json_field *fields, size_t n_fields, sm_json_value *values)
{
    return scan_object(sc, NULL, line, len, fields, n_fields, values);
}

int sm_json_scan_object_in_place(sm_json_scan *sc, char *line, size_t len,
                                 const sm_json_field *fields, size_t n_fields, sm_json_value *values)
{
    return scan_object(sc, line, line, len, fields, n_fields, values);
}

int sm_jsonl_next(const char **p, const char *end, long *line, const char **rec, size_t *n)
{
    while (*p < end) {
        const char *s = *p;
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        *p = nl ? nl + 1 : end;
        (*line)++;
        const char *q = s;
        while (q < e && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == e)
            continue;
        *rec = s;
        *n = (size_t)(e - s);
        return 1;
    }
    return 0;
}
