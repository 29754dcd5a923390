/* cmd_eval_dialogue.c - storymovie eval dialogue: dialogue fidelity and
 * attribution accuracy (library: src/eval/dialogue.c, dialogue_run.c). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_dialogue.h"

static void print_totals(const sm_dialogue_totals *t)
{
    const sm_dialogue_counts *total = &t->total;
    fprintf(stderr, "%zu stories: %zu quotations, %zu found in the subtitles", t->scored, total->quotes,
            total->found);
    if (total->quotes)
        fprintf(stderr, " (fidelity %.1f%%)", 100.0 * (double)total->found / (double)total->quotes);
    fprintf(stderr, "; %zu attributed, %zu checkable, %zu to the right speaker", total->attributed,
            total->checkable, total->correct);
    if (total->checkable)
        fprintf(stderr, " (attribution accuracy %.1f%%)", 100.0 * (double)total->correct / (double)total->checkable);
    fputc('\n', stderr);
}

int cmd_eval_dialogue(int argc, char **argv)
{
    sm_eval_dialogue_request req = {0};
    int quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT("--stories", CLI_STRING, &req.stories_path),
        CLI_OPT("--context", CLI_STRING, &req.context_path),
        CLI_OPT("-o|--output", CLI_STRING, &req.out_path),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    int rc = cli_parse("eval dialogue", cli_help_eval_dialogue, opts, NULL, argc, argv);
    if (rc >= 0)
        return rc;
    if (!req.stories_path || !req.context_path) {
        cli_errorf("eval dialogue: --stories and --context are required; see 'storymovie eval dialogue --help'");
        return 2;
    }
    sm_error err;
    sm_dialogue_totals t;
    if (sm_eval_dialogue_run(&req, &t, &err)) {
        cli_report(&err);
        sm_dialogue_totals_free(&t);
        return 1;
    }
    if (!quiet)
        print_totals(&t);
    if (t.no_context) {
        /* The stories left out for want of a context record: one line. */
        fprintf(stderr, "%s: eval dialogue: %zu stories without a context record (not scored):", sm_progname,
                t.no_context);
        for (size_t i = 0; i < t.n_no_context_ids; i++)
            fprintf(stderr, " %s", t.no_context_ids[i]);
        fprintf(stderr, "%s\n", t.no_context > t.n_no_context_ids ? " ..." : "");
    }
    sm_dialogue_totals_free(&t);
    return 0;
}
