/* cmd_link.c - storymovie link: each story's frames -> times + script
 * context; storymovie build: the main job over a MovieNet corpus (align
 * every film a story needs, or reuse OUT/align/tt.jsonl from an earlier
 * run, then link its stories into OUT/context.jsonl, failures to
 * OUT/failures.tsv, a summary to stderr and OUT/summary.txt).  Both are
 * one sm_link_session_run (link.h); they share their options. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/batch.h"
#include "storymovie/link.h"

#define LINK_OPTIONS(r, quiet)                                                 \
    CLI_OPT("--stories", CLI_STRING, &(r).stories),                           \
    CLI_OPT("--frames", CLI_STRING, &(r).frames),                             \
    CLI_RANGE("-j|--jobs", CLI_INT, &(r).batch.jobs, 1, 1024),                \
    CLI_RANGE("--iou", CLI_POSITIVE, &(r).options.iou_min, 0, 1),             \
    CLI_OPT("-q|--quiet", CLI_FLAG, &(quiet))

/* Run the request; print link's or build's summary.  The exit status. */
static int run(const sm_link_request *r, int quiet, int strict)
{
    sm_error err;
    sm_link_session s;
    int status = 0;
    const sm_link_totals *t = &s.totals;
    if (sm_link_session_run(r, &s, &err) != 0) {
        cli_report(&err);
        status = 1;
    } else if (!r->out_dir) {
        if (!quiet)
            sm_link_print_summary(&s.job, "link", stderr);
        else
            for (size_t i = 0; i < s.job.n_inputs; i++)
                if (!s.job.records[i] && s.job.errors[i])
                    cli_errorf("%s", s.job.errors[i]);
        status = t->stories_failed > 0 || t->films_failed > 0;
    } else {
        if (!quiet) {
            sm_link_print_summary(&s.job, "build", stderr);
            fprintf(stderr, "build: %.2f s; records in %s\n", s.job.batch.seconds, s.context);
        }
        status = strict && (t->films_failed > 0 || t->stories_failed > 0);
        if (t->stories > 0 && t->stories_linked == 0) {
            /* A run that linked nothing is no result, whatever the reason. */
            cli_errorf("build: no story was linked (%zu failed; see %s)", t->stories_failed, s.failures);
            status = 1;
        }
    }
    sm_link_session_free(&s);
    return status;
}

int cmd_link(int argc, char **argv)
{
    sm_link_request r;
    sm_link_request_init(&r);
    r.batch.label = "link";
    int quiet = 0;
    const cli_opt opts[] = {
        LINK_OPTIONS(r, quiet),
        CLI_OPT("--align-dir", CLI_STRING, &r.align_dir),
        CLI_OPT("-o|--output", CLI_STRING, &r.output),
        CLI_OPT("--no-padding", CLI_UNSET, &r.options.pad_to_shots),
        CLI_END};
    cli_rest rest = {&r.movienet, 1, 0, NULL, NULL};
    int rc = cli_parse("link", cli_help_link, opts, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    if (!r.movienet || (!r.stories == !r.frames)) {
        cli_errorf("link: need MOVIENET_DIR and one of --stories FILE or --frames FILE; "
                   "see 'storymovie link --help'");
        return 2;
    }
    r.batch.progress = !quiet;
    return run(&r, quiet, 0);
}

int cmd_build(int argc, char **argv)
{
    sm_link_request r;
    sm_link_request_init(&r);
    r.batch.label = "build";
    const char *shard = NULL;
    int quiet = 0, strict = 0;
    const cli_opt opts[] = {
        LINK_OPTIONS(r, quiet),
        CLI_OPT("--out", CLI_STRING, &r.out_dir),
        CLI_OPT("--shard", CLI_STRING, &shard),
        CLI_OPT("--force", CLI_FLAG, &r.force),
        CLI_OPT("--strict", CLI_FLAG, &strict),
        CLI_END};
    cli_rest rest = {&r.movienet, 1, 0, NULL, NULL};
    int rc = cli_parse("build", cli_help_build, opts, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    if (!r.movienet || !r.out_dir || (!r.stories == !r.frames)) {
        cli_errorf("build: need MOVIENET_DIR, --out DIR and one of --stories FILE or --frames FILE; "
                   "see 'storymovie build --help'");
        return 2;
    }
    sm_error err;
    if (shard && sm_shard_parse(shard, &r.batch.shard_index, &r.batch.shard_count, &err) != 0) {
        cli_report(&err);
        return 2;
    }
    r.shard_names = shard != NULL;
    r.batch.progress = !quiet;
    return run(&r, quiet, strict);
}
