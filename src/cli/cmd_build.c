/* cmd_build.c - storymovie build: the main job over a MovieNet corpus.
 *
 * One batch item per film that some story needs: load the film, align it
 * (or reuse OUT/align/tt.jsonl from an earlier run), link its stories.
 * Then the records go to OUT/context.jsonl in story order, failures to
 * OUT/failures.tsv, and a summary to stderr (and OUT/summary.txt). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/io.h"
#include "storymovie/link.h"

static const char usage_text[] =
"usage: storymovie build MOVIENET_DIR --stories FILE --out DIR [options]\n"
"\n"
"The main job: align every film that the stories need, then link every\n"
"story to its film's script context ('storymovie link --help' describes\n"
"the records).  Films run in parallel (--jobs), the run is resumable (a film\n"
"whose OUT/align/ttXXXXXXX.jsonl exists is not aligned again), and cluster\n"
"job arrays split the films with --shard I/N.\n"
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

static int write_failures(const sm_link_job *job, const char *path, sm_error *err)
{
    sm_output o;
    if (sm_output_open(&o, path, err) != 0)
        return -1;
    fputs("kind\tid\treason\n", o.fp);
    for (size_t f = 0; f < job->n_films; f++) {
        const sm_link_film *film = &job->films[f];
        if (job->batch.status && job->batch.status[f] == SM_ITEM_NOT_MINE)
            continue;
        if (film->reason)
            fprintf(o.fp, "film\t%s\t%s\n", film->id, film->reason);
        for (size_t p = 0; p < film->n_problems; p++)
            fprintf(o.fp, "film_piece\t%s\t%s\n", film->id, film->problems[p]);
    }
    for (size_t i = 0; i < job->n_inputs; i++)
        if (!job->records[i] && job->errors[i])
            fprintf(o.fp, "story\t%s\t%s\n", job->inputs[i].story_id ? job->inputs[i].story_id : "",
                    job->errors[i]);
    return sm_output_commit(&o, err);
}

static int write_summary(const sm_link_job *job, const char *path, sm_error *err)
{
    sm_output o;
    if (sm_output_open(&o, path, err) != 0)
        return -1;
    sm_link_print_summary(job, "build", o.fp);
    return sm_output_commit(&o, err);
}

int cmd_build(int argc, char **argv)
{
    const char *root = NULL, *stories = NULL, *frames = NULL, *out = NULL, *shard = NULL;
    int jobs = 1, quiet = 0, force = 0, strict = 0;
    double iou_min = 0.5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has_next = i + 1 < argc;
        if (cli_is_help(a)) {
            fputs(usage_text, stdout);
            return 0;
        } else if (!strcmp(a, "--stories") && has_next) {
            stories = argv[++i];
        } else if (!strcmp(a, "--frames") && has_next) {
            frames = argv[++i];
        } else if (!strcmp(a, "--out") && has_next) {
            out = argv[++i];
        } else if (!strcmp(a, "--shard") && has_next) {
            shard = argv[++i];
        } else if ((!strcmp(a, "-j") || !strcmp(a, "--jobs")) && has_next) {
            long v;
            if (cli_option_long("build", "--jobs", argv[++i], 1, 1024, &v))
                return 2;
            jobs = (int)v;
        } else if (!strcmp(a, "--iou") && has_next) {
            if (cli_option_double("build", "--iou", argv[++i], 0.0, 1, 1.0, &iou_min))
                return 2;
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "--strict")) {
            strict = 1;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_errorf("build: unknown option '%s' (or missing value); see 'storymovie build --help'", a);
            return 2;
        } else if (!root) {
            root = a;
        } else {
            cli_errorf("build: unexpected argument '%s'; see 'storymovie build --help'", a);
            return 2;
        }
    }
    if (!root || !out || (!stories == !frames)) {
        cli_errorf("build: need MOVIENET_DIR, --out DIR and one of --stories FILE or --frames FILE; "
                   "see 'storymovie build --help'");
        return 2;
    }
    sm_error err;
    sm_batch_options bo;
    sm_batch_options_init(&bo);
    bo.jobs = jobs;
    bo.progress = !quiet;
    bo.label = "build";
    if (shard && sm_shard_parse(shard, &bo.shard_index, &bo.shard_count, &err) != 0) {
        cli_report(&err);
        return 2;
    }

    sm_movienet mn;
    if (sm_movienet_open(root, &mn, &err) != 0) {
        cli_report(&err);
        return 1;
    }
    sm_link_inputs in;
    if ((stories ? sm_link_inputs_read_stories(stories, &in, &err)
                 : sm_link_inputs_read_frames(frames, &in, &err)) != 0) {
        cli_report(&err);
        sm_movienet_close(&mn);
        return 1;
    }
    size_t olen = strlen(out) + 64;
    char *align_dir = malloc(olen), *context = malloc(olen), *failures = malloc(olen),
         *summary = malloc(olen);
    int status = 0;
    if (!align_dir || !context || !failures || !summary) {
        cli_errorf("build: out of memory");
        status = 1;
        goto done_paths;
    }
    snprintf(align_dir, olen, "%s/align", out);
    if (shard) {
        snprintf(context, olen, "%s/context.%d-of-%d.jsonl", out, bo.shard_index, bo.shard_count);
        snprintf(failures, olen, "%s/failures.%d-of-%d.tsv", out, bo.shard_index, bo.shard_count);
        snprintf(summary, olen, "%s/summary.%d-of-%d.txt", out, bo.shard_index, bo.shard_count);
    } else {
        snprintf(context, olen, "%s/context.jsonl", out);
        snprintf(failures, olen, "%s/failures.tsv", out);
        snprintf(summary, olen, "%s/summary.txt", out);
    }
    if (sm_mkdir_p(out, &err) != 0) {
        cli_report(&err);
        status = 1;
        goto done_paths;
    }

    sm_link_job job;
    memset(&job, 0, sizeof job);
    job.corpus = &mn;
    job.inputs = in.items;
    job.n_inputs = in.n;
    job.align_dir = align_dir;
    job.write_align = 1;
    job.force = force;
    sm_link_options_init(&job.options);
    job.options.iou_min = iou_min;
    if (sm_link_run(&job, &bo, &err) != 0) {
        cli_report(&err);
        status = 1;
    } else {
        sm_output o;
        if (sm_output_open(&o, context, &err) != 0) {
            cli_report(&err);
            status = 1;
        } else if (sm_link_write_records(&job, o.fp, NULL) != 0) {
            sm_output_abort(&o);
            cli_errorf("build: write error on %s", context);
            status = 1;
        } else if (sm_output_commit(&o, &err) != 0) {
            cli_report(&err);
            status = 1;
        }
        if (status == 0 && (write_failures(&job, failures, &err) != 0 ||
                            write_summary(&job, summary, &err) != 0)) {
            cli_report(&err);
            status = 1;
        }
        if (status == 0) {
            if (!quiet) {
                sm_link_print_summary(&job, "build", stderr);
                fprintf(stderr, "build: %.2f s; records in %s\n", job.batch.seconds, context);
            }
            sm_link_totals t;
            sm_link_count(&job, &t);
            if (strict && (t.films_failed > 0 || t.stories_failed > 0))
                status = 1;
        }
    }
    sm_link_job_free(&job);
done_paths:
    free(align_dir);
    free(context);
    free(failures);
    free(summary);
    sm_link_inputs_free(&in);
    sm_movienet_close(&mn);
    return status;
}
