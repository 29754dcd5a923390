/* error.h - how storymovie reports problems.
 *
 * Every function that can fail takes an sm_error * and returns 0 on success,
 * -1 on failure.  The error names the file and line (line 0 when the problem
 * is not tied to a line) so the CLI can print the one-line message
 *     FILE:LINE: MESSAGE
 * that the user needs to find the problem.  Non-fatal oddities in real files
 * (a broken SRT index, overlapping cues) are warnings, collected in an
 * sm_warnings list on the parsed object instead of failing the parse. */
#ifndef STORYMOVIE_ERROR_H
#define STORYMOVIE_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_error {
    char file[512];
    long line;          /* 1-based; 0 when not tied to a line */
    char message[512];
} sm_error;

/* Fill err (may be NULL) and return -1, so callers can `return sm_fail(...)`. */
int sm_fail(sm_error *err, const char *file, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* "file:line: message" (or "file: message" when line is 0) into buf. */
void sm_error_format(const sm_error *err, char *buf, size_t size);

typedef struct sm_warning {
    long line;
    char *message;      /* owned */
} sm_warning;

typedef struct sm_warnings {
    sm_warning *items;
    size_t n_items, cap;
} sm_warnings;

void sm_warn(sm_warnings *w, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
void sm_warnings_free(sm_warnings *w);
/* Move every warning of `from` in front of those of `to` (a file's decoding
 * warnings before its reader's); `from` is left empty.  Returns 0, or -1
 * when out of memory (then nothing moves). */
int sm_warnings_prepend(sm_warnings *to, sm_warnings *from);

#ifdef __cplusplus
}
#endif
#endif
