/* generate.h - stories from a model: `storymovie generate ground` (rewrite a
 * StoryReasoning story with the film's real names and dialogue, verified,
 * re-asked with the problems found) and `storymovie generate tell` (a model
 * under test tells stories from frames, K samples per story).
 *
 * Both ask through the LLM layer (llm.h): answers come from the cache, a
 * responses file or a live server, or the requests are written for a batch
 * run.  The output files (docs/generate.md) are written atomically when the
 * run ends, in the order of the input stories, so a run killed at any point
 * leaves no half file and its rerun - answering from the cache what was
 * already answered - writes the same files. */
#ifndef STORYMOVIE_GENERATE_H
#define STORYMOVIE_GENERATE_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "llm.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_generate_options {
    sm_llm_options llm;        /* where answers come from (llm.h) */
    sm_llm_params params;      /* what every body carries: model, sampling, --images */
    const char *out_dir;       /* OUT: stories.jsonl, failures.jsonl, summary.json */
    const char *movienet;      /* the MovieNet root the stories' images are under;
                                  needed for frames (tell; ground with --images data|file) */
    int max_attempts;          /* ground: asks per story, the first included (>= 1; 3) */
    int samples;               /* tell: answers per story (>= 1; 1) */
    const char *const *only;   /* run these story ids only (NULL: every story) */
    size_t n_only;
    FILE *log;                 /* one line per failed story; NULL: none */
} sm_generate_options;

/* Defaults: max_attempts 3, samples 1, llm options as sm_llm_options_init. */
void sm_generate_options_init(sm_generate_options *o);

typedef struct sm_generate_result {
    long stories;              /* stories in the run */
    long records;              /* lines of OUT/stories.jsonl */
    long passed;               /* ground: stories that passed; tell: answers that parsed ok */
    long failed_verification;  /* ground: stories that failed every attempt */
    long no_answer;            /* stories (tell: samples) without a usable answer */
    long no_context;           /* ground: stories without a context record */
    long pending;              /* written to --requests-out, no answer yet */
    long requests, cached, from_responses, sent;   /* requests made (re-asks included),
                                      answered from the cache, from --responses, sent */
} sm_generate_result;

/* Run `generate ground`: every story of the stories file that has a record
 * in the context file (build's context.jsonl).  0 when the run completed
 * (its outputs written; some stories may have failed: see r), -1 with err
 * on bad input or a fatal LLM problem (then no output file is written and
 * the answers that came stay in the cache). */
int sm_generate_ground(const char *stories, const char *context, const sm_generate_options *o,
                       sm_generate_result *r, sm_error *err);

/* The full text of a story's first ground request (system message, then
 * user message), as `generate ground --show-prompt` prints it.  malloc'd;
 * NULL with err when the story or its context record is not there. */
char *sm_generate_ground_prompt(const char *stories, const char *context, const char *story_id,
                                sm_error *err);

/* Run `generate tell`: K samples for every story of the stories file, the
 * frames read under o->movienet, with the instruction the training exports
 * write (dataset.h: sm_storyteller_system_prompt and _instruction, version
 * sm_storyteller_prompt_version).  Same return as sm_generate_ground. */
int sm_generate_tell(const char *stories, const sm_generate_options *o, sm_generate_result *r,
                     sm_error *err);

/* How a told answer reads: "<think>\n{chain of thought}\n</think>\n{story}". */
typedef enum sm_tell_parse {
    SM_TELL_OK,                /* chain of thought and story */
    SM_TELL_NO_THINK,          /* no </think>: the whole answer is taken as the story */
    SM_TELL_EMPTY,             /* no text, or nothing after </think> */
    SM_TELL_TRUNCATED          /* cut off at the token limit */
} sm_tell_parse;

const char *sm_tell_parse_name(sm_tell_parse p);   /* "ok", "no_think", "empty", "truncated" */

/* Read an answer with the story reader (story.h: its split of model
 * output) into set; *out is the story, whose cot and text are the parts. */
sm_tell_parse sm_tell_read(sm_story_set *set, const char *story_id, const char *text, size_t len,
                           int truncated, const sm_story **out);

#ifdef __cplusplus
}
#endif
#endif
