/* eval_qa.h - question answering about stories (SPEC "Evaluating models",
 * `storymovie eval qa make|run`; docs/eval.md has the file formats).
 *
 * make: a model writes questions about each story's window from its script
 * context alone (the screenplay's headings, action and dialogue, the
 * subtitles with speakers, the cast names), each with a short answer key
 * and the ids of the context items it rests on.  Each question is checked
 * against the context record before it is kept: the category is known, the
 * key and question are there, every cited id is in the window, and a
 * dialogue question's key names the aligned speaker of a line it cites.
 * The rest are dropped, each with its reason.
 *
 * run: a model answers each question from one story alone (or says "not
 * stated"); a grader compares the answer with the key and says [[CORRECT]]
 * or [[WRONG]].  Accuracy per category and overall, with Wilson 95%
 * intervals (eval_stats.h).
 *
 * Every model call goes through the LLM layer (llm.h). */
#ifndef STORYMOVIE_EVAL_QA_H
#define STORYMOVIE_EVAL_QA_H

#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "context.h"
#include "error.h"
#include "json.h"
#include "llm.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Any change of a prompt's text must change its version. */
#define SM_QA_MAKE_PROMPT_VERSION "qa-make-v1"
#define SM_QA_RUN_PROMPT_VERSION "qa-run-v1"     /* the answer and the grade prompts */

typedef enum sm_qa_category {
    SM_QA_RELATIONSHIPS = 0, SM_QA_ACTIONS, SM_QA_EMOTIONS, SM_QA_DIALOGUE, SM_QA_CATEGORIES
} sm_qa_category;

const char *sm_qa_category_name(int category);   /* "relationships", ... */
int sm_qa_category_parse(const char *s, size_t n);   /* -1: not one */

/* A context item a question rests on: a script block, or a subtitle segment. */
typedef struct sm_qa_evidence {
    long block;                 /* > 0: script block */
    int cue, segment;           /* cue > 0: subtitle segment cue.segment */
} sm_qa_evidence;

/* "block 20" or "cue 17.1" (also "block:20", "cue 17:1", "cue 17 segment 1";
 * case ignored).  0, or -1 when it is not such an id. */
int sm_qa_evidence_parse(const char *s, size_t n, sm_qa_evidence *out);

/* ---- the questions file ---------------------------------------------------- */

typedef struct sm_qa_question {
    long line;                  /* in the file */
    const char *id;             /* "STORY_ID:qN", unique in a file */
    const char *story_id;
    int category;               /* sm_qa_category */
    const char *question;
    const char *answer;         /* the key */
    sm_qa_evidence *evidence;   /* at least one */
    size_t n_evidence;
    const char *model;          /* who wrote it; NULL when not recorded */
    const char *prompt_version;
} sm_qa_question;

typedef struct sm_qa_set {
    char *name;                 /* the file, for messages */
    sm_qa_question *items;
    size_t n_items, cap;
    sm_arena arena;
} sm_qa_set;

/* Read a questions file (JSON Lines, blank lines skipped): whole or not at
 * all; the first line that is not a question (not JSON, a missing or
 * mistyped key, an unknown category, no evidence, an id seen before) fails
 * with FILE:LINE and what is wrong.  A file without a question fails too. */
int sm_qa_read_file(const char *path, sm_qa_set *set, sm_error *err);
int sm_qa_read_buffer(const char *name, const char *data, size_t len, sm_qa_set *set, sm_error *err);
void sm_qa_set_free(sm_qa_set *set);

/* ---- make ------------------------------------------------------------------ */

extern const char sm_qa_make_system_prompt[];
/* The user message for one story: its context items with their ids, the
 * categories, up to per_category questions of each.  NULL on memory. */
char *sm_qa_make_prompt(const sm_context *c, int per_category);

/* One question the model proposed, checked. */
typedef struct sm_qa_candidate {
    int category;               /* -1 when unknown */
    char *question, *answer;    /* malloc'd; NULL when missing */
    sm_qa_evidence *evidence;   /* malloc'd */
    size_t n_evidence;
    const char *drop;           /* NULL: kept; else a short code (docs/eval.md) */
    char *why;                  /* the reason in words (malloc'd), when dropped */
    char *raw;                  /* the item as the model wrote it (compact JSON), malloc'd */
} sm_qa_candidate;

typedef struct sm_qa_candidates {
    sm_qa_candidate *items;
    size_t n_items;
} sm_qa_candidates;

/* Read a question writer's answer (a JSON array of {category, question,
 * answer, evidence}; a reasoning block before "</think>", a code fence or
 * words around the array are ignored) and check each item against c.
 * Returns 0 (out filled, some items maybe dropped), 1 when the answer holds
 * no readable array (*why says so), -1 on memory. */
int sm_qa_parse_questions(const char *text, size_t len, const sm_context *c, sm_qa_candidates *out,
                          const char **why);
void sm_qa_candidates_free(sm_qa_candidates *q);

/* ---- run ------------------------------------------------------------------- */

extern const char sm_qa_answer_system_prompt[];
extern const char sm_qa_grade_system_prompt[];
/* The answerer's message: the story (tag-free text) and the question. */
char *sm_qa_answer_prompt(const char *story, const char *question);
/* The grader's message: the question, the key, the answer given. */
char *sm_qa_grade_prompt(const char *question, const char *key, const char *answer);

typedef enum sm_qa_grade {
    SM_GRADE_INVALID = 0, SM_GRADE_CORRECT, SM_GRADE_WRONG
} sm_qa_grade;

/* [[CORRECT]] or [[WRONG]], exactly one of the two (repeats of one are
 * fine), after any "</think>"; anything else is invalid. */
sm_qa_grade sm_qa_parse_grade(const char *text, size_t len);
/* The answer says the story does not tell: "not stated" alone, case,
 * punctuation and white space ignored.  Graded wrong without asking. */
int sm_qa_not_stated(const char *text, size_t len);

typedef struct sm_qa_tally {
    size_t n;                   /* correct + wrong */
    size_t correct, wrong;
    size_t invalid;             /* the grader's answer was not a grade (left out of n) */
    size_t failed;              /* a request got no answer (left out; a rerun asks again) */
    size_t pending;             /* written for a batch run */
    int has_rate;               /* n > 0: */
    double accuracy, ci[2];     /* correct / n, Wilson 95% */
} sm_qa_tally;

void sm_qa_tally_finish(sm_qa_tally *t);

/* ---- runs ------------------------------------------------------------------ */

typedef struct sm_qa_make_options {
    const sm_llm_params *params;
    int per_category;           /* questions asked for per category and story */
    const char *out_path;       /* Q.jsonl; Q.dropped.jsonl and Q.summary.json beside it */
} sm_qa_make_options;

typedef struct sm_qa_make_result {
    size_t stories, questions, dropped, unreadable, failed, pending;
    size_t by_category[SM_QA_CATEGORIES];
} sm_qa_make_result;

/* Ask for questions about every story of c, check them, and - when the LLM
 * run ends well - write the kept ones to o->out_path, the dropped ones
 * (with reasons) and a summary beside it.  llm is closed here.  0 or -1. */
int sm_qa_make_run(sm_llm *llm, const sm_qa_make_options *o, const sm_context_set *c, sm_qa_make_result *res,
                   sm_error *err);

typedef struct sm_qa_run_options {
    const sm_llm_params *answer_params;   /* the model that answers from the story */
    const sm_llm_params *grade_params;    /* the grader */
    const char *out_dir;                  /* answers.jsonl, summary.json */
    const char *questions_path, *stories_path;
    const char *name;                     /* what the stories are called (the report's model) */
} sm_qa_run_options;

typedef struct sm_qa_run_result {
    sm_qa_tally category[SM_QA_CATEGORIES], overall;
    size_t questions;           /* asked: their story is in the stories file */
    size_t no_story;            /* questions whose story is not in the stories file */
    long failed_requests, written_requests;
} sm_qa_run_result;

int sm_qa_run(sm_llm *llm, const sm_qa_run_options *o, const sm_qa_set *q, const sm_story_set *s,
              sm_qa_run_result *res, sm_error *err);

/* The commands from their files.  `eval qa make`: the context records of
 * context_path read, the directory of o->out_path made, a model client
 * opened with llm, and sm_qa_make_run.  `eval qa run`: the questions and
 * stories of o->questions_path and o->stories_path read, o->out_dir made,
 * and sm_qa_run.  0, or -1 with err. */
int sm_qa_make_files(const sm_qa_make_options *o, const char *context_path, const sm_llm_options *llm,
                     sm_qa_make_result *res, sm_error *err);
int sm_qa_run_files(const sm_qa_run_options *o, const sm_llm_options *llm, sm_qa_run_result *res, sm_error *err);
/* --show-prompt of `eval qa make`: the system prompt and the prompt of
 * story_id in the context records of context_path to f (nothing is
 * asked); -1 with err when the story is not there. */
int sm_qa_make_show_prompt(FILE *f, const char *context_path, const char *story_id, int per_category,
                           sm_error *err);
/* The runs' summaries in words, as the commands print them on standard
 * error: questions kept per category, dropped, pending (requests_out: where
 * the requests went); accuracy per category and overall with its interval
 * and what was left out, where the files are (out_dir). */
void sm_qa_make_report(FILE *f, const sm_qa_make_result *res, const char *requests_out);
void sm_qa_run_report(FILE *f, const sm_qa_run_result *r, const char *out_dir);

#ifdef __cplusplus
}
#endif
#endif
