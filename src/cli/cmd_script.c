/* cmd_script.c - storymovie script (not written yet). */
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_script(int argc, char **argv)
{
    (void)argc;
    cli_errorf("%s: not implemented yet", argv[0]);
    return 1;
}
