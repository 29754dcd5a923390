/* view_film.c - the data of one alignment page: a film's subtitle segments
 * and script blocks, as `storymovie align` wrote them (read back by
 * src/link's alignment reader), for the page to lay out on one timeline.
 *
 * A long film has thousands of each, so they go out as arrays of arrays
 * with the speakers as indices into one list: a 1,600-segment film is some
 * 200 KB of data.  When context records are given, the stories of the film
 * are listed with their windows, and every subtitle line those records
 * quote must be the alignment's own line: a page that shows one alignment
 * beside stories linked from another would mislead. */
#define _POSIX_C_SOURCE 200809L
#include "view/view_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/link.h"
#include "common/array.h"

typedef struct speakers {
    const char **names;
    size_t n, cap;
} speakers;

/* The speaker's index in the list (added when new); -1 for none. */
static long speaker_index(speakers *sp, const char *name, int *oom)
{
    if (!name)
        return -1;
    for (size_t i = sp->n; i-- > 0;)   /* a speaker usually speaks again soon */
        if (strcmp(sp->names[i], name) == 0)
            return (long)i;
    if (sm_grow(&sp->names, &sp->cap, sp->n + 1, sizeof *sp->names) != 0) {
        *oom = 1;
        return -1;
    }
    sp->names[sp->n] = name;
    return (long)sp->n++;
}

/* "tt0120338" from ".../tt0120338.jsonl": the file name without its
 * directory and extension. */
static void film_id(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    if (n >= size)
        n = size - 1;
    memcpy(out, base, n);
    out[n] = '\0';
}

static const sm_film_segment *find_segment(const sm_film_alignment *a, int cue, int segment)
{
    size_t lo = 0, hi = a->n_segments;       /* in subtitle order, as align writes them */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const sm_film_segment *s = &a->segments[mid];
        if (s->cue < cue || (s->cue == cue && s->segment < segment))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < a->n_segments && a->segments[lo].cue == cue && a->segments[lo].segment == segment)
        return &a->segments[lo];
    for (size_t i = 0; i < a->n_segments; i++)  /* not in order after all */
        if (a->segments[i].cue == cue && a->segments[i].segment == segment)
            return &a->segments[i];
    return NULL;
}

/* Each context record of the film must quote the alignment's own lines. */
static int check_contexts(const char *path, const char *film, const sm_film_alignment *a,
                          const sm_context_set *ctx, sm_error *err)
{
    for (size_t i = 0; ctx && i < ctx->n_items; i++) {
        const sm_context *c = &ctx->items[i];
        if (strcmp(c->movie, film) != 0)
            continue;
        for (size_t k = 0; k < c->n_dialogue; k++) {
            const sm_context_segment *d = &c->dialogue[k];
            const sm_film_segment *s = find_segment(a, d->cue, d->segment);
            const char *why = NULL;
            if (!s)
                why = "is not in the alignment";
            else if (fabs(s->start - d->start) > 0.0015 || fabs(s->end - d->end) > 0.0015)
                why = "has other times in the alignment";
            else if (s->text && d->text && strcmp(s->text, d->text) != 0)
                why = "has another text in the alignment";
            if (why)
                return sm_fail(err, path, 0,
                               "subtitle line %d.%d of story %s (%s line %ld) %s: the context "
                               "records were not made from this alignment of %s",
                               d->cue, d->segment, c->story_id, ctx->name, c->line, why, film);
        }
    }
    return 0;
}

static void emit_segments(sm_json *j, const sm_film_alignment *a, speakers *sp, int *oom)
{
    sm_json_key(j, "seg");
    sm_json_begin_array(j);
    for (size_t i = 0; i < a->n_segments; i++) {
        const sm_film_segment *s = &a->segments[i];
        sm_json_begin_array(j);
        sm_json_int(j, s->cue);
        sm_json_int(j, s->segment);
        sm_json_fixed(j, s->start, 3);
        sm_json_fixed(j, s->end, 3);
        sm_json_int(j, speaker_index(sp, s->speaker, oom));
        sm_json_fixed(j, s->confidence, 2);
        sm_json_string(j, s->text);
        sm_json_int(j, s->block);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
}

static void emit_blocks(sm_json *j, const sm_film_alignment *a, speakers *sp, int *oom)
{
    sm_json_key(j, "blk");
    sm_json_begin_array(j);
    for (size_t i = 0; i < a->n_blocks; i++) {
        const sm_film_block *b = &a->blocks[i];
        sm_json_begin_array(j);
        sm_json_int(j, b->block);
        sm_json_string(j, b->kind);
        sm_json_int(j, b->scene);
        sm_json_int(j, speaker_index(sp, b->speaker, oom));
        sm_json_string(j, b->text);
        if (b->timed) {
            sm_json_fixed(j, b->start, 3);
            sm_json_fixed(j, b->end, 3);
        } else {
            sm_json_null(j);
            sm_json_null(j);
        }
        sm_json_string(j, b->timing);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
}

int view_film_emit(sm_json *j, const char *path, const sm_context_set *contexts,
                   sm_view_stats *stats, sm_error *err)
{
    sm_film_alignment a;
    if (sm_film_alignment_read(path, &a, err) != 0)
        return -1;
    if (a.n_segments == 0 && a.n_blocks == 0) {
        sm_film_alignment_free(&a);
        return sm_fail(err, path, 0,
                       "no segment or block records: not an alignment ('storymovie align' output)");
    }
    char film[256];
    film_id(path, film, sizeof film);
    if (check_contexts(path, film, &a, contexts, err) != 0) {
        sm_film_alignment_free(&a);
        return -1;
    }
    const char *base = strrchr(path, '/');
    const char *title = NULL;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "film", film);
    sm_json_kv_string(j, "file", base ? base + 1 : path);
    speakers sp = {0};
    int oom = 0;
    emit_segments(j, &a, &sp, &oom);
    emit_blocks(j, &a, &sp, &oom);
    sm_json_key(j, "sp");
    sm_json_begin_array(j);
    for (size_t i = 0; i < sp.n; i++)
        sm_json_string(j, sp.names[i]);
    sm_json_end_array(j);
    sm_json_key(j, "stories");
    sm_json_begin_array(j);
    for (size_t i = 0; contexts && i < contexts->n_items; i++) {
        const sm_context *c = &contexts->items[i];
        if (strcmp(c->movie, film) != 0)
            continue;
        if (!title)
            title = c->title;
        sm_json_begin_array(j);
        sm_json_string(j, c->story_id);
        sm_json_fixed(j, c->window.start, 3);
        sm_json_fixed(j, c->window.end, 3);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
    sm_json_kv_string(j, "title", title);
    sm_json_end_object(j);
    free(sp.names);
    sm_film_alignment_free(&a);
    if (oom)
        return sm_fail(err, path, 0, "out of memory");
    stats->films++;
    return 0;
}
