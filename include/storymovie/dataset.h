/* dataset.h - from story records to what the GPU trainers read.
 *
 * Four jobs (SPEC "Datasets and training exports", "Stage 2 preference
 * data"), each writing one output atomically:
 *
 *   sm_dataset_build      story records + their frames -> a Hugging Face
 *                         ImageFolder directory (dataset card, train/test
 *                         metadata.jsonl, images), split by film;
 *   sm_dataset_negatives  one synthetic frame sequence per story, frames of
 *                         different films (stage 2's negatives);
 *   sm_export_sft         a dataset -> SFT rows for TRL or LLaMA-Factory,
 *                         optionally cut to at most N frames per story;
 *   sm_export_dpo         told samples ('generate tell') -> scored by the
 *                         stage-2 reward, best and worst of each prompt
 *                         paired, for TRL or LLaMA-Factory.
 *
 * The formats are described in docs/dataset.md and docs/export.md.  Every
 * function checks all of its input before it writes anything: bad input
 * is one sm_error naming the file, line and problem, and no output. */
#ifndef STORYMOVIE_DATASET_H
#define STORYMOVIE_DATASET_H

#include <stddef.h>
#include "error.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the dataset ------------------------------------------------------------ */

typedef enum sm_split_by {
    SM_SPLIT_BY_FILM = 0,       /* no film in both splits (default) */
    SM_SPLIT_BY_STORY           /* each story on its own */
} sm_split_by;

typedef struct sm_dataset_options {
    const char *stories;        /* StoryReasoning / StoryMovie records, JSON Lines */
    const char *movienet;       /* where the records' images are */
    const char *out;            /* the dataset directory (replaced atomically) */
    unsigned long long seed;    /* split seed (default 0) */
    double test_fraction;       /* share of films (stories) in test, default 0.15 */
    sm_split_by split_by;
    int copy;                   /* copy images instead of hard-linking them */
} sm_dataset_options;

void sm_dataset_options_init(sm_dataset_options *o);

typedef struct sm_dataset_summary {
    size_t stories, train_stories, test_stories;
    size_t films, train_films, test_films;
    size_t images, linked, copied;
    size_t clean;               /* records without any 'story check' problem */
    size_t storymovie;          /* records with StoryMovie fields (names, quotes, ...) */
} sm_dataset_summary;

int sm_dataset_build(const sm_dataset_options *o, sm_dataset_summary *sum, sm_error *err);

/* ---- synthetic negatives ------------------------------------------------------ */

typedef struct sm_negatives_options {
    const char *stories, *movienet;
    const char *out;            /* JSON Lines file (atomic) */
    unsigned long long seed;
} sm_negatives_options;

typedef struct sm_negatives_summary {
    size_t sequences, frames, films;
    size_t repeated_film;       /* sequences that had to use a film twice (too few films) */
} sm_negatives_summary;

int sm_dataset_negatives(const sm_negatives_options *o, sm_negatives_summary *sum, sm_error *err);

/* ---- frames and trimming (--max-images) --------------------------------------- */

typedef enum sm_frame_pick {
    SM_PICK_EVEN = 0,           /* evenly spaced, first and last included */
    SM_PICK_FIRST               /* the first N (what the StoryReasoning adapter does) */
} sm_frame_pick;

/* Which of n frames to keep when at most max may stay: 0-based indices,
 * increasing, into keep (max entries).  Returns the count (n when n <= max). */
int sm_pick_frames(int n, int max, sm_frame_pick pick, int *keep);

typedef struct sm_trimmed {
    char *cot, *story;          /* malloc'd, NUL-terminated */
    size_t cot_len, story_len;
    size_t tags_narrowed;       /* tags that lost some of their ids */
    size_t tags_unwrapped;      /* tags whose every id went: markup removed, text kept */
} sm_trimmed;

/* Keep only frames keep[0..nkeep) (0-based, increasing) of s: the chain of
 * thought keeps their "## Image k" sections, renumbered 1..nkeep, and the
 * Narrative Structure's image references are mapped; the story keeps their
 * <gdi imageK> blocks, renumbered; a tag naming ids that only dropped
 * images described loses those ids (or its markup, when none is left).
 * Needs sections numbered 1..n and one closed <gdi> per frame.  Returns 0
 * or -1 (err says why; out is then empty). */
int sm_story_trim(const sm_story *s, const int *keep, int nkeep, sm_trimmed *out, sm_error *err);
void sm_trimmed_free(sm_trimmed *t);

/* ---- the stage-2 reward -------------------------------------------------------- */

typedef struct sm_reward {
    double total;               /* structure + grounding + reid */
    double structure;           /* 1 or 0 */
    double grounding;           /* real: box F1 against the reference, per image; synthetic: 0 */
    double reid;                /* real: [0,1] agreement; synthetic: [-1,0] */
    /* the counts behind them */
    size_t boxes, ref_boxes, matched;
    size_t links, ref_links, common_links, cross_pairs;   /* real re-identification */
    size_t ids, cross_film_ids;                           /* synthetic re-identification */
    const char *structure_problem;   /* why structure is 0 (static string), or NULL */
} sm_reward;

/* Score a told answer.  frames: how many frames the prompt had.  parse_ok:
 * the telling was read whole ('generate tell' parse == "ok").  ref: the
 * reference story of a real sequence; NULL for a synthetic one, whose
 * frame_films[i] is the film of frame i+1.  The sample is checked in place
 * (sm_story_check), so it must belong to set.  Returns 0, -1 on OOM. */
int sm_reward_score(sm_story_set *set, sm_story *sample, int frames, int parse_ok,
                    const sm_story *ref, const char *const *frame_films, sm_reward *out);

/* ---- exports ------------------------------------------------------------------ */

typedef enum sm_export_format { SM_EXPORT_TRL = 0, SM_EXPORT_LLAMAFACTORY } sm_export_format;

typedef struct sm_export_options {
    const char *dataset;        /* a directory written by sm_dataset_build */
    const char *out;            /* the export directory (replaced atomically) */
    sm_export_format format;
    const char *name;           /* LLaMA-Factory dataset name prefix; NULL: storymovie_sft / _dpo */
    const char *system_prompt;  /* NULL: sm_storyteller_system_prompt */
    const char *instruction;    /* NULL: sm_storyteller_instruction */
    int copy;                   /* copy images instead of hard-linking them */
    /* sft */
    int max_images;             /* 0: all */
    sm_frame_pick pick;
    /* dpo */
    const char *const *samples; /* 'generate tell' output files */
    size_t nsamples;
    const char *negatives;      /* sm_dataset_negatives output, when samples tell synthetic sequences */
    const char *movienet;       /* where the negatives' frames are */
    double min_margin;          /* skip prompts whose best - worst reward is below (default 0.1) */
} sm_export_options;

void sm_export_options_init(sm_export_options *o);

typedef struct sm_export_summary {
    size_t train_rows, test_rows, images, linked, copied;
    size_t trimmed;             /* stories cut to max_images */
    size_t tags_narrowed, tags_unwrapped;
    /* dpo */
    size_t samples, prompts, real_prompts, synthetic_prompts;
    size_t pairs, below_margin, single_sample, test_prompts, excluded_samples;
} sm_export_summary;

int sm_export_sft(const sm_export_options *o, sm_export_summary *sum, sm_error *err);
int sm_export_dpo(const sm_export_options *o, sm_export_summary *sum, sm_error *err);
/* A --system-prompt file, read as text (any common encoding), without its
 * trailing line breaks (the file's, not the prompt's): malloc'd, or NULL
 * with err. */
char *sm_export_read_prompt(const char *path, sm_error *err);

/* The prompt every export writes (docs/export.md). */
extern const char sm_storyteller_system_prompt[];
extern const char sm_storyteller_instruction[];
extern const char sm_storyteller_prompt_version[];

#ifdef __cplusplus
}
#endif
#endif
