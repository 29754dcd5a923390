/* cli_link.c - what `storymovie link` and `storymovie build` share on the
 * command line: their common options, and opening a corpus with its
 * stories as one job. */
#include "cli/cli_link.h"

#include <string.h>

#include "cli/cli.h"

void cli_link_args_init(cli_link_args *a)
{
    memset(a, 0, sizeof *a);
    a->jobs = 1;
    a->iou_min = 0.5;
}

int cli_link_arg(const char *cmd, int argc, char **argv, int *i, cli_link_args *a)
{
    const char *arg = argv[*i];
    int has_next = *i + 1 < argc;
    if (!strcmp(arg, "--stories") && has_next) {
        a->stories = argv[++*i];
    } else if (!strcmp(arg, "--frames") && has_next) {
        a->frames = argv[++*i];
    } else if ((!strcmp(arg, "-j") || !strcmp(arg, "--jobs")) && has_next) {
        long v;
        if (cli_option_long(cmd, "--jobs", argv[++*i], 1, 1024, &v))
            return -1;
        a->jobs = (int)v;
    } else if (!strcmp(arg, "--iou") && has_next) {
        if (cli_option_double(cmd, "--iou", argv[++*i], 0.0, 1, 1.0, &a->iou_min))
            return -1;
    } else if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet")) {
        a->quiet = 1;
    } else if (arg[0] == '-' && arg[1]) {
        return 0;
    } else if (!a->root) {
        a->root = arg;
    } else {
        cli_errorf("%s: unexpected argument '%s'; see 'storymovie %s --help'", cmd, arg, cmd);
        return -1;
    }
    return 1;
}

int cli_link_open(const cli_link_args *a, cli_link_corpus *c)
{
    sm_error err;
    memset(c, 0, sizeof *c);
    if (sm_movienet_open(a->root, &c->corpus, &err) != 0) {
        cli_report(&err);
        return -1;
    }
    if (sm_link_inputs_read(a->stories, a->frames, &c->inputs, &err) != 0) {
        cli_report(&err);
        sm_movienet_close(&c->corpus);
        return -1;
    }
    c->job.corpus = &c->corpus;
    c->job.inputs = c->inputs.items;
    c->job.n_inputs = c->inputs.n;
    sm_link_options_init(&c->job.options);
    c->job.options.iou_min = a->iou_min;
    sm_batch_options_init(&c->batch);
    c->batch.jobs = a->jobs;
    c->batch.progress = !a->quiet;
    return 0;
}

void cli_link_close(cli_link_corpus *c)
{
    sm_link_job_free(&c->job);
    sm_link_inputs_free(&c->inputs);
    sm_movienet_close(&c->corpus);
}
