/* cmd_llm.c - storymovie llm run: send a Batch input file, write Batch
 * output (the library's sm_llm_batch_run, include/storymovie/llm_batch.h). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_llm.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/llm_batch.h"


static int llm_run(int argc, char **argv)
{
    const char *requests = NULL, *out = NULL;
    int quiet = 0;
    cli_llm opts;
    cli_llm_init(&opts, 0);
    const cli_opt table[] = {
        CLI_OPT("--requests", CLI_STRING, &requests),
        CLI_OPT("--out", CLI_STRING, &out),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    cli_rest rest = {NULL, 0, 0, cli_llm_more, &opts};
    int rc = cli_parse("llm run", cli_help_llm, table, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    if (!requests || !out) {
        cli_errorf("llm run: need --requests FILE and --out DIR (see --help)");
        return 2;
    }
    if (cli_llm_finish(&opts, "llm run", out, quiet))
        return 2;
    sm_llm_batch_request req = {requests, out, &opts.opt, quiet ? NULL : stderr};
    sm_llm_batch_result res;
    sm_error err;
    int status = 0;
    if (sm_llm_batch_run(&req, &res, &err)) {
        cli_report(&err);
        status = 1;
    } else if (res.failed) {
        cli_errorf("llm run: %ld of %zu requests have no whole answer (see %s/results.jsonl)", res.failed,
                   res.requests, out);
        status = 1;
    }
    cli_llm_free(&opts);
    return status;
}

int cmd_llm(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return llm_run(argc - 1, argv + 1);
    if (argc >= 2 && !cli_is_help(argv[1])) {
        cli_errorf("llm: '%s' is not an llm command (llm run)", argv[1]);
        return 2;
    }
    fputs(cli_help_llm, argc >= 2 ? stdout : stderr);
    return argc >= 2 ? 0 : 2;
}
