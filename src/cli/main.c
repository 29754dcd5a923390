/* main.c - storymovie: git-style dispatch to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/alignment.h"
#include "storymovie/io.h"
#include "storymovie/provenance.h"
#include "storymovie/version.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"subs", cmd_subs, "read subtitles (SRT, WebVTT, ASS/SSA) into cues and segments"},
    {"script", cmd_script, "read a screenplay (plain text, Fountain, transcript) into blocks"},
    {"align", cmd_align, "align a screenplay with subtitles: who says what, and when"},
    {"link", cmd_link, "give each story's frames their time and script context"},
    {"build", cmd_build, "the main job: align every film of a MovieNet corpus, then link its stories"},
    {"story", cmd_story, "check story records, print their text or entities"},
    {"eval", cmd_eval, "score speakers, grounding or language against a reference"},
    {"llm", cmd_llm, "send a Batch file of model requests (cache, retries, N in flight)"},
    {"generate", cmd_generate, "stories from a model: ground (real names and dialogue, verified), tell"},
    {"dataset", cmd_dataset, "write a Hugging Face dataset of stories; synthetic negatives"},
    {"export", cmd_export, "write SFT or DPO training rows for TRL or LLaMA-Factory"},
    {"view", cmd_view, "write an HTML page to look at stories, frames, boxes and alignments"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: storymovie <command> [options] [args]\n"
            "\n"
            "Build and evaluate script-grounded visual-story datasets from films.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "Run 'storymovie <command> --help' for a command's options, and\n"
            "'storymovie --version' for the version.\n"
            "Records go to standard output (or -o FILE) as JSON Lines; messages and\n"
            "summaries go to standard error.  Exit status: 0 success, 1 bad input or\n"
            "failure, 2 usage error (docs/errors.md; every format: docs/README.md).\n");
}

int main(int argc, char **argv)
{
    sm_process_init();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        if (argc > 2) {
            for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
                if (strcmp(argv[2], commands[i].name) == 0) {
                    char *help_argv[] = {argv[2], "--help", NULL};
                    return cli_close_stdout(commands[i].run(2, help_argv));
                }
        }
        usage(stdout);
        return cli_close_stdout(0);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("storymovie %s (aligner method %d)\n", sm_version(), sm_align_method_version());
        return cli_close_stdout(0);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return cli_close_stdout(commands[i].run(argc - 1, argv + 1));
    cli_errorf("'%s' is not a command; see 'storymovie --help'", argv[1]);
    return 2;
}
