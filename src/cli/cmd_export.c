/* cmd_export.c - storymovie export sft|dpo: options in, the library
 * (src/dataset) does the work, a summary out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/dataset.h"


static void print_summary(const sm_export_options *o, const sm_export_summary *sum, int dpo)
{
    const char *fmt = o->format == SM_EXPORT_TRL ? "TRL" : "LLaMA-Factory";
    if (!dpo) {
        fprintf(stderr, "%s: %s SFT rows: %zu train, %zu test -> %s\n", sm_progname, fmt, sum->train_rows,
                sum->test_rows, o->out);
        fprintf(stderr, "  %zu frames (%zu hard links, %zu copies)", sum->images, sum->linked, sum->copied);
        if (o->max_images)
            fprintf(stderr, "; %zu stories cut to %d frames (%zu tags narrowed, %zu unwrapped)", sum->trimmed,
                    o->max_images, sum->tags_narrowed, sum->tags_unwrapped);
        fputc('\n', stderr);
        return;
    }
    fprintf(stderr, "%s: %s DPO pairs: %zu from %zu prompts (%zu real, %zu synthetic), %zu samples -> %s\n",
            sm_progname, fmt, sum->pairs, sum->prompts, sum->real_prompts, sum->synthetic_prompts,
            sum->samples, o->out);
    fprintf(stderr, "  not paired: %zu below --min-margin, %zu with fewer than two whole answers, %zu of the "
            "test split; %zu samples left out (truncated, empty, test)\n", sum->below_margin,
            sum->single_sample, sum->test_prompts, sum->excluded_samples);
    fprintf(stderr, "  every reward and its parts: %s/rewards.jsonl\n", o->out);
}

/* The options of both forms, then those of one. */
#define COMMON_OPTIONS(o, format, prompt, quiet)                                                         \
    CLI_OPT("--dataset", CLI_STRING, &(o).dataset), CLI_OPT("--out", CLI_STRING, &(o).out),                \
        CLI_CHOICES("--format", "trl|llamafactory", &(format)),                                             \
        CLI_OPT("--system-prompt", CLI_STRING, &(prompt)),                                                \
        CLI_OPT("--instruction", CLI_STRING, &(o).instruction), CLI_OPT("--name", CLI_STRING, &(o).name), \
        CLI_OPT("--copy", CLI_FLAG, &(o).copy), CLI_OPT("-q|--quiet", CLI_FLAG, &(quiet))

int cmd_export(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(cli_help_export, stdout);
            return 0;
        }
    if (argc < 2 || (strcmp(argv[1], "sft") != 0 && strcmp(argv[1], "dpo") != 0)) {
        cli_errorf("export: say sft or dpo; see 'storymovie export --help'");
        return 2;
    }
    int dpo = strcmp(argv[1], "dpo") == 0;
    sm_export_options o;
    sm_export_options_init(&o);
    const char *prompt_file = NULL;
    int format = -1;   /* required */
    cli_list samples = {NULL, 0};
    int quiet = 0;
    const cli_opt sft_opts[] = {
        COMMON_OPTIONS(o, format, prompt_file, quiet),
        CLI_RANGE("--max-images", CLI_INT, &o.max_images, 1, 100000),
        CLI_CHOICES("--frames", "even|first", &o.pick),
        CLI_END};
    const cli_opt dpo_opts[] = {
        COMMON_OPTIONS(o, format, prompt_file, quiet),
        CLI_OPT("--samples", CLI_LIST, &samples),
        CLI_OPT("--negatives", CLI_STRING, &o.negatives),
        CLI_OPT("--movienet", CLI_STRING, &o.movienet),
        CLI_RANGE("--min-margin", CLI_NUMBER, &o.min_margin, 0, 1e9),
        CLI_END};
    const char *cmd = dpo ? "export dpo" : "export sft";
    int rc = cli_parse(cmd, cli_help_export, dpo ? dpo_opts : sft_opts, NULL, argc - 1, argv + 1);
    o.samples = samples.items;
    o.nsamples = samples.n;
    if (rc < 0 && (!o.dataset || !o.out || format < 0 || (dpo && o.nsamples == 0))) {
        cli_errorf("%s: --dataset, --format, --out%s are required; see 'storymovie export --help'", cmd,
                   dpo ? " and --samples" : "");
        rc = 2;
    }
    o.format = format == 1 ? SM_EXPORT_LLAMAFACTORY : SM_EXPORT_TRL;
    char *prompt = NULL;
    sm_export_summary sum;
    sm_error err;
    if (rc < 0 && prompt_file && !(o.system_prompt = prompt = sm_export_read_prompt(prompt_file, &err)))
        rc = 1;
    else if (rc < 0)
        rc = (dpo ? sm_export_dpo(&o, &sum, &err) : sm_export_sft(&o, &sum, &err)) != 0;
    if (rc == 1)
        cli_report(&err);
    else if (rc == 0 && !quiet)
        print_summary(&o, &sum, dpo);
    free(samples.items);
    free(prompt);
    return rc;
}
