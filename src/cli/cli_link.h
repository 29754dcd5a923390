/* cli_link.h - the options and set-up `link` and `build` share. */
#ifndef STORYMOVIE_CLI_LINK_H
#define STORYMOVIE_CLI_LINK_H

#include "storymovie/link.h"

typedef struct cli_link_args {
    const char *root;                 /* MOVIENET_DIR */
    const char *stories, *frames;     /* exactly one is given */
    int jobs, quiet;
    double iou_min;
} cli_link_args;

void cli_link_args_init(cli_link_args *a);
/* argv[*i] when it is one of the shared options (taking its value) or the
 * corpus directory: 1; 0 when it is another option; -1 on a bad value or
 * a second directory (the message printed: exit status 2). */
int cli_link_arg(const char *cmd, int argc, char **argv, int *i, cli_link_args *a);

/* A corpus, its stories, and the job over them. */
typedef struct cli_link_corpus {
    sm_movienet corpus;
    sm_link_inputs inputs;
    sm_link_job job;                  /* options from the arguments; align_dir etc. still to set */
    sm_batch_options batch;
} cli_link_corpus;

/* Open the corpus and read the stories (or frames).  0, or -1 after
 * reporting (nothing left to free). */
int cli_link_open(const cli_link_args *a, cli_link_corpus *c);
void cli_link_close(cli_link_corpus *c);

#endif
