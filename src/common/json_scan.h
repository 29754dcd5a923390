/* json_scan.h - reading one JSON Lines record into the fields a reader wants.
 *
 * storymovie writes and reads JSON Lines by the million (alignments read back
 * by link and build, story files of tens of megabytes).  Building a jansson
 * tree for every record and copying the strings out of it costs more than
 * the work done with them, so records are read by a small scanner that knows
 * exactly the JSON our records use: one object, its values strings, numbers,
 * literals and arrays.  The reader declares the fields it wants, typed, and
 * gets one value per field, decoded straight into its arena.
 *
 * Whatever the scanner is not sure of (a syntax error, an escaped key, a
 * number jansson would refuse, deep nesting) goes to jansson, which fills
 * the same values the same way and words the errors.  So the answer never
 * depends on which path read a line: a line is refused exactly when jansson
 * refuses it (fuzz/fuzz_common_json_scan.c checks this against jansson).
 * jansson remains the library for nested or irregular documents (model
 * answers, MovieNet metadata); this is the fast path for flat records. */
#ifndef SM_COMMON_JSON_SCAN_H
#define SM_COMMON_JSON_SCAN_H

#include <stddef.h>

#include "storymovie/arena.h"

typedef enum sm_json_type {
    SM_JSON_STRING = 0,   /* a string: decoded UTF-8, NUL-terminated, in the arena */
    SM_JSON_INTEGER,      /* a number written without fraction or exponent */
    SM_JSON_NUMBER,       /* any number (an integer too) */
    SM_JSON_STRINGS       /* an array: its string entries, in order */
} sm_json_type;

typedef enum sm_json_state {
    SM_JSON_ABSENT = 0,   /* the object has no such key */
    SM_JSON_OK,           /* present, of the wanted type */
    SM_JSON_NULL,         /* present, null */
    SM_JSON_MISMATCH      /* present, of another type */
} sm_json_state;

typedef struct sm_json_field {
    const char *key;
    sm_json_type type;
} sm_json_field;

typedef struct sm_json_value {
    sm_json_state state;
    const char *string;       /* STRING */
    size_t len;               /* STRING: bytes (no NUL can be inside: \u0000 is refused) */
    long long integer;        /* INTEGER */
    double number;            /* NUMBER, and INTEGER as a double */
    const char **strings;     /* STRINGS: the string entries (arena) */
    size_t n_strings;
    long first_non_string;    /* STRINGS: index of the first other entry, or -1 */
} sm_json_value;

/* One scanner per reader: where strings go, and what the last refusal was. */
typedef struct sm_json_scan {
    sm_arena *arena;
    char why[200];            /* after SM_JSON_NOT_OBJECT: jansson's message, or
                                 "" when the line is JSON but not an object */
    size_t fast, slow;        /* lines read by the scanner / handed to jansson */
} sm_json_scan;

enum { SM_JSON_SCAN_OK = 0, SM_JSON_NOT_OBJECT = -1, SM_JSON_SCAN_OOM = -2 };

void sm_json_scan_init(sm_json_scan *sc, sm_arena *arena);

/* Read the object in line[0..len) into values[i] for each fields[i] (a key
 * may be listed twice, with two types).  A repeated key counts as jansson
 * counts it: the last one wins.  Returns SM_JSON_SCAN_OK, SM_JSON_NOT_OBJECT
 * (sc->why says why) or SM_JSON_SCAN_OOM. */
int sm_json_scan_object(sm_json_scan *sc, const char *line, size_t len,
                        const sm_json_field *fields, size_t n_fields, sm_json_value *values);

/* The same, decoding strings where they stand: line[0..len) is overwritten
 * (each string's decoded text over its raw text, NUL-terminated) and the
 * values point into it; only arrays of strings take arena memory.  A line
 * the fast path cannot read is left as it was and read by jansson.  For
 * large records (story files) this saves copying every string again. */
int sm_json_scan_object_in_place(sm_json_scan *sc, char *line, size_t len,
                                 const sm_json_field *fields, size_t n_fields, sm_json_value *values);

/* The next line of a JSON Lines text that holds more than JSON white space:
 * [*rec, *rec + *n) without its newline, and its 1-based number in *line
 * (counting from the value *line had, 0 at the start).  *p advances past it.
 * Returns 0 at the end of the text. */
int sm_jsonl_next(const char **p, const char *end, long *line, const char **rec, size_t *n);

#endif
