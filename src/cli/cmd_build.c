/* cmd_build.c - storymovie build: the main job over a MovieNet corpus.
 *
 * One batch item per film that some story needs: load the film, align it
 * (or reuse OUT/align/tt.jsonl from an earlier run), link its stories.
 * Then the records go to OUT/context.jsonl in story order, failures to
 * OUT/failures.tsv, and a summary to stderr (and OUT/summary.txt). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_link.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/io.h"


/* OUT/context.jsonl, OUT/failures.tsv, OUT/summary.txt, with a shard's
 * own names under --shard I/N. */
typedef struct build_paths {
    char align[4200], context[4200], failures[4200], summary[4200];
} build_paths;

static void name_outputs(const char *out, const sm_batch_options *bo, int sharded, build_paths *p)
{
    char tag[64] = "";
    if (sharded)
        snprintf(tag, sizeof tag, ".%d-of-%d", bo->shard_index, bo->shard_count);
    snprintf(p->align, sizeof p->align, "%s/align", out);
    snprintf(p->context, sizeof p->context, "%s/context%s.jsonl", out, tag);
    snprintf(p->failures, sizeof p->failures, "%s/failures%s.tsv", out, tag);
    snprintf(p->summary, sizeof p->summary, "%s/summary%s.txt", out, tag);
}

int cmd_build(int argc, char **argv)
{
    cli_link_args args;
    cli_link_args_init(&args);
    const char *out = NULL, *shard = NULL;
    int force = 0, strict = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc, rc;
        if (cli_is_help(a)) {
            fputs(cli_help_build, stdout);
            return 0;
        } else if ((rc = cli_link_arg("build", argc, argv, &i, &args)) != 0) {
            if (rc < 0)
                return 2;
        } else if (!strcmp(a, "--out") && has_next) {
            out = argv[++i];
        } else if (!strcmp(a, "--shard") && has_next) {
            shard = argv[++i];
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else {
            cli_errorf("build: unknown option '%s' (or missing value); see 'storymovie build --help'", a);
            return 2;
        }
    }
    if (!args.root || !out || (!args.stories == !args.frames)) {
        cli_errorf("build: need MOVIENET_DIR, --out DIR and one of --stories FILE or --frames FILE; "
                   "see 'storymovie build --help'");
        return 2;
    }
    sm_error err;
    sm_batch_options shards;
    sm_batch_options_init(&shards);
    if (shard && sm_shard_parse(shard, &shards.shard_index, &shards.shard_count, &err) != 0) {
        cli_report(&err);
        return 2;
    }
    cli_link_corpus c;
    if (cli_link_open(&args, &c) != 0)
        return 1;
    build_paths paths;
    name_outputs(out, &shards, shard != NULL, &paths);
    c.batch.shard_index = shards.shard_index;
    c.batch.shard_count = shards.shard_count;
    c.batch.label = "build";
    c.job.align_dir = paths.align;
    c.job.write_align = 1;
    c.job.force = force;
    int status = 0;
    if (sm_mkdir_p(out, &err) != 0 || sm_link_run(&c.job, &c.batch, &err) != 0 ||
        sm_link_write_context(&c.job, paths.context, &err) != 0 ||
        sm_link_write_failures(&c.job, paths.failures, &err) != 0 ||
        sm_link_write_summary(&c.job, "build", paths.summary, &err) != 0) {
        cli_report(&err);
        status = 1;
    } else {
        if (!args.quiet) {
            sm_link_print_summary(&c.job, "build", stderr);
            fprintf(stderr, "build: %.2f s; records in %s\n", c.job.batch.seconds, paths.context);
        }
        sm_link_totals t;
        sm_link_count(&c.job, &t);
        if (strict && (t.films_failed > 0 || t.stories_failed > 0))
            status = 1;
        if (t.stories > 0 && t.stories_linked == 0) {
            /* A run that linked nothing is no result, whatever the reason. */
            cli_errorf("build: no story was linked (%zu failed; see %s)", t.stories_failed, paths.failures);
            status = 1;
        }
    }
    cli_link_close(&c);
    return status;
}
