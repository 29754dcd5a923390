/* fuzz_common_json_scan.c - the JSON Lines record scanner against jansson.
 *
 * Every reader of our JSON Lines (alignments, story records) goes through
 * sm_json_scan_object(), whose fast path must give exactly what jansson
 * gives.  For arbitrary bytes this target asks both (the scanner copying
 * strings out, and decoding them in place): the scanner refuses
 * the line <=> jansson does not read it as an object; and when it is one,
 * every field (a few keys, each asked for as every type) has the same
 * state and value as jansson's json_object_get() says.  The reference
 * below is written against jansson's API directly, not the scanner's own
 * fallback, so it checks the fallback too.
 *
 * The same bytes are read as a document (sm_json_doc_read), with and
 * without JSON_REJECT_DUPLICATES: refused <=> jansson refuses them with
 * the same flags (in the same words), and otherwise the nodes are jansson's
 * tree - every kind, number, decoded string, item and member. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/json_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const sm_json_field fields[] = {
    {"a", SM_JSON_STRING}, {"a", SM_JSON_INTEGER}, {"a", SM_JSON_NUMBER}, {"a", SM_JSON_STRINGS},
    {"b", SM_JSON_STRING}, {"b", SM_JSON_STRINGS}, {"", SM_JSON_NUMBER},
    {"type", SM_JSON_STRING}, {"text", SM_JSON_STRING}, {"cue", SM_JSON_INTEGER},
    {"start", SM_JSON_NUMBER}, {"images", SM_JSON_STRINGS}, {"story_id", SM_JSON_STRING},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

static int same_string(json_t *want, const char *got, size_t len)
{
    return got && json_string_length(want) == len && memcmp(json_string_value(want), got, len) == 0 &&
           got[len] == '\0';
}

static void check_field(json_t *o, const sm_json_field *f, const sm_json_value *v)
{
    json_t *want = json_object_get(o, f->key);
    if (!want) {
        if (v->state != SM_JSON_ABSENT)
            abort();
        return;
    }
    if (json_is_null(want)) {
        if (v->state != SM_JSON_NULL)
            abort();
        return;
    }
    int fits = 0;
    switch (f->type) {
    case SM_JSON_STRING:
        fits = json_is_string(want);
        if (fits && (v->state != SM_JSON_OK || !same_string(want, v->string, v->len)))
            abort();
        break;
    case SM_JSON_INTEGER:
        fits = json_is_integer(want);
        if (fits && (v->state != SM_JSON_OK || v->integer != json_integer_value(want)))
            abort();
        break;
    case SM_JSON_NUMBER:
        fits = json_is_number(want);
        if (fits && (v->state != SM_JSON_OK || v->number != json_number_value(want)))
            abort();
        break;
    case SM_JSON_STRINGS: {
        fits = json_is_array(want);
        if (!fits)
            break;
        if (v->state != SM_JSON_OK)
            abort();
        size_t k = 0;
        long first_other = -1;
        for (size_t i = 0; i < json_array_size(want); i++) {
            json_t *item = json_array_get(want, i);
            if (!json_is_string(item)) {
                if (first_other < 0)
                    first_other = (long)i;
                continue;
            }
            if (k >= v->n_strings || !same_string(item, v->strings[k], strlen(v->strings[k])))
                abort();
            k++;
        }
        if (k != v->n_strings || first_other != v->first_non_string)
            abort();
        break;
    }
    }
    if (!fits && v->state != SM_JSON_MISMATCH)
        abort();
}

static void check(json_t *o, int rc, const sm_json_value *values)
{
    if (rc == SM_JSON_NOT_OBJECT) {
        if (json_is_object(o))
            abort();            /* refused what jansson reads */
    } else if (rc == SM_JSON_SCAN_OK) {
        if (!json_is_object(o))
            abort();            /* accepted what jansson refuses */
        for (size_t i = 0; i < N_FIELDS; i++)
            check_field(o, &fields[i], &values[i]);
    }
}

/* Whether the node v (and all inside it) is jansson's value j. */
static int same_node(const sm_json_node *v, json_t *j)
{
    char *text;
    size_t len;
    int same = 0;
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        if (v->kind != SM_JSON_OBJECT || v->size != json_object_size(j))
            return 0;
        size_t members = 0;
        for (const sm_json_node *k = sm_json_items(v); k < sm_json_end(v); k = sm_json_after(k)) {
            if (k->kind != SM_JSON_STR || k->escaped || k + 1 + k[1].skip != k + k->skip)
                return 0;
            char *key = malloc(k->size + 1);
            if (!key)
                return 0;
            memcpy(key, k->v.raw, k->size);
            key[k->size] = '\0';
            json_t *want = json_object_get(j, key);
            int ok = want && strlen(key) == k->size && sm_json_get(v, key) == k + 1 && same_node(k + 1, want);
            free(key);
            if (!ok)
                return 0;
            members++;
        }
        return members == v->size;
    }
    case JSON_ARRAY: {
        if (v->kind != SM_JSON_ARRAY || v->size != json_array_size(j))
            return 0;
        size_t i = 0;
        for (const sm_json_node *x = sm_json_items(v); x < sm_json_end(v); x = sm_json_after(x), i++)
            if (i >= v->size || !same_node(x, json_array_get(j, i)))
                return 0;
        return i == v->size;
    }
    case JSON_STRING:
        if (v->kind != SM_JSON_STR || v->skip != 1 || !(text = malloc(v->size + 1)))
            return 0;
        len = sm_json_decode(v, text);
        same = same_string(j, text, len);
        free(text);
        return same;
    case JSON_INTEGER: return v->kind == SM_JSON_INT && v->skip == 1 && v->v.integer == json_integer_value(j);
    case JSON_REAL: return v->kind == SM_JSON_REAL && v->skip == 1 && v->v.real == json_real_value(j);
    case JSON_TRUE: return v->kind == SM_JSON_TRUE && v->skip == 1;
    case JSON_FALSE: return v->kind == SM_JSON_FALSE && v->skip == 1;
    default: return v->kind == SM_JSON_NULL_KIND && v->skip == 1;
    }
}

static void check_doc(const char *line, size_t size, int reject_duplicates)
{
    json_error_t jerr;
    json_t *want = json_loadb(line, size, reject_duplicates ? JSON_REJECT_DUPLICATES : 0, &jerr);
    sm_json_doc d;
    sm_json_doc_init(&d, reject_duplicates);
    int rc = sm_json_doc_read(&d, line, size);
    if (rc == SM_JSON_NOT_JSON && (want || strcmp(d.why, jerr.text) != 0 || d.column != jerr.column))
        abort();                /* refused what jansson reads, or in other words */
    if (rc == SM_JSON_SCAN_OK && (!want || d.n_nodes == 0 || d.nodes[0].skip != d.n_nodes ||
                                  !same_node(&d.nodes[0], want)))
        abort();                /* accepted what jansson refuses, or read it otherwise */
    json_decref(want);
    sm_json_doc_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Copies of exactly `size` bytes, so ASan sees any access past the end. */
    char *line = malloc(size ? size : 1), *writable = malloc(size ? size : 1);
    if (!line || !writable) {
        free(line);
        free(writable);
        return 0;
    }
    memcpy(line, data, size);
    memcpy(writable, data, size);
    json_t *o = json_loadb(line, size, 0, NULL);
    sm_arena arena = {0};
    sm_json_scan sc;
    sm_json_scan_init(&sc, &arena);
    sm_json_value values[N_FIELDS];
    check(o, sm_json_scan_object(&sc, line, size, fields, N_FIELDS, values), values);
    check(o, sm_json_scan_object_in_place(&sc, writable, size, fields, N_FIELDS, values), values);
    json_decref(o);
    sm_arena_free(&arena);
    check_doc(line, size, 0);
    check_doc(line, size, 1);
    free(line);
    free(writable);
    return 0;
}
