/* cmd_eval_story.c - storymovie eval grounding|language: score predicted
 * stories against reference stories, paired by story_id (library:
 * src/eval/pairs_run.c). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval.h"
#include "storymovie/story.h"

/* --image-size WxH */
static int parse_size(const char *cmd, const char *opt, const char *value, void *dst)
{
    sm_grounding_options *g = dst;
    if (sm_image_size_parse(value, &g->image_width, &g->image_height) == 0)
        return 0;
    cli_errorf("%s: %s wants WxH, e.g. 1280x720, not '%s'", cmd, opt, value);
    return -1;
}

/* The options of both scorers; grounding's own ones when g is not NULL
 * (without it the table ends before them).  -1 to go on, else the exit
 * status (help shown, or a usage error). */
static int parse_args(const char *cmd, const char *help, int argc, char **argv, sm_eval_pairs_request *req,
                      int *quirks, sm_grounding_options *g)
{
    const cli_opt opts[] = {
        CLI_OPT("--pred", CLI_STRING, &req->pred_path),
        CLI_OPT("--ref", CLI_STRING, &req->ref_path),
        CLI_OPT("-o", CLI_STRING, &req->out_path),
        CLI_OPT("--per-story", CLI_FLAG, &req->per_story),
        CLI_OPT(g ? "--reference-quirks" : NULL, CLI_FLAG, quirks),
        CLI_CALLBACK("--image-size", parse_size, g),
        CLI_END};
    int rc = cli_parse(cmd, help, opts, NULL, argc, argv);
    if (rc < 0 && (!req->pred_path || !req->ref_path)) {
        cli_errorf("%s: --pred and --ref are required; see 'storymovie %s --help'", cmd, cmd);
        rc = 2;
    }
    return rc;
}

/* The stories of either file without a partner: one line on stderr. */
static void note_unpaired(const sm_story_pairs *p, const char *cmd)
{
    const char *ids[10];
    size_t n_pred, n_ref, shown = sm_story_pairs_unpaired(p, ids, 10, &n_pred, &n_ref);
    if (!n_pred && !n_ref)
        return;
    fprintf(stderr, "%s: %s: %zu predicted stories without reference, %zu references without prediction "
            "(not scored):", sm_progname, cmd, n_pred, n_ref);
    for (size_t i = 0; i < shown; i++)
        fprintf(stderr, " %s", ids[i]);
    fprintf(stderr, "%s\n", n_pred + n_ref > shown ? " ..." : "");
}

int cmd_eval_grounding(int argc, char **argv)
{
    sm_eval_pairs_request req = {0};
    sm_grounding_options gopt = {SM_GROUNDING_PER_IMAGE, 0, 0};
    int quirks = 0;
    int rc = parse_args("eval grounding", cli_help_eval_grounding, argc, argv, &req, &quirks, &gopt);
    if (rc >= 0)
        return rc;
    gopt.mode = quirks ? SM_GROUNDING_REFERENCE_QUIRKS : SM_GROUNDING_PER_IMAGE;
    sm_error err;
    sm_story_pairs p;
    sm_grounding_summary sum;
    rc = sm_eval_grounding_run(&req, &gopt, &p, &sum, &err) != 0;
    note_unpaired(&p, "eval grounding");
    if (rc)
        cli_report(&err);
    else  /* the summary once the output is whole: a failed write is the only line */
        fprintf(stderr,
                "%s: eval grounding (%s): %zu stories\n"
                "  all         P %.4f  R %.4f  F1 %.4f\n"
                "  characters  P %.4f  R %.4f  F1 %.4f\n"
                "  objects     P %.4f  R %.4f  F1 %.4f\n"
                "  mAP         %.4f\n",
                sm_progname, quirks ? "reference quirks" : "per image", sum.stories, sum.precision, sum.recall,
                sum.f1, sum.char_precision, sum.char_recall, sum.char_f1, sum.obj_precision, sum.obj_recall,
                sum.obj_f1, sum.map);
    sm_story_pairs_free(&p);
    return rc;
}

int cmd_eval_language(int argc, char **argv)
{
    sm_eval_pairs_request req = {0};
    int rc = parse_args("eval language", cli_help_eval_language, argc, argv, &req, NULL, NULL);
    if (rc >= 0)
        return rc;
    sm_error err;
    sm_story_pairs p;
    sm_language_summary sum;
    rc = sm_eval_language_run(&req, &p, &sum, &err) != 0;
    note_unpaired(&p, "eval language");
    if (rc)
        cli_report(&err);
    else
        fprintf(stderr,
                "%s: eval language: %zu stories, %.0f predicted / %.0f reference tokens\n"
                "  BLEU-1 %.4f  BLEU-2 %.4f  BLEU-3 %.4f  BLEU-4 %.4f\n"
                "  ROUGE-L %.4f  METEOR %.4f\n",
                sm_progname, sum.stories, sum.pred_tokens, sum.ref_tokens, sum.bleu[0], sum.bleu[1], sum.bleu[2],
                sum.bleu[3], sum.rouge_l, sum.meteor);
    sm_story_pairs_free(&p);
    return rc;
}
