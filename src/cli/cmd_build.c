/* cmd_build.c - storymovie build (not written yet). */
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_build(int argc, char **argv)
{
    (void)argc;
    cli_errorf("%s: not implemented yet", argv[0]);
    return 1;
}
