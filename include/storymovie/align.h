/* align.h - who says what, and when: screenplay blocks <-> subtitle segments.
 *
 * sm_align() matches the script's dialogue with the subtitles' speech:
 * unique word trigrams shared by both are anchors, their longest chain in
 * order is a backbone, exact LCS aligns the words between anchors.  Each
 * subtitle segment takes the script line its words match; scenes the edit
 * moved are found again; segments without matched words take a neighbour's
 * speaker only where that is safe (inside one line, a sentence that runs
 * on, the one unmatched line between two matched ones), guesses from turn
 * order only where the script follows the film closely; the subtitles'
 * own labels (ROSS:, <v Ross>) name their speaker.  Everything else
 * abstains.  Every script block gets a time where its dialogue matched
 * (or lies between matched neighbours).  align.c has the details.
 *
 * A film's alignment as records (sm_film_alignment) is what the JSON Lines
 * of `storymovie align` say, with the strings owned: sm_film_align()
 * aligns a film from its two files (the one way align, link and build do
 * it), sm_film_alignment_read() reads the records back (link --align-dir,
 * a resumed build, eval speakers). */
#ifndef STORYMOVIE_ALIGN_H
#define STORYMOVIE_ALIGN_H

#include <stdio.h>
#include "arena.h"
#include "batch.h"
#include "error.h"
#include "script.h"
#include "subtitle.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sm_timing {
    SM_TIMING_NONE = 0,
    SM_TIMING_ALIGNED,       /* from matched subtitles */
    SM_TIMING_INTERPOLATED   /* between aligned neighbours */
} sm_timing;

typedef struct sm_align_options {
    double min_confidence;   /* abstain below this (default 0.5) */
    int use_hints;           /* trust the subtitles' speaker labels (default 1) */
} sm_align_options;

void sm_align_options_init(sm_align_options *o);

typedef struct sm_segment_speaker {
    const char *speaker;     /* points into the script (block's speaker) or subtitles (hint); NULL = abstain */
    double confidence;       /* [0,1], calibrated */
    long block;              /* index into script->blocks of the matched block, -1 when none */
    const char *evidence;    /* why: "match", "match-short", "moved", "local", "local-near",
                                "inside", "continues", "between", "turn", "hint" (static
                                string; NULL when abstaining); see `storymovie align --help` */
} sm_segment_speaker;

typedef struct sm_block_time {
    double start, end;       /* seconds; meaningful when timing != NONE */
    sm_timing timing;
    size_t matched_tokens;   /* of the block's tokens, how many matched subtitle tokens */
} sm_block_time;

typedef struct sm_scene_time {
    double start, end;
    sm_timing timing;
} sm_scene_time;

typedef struct sm_alignment {
    sm_segment_speaker *segments;   /* one per subtitle segment */
    size_t n_segments;
    sm_block_time *blocks;          /* one per script block */
    size_t n_blocks;
    sm_scene_time *scenes;          /* index 0..n_scenes (0 = before the first heading) */
    size_t n_scenes;
    /* summary */
    size_t answered;                /* segments with a speaker */
    size_t matched_blocks;          /* dialogue blocks with aligned timing */
    size_t dialogue_blocks;
    char note[256];                 /* why everything abstained, when it did ("" otherwise) */
} sm_alignment;

int sm_align(const sm_script *script, const sm_subtitles *subs,
             const sm_align_options *opt, sm_alignment *out, sm_error *err);
void sm_alignment_free(sm_alignment *a);

/* The JSON Lines of SPEC "Alignment output": segment records, then block records. */
int sm_alignment_write_jsonl(FILE *f, const sm_script *script,
                             const sm_subtitles *subs, const sm_alignment *a);
/* cue<TAB>segment<TAB>speaker per segment (the reference scorer's input). */
int sm_alignment_write_tsv(FILE *f, const sm_subtitles *subs, const sm_alignment *a);

/* ------------------------------------------------ a film's alignment */

typedef struct sm_film_segment {
    int cue, segment;
    double start, end;
    const char *text;
    const char *speaker;      /* NULL = abstained */
    double confidence;        /* NaN when a record read back has none */
    long block;               /* 1-based script block; 0 when none */
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
} sm_film_block;

typedef struct sm_film_alignment {
    sm_film_segment *segments;
    size_t n_segments;
    sm_film_block *blocks;
    size_t n_blocks;
    sm_arena arena;
} sm_film_alignment;

/* Read back the JSON Lines of `storymovie align`.  A segment record needs
 * integer cue and segment and numeric start and end, a block record an
 * integer block and a string kind; records of other types are skipped.
 * Errors name the line. */
int sm_film_alignment_parse(const char *name, const char *text, size_t len,
                            sm_film_alignment *out, sm_error *err);
int sm_film_alignment_read(const char *path, sm_film_alignment *out, sm_error *err);
void sm_film_alignment_free(sm_film_alignment *a);

typedef enum sm_align_format { SM_ALIGN_JSONL = 0, SM_ALIGN_TSV } sm_align_format;

/* One film to align. */
typedef struct sm_film_align_request {
    const char *script_path, *subtitle_path;
    const sm_align_options *options;   /* NULL: the defaults */
    const char *output;       /* write the alignment here, atomically ("-": standard
                                 output), in `format`; NULL: write nothing */
    sm_align_format format;
} sm_film_align_request;

typedef struct sm_film_align_stats {
    size_t segments, answered;
    size_t dialogue_blocks, matched_blocks;
    char note[256];           /* why everything abstained, when it did */
} sm_film_align_stats;

/* Read both files, align, write the output when asked, and fill `records`
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
 * resumable: a film whose output exists is skipped unless `force`.  A film
 * that fails is recorded and the others go on. */
typedef struct sm_align_corpus {
    /* in */
    const char *manifest, *out_dir;
    const sm_align_options *options;   /* NULL: the defaults */
    sm_align_format format;
    int force;
    /* out */
    sm_manifest films;
    sm_film_align_stats *stats;        /* per film (rows of `films`) */
    sm_batch_result batch;             /* per film: done, skipped, failed (why) */
} sm_align_corpus;

/* Reads the manifest (an id must be usable as a file name), makes OUT_DIR
 * and runs the batch.  -1 with err for what stops the whole run. */
int sm_align_corpus_run(sm_align_corpus *c, const sm_batch_options *bo, sm_error *err);
void sm_align_corpus_free(sm_align_corpus *c);
/* For a reader, to f: each film's failure (and, unless quiet, its note on
 * why everything abstained), then unless quiet the totals. */
void sm_align_corpus_report(const sm_align_corpus *c, int quiet, FILE *f);

#ifdef __cplusplus
}
#endif
#endif
