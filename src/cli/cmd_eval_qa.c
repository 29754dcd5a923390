/* cmd_eval_qa.c - storymovie eval qa make|run (library: src/eval/qa.c,
 * qa_run.c, qa_files.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_qa.h"
#include "storymovie/io.h"

/* The model options' defaults of both subcommands, then the command line
 * read by opts.  -1 to go on, else the exit status (help, usage error). */
static int parse_args(const char *cmd, const cli_opt *opts, cli_llm *llm, int argc, char **argv)
{
    cli_llm_init(llm, CLI_LLM_BODY);
    llm->params.has_temperature = 1;
    llm->params.temperature = 0;
    cli_rest rest = {NULL, 0, 0, cli_llm_more, llm};
    return cli_parse(cmd, cli_help_eval_qa, opts, &rest, argc, argv);
}

static int qa_make(int argc, char **argv)
{
    const char *ctx_path = NULL, *show = NULL;
    int quiet = 0, per_category = 2;
    cli_llm llm;
    sm_qa_make_options o = {.params = &llm.params};
    const cli_opt opts[] = {
        CLI_OPT("--context", CLI_STRING, &ctx_path),
        CLI_OPT("--out", CLI_STRING, &o.out_path),
        CLI_OPT("--show-prompt", CLI_STRING, &show),
        CLI_RANGE("--per-category", CLI_INT, &per_category, 1, 50),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    int status = parse_args("eval qa make", opts, &llm, argc, argv);
    if (status < 0 && (!ctx_path || (!o.out_path && !show))) {
        cli_errorf("eval qa make: need --context C and --out Q.jsonl (see --help)");
        status = 2;
    }
    char *dir = status < 0 && o.out_path ? sm_path_dir(o.out_path) : NULL;
    if (status < 0 && o.out_path && !dir) {
        cli_errorf("eval qa make: out of memory");
        status = 1;
    }
    if (status < 0 && !show && cli_llm_finish(&llm, "eval qa make", dir, quiet))
        status = 2;
    free(dir);
    if (status >= 0) {
        cli_llm_free(&llm);
        return status;
    }
    o.per_category = per_category;
    sm_error err;
    sm_qa_make_result res;
    if (show ? sm_qa_make_show_prompt(stdout, ctx_path, show, per_category, &err)
             : sm_qa_make_files(&o, ctx_path, &llm.opt, &res, &err)) {
        cli_report(&err);
        status = 1;
    } else if (show) {
        status = 0;
    } else {
        if (!quiet)
            sm_qa_make_report(stderr, &res, llm.opt.requests_out);
        status = res.failed != 0;
        if (res.failed)
            cli_errorf("eval qa make: %zu stories got no answer (run again to ask them)", res.failed);
    }
    cli_llm_free(&llm);
    return status;
}

static int qa_run(int argc, char **argv)
{
    const char *grader = NULL;
    int quiet = 0;
    cli_llm llm;
    sm_llm_params grade;
    sm_qa_run_options o = {.answer_params = &llm.params, .grade_params = &grade};
    const cli_opt opts[] = {
        CLI_OPT("--questions", CLI_STRING, &o.questions_path),
        CLI_OPT("--stories", CLI_STRING, &o.stories_path),
        CLI_OPT("--out", CLI_STRING, &o.out_dir),
        CLI_OPT("--name", CLI_STRING, &o.name),
        CLI_OPT("--grader-model", CLI_STRING, &grader),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    int status = parse_args("eval qa run", opts, &llm, argc, argv);
    if (status < 0 && (!o.questions_path || !o.stories_path || !o.out_dir)) {
        cli_errorf("eval qa run: need --questions, --stories and --out (see --help)");
        status = 2;
    }
    if (status < 0 && cli_llm_finish(&llm, "eval qa run", o.out_dir, quiet))
        status = 2;
    if (status >= 0) {
        cli_llm_free(&llm);
        return status;
    }
    grade = llm.params;
    grade.model = grader ? grader : grade.model;
    o.name = o.name ? o.name : o.stories_path;
    sm_error err;
    sm_qa_run_result res;
    status = 1;
    if (sm_qa_run_files(&o, &llm.opt, &res, &err)) {
        cli_report(&err);
    } else {
        if (!quiet)
            sm_qa_run_report(stderr, &res, o.out_dir);
        status = res.failed_requests != 0;
        if (res.failed_requests)
            cli_errorf("eval qa run: %ld requests got no answer; their questions are left out (run again to ask "
                       "them)", res.failed_requests);
        else if (res.written_requests && !quiet)
            fprintf(stderr, "%ld requests written to %s: run them, then run this again with --responses RESULTS "
                            "(answers first, then their grades: two rounds)\n",
                    res.written_requests, llm.opt.requests_out);
    }
    cli_llm_free(&llm);
    return status;
}

static void usage(FILE *f)
{
    fputs(cli_help_eval_qa, f);
}

int cmd_eval_qa(int argc, char **argv)
{
    static const cli_sub subs[] = {{"make", qa_make}, {"run", qa_run}};
    return cli_dispatch(argc, argv, subs, 2, usage, 0, "eval qa: '%s' is not a qa command (make, run)");
}
