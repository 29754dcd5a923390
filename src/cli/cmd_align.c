/* cmd_align.c - storymovie align: one film, or a manifest of films. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/align.h"
#include "storymovie/alignment.h"
#include "storymovie/batch.h"


typedef struct align_args {
    const char *output;
    sm_align_format format;
    int quiet;
    sm_align_options opt;
} align_args;

static int run_manifest(const char *manifest, const char *out_dir, int jobs, const char *shard,
                        int force, const align_args *args)
{
    sm_error err;
    sm_batch_options bo;
    sm_batch_options_init(&bo);
    if (jobs > 0)
        bo.jobs = jobs;
    bo.progress = !args->quiet;
    bo.label = "align";
    if (shard && sm_shard_parse(shard, &bo.shard_index, &bo.shard_count, &err)) {
        cli_report(&err);
        return 2;
    }
    sm_align_corpus c = {manifest, out_dir, &args->opt, args->format, force, {0}, NULL, {0}, NULL};
    int status;
    if (sm_align_corpus_run(&c, &bo, &err) != 0) {
        cli_report(&err);
        status = 1;
    } else {
        sm_align_corpus_report(&c, args->quiet, stderr);
        status = c.batch.failed ? 1 : 0;
    }
    sm_align_corpus_free(&c);
    return status;
}

int cmd_align(int argc, char **argv)
{
    align_args args;
    memset(&args, 0, sizeof args);
    sm_align_options_init(&args.opt);
    const char *manifest = NULL, *out_dir = NULL, *shard = NULL;
    const char *pos[2];
    int jobs = 0, force = 0;
    const cli_opt opts[] = {
        CLI_OPT("-o|--output", CLI_STRING, &args.output),
        CLI_CHOICES("--format", "jsonl|tsv", &args.format),
        CLI_RANGE("--min-confidence", CLI_NUMBER, &args.opt.min_confidence, 0, 1),
        CLI_OPT("--no-hints", CLI_UNSET, &args.opt.use_hints),
        CLI_OPT("-q|--quiet", CLI_FLAG, &args.quiet),
        CLI_OPT("--manifest", CLI_STRING, &manifest),
        CLI_OPT("--out", CLI_STRING, &out_dir),
        CLI_RANGE("-j|--jobs", CLI_INT, &jobs, 1, 1024),
        CLI_OPT("--shard", CLI_STRING, &shard),
        CLI_OPT("--force", CLI_FLAG, &force),
        CLI_END};
    cli_rest rest = {pos, 2, 0, NULL, NULL};
    int rc = cli_parse("align", cli_help_align, opts, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    size_t npos = rest.n;
    if (manifest) {
        if (!out_dir || npos) {
            cli_errorf("align: --manifest needs --out DIR and no other files");
            return 2;
        }
        return run_manifest(manifest, out_dir, jobs, shard, force, &args);
    }
    if (npos != 2) {
        fputs("usage: storymovie align [options] SCRIPT SUBTITLES (see --help)\n", stderr);
        return 2;
    }
    sm_error err;
    sm_film_align_stats res;
    sm_film_align_request req = {pos[0], pos[1], &args.opt, args.output ? args.output : "-", args.format, NULL};
    if (sm_film_align(&req, NULL, &res, &err)) {
        cli_report(&err);
        return 1;
    }
    if (res.note[0])
        fprintf(stderr, "storymovie: align: %s\n", res.note);
    if (!args.quiet)
        fprintf(stderr,
                "align: %zu segments, %zu with a speaker (coverage %.1f%%); "
                "%zu of %zu dialogue blocks timed\n",
                res.segments, res.answered,
                res.segments ? 100.0 * (double)res.answered / (double)res.segments : 0.0,
                res.matched_blocks, res.dialogue_blocks);
    return 0;
}
