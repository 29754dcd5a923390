/* cmd_eval_story.c - storymovie eval grounding|language (not written yet). */
#include "cli/cli.h"
#include "cli/commands.h"

int cmd_eval_grounding(int argc, char **argv)
{
    (void)argc;
    cli_errorf("eval %s: not implemented yet", argv[0]);
    return 1;
}

int cmd_eval_language(int argc, char **argv)
{
    (void)argc;
    cli_errorf("eval %s: not implemented yet", argv[0]);
    return 1;
}
