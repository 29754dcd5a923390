/* cmd_link.c - storymovie link: each story's frames -> times + script context. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_link.h"
#include "cli/commands.h"

static const char usage_text[] =
"usage: storymovie link MOVIENET_DIR (--stories FILE | --frames FILE) [options]\n"
"\n"
"Give each story's frames their time in the film and the film's script\n"
"context for the story's window: scenes, action lines, and dialogue with\n"
"speaker and time, each marked with the story images it falls on; the\n"
"overlapping synopsis paragraphs; and real names for the chain of\n"
"thought's char# ids.\n"
"\n"
"Frames.  A keyframe ttXXXXXXX/shot_NNNN_img_K.jpg is keyframe K (0..2) of\n"
"shot NNNN (line NNNN+1 of MOVIENET_DIR/shot/ttXXXXXXX.txt, 'start end k0 k1\n"
"k2', end inclusive); its frame is kK; its time is frame / fps (fps from\n"
"MOVIENET_DIR/movie1K.video_info.v1.json).  The story's window runs from the\n"
"start of its earliest shot to the end of its latest shot (a keyframe stands\n"
"for a shot that is on screen for its whole span; --no-padding uses the\n"
"keyframe times themselves).  An item (script block, subtitle line, scene)\n"
"is 'on' image i when its time span overlaps image i's shot span; items on\n"
"no image carry \"between\": [i, j], the images just before and after.\n"
"\n"
"Alignment.  With --align-dir DIR the film's alignment is read from\n"
"DIR/ttXXXXXXX.jsonl (the output of 'storymovie align'); its provenance\n"
"record must name the film's screenplay and subtitles as they are now\n"
"(same size and SHA-256; docs/provenance.md), else the film fails: its\n"
"alignment was made from other files.  Without --align-dir, each needed\n"
"film is aligned in-process from MOVIENET_DIR/script/tt.script and\n"
"MOVIENET_DIR/subtitle/tt.srt.\n"
"\n"
"Names.  MovieNet person boxes of the same shot/img with a cast id (pid)\n"
"are matched one-to-one, by IoU descending, to the Characters-table boxes of\n"
"that image (annotation boxes scaled from the annotation's resolution to the\n"
"keyframe JPEG's size, read from its header).  A char# takes the pid it\n"
"matched on most images; meta/tt.json's cast maps pid -> character name.\n"
"The name is cross-checked against the speakers of the window's dialogue\n"
"(whole name or one of its words, case and punctuation ignored).\n"
"\n"
"Options:\n"
"  --stories FILE     story records, JSON Lines (story_id, images,\n"
"                     chain_of_thought, ...); images are keyframe names\n"
"  --frames FILE      instead of records: TSV story_id<TAB>movie<TAB>SHOT/IMG...\n"
"                     (e.g. 's1<TAB>tt0120338<TAB>123/1<TAB>124/0'); no names\n"
"  --align-dir DIR    read alignments from DIR/ttXXXXXXX.jsonl\n"
"  -o, --output FILE  write the records to FILE (atomically) instead of stdout\n"
"  -j, --jobs N       films linked in parallel (default 1)\n"
"  --iou X            box match threshold (default 0.5)\n"
"  --no-padding       window from first to last keyframe time, not shot ends\n"
"  -q, --quiet        no summary on stderr\n"
"  -h, --help         this help\n"
"\n"
"Output: one JSON record per story, in input order:\n"
"  {\"story_id\", \"movie\", \"title\", \"fps\",\n"
"   \"frames\": [{\"image\", \"keyframe\", \"shot\", \"img\", \"frame\", \"time\",\n"
"               \"shot_start\", \"shot_end\", \"lines\"}],\n"
"   \"window\": {\"start\", \"end\", \"first_frame\", \"last_frame\", \"padding\",\n"
"              \"images_in_film_order\"},\n"
"   \"alignment\": \"ok\" | null,\n"
"   \"scenes\": [{\"scene\", \"heading\", \"start\", \"end\", \"frames\"}],\n"
"   \"movienet_scenes\": [{\"id\", \"shots\", \"start\", \"end\", \"frames\"}],\n"
"   \"script\": [{\"block\", \"kind\", \"scene\", \"speaker\"?, \"text\", \"start\", \"end\",\n"
"               \"timing\", \"frames\", \"between\"?}],\n"
"   \"dialogue\": [{\"cue\", \"segment\", \"start\", \"end\", \"speaker\", \"confidence\",\n"
"                 \"text\", \"block\", \"frames\", \"between\"?}],\n"
"   \"synopsis\": [{\"id\", \"start\", \"end\", \"overlap\", \"description\"}],\n"
"   \"characters\": [{\"id\", \"cot_name\", \"name\", \"actor\", \"pid\",\n"
"                   \"evidence\": {\"boxes\", \"annotated\", \"matched_frames\",\n"
"                     \"iou_mean\", \"iou_min\", \"conflicting_frames\", \"same_cast_as\"?,\n"
"                     \"speaker\", \"speaker_lines\", \"speaks_in_window\",\n"
"                     \"lines_on_its_frames\"}, \"unnamed\"?}],\n"
"   \"problems\": [\"...\"]}\n"
"Times are seconds (3 decimals); image numbers are 1-based as in the chain\n"
"of thought's '## Image N'.  \"scenes\" are the screenplay's (timed by the\n"
"alignment), \"movienet_scenes\" the annotation's shot ranges.  Evidence for a\n"
"name: boxes (images where the char has a box), annotated (of those, images\n"
"with MovieNet person boxes), matched_frames and IoU of the chosen cast id,\n"
"conflicting_frames (images where its box matched someone else),\n"
"same_cast_as (other char ids given the same person), the speaker of the\n"
"window's dialogue that the name agrees with and how many of its lines fall\n"
"on the char's matched images.  \"unnamed\" says why a char got no name.\n"
"A summary goes to stderr.\n"
"\n"
"Exit status: 0 when every story was linked with its film's alignment; 1\n"
"when a story could not be linked, or a film could not be aligned or its\n"
"alignment read (each is named on stderr with its reason; the other\n"
"records are still written, a film's stories without script context), or\n"
"on bad input (docs/errors.md); 2 on a usage error.\n"
"\n"
"Examples:\n"
"  storymovie link sample/movienet --stories sample/stories.jsonl -o context.jsonl\n"
"  storymovie link /data/movienet --stories test.jsonl --align-dir out/align -j 2\n"
"  storymovie link /data/movienet --frames frames.tsv\n";

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
            fputs(usage_text, stdout);
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
