/* cmd_subs.c - storymovie subs: read a subtitle file, print its segments as
 * JSON Lines. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/io.h"
#include "storymovie/subtitle.h"

int cmd_subs(int argc, char **argv)
{
    const char *out_path = NULL, *in_path = NULL;
    int stats = 0, quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT("-o|--output", CLI_STRING, &out_path),
        CLI_OPT("--stats", CLI_FLAG, &stats),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    cli_rest rest = {&in_path, 1, 0, NULL, NULL};
    int rc = cli_parse("subs", cli_help_subs, opts, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    if (!in_path) {
        cli_errorf("subs: no input file (see 'storymovie subs --help')");
        return 2;
    }
    sm_error err;
    sm_subtitles subs;
    if (sm_subtitles_read_file(in_path, &subs, &err)) {
        cli_report(&err);
        return 1;
    }
    if (!quiet)
        cli_print_warnings(in_path, &subs.warnings, 20);
    sm_output out;
    int status = cli_open_output(&out, out_path) != 0 ||
                 cli_finish_output(&out, sm_subtitles_write_jsonl(out.fp, &subs) != 0) != 0;
    if (status == 0 && stats)
        sm_subtitles_print_stats(stderr, in_path, &subs);
    sm_subtitles_free(&subs);
    return status;
}
