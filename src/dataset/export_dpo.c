/* export_dpo.c - storymovie export dpo: told samples ('generate tell
 * --samples K') scored by the stage-2 reward (reward.c), the best and the
 * worst answer of each prompt paired (docs/export.md).
 *
 * A prompt is a real story of the dataset (its frames, its reference chain
 * of thought) or a synthetic sequence of `dataset negatives` (story_id
 * "neg:REAL_ID").  Prompts of the test split are scored but never paired:
 * training on them would leak the test set.  Truncated and empty answers
 * are scored and left out of the pairing (an answer cut off is not an
 * answer).  Every sample's reward and its parts go to OUT/rewards.jsonl,
 * with its role (chosen, rejected) or why it was left out. */
#include "dataset/export.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/text.h"
#include "common/array.h"

typedef struct neg_seq {
    const char *id, *source;
    const char **images, **films;
    char **paths;               /* the frames found under --movienet */
    size_t n;
    long line;
} neg_seq;

typedef struct sample {
    const char *story_id, *parse, *file, *answer;
    size_t answer_len;
    long number, line, order;
    size_t story;               /* its parsed answer: d->set.items[story] */
    const char **images;
    size_t n_images;
    int parse_ok;
    const char *excluded;       /* why it takes no part in the pairing */
    const char *role;           /* "chosen", "rejected" or NULL */
    sm_reward r;
} sample;

typedef struct prompt {
    size_t first, count;        /* its samples in the sorted order */
    long row;                   /* dataset row (real) or -1 */
    long neg;                   /* negatives entry (synthetic) or -1 */
    int split;
    long order;                 /* first appearance, for the output order */
    long best, worst;           /* sample indices, -1 when not paired */
    double margin;
    const char *skipped;        /* why it was not paired */
} prompt;

typedef struct dpo {
    const sm_export_options *o;
    ds_rows rows;
    neg_seq *negs;
    size_t nnegs;
    sample *samples;
    size_t nsamples, cap;
    size_t *sorted;
    prompt *prompts;
    size_t nprompts;
    sm_story_set set;           /* the samples' parsed answers */
    sm_arena arena;
} dpo;

static const char *keep(dpo *d, json_t *v)
{
    return sm_arena_strndup(&d->arena, json_string_value(v), json_string_length(v));
}

static const char **strings(dpo *d, json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    const char **out = sm_arena_alloc(&d->arena, (*n + 1) * sizeof *out);
    for (size_t i = 0; out && i < *n; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_string(v) || !(out[i] = keep(d, v)))
            return NULL;
    }
    return out;
}

/* Each line of a JSON Lines file: fn(d, file, line, object). */
static int each_line(dpo *d, const char *path,
                     int (*fn)(dpo *, const char *, long, json_t *, sm_error *), sm_error *err)
{
    sm_text text;
    if (sm_text_read_file(path, &text, err) != 0)
        return -1;
    int rc = 0;
    size_t pos = 0;
    long line = 0;
    while (rc == 0 && pos < text.len) {
        const char *eol = memchr(text.data + pos, '\n', text.len - pos);
        size_t end = eol ? (size_t)(eol - text.data) : text.len, a = pos;
        pos = eol ? end + 1 : text.len;
        line++;
        while (a < end && (text.data[a] == ' ' || text.data[a] == '\t' || text.data[a] == '\r'))
            a++;
        if (a == end)
            continue;
        json_error_t jerr;
        json_t *rec = json_loadb(text.data + a, end - a, 0, &jerr);
        if (!rec || !json_is_object(rec))
            rc = sm_fail(err, path, line, "not a JSON object%s%s", rec ? "" : ": ", rec ? "" : jerr.text);
        else
            rc = fn(d, path, line, rec, err);
        json_decref(rec);
    }
    sm_text_free(&text);
    return rc;
}

static int read_negative(dpo *d, const char *path, long line, json_t *rec, sm_error *err)
{
    json_t *id = json_object_get(rec, "story_id"), *src = json_object_get(rec, "source_story");
    json_t *images = json_object_get(rec, "images"), *movies = json_object_get(rec, "movies");
    if (!json_is_string(id) || !json_is_string(src) || !json_is_array(images) ||
        !json_is_true(json_object_get(rec, "synthetic")))
        return sm_fail(err, path, line, "not a synthetic sequence of 'storymovie dataset negatives' "
                       "(needs story_id, synthetic: true, source_story, images)");
    neg_seq *n = &d->negs[d->nnegs];
    memset(n, 0, sizeof *n);
    n->id = keep(d, id);
    n->source = keep(d, src);
    n->images = strings(d, images, &n->n);
    n->line = line;
    if (!n->id || !n->source || !n->images)
        return sm_fail(err, path, line, "images must be a list of strings");
    n->films = sm_arena_alloc(&d->arena, (n->n + 1) * sizeof *n->films);
    n->paths = sm_arena_alloc(&d->arena, (n->n + 1) * sizeof *n->paths);
    if (!n->films || !n->paths)
        return sm_fail(err, path, line, "out of memory");
    size_t nm = 0;
    const char **m = json_is_array(movies) ? strings(d, movies, &nm) : NULL;
    char buf[4096], film[16];
    for (size_t i = 0; i < n->n; i++) {
        if (m && nm == n->n)
            n->films[i] = m[i];
        else if (ds_image_movie(n->images[i], film) == 0)
            n->films[i] = sm_arena_strdup(&d->arena, film);
        else
            return sm_fail(err, path, line, "%s: cannot tell the film of frame %zu", n->id, i + 1);
        if (!d->o->movienet)
            return sm_fail(err, "--movienet", 0, "is needed to find the frames of the synthetic "
                           "sequences");
        if (ds_find_image(d->o->movienet, n->images[i], buf, sizeof buf) != 0)
            return sm_fail(err, path, line, "%s: frame %zu \"%s\" not found (looked for %s)", n->id,
                           i + 1, n->images[i], buf);
        n->paths[i] = sm_arena_strdup(&d->arena, buf);
        if (!n->films[i] || !n->paths[i])
            return sm_fail(err, path, line, "out of memory");
    }
    d->nnegs++;
    return 0;
}

static int count_lines(const char *path, size_t *n, sm_error *err)
{
    sm_text text;
    if (sm_text_read_file(path, &text, err) != 0)
        return -1;
    for (size_t i = 0; i < text.len; i++)
        *n += text.data[i] == '\n';
    *n += 1;
    sm_text_free(&text);
    return 0;
}

static long find_neg(const dpo *d, const char *id)
{
    for (size_t i = 0; i < d->nnegs; i++)
        if (strcmp(d->negs[i].id, id) == 0)
            return (long)i;
    return -1;
}

static int read_sample(dpo *d, const char *path, long line, json_t *rec, sm_error *err)
{
    json_t *id = json_object_get(rec, "story_id"), *parse = json_object_get(rec, "parse");
    json_t *images = json_object_get(rec, "images"), *num = json_object_get(rec, "sample");
    json_t *cot = json_object_get(rec, "chain_of_thought"), *story = json_object_get(rec, "story");
    json_t *raw = json_object_get(rec, "raw");
    if (!json_is_string(id) || !json_is_string(parse) || !json_is_array(images))
        return sm_fail(err, path, line, "not a 'generate tell' record (needs story_id, images, parse)");
    if (sm_grow(&d->samples, &d->cap, d->nsamples + 1, sizeof *d->samples) != 0)
        return sm_fail(err, path, line, "out of memory");
    sample *s = &d->samples[d->nsamples];
    memset(s, 0, sizeof *s);
    s->story_id = keep(d, id);
    s->parse = keep(d, parse);
    s->file = path;
    s->line = line;
    s->order = (long)d->nsamples;
    s->number = json_is_integer(num) ? (long)json_integer_value(num) : -1;
    s->images = strings(d, images, &s->n_images);
    if (!s->story_id || !s->parse || !s->images)
        return sm_fail(err, path, line, "images must be a list of strings");
    static const char *const kinds[] = {"ok", "no_think", "empty", "truncated"};
    int kind = -1;
    for (int k = 0; k < 4; k++)
        if (strcmp(s->parse, kinds[k]) == 0)
            kind = k;
    if (kind < 0)
        return sm_fail(err, path, line, "story %s: parse is \"%s\"; expected ok, no_think, empty or "
                       "truncated", s->story_id, s->parse);
    s->parse_ok = kind == 0;
    if (kind == 2)
        s->excluded = "empty answer";
    else if (kind == 3)
        s->excluded = "truncated answer";
    char *text = NULL;
    size_t len = 0;
    int added = 0;
    if (s->parse_ok || (!json_is_string(raw) && json_is_string(cot) && json_is_string(story))) {
        if (!json_is_string(cot) || !json_is_string(story))
            return sm_fail(err, path, line, "story %s: parse is ok but chain_of_thought or story is "
                           "missing", s->story_id);
        text = ds_answer_text(json_string_value(cot), json_string_length(cot),
                              json_string_value(story), json_string_length(story), &len);
        added = sm_story_add(&d->set, s->story_id, json_string_value(cot), json_string_length(cot),
                             json_string_value(story), json_string_length(story)) != NULL;
    } else {
        const char *t = json_is_string(raw) ? json_string_value(raw) : "";
        len = json_is_string(raw) ? json_string_length(raw) : 0;
        text = malloc(len + 1);
        if (text) {
            memcpy(text, t, len);
            text[len] = '\0';
        }
        added = sm_story_add(&d->set, s->story_id, NULL, 0, t, len) != NULL;
    }
    s->story = d->set.n_items - 1;
    if (!text || !added) {
        free(text);
        return sm_fail(err, path, line, "out of memory");
    }
    s->answer = sm_arena_strndup(&d->arena, text, len);
    s->answer_len = len;
    free(text);
    if (!s->answer)
        return sm_fail(err, path, line, "out of memory");
    if (!s->excluded && d->o->format == SM_EXPORT_LLAMAFACTORY && ds_placeholder_in(s->answer, len))
        s->excluded = "contains a media placeholder (<image>, <video> or <audio>)";

    /* Its prompt: a story of the dataset or a synthetic sequence, with the
     * frames the sample was told. */
    long row = ds_rows_find(&d->rows, s->story_id);
    long neg = row < 0 ? find_neg(d, s->story_id) : -1;
    if (row < 0 && neg < 0)
        return sm_fail(err, path, line, "story %s is neither in the dataset nor a synthetic "
                       "sequence of --negatives", s->story_id);
    const char **want;
    size_t nwant;
    if (row >= 0) {
        const ds_row *r = &d->rows.items[row];
        want = r->source_images;
        nwant = r->source_images ? r->nsource : r->nfiles;
    } else {
        want = d->negs[neg].images;
        nwant = d->negs[neg].n;
    }
    int same = s->n_images == nwant;
    for (size_t i = 0; same && want && i < nwant; i++)
        same = strcmp(s->images[i], want[i]) == 0;
    if (!same)
        return sm_fail(err, path, line, "story %s: the sample was told over other frames than the %s "
                       "has (%zu frames, expected %zu%s)", s->story_id,
                       row >= 0 ? "dataset" : "synthetic sequence", s->n_images, nwant,
                       s->n_images == nwant ? ", different names" : "");
    d->nsamples++;
    return 0;
}

static dpo *sort_dpo;
static int cmp_sample(const void *a, const void *b)
{
    const sample *x = &sort_dpo->samples[*(const size_t *)a], *y = &sort_dpo->samples[*(const size_t *)b];
    int c = strcmp(x->story_id, y->story_id);
    if (c)
        return c;
    if (x->number != y->number)
        return x->number < y->number ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_prompt(const void *a, const void *b)
{
    const prompt *x = a, *y = b;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int group(dpo *d, sm_error *err)
{
    d->sorted = malloc((d->nsamples + 1) * sizeof *d->sorted);
    d->prompts = malloc((d->nsamples + 1) * sizeof *d->prompts);
    if (!d->sorted || !d->prompts)
        return sm_fail(err, "--samples", 0, "out of memory");
    for (size_t i = 0; i < d->nsamples; i++)
        d->sorted[i] = i;
    sort_dpo = d;
    qsort(d->sorted, d->nsamples, sizeof *d->sorted, cmp_sample);
    sort_dpo = NULL;
    for (size_t i = 0; i < d->nsamples;) {
        size_t j = i;
        const sample *first = &d->samples[d->sorted[i]];
        prompt *p = &d->prompts[d->nprompts++];
        memset(p, 0, sizeof *p);
        p->first = i;
        p->order = first->order;
        p->best = p->worst = -1;
        while (j < d->nsamples && strcmp(d->samples[d->sorted[j]].story_id, first->story_id) == 0) {
            const sample *s = &d->samples[d->sorted[j]];
            if (s->order < p->order)
                p->order = s->order;
            if (j > i && s->number >= 0 && s->number == d->samples[d->sorted[j - 1]].number)
                return sm_fail(err, s->file, s->line, "story %s: sample %ld appears twice (also %s:%ld)",
                               s->story_id, s->number, d->samples[d->sorted[j - 1]].file,
                               d->samples[d->sorted[j - 1]].line);
            j++;
        }
        p->count = j - i;
        p->row = ds_rows_find(&d->rows, first->story_id);
        p->neg = p->row < 0 ? find_neg(d, first->story_id) : -1;
        if (p->row >= 0) {
            p->split = d->rows.items[p->row].split;
        } else {
            long src = ds_rows_find(&d->rows, d->negs[p->neg].source);
            if (src < 0)
                return sm_fail(err, d->o->negatives, d->negs[p->neg].line,
                               "%s: its source story %s is not in the dataset", first->story_id,
                               d->negs[p->neg].source);
            p->split = d->rows.items[src].split;
        }
        i = j;
    }
    qsort(d->prompts, d->nprompts, sizeof *d->prompts, cmp_prompt);
    return 0;
}

static int score(dpo *d, sm_export_summary *sum, sm_error *err)
{
    for (size_t p = 0; p < d->nprompts; p++) {
        prompt *pr = &d->prompts[p];
        sm_story_set refset;
        memset(&refset, 0, sizeof refset);
        const sm_story *ref = NULL;
        const char *const *films = NULL;
        int frames;
        if (pr->row >= 0) {
            const ds_row *r = &d->rows.items[pr->row];
            ref = sm_story_add(&refset, r->story_id, r->cot, r->cot_len, r->story, r->story_len);
            if (!ref) {
                sm_story_set_free(&refset);
                return sm_fail(err, d->rows.dir, 0, "out of memory");
            }
            frames = (int)r->nfiles;
            sum->real_prompts++;
        } else {
            films = d->negs[pr->neg].films;
            frames = (int)d->negs[pr->neg].n;
            sum->synthetic_prompts++;
        }
        for (size_t k = 0; k < pr->count; k++) {
            sample *s = &d->samples[d->sorted[pr->first + k]];
            if (sm_reward_score(&d->set, &d->set.items[s->story], frames, s->parse_ok, ref, films, &s->r) != 0) {
                sm_story_set_free(&refset);
                return sm_fail(err, s->file, s->line, "out of memory");
            }
            if (pr->split == 1 && !s->excluded)
                s->excluded = "test split";
        }
        sm_story_set_free(&refset);

        /* best = highest reward, worst = lowest; ties go to the lower sample
         * number (then the earlier line) */
        long best = -1, worst = -1;
        size_t eligible = 0;
        for (size_t k = 0; k < pr->count; k++) {
            long idx = (long)d->sorted[pr->first + k];
            const sample *s = &d->samples[idx];
            if (s->excluded)
                continue;
            eligible++;
            if (best < 0 || s->r.total > d->samples[best].r.total)
                best = idx;
            if (worst < 0 || s->r.total < d->samples[worst].r.total)
                worst = idx;
        }
        if (pr->split == 1) {
            pr->skipped = "test split";
            sum->test_prompts++;
        } else if (eligible < 2) {
            pr->skipped = "fewer than two whole answers";
            sum->single_sample++;
        } else {
            pr->margin = d->samples[best].r.total - d->samples[worst].r.total;
            if (pr->margin < d->o->min_margin || best == worst) {
                pr->skipped = "margin below --min-margin";
                sum->below_margin++;
            } else {
                pr->best = best, pr->worst = worst;
                d->samples[best].role = "chosen";
                d->samples[worst].role = "rejected";
                sum->pairs++;
            }
        }
        for (size_t k = 0; k < pr->count; k++)
            sum->excluded_samples += d->samples[d->sorted[pr->first + k]].excluded != NULL;
    }
    return 0;
}

static void write_reward(sm_json *j, const dpo *d, const prompt *pr, const sample *s)
{
    const sm_reward *r = &s->r;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", s->story_id);
    if (s->number >= 0)
        sm_json_kv_int(j, "sample", s->number);
    else
        sm_json_kv_null(j, "sample");
    sm_json_kv_bool(j, "synthetic", pr->neg >= 0);
    if (pr->neg >= 0)
        sm_json_kv_string(j, "source_story", d->negs[pr->neg].source);
    sm_json_kv_string(j, "split", ds_split_names[pr->split]);
    sm_json_kv_string(j, "parse", s->parse);
    sm_json_kv_double(j, "reward", r->total);
    sm_json_kv_double(j, "structure", r->structure);
    if (pr->neg >= 0)
        sm_json_kv_null(j, "grounding");
    else
        sm_json_kv_double(j, "grounding", r->grounding);
    sm_json_kv_double(j, "reid", r->reid);
    if (r->structure_problem)
        sm_json_kv_string(j, "structure_problem", r->structure_problem);
    else
        sm_json_kv_null(j, "structure_problem");
    sm_json_kv_int(j, "boxes", (long long)r->boxes);
    if (pr->neg < 0) {
        sm_json_kv_int(j, "ref_boxes", (long long)r->ref_boxes);
        sm_json_kv_int(j, "matched", (long long)r->matched);
        sm_json_kv_int(j, "cross_pairs", (long long)r->cross_pairs);
        sm_json_kv_int(j, "links", (long long)r->links);
        sm_json_kv_int(j, "ref_links", (long long)r->ref_links);
        sm_json_kv_int(j, "common_links", (long long)r->common_links);
    } else {
        sm_json_kv_int(j, "ids", (long long)r->ids);
        sm_json_kv_int(j, "cross_film_ids", (long long)r->cross_film_ids);
    }
    if (s->role)
        sm_json_kv_string(j, "role", s->role);
    else
        sm_json_kv_null(j, "role");
    if (s->excluded)
        sm_json_kv_string(j, "excluded", s->excluded);
    else
        sm_json_kv_null(j, "excluded");
    sm_json_kv_double(j, "prompt_margin", pr->margin);
    if (pr->skipped)
        sm_json_kv_string(j, "prompt_skipped", pr->skipped);
    else
        sm_json_kv_null(j, "prompt_skipped");
    sm_json_kv_string(j, "file", s->file);
    sm_json_kv_int(j, "line", s->line);
    sm_json_end_object(j);
}

static void write_answer(sm_json *j, sm_export_format f, const sample *s)
{
    if (f == SM_EXPORT_TRL) {
        sm_json_begin_array(j);
        ds_write_assistant(j, f, s->answer, s->answer_len);
        sm_json_end_array(j);
    } else {
        ds_write_assistant(j, f, s->answer, s->answer_len);
    }
}

static int write_pairs(dpo *d, const ds_prompt *prompt_text, sm_export_summary *sum, sm_error *err)
{
    const sm_export_options *o = d->o;
    const char *name = o->name ? o->name : "storymovie_dpo";
    ds_export x;
    if (ds_export_open(&x, o, "dpo", err) != 0)
        return -1;
    int rc = 0;
    char rel[8192], src[8192], dirname[600];
    for (size_t p = 0; rc == 0 && p < d->nprompts; p++) {
        const prompt *pr = &d->prompts[p];
        if (pr->best < 0)
            continue;
        rc = ds_export_split(&x, 0, name, err);
        size_t n = pr->row >= 0 ? d->rows.items[pr->row].nfiles : d->negs[pr->neg].n;
        char **paths = calloc(n + 1, sizeof *paths);
        if (rc == 0 && !paths)
            rc = sm_fail(err, o->out, 0, "out of memory");
        if (pr->row >= 0)
            snprintf(dirname, sizeof dirname, "%s", d->rows.items[pr->row].story_id);
        else
            snprintf(dirname, sizeof dirname, "neg_%s", d->negs[pr->neg].source);
        for (size_t k = 0; rc == 0 && k < n; k++) {
            if (pr->row >= 0) {
                const ds_row *r = &d->rows.items[pr->row];
                snprintf(src, sizeof src, "%s/%s/%s", d->rows.dir, ds_split_names[r->split],
                         r->file_names[k]);
            } else {
                snprintf(src, sizeof src, "%s", d->negs[pr->neg].paths[k]);
            }
            rc = ds_export_image(&x, 0, dirname, (int)k + 1, src, rel, sizeof rel, err);
            if (rc == 0 && !(paths[k] = strdup(rel)))
                rc = sm_fail(err, o->out, 0, "out of memory");
        }
        if (rc == 0) {
            const sample *chosen = &d->samples[pr->best], *rejected = &d->samples[pr->worst];
            sm_json *j = &x.json;
            sm_json_begin_object(j);
            if (o->format == SM_EXPORT_TRL) {
                ds_write_string_list(j, "file_names", (const char *const *)paths, n);
                sm_json_kv_string(j, "story_id", chosen->story_id);
                sm_json_key(j, "prompt");
            } else {
                sm_json_key(j, "messages");
            }
            sm_json_begin_array(j);
            ds_write_prompt_messages(j, o->format, prompt_text, n);
            sm_json_end_array(j);
            sm_json_key(j, "chosen");
            write_answer(j, o->format, chosen);
            sm_json_key(j, "rejected");
            write_answer(j, o->format, rejected);
            if (o->format == SM_EXPORT_LLAMAFACTORY) {
                ds_write_string_list(j, "images", (const char *const *)paths, n);
                sm_json_kv_string(j, "story_id", chosen->story_id);
            }
            sm_json_end_object(j);
            rc = ds_export_row(&x, 0, err);
            sum->train_rows++;
        }
        for (size_t k = 0; paths && k < n; k++)
            free(paths[k]);
        free(paths);
    }
    /* Every sample's reward, beside the pairs. */
    if (rc == 0) {
        sm_json j;
        sm_json_init(&j);
        char *path = ds_join(x.dir.tmp, "rewards.jsonl");
        FILE *f = path ? fopen(path, "wb") : NULL;
        if (!f)
            rc = sm_fail_write(err, o->out, errno);
        for (size_t p = 0; rc == 0 && p < d->nprompts; p++)
            for (size_t k = 0; rc == 0 && k < d->prompts[p].count; k++) {
                write_reward(&j, d, &d->prompts[p], &d->samples[d->sorted[d->prompts[p].first + k]]);
                if (j.failed || sm_json_flush_line(&j, f) != 0)
                    rc = sm_fail_write(err, o->out, errno);
            }
        if (f && fclose(f) != 0 && rc == 0)
            rc = sm_fail_write(err, o->out, errno);
        free(path);
        sm_json_free(&j);
    }
    if (rc == 0) {
        sum->images = x.images;
        sum->copied = x.copied;
        sum->linked = x.images - x.copied;
        return ds_export_finish(&x, name, 1, err);
    }
    ds_export_abort(&x);
    return rc;
}

int sm_export_dpo(const sm_export_options *o, sm_export_summary *sum, sm_error *err)
{
    memset(sum, 0, sizeof *sum);
    if (o->nsamples == 0)
        return sm_fail(err, "--samples", 0, "at least one file of told samples is needed");
    if (o->max_images > 0)
        return sm_fail(err, "--max-images", 0, "applies to sft only: preference samples are scored "
                       "on the frames they were told over (tell them over fewer frames instead)");
    if (!(o->min_margin >= 0) || isinf(o->min_margin))
        return sm_fail(err, "--min-margin", 0, "must be a number >= 0");
    ds_prompt prompt_text;
    if (ds_export_prompt(o, &prompt_text, err) != 0)
        return -1;
    dpo d;
    memset(&d, 0, sizeof d);
    d.o = o;
    if (ds_rows_read(o->dataset, &d.rows, err) != 0)
        return -1;
    int rc = 0;
    if (o->negatives) {
        size_t lines = 0;
        rc = count_lines(o->negatives, &lines, err);
        if (rc == 0 && !(d.negs = calloc(lines + 1, sizeof *d.negs)))
            rc = sm_fail(err, o->negatives, 0, "out of memory");
        if (rc == 0)
            rc = each_line(&d, o->negatives, read_negative, err);
    }
    for (size_t i = 0; rc == 0 && i < o->nsamples; i++)
        rc = each_line(&d, o->samples[i], read_sample, err);
    if (rc == 0 && d.nsamples == 0)
        rc = sm_fail(err, o->samples[0], 0, "no samples");
    if (rc == 0 && d.set.oom)
        rc = sm_fail(err, o->samples[0], 0, "out of memory");
    if (rc == 0)
        rc = group(&d, err);
    if (rc == 0)
        rc = score(&d, sum, err);
    sum->samples = d.nsamples;
    sum->prompts = d.nprompts;
    if (rc == 0)
        rc = write_pairs(&d, &prompt_text, sum, err);
    ds_rows_free(&d.rows);
    sm_story_set_free(&d.set);
    sm_arena_free(&d.arena);
    free(d.negs);
    free(d.samples);
    free(d.sorted);
    free(d.prompts);
    return rc;
}
