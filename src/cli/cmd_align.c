/* cmd_align.c - storymovie align (not written yet). */
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_align(int argc, char **argv)
{
    (void)argc;
    cli_errorf("%s: not implemented yet", argv[0]);
    return 1;
}
