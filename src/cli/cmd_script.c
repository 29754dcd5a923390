/* cmd_script.c - storymovie script: a screenplay as JSON Lines blocks. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/io.h"
#include "storymovie/script.h"

int cmd_script(int argc, char **argv)
{
    const char *out_path = NULL, *path = NULL, *format_name = NULL;
    int stats = 0;
    const cli_opt opts[] = {
        CLI_OPT("-o|--output", CLI_STRING, &out_path),
        CLI_OPT("-f|--format", CLI_STRING, &format_name),
        CLI_OPT("--stats", CLI_FLAG, &stats),
        CLI_END};
    cli_rest rest = {&path, 1, 0, NULL, NULL};
    int rc = cli_parse("script", cli_help_script, opts, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    if (!path) {
        fputs(cli_help_script, stderr);
        return 2;
    }
    sm_script_format format = SM_SCRIPT_PLAIN;
    if (format_name && sm_script_format_from_name(format_name, &format) < 0) {
        cli_errorf("script: unknown format '%s' (plain, fountain or transcript)", format_name);
        return 2;
    }
    sm_error err;
    sm_script s;
    if (sm_script_read(path, format_name ? &format : NULL, &s, &err) < 0) {
        cli_report(&err);
        return 1;
    }
    cli_print_warnings(path, &s.warnings, 20);
    sm_output out;
    int status = cli_open_output(&out, out_path) != 0 ||
                 cli_finish_output(&out, sm_script_write_jsonl(out.fp, &s) != 0) != 0;
    if (status == 0 && stats)
        sm_script_print_stats(stderr, path, &s);
    sm_script_free(&s);
    return status;
}
