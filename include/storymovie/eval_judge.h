/* eval_judge.h - pairwise LLM judge of two sets of stories (SPEC
 * "Evaluating models", `storymovie eval judge`; docs/eval.md).
 *
 * For each story and criterion a judge model sees a reference taken from
 * the story's context record and the two stories, and answers [[A]], [[B]]
 * or [[C]] (tie).  Both orders are asked: AB shows the --a story first as
 * "Story A", BA shows it second.  Per story and criterion the two verdicts
 * combine into a win, loss or tie of the --a story (or invalid), and over
 * stories into a win rate with a 95% bootstrap interval (eval_stats.h).
 *
 * The requests go through the LLM layer (llm.h): cache, --responses,
 * --requests-out, live server, all the same. */
#ifndef STORYMOVIE_EVAL_JUDGE_H
#define STORYMOVIE_EVAL_JUDGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "context.h"
#include "error.h"
#include "json.h"
#include "llm.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Any change of the prompts' text must change this. */
#define SM_JUDGE_PROMPT_VERSION "judge-v1"

typedef enum sm_judge_criterion {
    SM_JUDGE_SUBTITLE = 0,      /* reference: the window's dialogue with speakers */
    SM_JUDGE_SYNOPSIS,          /* the overlapping synopsis paragraphs */
    SM_JUDGE_DESCRIPTION,       /* the window's scene headings and action lines */
    SM_JUDGE_CRITERIA
} sm_judge_criterion;

const char *sm_judge_criterion_name(int criterion);   /* "subtitle", ... */
/* The criterion named s[0..n), or -1. */
int sm_judge_criterion_parse(const char *s, size_t n);

/* ---- one answer ---------------------------------------------------------- */

typedef enum sm_judge_verdict {
    SM_VERDICT_INVALID = 0,     /* anything but exactly one of the three marks */
    SM_VERDICT_A,               /* [[A]]: the story shown first */
    SM_VERDICT_B,               /* [[B]]: the story shown second */
    SM_VERDICT_TIE              /* [[C]] */
} sm_judge_verdict;

/* The verdict of a judge's answer: valid when [[A]], [[B]] or [[C]] occurs
 * and no other of the three does (the same mark repeated is still one
 * verdict); marks are exact (case, no spaces).  A reasoning block ending in
 * "</think>" is skipped first: its deliberation is not the verdict. */
sm_judge_verdict sm_judge_parse(const char *text, size_t len);
const char *sm_judge_verdict_name(sm_judge_verdict v);   /* "A", "B", "C", "invalid" */

/* ---- one story ----------------------------------------------------------- */

typedef enum sm_judge_outcome {
    SM_OUTCOME_WIN = 0,         /* both orders favour the --a story */
    SM_OUTCOME_TIE,             /* both say tie, or the orders disagree (inconsistent) */
    SM_OUTCOME_LOSS,            /* both favour the --b story */
    SM_OUTCOME_INVALID          /* either answer is invalid: left out of n */
} sm_judge_outcome;

/* Combine the verdict of order AB (--a shown first) and of order BA (--a
 * shown second).  *inconsistent is set when both are valid and disagree. */
sm_judge_outcome sm_judge_combine(sm_judge_verdict ab, sm_judge_verdict ba, int *inconsistent);
const char *sm_judge_outcome_name(sm_judge_outcome o);  /* "win", "tie", "loss", "invalid" */

/* ---- over stories -------------------------------------------------------- */

typedef struct sm_judge_tally {
    size_t n;                   /* wins + ties + losses */
    size_t wins, ties, losses;
    size_t inconsistent;        /* of the ties */
    size_t invalid;             /* stories left out: an invalid answer */
    size_t failed;              /* stories left out: a request got no answer (a rerun asks again) */
    size_t pending;             /* stories left out: requests written for a batch run */
    size_t no_reference;        /* stories left out: the context has nothing for this criterion */
    int has_rate;               /* n > 0: */
    double win_rate;            /* (wins + ties/2) / n */
    double ci[2];               /* 95% percentile bootstrap over stories */
} sm_judge_tally;

/* Count one story's outcome into t and, for a valid one, its points
 * (win 2, tie 1, loss 0) into points[t->n - 1] (room for every story). */
void sm_judge_tally_add(sm_judge_tally *t, sm_judge_outcome o, int inconsistent, uint8_t *points);
/* The win rate and its interval: `resamples` resamples of the stories'
 * points, generator seeded with `seed` (sm_bootstrap_mean).  -1 on memory. */
int sm_judge_tally_finish(sm_judge_tally *t, const uint8_t *points, size_t resamples, uint64_t seed);

/* ---- prompts ------------------------------------------------------------- */

extern const char sm_judge_system_prompt[];

/* The reference the judge compares with, from the context record: NULL
 * when the record has nothing for the criterion (no dialogue, no synopsis,
 * no scene heading or action line in the window) - or when out of memory,
 * which *oom tells.  malloc'd. */
char *sm_judge_reference(const sm_context *c, int criterion, int *oom);

/* The user message: the criterion, the reference, "Story A" (first) and
 * "Story B" (second) as given (tag-free text), the verdict rule.
 * malloc'd; NULL when out of memory. */
char *sm_judge_prompt(int criterion, const char *reference, const char *first, const char *second);

/* ---- a run --------------------------------------------------------------- */

typedef struct sm_judge_options {
    const sm_llm_params *params;    /* the judge model and sampling */
    unsigned criteria;              /* bit k: criterion k is judged */
    size_t resamples;               /* bootstrap resamples (SPEC: 10,000) */
    uint64_t seed;                  /* bootstrap generator seed */
    const char *out_dir;            /* verdicts.jsonl, outcomes.jsonl, summary.json */
    const char *a_name, *b_name;    /* how the two sets are called in the records */
    const char *a_path, *b_path;    /* their files, recorded in the summary */
} sm_judge_options;

typedef struct sm_judge_result {
    sm_judge_tally tally[SM_JUDGE_CRITERIA];
    size_t pairs;                   /* stories of A with a partner in B and a context record */
    size_t unpaired_a, unpaired_b, no_context;
    long failed_requests, written_requests;
} sm_judge_result;

/* Judge every story of a that b and the context set c also have: build
 * both orders of every criterion, get the answers through llm, combine,
 * and - when the LLM run ends without a fatal problem and its responses
 * file checks out - write OUT/verdicts.jsonl (one line per answer),
 * OUT/outcomes.jsonl (one per story and criterion) and OUT/summary.json
 * (the SPEC's shape plus counts and the LLM layer's keys), each
 * atomically.  llm is closed (or aborted) here, in every case.  0, or -1
 * with err (nothing written). */
int sm_judge_run(sm_llm *llm, const sm_judge_options *o, const sm_story_set *a, const sm_story_set *b,
                 const sm_context_set *c, sm_judge_result *res, sm_error *err);

/* --show-prompt: the requests of one story (every criterion, both orders)
 * as the judge would get them, with their custom_ids, to f.  -1 with err
 * when the story is not in a, b and c. */
int sm_judge_show_prompt(FILE *f, const sm_judge_options *o, const sm_story_set *a, const sm_story_set *b,
                         const sm_context_set *c, const char *story_id, sm_error *err);

/* `eval judge` from its files: the context records of context_path and
 * the stories of o->a_path and o->b_path read, o->out_dir made, a model
 * client opened with llm, and sm_judge_run.  0, or -1 with err. */
int sm_judge_run_files(const sm_judge_options *o, const char *context_path, const sm_llm_options *llm,
                       sm_judge_result *res, sm_error *err);
/* The same files read, then sm_judge_show_prompt (nothing is asked). */
int sm_judge_show_prompt_files(FILE *f, const sm_judge_options *o, const char *context_path, const char *story_id,
                               sm_error *err);
/* The run's summary in words, as `eval judge` prints it on standard error:
 * the stories judged and left out, a line per criterion of criteria (win
 * rate, interval, counts, what was left out), where the files are. */
void sm_judge_report(FILE *f, const sm_judge_result *r, unsigned criteria, const char *out_dir);

#ifdef __cplusplus
}
#endif
#endif
