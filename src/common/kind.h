/* kind.h - what kind of file this is, for "not X: this looks like Y".
 *
 * The likeliest mistake with a tool of twenty commands and a dozen file
 * formats is the right command given the wrong file: a context file as
 * --stories, subtitles as a screenplay, a verdicts file as questions.  A
 * reader that notices its input is not of its kind says so on one line, and
 * names what the file looks like instead, from its first record or lines:
 * the keys of our own JSON Lines records, and the first lines of subtitle,
 * TSV and binary files.  One table here, so that every reader words it the
 * same way. */
#ifndef SM_COMMON_KIND_H
#define SM_COMMON_KIND_H

#include <stddef.h>

#include "storymovie/error.h"

typedef enum sm_kind {
    SM_KIND_UNKNOWN = 0,
    SM_KIND_STORIES,          /* StoryReasoning / StoryMovie story records */
    SM_KIND_TOLD,             /* generate tell's records: stories too */
    SM_KIND_DATASET_ROWS,     /* storymovie dataset's metadata rows: stories too */
    SM_KIND_CONTEXT,
    SM_KIND_ALIGNMENT,
    SM_KIND_PROVENANCE,
    SM_KIND_SCRIPT_RECORDS,
    SM_KIND_SUBTITLE_RECORDS,
    SM_KIND_SCORES,
    SM_KIND_REQUESTS,
    SM_KIND_ANSWERS,
    SM_KIND_VERDICTS,
    SM_KIND_GRADED,
    SM_KIND_QUESTIONS,
    SM_KIND_TRAINING_ROWS,
    SM_KIND_REWARDS,
    SM_KIND_ATTEMPTS,
    SM_KIND_NEGATIVES,
    SM_KIND_JSON_DOCUMENT,
    SM_KIND_JSON_ARRAY,
    SM_KIND_SRT,
    SM_KIND_WEBVTT,
    SM_KIND_ASS,
    SM_KIND_MODEL_ANSWER,
    SM_KIND_GOLD_TSV,
    SM_KIND_FAILURES_TSV,
    SM_KIND_PREDICTIONS_TSV,
    SM_KIND_TSV,
    SM_KIND_SCREENPLAY,
    SM_KIND_BINARY
} sm_kind;

/* What the text looks like, from its first record or lines. */
sm_kind sm_kind_guess(const char *text, size_t len);
/* The kind as a phrase for a message: "context records (the output of
 * 'storymovie link' or 'build')", "SRT subtitles", "a TSV table". */
const char *sm_kind_name(sm_kind kind);

/* Fail with "NAME[:LINE]: not WANT: this looks like KIND" (or "NAME[:LINE]:
 * not WANT: DETAIL" when the kind is not known; detail may be NULL).
 * Returns -1. */
int sm_kind_fail(sm_error *err, const char *name, long line, const char *want, sm_kind kind,
                 const char *detail);

#endif
