/* cmd_eval.c - storymovie eval: dispatch to the scorers. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"

static void usage(FILE *f)
{
    fputs(cli_help_eval, f);
}

int cmd_eval(int argc, char **argv)
{
    static const cli_sub subs[] = {
        {"speakers", cmd_eval_speakers}, {"grounding", cmd_eval_grounding}, {"language", cmd_eval_language},
        {"report", cmd_eval_report},     {"qa", cmd_eval_qa},               {"judge", cmd_eval_judge},
        {"dialogue", cmd_eval_dialogue}, {"structure", cmd_eval_structure},
    };
    return cli_dispatch(argc, argv, subs, sizeof subs / sizeof subs[0], usage, 0,
                        "eval: '%s' is not something to evaluate; see 'storymovie eval --help'");
}
