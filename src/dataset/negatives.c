/* negatives.c - storymovie dataset negatives: one synthetic frame sequence
 * per story, for stage 2's preference data (docs/dataset.md).
 *
 * A synthetic sequence has as many frames as its story, each from a
 * different film: no two frames of one film while the corpus has at least
 * as many films as the story has frames, and never two neighbours of one
 * film otherwise.  A model that tells a story over it and gives a
 * character of frame 2 the id of a character of frame 3 has re-identified
 * someone who cannot be there; the reward punishes that.
 *
 * The frames are drawn from those of all stories (they are known to exist).
 * Each sequence depends only on the seed and its story's id: the random
 * stream is seeded with ds_hash(seed, story_id) and the pool is sorted by
 * film and name, so input order and other stories change nothing. */
#include "dataset/dataset_internal.h"
#include "storymovie/rng.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/io.h"

typedef struct frame {
    const char *film, *name;
} frame;

typedef struct film_frames {
    const char *film;
    size_t first, count;        /* its frames in the sorted pool */
} film_frames;

static int cmp_frame(const void *a, const void *b)
{
    const frame *x = a, *y = b;
    int c = strcmp(x->film, y->film);
    return c ? c : strcmp(x->name, y->name);
}

/* The pool: every distinct frame, sorted, grouped by film. */
static int build_pool(ds_input *in, const char *path, frame **pool_out, size_t *npool,
                      film_frames **films_out, size_t *nfilms, sm_error *err)
{
    size_t total = 0;
    for (size_t i = 0; i < in->n_items; i++)
        total += in->items[i].s->n_images;
    frame *pool = malloc((total + 1) * sizeof *pool);
    if (!pool)
        return sm_fail(err, path, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < in->n_items; i++) {
        const ds_story *d = &in->items[i];
        for (uint32_t k = 0; k < d->s->n_images; k++) {
            char m[16];
            const char *film = d->movie;
            if (ds_image_movie(d->s->images[k], m) == 0)
                film = sm_arena_strdup(&in->arena, m);
            if (!film) {
                free(pool);
                return sm_fail(err, path, d->s->record_line,
                               "story %s: cannot tell the film of image %u \"%s\" (not a MovieNet "
                               "keyframe name, and the record has no \"movie\")",
                               d->s->story_id, k + 1, d->s->images[k]);
            }
            pool[n++] = (frame){film, d->s->images[k]};
        }
    }
    qsort(pool, n, sizeof *pool, cmp_frame);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || cmp_frame(&pool[w - 1], &pool[i]) != 0)
            pool[w++] = pool[i];
    n = w;
    film_frames *films = malloc((n + 1) * sizeof *films);
    if (!films) {
        free(pool);
        return sm_fail(err, path, 0, "out of memory");
    }
    size_t nf = 0;
    for (size_t i = 0; i < n; i++) {
        if (nf == 0 || strcmp(films[nf - 1].film, pool[i].film) != 0)
            films[nf++] = (film_frames){pool[i].film, i, 0};
        films[nf - 1].count++;
    }
    *pool_out = pool, *npool = n, *films_out = films, *nfilms = nf;
    return 0;
}

/* Films for one sequence of n frames: distinct while possible, otherwise
 * permutations joined so that neighbours differ.  Returns 1 when a film
 * had to be used twice. */
static int choose_films(sm_rng *rng, size_t nfilms, size_t n, size_t *perm, size_t *out)
{
    size_t done = 0;
    int repeated = n > nfilms;
    while (done < n) {
        for (size_t i = 0; i < nfilms; i++)
            perm[i] = i;
        size_t take = n - done < nfilms ? n - done : nfilms;
        /* Partial Fisher-Yates: the first `take` of a random permutation. */
        for (size_t i = 0; i < take; i++) {
            size_t j = i + (size_t)sm_rng_below(rng, nfilms - i);
            size_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        if (done > 0 && perm[0] == out[done - 1]) {
            /* the next round would repeat the last film: swap it later */
            size_t j = 1 + (size_t)sm_rng_below(rng, nfilms - 1);
            size_t t = perm[0];
            perm[0] = perm[j];
            perm[j] = t;    /* the prefix stays distinct either way */
        }
        for (size_t i = 0; i < take; i++)
            out[done++] = perm[i];
    }
    return repeated;
}

int sm_dataset_negatives(const sm_negatives_options *o, sm_negatives_summary *sum, sm_error *err)
{
    memset(sum, 0, sizeof *sum);
    ds_input in;
    if (ds_input_read(o->stories, o->movienet, 0, &in, err) != 0)
        return -1;
    frame *pool = NULL;
    film_frames *films = NULL;
    size_t npool = 0, nfilms = 0;
    int rc = build_pool(&in, o->stories, &pool, &npool, &films, &nfilms, err);
    if (rc == 0 && nfilms < 2)
        rc = sm_fail(err, o->stories, 0, "the stories' frames come from one film: a synthetic "
                     "sequence needs frames of different films");
    size_t maxn = 1;
    for (size_t i = 0; i < in.n_items; i++)
        if (in.items[i].s->n_images > maxn)
            maxn = in.items[i].s->n_images;
    size_t *perm = malloc((nfilms + 1) * sizeof *perm);
    size_t *seq = malloc((maxn + 1) * sizeof *seq);
    size_t *picked = malloc((maxn + 1) * sizeof *picked);
    if (rc == 0 && (!perm || !seq || !picked))
        rc = sm_fail(err, o->stories, 0, "out of memory");

    sm_output out;
    if (rc == 0)
        rc = sm_output_open(&out, o->out, err);
    int opened = rc == 0;
    sm_json j;
    sm_json_init(&j);
    unsigned char *film_seen = rc == 0 ? calloc(nfilms + 1, 1) : NULL;
    if (rc == 0 && !film_seen)
        rc = sm_fail(err, o->stories, 0, "out of memory");
    for (size_t i = 0; rc == 0 && i < in.n_items; i++) {
        const sm_story *s = in.items[i].s;
        size_t n = s->n_images;
        sm_rng rng = {ds_hash(o->seed, s->story_id)};
        sum->repeated_film += (size_t)choose_films(&rng, nfilms, n, perm, seq);
        for (size_t k = 0; k < n; k++) {
            const film_frames *f = &films[seq[k]];
            /* a frame not yet in this sequence (a film used twice gives
             * another of its frames when it has one) */
            size_t pick = f->first + (size_t)sm_rng_below(&rng, f->count);
            for (size_t tries = 0; tries < f->count; tries++) {
                int dup = 0;
                for (size_t q = 0; q < k && !dup; q++)
                    dup = picked[q] == pick;
                if (!dup)
                    break;
                pick = f->first + (pick - f->first + 1) % f->count;
            }
            picked[k] = pick;
            film_seen[seq[k]] = 1;
        }
        char id[512];
        snprintf(id, sizeof id, "neg:%s", s->story_id);
        sm_json_begin_object(&j);
        sm_json_kv_string(&j, "story_id", id);
        sm_json_kv_bool(&j, "synthetic", 1);
        sm_json_kv_string(&j, "source_story", s->story_id);
        sm_json_key(&j, "images");
        sm_json_begin_array(&j);
        for (size_t k = 0; k < n; k++)
            sm_json_string(&j, pool[picked[k]].name);
        sm_json_end_array(&j);
        sm_json_kv_int(&j, "frame_count", (long long)n);
        sm_json_key(&j, "movies");
        sm_json_begin_array(&j);
        for (size_t k = 0; k < n; k++)
            sm_json_string(&j, pool[picked[k]].film);
        sm_json_end_array(&j);
        sm_json_end_object(&j);
        if (j.failed || sm_json_flush_line(&j, out.fp) != 0)
            rc = j.failed ? sm_fail(err, o->out, 0, "out of memory") : sm_fail_write(err, o->out, errno);
        sum->sequences++;
        sum->frames += n;
    }
    for (size_t f = 0; film_seen && f < nfilms; f++)
        sum->films += film_seen[f];
    sm_json_free(&j);
    if (rc == 0)
        rc = sm_output_commit(&out, err);
    else if (opened)
        sm_output_abort(&out);
    free(film_seen);
    free(perm), free(seq), free(picked);
    free(pool), free(films);
    ds_input_free(&in);
    return rc;
}
