/* cmd_view.c - storymovie view: one HTML page to look at stories and alignments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/view.h"


/* Append a repeated option's value; returns -1 when out of memory. */
static int push(const char ***list, size_t *n, const char *value)
{
    const char **g = realloc(*list, (*n + 1) * sizeof *g);
    if (!g)
        return -1;
    g[(*n)++] = value;
    *list = g;
    return 0;
}

int cmd_view(int argc, char **argv)
{
    sm_view_options o;
    sm_view_options_init(&o);
    const char **alignments = NULL, **only = NULL;
    int quiet = 0, status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc;
        if (cli_is_help(a)) {
            fputs(cli_help_view, stdout);
            free(alignments);
            free(only);
            return 0;
        } else if (!strcmp(a, "--context") && has_next) {
            o.context_path = argv[++i];
        } else if (!strcmp(a, "--stories") && has_next) {
            o.stories_path = argv[++i];
        } else if (!strcmp(a, "--failures") && has_next) {
            o.failures_path = argv[++i];
        } else if (!strcmp(a, "--verdicts") && has_next) {
            o.verdicts_path = argv[++i];
        } else if (!strcmp(a, "--qa") && has_next) {
            o.qa_path = argv[++i];
        } else if (!strcmp(a, "--alignment") && has_next) {
            if (push(&alignments, &o.n_alignments, argv[++i]))
                status = 1;
        } else if (!strcmp(a, "--story") && has_next) {
            if (push(&only, &o.n_only, argv[++i]))
                status = 1;
        } else if (!strcmp(a, "--movienet") && has_next) {
            o.movienet_root = argv[++i];
        } else if (!strcmp(a, "--embed-images")) {
            o.embed_images = 1;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
            o.out_path = argv[++i];
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else {
            cli_errorf("view: unknown option or argument '%s' (or missing value); "
                       "see 'storymovie view --help'", a);
            status = 2;
        }
    }
    if (status == 0 && (!o.out_path || (!o.context_path && o.n_alignments == 0))) {
        cli_errorf("view: need -o PAGE.html and --context FILE or --alignment FILE; "
                   "see 'storymovie view --help'");
        status = 2;
    }
    if (status == 0 && !o.context_path && (o.stories_path || o.failures_path || o.verdicts_path ||
                                           o.qa_path || o.n_only)) {
        cli_errorf("view: --stories, --failures, --verdicts, --qa and --story need --context FILE");
        status = 2;
    }
    if (status == 1)
        cli_errorf("view: out of memory");
    o.alignments = alignments;
    o.only = only;
    sm_view_stats st;
    sm_error err;
    if (status == 0 && sm_view_write(&o, &st, &err) != 0) {
        cli_report(&err);
        status = 1;
    }
    if (status == 0 && !quiet) {
        fprintf(stderr, "view: %zu stor%s (%zu with a story record), %zu film%s; %zu frames",
                st.stories, st.stories == 1 ? "y" : "ies", st.with_story, st.films,
                st.films == 1 ? "" : "s", st.frames);
        if (o.movienet_root)
            fprintf(stderr, " (%zu keyframes found, %zu missing)", st.images_found,
                    st.images_missing);
        fprintf(stderr, ", %zu boxes\n", st.boxes);
        if (st.stories_without_context)
            fprintf(stderr, "view: %zu story records have no context record and are not shown\n",
                    st.stories_without_context);
        if (st.results_unmatched)
            fprintf(stderr, "view: %zu failure/verdict/QA records are about stories not shown\n",
                    st.results_unmatched);
        fprintf(stderr, "view: wrote %s (%.1f KB%s)\n", o.out_path, st.html_bytes / 1024.0,
                o.embed_images ? ", keyframes embedded" : "");
    }
    free(alignments);
    free(only);
    return status;
}
