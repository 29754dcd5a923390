/* cli_llm.h - the options every command that asks a model shares.
 *
 * One parser and one --help paragraph for all of them (llm run now;
 * generate ground/tell and eval judge/qa next), so every model command
 * takes the same options with the same defaults and the same words:
 *
 *     cli_llm llm;
 *     cli_llm_init(&llm, CLI_LLM_BODY);
 *     llm.params.has_temperature = 1; llm.params.temperature = 0.3;  // the command's defaults
 *     for (int i = 1; i < argc; i++) {
 *         int taken = cli_llm_option(&llm, "generate ground", argc, argv, &i);
 *         if (taken < 0) return 2;
 *         if (taken) continue;
 *         ... the command's own options ...
 *     }
 *     if (cli_llm_finish(&llm, "generate ground", out_dir, quiet)) return 2;
 *     sm_llm *run = sm_llm_open(&llm.opt, &err);  // llm.params for sm_llm_body_new
 *     ...
 *     cli_llm_free(&llm);
 *
 * and in the command's usage text: "Options:\n" ... CLI_LLM_HELP_BODY
 * CLI_LLM_HELP_ANSWERS (string literals, concatenated at compile time). */
#ifndef STORYMOVIE_CLI_LLM_H
#define STORYMOVIE_CLI_LLM_H

#include "storymovie/llm.h"

/* The command writes request bodies itself: it takes --model, --images,
 * --max-tokens, --temperature, --seed.  Without it (llm run sends bodies
 * as given) only the answer options below are taken. */
#define CLI_LLM_BODY 1u

#define CLI_LLM_HELP_BODY \
"Model options:\n" \
"  --model M          the model to ask (default: $STORYMOVIE_MODEL); recorded in\n" \
"                     every output record\n" \
"  --images data|file|none\n" \
"                     frames as data:image/jpeg;base64 URLs (any server), as\n" \
"                     file:///abs/path URLs (a vLLM server started with\n" \
"                     --allowed-local-media-path), or left out\n" \
"  --max-tokens N     longest answer in tokens (default 4096); an answer cut at\n" \
"                     this length is truncated, never accepted as whole\n" \
"  --temperature T    sampling temperature, 0 to 2\n" \
"  --seed N           sampling seed sent with every request (default: none)\n"

#define CLI_LLM_HELP_ANSWERS \
"Answers come from the cache, else a batch run's results (--responses), else\n" \
"are written for a batch run (--requests-out), else are asked live (--api-base):\n" \
"  --api-base URL     OpenAI-compatible server, e.g. http://localhost:8000/v1\n" \
"                     (default: $STORYMOVIE_API_BASE); requests go to\n" \
"                     URL/chat/completions.  The key is read from\n" \
"                     $STORYMOVIE_API_KEY (else $OPENAI_API_KEY), sent only as\n" \
"                     'Authorization: Bearer' and written nowhere\n" \
"  -j, --jobs N       requests in flight at once (default 8)\n" \
"  --timeout S        seconds one attempt may take (default 600)\n" \
"  --retries N        attempts after the first (default 4) on a connection error,\n" \
"                     a time-out, HTTP 408, 409, 429 or 5xx; waits what the server\n" \
"                     asks (Retry-After), else 0.5*2^n s (at most 8 s) with jitter.\n" \
"                     400, 401, 402, 403, 404 and 422 are never retried\n" \
"  --cache FILE       SQLite cache of answers (default OUT/llm-cache.sqlite;\n" \
"                     'none' for no cache); each answer is committed when it\n" \
"                     arrives, so a killed run loses only what was in flight and\n" \
"                     a rerun asks only what is missing\n" \
"  --requests-out F   write each request that has no answer yet to F, as OpenAI\n" \
"                     Batch input lines (for vLLM's run_batch or a hosted batch\n" \
"                     API), instead of sending it\n" \
"  --responses F      read answers from F, a batch run's results (Batch output\n" \
"                     lines); every line must answer a request of this run\n" \
"A request that fails is named on standard error, one line each; the server\n" \
"being unreachable, refusing the key (401/403) or the URL/model (404) stops the\n" \
"run with one line.  OUT/summary.json counts requests, cached, sent, retries,\n" \
"failures and tokens (docs/llm.md).\n"

typedef struct cli_llm {
    sm_llm_options opt;        /* for sm_llm_open */
    sm_llm_params params;      /* for sm_llm_body_new */
    unsigned flags;
    const char *cache_arg;
    char *cache_path;          /* owned: OUT/llm-cache.sqlite */
} cli_llm;

/* Defaults: jobs 8, timeout 600, retries 4, max_tokens 4096, images data. */
void cli_llm_init(cli_llm *l, unsigned flags);
/* argv[*i] is one of ours: take it (and its value, advancing *i) and return
 * 1; not ours: 0; a bad or missing value: a message and -1. */
int cli_llm_option(cli_llm *l, const char *cmd, int argc, char **argv, int *i);
/* After the options: environment defaults, the cache under out_dir, the
 * checks between options, progress only on a terminal and unless quiet.
 * -1 (message printed) on a usage error. */
int cli_llm_finish(cli_llm *l, const char *cmd, const char *out_dir, int quiet);
void cli_llm_free(cli_llm *l);

#endif
