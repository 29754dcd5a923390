/* cmd_export.c - storymovie export sft|dpo: options in, the library
 * (src/dataset) does the work, a summary out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/dataset.h"
#include "storymovie/text.h"


static char *read_prompt_file(const char *path)
{
    sm_text t;
    sm_error err;
    if (sm_text_read_file(path, &t, &err) != 0) {
        cli_report(&err);
        return NULL;
    }
    /* one trailing newline is the file's, not the prompt's */
    while (t.len && (t.data[t.len - 1] == '\n' || t.data[t.len - 1] == '\r'))
        t.data[--t.len] = '\0';
    return t.data;
}

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
    const char **samples = calloc((size_t)argc, sizeof *samples);
    char *system_prompt = NULL;
    int quiet = 0, have_format = 0, rc = -1;
    if (!samples) {
        cli_errorf("export: out of memory");
        return 1;
    }
    for (int i = 2; i < argc && rc < 0; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--dataset") == 0 && v)
            o.dataset = argv[++i];
        else if (strcmp(a, "--out") == 0 && v)
            o.out = argv[++i];
        else if (strcmp(a, "--format") == 0 && v) {
            i++;
            have_format = 1;
            if (strcmp(v, "trl") == 0)
                o.format = SM_EXPORT_TRL;
            else if (strcmp(v, "llamafactory") == 0)
                o.format = SM_EXPORT_LLAMAFACTORY;
            else {
                cli_errorf("export: --format '%s': need trl or llamafactory", v);
                rc = 2;
            }
        } else if (!dpo && strcmp(a, "--max-images") == 0 && v) {
            long n = 0;
            if (cli_option_long("export", a, argv[++i], 1, 100000, &n) != 0)
                rc = 2;
            o.max_images = (int)n;
        } else if (!dpo && strcmp(a, "--frames") == 0 && v) {
            i++;
            if (strcmp(v, "even") == 0)
                o.pick = SM_PICK_EVEN;
            else if (strcmp(v, "first") == 0)
                o.pick = SM_PICK_FIRST;
            else {
                cli_errorf("export: --frames '%s': need even or first", v);
                rc = 2;
            }
        } else if (dpo && strcmp(a, "--samples") == 0 && v)
            samples[o.nsamples++] = argv[++i];
        else if (dpo && strcmp(a, "--negatives") == 0 && v)
            o.negatives = argv[++i];
        else if (dpo && strcmp(a, "--movienet") == 0 && v)
            o.movienet = argv[++i];
        else if (dpo && strcmp(a, "--min-margin") == 0 && v) {
            if (cli_option_double("export", a, argv[++i], 0, 0, 1e9, &o.min_margin) != 0)
                rc = 2;
        } else if (strcmp(a, "--system-prompt") == 0 && v) {
            free(system_prompt);
            if (!(system_prompt = read_prompt_file(argv[++i])))
                rc = 1;
            o.system_prompt = system_prompt;
        } else if (strcmp(a, "--instruction") == 0 && v)
            o.instruction = argv[++i];
        else if (strcmp(a, "--name") == 0 && v)
            o.name = argv[++i];
        else if (strcmp(a, "--copy") == 0)
            o.copy = 1;
        else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
            quiet = 1;
        else {
            cli_errorf("export %s: unexpected argument '%s'; see 'storymovie export --help'", argv[1], a);
            rc = 2;
        }
    }
    if (rc < 0 && (!o.dataset || !o.out || !have_format || (dpo && o.nsamples == 0))) {
        cli_errorf("export %s: --dataset, --format, --out%s are required; see 'storymovie export --help'",
                   argv[1], dpo ? " and --samples" : "");
        rc = 2;
    }
    if (rc < 0) {
        o.samples = samples;
        sm_export_summary sum;
        sm_error err;
        if ((dpo ? sm_export_dpo(&o, &sum, &err) : sm_export_sft(&o, &sum, &err)) != 0) {
            cli_report(&err);
            rc = 1;
        } else {
            rc = 0;
            const char *fmt = o.format == SM_EXPORT_TRL ? "TRL" : "LLaMA-Factory";
            if (!quiet && !dpo) {
                fprintf(stderr, "%s: %s SFT rows: %zu train, %zu test -> %s\n", sm_progname, fmt,
                        sum.train_rows, sum.test_rows, o.out);
                fprintf(stderr, "  %zu frames (%zu hard links, %zu copies)", sum.images, sum.linked,
                        sum.copied);
                if (o.max_images)
                    fprintf(stderr, "; %zu stories cut to %d frames (%zu tags narrowed, %zu unwrapped)",
                            sum.trimmed, o.max_images, sum.tags_narrowed, sum.tags_unwrapped);
                fputc('\n', stderr);
            } else if (!quiet) {
                fprintf(stderr, "%s: %s DPO pairs: %zu from %zu prompts (%zu real, %zu synthetic), "
                        "%zu samples -> %s\n", sm_progname, fmt, sum.pairs, sum.prompts,
                        sum.real_prompts, sum.synthetic_prompts, sum.samples, o.out);
                fprintf(stderr, "  not paired: %zu below --min-margin, %zu with fewer than two whole "
                        "answers, %zu of the test split; %zu samples left out (truncated, empty, "
                        "test)\n", sum.below_margin, sum.single_sample, sum.test_prompts,
                        sum.excluded_samples);
                fprintf(stderr, "  every reward and its parts: %s/rewards.jsonl\n", o.out);
            }
        }
    }
    free(samples);
    free(system_prompt);
    return rc;
}
