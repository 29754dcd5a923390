/* cmd_eval_report.c - storymovie eval report: one table per kind of score for
 * a set of models (library: src/eval/report.c, report_write.c). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_report.h"

int cmd_eval_report(int argc, char **argv)
{
    const char *out = NULL;
    int quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT("--out", CLI_STRING, &out),
        CLI_OPT("-q", CLI_FLAG, &quiet),
        CLI_END};
    const char **dirs = calloc((size_t)argc, sizeof *dirs);
    if (!dirs) {
        cli_errorf("eval report: out of memory");
        return 1;
    }
    cli_rest rest = {dirs, (size_t)argc, 0, NULL, NULL};
    int status = cli_parse("eval report", cli_help_eval_report, opts, &rest, argc, argv);
    if (status < 0 && rest.n == 0) {
        cli_errorf("eval report: name at least one model directory (see --help)");
        status = 2;
    }
    if (status >= 0) {
        free(dirs);
        return status;
    }
    sm_error err;
    char *md = NULL;
    sm_report *r = sm_report_load(dirs, rest.n, &err);
    status = !r || sm_report_write(r, out, &md, &err);
    if (status)
        cli_report(&err);
    else if (!quiet)
        fputs(md, stdout);
    sm_report_free(r);
    free(md);
    free(dirs);
    return status;
}
