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
#include "storymovie/io.h"

static const char usage_text[] =
"usage: storymovie build MOVIENET_DIR --stories FILE --out DIR [options]\n"
"\n"
"The main job: align every film that the stories need, then link every\n"
"story to its film's script context ('storymovie link --help' describes\n"
"the records).  Films run in parallel (--jobs) and cluster job arrays\n"
"split the films with --shard I/N.  The run is resumable: a film whose\n"
"OUT/align/ttXXXXXXX.jsonl exists is not aligned again when its provenance\n"
"record shows it was made from the film's screenplay and subtitles as they\n"
"are now (same size and SHA-256), by this aligner version; otherwise it is\n"
"aligned again and the summary says why (docs/provenance.md).\n"
"\n"
"A film with missing or broken pieces does not stop the corpus: no\n"
"subtitles or screenplay (its stories are linked without script context),\n"
"broken meta or annotation JSON (no names), an empty or bad shot file or no\n"
"fps (its stories cannot be timed: not linked).  Every such film and story\n"
"is listed in the summary with its reason.\n"
"\n"
"Options:\n"
"  --stories FILE     story records, JSON Lines, images = MovieNet keyframe names\n"
"  --frames FILE      instead: TSV story_id<TAB>movie<TAB>SHOT/IMG... (no names)\n"
"  --out DIR          output directory (created)\n"
"  -j, --jobs N       films processed in parallel (default 1)\n"
"  --shard I/N        process only films number I, I+N, I+2N, ... (0 <= I < N)\n"
"                     in order of first appearance in the stories file\n"
"  --force            align again even when OUT/align/tt.jsonl exists\n"
"  --strict           exit 1 when any film or story failed\n"
"  --iou X            box match threshold for names (default 0.5)\n"
"  -q, --quiet        no progress bar and no summary on stderr\n"
"  -h, --help         this help\n"
"\n"
"Output files (each written atomically):\n"
"  OUT/align/ttXXXXXXX.jsonl   the film's alignment (as 'storymovie align')\n"
"  OUT/context.jsonl           one record per linked story, in input order\n"
"                              (with --shard I/N: OUT/context.I-of-N.jsonl)\n"
"  OUT/failures.tsv            kind<TAB>id<TAB>reason: films and stories that failed\n"
"                              (with --shard: OUT/failures.I-of-N.tsv)\n"
"  OUT/summary.txt             the summary printed on stderr\n"
"\n"
"Summary: films (aligned now, reused, with failures), stories (linked,\n"
"failed), frames timed and frames whose shot has dialogue, subtitle lines\n"
"in story windows with a speaker, chain-of-thought characters named; then\n"
"every film with problems and every story not linked, with the reason.\n"
"\n"
"Exit status: 0 when the run completed (failures of single films or\n"
"stories are listed, not fatal; see --strict); 1 on bad input (unreadable\n"
"stories file, not a corpus directory) or an output that cannot be written;\n"
"2 on a usage error.\n"
"\n"
"Examples:\n"
"  storymovie build sample/movienet --stories sample/stories.jsonl --out out\n"
"  storymovie build /data/movienet --stories train.jsonl --out out -j 2\n"
"  # Slurm array: one shard per task, then concatenate the contexts\n"
"  storymovie build /data/movienet --stories all.jsonl --out out \\\n"
"      --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT -j 8\n";

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
            fputs(usage_text, stdout);
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
