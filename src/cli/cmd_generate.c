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


/* --show-prompt ID: the first prompt of one story on standard output. */
static int show_prompt(const char *cmd, const char *stories, const char *context, const char *id)
{
    if (!stories || !context) {
        cli_errorf("%s: --show-prompt needs --stories FILE and --context FILE", cmd);
        return 2;
    }
    sm_error err;
    char *text = sm_generate_ground_prompt(stories, context, id, &err);
    if (!text) {
        cli_report(&err);
        return 1;
    }
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
    return 0;
}

/* The run and its report; 0 or 1 as the exit status. */
static int run(int ground, const char *stories, const char *context, const sm_generate_options *o, int quiet,
               const char *cmd)
{
    sm_generate_result r;
    sm_error err;
    int rc = ground ? sm_generate_ground(stories, context, o, &r, &err) : sm_generate_tell(stories, o, &r, &err);
    if (rc != 0) {
        cli_report(&err);
        return 1;
    }
    if (!quiet && ground)
        fprintf(stderr, "storymovie: generate ground: %ld stories: %ld passed, %ld failed verification, %ld "
                "without an answer, %ld without a context record, %ld waiting for a batch run (%ld requests: "
                "%ld cached, %ld from --responses, %ld sent); %s/stories.jsonl\n", r.stories, r.passed,
                r.failed_verification, r.no_answer, r.no_context, r.pending, r.requests, r.cached,
                r.from_responses, r.sent, o->out_dir);
    else if (!quiet)
        fprintf(stderr, "storymovie: generate tell: %ld stories x %d samples: %ld records (%ld parsed ok), "
                "%ld without an answer, %ld waiting for a batch run (%ld requests: %ld cached, %ld from "
                "--responses, %ld sent); %s/stories.jsonl\n", r.stories, o->samples, r.records, r.passed,
                r.no_answer, r.pending, r.requests, r.cached, r.from_responses, r.sent, o->out_dir);
    if (r.no_answer) {
        cli_errorf("%s: %ld %s without a usable answer (see %s/failures.jsonl); run again to ask again", cmd,
                   r.no_answer, ground ? "stories" : "samples", o->out_dir);
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
    sm_generate_options o;
    sm_generate_options_init(&o);
    const char *stories = NULL, *context = NULL, *prompt_of = NULL;
    cli_list only = {NULL, 0};
    int quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_OPT("--stories", CLI_STRING, &stories),
        CLI_OPT("--context", CLI_STRING, &context),
        CLI_OPT("--out", CLI_STRING, &o.out_dir),
        CLI_OPT("--movienet", CLI_STRING, &o.movienet),
        CLI_OPT("--story", CLI_LIST, &only),
        CLI_OPT("--show-prompt", CLI_STRING, &prompt_of),
        CLI_RANGE("--max-attempts", CLI_INT, &o.max_attempts, 1, 20),
        CLI_RANGE("--samples", CLI_INT, &o.samples, 1, 1000),
        CLI_END};
    cli_rest rest = {NULL, 0, 0, cli_llm_more, &llm};
    int status = cli_parse(cmd, ground ? cli_help_generate_ground : cli_help_generate_tell, opts, &rest, argc, argv);
    if (status < 0 && ground && prompt_of) {
        status = show_prompt(cmd, stories, context, prompt_of);
    } else if (status < 0 && (!stories || !o.out_dir || (ground && !context) || (!ground && !o.movienet))) {
        cli_errorf("%s: need %s (see --help)", cmd,
                   ground ? "--stories FILE, --context FILE and --out DIR"
                          : "--stories FILE, --movienet DIR and --out DIR");
        status = 2;
    } else if (status < 0 && cli_llm_finish(&llm, cmd, o.out_dir, quiet)) {
        status = 2;
    } else if (status < 0) {
        o.llm = llm.opt;
        o.params = llm.params;
        o.only = only.items;
        o.n_only = only.n;
        o.log = stderr;
        status = run(ground, stories, context, &o, quiet, cmd);
    }
    free(only.items);
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
