/* cmd_generate.c - storymovie generate ground|tell: options, then the
 * library (include/storymovie/generate.h) does the run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/generate.h"
#include "storymovie/ground.h"



typedef struct args {
    const char *stories, *context, *out, *movienet, *show_prompt;
    cli_list only;
    long max_attempts, samples;
    int quiet;
} args;

/* The run and its report; 0, 1 or 2 as the exit status. */
static int run(int ground, const args *a, cli_llm *llm, const char *cmd)
{
    sm_generate_options o;
    sm_generate_options_init(&o);
    o.llm = llm->opt;
    o.params = llm->params;
    o.out_dir = a->out;
    o.movienet = a->movienet;
    o.max_attempts = (int)a->max_attempts;
    o.samples = (int)a->samples;
    o.only = a->only.items;
    o.n_only = a->only.n;
    o.log = stderr;
    sm_generate_result r;
    sm_error err;
    int rc = ground ? sm_generate_ground(a->stories, a->context, &o, &r, &err)
                    : sm_generate_tell(a->stories, &o, &r, &err);
    if (rc != 0) {
        cli_report(&err);
        return 1;
    }
    if (!a->quiet) {
        if (ground)
            fprintf(stderr, "storymovie: generate ground: %ld stories: %ld passed, %ld failed "
                            "verification, %ld without an answer, %ld without a context record, "
                            "%ld waiting for a batch run (%ld requests: %ld cached, %ld from --responses, "
                            "%ld sent); %s/stories.jsonl\n",
                    r.stories, r.passed, r.failed_verification, r.no_answer, r.no_context, r.pending,
                    r.requests, r.cached, r.from_responses, r.sent, a->out);
        else
            fprintf(stderr, "storymovie: generate tell: %ld stories x %ld samples: %ld records "
                            "(%ld parsed ok), %ld without an answer, %ld waiting for a batch run "
                            "(%ld requests: %ld cached, %ld from --responses, %ld sent); %s/stories.jsonl\n",
                    r.stories, a->samples, r.records, r.passed, r.no_answer, r.pending, r.requests,
                    r.cached, r.from_responses, r.sent, a->out);
    }
    if (r.no_answer) {
        cli_errorf("%s: %ld %s without a usable answer (see %s/failures.jsonl); run again to ask "
                   "again", cmd, r.no_answer, ground ? "stories" : "samples", a->out);
        return 1;
    }
    return 0;
}

static int generate(int ground, int argc, char **argv)
{
    const char *cmd = ground ? "generate ground" : "generate tell";
    cli_llm llm;
    cli_llm_init(&llm, CLI_LLM_BODY);
    /* The command's defaults, before the options may change them. */
    if (ground) {
        llm.params.images = SM_LLM_IMAGES_NONE;
        llm.params.has_temperature = 1;
        llm.params.temperature = 0.3;
    } else {
        llm.params.max_tokens = 8192;
    }
    args a = {.max_attempts = 3, .samples = 1};
    const cli_opt opts[] = {
        CLI_OPT("-q|--quiet", CLI_FLAG, &a.quiet),
        CLI_OPT("--stories", CLI_STRING, &a.stories),
        CLI_OPT("--context", CLI_STRING, &a.context),
        CLI_OPT("--out", CLI_STRING, &a.out),
        CLI_OPT("--movienet", CLI_STRING, &a.movienet),
        CLI_OPT("--story", CLI_LIST, &a.only),
        CLI_OPT("--show-prompt", CLI_STRING, &a.show_prompt),
        CLI_RANGE("--max-attempts", CLI_LONG, &a.max_attempts, 1, 20),
        CLI_RANGE("--samples", CLI_LONG, &a.samples, 1, 1000),
        CLI_END};
    cli_rest rest = {NULL, 0, 0, cli_llm_more, &llm};
    int status = cli_parse(cmd, ground ? cli_help_generate_ground : cli_help_generate_tell, opts, &rest, argc, argv);
    if (status >= 0)
        goto done;
    status = 2;
    if (ground && a.show_prompt) {
        if (!a.stories || !a.context) {
            cli_errorf("%s: --show-prompt needs --stories FILE and --context FILE", cmd);
            goto done;
        }
        sm_error err;
        char *text = sm_generate_ground_prompt(a.stories, a.context, a.show_prompt, &err);
        if (!text) {
            cli_report(&err);
            status = 1;
            goto done;
        }
        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
        status = 0;
        goto done;
    }
    if (!a.stories || !a.out || (ground && !a.context) || (!ground && !a.movienet)) {
        cli_errorf("%s: need %s (see --help)", cmd,
                   ground ? "--stories FILE, --context FILE and --out DIR"
                          : "--stories FILE, --movienet DIR and --out DIR");
        goto done;
    }
    if (cli_llm_finish(&llm, cmd, a.out, a.quiet))
        goto done;
    status = run(ground, &a, &llm, cmd);
done:
    free(a.only.items);
    cli_llm_free(&llm);
    return status;
}

int cmd_generate(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "ground"))
        return generate(1, argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "tell"))
        return generate(0, argc - 1, argv + 1);
    if (argc >= 2 && !cli_is_help(argv[1])) {
        cli_errorf("generate: '%s' is not a generate command (ground, tell)", argv[1]);
        return 2;
    }
    fputs(cli_help_generate, argc >= 2 ? stdout : stderr);
    return argc >= 2 ? 0 : 2;
}
