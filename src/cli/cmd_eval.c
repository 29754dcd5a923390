/* cmd_eval.c - storymovie eval: dispatch to the scorers. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: storymovie eval <what> [options]\n"
            "\n"
            "  speakers   speaker attribution of an alignment against a gold TSV\n"
            "  grounding  grounding precision/recall/F1/mAP of stories against references\n"
            "  language   BLEU-1..4, ROUGE-L and METEOR of stories against references\n"
            "  dialogue   quotations found in the window's subtitles, attribution accuracy\n"
            "  structure  well-structured answers, pronoun grounding, persistence of ids\n"
            "  judge      pairwise LLM judge of two story sets: win rates with intervals\n"
            "  qa         questions from the script context (make), answered from stories (run)\n"
            "  report     the tables of several models side by side (Markdown, JSON, SVG)\n"
            "\n"
            "Run 'storymovie eval <what> --help' for details.\n");
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
