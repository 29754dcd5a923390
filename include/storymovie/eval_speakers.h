/* eval_speakers.h - scoring speaker attribution against gold.
 *
 * Gold: a TSV as docs/eval-speakers.md describes
 *   cue, segment, segments, start, end, speaker, text   (header line first)
 * Predictions: `storymovie align` JSON Lines (segment records, with their
 * confidence) or a TSV of cue<TAB>segment<TAB>speaker.
 * Names compare by letters only, case-insensitively (SPEC "Metrics"), the
 * way the reference scorer does: accuracy = correct / gold segments
 * (abstentions count as wrong), coverage = answered / gold, precision =
 * correct / answered. */
#ifndef STORYMOVIE_EVAL_SPEAKERS_H
#define STORYMOVIE_EVAL_SPEAKERS_H

#include <stddef.h>
#include "error.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_speaker_label {
    int cue, segment;
    char *speaker;        /* NULL or "" = abstained */
    double confidence;    /* 1 when the source has none (TSV) */
} sm_speaker_label;

typedef struct sm_speaker_labels {
    sm_speaker_label *items;
    size_t n_items, cap;
} sm_speaker_labels;

int sm_speaker_labels_read_gold(const char *path, sm_speaker_labels *out, sm_error *err);
/* JSON Lines from align, or TSV; detected by the first non-blank byte. */
int sm_speaker_labels_read_pred(const char *path, sm_speaker_labels *out, sm_error *err);
/* The same on a file's bytes in memory (any encoding, as a file's), named
 * `name` in messages. */
int sm_speaker_labels_parse_gold(const char *name, const void *data, size_t len, sm_speaker_labels *out,
                                 sm_error *err);
int sm_speaker_labels_parse_pred(const char *name, const void *data, size_t len, sm_speaker_labels *out,
                                 sm_error *err);
void sm_speaker_labels_free(sm_speaker_labels *l);

#define SM_CALIBRATION_BINS 6   /* [0.5,0.7) [0.7,0.8) [0.8,0.9) [0.9,0.95) [0.95,0.99) [0.99,1] */

typedef struct sm_confusion {
    char *gold, *pred;    /* pred "" = abstained */
    size_t count;
} sm_confusion;

typedef struct sm_speaker_score {
    size_t total, answered, correct;
    size_t bin_answered[SM_CALIBRATION_BINS], bin_correct[SM_CALIBRATION_BINS];
    size_t high_answered, high_correct;   /* confidence >= 0.9 */
    sm_confusion *errors;                 /* wrong answers and abstentions, by (gold, pred) */
    size_t n_errors, cap_errors;
} sm_speaker_score;

/* Add one episode's comparison to score (scores accumulate over episodes). */
int sm_speaker_score_add(sm_speaker_score *score, const sm_speaker_labels *gold,
                         const sm_speaker_labels *pred);
/* Read a gold file and a prediction file (NULL: no prediction, all
 * abstained) and add their comparison to score, and to episode when not
 * NULL.  Returns 0, or -1 with err set. */
int sm_speaker_score_files(sm_speaker_score *score, sm_speaker_score *episode, const char *gold_path,
                           const char *pred_path, sm_error *err);

/* The episodes of a directory of gold labels: every GOLD_DIR/<id>/gold.tsv,
 * in id order, with its prediction PRED_DIR/<id>.jsonl, else <id>.tsv, else
 * none (NULL). */
typedef struct sm_speaker_episode {
    char *id, *gold, *pred;
} sm_speaker_episode;

/* Returns 0 (*out malloc'd, possibly with *n 0), or -1 with err set. */
int sm_speaker_episodes(const char *gold_dir, const char *pred_dir, sm_speaker_episode **out,
                        size_t *n, sm_error *err);
void sm_speaker_episodes_free(sm_speaker_episode *e, size_t n);
void sm_speaker_score_free(sm_speaker_score *score);
/* The totals as one JSON object (what `eval speakers` prints): type
 * ("summary", or "episode" with its id when episode_id is not NULL),
 * episodes (when not 0), gold, answered, correct, accuracy, coverage,
 * precision, precision_at_0_9, answered_at_0_9. */
void sm_speaker_score_json(sm_json *j, const sm_speaker_score *s, size_t episodes, const char *episode_id);
/* Letters only, lower case: the comparison key of the reference scorer. */
void sm_speaker_name_key(const char *name, char *buf, size_t size);
double sm_calibration_bin_low(int bin);

/* `eval speakers`: a gold file and a prediction file, or a directory of
 * episodes and a directory of predictions (sm_speaker_episodes). */
typedef struct sm_speaker_eval {
    sm_speaker_score total;
    sm_speaker_episode *episodes;     /* directories: every episode, in id order */
    sm_speaker_score *scores;         /* ... and its own score, for the first n_scored */
    size_t n_episodes, n_scored;
    size_t missing;                   /* episodes scored without a prediction (all abstained) */
} sm_speaker_eval;

/* 0; -1 with err when a file cannot be read (the episodes scored before
 * it are in *out) or a directory holds no episode; -2 with err when gold
 * is a directory and pred is not (a usage error).  Free *out in every
 * case. */
int sm_speaker_eval_run(const char *gold, const char *pred, sm_speaker_eval *out, sm_error *err);
void sm_speaker_eval_free(sm_speaker_eval *e);
/* The human table of `eval speakers`: totals, calibration bands, and the
 * n_errors most frequent errors (gold -> predicted). */
void sm_speaker_eval_print(FILE *f, const sm_speaker_eval *e, int n_errors);
/* One line for episode i: id, gold, accuracy, coverage, precision. */
void sm_speaker_eval_print_episode(FILE *f, const sm_speaker_eval *e, size_t i);

#ifdef __cplusplus
}
#endif
#endif
