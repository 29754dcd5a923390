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
 * A film's alignment from its two files, and read back from the JSON Lines
 * this writes, is in alignment.h. */
#ifndef STORYMOVIE_ALIGN_H
#define STORYMOVIE_ALIGN_H

#include <stdio.h>
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
                                "inside", "continues", "between", "turn", "scene-turn",
                                "addressed", "hint" (static
                                string; NULL when abstaining); see `storymovie align --help` */
    const char *character;   /* the character when the script cues them here under a second
                                name (its block's), NULL when the speaker is the character */
    const char *character_evidence;   /* why: "renamed", "introduces"; NULL with character */
} sm_segment_speaker;

typedef struct sm_block_time {
    double start, end;       /* seconds; meaningful when timing != NONE */
    sm_timing timing;
    size_t matched_tokens;   /* of the block's tokens, how many matched subtitle tokens */
    /* Dialogue cued under a second name of one person (align_names.c):
     * the name the script gives that person most, pointing into the
     * script, and why ("renamed": an action line renames them; "introduces":
     * they give the name as their own).  NULL when the cue is the name. */
    const char *character;
    const char *character_evidence;
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
    /* What the script and the subtitles share: word trigrams that occur
     * once on each side, and the longest chain of them in the same order
     * on both.  Unrelated texts chain about 2 sqrt(shared) by chance. */
    size_t speech_words;            /* subtitle words */
    size_t shared_trigrams;
    size_t ordered_trigrams;
    int mismatch;                   /* too little in order for one film: every speaker from
                                       the script abstains and no block is timed */
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

#ifdef __cplusplus
}
#endif
#endif
