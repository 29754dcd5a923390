/* eval_structure.h - structure and re-identification of model answers, as
 * the Storyteller2 evaluation measures them (SPEC "Evaluating models",
 * `storymovie eval structure`); no model is asked.
 *
 * Per story:
 *  - well structured: the chain of thought and the tagged story are both
 *    there (not empty) and `story check` finds no problem in either (every
 *    table, tag and id rule; problems of the record alone, such as a
 *    missing "images" list, do not count against the answer);
 *  - pronoun grounding, for he, she, they, it, its, his, her, them: total =
 *    the pronoun's occurrences as a word in the tag-free story (the words
 *    of `eval language`, case folded); grounded = <gdo> tags naming only
 *    char ids whose whole text (inner tags removed, trimmed) is the
 *    pronoun, standing as a word of its own (no letter, digit or
 *    apostrophe-and-letter joined to it across the tags);
 *  - persistence: of the story's distinct char ids, and apart of its
 *    distinct obj and lm ids (backgrounds left out), how many are listed in
 *    the chain-of-thought tables (Characters; Objects) of at least N
 *    images, N = 2..5.
 * Over stories: the share of well-structured ones, pronoun counts summed,
 * and per N the mean over stories of the per-story share (stories without
 * any id of the kind are left out of that kind's mean, and counted). */
#ifndef STORYMOVIE_EVAL_STRUCTURE_H
#define STORYMOVIE_EVAL_STRUCTURE_H

#include <stddef.h>
#include <stdint.h>

#include "eval.h"
#include "json.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SM_PRONOUNS 8
/* "he", "she", "they", "it", "its", "his", "her", "them" */
extern const char *const sm_pronoun_names[SM_PRONOUNS];

#define SM_PERSIST_MAX 5          /* N = 2..SM_PERSIST_MAX */

typedef struct sm_structure_story {
    int well_structured;
    const char *problem;          /* the first problem's code when not well structured:
                                     "no-chain-of-thought", "no-story", or a story check code */
    size_t problems;              /* problems found in the answer */
    size_t pronoun_total[SM_PRONOUNS], pronoun_grounded[SM_PRONOUNS];
    size_t characters, objects;   /* distinct char ids; distinct obj + lm ids */
    size_t char_in[SM_PERSIST_MAX + 1];   /* [N]: char ids listed in >= N images */
    size_t obj_in[SM_PERSIST_MAX + 1];
} sm_structure_story;

typedef struct sm_structure_count {
    const char *code;
    size_t stories;
} sm_structure_count;

typedef struct sm_structure {
    size_t stories, well_structured;
    size_t pronoun_total[SM_PRONOUNS], pronoun_grounded[SM_PRONOUNS];
    size_t char_stories, obj_stories;            /* stories in each persistence mean */
    double char_share[SM_PERSIST_MAX + 1], obj_share[SM_PERSIST_MAX + 1];  /* sums, then means */
    sm_structure_count *why_not;  /* stories not well structured, by first problem */
    size_t n_why_not, why_not_cap;
    /* scratch */
    char *plain;
    size_t plain_cap;
    uint64_t *ids;
    size_t ids_cap;
} sm_structure;

/* Whether a checked story (sm_story_check has run) is well structured:
 * NULL when it is, else its first problem's code - "no-chain-of-thought",
 * "no-story" (absent or empty), or the first `story check` code of the
 * answer (problems of the record alone, SM_FIELD_RECORD, do not count).
 * The one definition of `eval structure` and of the structure part of the
 * stage-2 reward (`export dpo`).  *problems (may be NULL): how many. */
const char *sm_structure_problem(const sm_story *s, size_t *problems);

/* 0, or -1 when out of memory. */
int sm_structure_init(sm_structure *st);
/* Check s (sm_story_check, idempotent) and score it into st; out may be
 * NULL.  The codes in out point into static strings or s's set.  0, or -1
 * when out of memory. */
int sm_structure_add(sm_structure *st, sm_story_set *set, sm_story *s, sm_structure_story *out);
/* Turn the sums into means (call once, after the last story). */
void sm_structure_finish(sm_structure *st);
void sm_structure_free(sm_structure *st);

/* The records of `eval structure` (docs/eval.md), appended to j:
 * {"type":"story",...} and {"type":"summary",...}.  story_set: see
 * sm_eval_story_set (may be NULL). */
void sm_structure_story_json(sm_json *j, const sm_story *s, const sm_structure_story *r);
void sm_structure_summary_json(sm_json *j, const sm_structure *st, const char *story_set);

/* `eval structure` as a whole: every story of stories_path scored into
 * *st (sm_structure_init'ed here, finished), one {"type":"story"} record
 * each then the summary record written to out_path (NULL or "-": standard
 * output; atomically).  An empty file, a broken record or one without a
 * story_id is an error (nothing written).  0, or -1 with err; free *st
 * with sm_structure_free either way. */
typedef struct sm_eval_structure_request {
    const char *stories_path, *out_path;
} sm_eval_structure_request;
int sm_eval_structure_run(const sm_eval_structure_request *req, sm_structure *st, sm_error *err);

/* A short fingerprint of a set of stories: the first 12 hex digits of the
 * SHA-256 of their ids, sorted bytewise, each followed by "\n" (duplicates
 * once).  Every eval summary carries it, so `eval report` can tell whether
 * two models were scored on the same stories.  out: 13 bytes.  -1 on
 * memory. */
int sm_eval_story_set(const char *const *ids, size_t n, char out[13]);

#ifdef __cplusplus
}
#endif
#endif
