/* alignment.h - a film's alignment as records: aligned from the film's two
 * files, or read back from the JSON Lines `storymovie align` writes.
 *
 * sm_film_alignment is what those records say, with the strings owned.
 * sm_film_align() aligns a film from its screenplay and subtitle files and
 * writes its records: the one way align (one film or a manifest), link and
 * build do it.  sm_film_alignment_read() reads the records back (link
 * --align-dir, a resumed build, eval speakers).  The method itself, on
 * parsed files, is sm_align() in align.h. */
#ifndef STORYMOVIE_ALIGNMENT_H
#define STORYMOVIE_ALIGNMENT_H

#include <stddef.h>
#include <stdio.h>
#include "arena.h"
#include "batch.h"
#include "error.h"
#include "provenance.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sm_align_options;

typedef struct sm_film_segment {
    int cue, segment;
    double start, end;
    const char *text;
    const char *speaker;      /* NULL = abstained */
    double confidence;        /* NaN when a record read back has none */
    long block;               /* 1-based script block; 0 when none */
    const char *character;    /* the character, when the script cues them here under a
                                 second name; NULL: the speaker is the character */
    const char *character_evidence;   /* "renamed", "introduces"; NULL with character */
} sm_film_segment;

typedef struct sm_film_block {
    long block;               /* 1-based */
    const char *kind;         /* "scene_heading", "action", "dialogue", "transition", ... */
    int scene;
    const char *speaker;      /* dialogue only */
    const char *text;
    int timed;                /* start/end are meaningful */
    double start, end;
    const char *timing;       /* "aligned", "interpolated" or NULL */
    const char *character;    /* dialogue under a second name: the character; else NULL */
    const char *character_evidence;
} sm_film_block;

typedef struct sm_film_alignment {
    sm_film_segment *segments;
    size_t n_segments;
    sm_film_block *blocks;
    size_t n_blocks;
    /* From the summary record (absent in alignments of older versions):
     * the aligner's method version (0 when absent), and whether the script
     * and subtitles share too little to be one film, with why. */
    int method;
    int mismatch;
    const char *note;         /* NULL when none */
    sm_arena arena;
} sm_film_alignment;

/* Read back the JSON Lines of `storymovie align`.  A segment record needs
 * integer cue and segment and numeric start and end, a block record an
 * integer block and a string kind; the summary record gives method,
 * mismatch (its status) and note; records of other types are skipped.
 * Errors name the line. */
int sm_film_alignment_parse(const char *name, const char *text, size_t len,
                            sm_film_alignment *out, sm_error *err);
int sm_film_alignment_read(const char *path, sm_film_alignment *out, sm_error *err);
void sm_film_alignment_free(sm_film_alignment *a);

typedef enum sm_align_format { SM_ALIGN_JSONL = 0, SM_ALIGN_TSV } sm_align_format;

/* One film to align. */
typedef struct sm_film_align_request {
    const char *script_path, *subtitle_path;
    const struct sm_align_options *options;   /* NULL: the defaults (align.h) */
    const char *output;       /* write the alignment here, atomically ("-": standard
                                 output), in `format`; NULL: write nothing */
    sm_align_format format;
    const sm_provenance *provenance;   /* recorded first in the output; NULL: made
                                          here (sm_film_align_provenance) */
} sm_film_align_request;

/* The aligner's method version (recorded in every alignment; see
 * src/align/align_version.h). */
int sm_align_method_version(void);
/* What aligning req's two files with its options now is made from: the
 * files' sizes and SHA-256, the aligner version, the options. */
int sm_film_align_provenance(const sm_film_align_request *req, sm_provenance *out, sm_error *err);
/* Whether the alignment at `path` is what req would make now (compared as
 * `what` says, provenance.h): 0 it is; 1 it is not, with the reason in
 * why ("screenplay changed", "aligner version 1 -> 2", "no provenance
 * record", ...) and what it would be made from now in *now; -1 when req's
 * files cannot be read (err set). */
int sm_film_alignment_stale(const sm_film_align_request *req, const char *path, int what,
                            sm_provenance *now, char *why, size_t why_size, sm_error *err);

typedef struct sm_film_align_stats {
    size_t segments, answered;
    size_t dialogue_blocks, matched_blocks;
    size_t shared_trigrams, ordered_trigrams;
    int mismatch;             /* script and subtitles of different films (see align.h) */
    char note[256];           /* why everything abstained, when it did */
} sm_film_align_stats;

/* Read both files, align, write the output when asked (its provenance
 * record first: req->provenance, else made from the files), and fill `records`
 * when not NULL (the same records reading the JSON Lines back would give:
 * times and confidences rounded to 3 decimals as written).  A file that
 * cannot be read, or holds nothing but white space ("FILE: empty file"),
 * is an error: an alignment of nothing would look like a film where
 * nobody speaks. */
int sm_film_align(const sm_film_align_request *req, sm_film_alignment *records,
                  sm_film_align_stats *stats, sm_error *err);

/* ------------------------------------------------ a corpus of films */

/* `align --manifest`: every film of a manifest (id<TAB>script<TAB>subtitles,
 * see batch.h) aligned into OUT_DIR/<id>.jsonl (or .tsv), in parallel and
 * resumable: a film whose output exists and is what the film's files, the
 * options and this aligner would make now (its provenance record) is
 * skipped unless `force`; one made from other files, options or by another
 * aligner version is made again, and why is kept.  A film that fails is
 * recorded and the others go on. */
typedef struct sm_align_corpus {
    /* in */
    const char *manifest, *out_dir;
    const struct sm_align_options *options;   /* NULL: the defaults (align.h) */
    sm_align_format format;
    int force;
    /* out */
    sm_manifest films;
    sm_film_align_stats *stats;        /* per film (rows of `films`) */
    sm_batch_result batch;             /* per film: done, skipped, failed (why) */
    char **redone;                     /* per film: why its earlier output was made
                                          again ("screenplay changed"), else NULL */
} sm_align_corpus;

/* Reads the manifest (an id must be usable as a file name), makes OUT_DIR
 * and runs the batch.  -1 with err for what stops the whole run. */
int sm_align_corpus_run(sm_align_corpus *c, const sm_batch_options *bo, sm_error *err);
void sm_align_corpus_free(sm_align_corpus *c);
/* For a reader, to f: each film's failure, and its note on why everything
 * abstained (unless quiet; a film whose script and subtitles share too
 * little to be one film always), then unless quiet the totals. */
void sm_align_corpus_report(const sm_align_corpus *c, int quiet, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
