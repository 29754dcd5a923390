/* cmd_dataset.c - storymovie dataset [negatives]: options in, the library
 * (src/dataset) does the work, a summary out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/dataset.h"

static const char usage_text[] =
"usage: storymovie dataset --stories FILE --movienet DIR --out DIR [options]\n"
"       storymovie dataset negatives --stories FILE --movienet DIR --out FILE [--seed N]\n"
"\n"
"dataset\n"
"  Write a Hugging Face ImageFolder dataset of story records:\n"
"    DIR/README.md                       dataset card: YAML header (licence, configs\n"
"                                        with the splits, features, size category),\n"
"                                        statistics, verification, source licences\n"
"    DIR/LICENSE.md                      the terms of the sources\n"
"    DIR/train/metadata.jsonl            one row per story (test/ likewise)\n"
"    DIR/train/images/STORY_ID/NNN.jpg   its frames, in order\n"
"  Rows: file_names (the frames, relative to the split directory; `datasets`\n"
"  loads them as the `images` column), story_id, movie, frame_count,\n"
"  chain_of_thought, story, source_images (the records' image names), and\n"
"  the StoryMovie fields when the records have them: source_story, names\n"
"  and quotes (JSON text), model, prompt_version, attempts.  Load with\n"
"  load_dataset(\"imagefolder\", data_dir=DIR).\n"
"\n"
"  Frames are hard links to the files under --movienet (copies where a link\n"
"  cannot be made, or with --copy).  The split is by film: a film is in test\n"
"  when a hash of its id and the seed falls below --test-fraction, so no film\n"
"  is in both splits, a rerun splits the same way and a grown corpus keeps\n"
"  every film where it was.  When that leaves a split empty, the film closest\n"
"  to the threshold moves (a corpus of one film has no test split).\n"
"\n"
"  DIR is written beside itself and renamed into place at the end: a rerun\n"
"  replaces it at once, a killed run leaves nothing half-written (its\n"
"  leftovers are removed by the next run).  An existing DIR is replaced only\n"
"  when storymovie wrote it or it is empty.  The same input gives the same\n"
"  bytes.\n"
"\n"
"  Every record is checked first: a line that is not JSON, a missing field,\n"
"  a story_id used twice, frame_count or a chain of thought or <gdi> blocks\n"
"  that do not match the images, frames of several films, or an image that\n"
"  is not found stop the run with one line naming the file, line and story;\n"
"  nothing is written.  Smaller problems ('storymovie story check') are\n"
"  counted in the card.\n"
"\n"
"  --stories FILE        story records (JSON Lines): story_id, images,\n"
"                        frame_count, chain_of_thought, story, optional movie\n"
"                        and StoryMovie fields\n"
"  --movienet DIR        where the images are: MovieNet keyframe names\n"
"                        (ttXXXXXXX/shot_NNNN_img_N.jpg) are looked up as\n"
"                        'storymovie link' does, other names as DIR/NAME\n"
"  --out DIR             the dataset directory\n"
"  --seed N              split seed (default 0)\n"
"  --test-fraction F     share of films in test, 0..1 (default 0.15)\n"
"  --split-by film|story split unit (default film)\n"
"  --copy                copy the frames instead of hard-linking them\n"
"  -q, --quiet           no summary\n"
"\n"
"negatives\n"
"  One synthetic frame sequence per story, for stage-2 preference data: as\n"
"  many frames as the story, drawn from the frames of all stories, each from\n"
"  a different film (no film twice while there are enough films; never twice\n"
"  in a row).  Deterministic: each sequence depends on --seed and its\n"
"  story's id only.  One JSON line per story:\n"
"    {\"story_id\":\"neg:STORY_ID\",\"synthetic\":true,\"source_story\":STORY_ID,\n"
"     \"images\":[...],\"frame_count\":N,\"movies\":[film of each frame]}\n"
"  Give the file to 'generate tell --stories' (it reads story_id and images),\n"
"  then the told samples and this file to 'export dpo'.\n"
"\n"
"Summary on standard error.  Exit status: 0 written; 1 bad input or an\n"
"output that cannot be written (nothing written); 2 usage.\n"
"\n"
"Examples:\n"
"  storymovie dataset --stories stories.jsonl --movienet movienet/ --out ds/\n"
"  storymovie dataset negatives --stories stories.jsonl --movienet movienet/ \\\n"
"      --out negatives.jsonl --seed 1\n"
"The formats are described in docs/dataset.md.\n";

static int parse_seed(const char *v, unsigned long long *out)
{
    char *end;
    unsigned long long s = strtoull(v, &end, 10);
    if (end == v || *end || v[0] == '-') {
        cli_errorf("dataset: --seed '%s': need a whole number >= 0", v);
        return -1;
    }
    *out = s;
    return 0;
}

/* The options both forms take.  1: argv[*i] was one (and its value is
 * consumed), 0: it was not, -1: a bad value (reported). */
typedef struct common {
    const char **stories, **movienet, **out;
    unsigned long long *seed;
    int *quiet;
} common;

static int common_option(int argc, char **argv, int *i, const common *c)
{
    const char *a = argv[*i];
    int has_value = *i + 1 < argc;
    if (strcmp(a, "--stories") == 0 && has_value)
        *c->stories = argv[++*i];
    else if (strcmp(a, "--movienet") == 0 && has_value)
        *c->movienet = argv[++*i];
    else if ((strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) && has_value)
        *c->out = argv[++*i];
    else if (strcmp(a, "--seed") == 0 && has_value)
        return parse_seed(argv[++*i], c->seed) == 0 ? 1 : -1;
    else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
        *c->quiet = 1;
    else
        return 0;
    return 1;
}

static int run_negatives(int argc, char **argv)
{
    sm_negatives_options o;
    memset(&o, 0, sizeof o);
    int quiet = 0;
    common c = {&o.stories, &o.movienet, &o.out, &o.seed, &quiet};
    for (int i = 1; i < argc; i++) {
        int r = common_option(argc, argv, &i, &c);
        if (r < 0)
            return 2;
        if (r == 0) {
            cli_errorf("dataset negatives: unexpected argument '%s'; see 'storymovie dataset --help'",
                       argv[i]);
            return 2;
        }
    }
    if (!o.stories || !o.movienet || !o.out) {
        cli_errorf("dataset negatives: --stories, --movienet and --out are required");
        return 2;
    }
    sm_negatives_summary sum;
    sm_error err;
    if (sm_dataset_negatives(&o, &sum, &err) != 0) {
        cli_report(&err);
        return 1;
    }
    if (!quiet)
        fprintf(stderr, "%s: %zu synthetic sequences, %zu frames from %zu films%s -> %s\n",
                sm_progname, sum.sequences, sum.frames, sum.films,
                sum.repeated_film ? " (some sequences reuse a film: fewer films than frames)" : "",
                o.out);
    return 0;
}

int cmd_dataset(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage_text, stdout);
            return 0;
        }
    if (argc > 1 && strcmp(argv[1], "negatives") == 0)
        return run_negatives(argc - 1, argv + 1);
    sm_dataset_options o;
    sm_dataset_options_init(&o);
    int quiet = 0;
    common c = {&o.stories, &o.movienet, &o.out, &o.seed, &quiet};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = common_option(argc, argv, &i, &c);
        if (r < 0)
            return 2;
        if (r > 0)
            continue;
        if (strcmp(a, "--test-fraction") == 0 && i + 1 < argc) {
            if (cli_option_double("dataset", a, argv[++i], 0, 0, 1, &o.test_fraction) != 0)
                return 2;
        } else if (strcmp(a, "--split-by") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "film") == 0)
                o.split_by = SM_SPLIT_BY_FILM;
            else if (strcmp(v, "story") == 0)
                o.split_by = SM_SPLIT_BY_STORY;
            else {
                cli_errorf("dataset: --split-by '%s': need film or story", v);
                return 2;
            }
        } else if (strcmp(a, "--copy") == 0)
            o.copy = 1;
        else {
            cli_errorf("dataset: unexpected argument '%s'; see 'storymovie dataset --help'", a);
            return 2;
        }
    }
    if (!o.stories || !o.movienet || !o.out) {
        cli_errorf("dataset: --stories, --movienet and --out are required; see 'storymovie dataset --help'");
        return 2;
    }
    sm_dataset_summary sum;
    sm_error err;
    if (sm_dataset_build(&o, &sum, &err) != 0) {
        cli_report(&err);
        return 1;
    }
    if (!quiet) {
        fprintf(stderr, "%s: dataset of %zu stories from %zu films -> %s\n", sm_progname,
                sum.stories, sum.films, o.out);
        fprintf(stderr, "  train %zu stories (%zu films), test %zu stories (%zu films)%s\n",
                sum.train_stories, sum.train_films, sum.test_stories, sum.test_films,
                o.split_by == SM_SPLIT_BY_FILM ? ", split by film" : ", split by story");
        fprintf(stderr, "  %zu frames: %zu hard links, %zu copies\n", sum.images, sum.linked, sum.copied);
        fprintf(stderr, "  %zu records pass every 'story check' rule; %zu carry StoryMovie fields\n",
                sum.clean, sum.storymovie);
    }
    return 0;
}
