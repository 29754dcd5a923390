/* eval.h - scoring stories against references: grounding and language.
 *
 * Grounding (SPEC "Metrics", as in StoryReasoning): detections come from
 * the chain-of-thought tables, matched one-to-one greedily by IoU; per
 * story precision / recall / F1 (all, characters, objects) and 11-point
 * interpolated AP; everything macro-averaged over the paired stories.
 *
 * Language: corpus BLEU-1..4, ROUGE-L F (beta 1.2) and METEOR (exact +
 * Porter-stem matching) on the tag-stripped story text.
 *
 * Both score predicted stories against reference stories paired by
 * story_id (sm_story_pairs_read), one pair at a time, and average; the
 * records `eval grounding` and `eval language` print are written here too.
 *
 * Speaker attribution is scored in eval_speakers.h. */
#ifndef STORYMOVIE_EVAL_H
#define STORYMOVIE_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- stories paired by story_id --------------------------------------------- */

typedef struct sm_story_pairs {
    sm_story_set pred, ref;
    size_t *ref_of_pred;          /* per predicted story: its reference's index, or SIZE_MAX */
    unsigned char *ref_paired;    /* per reference story: 1 when a prediction pairs with it */
    size_t pairs;
} sm_story_pairs;

/* Read both files and pair their stories by story_id.  An unreadable
 * file, a record that is not JSON or has no story_id, a story_id given
 * twice in one file (the message names both lines), or no pair at all is
 * an error. */
int sm_story_pairs_read(const char *pred_path, const char *ref_path, sm_story_pairs *p, sm_error *err);
/* The same for two sets already read into p->pred and p->ref (from
 * memory, say); p is freed on error. */
int sm_story_pairs_pair(sm_story_pairs *p, sm_error *err);
void sm_story_pairs_free(sm_story_pairs *p);
/* "unpaired_pred":[ids],"unpaired_ref":[ids] into the open object j; the
 * counts into *n_pred and *n_ref (may be NULL). */
void sm_story_pairs_unpaired_json(sm_json *j, const sm_story_pairs *p, size_t *n_pred, size_t *n_ref);
/* The unpaired stories counted into *n_pred and *n_ref, and the ids of the
 * first max of them (predictions first) into ids; returns how many ids. */
size_t sm_story_pairs_unpaired(const sm_story_pairs *p, const char **ids, size_t max, size_t *n_pred,
                               size_t *n_ref);

/* `eval grounding` and `eval language` as a whole: both files read and
 * paired (*p, kept for the caller; free it with sm_story_pairs_free either
 * way: it is empty when the files could not be read or the output could
 * not be opened), the records written to out_path (NULL or "-": standard
 * output; atomically), *sum filled.  0, or -1 with err. */
typedef struct sm_eval_pairs_request {
    const char *pred_path, *ref_path, *out_path;
    int per_story;                /* a record per pair before the summary */
} sm_eval_pairs_request;

/* ---- grounding ------------------------------------------------------------ */

typedef struct sm_detection {
    int image;              /* image number of the table it came from */
    int person;             /* Characters row (label "person") or Objects row */
    double box[4];          /* x1, y1, x2, y2 */
    sm_entity_id id;        /* the row's id (kind SM_ENT_NONE when malformed) */
} sm_detection;

/* (The IoU of two boxes, sm_box_iou(), is declared in story.h.) */

typedef struct sm_prf {
    size_t tp, fp, fn;
    double precision, recall, f1;
} sm_prf;

typedef struct sm_grounding_story {
    sm_prf all, characters, objects;
    double ap;               /* 11-point interpolated AP at IoU 0.5 */
} sm_grounding_story;

typedef enum sm_grounding_mode {
    SM_GROUNDING_PER_IMAGE = 0,     /* a candidate only matches references of its image */
    SM_GROUNDING_REFERENCE_QUIRKS   /* as the StoryReasoning code: across images, and its
                                       floating-point recall thresholds */
} sm_grounding_mode;

typedef struct sm_grounding_options {
    sm_grounding_mode mode;
    /* REFERENCE_QUIRKS with a size: boxes are normalised by it and clamped
     * as the original code does (x, y, w, h each into [0,1]).  0: pixels. */
    int image_width, image_height;
} sm_grounding_options;

/* The detections of a story, in chain-of-thought order: one per
 * Characters/Objects row whose box could be read (in REFERENCE_QUIRKS mode
 * only boxes of four integers without brackets, as int() reads them).
 * opt may be NULL (per image, pixels).  *out is malloc'd (NULL when none).
 * Returns the count, or (size_t)-1 on OOM. */
size_t sm_grounding_detections(const sm_story *s, const sm_grounding_options *opt,
                               sm_detection **out);

/* The one-to-one matching itself: ref_of_cand[c] = the reference matched
 * to candidate c, or -1 (greedy by IoU, as described in grounding.c).
 * ref_of_cand holds ncand entries.  Returns the number of matches, or
 * (size_t)-1 on OOM. */
size_t sm_grounding_match(const sm_detection *cand, size_t ncand,
                          const sm_detection *ref, size_t nref,
                          sm_grounding_mode mode, long *ref_of_cand);

/* Score one story's candidates against its references.  Returns 0, -1 on OOM. */
int sm_grounding_score(const sm_detection *cand, size_t ncand,
                       const sm_detection *ref, size_t nref,
                       sm_grounding_mode mode, sm_grounding_story *out);

/* 11-point interpolated AP of a ranked list (is_tp[i]: the i-th candidate
 * matched) with nref references; see grounding.c for the empty cases. */
double sm_ap11(const unsigned char *is_tp, size_t ncand, size_t nref, sm_grounding_mode mode);

typedef struct sm_grounding_summary {
    size_t stories;
    double precision, recall, f1;
    double char_precision, char_recall, char_f1;
    double obj_precision, obj_recall, obj_f1;
    double map;
} sm_grounding_summary;

/* Running macro average. */
void sm_grounding_summary_add(sm_grounding_summary *sum, const sm_grounding_story *g);
void sm_grounding_summary_finish(sm_grounding_summary *sum);

/* One pair: the detections of both stories, scored.  *n_pred and *n_ref
 * get the detection counts.  Returns 0, -1 on OOM. */
int sm_grounding_pair(const sm_story *pred, const sm_story *ref, const sm_grounding_options *opt,
                      sm_grounding_story *out, size_t *n_pred, size_t *n_ref);
/* The records of `eval grounding`: {"type":"story",...} per pair and
 * {"type":"summary",...} (with the unpaired ids), appended to j. */
void sm_grounding_story_json(sm_json *j, const char *story_id, const sm_grounding_story *g,
                             size_t n_pred, size_t n_ref);
void sm_grounding_summary_json(sm_json *j, const sm_grounding_summary *sum, sm_grounding_mode mode,
                               const sm_story_pairs *p);
/* The output of `eval grounding` into f: with per_story one record per
 * pair, in prediction order, then the summary record; *sum filled (as far
 * as it got).  0, or -1 out of memory or on a write error. */
int sm_grounding_write(FILE *f, const sm_story_pairs *p, const sm_grounding_options *opt, int per_story,
                       sm_grounding_summary *sum);

/* ---- language ------------------------------------------------------------- */

/* Tokens of a plain text: lower-cased words (see language.c for the rule). */
typedef struct sm_words {
    uint32_t *ids;           /* word ids in a shared vocabulary */
    size_t n_ids, cap;
} sm_words;

typedef struct sm_vocab sm_vocab;    /* word <-> id, and each word's Porter stem id */

sm_vocab *sm_vocab_new(void);
void sm_vocab_free(sm_vocab *v);
/* Whether a code point belongs to a word: a Unicode letter, mark or digit. */
int sm_word_char(int32_t cp);
/* Tokenise text into out (appending).  Returns 0, -1 on OOM. */
int sm_words_tokenize(sm_vocab *v, const char *text, size_t len, sm_words *out);
const char *sm_vocab_word(const sm_vocab *v, uint32_t id);
void sm_words_free(sm_words *w);

/* Corpus BLEU: accumulate clipped n-gram matches per (candidate,
 * reference) pair, then compute. */
typedef struct sm_bleu {
    double match[4], total[4];
    double cand_len, ref_len;
} sm_bleu;

int sm_bleu_add(sm_bleu *b, const sm_words *cand, const sm_words *ref);
/* exp(1 - r/c) when the candidate corpus is shorter (c < r), else 1; 0 when c = 0. */
double sm_bleu_brevity_penalty(const sm_bleu *b);
/* BLEU-n for n = 1..4 into out[0..3]. */
void sm_bleu_score(const sm_bleu *b, double out[4]);

/* ROUGE-L F-measure of one pair with the given beta (1.2 in coco-caption). */
double sm_rouge_l(const sm_words *cand, const sm_words *ref, double beta);
/* Length of the longest common subsequence (bit-parallel). */
size_t sm_lcs_length(const uint32_t *a, size_t na, const uint32_t *b, size_t nb);

typedef struct sm_meteor_params {
    double alpha, beta, gamma;   /* Fmean weight, penalty exponent, penalty weight */
    double stem_weight;          /* weight of a stem-only match (exact = 1.0) */
} sm_meteor_params;

extern const sm_meteor_params sm_meteor_default;   /* 0.85, 0.20, 0.60, stem 0.60 */

typedef struct sm_meteor_detail {
    double score, precision, recall, fmean, penalty;
    size_t exact, stem, chunks;
} sm_meteor_detail;

/* METEOR of one pair.  detail may be NULL.  Returns the score, or -1 on OOM. */
double sm_meteor(const sm_vocab *v, const sm_words *cand, const sm_words *ref,
                 const sm_meteor_params *p, sm_meteor_detail *detail);

/* Language scores of a corpus of pairs: BLEU over all of them, ROUGE-L
 * and METEOR per pair and their mean. */
typedef struct sm_language_story {
    size_t pred_tokens, ref_tokens;
    double rouge_l, meteor;
} sm_language_story;

typedef struct sm_language_summary {
    size_t stories;
    double bleu[4], rouge_l, meteor, brevity_penalty;
    double pred_tokens, ref_tokens;
} sm_language_summary;

typedef struct sm_language_scorer {
    sm_vocab *vocab;
    sm_words cand, ref;
    sm_bleu bleu;
    double rouge_sum, meteor_sum;
    size_t stories;
    char *text;                   /* scratch: a story's plain text */
    size_t text_cap;
} sm_language_scorer;

int sm_language_init(sm_language_scorer *l);      /* 0, -1 on OOM */
/* Score one pair (tag-free text of both stories) into the corpus; out may
 * be NULL.  Returns 0, -1 on OOM. */
int sm_language_add(sm_language_scorer *l, const sm_story *pred, const sm_story *ref,
                    sm_language_story *out);
void sm_language_finish(const sm_language_scorer *l, sm_language_summary *out);
void sm_language_free(sm_language_scorer *l);
/* The records of `eval language`, appended to j. */
void sm_language_story_json(sm_json *j, const char *story_id, const sm_language_story *s);
void sm_language_summary_json(sm_json *j, const sm_language_summary *s, const sm_story_pairs *p);
/* The output of `eval language` into f, as sm_grounding_write. */
int sm_language_write(FILE *f, const sm_story_pairs *p, int per_story, sm_language_summary *sum);

/* The run functions of `eval grounding` and `eval language` (see
 * sm_eval_pairs_request above). */
int sm_eval_grounding_run(const sm_eval_pairs_request *req, const sm_grounding_options *opt, sm_story_pairs *p,
                          sm_grounding_summary *sum, sm_error *err);
int sm_eval_language_run(const sm_eval_pairs_request *req, sm_story_pairs *p, sm_language_summary *sum,
                         sm_error *err);

#ifdef __cplusplus
}
#endif
#endif
