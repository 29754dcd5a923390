/* cli_llm.h - the options every command that asks a model shares.
 *
 * One parser and one --help paragraph for all of them (llm run now;
 * generate ground/tell and eval judge/qa next), so every model command
 * takes the same options with the same defaults and the same words:
 *
 *     cli_llm llm;
 *     cli_llm_init(&llm, CLI_LLM_BODY);
 *     llm.params.has_temperature = 1; llm.params.temperature = 0.3;  // the command's defaults
 *     cli_rest rest = {NULL, 0, 0, cli_llm_more, &llm};
 *     int rc = cli_parse("generate ground", help, opts, &rest, argc, argv);  // the command's own opts
 *     if (rc >= 0) return rc;
 *     if (cli_llm_finish(&llm, "generate ground", out_dir, quiet)) return 2;
 *     sm_llm *run = sm_llm_open(&llm.opt, &err);  // llm.params for sm_llm_body_new
 *     ...
 *     cli_llm_free(&llm);
 *
 * and in the command's help text (docs/commands/CMD.txt) the lines
 * "@include model-options.txt" and "@include answer-options.txt", which the
 * build replaces with those files (cmake/embed_text.cmake). */
#ifndef STORYMOVIE_CLI_LLM_H
#define STORYMOVIE_CLI_LLM_H

#include "cli/cli.h"
#include "storymovie/llm.h"

/* The command writes request bodies itself: it takes --model, --images,
 * --max-tokens, --temperature, --seed.  Without it (llm run sends bodies
 * as given) only the answer options below are taken. */
#define CLI_LLM_BODY 1u

typedef struct cli_llm {
    sm_llm_options opt;        /* for sm_llm_open */
    sm_llm_params params;      /* for sm_llm_body_new */
    unsigned flags;
    const char *cache_arg;
    char *cache_path;          /* owned: OUT/llm-cache.sqlite */
    cli_opt table[13];         /* the options, read by cli_take; they point into
                                  this struct, which must not move after init */
} cli_llm;

/* Defaults: jobs 8, timeout 600, retries 4, max_tokens 4096, images data. */
void cli_llm_init(cli_llm *l, unsigned flags);
/* cli_rest's more, ctx the cli_llm: argv[*i] is one of ours: take it (and
 * its value, advancing *i) and return 1; not ours: 0; a bad or missing
 * value: a message and -1. */
int cli_llm_more(void *ctx, const char *cmd, int argc, char **argv, int *i);
/* After the options: environment defaults, the cache under out_dir, the
 * checks between options, progress only on a terminal and unless quiet.
 * -1 (message printed) on a usage error. */
int cli_llm_finish(cli_llm *l, const char *cmd, const char *out_dir, int quiet);
void cli_llm_free(cli_llm *l);

#endif
