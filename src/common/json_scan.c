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

#include "common/array.h"
#include "common/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

/* In a word of 8 bytes (as read from memory), the bytes that are not
 * plain ASCII text - '"', '\\', a control character, a byte >= 0x80 - have
 * their high bit set in the result.  Borrows can mark a byte above a true
 * one too, but never below it: the first marked byte is the first special
 * byte, which is all the scanner asks. */
static uint64_t special_bytes(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
    return (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) | ((w - ones * 0x20) & ~w) | w) &
           highs;
}

/* Index of the first special byte in memory order, for a nonzero result
 * of special_bytes(). */
static size_t first_special(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (size_t)__builtin_clzll(m) >> 3;
#else
    return (size_t)__builtin_ctzll(m) >> 3;
#endif
}

/* c->p at the opening quote.  Validates the string as jansson would and
 * leaves c->p after the closing quote; [*raw, *raw_end) is its raw text
 * and *escaped says whether it holds a backslash.  Plain text is passed 8
 * bytes at a time, straight to the next byte that needs a look. */
static int skip_string(cursor *c, const char **raw, const char **raw_end, int *escaped)
{
    const char *q = c->p + 1, *e = c->e;
    *escaped = 0;
    for (;;) {
#if defined(__SSE2__)
        /* 16 bytes at a time where the machine has SSE2 (every x86-64):
         * '"', '\\', and (signed) below ' ', which takes in the bytes >= 0x80. */
        int seen = 0;
        while (e - q >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                     _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
            unsigned bits = (unsigned)_mm_movemask_epi8(m);
            if (bits) {
                q += __builtin_ctz(bits);
                seen = 1;
                break;
            }
            q += 16;
        }
        while (!seen && e - q >= 8) {
#else
        while (e - q >= 8) {
#endif
            uint64_t w;
            memcpy(&w, q, 8);
            uint64_t m = special_bytes(w);
            if (m) {
                q += first_special(m);
                break;
            }
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

/* The decoded text of the raw string [p, q) that skip_string() validated,
 * NUL-terminated, into dst (room for q - p + 1 bytes; dst may be p itself:
 * the decoded text is never longer than the raw text, so it never
 * overtakes what it still has to read).  Returns its length. */
static size_t decode_into(char *dst, const char *p, const char *q, int escaped)
{
    if (!escaped) {
        if (dst != p)
            memcpy(dst, p, (size_t)(q - p));
        dst[q - p] = '\0';
        return (size_t)(q - p);
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
    return n;
}

/* The decoded form of a string, in the arena or (IN_PLACE) over its raw
 * text, where its NUL lands on the closing quote at the latest. */
static char *decode_string(cursor *c, const char *p, const char *q, int escaped, size_t *len)
{
    char *dst = c->mode == IN_PLACE ? (char *)(uintptr_t)p : sm_arena_alloc(c->arena, (size_t)(q - p) + 1);
    if (!dst)
        return NULL;
    *len = decode_into(dst, p, q, escaped);
    return dst;
}

/* ---- numbers ------------------------------------------------------------ */

/* Powers of ten a double holds exactly. */
static const double exact_pow10[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* A number at c->p by JSON's grammar,
 *     -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * (strtod alone also takes "01", "1." and "-.5", which jansson refuses);
 * *is_int as jansson decides it (no '.', 'e' or 'E').  Most numbers are
 * computed here exactly: an integer of at most 18 digits, and a real whose
 * digits fit 2^53 with a power of ten up to 22 (one exact division or
 * multiplication, so correctly rounded: what strtod gives).  Others go to
 * strtoll/strtod.  What jansson refuses (bad syntax, an integer beyond long
 * long, a real that overflows) falls back, for jansson's message. */
static int scan_number_general(cursor *c, double *v, long long *iv, int *is_int)
{
    const char *p = c->p, *e = c->e;
    uint64_t m = 0;
    int digits = 0, point = 0, neg = 0, exact = 1;
    long exp10 = 0;
    *is_int = 1;
    if (p < e && *p == '-')
        neg = 1, p++;
    if (p < e && *p == '0') {
        p++;
    } else if (p < e && *p >= '1' && *p <= '9') {
        for (; p < e && *p >= '0' && *p <= '9'; p++)
            if (digits++ < 19)
                m = m * 10 + (uint64_t)(*p - '0');
    } else {
        return FALLBACK;
    }
    if (digits > 19)
        exact = 0;
    if (p < e && *p == '.') {
        *is_int = 0;
        if (++p >= e || *p < '0' || *p > '9')
            return FALLBACK;
        /* m takes the fraction's digits too, `point` of them: leading
         * zeros (of "0.05") only count, and a 20th significant digit makes
         * the number one for strtod. */
        for (; p < e && *p >= '0' && *p <= '9'; p++) {
            if (point >= 1000 || (m && digits >= 19))
                exact = 0;
            if (!exact)
                continue;
            m = m * 10 + (uint64_t)(*p - '0');
            digits += m != 0;
            point++;
        }
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        int eneg = 0;
        long x = 0;
        *is_int = 0;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (p >= e || *p < '0' || *p > '9')
            return FALLBACK;
        for (; p < e && *p >= '0' && *p <= '9'; p++)
            if (x < 100000)
                x = x * 10 + (*p - '0');
        exp10 = eneg ? -x : x;
    }
    exp10 -= point;
    if (*is_int && digits <= 18) {
        *iv = neg ? -(long long)m : (long long)m;
        *v = (double)*iv;
    } else if (!*is_int && exact && m <= (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
        double x = (double)m;
        x = exp10 < 0 ? x / exact_pow10[-exp10] : x * exact_pow10[exp10];
        *v = neg ? -x : x;
    } else {
        char buf[64], *stop;
        size_t n = (size_t)(p - c->p);
        if (n >= sizeof buf)
            return FALLBACK;
        memcpy(buf, c->p, n);
        buf[n] = '\0';
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
    }
    c->p = p;
    return FAST_OK;
}

/* The numbers records are made of - an integer, or a decimal fraction,
 * of at most 15 digits in all, no exponent - read in one pass: the same
 * digits into the same m and the same one division as above, so the same
 * value.  Anything else is read from the start by scan_number_general. */
static int scan_number(cursor *c, double *v, long long *iv, int *is_int)
{
    const char *p = c->p, *e = c->e;
    int neg = p < e && *p == '-';
    p += neg;
    const char *d0 = p;
    uint64_t m = 0;
    while (p < e && (unsigned)(*p - '0') < 10)
        m = m * 10 + (uint64_t)(*p++ - '0');
    size_t int_digits = (size_t)(p - d0), point = 0;
    if (int_digits == 0 || int_digits > 15 || (int_digits > 1 && *d0 == '0'))
        return scan_number_general(c, v, iv, is_int);
    if (p < e && *p == '.') {
        const char *f0 = ++p;
        while (p < e && (unsigned)(*p - '0') < 10)
            m = m * 10 + (uint64_t)(*p++ - '0');
        point = (size_t)(p - f0);
        if (point == 0 || int_digits + point > 15)
            return scan_number_general(c, v, iv, is_int);
    }
    if (p < e && (*p == 'e' || *p == 'E'))
        return scan_number_general(c, v, iv, is_int);
    if (point == 0) {
        *is_int = 1;
        *iv = neg ? -(long long)m : (long long)m;
        *v = (double)*iv;
    } else {
        *is_int = 0;
        double x = (double)m / exact_pow10[point];
        *v = neg ? -x : x;
    }
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

/* ---- documents ---------------------------------------------------------- */

void sm_json_doc_init(sm_json_doc *d, int reject_duplicates)
{
    memset(d, 0, sizeof *d);
    d->reject_duplicates = reject_duplicates;
}

void sm_json_doc_free(sm_json_doc *d)
{
    free(d->nodes);
    sm_arena_free(&d->scratch);
    sm_json_doc_init(d, d->reject_duplicates);
}

/* A new node at the end; its index in *at (pointers move as the array grows). */
static int new_node(sm_json_doc *d, size_t *at)
{
    if (d->n_nodes == d->cap && sm_grow(&d->nodes, &d->cap, d->n_nodes + 1, sizeof *d->nodes) != 0)
        return OOM;
    *at = d->n_nodes++;
    memset(&d->nodes[*at], 0, sizeof d->nodes[*at]);
    return FAST_OK;
}

/* Whether the key [k, k + n) (not escaped) is already a key of the object
 * at nodes[obj], among its members laid out so far.  `seen` is a 64-bit
 * sketch of the keys met: only a key whose bit is set is looked for. */
static int repeated_key(const sm_json_doc *d, size_t obj, const char *k, size_t n, uint64_t *seen)
{
    uint64_t bit = 1ull << ((n * 7u + (unsigned char)(n ? k[0] : 0) + 3u * (unsigned char)(n ? k[n - 1] : 0)) & 63u);
    int maybe = (*seen & bit) != 0;
    *seen |= bit;
    if (!maybe)
        return 0;
    for (size_t m = obj + 1; m < d->n_nodes; m += d->nodes[m].skip)
        if (d->nodes[m].size == n && memcmp(d->nodes[m].v.raw, k, n) == 0)
            return 1;
    return 0;
}

static int doc_value(cursor *c, sm_json_doc *d, int depth);

/* An object or array at c->p, as nodes[at] and the nodes after it. */
static int doc_container(cursor *c, sm_json_doc *d, size_t at, int depth)
{
    char close = *c->p == '{' ? '}' : ']';
    int object = close == '}';
    uint64_t seen = 0;
    size_t count = 0;
    d->nodes[at].kind = object ? SM_JSON_OBJECT : SM_JSON_ARRAY;
    c->p++;
    skip_ws(c);
    if (c->p < c->e && *c->p == close) {
        c->p++;
        return FAST_OK;
    }
    for (;; count++) {
        int rc;
        size_t key = 0;
        if (object) {
            const char *raw, *raw_end;
            int escaped;
            if (c->p >= c->e || *c->p != '"')
                return FALLBACK;
            if ((rc = skip_string(c, &raw, &raw_end, &escaped)) != FAST_OK)
                return rc;
            /* An escaped key, or a key twice: jansson decides (and words
             * the refusal, with JSON_REJECT_DUPLICATES). */
            if (escaped || repeated_key(d, at, raw, (size_t)(raw_end - raw), &seen))
                return FALLBACK;
            if ((rc = new_node(d, &key)) != FAST_OK)
                return rc;
            d->nodes[key].kind = SM_JSON_STR;
            d->nodes[key].v.raw = raw;
            d->nodes[key].size = (size_t)(raw_end - raw);
            if (key - at <= UINT32_MAX)
                d->nodes[key].up = (uint32_t)(key - at);
            skip_ws(c);
            if (c->p >= c->e || *c->p != ':')
                return FALLBACK;
            c->p++;
            skip_ws(c);
        }
        if ((rc = doc_value(c, d, depth + 1)) != FAST_OK)
            return rc;
        if (object)
            d->nodes[key].skip = d->n_nodes - key;
        if ((rc = after_member(c, close)) != MORE) {
            d->nodes[at].size = count + 1;
            return rc;
        }
    }
}

static int doc_value(cursor *c, sm_json_doc *d, int depth)
{
    size_t at;
    int rc;
    if (depth > MAX_FAST_DEPTH || c->p >= c->e)
        return FALLBACK;
    if ((rc = new_node(d, &at)) != FAST_OK)
        return rc;
    sm_json_node *n = &d->nodes[at];
    switch (*c->p) {
    case '"': {
        const char *raw, *raw_end;
        int escaped;
        if ((rc = skip_string(c, &raw, &raw_end, &escaped)) != FAST_OK)
            return rc;
        n->kind = SM_JSON_STR;
        n->escaped = (unsigned char)escaped;
        n->v.raw = raw;
        n->size = (size_t)(raw_end - raw);
        break;
    }
    case 't': n->kind = SM_JSON_TRUE; rc = literal(c, "true", 4); break;
    case 'f': n->kind = SM_JSON_FALSE; rc = literal(c, "false", 5); break;
    case 'n': n->kind = SM_JSON_NULL_KIND; rc = literal(c, "null", 4); break;
    case '{':
    case '[':
        rc = doc_container(c, d, at, depth);
        break;
    default: {
        double v;
        long long iv;
        int is_int;
        if (*c->p != '-' && (*c->p < '0' || *c->p > '9'))
            return FALLBACK;
        if ((rc = scan_number(c, &v, &iv, &is_int)) != FAST_OK)
            return rc;
        n->kind = is_int ? SM_JSON_INT : SM_JSON_REAL;
        if (is_int)
            n->v.integer = iv;
        else
            n->v.real = v;
    }
    }
    d->nodes[at].skip = d->n_nodes - at;
    return rc;
}

/* jansson's tree laid out as the same nodes (its strings copied to the
 * scratch arena). */
static int from_jansson(sm_json_doc *d, json_t *j)
{
    size_t at;
    if (new_node(d, &at) != FAST_OK)
        return OOM;
    sm_json_node *n = &d->nodes[at];
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *v;
        n->kind = SM_JSON_OBJECT;
        n->size = json_object_size(j);
        json_object_foreach(j, k, v) {
            size_t key, len = strlen(k);
            if (new_node(d, &key) != FAST_OK || !(d->nodes[key].v.raw = sm_arena_strndup(&d->scratch, k, len)))
                return OOM;
            d->nodes[key].kind = SM_JSON_STR;
            d->nodes[key].size = len;
            if (key - at <= UINT32_MAX)
                d->nodes[key].up = (uint32_t)(key - at);
            if (from_jansson(d, v) != FAST_OK)
                return OOM;
            d->nodes[key].skip = d->n_nodes - key;
        }
        break;
    }
    case JSON_ARRAY:
        n->kind = SM_JSON_ARRAY;
        n->size = json_array_size(j);
        for (size_t i = 0; i < json_array_size(j); i++)
            if (from_jansson(d, json_array_get(j, i)) != FAST_OK)
                return OOM;
        break;
    case JSON_STRING:
        n->kind = SM_JSON_STR;
        n->size = json_string_length(j);
        if (!(n->v.raw = sm_arena_strndup(&d->scratch, json_string_value(j), n->size)))
            return OOM;
        break;
    case JSON_INTEGER: n->kind = SM_JSON_INT; n->v.integer = json_integer_value(j); break;
    case JSON_REAL: n->kind = SM_JSON_REAL; n->v.real = json_real_value(j); break;
    case JSON_TRUE: n->kind = SM_JSON_TRUE; break;
    case JSON_FALSE: n->kind = SM_JSON_FALSE; break;
    default: n->kind = SM_JSON_NULL_KIND; break;
    }
    d->nodes[at].skip = d->n_nodes - at;
    return FAST_OK;
}

int sm_json_doc_read(sm_json_doc *d, const char *text, size_t len)
{
    d->n_nodes = 0;
    d->why[0] = '\0';
    d->column = 0;
    if (d->scratch.head)
        sm_arena_free(&d->scratch);
    cursor c = {text, text + len, NULL, COPY};
    skip_ws(&c);
    int rc = c.p < c.e && (*c.p == '{' || *c.p == '[') ? doc_value(&c, d, 1) : FALLBACK;
    if (rc == FAST_OK) {
        skip_ws(&c);
        if (c.p == c.e) {
            d->fast++;
            return SM_JSON_SCAN_OK;
        }
        rc = FALLBACK;
    }
    if (rc == OOM)
        return SM_JSON_SCAN_OOM;
    d->slow++;
    d->n_nodes = 0;
    json_error_t jerr;
    json_t *j = json_loadb(text, len, d->reject_duplicates ? JSON_REJECT_DUPLICATES : 0, &jerr);
    if (!j) {
        snprintf(d->why, sizeof d->why, "%s", jerr.text);
        d->column = jerr.column;
        return SM_JSON_NOT_JSON;
    }
    rc = from_jansson(d, j);
    json_decref(j);
    return rc == FAST_OK ? SM_JSON_SCAN_OK : SM_JSON_SCAN_OOM;
}

const sm_json_node *sm_json_get(const sm_json_node *object, const char *key)
{
    if (!object || object->kind != SM_JSON_OBJECT)
        return NULL;
    size_t n = strlen(key);
    for (const sm_json_node *k = sm_json_items(object); k < sm_json_end(object); k = sm_json_after(k))
        if (k->size == n && memcmp(k->v.raw, key, n) == 0)
            return k + 1;
    return NULL;
}

const sm_json_node *sm_json_get_memo_slow(const sm_json_node *object, const char *key, sm_json_memo *memo)
{
    if (!object || object->kind != SM_JSON_OBJECT)
        return NULL;
    for (const sm_json_node *k = sm_json_items(object); k < sm_json_end(object); k = sm_json_after(k))
        if (sm_json_key_is(k, key)) {
            size_t slot = sm_json_memo_slot(key, object->size);
            memo->key[slot] = key;
            memo->offset[slot] = (size_t)(k - object);
            return k + 1;
        }
    return NULL;
}

size_t sm_json_decode(const sm_json_node *n, char *dst)
{
    return decode_into(dst, n->v.raw, n->v.raw + n->size, n->escaped);
}

char *sm_json_copy(const sm_json_node *n, sm_arena *a, size_t *len)
{
    char *dst = sm_arena_alloc(a, n->size + 1);
    if (!dst)
        return NULL;
    size_t k = sm_json_decode(n, dst);
    if (len)
        *len = k;
    return dst;
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
