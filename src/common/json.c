/* json.c - streaming JSON writer (see include/storymovie/json.h). */
#include "storymovie/json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"

void sm_json_init(sm_json *j) { memset(j, 0, sizeof *j); }

void sm_json_free(sm_json *j)
{
    free(j->buf);
    memset(j, 0, sizeof *j);
}

void sm_json_reset(sm_json *j)
{
    j->len = 0;
    j->need_comma = 0;
}

static int reserve(sm_json *j, size_t extra)
{
    if (j->len + extra + 1 <= j->cap)
        return 0;
    if (sm_grow(&j->buf, &j->cap, j->len + extra + 1, 1) != 0) {
        j->failed = 1;
        return -1;
    }
    return 0;
}

static void put(sm_json *j, const char *s, size_t n)
{
    if (reserve(j, n))
        return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void putc1(sm_json *j, char c) { put(j, &c, 1); }

/* Called before every value: a comma unless it is the first in its container
 * or it follows a key. */
static void value_prefix(sm_json *j)
{
    if (j->need_comma)
        putc1(j, ',');
    j->need_comma = 1;
}

void sm_json_begin_object(sm_json *j) { value_prefix(j); putc1(j, '{'); j->need_comma = 0; }
void sm_json_end_object(sm_json *j) { putc1(j, '}'); j->need_comma = 1; }
void sm_json_begin_array(sm_json *j) { value_prefix(j); putc1(j, '['); j->need_comma = 0; }
void sm_json_end_array(sm_json *j) { putc1(j, ']'); j->need_comma = 1; }

/* Bytes that need escaping: controls, '"' and '\\'.  Everything else
 * (UTF-8 included) is copied in runs. */
static const unsigned char needs_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

/* Whether any of the 8 bytes at p needs escaping (a byte below 0x20, '"'
 * or '\\'), eight at a time: the usual zero-byte test, which never misses
 * one (a bit set in a byte with no such byte can only follow one).  The
 * long texts of request bodies and records are mostly plain runs. */
static int word_needs_escape(const char *p)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t x;
    memcpy(&x, p, 8);
    uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs
               ? 1 : 0;
}

static void put_escaped(sm_json *j, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (reserve(j, n + 2))
        return;
    j->buf[j->len++] = '"';
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        while (i + 8 <= n && !word_needs_escape(s + i))
            i += 8;
        while (i < n && !needs_escape[(unsigned char)s[i]])
            i++;
        put(j, s + start, i - start);
        if (i == n)
            break;
        unsigned char c = (unsigned char)s[i++];
        char esc[7];
        switch (c) {
        case '"': put(j, "\\\"", 2); break;
        case '\\': put(j, "\\\\", 2); break;
        case '\n': put(j, "\\n", 2); break;
        case '\r': put(j, "\\r", 2); break;
        case '\t': put(j, "\\t", 2); break;
        default:
            esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
            esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
            put(j, esc, 6);
        }
    }
    putc1(j, '"');
}

void sm_json_key(sm_json *j, const char *key)
{
    value_prefix(j);
    put_escaped(j, key, strlen(key));
    putc1(j, ':');
    j->need_comma = 0;
}

void sm_json_stringn(sm_json *j, const char *s, size_t n)
{
    value_prefix(j);
    put_escaped(j, s, n);
}

void sm_json_string(sm_json *j, const char *s)
{
    if (!s) {
        sm_json_null(j);
        return;
    }
    sm_json_stringn(j, s, strlen(s));
}

void sm_json_int(sm_json *j, long long v)
{
    /* "%lld" by hand: records hold thousands of numbers (boxes, cues), and
     * snprintf cost more than the rest of writing them. */
    char b[24];
    size_t n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do
        b[sizeof b - ++n] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        b[sizeof b - ++n] = '-';
    value_prefix(j);
    put(j, b + sizeof b - n, n);
}

static void trim_zeros(char *b, int *n)
{
    if (!strchr(b, '.') || strchr(b, 'e'))
        return;
    while (*n > 0 && b[*n - 1] == '0')
        b[--*n] = '\0';
    if (*n > 0 && b[*n - 1] == '.')
        b[--*n] = '\0';
}

void sm_json_double(sm_json *j, double v)
{
    if (!isfinite(v)) {
        sm_json_null(j);
        return;
    }
    char b[40];
    int n = snprintf(b, sizeof b, "%.6f", v);
    if (fabs(v) >= 1e15 || (v != 0 && fabs(v) < 1e-6))
        n = snprintf(b, sizeof b, "%.17g", v);
    else
        trim_zeros(b, &n);
    if (n == 2 && b[0] == '-' && b[1] == '0')
        n = snprintf(b, sizeof b, "0");
    value_prefix(j);
    put(j, b, (size_t)n);
}

/* Fixed decimals without printf: times and confidences are most of what
 * alignment output prints, and snprintf's float path is slow. */
void sm_json_fixed(sm_json *j, double v, int decimals)
{
    static const double pow10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (!isfinite(v)) {
        sm_json_null(j);
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9 || fabs(v) * pow10[decimals] >= 9e15) {
        char b[64];
        int n = snprintf(b, sizeof b, "%.*f", decimals, v);
        trim_zeros(b, &n);
        value_prefix(j);
        put(j, b, (size_t)n);
        return;
    }
    long long scaled = llround(v * pow10[decimals]);
    int negative = scaled < 0;
    unsigned long long u = negative ? (unsigned long long)(-scaled) : (unsigned long long)scaled;
    char digits[32];
    int n = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u || n <= decimals);
    /* digits holds the number backwards; drop trailing fraction zeros */
    int skip = 0;
    while (skip < decimals && digits[skip] == '0')
        skip++;
    char b[40];
    int len = 0;
    if (negative)
        b[len++] = '-';
    for (int k = n - 1; k >= decimals; k--)
        b[len++] = digits[k];
    if (skip < decimals) {
        b[len++] = '.';
        for (int k = decimals - 1; k >= skip; k--)
            b[len++] = digits[k];
    }
    value_prefix(j);
    put(j, b, (size_t)len);
}

/* Subtitle times as SPEC's examples write them: "4.000", where
 * sm_json_fixed would trim the zeros. */
void sm_json_seconds(sm_json *j, double v)
{
    if (!(v >= 0 && v < 1e15)) {   /* also catches NaN */
        sm_json_fixed(j, v, 3);
        return;
    }
    unsigned long long ms = (unsigned long long)(v * 1000.0 + 0.5);
    char buf[32], *p = buf + sizeof buf;
    for (int i = 0; i < 3; i++, ms /= 10)
        *--p = (char)('0' + ms % 10);
    *--p = '.';
    do {
        *--p = (char)('0' + ms % 10);
        ms /= 10;
    } while (ms);
    sm_json_raw(j, p, (size_t)(buf + sizeof buf - p));
}

void sm_json_bool(sm_json *j, int v)
{
    value_prefix(j);
    if (v)
        put(j, "true", 4);
    else
        put(j, "false", 5);
}

void sm_json_null(sm_json *j)
{
    value_prefix(j);
    put(j, "null", 4);
}

void sm_json_raw(sm_json *j, const char *s, size_t n)
{
    value_prefix(j);
    put(j, s, n);
}

void sm_json_kv_string(sm_json *j, const char *k, const char *s) { sm_json_key(j, k); sm_json_string(j, s); }
void sm_json_kv_int(sm_json *j, const char *k, long long v) { sm_json_key(j, k); sm_json_int(j, v); }
void sm_json_kv_double(sm_json *j, const char *k, double v) { sm_json_key(j, k); sm_json_double(j, v); }
void sm_json_kv_fixed(sm_json *j, const char *k, double v, int d) { sm_json_key(j, k); sm_json_fixed(j, v, d); }
void sm_json_kv_seconds(sm_json *j, const char *k, double v) { sm_json_key(j, k); sm_json_seconds(j, v); }
void sm_json_kv_bool(sm_json *j, const char *k, int v) { sm_json_key(j, k); sm_json_bool(j, v); }
void sm_json_kv_null(sm_json *j, const char *k) { sm_json_key(j, k); sm_json_null(j); }

int sm_json_flush_line(sm_json *j, FILE *f)
{
    if (j->failed)
        return -1;
    if (reserve(j, 1))
        return -1;
    j->buf[j->len++] = '\n';
    size_t w = fwrite(j->buf, 1, j->len, f);
    int rc = (w == j->len) ? 0 : -1;
    sm_json_reset(j);
    return rc;
}
