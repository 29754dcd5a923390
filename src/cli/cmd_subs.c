/* cmd_subs.c - storymovie subs (not written yet). */
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_subs(int argc, char **argv)
{
    (void)argc;
    cli_errorf("%s: not implemented yet", argv[0]);
    return 1;
}
