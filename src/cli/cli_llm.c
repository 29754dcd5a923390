/* cli_llm.c - the shared options of the model commands (see cli_llm.h). */
#include "cli/cli_llm.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* --temperature and --seed: a value, and that one was given. */
static int parse_temperature(const char *cmd, const char *opt, const char *v, void *dst)
{
    sm_llm_params *p = dst;
    if (cli_option_double(cmd, opt, v, 0, 0, 2, &p->temperature))
        return -1;
    p->has_temperature = 1;
    return 0;
}

static int parse_seed(const char *cmd, const char *opt, const char *v, void *dst)
{
    sm_llm_params *p = dst;
    if (cli_option_long(cmd, opt, v, 0, 2147483647L, &p->seed))
        return -1;
    p->has_seed = 1;
    return 0;
}

void cli_llm_init(cli_llm *l, unsigned flags)
{
    memset(l, 0, sizeof *l);
    sm_llm_options_init(&l->opt);
    l->flags = flags;
    l->params.max_tokens = 4096;
    l->params.images = SM_LLM_IMAGES_DATA;
    const cli_opt answer[] = {
        CLI_OPT("--api-base", CLI_STRING, &l->opt.api_base),
        CLI_RANGE("-j|--jobs", CLI_LONG, &l->opt.jobs, 1, 1024),
        CLI_RANGE("--timeout", CLI_POSITIVE, &l->opt.timeout, 0, 86400),
        CLI_RANGE("--retries", CLI_LONG, &l->opt.retries, 0, 100),
        CLI_OPT("--cache", CLI_STRING, &l->cache_arg),
        CLI_OPT("--requests-out", CLI_STRING, &l->opt.requests_out),
        CLI_OPT("--responses", CLI_STRING, &l->opt.responses)};
    const cli_opt body[] = {
        CLI_OPT("--model", CLI_STRING, &l->params.model),
        CLI_CHOICES("--images", "data|file|none", &l->params.images),
        CLI_RANGE("--max-tokens", CLI_LONG, &l->params.max_tokens, 1, 10000000),
        CLI_CALLBACK("--temperature", parse_temperature, &l->params),
        CLI_CALLBACK("--seed", parse_seed, &l->params)};
    _Static_assert(sizeof answer + sizeof body < sizeof l->table, "room for CLI_END");
    memcpy(l->table, answer, sizeof answer);
    if (flags & CLI_LLM_BODY)
        memcpy(l->table + sizeof answer / sizeof answer[0], body, sizeof body);
}

int cli_llm_more(void *ctx, const char *cmd, int argc, char **argv, int *i)
{
    const cli_llm *l = ctx;
    return cli_take(cmd, l->table, argc, argv, i);
}

int cli_llm_finish(cli_llm *l, const char *cmd, const char *out_dir, int quiet)
{
    if (!l->opt.api_base) {
        const char *env = getenv("STORYMOVIE_API_BASE");
        if (env && *env)
            l->opt.api_base = env;
    }
    if (l->flags & CLI_LLM_BODY) {
        if (!l->params.model) {
            const char *env = getenv("STORYMOVIE_MODEL");
            if (env && *env)
                l->params.model = env;
        }
        if (!l->params.model) {
            cli_errorf("%s: no model: give --model M or set STORYMOVIE_MODEL", cmd);
            return -1;
        }
    }
    if (l->opt.requests_out && l->opt.responses && strcmp(l->opt.requests_out, l->opt.responses) == 0) {
        cli_errorf("%s: --requests-out and --responses name the same file", cmd);
        return -1;
    }
    if (l->cache_arg && strcmp(l->cache_arg, "none") == 0) {
        l->opt.cache = NULL;
    } else if (l->cache_arg) {
        l->opt.cache = l->cache_arg;
    } else if (out_dir) {
        size_t n = strlen(out_dir) + sizeof "/llm-cache.sqlite";
        free(l->cache_path);
        l->cache_path = malloc(n);
        if (!l->cache_path) {
            cli_errorf("%s: out of memory", cmd);
            return -1;
        }
        snprintf(l->cache_path, n, "%s/llm-cache.sqlite", out_dir);
        l->opt.cache = l->cache_path;
    }
    /* -q silences progress and summaries; failures are always named */
    l->opt.quiet = 0;
    l->opt.progress = !quiet && cli_stderr_is_tty();
    l->opt.label = cmd;
    return 0;
}

void cli_llm_free(cli_llm *l)
{
    free(l->cache_path);
    l->cache_path = NULL;
}
