/* build.c - storymovie dataset: story records -> a Hugging Face ImageFolder
 * directory (docs/dataset.md).
 *
 *   DIR/README.md                     dataset card (card.c)
 *   DIR/LICENSE.md                    the terms of the sources
 *   DIR/{train,test}/metadata.jsonl   one row per story
 *   DIR/{train,test}/images/ID/NNN.jpg  its frames, hard links (copies where
 *                                     a link cannot be made)
 *
 * The split is decided per film from a hash of (seed, film id): a film's
 * split never depends on which other films are in the corpus, so a grown
 * corpus keeps every earlier test film in test. */
#include "dataset/dataset_internal.h"
#include "dataset/card.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void sm_dataset_options_init(sm_dataset_options *o)
{
    memset(o, 0, sizeof *o);
    o->test_fraction = 0.15;
    o->split_by = SM_SPLIT_BY_FILM;
}

/* A uniform number in [0,1) from the hash of (seed, key). */
static double unit(uint64_t seed, const char *key)
{
    return (double)(ds_hash(seed, key) >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct unit_key {
    const char *key;
    double u;
    int split;
} unit_key;

/* Decide train (0) / test (1) per key; both splits get one when there are
 * two keys or more (a test set of nothing measures nothing). */
static void split_keys(unit_key *k, size_t n, double fraction)
{
    size_t test = 0;
    for (size_t i = 0; i < n; i++) {
        k[i].split = k[i].u < fraction;
        test += (size_t)k[i].split;
    }
    if (n < 2)
        return;
    if (test == 0 && fraction > 0) {
        size_t lo = 0;
        for (size_t i = 1; i < n; i++)
            if (k[i].u < k[lo].u)
                lo = i;
        k[lo].split = 1;
    } else if (test == n && fraction < 1) {
        size_t hi = 0;
        for (size_t i = 1; i < n; i++)
            if (k[i].u > k[hi].u)
                hi = i;
        k[hi].split = 0;
    }
}

/* Distinct films in order of first appearance. */
static size_t collect_films(ds_input *in, const char ***films_out, size_t **film_of)
{
    const char **films = malloc((in->n_items + 1) * sizeof *films);
    size_t *of = malloc((in->n_items + 1) * sizeof *of);
    size_t nfilms = 0;
    if (!films || !of) {
        free(films), free(of);
        return (size_t)-1;
    }
    /* Open addressing over the film ids: corpora have thousands of films. */
    size_t cap = 16;
    while (cap < in->n_items * 2 + 2)
        cap *= 2;
    size_t *slots = malloc(cap * sizeof *slots);
    if (!slots) {
        free(films), free(of);
        return (size_t)-1;
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = (size_t)-1;
    for (size_t i = 0; i < in->n_items; i++) {
        const char *m = in->items[i].movie;
        size_t h = (size_t)ds_hash(0, m) & (cap - 1);
        while (slots[h] != (size_t)-1 && strcmp(films[slots[h]], m) != 0)
            h = (h + 1) & (cap - 1);
        if (slots[h] == (size_t)-1) {
            slots[h] = nfilms;
            films[nfilms++] = m;
        }
        of[i] = slots[h];
    }
    free(slots);
    *films_out = films;
    *film_of = of;
    return nfilms;
}

static void write_row(sm_json *j, const ds_story *d, unsigned extras, char *const *file_names)
{
    const sm_story *s = d->s;
    sm_json_begin_object(j);
    ds_write_string_list(j, "file_names", (const char *const *)file_names, s->n_images);
    sm_json_kv_string(j, "story_id", s->story_id);
    sm_json_kv_string(j, "movie", d->movie);
    sm_json_kv_int(j, "frame_count", (long long)s->n_images);
    sm_json_key(j, "chain_of_thought");
    sm_json_stringn(j, s->cot, s->cot_len);
    sm_json_key(j, "story");
    sm_json_stringn(j, s->text, s->text_len);
    ds_write_string_list(j, "source_images", s->images, s->n_images);
    /* StoryMovie fields: present in every row when any record has them, with
     * the same type in every row ("" / "{}" / "[]" / 0 where a record lacks
     * one), because the loader requires one schema for both splits.  names
     * and quotes are JSON text for the same reason (their keys vary). */
    if (extras & DS_HAS_SOURCE_STORY)
        sm_json_kv_string(j, "source_story", d->source_story ? d->source_story : "");
    if (extras & DS_HAS_NAMES)
        sm_json_kv_string(j, "names", d->names_json ? d->names_json : "{}");
    if (extras & DS_HAS_QUOTES)
        sm_json_kv_string(j, "quotes", d->quotes_json ? d->quotes_json : "[]");
    if (extras & DS_HAS_MODEL)
        sm_json_kv_string(j, "model", d->model ? d->model : "");
    if (extras & DS_HAS_PROMPT_VERSION)
        sm_json_kv_string(j, "prompt_version", d->prompt_version ? d->prompt_version : "");
    if (extras & DS_HAS_ATTEMPTS)
        sm_json_kv_int(j, "attempts", (d->extras & DS_HAS_ATTEMPTS) ? d->attempts : 0);
    sm_json_end_object(j);
}

/* Link one story's frames into SPLIT/images/ID/ and name them. */
static int place_frames(const char *split_dir, const ds_story *d, int copy, char **names,
                        size_t *copied, sm_error *err)
{
    const sm_story *s = d->s;
    char rel[512], path[8192];
    snprintf(path, sizeof path, "%s/images/%s", split_dir, s->story_id);
    if (ds_make_dir(path, err) != 0)
        return -1;
    for (uint32_t i = 0; i < s->n_images; i++) {
        snprintf(rel, sizeof rel, "images/%s/%03u%s", s->story_id, i + 1, ds_image_ext(s->images[i]));
        snprintf(path, sizeof path, "%s/%s", split_dir, rel);
        if (ds_link_or_copy(d->frames[i], path, copy, copied, err) != 0)
            return -1;
        names[i] = strdup(rel);
        if (!names[i])
            return sm_fail(err, path, 0, "out of memory");
    }
    return 0;
}

int sm_dataset_build(const sm_dataset_options *o, sm_dataset_summary *sum, sm_error *err)
{
    memset(sum, 0, sizeof *sum);
    if (!(o->test_fraction >= 0 && o->test_fraction <= 1))
        return sm_fail(err, "--test-fraction", 0, "must be in [0, 1]");
    ds_input in;
    if (ds_input_read(o->stories, o->movienet, 1, &in, err) != 0)
        return -1;

    const char **films = NULL;
    size_t *film_of = NULL;
    size_t nfilms = collect_films(&in, &films, &film_of);
    unit_key *keys = NULL;
    size_t nkeys = o->split_by == SM_SPLIT_BY_FILM ? nfilms : in.n_items;
    if (nfilms != (size_t)-1)
        keys = malloc((nkeys + 1) * sizeof *keys);
    if (nfilms == (size_t)-1 || !keys) {
        free(films), free(film_of), free(keys);
        ds_input_free(&in);
        return sm_fail(err, o->stories, 0, "out of memory");
    }
    for (size_t i = 0; i < nkeys; i++) {
        keys[i].key = o->split_by == SM_SPLIT_BY_FILM ? films[i] : in.items[i].s->story_id;
        keys[i].u = unit(o->seed, keys[i].key);
    }
    split_keys(keys, nkeys, o->test_fraction);
    unsigned char *film_split = calloc(nfilms + 1, 2);   /* bit 0: in train, bit 1: in test */
    for (size_t i = 0; film_split && i < in.n_items; i++) {
        in.items[i].split = keys[o->split_by == SM_SPLIT_BY_FILM ? film_of[i] : i].split;
        film_split[film_of[i]] |= (unsigned char)(1u << in.items[i].split);
    }

    ds_outdir od;
    int rc = film_split ? ds_outdir_begin(&od, o->out, "storymovie dataset", err)
                        : sm_fail(err, o->stories, 0, "out of memory");
    char *split_dir[2] = {NULL, NULL};
    FILE *meta[2] = {NULL, NULL};
    static const char *const split_name[2] = {"train", "test"};
    for (int k = 0; rc == 0 && k < 2; k++) {
        split_dir[k] = ds_join(od.tmp, split_name[k]);
        char *images = split_dir[k] ? ds_join(split_dir[k], "images") : NULL;
        char *mpath = split_dir[k] ? ds_join(split_dir[k], "metadata.jsonl") : NULL;
        if (!images || !mpath)
            rc = sm_fail(err, o->out, 0, "out of memory");
        else if (ds_make_dir(split_dir[k], err) != 0 || ds_make_dir(images, err) != 0)
            rc = -1;
        else if (!(meta[k] = fopen(mpath, "wb")))
            rc = sm_fail_write(err, o->out, errno);
        free(images);
        free(mpath);
    }

    sm_json j;
    sm_json_init(&j);
    char **names = NULL;
    size_t maxframes = 0;
    for (size_t i = 0; i < in.n_items; i++)
        if (in.items[i].s->n_images > maxframes)
            maxframes = in.items[i].s->n_images;
    if (rc == 0 && !(names = calloc(maxframes + 1, sizeof *names)))
        rc = sm_fail(err, o->out, 0, "out of memory");
    for (size_t i = 0; rc == 0 && i < in.n_items; i++) {
        const ds_story *d = &in.items[i];
        rc = place_frames(split_dir[d->split], d, o->copy, names, &sum->copied, err);
        if (rc == 0) {
            write_row(&j, d, in.extras, names);
            if (j.failed || sm_json_flush_line(&j, meta[d->split]) != 0)
                rc = j.failed ? sm_fail(err, o->out, 0, "out of memory") : sm_fail_write(err, o->out, errno);
        }
        for (uint32_t f = 0; f < d->s->n_images; f++) {
            free(names[f]);
            names[f] = NULL;
        }
        sum->images += d->s->n_images;
        if (d->split)
            sum->test_stories++;
        else
            sum->train_stories++;
    }
    free(names);
    sm_json_free(&j);
    for (int k = 0; k < 2; k++)
        if (meta[k] && fclose(meta[k]) != 0 && rc == 0)
            rc = sm_fail_write(err, o->out, errno);

    if (rc == 0) {
        sum->stories = in.n_items;
        sum->films = nfilms;
        for (size_t f = 0; f < nfilms; f++) {
            sum->train_films += (film_split[f] & 1) != 0;
            sum->test_films += (film_split[f] & 2) != 0;
        }
        sum->linked = sum->images - sum->copied;
        for (size_t i = 0; i < in.n_items; i++) {
            sum->clean += in.items[i].s->n_issues == 0;
            sum->storymovie += in.items[i].extras != 0;
        }
        ds_card_info info = {
            .input = &in, .options = o, .summary = sum,
        };
        rc = ds_write_card(od.tmp, &info, err);
    }
    for (int k = 0; k < 2; k++)
        free(split_dir[k]);
    if (rc == 0)
        rc = ds_outdir_commit(&od, err);
    else if (film_split)
        ds_outdir_abort(&od);
    free(film_split);
    free(keys);
    free(films);
    free(film_of);
    ds_input_free(&in);
    return rc;
}
