/* json.h - a small streaming JSON writer for JSON Lines output.
 *
 * Output records are flat and written by the million; building a jansson
 * tree per record would cost more than the parsing.  This writer appends
 * straight to a growable buffer with correct escaping (RFC 8259) and
 * shortest-round-trip-enough numbers.  Our own records are read back by
 * the scanner beside it (src/common/json_scan.h); other JSON by jansson. */
#ifndef STORYMOVIE_JSON_H
#define STORYMOVIE_JSON_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_json {
    char *buf;
    size_t len, cap;
    int need_comma;          /* inside an object/array: a value was written */
    int failed;              /* allocation failed at some point */
} sm_json;

void sm_json_init(sm_json *j);
void sm_json_free(sm_json *j);
void sm_json_reset(sm_json *j);                 /* empty the buffer, keep memory */

void sm_json_begin_object(sm_json *j);
void sm_json_end_object(sm_json *j);
void sm_json_begin_array(sm_json *j);
void sm_json_end_array(sm_json *j);
void sm_json_key(sm_json *j, const char *key);  /* the next value belongs to it */

void sm_json_string(sm_json *j, const char *s); /* NULL writes null */
void sm_json_stringn(sm_json *j, const char *s, size_t n);
void sm_json_int(sm_json *j, long long v);
void sm_json_double(sm_json *j, double v);      /* %.6g-like, trailing zeros trimmed; NaN/inf -> null */
void sm_json_fixed(sm_json *j, double v, int decimals); /* e.g. times with 3 decimals */
void sm_json_seconds(sm_json *j, double v);     /* exactly 3 decimals, zeros kept ("4.000") */
void sm_json_bool(sm_json *j, int v);
void sm_json_null(sm_json *j);
void sm_json_raw(sm_json *j, const char *s, size_t n);

/* key + value shorthands */
void sm_json_kv_string(sm_json *j, const char *key, const char *s);
void sm_json_kv_int(sm_json *j, const char *key, long long v);
void sm_json_kv_double(sm_json *j, const char *key, double v);
void sm_json_kv_fixed(sm_json *j, const char *key, double v, int decimals);
void sm_json_kv_seconds(sm_json *j, const char *key, double v);
void sm_json_kv_bool(sm_json *j, const char *key, int v);
void sm_json_kv_null(sm_json *j, const char *key);

/* Write the buffer plus '\n' to f and reset it.  Returns 0 or -1 on error. */
int sm_json_flush_line(sm_json *j, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
