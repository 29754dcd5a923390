/* cmd_eval_speakers.c - storymovie eval speakers (not written yet). */
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_eval_speakers(int argc, char **argv)
{
    (void)argc;
    cli_errorf("%s: not implemented yet", argv[0]);
    return 1;
}
