/* link_context.c - reading context records back (see include/storymovie/context.h
 * and docs/context.md).
 *
 * The records are nested (arrays of objects holding arrays), so each line
 * is read as a document by the common JSON scanner (common/json_scan.h;
 * jansson where the scanner is not sure, with JSON_REJECT_DUPLICATES), and
 * every field is copied into the set's arena with its type checked.
 * Whatever the record is not, the message says where, jq-style
 * (".dialogue[3].frames[0]"), so a user can find it. */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/context.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"
#include "common/json_scan.h"

/* ------------------------------------------------------------ reading */

typedef struct reader {
    sm_arena *arena;
    const char *name;
    long line;
    sm_error *err;
    int n_images;             /* of the record being read: image numbers are 1..n_images */
    sm_json_memo *memo;       /* where each key was found in the records before */
} reader;

/* Where a value sits, for messages: .array[index].object.key */
typedef struct loc {
    const char *array;        /* NULL: the record itself */
    size_t index;
    const char *object;       /* an object inside the element (or the record), or NULL */
} loc;

enum { REQUIRED = 0, OPTIONAL = 1, NULLABLE = 2 };

static void where(const loc *at, const char *key, char *buf, size_t size)
{
    int n = 0;
    if (at->array)
        n = snprintf(buf, size, ".%s[%zu]", at->array, at->index);
    if (at->object && n >= 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, ".%s", at->object);
    if (key && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ".%s", key);
}

typedef sm_json_node node;

static const char *type_name(const node *v)
{
    switch (v->kind) {
    case SM_JSON_OBJECT: return "an object";
    case SM_JSON_ARRAY: return "an array";
    case SM_JSON_STR: return "a string";
    case SM_JSON_INT: return "an integer";
    case SM_JSON_REAL: return "a real number";
    case SM_JSON_TRUE: case SM_JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static int is_null(const node *v) { return v->kind == SM_JSON_NULL_KIND; }
static int is_number(const node *v) { return v->kind == SM_JSON_INT || v->kind == SM_JSON_REAL; }

static int bad_type(reader *r, const loc *at, const char *key, const node *v, const char *want)
{
    char w[160];
    where(at, key, w, sizeof w);
    return sm_fail(r->err, r->name, r->line, "not a context record: %s is %s, want %s", w, type_name(v), want);
}

static int oom(reader *r)
{
    return sm_fail(r->err, r->name, r->line, "out of memory");
}

/* A record of another kind misses the first field looked for: say what it
 * looks like, since that is the likely mistake. */
static int missing(reader *r, const loc *at, const node *o, const char *key)
{
    if (at->array || at->object) {
        char w[160];
        where(at, NULL, w, sizeof w);
        return sm_fail(r->err, r->name, r->line, "not a context record: no \"%s\" in %s", key, w);
    }
    const node *type = sm_json_get(o, "type");
    if (type && type->kind == SM_JSON_STR) {
        char *t = sm_json_copy(type, r->arena, NULL);
        return t ? sm_fail(r->err, r->name, r->line, "not a context record: no \"%s\" (this looks like "
                           "an alignment record: \"type\":\"%.40s\")", key, t)
                 : oom(r);
    }
    if (sm_json_get(o, "chain_of_thought") || sm_json_get(o, "images"))
        return sm_fail(r->err, r->name, r->line, "not a context record: no \"%s\" (this looks like "
                       "a story record: it has \"%s\")", key,
                       sm_json_get(o, "chain_of_thought") ? "chain_of_thought" : "images");
    return sm_fail(r->err, r->name, r->line, "not a context record: no \"%s\"", key);
}

/* The value of key: 1 when there is one, 0 when absent (OPTIONAL) or null
 * (NULLABLE), -1 after an error. */
static int value(reader *r, const node *o, const loc *at, const char *key, int flags, const node **v)
{
    /* The writer puts the fields of every record in the same order: a key
     * is first looked for where it was last found. */
    *v = sm_json_get_memo(o, key, r->memo);
    if (!*v)
        return (flags & OPTIONAL) ? 0 : missing(r, at, o, key);
    if (is_null(*v)) {
        if (flags & NULLABLE)
            return 0;
    }
    return 1;
}

static int get_string(reader *r, const node *o, const loc *at, const char *key, int flags, const char **out)
{
    const node *v;
    int rc = value(r, o, at, key, flags, &v);
    *out = NULL;
    if (rc <= 0)
        return rc;
    if (v->kind != SM_JSON_STR)
        return bad_type(r, at, key, v, (flags & NULLABLE) ? "a string or null" : "a string");
    /* \u0000 is refused, so the length is the C string's. */
    if (!(*out = sm_json_copy(v, r->arena, NULL)))
        return oom(r);
    return 1;
}

static int int_range(reader *r, const loc *at, const char *key, const node *v, long long lo, long long hi,
                     long long *out)
{
    *out = 0;
    if (v->kind != SM_JSON_INT)
        return bad_type(r, at, key, v, "an integer");
    long long x = v->v.integer;
    if (x < lo || x > hi) {
        char w[160];
        where(at, key, w, sizeof w);
        return sm_fail(r->err, r->name, r->line, "not a context record: %s is %lld, want %lld..%lld",
                       w, x, lo, hi);
    }
    *out = x;
    return 1;
}

static int get_int(reader *r, const node *o, const loc *at, const char *key, int flags, long long lo,
                   long long hi, long long *out)
{
    const node *v;
    int rc = value(r, o, at, key, flags, &v);
    *out = 0;
    if (rc <= 0)
        return rc;
    return int_range(r, at, key, v, lo, hi, out);
}

#define GET_INT(r, o, at, key, flags, lo, hi, dst) do {                       \
        long long v_;                                                         \
        if (get_int(r, o, at, key, flags, lo, hi, &v_) < 0)                   \
            return -1;                                                        \
        (dst) = v_;                                                           \
    } while (0)

static int get_number(reader *r, const node *o, const loc *at, const char *key, int flags, double *out)
{
    const node *v;
    int rc = value(r, o, at, key, flags, &v);
    *out = 0;
    if (rc <= 0)
        return rc;
    if (!is_number(v))
        return bad_type(r, at, key, v, "a number");
    *out = v->kind == SM_JSON_INT ? (double)v->v.integer : v->v.real;
    return 1;
}

static int get_bool(reader *r, const node *o, const loc *at, const char *key, int flags, int *out)
{
    const node *v;
    int rc = value(r, o, at, key, flags, &v);
    *out = 0;
    if (rc <= 0)
        return rc;
    if (v->kind != SM_JSON_TRUE && v->kind != SM_JSON_FALSE)
        return bad_type(r, at, key, v, "true or false");
    *out = v->kind == SM_JSON_TRUE;
    return 1;
}

/* An array of n elements in the arena (NULL when empty). */
static void *alloc_items(reader *r, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    if (n > SIZE_MAX / size)
        return NULL;
    void *p = sm_arena_alloc(r->arena, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

static int get_array(reader *r, const node *o, const loc *at, const char *key, int flags, const node **out)
{
    int rc = value(r, o, at, key, flags, out);
    if (rc <= 0) {
        *out = NULL;
        return rc;
    }
    if ((*out)->kind != SM_JSON_ARRAY)
        return bad_type(r, at, key, *out, "an array");
    return 1;
}

static int get_object(reader *r, const node *o, const loc *at, const char *key, const node **out)
{
    if (value(r, o, at, key, REQUIRED, out) < 0)
        return -1;
    if ((*out)->kind != SM_JSON_OBJECT)
        return bad_type(r, at, key, *out, "an object");
    return 1;
}

/* An array of image numbers (each 1..n_images). */
static int get_images(reader *r, const node *o, const loc *at, const char *key, const int **out, size_t *n)
{
    const node *a;
    *out = NULL;
    *n = 0;
    if (get_array(r, o, at, key, REQUIRED, &a) < 0)
        return -1;
    size_t count = a->size, i = 0;
    int *items = alloc_items(r, count, sizeof *items);
    if (count && !items)
        return oom(r);
    for (const node *v = sm_json_items(a); v < sm_json_end(a); v = sm_json_after(v), i++) {
        long long x;
        /* The common case first: the message's name is made only for a fault. */
        if (v->kind == SM_JSON_INT && v->v.integer >= 1 && v->v.integer <= r->n_images) {
            items[i] = (int)v->v.integer;
            continue;
        }
        char name[64];
        snprintf(name, sizeof name, "%s[%zu]", key, i);
        if (int_range(r, at, name, v, 1, r->n_images, &x) < 0)
            return -1;
        items[i] = (int)x;
    }
    *out = items;
    *n = count;
    return 0;
}

static int get_marks(reader *r, const node *o, const loc *at, sm_context_marks *m)
{
    const node *b;
    if (get_images(r, o, at, "frames", &m->frames, &m->n_frames) < 0 ||
        get_array(r, o, at, "between", OPTIONAL, &b) < 0)
        return -1;
    if (!b)
        return 0;
    if (b->size != 2) {
        char w[160];
        where(at, "between", w, sizeof w);
        return sm_fail(r->err, r->name, r->line, "not a context record: %s has %zu items, want 2 "
                       "(the image before and the image after)", w, b->size);
    }
    m->has_between = 1;
    const node *v = sm_json_items(b);
    for (size_t k = 0; k < 2; k++, v = sm_json_after(v)) {
        long long x = 0;
        /* The common case first: the message's name is made only for a fault. */
        if (v->kind == SM_JSON_INT && v->v.integer >= 1 && v->v.integer <= r->n_images) {
            m->between[k] = (int)v->v.integer;
            continue;
        }
        char name[32];
        snprintf(name, sizeof name, "between[%zu]", k);
        if (!is_null(v) && int_range(r, at, name, v, 1, r->n_images, &x) < 0)
            return -1;
        m->between[k] = (int)x;
    }
    return 0;
}

static int read_frames(reader *r, const node *a, sm_context *c)
{
    c->n_frames = a->size;
    if (c->n_frames == 0)
        return sm_fail(r->err, r->name, r->line, "not a context record: .frames is empty");
    if (c->n_frames > INT_MAX)
        return sm_fail(r->err, r->name, r->line, "not a context record: too many frames");
    if (!(c->frames = alloc_items(r, c->n_frames, sizeof *c->frames)))
        return oom(r);
    r->n_images = (int)c->n_frames;
    size_t i = 0;
    for (const node *o = sm_json_items(a); o < sm_json_end(a); o = sm_json_after(o), i++) {
        loc at = {"frames", i, NULL};
        sm_context_frame *f = &c->frames[i];
        if (o->kind != SM_JSON_OBJECT)
            return bad_type(r, &at, NULL, o, "an object");
        GET_INT(r, o, &at, "image", REQUIRED, 1, r->n_images, f->image);
        if ((size_t)f->image != i + 1)
            return sm_fail(r->err, r->name, r->line, "not a context record: .frames[%zu].image is %d, "
                           "want %zu (images are numbered in story order from 1)", i, f->image, i + 1);
        GET_INT(r, o, &at, "shot", REQUIRED, 0, INT_MAX, f->shot);
        GET_INT(r, o, &at, "img", REQUIRED, 0, INT_MAX, f->img);
        GET_INT(r, o, &at, "frame", REQUIRED, 0, LONG_MAX, f->frame);
        GET_INT(r, o, &at, "lines", REQUIRED, 0, INT_MAX, f->lines);
        if (get_string(r, o, &at, "keyframe", REQUIRED, &f->keyframe) < 0 ||
            get_number(r, o, &at, "time", REQUIRED, &f->time) < 0 ||
            get_number(r, o, &at, "shot_start", REQUIRED, &f->shot_start) < 0 ||
            get_number(r, o, &at, "shot_end", REQUIRED, &f->shot_end) < 0)
            return -1;
    }
    return 0;
}

static int read_window(reader *r, const node *o, sm_context_window *w)
{
    loc at = {NULL, 0, "window"};
    if (get_number(r, o, &at, "start", REQUIRED, &w->start) < 0 ||
        get_number(r, o, &at, "end", REQUIRED, &w->end) < 0 ||
        get_number(r, o, &at, "first_frame", REQUIRED, &w->first_frame) < 0 ||
        get_number(r, o, &at, "last_frame", REQUIRED, &w->last_frame) < 0 ||
        get_string(r, o, &at, "padding", REQUIRED, &w->padding) < 0 ||
        get_bool(r, o, &at, "images_in_film_order", REQUIRED, &w->images_in_film_order) < 0)
        return -1;
    return 0;
}

/* Each element of a list: an object, read by fn into items[i]. */
typedef int (*element_fn)(reader *r, const node *o, const loc *at, void *item);

static int read_list(reader *r, const node *rec, const char *key, size_t size, element_fn fn,
                     void **items, size_t *n)
{
    const node *a;
    if (get_array(r, rec, &(loc){NULL, 0, NULL}, key, REQUIRED, &a) < 0)
        return -1;
    *n = a->size;
    *items = alloc_items(r, *n, size);
    if (*n && !*items)
        return oom(r);
    size_t i = 0;
    for (const node *o = sm_json_items(a); o < sm_json_end(a); o = sm_json_after(o), i++) {
        loc at = {key, i, NULL};
        if (o->kind != SM_JSON_OBJECT)
            return bad_type(r, &at, NULL, o, "an object");
        if (fn(r, o, &at, (char *)*items + i * size) < 0)
            return -1;
    }
    return 0;
}

static int read_scene(reader *r, const node *o, const loc *at, void *item)
{
    sm_context_scene *s = item;
    GET_INT(r, o, at, "scene", REQUIRED, INT_MIN, INT_MAX, s->scene);
    if (get_string(r, o, at, "heading", NULLABLE, &s->heading) < 0 ||
        get_number(r, o, at, "start", REQUIRED, &s->start) < 0 ||
        get_number(r, o, at, "end", REQUIRED, &s->end) < 0)
        return -1;
    return get_marks(r, o, at, &s->marks);
}

static int read_mn_scene(reader *r, const node *o, const loc *at, void *item)
{
    sm_context_mn_scene *s = item;
    const node *shots;
    if (get_string(r, o, at, "id", NULLABLE, &s->id) < 0 ||
        get_array(r, o, at, "shots", REQUIRED, &shots) < 0)
        return -1;
    long long first, last;
    if (shots->size != 2) {
        char w[160];
        where(at, "shots", w, sizeof w);
        return sm_fail(r->err, r->name, r->line, "not a context record: %s has %zu items, want 2 "
                       "(first and last shot)", w, shots->size);
    }
    const node *v = sm_json_items(shots);
    if (int_range(r, at, "shots[0]", v, 0, INT_MAX, &first) < 0 ||
        int_range(r, at, "shots[1]", sm_json_after(v), 0, INT_MAX, &last) < 0)
        return -1;
    s->shot_first = (int)first;
    s->shot_last = (int)last;
    if (get_number(r, o, at, "start", REQUIRED, &s->start) < 0 ||
        get_number(r, o, at, "end", REQUIRED, &s->end) < 0)
        return -1;
    return get_marks(r, o, at, &s->marks);
}

static int read_block(reader *r, const node *o, const loc *at, void *item)
{
    sm_context_block *b = item;
    GET_INT(r, o, at, "block", REQUIRED, 1, LONG_MAX, b->block);
    GET_INT(r, o, at, "scene", REQUIRED, INT_MIN, INT_MAX, b->scene);
    if (get_string(r, o, at, "kind", REQUIRED, &b->kind) < 0 ||
        get_string(r, o, at, "speaker", OPTIONAL | NULLABLE, &b->speaker) < 0 ||
        get_string(r, o, at, "text", NULLABLE, &b->text) < 0 ||
        get_number(r, o, at, "start", REQUIRED, &b->start) < 0 ||
        get_number(r, o, at, "end", REQUIRED, &b->end) < 0 ||
        get_string(r, o, at, "timing", NULLABLE, &b->timing) < 0)
        return -1;
    return get_marks(r, o, at, &b->marks);
}

static int read_segment(reader *r, const node *o, const loc *at, void *item)
{
    sm_context_segment *s = item;
    GET_INT(r, o, at, "cue", REQUIRED, 1, INT_MAX, s->cue);
    GET_INT(r, o, at, "segment", REQUIRED, 0, INT_MAX, s->segment);
    GET_INT(r, o, at, "block", NULLABLE, 1, LONG_MAX, s->block);
    if (get_number(r, o, at, "start", REQUIRED, &s->start) < 0 ||
        get_number(r, o, at, "end", REQUIRED, &s->end) < 0 ||
        get_string(r, o, at, "speaker", NULLABLE, &s->speaker) < 0 ||
        get_number(r, o, at, "confidence", REQUIRED, &s->confidence) < 0 ||
        get_string(r, o, at, "text", NULLABLE, &s->text) < 0 ||
        get_string(r, o, at, "evidence", OPTIONAL | NULLABLE, &s->evidence) < 0)
        return -1;
    return get_marks(r, o, at, &s->marks);
}

static int read_synopsis(reader *r, const node *o, const loc *at, void *item)
{
    sm_context_synopsis *s = item;
    if (get_string(r, o, at, "id", NULLABLE, &s->id) < 0 ||
        get_number(r, o, at, "start", REQUIRED, &s->start) < 0 ||
        get_number(r, o, at, "end", REQUIRED, &s->end) < 0 ||
        get_number(r, o, at, "overlap", REQUIRED, &s->overlap) < 0 ||
        get_string(r, o, at, "description", NULLABLE, &s->description) < 0)
        return -1;
    return 0;
}

static int get_strings(reader *r, const node *o, const loc *at, const char *key, int flags,
                       const char *const **out, size_t *n)
{
    const node *a;
    *out = NULL;
    *n = 0;
    int rc = get_array(r, o, at, key, flags, &a);
    if (rc <= 0)
        return rc;
    size_t count = a->size, i = 0;
    const char **items = alloc_items(r, count, sizeof *items);
    if (count && !items)
        return oom(r);
    for (const node *v = sm_json_items(a); v < sm_json_end(a); v = sm_json_after(v), i++) {
        if (v->kind != SM_JSON_STR) {
            char name[64];
            snprintf(name, sizeof name, "%s[%zu]", key, i);
            return bad_type(r, at, name, v, "a string");
        }
        if (!(items[i] = sm_json_copy(v, r->arena, NULL)))
            return oom(r);
    }
    *out = items;
    *n = count;
    return 0;
}

static int read_evidence(reader *r, const node *o, const loc *at, sm_context_evidence *e)
{
    double mean;
    int has_mean;
    GET_INT(r, o, at, "boxes", REQUIRED, 0, INT_MAX, e->boxes);
    GET_INT(r, o, at, "annotated", REQUIRED, 0, INT_MAX, e->annotated);
    GET_INT(r, o, at, "conflicting_frames", REQUIRED, 0, INT_MAX, e->conflicting_frames);
    GET_INT(r, o, at, "speaker_lines", OPTIONAL, 0, INT_MAX, e->speaker_lines);
    GET_INT(r, o, at, "lines_on_its_frames", OPTIONAL, 0, INT_MAX, e->lines_on_its_frames);
    if (get_images(r, o, at, "matched_frames", &e->matched_frames, &e->n_matched_frames) < 0 ||
        (has_mean = get_number(r, o, at, "iou_mean", OPTIONAL, &mean)) < 0 ||
        get_number(r, o, at, "iou_min", has_mean ? REQUIRED : OPTIONAL, &e->iou_min) < 0 ||
        get_strings(r, o, at, "same_cast_as", OPTIONAL, &e->same_cast_as, &e->n_same_cast_as) < 0 ||
        get_string(r, o, at, "speaker", OPTIONAL | NULLABLE, &e->speaker) < 0 ||
        (e->has_speaker_check = get_bool(r, o, at, "speaks_in_window", OPTIONAL, &e->speaks_in_window)) < 0)
        return -1;
    e->has_iou = has_mean;
    e->iou_mean = mean;
    return 0;
}

/* "char" and a number, as the chain of thought's ids. */
static int char_number(const char *id)
{
    if (strncmp(id, "char", 4) != 0 || !id[4])
        return -1;
    long v = 0;
    for (const char *p = id + 4; *p; p++) {
        if (*p < '0' || *p > '9' || v > 99999999)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return (int)v;
}

static int read_character(reader *r, const node *o, const loc *at, void *item)
{
    sm_context_character *ch = item;
    const node *ev;
    if (get_string(r, o, at, "id", REQUIRED, &ch->id) < 0)
        return -1;
    if ((ch->number = char_number(ch->id)) < 0) {
        char w[160];
        where(at, "id", w, sizeof w);
        return sm_fail(r->err, r->name, r->line, "not a context record: %s is \"%.40s\", want char<N>",
                       w, ch->id);
    }
    if (get_string(r, o, at, "cot_name", NULLABLE, &ch->cot_name) < 0 ||
        get_string(r, o, at, "name", NULLABLE, &ch->name) < 0 ||
        get_string(r, o, at, "actor", NULLABLE, &ch->actor) < 0 ||
        get_string(r, o, at, "pid", NULLABLE, &ch->pid) < 0 ||
        get_string(r, o, at, "unnamed", OPTIONAL, &ch->unnamed) < 0 ||
        get_object(r, o, at, "evidence", &ev) < 0)
        return -1;
    loc eat = {at->array, at->index, "evidence"};
    return read_evidence(r, ev, &eat, &ch->evidence);
}

/* The order the writer guarantees and the lookups rely on. */
static int check_order(reader *r, const sm_context *c)
{
    for (size_t i = 1; i < c->n_script; i++)
        if (c->script[i].block <= c->script[i - 1].block)
            return sm_fail(r->err, r->name, r->line, "not a context record: .script[%zu] is block %ld, "
                           "after block %ld (want script order)", i, c->script[i].block, c->script[i - 1].block);
    for (size_t i = 1; i < c->n_dialogue; i++) {
        const sm_context_segment *a = &c->dialogue[i - 1], *b = &c->dialogue[i];
        if (b->cue < a->cue || (b->cue == a->cue && b->segment <= a->segment))
            return sm_fail(r->err, r->name, r->line, "not a context record: .dialogue[%zu] is cue %d "
                           "segment %d, after cue %d segment %d (want subtitle order)",
                           i, b->cue, b->segment, a->cue, a->segment);
    }
    return 0;
}

static int read_record(reader *r, const node *o, sm_context *c)
{
    loc top = {NULL, 0, NULL};
    const node *frames, *window;
    if (get_string(r, o, &top, "story_id", REQUIRED, &c->story_id) < 0 ||
        get_string(r, o, &top, "movie", REQUIRED, &c->movie) < 0 ||
        get_array(r, o, &top, "frames", REQUIRED, &frames) < 0 ||
        get_object(r, o, &top, "window", &window) < 0)
        return -1;
    if (!c->story_id[0])
        return sm_fail(r->err, r->name, r->line, "not a context record: .story_id is empty");
    if (get_string(r, o, &top, "title", NULLABLE, &c->title) < 0 ||
        get_number(r, o, &top, "fps", REQUIRED, &c->fps) < 0 ||
        get_string(r, o, &top, "alignment", NULLABLE, &c->alignment) < 0)
        return -1;
    if (!(c->fps > 0))
        return sm_fail(r->err, r->name, r->line, "not a context record: .fps is %g, want > 0", c->fps);
    if (read_frames(r, frames, c) < 0 || read_window(r, window, &c->window) < 0 ||
        read_list(r, o, "scenes", sizeof *c->scenes, read_scene, (void **)&c->scenes, &c->n_scenes) < 0 ||
        read_list(r, o, "movienet_scenes", sizeof *c->movienet_scenes, read_mn_scene,
                  (void **)&c->movienet_scenes, &c->n_movienet_scenes) < 0 ||
        read_list(r, o, "script", sizeof *c->script, read_block, (void **)&c->script, &c->n_script) < 0 ||
        read_list(r, o, "dialogue", sizeof *c->dialogue, read_segment, (void **)&c->dialogue,
                  &c->n_dialogue) < 0 ||
        read_list(r, o, "synopsis", sizeof *c->synopsis, read_synopsis, (void **)&c->synopsis,
                  &c->n_synopsis) < 0 ||
        read_list(r, o, "characters", sizeof *c->characters, read_character, (void **)&c->characters,
                  &c->n_characters) < 0 ||
        get_strings(r, o, &top, "problems", REQUIRED, &c->problems, &c->n_problems) < 0)
        return -1;
    return check_order(r, c);
}

/* ------------------------------------------------------------ the set */

static size_t *find_slot(size_t *slots, size_t n_slots, const sm_context *items, const char *id)
{
    size_t i = (size_t)sm_fnv1a_str(id) & (n_slots - 1);
    while (slots[i] && strcmp(items[slots[i] - 1].story_id, id) != 0)
        i = (i + 1) & (n_slots - 1);
    return &slots[i];
}

/* Index items[set->count - 1]; it may repeat an earlier story_id. */
static int index_last(sm_context_set *set, sm_error *err)
{
    const sm_context *c = &set->items[set->n_items - 1];
    if (set->n_items * 2 > set->n_slots) {
        size_t n = set->n_slots ? set->n_slots * 2 : 64;
        size_t *slots = calloc(n, sizeof *slots);
        if (!slots)
            return sm_fail(err, set->name, c->line, "out of memory");
        for (size_t i = 0; i + 1 < set->n_items; i++)
            *find_slot(slots, n, set->items, set->items[i].story_id) = i + 1;
        free(set->slots);
        set->slots = slots;
        set->n_slots = n;
    }
    size_t *slot = find_slot(set->slots, set->n_slots, set->items, c->story_id);
    if (*slot)
        return sm_fail(err, set->name, c->line, "story_id \"%.200s\" again: line %ld has it too (one "
                       "record per story)", c->story_id, set->items[*slot - 1].line);
    *slot = set->n_items;
    return 0;
}

static int add_line(sm_context_set *set, sm_json_doc *doc, sm_json_memo *memo, long line, const char *text,
                    size_t n, sm_error *err)
{
    size_t k = 0;
    while (k < n && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
        k++;
    if (k == n)
        return 0;
    int rc = sm_json_doc_read(doc, text, n);
    if (rc == SM_JSON_SCAN_OOM)
        return sm_fail(err, set->name, line, "out of memory");
    if (rc != SM_JSON_SCAN_OK) {
        size_t e = n;
        while (e > k && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
            e--;
        if (e - k == 1 && (text[k] == '{' || text[k] == '['))
            return sm_fail(err, set->name, line, "not a context record: an indented JSON document, "
                           "not JSON Lines (one record per line)");
        return sm_fail(err, set->name, line, "not a context record: not JSON (column %d: %s)",
                       doc->column, doc->why);
    }
    const node *o = &doc->nodes[0];
    if (o->kind != SM_JSON_OBJECT)
        return sm_fail(err, set->name, line, "not a context record: %s, not an object", type_name(o));
    if (sm_grow(&set->items, &set->cap, set->n_items + 1, sizeof *set->items) != 0)
        return sm_fail(err, set->name, line, "out of memory");
    sm_context *c = &set->items[set->n_items];
    memset(c, 0, sizeof *c);
    c->line = line;
    reader r = {&set->arena, set->name, line, err, 0, memo};
    if (read_record(&r, o, c) < 0)
        return -1;
    set->n_items++;
    return index_last(set, err);
}

/* Duplicate keys are refused, as jansson's JSON_REJECT_DUPLICATES does:
 * a record with two "speaker"s is not one the writer made. */
static int begin(sm_context_set *set, sm_json_doc *doc, const char *name, sm_error *err)
{
    memset(set, 0, sizeof *set);
    sm_json_doc_init(doc, 1);
    if (!(set->name = strdup(name ? name : "")))
        return sm_fail(err, name, 0, "out of memory");
    return 0;
}

static int finish(sm_context_set *set, sm_json_doc *doc, int rc, sm_error *err)
{
    sm_json_doc_free(doc);
    if (rc == 0 && set->n_items == 0)
        rc = sm_fail(err, set->name, 0, "empty file");
    if (rc != 0)
        sm_context_set_free(set);
    return rc;
}

int sm_context_read_buffer(const char *name, const char *data, size_t len, sm_context_set *set,
                           sm_error *err)
{
    sm_json_doc doc;
    sm_json_memo memo;
    memset(&memo, 0, sizeof memo);
    if (begin(set, &doc, name, err) != 0)
        return -1;
    int rc = 0;
    long line = 0;
    const char *p = data, *end = data + len;
    while (rc == 0 && p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        rc = add_line(set, &doc, &memo, line, p, (size_t)(eol - p), err);
        p = eol < end ? eol + 1 : end;
    }
    return finish(set, &doc, rc, err);
}

int sm_context_read_file(const char *path, sm_context_set *set, sm_error *err)
{
    sm_json_doc doc;
    sm_json_memo memo;
    memset(&memo, 0, sizeof memo);
    if (begin(set, &doc, path, err) != 0)
        return -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return finish(set, &doc, sm_fail(err, path, 0, "cannot read: %s", strerror(errno)), err);
    /* A corpus's contexts are tens of megabytes: read them a megabyte a
     * call, not stdio's 4 KiB (a system call each, dear in a virtual machine). */
    char *iobuf = malloc(1u << 20);   /* glibc takes no size without a buffer */
    if (iobuf)
        setvbuf(f, iobuf, _IOFBF, 1u << 20);
    char *buf = NULL;
    size_t cap = 0;
    long line = 0;
    int rc = 0;
    ssize_t n;
    while (rc == 0 && (n = getline(&buf, &cap, f)) >= 0) {
        line++;
        size_t len = (size_t)n;
        if (len && buf[len - 1] == '\n')
            len--;
        rc = add_line(set, &doc, &memo, line, buf, len, err);
    }
    if (rc == 0 && ferror(f))
        rc = sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    free(buf);
    fclose(f);
    free(iobuf);
    return finish(set, &doc, rc, err);
}

void sm_context_set_free(sm_context_set *set)
{
    free(set->name);
    free(set->items);
    free(set->slots);
    sm_arena_free(&set->arena);
    memset(set, 0, sizeof *set);
}

/* ------------------------------------------------------------ lookups */

const sm_context *sm_context_find(const sm_context_set *set, const char *story_id)
{
    if (!set->n_slots || !story_id)
        return NULL;
    size_t slot = *find_slot(set->slots, set->n_slots, set->items, story_id);
    return slot ? &set->items[slot - 1] : NULL;
}

const sm_context_character *sm_context_find_character(const sm_context *c, const char *id)
{
    for (size_t i = 0; id && i < c->n_characters; i++)
        if (strcmp(c->characters[i].id, id) == 0)
            return &c->characters[i];
    return NULL;
}

const char *sm_context_name(const sm_context *c, const char *id)
{
    const sm_context_character *ch = sm_context_find_character(c, id);
    return ch ? ch->name : NULL;
}

const sm_context_segment *sm_context_find_segment(const sm_context *c, int cue, int segment)
{
    size_t lo = 0, hi = c->n_dialogue;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sm_context_segment *s = &c->dialogue[mid];
        if (s->cue == cue && s->segment == segment)
            return s;
        if (s->cue < cue || (s->cue == cue && s->segment < segment))
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const sm_context_block *sm_context_find_block(const sm_context *c, long block)
{
    size_t lo = 0, hi = c->n_script;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->script[mid].block == block)
            return &c->script[mid];
        if (c->script[mid].block < block)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* By start time; equal starts keep subtitle order (the array's order,
 * so the address decides). */
static int by_start(const void *a, const void *b)
{
    const sm_context_segment *x = *(const sm_context_segment *const *)a;
    const sm_context_segment *y = *(const sm_context_segment *const *)b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x < y ? -1 : x > y;
}

size_t sm_context_dialogue_by_time(const sm_context *c, const sm_context_segment **out)
{
    for (size_t i = 0; i < c->n_dialogue; i++)
        out[i] = &c->dialogue[i];
    if (c->n_dialogue > 1)
        qsort(out, c->n_dialogue, sizeof *out, by_start);
    return c->n_dialogue;
}

int sm_context_on_image(const sm_context_marks *m, int image)
{
    for (size_t i = 0; i < m->n_frames; i++)
        if (m->frames[i] == image)
            return 1;
    return 0;
}
