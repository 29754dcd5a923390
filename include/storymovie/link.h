/* link.h - from a story's frames to the film's script context.
 *
 * For a story (5-22 MovieNet keyframes of one film) link:
 *   1. times every frame: keyframe name -> shot/img -> frame -> seconds,
 *      and the span of the shot it samples;
 *   2. takes the story's window: from the start of the first frame's shot
 *      to the end of the last frame's shot (a keyframe is one sample of a
 *      shot that is on screen for its whole span, so the window is padded
 *      out to the shot boundaries);
 *   3. collects from the film's alignment (sm_film_alignment, alignment.h: the
 *      JSON Lines of `storymovie align` read back, or aligned in-process) the script
 *      scenes, action and dialogue blocks, and subtitle lines with speakers
 *      inside the window, each marked with the story images it falls on
 *      (its time span overlaps the image's shot span) or between;
 *   4. the synopsis paragraphs (annotation "story") that overlap it;
 *   5. real names for the chain of thought's char# ids: MovieNet person
 *      boxes of the same shot/img with a cast pid, matched by IoU to the
 *      Characters-table boxes (scaled from the annotation's resolution to
 *      the keyframe JPEG's size), pid -> character via meta cast, checked
 *      against the speakers of the window's dialogue.
 *
 * sm_link_run() does this for a whole corpus (the work of `storymovie
 * link` and `storymovie build`), one film per batch item. */
#ifndef STORYMOVIE_LINK_H
#define STORYMOVIE_LINK_H

#include <stddef.h>
#include <stdio.h>
#include "alignment.h"
#include "arena.h"
#include "batch.h"
#include "error.h"
#include "json.h"
#include "movienet.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ one story */

typedef struct sm_link_options {
    double iou_min;           /* a box match needs IoU >= this (default 0.5) */
    int pad_to_shots;         /* window from shot start to shot end (default 1);
                                 0: from first to last keyframe time */
} sm_link_options;

void sm_link_options_init(sm_link_options *o);

/* What to link: an id, its keyframes, and (when it came from a story
 * record) the parsed record for the Characters tables. */
typedef struct sm_link_input {
    const char *story_id;
    const char *const *images;
    size_t n_images;
    const sm_story *story;    /* NULL: no chain of thought (frames manifest) */
    const char *source;       /* file the story came from, for messages */
    long line;                /* its line there */
    const char *error;        /* set: the record itself is unusable (why) */
} sm_link_input;

typedef struct sm_link_stats {
    size_t frames;                /* keyframes timed */
    size_t frames_with_dialogue;  /* ... whose shot has a subtitle line */
    size_t dialogue_lines;        /* subtitle segments in the window */
    size_t attributed_lines;      /* ... with a speaker */
    size_t characters;            /* char# ids in the chain of thought */
    size_t characters_named;      /* ... that got a real name */
    size_t synopsis;              /* synopsis paragraphs overlapping */
} sm_link_stats;

/* The film a story belongs to (from its first image); -1 with err when an
 * image is not a keyframe name or the images span two films. */
int sm_link_story_movie(const sm_link_input *in, char movie[16], sm_error *err);

/* Append one JSON record (no newline) for the story to j.  al may be NULL
 * (no alignment for the film: script context empty, "alignment": null).
 * Fails (-1, err naming the story) when a frame cannot be timed: a
 * keyframe outside the shot file, a film without shots or fps. */
int sm_link_story(sm_json *j, const sm_link_input *in, const sm_movie *movie,
                  const sm_film_alignment *al, const char *align_problem,
                  const sm_link_options *opt, sm_link_stats *stats, sm_error *err);

/* ------------------------------------------------------ a corpus */

typedef enum sm_film_align_state {
    SM_FILM_ALIGN_NONE = 0,   /* not attempted */
    SM_FILM_ALIGN_DONE,       /* aligned now */
    SM_FILM_ALIGN_REUSED,     /* read back from an existing output (resume) */
    SM_FILM_ALIGN_FAILED
} sm_film_align_state;

typedef struct sm_link_film {
    char id[16];
    size_t *stories;          /* indices into the inputs */
    size_t n_stories;
    sm_film_align_state align;
    sm_film_align_stats align_stats;
    char *redone;             /* aligned again although its alignment existed: why
                                 ("screenplay changed", "aligner version 1 -> 2") */
    int failed;               /* no story of the film could be linked */
    char *reason;             /* why it failed (align or film), or NULL */
    char **problems;          /* missing/broken pieces (one line each) */
    size_t n_problems;
    double seconds;
} sm_link_film;

typedef struct sm_link_job {
    /* in */
    const sm_movienet *corpus;
    const sm_link_input *inputs;
    size_t n_inputs;
    const char *align_dir;    /* read DIR/tt.jsonl; NULL: align in-process */
    int write_align;          /* with align_dir: align films whose file is missing or
                                 out of date (made from other files, options or by
                                 another aligner version: its provenance record) and
                                 write it there atomically (build); without it an
                                 alignment made from other files than the film's
                                 fails the film (link) */
    int force;                /* realign even when the file exists */
    sm_link_options options;
    /* out, per input (index as inputs) */
    char **records;           /* one JSON line (no newline) or NULL */
    char **errors;            /* why the story has no record, or NULL */
    sm_link_stats *stats;
    /* out, per film */
    sm_link_film *films;
    size_t n_films;
    sm_batch_result batch;
} sm_link_job;

/* Group inputs by film (stories whose images are not keyframes get an
 * error and no film), then run one batch item per film. */
int sm_link_run(sm_link_job *job, const sm_batch_options *bopt, sm_error *err);
void sm_link_job_free(sm_link_job *job);

/* ------------------------------------------------ inputs and reports */

/* The stories to link, from a file of story records (JSON Lines:
 * story_id, images, chain_of_thought, ...) or from a frames manifest (TSV:
 * story_id<TAB>movie id<TAB>SHOT/IMG<TAB>SHOT/IMG ..., '#' comments; a
 * field may also be a keyframe name ttXXXXXXX/shot_NNNN_img_N.jpg). */
typedef struct sm_link_inputs {
    sm_link_input *items;
    size_t n;
    /* owned storage */
    sm_story_set stories;
    int have_stories;
    sm_manifest manifest;
    char **images;            /* frames manifest: built keyframe names */
    size_t n_images;
    char **messages;          /* errors of unusable records */
    size_t n_messages, messages_cap;
} sm_link_inputs;

int sm_link_inputs_read_stories(const char *path, sm_link_inputs *out, sm_error *err);
/* Story records in memory, named `name` in messages. */
int sm_link_inputs_parse_stories(const char *name, const char *data, size_t len, sm_link_inputs *out,
                                 sm_error *err);
int sm_link_inputs_read_frames(const char *path, sm_link_inputs *out, sm_error *err);
/* One of the two, whichever path is not NULL (stories first). */
int sm_link_inputs_read(const char *stories, const char *frames, sm_link_inputs *out, sm_error *err);
void sm_link_inputs_free(sm_link_inputs *in);

/* The records of this shard, in input order, one JSON line each. */
int sm_link_write_records(const sm_link_job *job, FILE *f, size_t *written);
/* The same into the file `path`, atomically (NULL or "-": standard output):
 * link's output and build's OUT/context.jsonl. */
int sm_link_write_context(const sm_link_job *job, const char *path, sm_error *err);
/* build's OUT/failures.tsv: kind<TAB>id<TAB>reason for every film that
 * failed, every missing or broken piece of a film, every story not linked. */
int sm_link_write_failures(const sm_link_job *job, const char *path, sm_error *err);

/* Totals for the summary. */
typedef struct sm_link_totals {
    size_t films, films_aligned, films_reused, films_failed, films_with_problems, films_other_shards;
    size_t stories, stories_linked, stories_failed, stories_other_shards;
    sm_link_stats sum;
} sm_link_totals;

void sm_link_count(const sm_link_job *job, sm_link_totals *t);
/* The human summary (stderr): totals, every film's problems, every failed
 * story with its reason.  `label` names the command. */
void sm_link_print_summary(const sm_link_job *job, const char *label, FILE *f);
/* The same into the file `path`, atomically (build's OUT/summary.txt). */
int sm_link_write_summary(const sm_link_job *job, const char *label, const char *path, sm_error *err);

/* ------------------------------------------- link and build as one call */

/* What `storymovie link` and `storymovie build` do: open the corpus, read
 * the stories (or the frames manifest), link them film by film, write the
 * records.  With out_dir (build) each film is aligned into OUT/align (or
 * its alignment there reused while up to date) and the records, failures
 * and summary go to OUT/context.jsonl, OUT/failures.tsv and
 * OUT/summary.txt (".I-of-N" before the extension with shard_names);
 * without it (link) the alignments come from align_dir (or are
 * made in process) and the records go to output. */
typedef struct sm_link_request {
    const char *movienet;            /* MOVIENET_DIR */
    const char *stories, *frames;    /* one of the two */
    sm_link_options options;
    sm_batch_options batch;          /* jobs, shard, progress, label */
    const char *align_dir;           /* link: alignments to read, or NULL */
    const char *output;              /* link: the records' file; NULL or "-": standard output */
    const char *out_dir;             /* build: the output directory */
    int force;                       /* build: align every film again */
    int shard_names;                 /* build: the files of shard I of N (".I-of-N"),
                                        also when N is 1 (--shard 0/1) */
} sm_link_request;

void sm_link_request_init(sm_link_request *r);

/* A request run: the job (records, errors and films, for the summary),
 * its totals, and build's file names. */
typedef struct sm_link_session {
    sm_movienet corpus;
    sm_link_inputs inputs;
    sm_link_job job;
    sm_link_totals totals;
    char align_dir[4200], context[4200], failures[4200], summary[4200];
} sm_link_session;

/* 0 once every output is written (stories and films may still have
 * failed: see s->totals); -1 with err when the corpus or the stories
 * cannot be read or an output cannot be written.  Free s in either case. */
int sm_link_session_run(const sm_link_request *r, sm_link_session *s, sm_error *err);
void sm_link_session_free(sm_link_session *s);

#ifdef __cplusplus
}
#endif
#endif
