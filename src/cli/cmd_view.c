/* cmd_view.c - storymovie view: one HTML page to look at stories and alignments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/view.h"


static void print_summary(const sm_view_options *o, const sm_view_stats *st)
{
    fprintf(stderr, "view: %zu stor%s (%zu with a story record), %zu film%s; %zu frames", st->stories,
            st->stories == 1 ? "y" : "ies", st->with_story, st->films, st->films == 1 ? "" : "s", st->frames);
    if (o->movienet_root)
        fprintf(stderr, " (%zu keyframes found, %zu missing)", st->images_found, st->images_missing);
    fprintf(stderr, ", %zu boxes\n", st->boxes);
    if (st->stories_without_context)
        fprintf(stderr, "view: %zu story records have no context record and are not shown\n",
                st->stories_without_context);
    if (st->results_unmatched)
        fprintf(stderr, "view: %zu failure/verdict/QA records are about stories not shown\n",
                st->results_unmatched);
    fprintf(stderr, "view: wrote %s (%.1f KB%s)\n", o->out_path, st->html_bytes / 1024.0,
            o->embed_images ? ", keyframes embedded" : "");
}

int cmd_view(int argc, char **argv)
{
    sm_view_options o;
    sm_view_options_init(&o);
    cli_list alignments = {NULL, 0}, only = {NULL, 0};
    int quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT("--context", CLI_STRING, &o.context_path),
        CLI_OPT("--stories", CLI_STRING, &o.stories_path),
        CLI_OPT("--failures", CLI_STRING, &o.failures_path),
        CLI_OPT("--verdicts", CLI_STRING, &o.verdicts_path),
        CLI_OPT("--qa", CLI_STRING, &o.qa_path),
        CLI_OPT("--alignment", CLI_LIST, &alignments),
        CLI_OPT("--story", CLI_LIST, &only),
        CLI_OPT("--movienet", CLI_STRING, &o.movienet_root),
        CLI_OPT("--embed-images", CLI_FLAG, &o.embed_images),
        CLI_OPT("-o|--output", CLI_STRING, &o.out_path),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    int status = cli_parse("view", cli_help_view, opts, NULL, argc, argv);
    o.alignments = alignments.items;
    o.n_alignments = alignments.n;
    o.only = only.items;
    o.n_only = only.n;
    if (status < 0 && (!o.out_path || (!o.context_path && o.n_alignments == 0))) {
        cli_errorf("view: need -o PAGE.html and --context FILE or --alignment FILE; "
                   "see 'storymovie view --help'");
        status = 2;
    }
    if (status < 0 && !o.context_path && (o.stories_path || o.failures_path || o.verdicts_path ||
                                          o.qa_path || o.n_only)) {
        cli_errorf("view: --stories, --failures, --verdicts, --qa and --story need --context FILE");
        status = 2;
    }
    sm_view_stats st;
    sm_error err;
    if (status < 0 && sm_view_write(&o, &st, &err) != 0) {
        cli_report(&err);
        status = 1;
    } else if (status < 0) {
        status = 0;
        if (!quiet)
            print_summary(&o, &st);
    }
    free(alignments.items);
    free(only.items);
    return status;
}
