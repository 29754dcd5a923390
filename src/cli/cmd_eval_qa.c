/* cmd_eval_qa.c - storymovie eval qa make|run (library: src/eval/qa.c,
 * qa_run.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/context.h"
#include "storymovie/eval_qa.h"
#include "storymovie/io.h"
#include "storymovie/story.h"


/* The options of both subcommands; each takes its own. */
typedef struct qa_args {
    const char *context, *out, *show, *questions, *stories, *name, *grader;
    const char *per_category;
    int quiet;
} qa_args;

/* -1: go on; 0: --help printed; 2: a usage error (printed). */
static int parse_args(const char *cmd, int run, int argc, char **argv, qa_args *a, cli_llm *opts)
{
    const struct {
        const char *opt;
        const char **slot;
        int run;                  /* 0: make, 1: run, 2: both */
    } table[] = {
        {"--context", &a->context, 0},   {"--show-prompt", &a->show, 0}, {"--per-category", &a->per_category, 0},
        {"--questions", &a->questions, 1}, {"--stories", &a->stories, 1}, {"--name", &a->name, 1},
        {"--grader-model", &a->grader, 1}, {"--out", &a->out, 2},
    };
    memset(a, 0, sizeof *a);
    cli_llm_init(opts, CLI_LLM_BODY);
    opts->params.has_temperature = 1;
    opts->params.temperature = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int taken = cli_llm_option(opts, cmd, argc, argv, &i);
        if (taken < 0)
            return 2;
        if (taken)
            continue;
        if (cli_is_help(arg)) {
            fputs(cli_help_eval_qa, stdout);
            return 0;
        }
        if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
            a->quiet = 1;
            continue;
        }
        size_t k = 0, n = sizeof table / sizeof table[0];
        while (k < n && (strcmp(arg, table[k].opt) || (table[k].run != 2 && table[k].run != run)))
            k++;
        if (k == n || i + 1 >= argc) {
            cli_errorf("%s: unknown option or missing value '%s' (see --help)", cmd, arg);
            return 2;
        }
        *table[k].slot = argv[++i];
    }
    return -1;
}

static int qa_make(int argc, char **argv)
{
    qa_args a;
    cli_llm opts;
    int rc = parse_args("eval qa make", 0, argc, argv, &a, &opts);
    if (rc >= 0)
        return rc;
    long per_category = 2;
    if (a.per_category && cli_option_long("eval qa make", "--per-category", a.per_category, 1, 50, &per_category))
        return 2;
    const char *ctx_path = a.context, *out = a.out, *show = a.show;
    int quiet = a.quiet;
    if (!ctx_path || (!out && !show)) {
        cli_errorf("eval qa make: need --context C and --out Q.jsonl (see --help)");
        return 2;
    }
    char *dir = out ? sm_path_dir(out) : NULL;
    if (out && !dir) {
        cli_errorf("eval qa make: out of memory");
        return 1;
    }
    if (!show && cli_llm_finish(&opts, "eval qa make", dir, quiet)) {
        free(dir);
        return 2;
    }
    sm_error err;
    sm_context_set ctx;
    int status = 1;
    if (sm_context_read_file(ctx_path, &ctx, &err)) {
        cli_report(&err);
        free(dir);
        cli_llm_free(&opts);
        return 1;
    }
    if (show) {
        const sm_context *c = sm_context_find(&ctx, show);
        char *prompt = c ? sm_qa_make_prompt(c, (int)per_category) : NULL;
        if (!c)
            cli_errorf("%s: no story '%s' in it", ctx_path, show);
        else if (!prompt)
            cli_errorf("eval qa make: out of memory");
        else {
            printf("---- system\n%s\n---- user\n%s\n", sm_qa_make_system_prompt, prompt);
            status = 0;
        }
        free(prompt);
        goto done;
    }
    sm_qa_make_options o = {.params = &opts.params, .per_category = (int)per_category, .out_path = out};
    sm_qa_make_result res;
    sm_llm *llm = sm_mkdir_p(dir, &err) ? NULL : sm_llm_open(&opts.opt, &err);
    if (!llm || sm_qa_make_run(llm, &o, &ctx, &res, &err)) {
        cli_report(&err);
        goto done;
    }
    if (!quiet) {
        fprintf(stderr, "%zu stories: %zu questions kept (", res.stories, res.questions);
        for (int k = 0; k < SM_QA_CATEGORIES; k++)
            fprintf(stderr, "%s%zu %s", k ? ", " : "", res.by_category[k], sm_qa_category_name(k));
        fprintf(stderr, "), %zu dropped, %zu answers unreadable", res.dropped, res.unreadable);
        if (res.pending)
            fprintf(stderr, ", %zu stories pending (requests written to %s)", res.pending, opts.opt.requests_out);
        fprintf(stderr, "\n");
    }
    status = 0;
    if (res.failed) {
        cli_errorf("eval qa make: %zu stories got no answer (run again to ask them)", res.failed);
        status = 1;
    }
done:
    free(dir);
    sm_context_set_free(&ctx);
    cli_llm_free(&opts);
    return status;
}

static void print_run(const sm_qa_run_result *r, const char *out)
{
    fprintf(stderr, "%zu questions asked", r->questions);
    if (r->no_story)
        fprintf(stderr, " (%zu left out: their story is not in the stories file)", r->no_story);
    fputc('\n', stderr);
    for (int k = 0; k <= SM_QA_CATEGORIES; k++) {
        const sm_qa_tally *t = k < SM_QA_CATEGORIES ? &r->category[k] : &r->overall;
        fprintf(stderr, "  %-13s ", k < SM_QA_CATEGORIES ? sm_qa_category_name(k) : "overall");
        if (t->has_rate)
            fprintf(stderr, "%5.1f%% [%.1f, %.1f]  %zu of %zu", 100 * t->accuracy, 100 * t->ci[0], 100 * t->ci[1],
                    t->correct, t->n);
        else
            fprintf(stderr, "no question graded");
        if (t->invalid)
            fprintf(stderr, "; %zu invalid", t->invalid);
        if (t->failed)
            fprintf(stderr, "; %zu failed", t->failed);
        if (t->pending)
            fprintf(stderr, "; %zu pending", t->pending);
        fputc('\n', stderr);
    }
    fprintf(stderr, "answers: %s/answers.jsonl, summary: %s/summary.json\n", out, out);
}

static int qa_run(int argc, char **argv)
{
    qa_args a;
    cli_llm opts;
    int rc = parse_args("eval qa run", 1, argc, argv, &a, &opts);
    if (rc >= 0)
        return rc;
    const char *q_path = a.questions, *s_path = a.stories, *out = a.out, *name = a.name, *grader = a.grader;
    int quiet = a.quiet;
    if (!q_path || !s_path || !out) {
        cli_errorf("eval qa run: need --questions, --stories and --out (see --help)");
        return 2;
    }
    if (cli_llm_finish(&opts, "eval qa run", out, quiet))
        return 2;
    sm_llm_params grade = opts.params;
    if (grader)
        grade.model = grader;
    sm_qa_run_options o = {.answer_params = &opts.params, .grade_params = &grade, .out_dir = out,
                           .questions_path = q_path, .stories_path = s_path, .name = name ? name : s_path};
    sm_error err;
    sm_qa_set q;
    sm_story_set s;
    memset(&s, 0, sizeof s);
    int status = 1;
    if (sm_qa_read_file(q_path, &q, &err)) {
        cli_report(&err);
        cli_llm_free(&opts);
        return 1;
    }
    if (sm_story_read_file(s_path, &s, &err)) {
        cli_report(&err);
        goto done;
    }
    sm_qa_run_result res;
    sm_llm *llm = sm_mkdir_p(out, &err) ? NULL : sm_llm_open(&opts.opt, &err);
    if (!llm || sm_qa_run(llm, &o, &q, &s, &res, &err)) {
        cli_report(&err);
        goto done;
    }
    if (!quiet)
        print_run(&res, out);
    status = 0;
    if (res.failed_requests) {
        cli_errorf("eval qa run: %ld requests got no answer; their questions are left out (run again to ask "
                   "them)", res.failed_requests);
        status = 1;
    } else if (res.written_requests && !quiet) {
        fprintf(stderr, "%ld requests written to %s: run them, then run this again with --responses RESULTS "
                        "(answers first, then their grades: two rounds)\n",
                res.written_requests, opts.opt.requests_out);
    }
done:
    sm_qa_set_free(&q);
    sm_story_set_free(&s);
    cli_llm_free(&opts);
    return status;
}

int cmd_eval_qa(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "make"))
        return qa_make(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return qa_run(argc - 1, argv + 1);
    if (argc >= 2 && !cli_is_help(argv[1])) {
        cli_errorf("eval qa: '%s' is not a qa command (make, run)", argv[1]);
        return 2;
    }
    fputs(cli_help_eval_qa, argc >= 2 ? stdout : stderr);
    return argc >= 2 ? 0 : 2;
}
