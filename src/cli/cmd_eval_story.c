/* cmd_eval_story.c - storymovie eval grounding|language: score predicted
 * stories against reference stories, paired by story_id. */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/eval.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"

static const char grounding_usage[] =
"usage: storymovie eval grounding --pred PRED --ref REF [--per-story]\n"
"                                 [--reference-quirks [--image-size WxH]] [-o OUT]\n"
"\n"
"Grounding precision, recall, F1 and mAP of predicted stories against\n"
"reference stories (docs/eval.md, as in StoryReasoning).\n"
"\n"
"PRED and REF are story files as 'storymovie story' reads them (JSON Lines\n"
"records, or records whose story field is a whole model output\n"
"\"<think>...</think>story\").  Stories pair by story_id; stories of either file\n"
"without a partner are listed on standard error and in the summary, and are\n"
"not scored.\n"
"\n"
"Detections are the rows of the chain-of-thought tables whose bounding box\n"
"reads as four numbers: Characters rows are persons, Objects rows (objN, lmN,\n"
"bgN) are not; every score is 1.0.  A predicted detection matches a\n"
"reference one when both are persons or both are not, they belong to the\n"
"same image, and IoU >= 0.5 (IoU on x1,y1,x2,y2 pixel boxes, continuous, no\n"
"+1).  All such pairs are taken greedily, highest IoU first (ties: earlier\n"
"predicted row, then earlier reference row), one-to-one.  Per story:\n"
"  precision = TP / predicted (1 when nothing is predicted)\n"
"  recall    = TP / reference (1 when the reference has nothing)\n"
"  F1        = 2PR / (P + R) (0 when P + R = 0)\n"
"the same restricted to characters and to objects, and AP: the predictions\n"
"ranked in chain-of-thought order (equal scores), the interpolated precision\n"
"(best precision at recall >= t) averaged over t = 0, 0.1, ..., 1 (11 points);\n"
"AP = 1 when both sides are empty, 0 when only one is.  Every figure is the\n"
"mean over the paired stories (macro average); mAP is the mean AP.\n"
"\n"
"Options:\n"
"  --pred PRED          predicted stories (required)\n"
"  --ref REF            reference stories (required)\n"
"  --per-story          one JSON line per paired story before the summary\n"
"  --reference-quirks   reproduce the original StoryReasoning code: match\n"
"                       across images (a person in image 2 can match one in\n"
"                       image 9), recall thresholds i*0.1 in floating point\n"
"                       (numpy.arange), so that recall 0.3 misses t = 0.3, and\n"
"                       only boxes of four integers without brackets (what its\n"
"                       int() accepts; spaces are fine)\n"
"  --image-size WxH     with --reference-quirks: also normalise boxes by a WxH\n"
"                       image and clamp x, y, w, h each to [0,1] as that code\n"
"                       does (the records carry no image sizes; without this\n"
"                       option pixel boxes are compared, which only differs for\n"
"                       boxes reaching outside the image)\n"
"  -o OUT               write the JSON lines to OUT instead of standard output\n"
"\n"
"Output (JSON Lines; numbers are fractions in [0,1]):\n"
"  {\"type\":\"story\",\"story_id\",\"tp\",\"fp\",\"fn\",\"precision\",\"recall\",\"f1\",\n"
"   \"char_precision\",\"char_recall\",\"char_f1\",\"obj_precision\",\"obj_recall\",\n"
"   \"obj_f1\",\"ap\",\"pred_detections\",\"ref_detections\"}      (--per-story)\n"
"  {\"type\":\"summary\",\"mode\":\"per-image\"|\"reference-quirks\",\"stories\",\n"
"   \"precision\",\"recall\",\"f1\",\"char_precision\",\"char_recall\",\"char_f1\",\n"
"   \"obj_precision\",\"obj_recall\",\"obj_f1\",\"map\",\"unpaired_pred\":[ids],\n"
"   \"unpaired_ref\":[ids]}\n"
"A readable summary goes to standard error.\n"
"\n"
"Exit status: 0 scored; 1 unreadable input, a record that is not JSON or has\n"
"no story_id, or no story pairs; 2 usage.\n"
"\n"
"Example:\n"
"  storymovie eval grounding --pred storyteller.jsonl --ref test.jsonl\n";

static const char language_usage[] =
"usage: storymovie eval language --pred PRED --ref REF [--per-story] [-o OUT]\n"
"\n"
"BLEU-1..4, ROUGE-L and METEOR of predicted stories against reference\n"
"stories, paired by story_id (unpaired stories are listed and not scored).\n"
"\n"
"Text: the story field with all tags removed and white space collapsed\n"
"(exactly 'storymovie story text').  Tokens: maximal runs of Unicode\n"
"letters, marks and digits, an apostrophe (' or U+2019) between two of them\n"
"kept inside (\"don't\" is one token), everything else dropped; lower-cased.\n"
"(coco-caption's PTB tokenizer also drops punctuation, but splits \"do n't\".)\n"
"\n"
"BLEU-n    corpus level with one reference per story, as multi-bleu.perl or\n"
"          nltk corpus_bleu with uniform weights 1/n and no smoothing:\n"
"          clipped n-gram matches and candidate n-grams summed over all\n"
"          stories, p_k = matches_k / candidates_k, BLEU-n =\n"
"          BP * exp(sum_{k<=n} log(p_k) / n), BP = exp(1 - r/c) when the total\n"
"          candidate length c is below the total reference length r, else 1;\n"
"          0 when some p_k is 0.\n"
"ROUGE-L   per story F = (1 + b^2) P R / (R + b^2 P) with P = LCS/|pred|,\n"
"          R = LCS/|ref| over tokens and beta b = 1.2 (as coco-caption);\n"
"          the mean over stories.\n"
"METEOR    per story, the mean over stories.  Words are aligned in two\n"
"          stages, exact then Porter stem (our implementation of Porter\n"
"          1980); P and R count exact matches 1.0 and stem matches 0.6;\n"
"          Fmean = P R / (alpha P + (1 - alpha) R); penalty = gamma *\n"
"          (chunks / matches)^beta; score = Fmean (1 - penalty), with the\n"
"          METEOR 1.5 English parameters alpha 0.85, beta 0.20, gamma 0.60.\n"
"          Differences from Java METEOR 1.5 (what coco-caption runs): no\n"
"          synonym (WordNet) or paraphrase module; no function-word list, so\n"
"          delta (0.75) has no effect (all words count as content words);\n"
"          the alignment is greedy (left to right, preferring to extend a\n"
"          chunk), not METEOR's search for the fewest chunks; its -norm text\n"
"          normalisation is replaced by the tokenisation above; and the\n"
"          corpus figure is the mean of story scores, where METEOR 1.5\n"
"          aggregates match statistics.  Expect numbers close to, not equal\n"
"          to, coco-caption's.\n"
"\n"
"Options:\n"
"  --pred PRED      predicted stories (required)\n"
"  --ref REF        reference stories (required)\n"
"  --per-story      one JSON line per story (rouge_l, meteor, token counts)\n"
"  -o OUT           write the JSON lines to OUT instead of standard output\n"
"\n"
"Output (JSON Lines):\n"
"  {\"type\":\"story\",\"story_id\",\"pred_tokens\",\"ref_tokens\",\"rouge_l\",\"meteor\"}\n"
"  {\"type\":\"summary\",\"stories\",\"bleu1\",\"bleu2\",\"bleu3\",\"bleu4\",\"rouge_l\",\n"
"   \"meteor\",\"pred_tokens\",\"ref_tokens\",\"brevity_penalty\",\n"
"   \"unpaired_pred\":[ids],\"unpaired_ref\":[ids]}\n"
"\n"
"Exit status: 0 scored; 1 unreadable input, a broken record or no pairs;\n"
"2 usage.\n"
"\n"
"Example:\n"
"  storymovie eval language --pred storyteller.jsonl --ref test.jsonl\n";

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
    int rc = start(argc, argv, 1, grounding_usage, &a, &p, &out);
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
    int rc = start(argc, argv, 0, language_usage, &a, &p, &out);
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
