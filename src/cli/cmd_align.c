/* cmd_align.c - storymovie align: one film, or a manifest of films. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/align.h"
#include "storymovie/alignment.h"
#include "storymovie/batch.h"

static const char usage_text[] =
"usage: storymovie align [options] SCRIPT SUBTITLES\n"
"       storymovie align [options] --manifest FILE --out DIR\n"
"\n"
"Align a screenplay with a film's subtitles: give every subtitle segment the\n"
"speaker of the script line it says (or no speaker, when the evidence is\n"
"weak), and every script block the time it is spoken.\n"
"\n"
"SCRIPT is a plain-text screenplay, a Fountain file or a 'Name: line'\n"
"transcript; SUBTITLES an SRT, WebVTT or ASS/SSA file.  Both are detected by\n"
"content, in any common encoding.\n"
"\n"
"Method: dialogue and subtitle speech are tokenised and normalised; unique\n"
"word trigrams shared by both form anchors, the longest chain of anchors in\n"
"order is the backbone, and exact LCS aligns the words between anchors.  A\n"
"segment takes the script block its words match; scenes the edit moved are\n"
"found again; unmatched segments take a neighbour's speaker only inside one\n"
"script line, where a sentence runs on, or where one unmatched line lies\n"
"between two matched ones.  Speaker labels in the subtitles (ROSS:, <v Ross>)\n"
"are used.  Everything else abstains: speaker null.\n"
"\n"
"Output (JSON Lines, standard output or -o FILE; docs/alignment.md): first\n"
"a provenance record, what the alignment was made from (the files' sizes\n"
"and SHA-256, the aligner version, the options; docs/provenance.md), then one\n"
"record per subtitle segment, in file order, then one per script block:\n"
"  {\"type\":\"segment\",\"cue\":12,\"segment\":1,\"start\":141.766,\"end\":143.1,\n"
"   \"text\":\"Hey, you guys.\",\"speaker\":\"Phoebe\",\"confidence\":0.99,\"block\":57,\n"
"   \"evidence\":\"match\"}\n"
"  {\"type\":\"block\",\"block\":57,\"kind\":\"dialogue\",\"scene\":4,\"speaker\":\"Phoebe\",\n"
"   \"text\":\"Hey, you guys. Guess what?\",\"start\":141.766,\"end\":147.1,\n"
"   \"timing\":\"aligned\",\"line\":230}\n"
"cue and segment are ordinals from 1; block numbers script blocks from 1\n"
"(null when the segment matched none); times are seconds; timing is\n"
"\"aligned\" (from matched subtitles), \"interpolated\" (between aligned\n"
"neighbours) or null.  confidence estimates the chance that the speaker is\n"
"right (of answers at confidence >= 0.9, over 99% were right on the\n"
"development data).  evidence says why:\n"
"  match        its words match the line, in order (0.96-0.99)\n"
"  match-short  a one-to-three word segment in order between matched ones (0.90)\n"
"  moved        matched in a scene the film put elsewhere (0.96)\n"
"  local        its words are in the one free line between matched neighbours (0.93)\n"
"  local-near   its words are in a neighbour's line, said right after it (0.80)\n"
"  inside       between two segments of the same line (0.93)\n"
"  continues    a sentence broken over two cues (0.90)\n"
"  between      a rewritten line between two matched lines (0.70)\n"
"  turn         the other side of a two-speaker dash cue (0.80)\n"
"  scene-turn   a line the script lacks: of the people in its scene, the one\n"
"               a dash does not rule out (block null) (0.80)\n"
"  addressed    a line the script lacks: of the people in its scene, the one\n"
"               it does not call by name (block null) (0.80)\n"
"  hint         the subtitle's own label (ROSS:, <v Ross>) (0.90-0.99)\n"
"Where the script cues one person under a second name in a scene (Nadia\n"
"says \"My name's Sophia\" and is cued SOPHIA; an action line says Carlos\n"
"\"will be referred to by his real name, RAMIREZ\"), segment and block\n"
"records keep the cue as speaker and add \"character\" (the name the\n"
"script gives that person most) and \"character_evidence\": \"renamed\" (an\n"
"action line renames them) or \"introduces\" (they give the name as their\n"
"own).  Absent: the speaker is the character.\n"
"With --format tsv: cue<TAB>segment<TAB>speaker lines (the input of the\n"
"reference scorer).\n"
"\n"
"Options:\n"
"  -o, --output FILE      write to FILE (atomically) instead of standard output\n"
"  --format jsonl|tsv     output format (default jsonl)\n"
"  --min-confidence X     abstain below confidence X (default 0.5)\n"
"  --no-hints             ignore the subtitles' speaker labels\n"
"  -q, --quiet            no summary on standard error\n"
"\n"
"Batch mode (a thousand films):\n"
"  --manifest FILE        TSV: id<TAB>script<TAB>subtitles per line ('#' comments;\n"
"                         relative paths are relative to the manifest)\n"
"  --out DIR              write DIR/<id>.jsonl (or .tsv) for each film\n"
"  -j, --jobs N           films aligned in parallel (default: number of CPUs)\n"
"  --shard I/N            take only films with index % N == I (0-based), for\n"
"                         cluster job arrays (Slurm: $SLURM_ARRAY_TASK_ID/N)\n"
"  --force                realign films whose output exists (default: skip\n"
"                         them, so a killed run resumes where it stopped)\n"
"Each film's output is written to a temporary file and renamed into place,\n"
"so an output that exists is complete.  The output of a film does not depend\n"
"on --jobs or --shard.  A failed film is reported and the others go on.\n"
"\n"
"An empty script or subtitle file (nothing but white space) is an error,\n"
"as one that cannot be read: an alignment of nothing would pass for a film\n"
"where nobody speaks.\n"
"\n"
"Exit status: 0 success (also when everything abstained: a message on\n"
"standard error says why); 1 an input that cannot be read or is empty, or\n"
"failed films; 2 usage.\n"
"\n"
"Examples:\n"
"  storymovie align transcript.txt subtitles.srt > episode.jsonl\n"
"  storymovie align --format tsv script.txt film.srt | sort -n > pred.tsv\n"
"  storymovie align --manifest films.tsv --out aligned/ -j 8 --shard 3/10\n";

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
            fputs(usage_text, stdout);
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
