/* cmd_eval_judge.c - storymovie eval judge: pairwise LLM judge of two story
 * sets (library: src/eval/judge.c, judge_run.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/context.h"
#include "storymovie/eval_judge.h"
#include "storymovie/io.h"
#include "storymovie/story.h"


static int parse_criteria(const char *list, unsigned *mask)
{
    *mask = 0;
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int k = sm_judge_criterion_parse(p, n);
        if (k < 0) {
            cli_errorf("eval judge: --criteria: '%.*s' is not a criterion (subtitle, synopsis, description)",
                       (int)n, p);
            return -1;
        }
        *mask |= 1u << k;
        p += n + (comma != NULL);
    }
    if (!*mask) {
        cli_errorf("eval judge: --criteria names no criterion");
        return -1;
    }
    return 0;
}

static void print_summary(const sm_judge_result *r, unsigned criteria, const char *out)
{
    fprintf(stderr, "%zu stories judged", r->pairs);
    if (r->unpaired_a || r->unpaired_b || r->no_context)
        fprintf(stderr, " (left out: %zu of A without a B story, %zu of B without an A story, %zu without a "
                        "context record)", r->unpaired_a, r->unpaired_b, r->no_context);
    fprintf(stderr, "\n");
    for (int k = 0; k < SM_JUDGE_CRITERIA; k++) {
        if (!(criteria & (1u << k)))
            continue;
        const sm_judge_tally *t = &r->tally[k];
        fprintf(stderr, "  %-11s ", sm_judge_criterion_name(k));
        if (t->has_rate)
            fprintf(stderr, "win rate %5.1f%% [%.1f, %.1f]  n %zu: %zu wins, %zu ties (%zu inconsistent), "
                            "%zu losses", 100 * t->win_rate, 100 * t->ci[0], 100 * t->ci[1], t->n, t->wins,
                    t->ties, t->inconsistent, t->losses);
        else
            fprintf(stderr, "no story judged");
        if (t->invalid)
            fprintf(stderr, "; %zu invalid", t->invalid);
        if (t->failed)
            fprintf(stderr, "; %zu failed", t->failed);
        if (t->pending)
            fprintf(stderr, "; %zu pending", t->pending);
        if (t->no_reference)
            fprintf(stderr, "; %zu without reference", t->no_reference);
        fputc('\n', stderr);
    }
    fprintf(stderr, "verdicts: %s/verdicts.jsonl, summary: %s/summary.json\n", out, out);
}

int cmd_eval_judge(int argc, char **argv)
{
    const char *a_path = NULL, *b_path = NULL, *ctx_path = NULL, *out = NULL, *show = NULL;
    const char *a_name = NULL, *b_name = NULL;
    unsigned criteria = (1u << SM_JUDGE_CRITERIA) - 1;
    long resamples = 10000, seed = 20260101;
    int quiet = 0;
    cli_llm opts;
    cli_llm_init(&opts, CLI_LLM_BODY);
    opts.params.has_temperature = 1;
    opts.params.temperature = 0;
    for (int i = 1; i < argc; i++) {
        char *arg = argv[i];
        int at = i;
        if (!strcmp(arg, "--judge-model"))
            argv[at] = (char *)"--model";     /* one option, two names */
        int taken = cli_llm_option(&opts, "eval judge", argc, argv, &i);
        argv[at] = arg;
        if (taken < 0)
            return 2;
        if (taken)
            continue;
        int has_value = i + 1 < argc;
        if (cli_is_help(arg)) {
            fputs(cli_help_eval_judge, stdout);
            return 0;
        } else if (!strcmp(arg, "--a") && has_value) {
            a_path = argv[++i];
        } else if (!strcmp(arg, "--b") && has_value) {
            b_path = argv[++i];
        } else if (!strcmp(arg, "--context") && has_value) {
            ctx_path = argv[++i];
        } else if (!strcmp(arg, "--out") && has_value) {
            out = argv[++i];
        } else if (!strcmp(arg, "--a-name") && has_value) {
            a_name = argv[++i];
        } else if (!strcmp(arg, "--b-name") && has_value) {
            b_name = argv[++i];
        } else if (!strcmp(arg, "--show-prompt") && has_value) {
            show = argv[++i];
        } else if (!strcmp(arg, "--criteria") && has_value) {
            if (parse_criteria(argv[++i], &criteria))
                return 2;
        } else if (!strcmp(arg, "--resamples") && has_value) {
            if (cli_option_long("eval judge", arg, argv[++i], 1, 10000000, &resamples))
                return 2;
        } else if (!strcmp(arg, "--bootstrap-seed") && has_value) {
            if (cli_option_long("eval judge", arg, argv[++i], 0, 2147483647L, &seed))
                return 2;
        } else if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
            quiet = 1;
        } else {
            cli_errorf("eval judge: unknown option or missing value '%s' (see --help)", arg);
            return 2;
        }
    }
    if (!a_path || !b_path || !ctx_path || (!out && !show)) {
        cli_errorf("eval judge: need --a, --b, --context and --out (see --help)");
        return 2;
    }
    if (show && !opts.params.model)
        opts.params.model = getenv("STORYMOVIE_MODEL") ? getenv("STORYMOVIE_MODEL") : "JUDGE-MODEL";
    if (!show && cli_llm_finish(&opts, "eval judge", out, quiet))
        return 2;

    sm_judge_options o = {
        .params = &opts.params, .criteria = criteria, .resamples = (size_t)resamples, .seed = (uint64_t)seed,
        .out_dir = out, .a_name = a_name ? a_name : a_path, .b_name = b_name ? b_name : b_path,
        .a_path = a_path, .b_path = b_path,
    };
    sm_error err;
    sm_context_set ctx;
    sm_story_set a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int status = 1;
    if (sm_context_read_file(ctx_path, &ctx, &err)) {
        cli_report(&err);
        cli_llm_free(&opts);
        return 1;
    }
    if (sm_story_read_file(a_path, &a, &err) || sm_story_read_file(b_path, &b, &err)) {
        cli_report(&err);
        goto done;
    }
    if (show) {
        if (sm_judge_show_prompt(stdout, &o, &a, &b, &ctx, show, &err))
            cli_report(&err);
        else
            status = 0;
        goto done;
    }
    sm_llm *llm = sm_mkdir_p(out, &err) ? NULL : sm_llm_open(&opts.opt, &err);
    sm_judge_result res;
    if (!llm || sm_judge_run(llm, &o, &a, &b, &ctx, &res, &err)) {
        cli_report(&err);
        goto done;
    }
    if (!quiet)
        print_summary(&res, criteria, out);
    status = 0;
    if (res.failed_requests) {
        cli_errorf("eval judge: %ld requests got no answer; their stories are left out (run again to ask them)",
                   res.failed_requests);
        status = 1;
    } else if (res.written_requests && !quiet) {
        fprintf(stderr, "%ld requests written to %s: run them (e.g. vLLM run_batch), then run this again with "
                        "--responses RESULTS\n", res.written_requests, opts.opt.requests_out);
    }
done:
    sm_story_set_free(&a);
    sm_story_set_free(&b);
    sm_context_set_free(&ctx);
    cli_llm_free(&opts);
    return status;
}
