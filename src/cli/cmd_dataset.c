/* cmd_dataset.c - storymovie dataset [negatives]: options in, the library
 * (src/dataset) does the work, a summary out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/dataset.h"


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
            fputs(cli_help_dataset, stdout);
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
