/* align_corpus.c - the films of a manifest, aligned in parallel into a
 * directory (`storymovie align --manifest`; see align.h). */
#include "storymovie/alignment.h"
#include "storymovie/align.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storymovie/io.h"

/* An id names its output file: no '/', no control character, not . or .. */
static int valid_id(const char *id)
{
    if (!*id || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return 0;
    for (const char *p = id; *p; p++)
        if (*p == '/' || (unsigned char)*p < 0x20)
            return 0;
    return 1;
}

static sm_item_status align_item(size_t i, void *ctx, char *why, size_t why_size)
{
    sm_align_corpus *c = ctx;
    const sm_manifest_row *row = &c->films.rows[i];
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.%s", c->out_dir, row->fields[0],
             c->format == SM_ALIGN_TSV ? "tsv" : "jsonl");
    sm_error err;
    sm_film_align_request req = {row->fields[1], row->fields[2], c->options, path, c->format, NULL};
    sm_provenance now;
    if (!c->force && access(path, F_OK) == 0) {
        char reason[128];
        int stale = sm_film_alignment_stale(&req, path, SM_PROV_ALL, &now, reason, sizeof reason, &err);
        if (stale < 0) {
            sm_error_format(&err, why, why_size);
            return SM_ITEM_FAILED;
        }
        if (!stale)
            return SM_ITEM_SKIPPED;
        c->redone[i] = strdup(reason);
        req.provenance = &now;
    }
    if (sm_film_align(&req, NULL, &c->stats[i], &err) != 0) {
        sm_error_format(&err, why, why_size);
        return SM_ITEM_FAILED;
    }
    return SM_ITEM_DONE;
}

int sm_align_corpus_run(sm_align_corpus *c, const sm_batch_options *bo, sm_error *err)
{
    memset(&c->films, 0, sizeof c->films);
    memset(&c->batch, 0, sizeof c->batch);
    c->stats = NULL;
    c->redone = NULL;
    if (sm_manifest_read(c->manifest, 3, &c->films, err) != 0)
        return -1;
    for (size_t i = 0; i < c->films.n_rows; i++)
        if (!valid_id(c->films.rows[i].fields[0]))
            return sm_fail(err, c->manifest, c->films.rows[i].line,
                           "bad film id '%s' (it names an output file: no '/')", c->films.rows[i].fields[0]);
    if (sm_mkdir_p(c->out_dir, err) != 0)
        return -1;
    c->stats = calloc(c->films.n_rows + 1, sizeof *c->stats);
    c->redone = calloc(c->films.n_rows + 1, sizeof *c->redone);
    if (!c->stats || !c->redone)
        return sm_fail(err, "", 0, "out of memory");
    return sm_batch_run(c->films.n_rows, bo, align_item, c, &c->batch, err);
}

void sm_align_corpus_free(sm_align_corpus *c)
{
    for (size_t i = 0; c->redone && i < c->films.n_rows; i++)
        free(c->redone[i]);
    sm_manifest_free(&c->films);
    sm_batch_result_free(&c->batch);
    free(c->redone);
    free(c->stats);
    c->stats = NULL;
    c->redone = NULL;
}

/* The films' notes and failures, then the totals. */
void sm_align_corpus_report(const sm_align_corpus *c, int quiet, FILE *f)
{
    const sm_manifest *m = &c->films;
    const sm_batch_result *br = &c->batch;
    size_t segs = 0, answered = 0, matched = 0, dialogue = 0, mismatched = 0;
    for (size_t i = 0; i < m->n_rows; i++) {
        if (br->status[i] != SM_ITEM_DONE)
            continue;
        segs += c->stats[i].segments;
        answered += c->stats[i].answered;
        matched += c->stats[i].matched_blocks;
        dialogue += c->stats[i].dialogue_blocks;
        mismatched += c->stats[i].mismatch != 0;
        /* A film of another film's script is worth a line even when quiet. */
        if (c->stats[i].note[0] && (!quiet || c->stats[i].mismatch))
            fprintf(f, "storymovie: %s: %s\n", m->rows[i].fields[0], c->stats[i].note);
    }
    for (size_t i = 0; i < m->n_rows; i++)
        if (br->status[i] == SM_ITEM_FAILED)
            fprintf(f, "storymovie: align: %s failed: %s\n", m->rows[i].fields[0],
                    br->why[i] ? br->why[i] : "unknown error");
    if (quiet)
        return;
    fprintf(f,
            "align: %zu films in manifest, %zu aligned, %zu already done (skipped: unchanged), "
            "%zu failed, %zu for other shards; %.2f s\n",
            m->n_rows, br->done, br->skipped, br->failed, br->not_mine, br->seconds);
    sm_reasons redone;
    memset(&redone, 0, sizeof redone);
    for (size_t i = 0; i < m->n_rows; i++)
        if (c->redone && c->redone[i])
            sm_reasons_add(&redone, c->redone[i]);
    if (redone.total) {
        char buf[1024];
        sm_reasons_format(&redone, buf, sizeof buf);
        fprintf(f, "align: re-aligned %zu film%s whose earlier output is out of date: %s\n", redone.total,
                redone.total == 1 ? "" : "s", buf);
    }
    if (br->done)
        fprintf(f,
                "align: %zu segments, %zu with a speaker (coverage %.1f%%); "
                "%zu of %zu dialogue blocks timed\n",
                segs, answered, segs ? 100.0 * (double)answered / (double)segs : 0.0, matched, dialogue);
    if (mismatched)
        fprintf(f, "align: %zu films whose script and subtitles share too little to be one film "
                "(no speakers from the script; listed above)\n", mismatched);
}
