/* align_film.c - align one film from its two files: the one way `align`,
 * `link` and `build` do it (see sm_film_align in align.h). */
#include "storymovie/alignment.h"
#include "storymovie/align.h"

#include <stdlib.h>
#include <string.h>

#include "align/align_version.h"
#include "storymovie/io.h"
#include "storymovie/json.h"

static double round3(double v) { return (double)(long long)(v * 1000.0 + 0.5) / 1000.0; }

/* The records straight from the aligner's structures (no JSON round trip),
 * equal to what reading the written JSON Lines back gives: `link` without
 * --align-dir and a resumed `build` make identical context records. */
static int to_records(const sm_script *script, const sm_subtitles *subs, const sm_alignment *al,
                      sm_film_alignment *out)
{
    memset(out, 0, sizeof *out);
    sm_arena *a = &out->arena;
    out->segments = calloc(subs->n_segments + 1, sizeof *out->segments);
    out->blocks = calloc(script->n_blocks + 1, sizeof *out->blocks);
    if (!out->segments || !out->blocks)
        return -1;
    for (size_t i = 0; i < subs->n_segments; i++) {
        const sm_segment *s = &subs->segments[i];
        const sm_segment_speaker *r = &al->segments[i];
        sm_film_segment *d = &out->segments[i];
        d->cue = s->cue;
        d->segment = s->index;
        /* The JSON Lines carry times with 3 decimals: round the same way. */
        d->start = round3(s->start);
        d->end = round3(s->end);
        d->text = sm_arena_strdup(a, s->display ? s->display : (s->text ? s->text : ""));
        d->speaker = r->speaker ? sm_arena_strdup(a, r->speaker) : NULL;
        d->confidence = round3(r->confidence);
        d->block = r->block >= 0 ? r->block + 1 : 0;
        if (!d->text || (r->speaker && !d->speaker))
            return -1;
    }
    out->n_segments = subs->n_segments;
    for (size_t b = 0; b < script->n_blocks; b++) {
        const sm_block *blk = &script->blocks[b];
        const sm_block_time *t = &al->blocks[b];
        sm_film_block *d = &out->blocks[b];
        d->block = (long)b + 1;
        d->kind = sm_block_kind_name(blk->kind);
        d->scene = blk->scene;
        d->speaker = blk->kind == SM_BLOCK_DIALOGUE && blk->speaker ? sm_arena_strdup(a, blk->speaker) : NULL;
        d->text = sm_arena_strdup(a, blk->text ? blk->text : "");
        if (t->timing != SM_TIMING_NONE) {
            d->timed = 1;
            d->start = round3(t->start);
            d->end = round3(t->end);
            d->timing = t->timing == SM_TIMING_ALIGNED ? "aligned" : "interpolated";
        }
        if (!d->text)
            return -1;
    }
    out->n_blocks = script->n_blocks;
    out->method = SM_ALIGN_METHOD_VERSION;
    out->mismatch = al->mismatch;
    if (al->note[0] && !(out->note = sm_arena_strdup(a, al->note)))
        return -1;
    return 0;
}

int sm_align_method_version(void) { return SM_ALIGN_METHOD_VERSION; }

static const sm_align_options *options_of(const sm_film_align_request *req, sm_align_options *defaults)
{
    if (req->options)
        return req->options;
    sm_align_options_init(defaults);
    return defaults;
}

int sm_film_align_provenance(const sm_film_align_request *req, sm_provenance *out, sm_error *err)
{
    sm_align_options defaults;
    const sm_align_options *opt = options_of(req, &defaults);
    /* The options that change what an alignment holds; the output format
     * is the file's name (.jsonl or .tsv). */
    char options[96];
    snprintf(options, sizeof options, "min_confidence=%.3f hints=%s", opt->min_confidence,
             opt->use_hints ? "on" : "off");
    sm_provenance_init(out, "align", SM_ALIGN_METHOD_VERSION, options);
    if (sm_provenance_add_file(out, "screenplay", req->script_path, err) != 0 ||
        sm_provenance_add_file(out, "subtitles", req->subtitle_path, err) != 0)
        return -1;
    return 0;
}

int sm_film_alignment_stale(const sm_film_align_request *req, const char *path, int what,
                            sm_provenance *now, char *why, size_t why_size, sm_error *err)
{
    if (sm_film_align_provenance(req, now, err) != 0)
        return -1;
    sm_provenance old;
    sm_error ignored;
    int found = sm_provenance_read_file(path, &old, &ignored);
    if (found < 0) {
        snprintf(why, why_size, "earlier output unreadable");
        return 1;
    }
    return sm_provenance_stale(found ? &old : NULL, now, what, why, why_size);
}

/* The provenance record, first: one JSON line, or "# " and the line in the
 * TSV format (the reference scorer skips lines that do not start with a
 * number). */
static int write_provenance(FILE *f, const sm_provenance *p, sm_align_format format)
{
    if (format == SM_ALIGN_TSV && fputs("# ", f) == EOF)
        return -1;
    sm_json j;
    sm_json_init(&j);
    sm_provenance_json(&j, p);
    int rc = sm_json_flush_line(&j, f);
    sm_json_free(&j);
    return rc;
}

static int write_output(const sm_film_align_request *req, const sm_script *script,
                        const sm_subtitles *subs, const sm_alignment *al, sm_error *err)
{
    sm_provenance made;
    const sm_provenance *prov = req->provenance;
    if (!prov) {
        if (sm_film_align_provenance(req, &made, err) != 0)
            return -1;
        prov = &made;
    }
    sm_output o;
    if (sm_output_open(&o, req->output, err) != 0)
        return -1;
    int rc = write_provenance(o.fp, prov, req->format);
    if (rc == 0)
        rc = req->format == SM_ALIGN_TSV ? sm_alignment_write_tsv(o.fp, subs, al)
                                         : sm_alignment_write_jsonl(o.fp, script, subs, al);
    if (rc != 0)
        return sm_output_fail(&o, err);
    return sm_output_commit(&o, err);
}

int sm_film_align(const sm_film_align_request *req, sm_film_alignment *records,
                  sm_film_align_stats *stats, sm_error *err)
{
    if (records)
        memset(records, 0, sizeof *records);
    if (stats)
        memset(stats, 0, sizeof *stats);
    sm_align_options defaults;
    const sm_align_options *opt = options_of(req, &defaults);
    /* The readers refuse a file of nothing but white space ("empty file"). */
    sm_script script;
    sm_subtitles subs;
    if (sm_script_read_file(req->script_path, &script, err) != 0)
        return -1;
    if (sm_subtitles_read_file(req->subtitle_path, &subs, err) != 0) {
        sm_script_free(&script);
        return -1;
    }
    sm_alignment al;
    int rc = sm_align(&script, &subs, opt, &al, err);
    if (rc == 0) {
        if (stats) {
            stats->segments = al.n_segments;
            stats->answered = al.answered;
            stats->dialogue_blocks = al.dialogue_blocks;
            stats->matched_blocks = al.matched_blocks;
            stats->shared_trigrams = al.shared_trigrams;
            stats->ordered_trigrams = al.ordered_trigrams;
            stats->mismatch = al.mismatch;
            snprintf(stats->note, sizeof stats->note, "%s", al.note);
        }
        if (req->output)
            rc = write_output(req, &script, &subs, &al, err);
        if (rc == 0 && records && to_records(&script, &subs, &al, records) != 0)
            rc = sm_fail(err, req->subtitle_path, 0, "out of memory");
        sm_alignment_free(&al);
    }
    sm_subtitles_free(&subs);
    sm_script_free(&script);
    if (rc != 0 && records)
        sm_film_alignment_free(records);
    return rc;
}
