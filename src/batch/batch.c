/* batch.c - one job per film over a corpus (see include/storymovie/batch.h).
 *
 * The pool is deliberately plain: a shared cursor over the item indices,
 * guarded by one mutex, that workers advance to take the next item of
 * their shard.  Items are therefore started in index order, and because
 * each item writes only its own slot of the result arrays, what a run
 * produces does not depend on how many workers ran it or how the OS
 * scheduled them.  Per-item work in this project (aligning a film) takes
 * milliseconds, so one lock round-trip per item costs nothing measurable. */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/batch.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/array.h"

/* ---------------------------------------------------------------- manifest */

static void free_row(sm_manifest_row *row)
{
    for (size_t f = 0; f < row->n_fields; f++)
        free(row->fields[f]);
    free(row->fields);
}

void sm_manifest_free(sm_manifest *m)
{
    if (!m)
        return;
    for (size_t r = 0; r < m->n_rows; r++)
        free_row(&m->rows[r]);
    free(m->rows);
    m->rows = NULL;
    m->n_rows = 0;
}

/* A relative path in a manifest means "next to the manifest", so a corpus
 * directory can be moved or mounted elsewhere with its manifest inside. */
static char *resolve_field(const char *dir, size_t dir_len, const char *field, size_t len)
{
    int relative = dir_len > 0 && len > 0 && field[0] != '/';
    size_t total = (relative ? dir_len + 1 : 0) + len + 1;
    char *out = malloc(total);
    if (!out)
        return NULL;
    size_t at = 0;
    if (relative) {
        memcpy(out, dir, dir_len);
        out[dir_len] = '/';
        at = dir_len + 1;
    }
    memcpy(out + at, field, len);
    out[at + len] = '\0';
    return out;
}

static int parse_row(const char *path, long line_no, char *line, size_t len,
                     const char *dir, size_t dir_len, size_t first_path_field,
                     sm_manifest_row *row, sm_error *err)
{
    size_t n_fields = 1;
    for (size_t i = 0; i < len; i++)
        if (line[i] == '\t')
            n_fields++;
    row->fields = calloc(n_fields, sizeof *row->fields);
    row->n_fields = 0;
    row->line = line_no;
    if (!row->fields)
        return sm_fail(err, path, line_no, "out of memory");
    size_t start = 0;
    for (size_t f = 0; f < n_fields; f++) {
        size_t end = start;
        while (end < len && line[end] != '\t')
            end++;
        const char *field = line + start;
        size_t flen = end - start;
        char *copy = f >= first_path_field
            ? resolve_field(dir, dir_len, field, flen)
            : resolve_field("", 0, field, flen);
        if (!copy) {
            free_row(row);
            return sm_fail(err, path, line_no, "out of memory");
        }
        row->fields[row->n_fields++] = copy;
        start = end + 1;
    }
    return 0;
}

int sm_manifest_read_paths(const char *path, size_t min_fields, size_t first_path_field,
                           sm_manifest *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot read manifest: %s", strerror(errno));
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    if (slash && dir_len == 0)
        dir_len = 1;   /* "/manifest.tsv": the directory is "/" */

    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    long line_no = 0;
    size_t cap = 0;
    int rc = 0;
    while ((got = getline(&line, &line_cap, f)) >= 0) {
        line_no++;
        size_t len = (size_t)got;
        if (memchr(line, '\0', len)) {
            rc = sm_fail(err, path, line_no, "NUL byte in manifest (not a text file?)");
            break;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        line[len] = '\0';
        if (line_no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            /* A UTF-8 byte-order mark (spreadsheet exports): not part of the id. */
            memmove(line, line + 3, len - 2);
            len -= 3;
        }
        size_t lead = 0;
        while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == len || line[lead] == '#')
            continue;
        if (sm_grow(&out->rows, &cap, out->n_rows + 1, sizeof *out->rows) != 0) {
            rc = sm_fail(err, path, line_no, "out of memory");
            break;
        }
        sm_manifest_row *row = &out->rows[out->n_rows];
        if (parse_row(path, line_no, line, len, path, dir_len, first_path_field, row, err) != 0) {
            rc = -1;
            break;
        }
        out->n_rows++;
        if (row->n_fields < min_fields) {
            rc = sm_fail(err, path, line_no, "%zu tab-separated field%s, expected at least %zu",
                         row->n_fields, row->n_fields == 1 ? "" : "s", min_fields);
            break;
        }
        if (row->fields[0][0] == '\0') {
            rc = sm_fail(err, path, line_no, "empty id in the first field");
            break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = sm_fail(err, path, line_no, "read error: %s", strerror(errno));
    /* No rows (nothing, or only comments): a run over no films would look
     * like a run where every film was fine. */
    if (rc == 0 && out->n_rows == 0)
        rc = sm_fail(err, path, 0, "empty file");
    free(line);
    fclose(f);
    if (rc != 0)
        sm_manifest_free(out);
    return rc;
}

int sm_manifest_read(const char *path, size_t min_fields, sm_manifest *out, sm_error *err)
{
    return sm_manifest_read_paths(path, min_fields, 1, out, err);
}

/* ------------------------------------------------------------------- shard */

static int parse_nonneg_int(const char *s, const char *end, int *out)
{
    if (s == end)
        return -1;
    long v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > 1000000)
            return -1;
    }
    *out = (int)v;
    return 0;
}

int sm_shard_parse(const char *spec, int *index, int *count, sm_error *err)
{
    const char *slash = spec ? strchr(spec, '/') : NULL;
    int i = 0, n = 0;
    if (!slash || parse_nonneg_int(spec, slash, &i) != 0 ||
        parse_nonneg_int(slash + 1, slash + strlen(slash), &n) != 0)
        return sm_fail(err, "--shard", 0, "'%s' is not I/N (e.g. 0/4: the first of four shards)",
                       spec ? spec : "");
    if (n < 1)
        return sm_fail(err, "--shard", 0, "'%s': the shard count must be at least 1", spec);
    if (i >= n)
        return sm_fail(err, "--shard", 0, "'%s': the shard index must be below %d (shards are numbered from 0)",
                       spec, n);
    *index = i;
    *count = n;
    return 0;
}

/* ------------------------------------------------------------------- pool */

void sm_batch_options_init(sm_batch_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    o->shard_index = 0;
    o->shard_count = 1;
    o->progress = 1;
    o->label = "batch";
}

typedef struct pool {
    size_t n_items;
    const sm_batch_options *opt;
    sm_batch_fn fn;
    void *ctx;
    sm_batch_result *out;
    pthread_mutex_t lock;
    size_t next;          /* the cursor: next index to consider */
    size_t finished;      /* items of this shard completed */
    size_t mine;          /* items of this shard */
    int draw;             /* progress bar on */
    struct timespec t0;
    double last_draw;     /* seconds since t0 of the last redraw */
} pool;

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int is_mine(const pool *p, size_t i)
{
    return (int)(i % (size_t)p->opt->shard_count) == p->opt->shard_index;
}

/* Called with the lock held, so lines never interleave. */
static void draw_progress(pool *p, int final)
{
    enum { WIDTH = 30 };
    size_t done = p->finished, total = p->mine ? p->mine : 1;
    int fill = (int)(done * WIDTH / total);
    double secs = seconds_since(&p->t0);
    /* At most ten redraws a second: a corpus of small films finishes
     * thousands of items a second, and a terminal cannot show them. */
    if (!final && secs - p->last_draw < 0.1 && p->last_draw > 0)
        return;
    p->last_draw = secs > 0 ? secs : 1e-9;
    double eta = done ? secs * (double)(p->mine - done) / (double)done : 0.0;
    char bar[WIDTH + 1];
    for (int k = 0; k < WIDTH; k++)
        bar[k] = k < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r%s [%s] %zu/%zu  %zu failed  %.1fs", p->opt->label ? p->opt->label : "batch",
            bar, done, p->mine, p->out->failed, secs);
    if (!final && done < p->mine)
        fprintf(stderr, "  eta %.0fs ", eta);
    else
        fputs("          ", stderr);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}

static void run_item(pool *p, size_t i)
{
    char why[512];
    why[0] = '\0';
    sm_item_status st = p->fn(i, p->ctx, why, sizeof why);
    if (st != SM_ITEM_DONE && st != SM_ITEM_SKIPPED && st != SM_ITEM_FAILED) {
        snprintf(why, sizeof why, "work function returned an invalid status %d", (int)st);
        st = SM_ITEM_FAILED;
    }
    char *reason = NULL;
    if (st == SM_ITEM_FAILED)
        reason = strdup(why[0] ? why : "failed (no reason given)");

    pthread_mutex_lock(&p->lock);
    p->out->status[i] = st;
    p->out->why[i] = reason;
    if (st == SM_ITEM_DONE)
        p->out->done++;
    else if (st == SM_ITEM_SKIPPED)
        p->out->skipped++;
    else
        p->out->failed++;
    p->finished++;
    if (p->draw)
        draw_progress(p, 0);
    pthread_mutex_unlock(&p->lock);
}

/* Take the next index of this shard, or n_items when there is none. */
static size_t take(pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->next < p->n_items && !is_mine(p, p->next))
        p->next++;
    size_t i = p->next;
    if (p->next < p->n_items)
        p->next++;
    pthread_mutex_unlock(&p->lock);
    return i;
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (size_t i; (i = take(p)) < p->n_items;)
        run_item(p, i);
    return NULL;
}

int sm_batch_run(size_t n_items, const sm_batch_options *opt, sm_batch_fn fn, void *ctx,
                 sm_batch_result *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_batch_options defaults;
    if (!opt) {
        sm_batch_options_init(&defaults);
        opt = &defaults;
    }
    if (opt->jobs < 1)
        return sm_fail(err, "--jobs", 0, "%d: need at least one job", opt->jobs);
    if (opt->shard_count < 1 || opt->shard_index < 0 || opt->shard_index >= opt->shard_count)
        return sm_fail(err, "--shard", 0, "%d/%d is not a valid shard", opt->shard_index,
                       opt->shard_count);
    out->status = calloc(n_items ? n_items : 1, sizeof *out->status);
    out->why = calloc(n_items ? n_items : 1, sizeof *out->why);
    out->n_items = n_items;
    if (!out->status || !out->why) {
        sm_batch_result_free(out);
        return sm_fail(err, "", 0, "out of memory for %zu items", n_items);
    }

    pool p;
    memset(&p, 0, sizeof p);
    p.n_items = n_items;
    p.opt = opt;
    p.fn = fn;
    p.ctx = ctx;
    p.out = out;
    for (size_t i = 0; i < n_items; i++) {
        if (is_mine(&p, i)) {
            p.mine++;
        } else {
            out->status[i] = SM_ITEM_NOT_MINE;
            out->not_mine++;
        }
    }
    p.draw = opt->progress && isatty(STDERR_FILENO) && p.mine > 0;
    clock_gettime(CLOCK_MONOTONIC, &p.t0);
    if (pthread_mutex_init(&p.lock, NULL) != 0) {
        sm_batch_result_free(out);
        return sm_fail(err, "", 0, "cannot create a mutex");
    }

    size_t jobs = (size_t)opt->jobs;
    if (jobs > p.mine)
        jobs = p.mine ? p.mine : 1;
    int rc = 0;
    if (jobs == 1) {
        worker(&p);   /* no thread needed: same order, simpler to debug */
    } else {
        pthread_t *threads = calloc(jobs, sizeof *threads);
        size_t started = 0;
        if (!threads) {
            rc = sm_fail(err, "", 0, "out of memory for %zu threads", jobs);
        } else {
            for (; started < jobs; started++)
                if (pthread_create(&threads[started], NULL, worker, &p) != 0)
                    break;
            /* With fewer threads than asked (a thread limit), the started
             * ones still drain the queue; with none, run it here. */
            if (started == 0)
                worker(&p);
            for (size_t t = 0; t < started; t++)
                pthread_join(threads[t], NULL);
            free(threads);
        }
    }
    if (p.draw) {
        pthread_mutex_lock(&p.lock);
        draw_progress(&p, 1);
        pthread_mutex_unlock(&p.lock);
    }
    pthread_mutex_destroy(&p.lock);
    out->seconds = seconds_since(&p.t0);
    if (rc != 0)
        sm_batch_result_free(out);
    return rc;
}

void sm_batch_result_free(sm_batch_result *r)
{
    if (!r)
        return;
    if (r->why)
        for (size_t i = 0; i < r->n_items; i++)
            free(r->why[i]);
    free(r->why);
    free(r->status);
    r->status = NULL;
    r->why = NULL;
    r->n_items = 0;
}
