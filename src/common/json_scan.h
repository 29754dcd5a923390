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
 * jansson remains the library for irregular documents (model answers,
 * MovieNet metadata); this is the fast path for records.
 *
 * Nested records (context records: arrays of objects holding arrays) are
 * read as a document: the same scanner lays the whole line out as a flat
 * array of nodes (a "tape": each value, then its members or items, in
 * order), which the reader walks with the functions below, taking only the
 * strings it keeps.  The same rule holds: what the scanner is not sure of
 * goes to jansson, whose tree is laid out as the same nodes, so a line is
 * read the same and refused exactly when jansson refuses it. */
#ifndef SM_COMMON_JSON_SCAN_H
#define SM_COMMON_JSON_SCAN_H

#include <stddef.h>
#include <stdint.h>

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

/* ---- documents ---------------------------------------------------------- */

typedef enum sm_json_kind {
    SM_JSON_NULL_KIND = 0, SM_JSON_FALSE, SM_JSON_TRUE, SM_JSON_INT, SM_JSON_REAL,
    SM_JSON_STR, SM_JSON_ARRAY, SM_JSON_OBJECT
} sm_json_kind;

/* One value of a document.  A container is followed by its items (an
 * object: each member's key, a string node, then its value), so a value
 * and everything inside it are `skip` consecutive nodes; a key's skip
 * covers its value too, so the next member is always v + v->skip. */
typedef struct sm_json_node {
    unsigned char kind;       /* sm_json_kind */
    unsigned char escaped;    /* STR: the raw text holds escapes (decode it to read it) */
    uint32_t up;              /* a member's key: its object is this many nodes before it
                               * (0: not a key, or too far) */
    size_t size;              /* STR: raw bytes; ARRAY: items; OBJECT: members */
    size_t skip;              /* nodes in this value, itself included */
    union {
        const char *raw;      /* STR: its text as written, not NUL-terminated */
        long long integer;    /* INT */
        double real;          /* REAL */
    } v;
} sm_json_node;

typedef struct sm_json_doc {
    sm_json_node *nodes;      /* nodes[0] is the document's value */
    size_t n_nodes, cap;
    sm_arena scratch;         /* strings of a line jansson read */
    int reject_duplicates;    /* a key twice in an object is an error (else the last wins) */
    int column;               /* after SM_JSON_NOT_JSON: jansson's column and message */
    char why[200];
    size_t fast, slow;        /* lines read by the scanner / handed to jansson */
} sm_json_doc;

enum { SM_JSON_NOT_JSON = -3 };

/* reject_duplicates: as jansson's JSON_REJECT_DUPLICATES. */
void sm_json_doc_init(sm_json_doc *d, int reject_duplicates);
/* Lay out the JSON text[0..len) (an object or an array, as json_loadb()
 * takes it) as d's nodes, replacing the last document.  Returns
 * SM_JSON_SCAN_OK, SM_JSON_NOT_JSON (d->why, d->column: jansson's words) or
 * SM_JSON_SCAN_OOM.  The nodes point into text: keep it while reading. */
int sm_json_doc_read(sm_json_doc *d, const char *text, size_t len);
void sm_json_doc_free(sm_json_doc *d);

/* The value of `key` in an object, or NULL. */
const sm_json_node *sm_json_get(const sm_json_node *object, const char *key);
/* Where keys were found, for a reader that looks up the same keys in many
 * objects written alike (the records of one writer): a key asked for by the
 * same pointer (a string literal), in an object of as many members, is
 * first looked for where it was last found, relative to its object, then as
 * sm_json_get does.  Zero it to
 * start; it may serve documents after documents. */
#define SM_JSON_MEMO_SLOTS 256
typedef struct sm_json_memo {
    const char *key[SM_JSON_MEMO_SLOTS];
    size_t offset[SM_JSON_MEMO_SLOTS];
} sm_json_memo;
/* sm_json_get's result (an object never holds a key twice: a line with a
 * repeated key is read by jansson, which keeps one), found faster.  The
 * memo's hit is inline (it is most lookups); the rest is a call. */
static inline const sm_json_node *sm_json_get_memo(const sm_json_node *object, const char *key,
                                                   sm_json_memo *memo);
const sm_json_node *sm_json_get_memo_slow(const sm_json_node *object, const char *key,
                                                 sm_json_memo *memo);
/* A string's decoded text, NUL-terminated, into dst (room for n->size + 1
 * bytes); returns its length.  No NUL is inside: \u0000 is refused. */
size_t sm_json_decode(const sm_json_node *n, char *dst);
/* The same, copied into an arena; NULL when out of memory. */
char *sm_json_copy(const sm_json_node *n, sm_arena *a, size_t *len);

/* Walking a container c: for (v = sm_json_items(c); v < sm_json_end(c); v = sm_json_after(v)).
 * In an object, v is each member's key and v + 1 its value. */
static inline const sm_json_node *sm_json_items(const sm_json_node *c) { return c + 1; }
static inline const sm_json_node *sm_json_end(const sm_json_node *c) { return c + c->skip; }
static inline const sm_json_node *sm_json_after(const sm_json_node *v) { return v + v->skip; }

/* By the key and the object's number of members: objects of different
 * kinds that share a key ("start", "text") rarely have as many members. */
static inline size_t sm_json_memo_slot(const char *key, size_t members)
{
    return ((uintptr_t)key >> 3 ^ (uintptr_t)key >> 9 ^ members * 0x9E5u) & (SM_JSON_MEMO_SLOTS - 1);
}

/* Whether the key node k is the NUL-terminated key: keys are short, so a
 * loop beats a call to memcmp. */
static inline int sm_json_key_is(const sm_json_node *k, const char *key)
{
    const char *raw = k->v.raw;
    size_t i = 0;
    for (; i < k->size; i++)
        if (raw[i] != key[i])   /* key's NUL differs from any byte of a key node */
            return 0;
    return key[i] == '\0';
}

static inline const sm_json_node *sm_json_get_memo(const sm_json_node *object, const char *key, sm_json_memo *memo)
{
    if (!object || object->kind != SM_JSON_OBJECT)
        return NULL;
    size_t slot = sm_json_memo_slot(key, object->size);
    if (memo->key[slot] == key) {
        /* A key of this very object (its `up` leads back here), not one
         * of an object inside it. */
        size_t off = memo->offset[slot];
        if (off < object->skip && object[off].up == off && sm_json_key_is(&object[off], key))
            return &object[off] + 1;
    }
    return sm_json_get_memo_slow(object, key, memo);
}

/* The next line of a JSON Lines text that holds more than JSON white space:
 * [*rec, *rec + *n) without its newline, and its 1-based number in *line
 * (counting from the value *line had, 0 at the start).  *p advances past it.
 * Returns 0 at the end of the text. */
int sm_jsonl_next(const char **p, const char *end, long *line, const char **rec, size_t *n);

#endif
