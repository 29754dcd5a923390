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
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "speakers") == 0)
        return cmd_eval_speakers(argc - 1, argv + 1);
    if (strcmp(argv[1], "grounding") == 0)
        return cmd_eval_grounding(argc - 1, argv + 1);
    if (strcmp(argv[1], "language") == 0)
        return cmd_eval_language(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return cmd_eval_report(argc - 1, argv + 1);
    if (strcmp(argv[1], "qa") == 0)
        return cmd_eval_qa(argc - 1, argv + 1);
    if (strcmp(argv[1], "judge") == 0)
        return cmd_eval_judge(argc - 1, argv + 1);
    if (strcmp(argv[1], "dialogue") == 0)
        return cmd_eval_dialogue(argc - 1, argv + 1);
    if (strcmp(argv[1], "structure") == 0)
        return cmd_eval_structure(argc - 1, argv + 1);
    cli_errorf("eval: '%s' is not something to evaluate; see 'storymovie eval --help'", argv[1]);
    return 2;
}
