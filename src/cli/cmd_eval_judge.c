/* cmd_eval_judge.c - storymovie eval judge: pairwise LLM judge of two story
 * sets (library: src/eval/judge.c, judge_run.c, judge_files.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_judge.h"

/* --criteria subtitle,synopsis,description (any of them) */
static int parse_criteria(const char *cmd, const char *opt, const char *list, void *dst)
{
    unsigned *mask = dst;
    *mask = 0;
    for (const char *p = list; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        int k = sm_judge_criterion_parse(p, n);
        if (k < 0) {
            cli_errorf("%s: %s: '%.*s' is not a criterion (subtitle, synopsis, description)", cmd, opt, (int)n, p);
            return -1;
        }
        *mask |= 1u << k;
        p += n + (comma != NULL);
    }
    if (!*mask) {
        cli_errorf("%s: %s names no criterion", cmd, opt);
        return -1;
    }
    return 0;
}

/* After the run: the summary, and what is left to do.  The exit status. */
static int finish(const sm_judge_result *res, unsigned criteria, const char *out, const cli_llm *llm, int quiet)
{
    if (!quiet)
        sm_judge_report(stderr, res, criteria, out);
    if (res->failed_requests) {
        cli_errorf("eval judge: %ld requests got no answer; their stories are left out (run again to ask them)",
                   res->failed_requests);
        return 1;
    }
    if (res->written_requests && !quiet)
        fprintf(stderr, "%ld requests written to %s: run them (e.g. vLLM run_batch), then run this again with "
                        "--responses RESULTS\n", res->written_requests, llm->opt.requests_out);
    return 0;
}

int cmd_eval_judge(int argc, char **argv)
{
    const char *ctx_path = NULL, *show = NULL;
    long resamples = 10000, seed = 20260101;
    int quiet = 0;
    cli_llm llm;
    cli_llm_init(&llm, CLI_LLM_BODY);
    llm.params.has_temperature = 1;
    llm.params.temperature = 0;
    sm_judge_options o = {.params = &llm.params, .criteria = (1u << SM_JUDGE_CRITERIA) - 1};
    const cli_opt opts[] = {
        CLI_OPT("--a", CLI_STRING, &o.a_path),
        CLI_OPT("--b", CLI_STRING, &o.b_path),
        CLI_OPT("--context", CLI_STRING, &ctx_path),
        CLI_OPT("--out", CLI_STRING, &o.out_dir),
        CLI_OPT("--a-name", CLI_STRING, &o.a_name),
        CLI_OPT("--b-name", CLI_STRING, &o.b_name),
        CLI_OPT("--show-prompt", CLI_STRING, &show),
        /* --model under the name the judge's help gives it */
        CLI_OPT("--judge-model", CLI_STRING, &llm.params.model),
        CLI_CALLBACK("--criteria", parse_criteria, &o.criteria),
        CLI_RANGE("--resamples", CLI_LONG, &resamples, 1, 10000000),
        CLI_RANGE("--bootstrap-seed", CLI_LONG, &seed, 0, 2147483647L),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    cli_rest rest = {NULL, 0, 0, cli_llm_more, &llm};
    int status = cli_parse("eval judge", cli_help_eval_judge, opts, &rest, argc, argv);
    if (status < 0 && (!o.a_path || !o.b_path || !ctx_path || (!o.out_dir && !show))) {
        cli_errorf("eval judge: need --a, --b, --context and --out (see --help)");
        status = 2;
    }
    if (status < 0 && show && !llm.params.model)
        llm.params.model = getenv("STORYMOVIE_MODEL") ? getenv("STORYMOVIE_MODEL") : "JUDGE-MODEL";
    if (status < 0 && !show && cli_llm_finish(&llm, "eval judge", o.out_dir, quiet))
        status = 2;
    if (status >= 0) {
        cli_llm_free(&llm);
        return status;
    }
    o.resamples = (size_t)resamples;
    o.seed = (uint64_t)seed;
    o.a_name = o.a_name ? o.a_name : o.a_path;
    o.b_name = o.b_name ? o.b_name : o.b_path;
    sm_error err;
    sm_judge_result res;
    if (show ? sm_judge_show_prompt_files(stdout, &o, ctx_path, show, &err)
             : sm_judge_run_files(&o, ctx_path, &llm.opt, &res, &err)) {
        cli_report(&err);
        status = 1;
    } else {
        status = show ? 0 : finish(&res, o.criteria, o.out_dir, &llm, quiet);
    }
    cli_llm_free(&llm);
    return status;
}
