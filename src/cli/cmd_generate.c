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
    const char **only;
    size_t n_only;
    long max_attempts, samples;
    int quiet;
} args;

static int parse(int argc, char **argv, const char *cmd, const char *help, cli_llm *llm, args *a)
{
    memset(a, 0, sizeof *a);
    a->max_attempts = 3;
    a->samples = 1;
    a->only = calloc((size_t)argc, sizeof *a->only);
    if (!a->only)
        return -1;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        int taken = cli_llm_option(llm, cmd, argc, argv, &i);
        if (taken < 0)
            return -1;
        if (taken)
            continue;
        if (cli_is_help(o)) {
            fputs(help, stdout);
            return 1;
        }
        int has = i + 1 < argc;
        if (!strcmp(o, "-q") || !strcmp(o, "--quiet"))
            a->quiet = 1;
        else if (!strcmp(o, "--stories") && has)
            a->stories = argv[++i];
        else if (!strcmp(o, "--context") && has)
            a->context = argv[++i];
        else if (!strcmp(o, "--out") && has)
            a->out = argv[++i];
        else if (!strcmp(o, "--movienet") && has)
            a->movienet = argv[++i];
        else if (!strcmp(o, "--story") && has)
            a->only[a->n_only++] = argv[++i];
        else if (!strcmp(o, "--show-prompt") && has)
            a->show_prompt = argv[++i];
        else if (!strcmp(o, "--max-attempts") && has) {
            if (cli_option_long(cmd, o, argv[++i], 1, 20, &a->max_attempts))
                return -1;
        } else if (!strcmp(o, "--samples") && has) {
            if (cli_option_long(cmd, o, argv[++i], 1, 1000, &a->samples))
                return -1;
        } else {
            cli_errorf("%s: unknown option or missing value '%s' (see --help)", cmd, o);
            return -1;
        }
    }
    return 0;
}

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
    o.only = a->n_only ? a->only : NULL;
    o.n_only = a->n_only;
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
    args a;
    int status = 2;
    int p = parse(argc, argv, cmd, ground ? cli_help_generate_ground : cli_help_generate_tell, &llm, &a);
    if (p != 0) {
        status = p > 0 ? 0 : 2;
        goto done;
    }
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
    free(a.only);
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
