/* cmd_eval_story.c - storymovie eval grounding|language: score predicted
 * stories against reference stories, paired by story_id. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"



typedef struct eval_args {
    const char *pred, *ref, *out;
    int per_story, quirks;
    int image_width, image_height;
} eval_args;

static int parse_args(int argc, char **argv, int allow_quirks, eval_args *a, const char *help)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(help, stdout);
            return 0;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pred") == 0 && i + 1 < argc)
            a->pred = argv[++i];
        else if (strcmp(argv[i], "--ref") == 0 && i + 1 < argc)
            a->ref = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            a->out = argv[++i];
        else if (strcmp(argv[i], "--per-story") == 0)
            a->per_story = 1;
        else if (allow_quirks && strcmp(argv[i], "--reference-quirks") == 0)
            a->quirks = 1;
        else if (allow_quirks && strcmp(argv[i], "--image-size") == 0 && i + 1 < argc) {
            char extra;
            if (sscanf(argv[++i], "%dx%d%c", &a->image_width, &a->image_height, &extra) != 2 ||
                a->image_width <= 0 || a->image_height <= 0) {
                cli_errorf("eval %s: --image-size wants WxH, e.g. 1280x720, not '%s'", argv[0], argv[i]);
                return 2;
            }
        }
        else {
            cli_errorf("eval %s: unexpected argument '%s'; see 'storymovie eval %s --help'",
                       argv[0], argv[i], argv[0]);
            return 2;
        }
    }
    if (!a->pred || !a->ref) {
        cli_errorf("eval %s: --pred and --ref are required; see 'storymovie eval %s --help'",
                   argv[0], argv[0]);
        return 2;
    }
    return -1;    /* go on */
}

/* The stories of either file without a partner: one line on stderr. */
static void note_unpaired(const sm_story_pairs *p, const char *what)
{
    size_t n_pred = 0, n_ref = 0;
    for (size_t i = 0; i < p->pred.n_items; i++)
        n_pred += p->ref_of_pred[i] == SIZE_MAX;
    for (size_t i = 0; i < p->ref.n_items; i++)
        n_ref += !p->ref_paired[i];
    if (!n_pred && !n_ref)
        return;
    fprintf(stderr, "%s: eval %s: %zu predicted stories without reference, %zu references "
            "without prediction (not scored):", sm_progname, what, n_pred, n_ref);
    size_t shown = 0;
    for (size_t i = 0; i < p->pred.n_items && shown < 10; i++)
        if (p->ref_of_pred[i] == SIZE_MAX)
            fprintf(stderr, " %s", p->pred.items[i].story_id), shown++;
    for (size_t i = 0; i < p->ref.n_items && shown < 10; i++)
        if (!p->ref_paired[i])
            fprintf(stderr, " %s", p->ref.items[i].story_id), shown++;
    fprintf(stderr, "%s\n", n_pred + n_ref > shown ? " ..." : "");
}

/* How both scorers start: the options, the stories of both files paired,
 * the output opened.  -1 to go on; else the exit status (help, a usage
 * error, or a problem reported), with nothing left to free. */
static int start(int argc, char **argv, int allow_quirks, const char *help, eval_args *a,
                 sm_story_pairs *p, sm_output *out)
{
    int rc = parse_args(argc, argv, allow_quirks, a, help);
    if (rc >= 0)
        return rc;
    sm_error err;
    if (sm_story_pairs_read(a->pred, a->ref, p, &err) != 0) {
        cli_report(&err);
        return 1;
    }
    if (cli_open_output(out, a->out) != 0) {
        sm_story_pairs_free(p);
        return 1;
    }
    return -1;
}

int cmd_eval_grounding(int argc, char **argv)
{
    eval_args a;
    sm_story_pairs p;
    sm_output out;
    int rc = start(argc, argv, 1, cli_help_eval_grounding, &a, &p, &out);
    if (rc >= 0)
        return rc;
    sm_grounding_mode mode = a.quirks ? SM_GROUNDING_REFERENCE_QUIRKS : SM_GROUNDING_PER_IMAGE;
    sm_grounding_options gopt = {mode, a.image_width, a.image_height};
    sm_grounding_summary sum;
    int failed = sm_grounding_write(out.fp, &p, &gopt, a.per_story, &sum) != 0;
    note_unpaired(&p, "grounding");
    rc = cli_finish_output(&out, failed);
    /* The summary once the output is whole: a failed write is the only line. */
    if (rc == 0)
        fprintf(stderr,
                "%s: eval grounding (%s): %zu stories\n"
                "  all         P %.4f  R %.4f  F1 %.4f\n"
                "  characters  P %.4f  R %.4f  F1 %.4f\n"
                "  objects     P %.4f  R %.4f  F1 %.4f\n"
                "  mAP         %.4f\n",
                sm_progname, a.quirks ? "reference quirks" : "per image", sum.stories,
                sum.precision, sum.recall, sum.f1, sum.char_precision, sum.char_recall, sum.char_f1,
                sum.obj_precision, sum.obj_recall, sum.obj_f1, sum.map);
    sm_story_pairs_free(&p);
    return rc;
}

int cmd_eval_language(int argc, char **argv)
{
    eval_args a;
    sm_story_pairs p;
    sm_output out;
    int rc = start(argc, argv, 0, cli_help_eval_language, &a, &p, &out);
    if (rc >= 0)
        return rc;
    sm_language_summary sum;
    int failed = sm_language_write(out.fp, &p, a.per_story, &sum) != 0;
    note_unpaired(&p, "language");
    rc = cli_finish_output(&out, failed);
    if (rc == 0)
        fprintf(stderr,
                "%s: eval language: %zu stories, %.0f predicted / %.0f reference tokens\n"
                "  BLEU-1 %.4f  BLEU-2 %.4f  BLEU-3 %.4f  BLEU-4 %.4f\n"
                "  ROUGE-L %.4f  METEOR %.4f\n",
                sm_progname, sum.stories, sum.pred_tokens, sum.ref_tokens, sum.bleu[0], sum.bleu[1],
                sum.bleu[2], sum.bleu[3], sum.rouge_l, sum.meteor);
    sm_story_pairs_free(&p);
    return rc;
}
