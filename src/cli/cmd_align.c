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
    int npos = 0, jobs = 0, force = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc;
        if (cli_is_help(a)) {
            fputs(cli_help_align, stdout);
            return 0;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && has_next) {
            args.output = argv[++i];
        } else if (!strcmp(a, "--format") && has_next) {
            const char *f = argv[++i];
            if (!strcmp(f, "tsv"))
                args.format = SM_ALIGN_TSV;
            else if (strcmp(f, "jsonl") != 0) {
                cli_errorf("align: unknown format '%s' (jsonl or tsv)", f);
                return 2;
            }
        } else if (!strcmp(a, "--min-confidence") && has_next) {
            if (cli_option_double("align", "--min-confidence", argv[++i], 0.0, 0, 1.0,
                                  &args.opt.min_confidence))
                return 2;
        } else if (!strcmp(a, "--no-hints")) {
            args.opt.use_hints = 0;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            args.quiet = 1;
        } else if (!strcmp(a, "--manifest") && has_next) {
            manifest = argv[++i];
        } else if (!strcmp(a, "--out") && has_next) {
            out_dir = argv[++i];
        } else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has_next) {
            long v;
            if (cli_option_long("align", "--jobs", argv[++i], 1, 1024, &v))
                return 2;
            jobs = (int)v;
        } else if (!strcmp(a, "--shard") && has_next) {
            shard = argv[++i];
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_errorf("align: unknown option '%s' (or it needs a value); see 'storymovie align --help'", a);
            return 2;
        } else if (npos < 2) {
            pos[npos++] = a;
        } else {
            cli_errorf("align: too many arguments; see 'storymovie align --help'");
            return 2;
        }
    }
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
