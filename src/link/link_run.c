/* link_run.c - link a whole corpus: stories grouped by film, one batch
 * item per film (load the film once, get its alignment once, link all its
 * stories).  Shared by `storymovie link` and `storymovie build`.
 *
 * Per-film trouble never stops the corpus: it is recorded on the film
 * (problems, align state, reason) and on each story that could not be
 * linked (errors[i]); the caller prints it. */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/link.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "storymovie/io.h"

typedef struct film_key {
    char id[16];
    size_t first;     /* first input of the film: films keep input order */
    size_t input;
} film_key;

static int cmp_key(const void *a, const void *b)
{
    const film_key *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->input < y->input ? -1 : (x->input > y->input);
}

static int cmp_film_first(const void *a, const void *b)
{
    const sm_link_film *x = a, *y = b;
    size_t fx = x->stories[0], fy = y->stories[0];
    return fx < fy ? -1 : (fx > fy);
}

static char *msg_dup(const sm_error *e)
{
    char buf[1400];
    sm_error_format(e, buf, sizeof buf);
    return strdup(buf);
}

static int group_by_film(sm_link_job *job, sm_error *err)
{
    film_key *keys = calloc(job->n_inputs + 1, sizeof *keys);
    if (!keys)
        return sm_fail(err, "", 0, "out of memory");
    size_t n_keys = 0;
    for (size_t i = 0; i < job->n_inputs; i++) {
        sm_error e;
        char movie[16];
        if (job->inputs[i].error) {
            job->errors[i] = strdup(job->inputs[i].error);
            continue;
        }
        if (sm_link_story_movie(&job->inputs[i], movie, &e) != 0) {
            job->errors[i] = msg_dup(&e);
            continue;
        }
        memcpy(keys[n_keys].id, movie, sizeof movie);
        keys[n_keys].input = i;
        n_keys++;
    }
    qsort(keys, n_keys, sizeof *keys, cmp_key);
    size_t n_films = 0;
    for (size_t k = 0; k < n_keys; k++)
        if (k == 0 || strcmp(keys[k].id, keys[k - 1].id) != 0)
            n_films++;
    job->films = calloc(n_films + 1, sizeof *job->films);
    if (!job->films) {
        free(keys);
        return sm_fail(err, "", 0, "out of memory");
    }
    for (size_t k = 0; k < n_keys;) {
        size_t e = k;
        while (e < n_keys && strcmp(keys[e].id, keys[k].id) == 0)
            e++;
        sm_link_film *f = &job->films[job->n_films++];
        memcpy(f->id, keys[k].id, sizeof f->id);
        f->stories = malloc((e - k) * sizeof *f->stories);
        if (!f->stories) {
            free(keys);
            return sm_fail(err, "", 0, "out of memory");
        }
        for (size_t q = k; q < e; q++)
            f->stories[f->n_stories++] = keys[q].input;
        k = e;
    }
    free(keys);
    /* Films in order of their first story: the batch (and its shards) then
     * follow the input, and outputs do not depend on id order. */
    qsort(job->films, job->n_films, sizeof *job->films, cmp_film_first);
    return 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A film's failure to align, worded the same whatever the cause (a missing
 * or empty file, one the readers refuse, an output that cannot be written). */
static char *cannot_align(const char *detail)
{
    char buf[1500];
    snprintf(buf, sizeof buf, "cannot align: %s", detail);
    return strdup(buf);
}

/* One more line in the film's problems (build's summary and failures). */
static int add_problem(sm_link_film *f, const char *msg)
{
    char **grown = realloc(f->problems, (f->n_problems + 1) * sizeof *grown);
    if (!grown)
        return -1;
    f->problems = grown;
    if (!(f->problems[f->n_problems] = strdup(msg)))
        return -1;
    f->n_problems++;
    return 0;
}

/* Why the film's own files cannot be aligned (NULL when they can). */
static const char *missing_inputs(const sm_movie *m)
{
    if ((m->have & SM_MN_SCRIPT) && (m->have & SM_MN_SUBTITLE))
        return NULL;
    const char *detail = !(m->have & SM_MN_SCRIPT) ? "no usable screenplay" : "no usable subtitles";
    /* The film's problems say which file and why; repeat the first. */
    for (size_t p = 0; p < m->problems.n_items; p++) {
        const char *msg = m->problems.items[p].message;
        if (strstr(msg, !(m->have & SM_MN_SCRIPT) ? "/script/" : "/subtitle/"))
            return msg;
    }
    return detail;
}

/* link --align-dir: the alignment of someone else's run.  It must have
 * been made from the film's screenplay and subtitles as they are now
 * (when the corpus has them; the aligner version and options are the
 * maker's choice).  0 usable, 1 usable but it cannot be checked (no
 * provenance record), -1 with *why. */
static int check_foreign(const sm_movie *m, const char *path, char **why)
{
    if (missing_inputs(m))
        return 0;   /* nothing here to compare it with */
    sm_film_align_request req = {m->script_path, m->subtitle_path, NULL, NULL, SM_ALIGN_JSONL, NULL};
    sm_provenance now;
    sm_error e;
    char reason[128];
    int stale = sm_film_alignment_stale(&req, path, SM_PROV_INPUTS, &now, reason, sizeof reason, &e);
    if (stale <= 0)
        return 0;
    char buf[1500];
    if (strcmp(reason, "no provenance record") == 0)
        return 1;   /* an older output: used, and the caller says so */
    snprintf(buf, sizeof buf, "%s: made from another %s than the film's (%s); align the film again",
             path, strncmp(reason, "screenplay", 10) == 0 ? "screenplay" : "subtitle file",
             strncmp(reason, "screenplay", 10) == 0 ? m->script_path : m->subtitle_path);
    *why = strdup(buf);
    return -1;
}

/* Gets the film's alignment: read back, or computed (and written when the
 * job says so).  Returns 0 with *al filled, or -1 with *why set. */
static int film_alignment(const sm_link_job *job, sm_link_film *f, const sm_movie *m,
                          sm_film_alignment *al, char **why)
{
    char path[1200];
    sm_error e;
    sm_provenance now;
    sm_film_align_request req = {m->script_path, m->subtitle_path, NULL, NULL, SM_ALIGN_JSONL, NULL};
    const char *missing = missing_inputs(m);
    if (job->align_dir) {
        snprintf(path, sizeof path, "%s/%s.jsonl", job->align_dir, f->id);
        int have_file = exists(path);
        if (have_file && !job->write_align) {
            int checked = check_foreign(m, path, why);
            if (checked < 0)
                return -1;
            if (checked > 0) {
                char note[1400];
                snprintf(note, sizeof note, "%s has no provenance record (made by an older version): "
                         "not checked against the film's screenplay and subtitles", path);
                (void)add_problem(f, note);   /* a lost note is better than a lost film */
            }
            if (sm_film_alignment_read(path, al, &e) != 0) {
                *why = msg_dup(&e);
                return -1;
            }
            f->align = SM_FILM_ALIGN_REUSED;
            return 0;
        }
        if (!job->write_align) {
            char buf[1300];
            snprintf(buf, sizeof buf, "%s: no alignment file for this film", path);
            *why = strdup(buf);
            return -1;
        }
        if (have_file && !job->force && !missing) {
            /* Resume: the earlier alignment, when it is what this run would
             * make (same files, options and aligner); else align again. */
            char reason[128];
            int stale = sm_film_alignment_stale(&req, path, SM_PROV_ALL, &now, reason, sizeof reason, &e);
            if (stale == 0 && sm_film_alignment_read(path, al, &e) == 0) {
                f->align = SM_FILM_ALIGN_REUSED;
                return 0;
            }
            if (stale == 0)
                snprintf(reason, sizeof reason, "earlier output unreadable");
            if (stale >= 0) {
                f->redone = strdup(reason);
                req.provenance = &now;
            }
        }
    }
    if (missing) {
        *why = cannot_align(missing);
        return -1;
    }
    req.output = job->align_dir && job->write_align ? path : NULL;
    if (sm_film_align(&req, al, &f->align_stats, &e) != 0) {
        char buf[1400];
        sm_error_format(&e, buf, sizeof buf);
        *why = cannot_align(buf);
        return -1;
    }
    f->align = SM_FILM_ALIGN_DONE;
    return 0;
}

static sm_item_status film_item(size_t i, void *ctx, char *why, size_t why_size)
{
    sm_link_job *job = ctx;
    sm_link_film *f = &job->films[i];
    double t0 = now();
    sm_movie m;
    sm_error e;
    if (sm_movie_load(job->corpus, f->id, SM_MN_ALL, &m, &e) != 0) {
        f->failed = 1;
        f->reason = msg_dup(&e);
        for (size_t s = 0; s < f->n_stories; s++)
            job->errors[f->stories[s]] = strdup(f->reason ? f->reason : "cannot load film");
        snprintf(why, why_size, "%s", f->reason ? f->reason : "cannot load film");
        return SM_ITEM_FAILED;
    }
    if (m.have == 0) {
        /* Nothing of the film is there: one line says it better than six. */
        char buf[1300];
        snprintf(buf, sizeof buf, "not in the corpus %s: no fps, shot file, meta, annotation, "
                 "screenplay or subtitles for it", job->corpus->root);
        f->reason = strdup(buf);
        f->failed = 1;
        for (size_t s = 0; s < f->n_stories; s++) {
            const sm_link_input *in = &job->inputs[f->stories[s]];
            snprintf(buf, sizeof buf, "%s:%ld: story %s: film %s is not in the corpus",
                     in->source ? in->source : "", in->line, in->story_id ? in->story_id : "?", f->id);
            job->errors[f->stories[s]] = strdup(buf);
        }
        sm_movie_free(&m);
        f->seconds = now() - t0;
        snprintf(why, why_size, "%s", f->reason ? f->reason : "not in the corpus");
        return SM_ITEM_FAILED;
    }
    if (m.problems.n_items) {
        f->problems = calloc(m.problems.n_items, sizeof *f->problems);
        for (size_t p = 0; f->problems && p < m.problems.n_items; p++)
            if ((f->problems[f->n_problems] = strdup(m.problems.items[p].message)))
                f->n_problems++;
    }

    sm_film_alignment al;
    memset(&al, 0, sizeof al);
    char *align_why = NULL;
    int have_al = 0;
    if (!(m.have & SM_MN_FPS) || !(m.have & SM_MN_SHOTS)) {
        /* No story of this film can be timed: aligning it would be wasted. */
        const char *want = !(m.have & SM_MN_SHOTS) ? "/shot/" : "video_info";
        const char *detail = !(m.have & SM_MN_SHOTS) ? "no usable shot file" : "no fps";
        for (size_t p = 0; p < m.problems.n_items; p++)
            if (strstr(m.problems.items[p].message, want)) {
                detail = m.problems.items[p].message;
                break;
            }
        char buf[1400];
        snprintf(buf, sizeof buf, "cannot time its frames: %s", detail);
        f->reason = strdup(buf);
        f->failed = 1;
    } else {
        have_al = film_alignment(job, f, &m, &al, &align_why) == 0;
        if (!have_al) {
            f->align = SM_FILM_ALIGN_FAILED;
            f->reason = align_why;
        } else if (al.mismatch && add_problem(f, al.note ? al.note : "the script and subtitles share "
                                              "too little to be one film") != 0) {
            snprintf(why, why_size, "out of memory");
            sm_film_alignment_free(&al);
            sm_movie_free(&m);
            return SM_ITEM_FAILED;
        }
    }

    size_t linked = 0;
    sm_json j;
    sm_json_init(&j);
    for (size_t s = 0; s < f->n_stories; s++) {
        size_t idx = f->stories[s];
        sm_json_reset(&j);
        if (sm_link_story(&j, &job->inputs[idx], &m, have_al ? &al : NULL, align_why,
                          &job->options, &job->stats[idx], &e) == 0) {
            job->records[idx] = strndup(j.buf, j.len);
            linked++;
        } else {
            job->errors[idx] = msg_dup(&e);
        }
    }
    sm_json_free(&j);
    if (linked == 0 && f->n_stories > 0) {
        f->failed = 1;
        if (!f->reason)
            f->reason = strdup(job->errors[f->stories[0]] ? job->errors[f->stories[0]] : "no story linked");
    }
    sm_film_alignment_free(&al);
    sm_movie_free(&m);
    f->seconds = now() - t0;
    if (f->failed || f->align == SM_FILM_ALIGN_FAILED) {
        snprintf(why, why_size, "%s", f->reason ? f->reason : "failed");
        return SM_ITEM_FAILED;
    }
    return f->align == SM_FILM_ALIGN_REUSED ? SM_ITEM_SKIPPED : SM_ITEM_DONE;
}

int sm_link_run(sm_link_job *job, const sm_batch_options *bopt, sm_error *err)
{
    job->records = calloc(job->n_inputs + 1, sizeof *job->records);
    job->errors = calloc(job->n_inputs + 1, sizeof *job->errors);
    job->stats = calloc(job->n_inputs + 1, sizeof *job->stats);
    if (!job->records || !job->errors || !job->stats)
        return sm_fail(err, "", 0, "out of memory");
    if (job->align_dir && job->write_align && sm_mkdir_p(job->align_dir, err) != 0)
        return -1;
    struct stat st;
    if (job->align_dir && !job->write_align && (stat(job->align_dir, &st) != 0 || !S_ISDIR(st.st_mode)))
        return sm_fail(err, job->align_dir, 0, "--align-dir: not a directory of alignments "
                       "(the output of 'storymovie align --manifest' or build's OUT/align)");
    if (group_by_film(job, err) != 0)
        return -1;
    return sm_batch_run(job->n_films, bopt, film_item, job, &job->batch, err);
}

void sm_link_job_free(sm_link_job *job)
{
    for (size_t i = 0; i < job->n_inputs; i++) {
        if (job->records)
            free(job->records[i]);
        if (job->errors)
            free(job->errors[i]);
    }
    free(job->records);
    free(job->errors);
    free(job->stats);
    for (size_t f = 0; f < job->n_films; f++) {
        free(job->films[f].stories);
        free(job->films[f].reason);
        free(job->films[f].redone);
        for (size_t p = 0; p < job->films[f].n_problems; p++)
            free(job->films[f].problems[p]);
        free(job->films[f].problems);
    }
    free(job->films);
    sm_batch_result_free(&job->batch);
    job->records = job->errors = NULL;
    job->stats = NULL;
    job->films = NULL;
    job->n_films = 0;
}
