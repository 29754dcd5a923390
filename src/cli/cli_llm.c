/* cli_llm.c - the shared options of the model commands (see cli_llm.h). */
#include "cli/cli_llm.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void cli_llm_init(cli_llm *l, unsigned flags)
{
    memset(l, 0, sizeof *l);
    sm_llm_options_init(&l->opt);
    l->flags = flags;
    l->params.max_tokens = 4096;
    l->params.images = SM_LLM_IMAGES_DATA;
}

static int need_value(const char *cmd, const char *opt, int argc, int i)
{
    if (i + 1 < argc)
        return 0;
    cli_errorf("%s: %s needs a value", cmd, opt);
    return -1;
}

int cli_llm_option(cli_llm *l, const char *cmd, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    int body = (l->flags & CLI_LLM_BODY) != 0;
    static const char *const with_value[] = {"--api-base", "-j", "--jobs", "--timeout", "--retries",
                                             "--cache", "--requests-out", "--responses"};
    static const char *const body_value[] = {"--model", "--images", "--max-tokens", "--temperature", "--seed"};
    int ours = 0;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        ours |= strcmp(a, with_value[k]) == 0;
    for (size_t k = 0; body && k < sizeof body_value / sizeof body_value[0]; k++)
        ours |= strcmp(a, body_value[k]) == 0;
    if (!ours)
        return 0;
    if (need_value(cmd, a, argc, *i))
        return -1;
    const char *v = argv[++*i];
    long n;
    double d;
    if (!strcmp(a, "--api-base")) {
        l->opt.api_base = v;
    } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
        if (cli_option_long(cmd, a, v, 1, 1024, &n))
            return -1;
        l->opt.jobs = n;
    } else if (!strcmp(a, "--timeout")) {
        if (cli_option_double(cmd, a, v, 0, 1, 86400, &d))
            return -1;
        l->opt.timeout = d;
    } else if (!strcmp(a, "--retries")) {
        if (cli_option_long(cmd, a, v, 0, 100, &n))
            return -1;
        l->opt.retries = n;
    } else if (!strcmp(a, "--cache")) {
        l->cache_arg = v;
    } else if (!strcmp(a, "--requests-out")) {
        l->opt.requests_out = v;
    } else if (!strcmp(a, "--responses")) {
        l->opt.responses = v;
    } else if (!strcmp(a, "--model")) {
        l->params.model = v;
    } else if (!strcmp(a, "--images")) {
        if (!strcmp(v, "data"))
            l->params.images = SM_LLM_IMAGES_DATA;
        else if (!strcmp(v, "file"))
            l->params.images = SM_LLM_IMAGES_FILE;
        else if (!strcmp(v, "none"))
            l->params.images = SM_LLM_IMAGES_NONE;
        else {
            cli_errorf("%s: --images '%s': need data, file or none", cmd, v);
            return -1;
        }
    } else if (!strcmp(a, "--max-tokens")) {
        if (cli_option_long(cmd, a, v, 1, 10000000, &n))
            return -1;
        l->params.max_tokens = n;
    } else if (!strcmp(a, "--temperature")) {
        if (cli_option_double(cmd, a, v, 0, 0, 2, &d))
            return -1;
        l->params.has_temperature = 1;
        l->params.temperature = d;
    } else if (!strcmp(a, "--seed")) {
        if (cli_option_long(cmd, a, v, 0, 2147483647L, &n))
            return -1;
        l->params.has_seed = 1;
        l->params.seed = n;
    }
    return 1;
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
