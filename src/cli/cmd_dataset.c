/* cmd_dataset.c - storymovie dataset [negatives]: options in, the library
 * (src/dataset) does the work, a summary out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/dataset.h"


/* --seed N: any whole number >= 0 (unsigned long long). */
static int parse_seed(const char *cmd, const char *opt, const char *v, void *dst)
{
    char *end;
    unsigned long long s = strtoull(v, &end, 10);
    if (end == v || *end || v[0] == '-') {
        cli_errorf("%s: %s '%s': need a whole number >= 0", cmd, opt, v);
        return -1;
    }
    *(unsigned long long *)dst = s;
    return 0;
}

/* The options both forms take. */
#define COMMON_OPTIONS(o, quiet)                                                                    \
    CLI_OPT("--stories", CLI_STRING, &(o).stories), CLI_OPT("--movienet", CLI_STRING, &(o).movienet), \
        CLI_OPT("-o|--out", CLI_STRING, &(o).out), CLI_CALLBACK("--seed", parse_seed, &(o).seed),     \
        CLI_OPT("-q|--quiet", CLI_FLAG, &(quiet))

static int run_negatives(int argc, char **argv)
{
    sm_negatives_options o;
    memset(&o, 0, sizeof o);
    int quiet = 0;
    const cli_opt opts[] = {COMMON_OPTIONS(o, quiet), CLI_END};
    int rc = cli_parse("dataset negatives", cli_help_dataset, opts, NULL, argc, argv);
    if (rc >= 0)
        return rc;
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
    if (argc > 1 && strcmp(argv[1], "negatives") == 0)
        return run_negatives(argc - 1, argv + 1);
    sm_dataset_options o;
    sm_dataset_options_init(&o);
    int quiet = 0;
    const cli_opt opts[] = {
        COMMON_OPTIONS(o, quiet),
        CLI_RANGE("--test-fraction", CLI_NUMBER, &o.test_fraction, 0, 1),
        CLI_CHOICES("--split-by", "film|story", &o.split_by),
        CLI_OPT("--copy", CLI_FLAG, &o.copy),
        CLI_END};
    int rc = cli_parse("dataset", cli_help_dataset, opts, NULL, argc, argv);
    if (rc >= 0)
        return rc;
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
