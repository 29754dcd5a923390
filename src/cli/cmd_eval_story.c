/* cmd_eval_story.c - storymovie eval grounding|language: score predicted
 * stories against reference stories, paired by story_id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/array.h"
#include "common/hash.h"
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
"reference stories (SPEC \"Metrics\", as in StoryReasoning).\n"
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

/* Both files read, refused when a record cannot be paired. */
typedef struct paired {
    sm_story_set pred, ref;
    size_t *ref_of_pred;          /* index in ref, or SIZE_MAX */
    unsigned char *ref_paired;
    size_t pairs;
} paired;

static int check_records(const sm_story_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        const sm_story *s = &set->items[i];
        if (s->broken) {
            cli_errorf("%s:%ld: %s", set->name, s->record_line,
                       s->nissues ? s->issues[0].message : "not a record");
            return -1;
        }
        if (!s->story_id) {
            cli_errorf("%s:%ld: record has no story_id: it cannot be paired", set->name,
                       s->record_line);
            return -1;
        }
    }
    return 0;
}

static void paired_free(paired *p)
{
    sm_story_set_free(&p->pred);
    sm_story_set_free(&p->ref);
    free(p->ref_of_pred);
    free(p->ref_paired);
}

static int read_pairs(const eval_args *a, paired *p)
{
    sm_error err;
    memset(p, 0, sizeof *p);
    if (sm_story_read_file(a->pred, &p->pred, &err) != 0) {
        cli_report(&err);
        return -1;
    }
    if (sm_story_read_file(a->ref, &p->ref, &err) != 0) {
        cli_report(&err);
        sm_story_set_free(&p->pred);
        return -1;
    }
    if (check_records(&p->pred) != 0 || check_records(&p->ref) != 0) {
        paired_free(p);
        return -1;
    }
    size_t nref = p->ref.count, cap = sm_table_size(nref, 16);
    size_t *slots = malloc(cap * sizeof *slots);
    p->ref_of_pred = malloc((p->pred.count + 1) * sizeof *p->ref_of_pred);
    p->ref_paired = calloc(nref + 1, 1);
    if (!slots || !p->ref_of_pred || !p->ref_paired) {
        free(slots);
        paired_free(p);
        cli_errorf("out of memory");
        return -1;
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = SIZE_MAX;
    /* First occurrence wins; 'story check' reports duplicates. */
    for (size_t i = 0; i < nref; i++) {
        size_t k = (size_t)sm_fnv1a_str(p->ref.items[i].story_id) & (cap - 1);
        while (slots[k] != SIZE_MAX && strcmp(p->ref.items[slots[k]].story_id, p->ref.items[i].story_id))
            k = (k + 1) & (cap - 1);
        if (slots[k] == SIZE_MAX)
            slots[k] = i;
    }
    for (size_t i = 0; i < p->pred.count; i++) {
        const char *id = p->pred.items[i].story_id;
        size_t k = (size_t)sm_fnv1a_str(id) & (cap - 1);
        while (slots[k] != SIZE_MAX && strcmp(p->ref.items[slots[k]].story_id, id))
            k = (k + 1) & (cap - 1);
        size_t r = slots[k];
        if (r != SIZE_MAX && p->ref_paired[r])
            r = SIZE_MAX;   /* a repeated prediction: only the first is scored */
        p->ref_of_pred[i] = r;
        if (r != SIZE_MAX) {
            p->ref_paired[r] = 1;
            p->pairs++;
        }
    }
    free(slots);
    if (p->pairs == 0) {
        cli_errorf("no story of %s has a story_id found in %s", a->pred, a->ref);
        paired_free(p);
        return -1;
    }
    return 0;
}

/* The unpaired ids into the summary, and a note on stderr. */
static void write_unpaired(sm_json *j, const paired *p, const char *what)
{
    size_t n_pred = 0, n_ref = 0;
    sm_json_key(j, "unpaired_pred");
    sm_json_begin_array(j);
    for (size_t i = 0; i < p->pred.count; i++)
        if (p->ref_of_pred[i] == SIZE_MAX) {
            sm_json_string(j, p->pred.items[i].story_id);
            n_pred++;
        }
    sm_json_end_array(j);
    sm_json_key(j, "unpaired_ref");
    sm_json_begin_array(j);
    for (size_t i = 0; i < p->ref.count; i++)
        if (!p->ref_paired[i]) {
            sm_json_string(j, p->ref.items[i].story_id);
            n_ref++;
        }
    sm_json_end_array(j);
    if (n_pred || n_ref) {
        fprintf(stderr, "%s: eval %s: %zu predicted stories without reference, %zu references "
                "without prediction (not scored):", sm_progname, what, n_pred, n_ref);
        size_t shown = 0;
        for (size_t i = 0; i < p->pred.count && shown < 10; i++)
            if (p->ref_of_pred[i] == SIZE_MAX)
                fprintf(stderr, " %s", p->pred.items[i].story_id), shown++;
        for (size_t i = 0; i < p->ref.count && shown < 10; i++)
            if (!p->ref_paired[i])
                fprintf(stderr, " %s", p->ref.items[i].story_id), shown++;
        fprintf(stderr, "%s\n", n_pred + n_ref > shown ? " ..." : "");
    }
}

static int finish_output(sm_output *out, sm_json *j, int failed)
{
    sm_error err;
    sm_json_free(j);
    if (failed) {
        cli_errorf("cannot write output (or out of memory)");
        sm_output_abort(out);
        return 1;
    }
    if (sm_output_commit(out, &err) != 0) {
        cli_report(&err);
        return 1;
    }
    return 0;
}

/* Pair the stories of both files and open the output: how both scorers
 * start.  0, or -1 after reporting, with nothing left to free. */
static int open_pairs(const eval_args *a, paired *p, sm_output *out)
{
    sm_error err;
    if (read_pairs(a, p) != 0)
        return -1;
    if (sm_output_open(out, a->out, &err) != 0) {
        cli_report(&err);
        paired_free(p);
        return -1;
    }
    return 0;
}

int cmd_eval_grounding(int argc, char **argv)
{
    eval_args a;
    int rc = parse_args(argc, argv, 1, &a, grounding_usage);
    if (rc >= 0)
        return rc;
    paired p;
    sm_output out;
    if (open_pairs(&a, &p, &out) != 0)
        return 1;
    sm_grounding_mode mode = a.quirks ? SM_GROUNDING_REFERENCE_QUIRKS : SM_GROUNDING_PER_IMAGE;
    sm_grounding_options gopt = {mode, a.image_width, a.image_height};
    sm_grounding_summary sum;
    memset(&sum, 0, sizeof sum);
    sm_json j;
    sm_json_init(&j);
    int failed = 0;
    for (size_t i = 0; i < p.pred.count && !failed; i++) {
        if (p.ref_of_pred[i] == SIZE_MAX)
            continue;
        const sm_story *ps = &p.pred.items[i], *rs = &p.ref.items[p.ref_of_pred[i]];
        sm_detection *cd, *rd;
        size_t nc = sm_grounding_detections(ps, &gopt, &cd);
        size_t nr = sm_grounding_detections(rs, &gopt, &rd);
        sm_grounding_story g;
        if (nc == (size_t)-1 || nr == (size_t)-1 || sm_grounding_score(cd, nc, rd, nr, mode, &g) != 0) {
            failed = 1;
        } else {
            sm_grounding_summary_add(&sum, &g);
            if (a.per_story) {
                sm_json_begin_object(&j);
                sm_json_kv_string(&j, "type", "story");
                sm_json_kv_string(&j, "story_id", ps->story_id);
                sm_json_kv_int(&j, "tp", (long long)g.all.tp);
                sm_json_kv_int(&j, "fp", (long long)g.all.fp);
                sm_json_kv_int(&j, "fn", (long long)g.all.fn);
                sm_json_kv_double(&j, "precision", g.all.precision);
                sm_json_kv_double(&j, "recall", g.all.recall);
                sm_json_kv_double(&j, "f1", g.all.f1);
                sm_json_kv_double(&j, "char_precision", g.characters.precision);
                sm_json_kv_double(&j, "char_recall", g.characters.recall);
                sm_json_kv_double(&j, "char_f1", g.characters.f1);
                sm_json_kv_double(&j, "obj_precision", g.objects.precision);
                sm_json_kv_double(&j, "obj_recall", g.objects.recall);
                sm_json_kv_double(&j, "obj_f1", g.objects.f1);
                sm_json_kv_double(&j, "ap", g.ap);
                sm_json_kv_int(&j, "pred_detections", (long long)(nc == (size_t)-1 ? 0 : nc));
                sm_json_kv_int(&j, "ref_detections", (long long)(nr == (size_t)-1 ? 0 : nr));
                sm_json_end_object(&j);
                failed = sm_json_flush_line(&j, out.fp) != 0;
            }
        }
        if (nc != (size_t)-1)
            free(cd);
        if (nr != (size_t)-1)
            free(rd);
    }
    sm_grounding_summary_finish(&sum);
    sm_json_begin_object(&j);
    sm_json_kv_string(&j, "type", "summary");
    sm_json_kv_string(&j, "mode", a.quirks ? "reference-quirks" : "per-image");
    sm_json_kv_int(&j, "stories", (long long)sum.stories);
    sm_json_kv_double(&j, "precision", sum.precision);
    sm_json_kv_double(&j, "recall", sum.recall);
    sm_json_kv_double(&j, "f1", sum.f1);
    sm_json_kv_double(&j, "char_precision", sum.char_precision);
    sm_json_kv_double(&j, "char_recall", sum.char_recall);
    sm_json_kv_double(&j, "char_f1", sum.char_f1);
    sm_json_kv_double(&j, "obj_precision", sum.obj_precision);
    sm_json_kv_double(&j, "obj_recall", sum.obj_recall);
    sm_json_kv_double(&j, "obj_f1", sum.obj_f1);
    sm_json_kv_double(&j, "map", sum.map);
    write_unpaired(&j, &p, "grounding");
    sm_json_end_object(&j);
    if (!failed)
        failed = sm_json_flush_line(&j, out.fp) != 0;
    fprintf(stderr,
            "%s: eval grounding (%s): %zu stories\n"
            "  all         P %.4f  R %.4f  F1 %.4f\n"
            "  characters  P %.4f  R %.4f  F1 %.4f\n"
            "  objects     P %.4f  R %.4f  F1 %.4f\n"
            "  mAP         %.4f\n",
            sm_progname, a.quirks ? "reference quirks" : "per image", sum.stories,
            sum.precision, sum.recall, sum.f1, sum.char_precision, sum.char_recall, sum.char_f1,
            sum.obj_precision, sum.obj_recall, sum.obj_f1, sum.map);
    rc = finish_output(&out, &j, failed);
    paired_free(&p);
    return rc;
}

static int tokenize_story(sm_vocab *v, const sm_story *s, char **buf, size_t *cap, sm_words *w)
{
    if (s->text_len + 1 > *cap) {
        free(*buf);
        *cap = (size_t)s->text_len + 1;
        *buf = malloc(*cap);
        if (!*buf) {
            *cap = 0;
            return -1;
        }
    }
    size_t n = sm_story_plain_text(s->text, s->text_len, *buf);
    w->count = 0;
    return sm_words_tokenize(v, *buf, n, w);
}

int cmd_eval_language(int argc, char **argv)
{
    eval_args a;
    int rc = parse_args(argc, argv, 0, &a, language_usage);
    if (rc >= 0)
        return rc;
    paired p;
    sm_output out;
    if (open_pairs(&a, &p, &out) != 0)
        return 1;
    sm_vocab *v = sm_vocab_new();
    sm_words cw = {0}, rw = {0};
    sm_bleu bleu;
    memset(&bleu, 0, sizeof bleu);
    double rouge_sum = 0, meteor_sum = 0;
    size_t stories = 0;
    char *buf = NULL;
    size_t cap = 0;
    sm_json j;
    sm_json_init(&j);
    int failed = !v;
    for (size_t i = 0; i < p.pred.count && !failed; i++) {
        if (p.ref_of_pred[i] == SIZE_MAX)
            continue;
        const sm_story *ps = &p.pred.items[i], *rs = &p.ref.items[p.ref_of_pred[i]];
        if (tokenize_story(v, ps, &buf, &cap, &cw) != 0 || tokenize_story(v, rs, &buf, &cap, &rw) != 0 ||
            sm_bleu_add(&bleu, &cw, &rw) != 0) {
            failed = 1;
            break;
        }
        double rouge = sm_rouge_l(&cw, &rw, 1.2);
        double meteor = sm_meteor(v, &cw, &rw, &sm_meteor_default, NULL);
        if (rouge < 0 || meteor < 0) {
            failed = 1;
            break;
        }
        rouge_sum += rouge;
        meteor_sum += meteor;
        stories++;
        if (a.per_story) {
            sm_json_begin_object(&j);
            sm_json_kv_string(&j, "type", "story");
            sm_json_kv_string(&j, "story_id", ps->story_id);
            sm_json_kv_int(&j, "pred_tokens", (long long)cw.count);
            sm_json_kv_int(&j, "ref_tokens", (long long)rw.count);
            sm_json_kv_double(&j, "rouge_l", rouge);
            sm_json_kv_double(&j, "meteor", meteor);
            sm_json_end_object(&j);
            failed = sm_json_flush_line(&j, out.fp) != 0;
        }
    }
    double b[4] = {0, 0, 0, 0};
    sm_bleu_score(&bleu, b);
    double bp = sm_bleu_brevity_penalty(&bleu);
    double rouge = stories ? rouge_sum / (double)stories : 0;
    double meteor = stories ? meteor_sum / (double)stories : 0;
    sm_json_begin_object(&j);
    sm_json_kv_string(&j, "type", "summary");
    sm_json_kv_int(&j, "stories", (long long)stories);
    sm_json_kv_double(&j, "bleu1", b[0]);
    sm_json_kv_double(&j, "bleu2", b[1]);
    sm_json_kv_double(&j, "bleu3", b[2]);
    sm_json_kv_double(&j, "bleu4", b[3]);
    sm_json_kv_double(&j, "rouge_l", rouge);
    sm_json_kv_double(&j, "meteor", meteor);
    sm_json_kv_int(&j, "pred_tokens", (long long)bleu.cand_len);
    sm_json_kv_int(&j, "ref_tokens", (long long)bleu.ref_len);
    sm_json_kv_double(&j, "brevity_penalty", bp);
    write_unpaired(&j, &p, "language");
    sm_json_end_object(&j);
    if (!failed)
        failed = sm_json_flush_line(&j, out.fp) != 0;
    fprintf(stderr,
            "%s: eval language: %zu stories, %.0f predicted / %.0f reference tokens\n"
            "  BLEU-1 %.4f  BLEU-2 %.4f  BLEU-3 %.4f  BLEU-4 %.4f\n"
            "  ROUGE-L %.4f  METEOR %.4f\n",
            sm_progname, stories, bleu.cand_len, bleu.ref_len, b[0], b[1], b[2], b[3], rouge, meteor);
    free(buf);
    sm_words_free(&cw);
    sm_words_free(&rw);
    sm_vocab_free(v);
    rc = finish_output(&out, &j, failed);
    paired_free(&p);
    return rc;
}
