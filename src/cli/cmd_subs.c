/* cmd_subs.c - storymovie subs: read a subtitle file, print its segments as
 * JSON Lines. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/io.h"
#include "storymovie/subtitle.h"

#define SUBS_MAX_WARNINGS 20

static void usage(FILE *f)
{
    fputs(cli_help_subs, f);
}

int cmd_subs(int argc, char **argv)
{
    const char *out_path = NULL, *in_path = NULL;
    int stats = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (cli_option_value("subs", argc, argv, &i, "a file name", &out_path) != 0)
                return 2;
        } else if (strcmp(a, "--stats") == 0) {
            stats = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && !in_path && i + 2 == argc) {
            in_path = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_errorf("subs: unknown option '%s' (see 'storymovie subs --help')", a);
            return 2;
        } else if (in_path) {
            cli_errorf("subs: one input file only (got '%s' and '%s')", in_path, a);
            return 2;
        } else {
            in_path = a;
        }
    }
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
        cli_print_warnings(in_path, &subs.warnings, SUBS_MAX_WARNINGS);

    sm_output out;
    int status = cli_open_output(&out, out_path) != 0 ||
                 cli_finish_output(&out, sm_subtitles_write_jsonl(out.fp, &subs) != 0) != 0;
    if (status == 0 && stats)
        sm_subtitles_print_stats(stderr, in_path, &subs);
    sm_subtitles_free(&subs);
    return status;
}
