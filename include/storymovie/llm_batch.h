/* llm_batch.h - an OpenAI Batch input file through the LLM layer, Batch
 * output lines out: what `storymovie llm run` does (docs/llm.md).
 *
 * The requests a model command wrote with --requests-out (or any OpenAI
 * Batch input file) go through the same layer as every model call - cache,
 * responses file, retries, N in flight - and each answer comes out as a
 * Batch output line, which a model command reads back with --responses. */
#ifndef STORYMOVIE_LLM_BATCH_H
#define STORYMOVIE_LLM_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "llm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_llm_batch_request {
    const char *requests;        /* the Batch input file */
    const char *out_dir;         /* created; gets results.jsonl and summary.json */
    const sm_llm_options *llm;   /* server, cache, responses file, jobs, ... */
    FILE *log;                   /* the human summary line, once everything is
                                    written; NULL: none */
} sm_llm_batch_request;

typedef struct sm_llm_batch_result {
    size_t requests;             /* in the input */
    long failed;                 /* requests without a whole answer (their
                                    results lines carry the error) */
} sm_llm_batch_result;

/* Check every line of the input first (a bad line 1999 stops the run before
 * anything is sent: "FILE:LINE: ..."), then send the requests as slots
 * free - each body byte for byte as written - and write OUT/results.jsonl
 * (in input order) and OUT/summary.json, atomically.  Returns 0 when the
 * run went through (out->failed may still be > 0), -1 with err otherwise
 * (then nothing is written). */
int sm_llm_batch_run(const sm_llm_batch_request *req, sm_llm_batch_result *out, sm_error *err);

#ifdef __cplusplus
}
#endif
#endif
