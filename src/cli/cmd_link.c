/* cmd_link.c - storymovie link: each story's frames -> times + script context. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_link.h"
#include "cli/commands.h"
#include "cli/help_texts.h"


int cmd_link(int argc, char **argv)
{
    cli_link_args args;
    cli_link_args_init(&args);
    const char *align_dir = NULL, *output = NULL;
    int padding = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc, rc;
        if (cli_is_help(a)) {
            fputs(cli_help_link, stdout);
            return 0;
        } else if ((rc = cli_link_arg("link", argc, argv, &i, &args)) != 0) {
            if (rc < 0)
                return 2;
        } else if (!strcmp(a, "--align-dir") && has_next) {
            align_dir = argv[++i];
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
            output = argv[++i];
        } else if (!strcmp(a, "--no-padding")) {
            padding = 0;
        } else {
            cli_errorf("link: unknown option '%s' (or missing value); see 'storymovie link --help'", a);
            return 2;
        }
    }
    if (!args.root || (!args.stories == !args.frames)) {
        cli_errorf("link: need MOVIENET_DIR and one of --stories FILE or --frames FILE; "
                   "see 'storymovie link --help'");
        return 2;
    }
    cli_link_corpus c;
    if (cli_link_open(&args, &c) != 0)
        return 1;
    c.job.align_dir = align_dir;
    c.job.options.pad_to_shots = padding;
    c.batch.label = "link";
    sm_error err;
    int status = 0;
    if (sm_link_run(&c.job, &c.batch, &err) != 0 || sm_link_write_context(&c.job, output, &err) != 0) {
        cli_report(&err);
        status = 1;
    } else {
        sm_link_totals t;
        sm_link_count(&c.job, &t);
        if (!args.quiet)
            sm_link_print_summary(&c.job, "link", stderr);
        else
            for (size_t i = 0; i < c.job.n_inputs; i++)
                if (!c.job.records[i] && c.job.errors[i])
                    cli_errorf("%s", c.job.errors[i]);
        if (t.stories_failed > 0 || t.films_failed > 0)
            status = 1;
    }
    cli_link_close(&c);
    return status;
}
