/* speakers_run.c - `storymovie eval speakers` on files or directories of
 * episodes, and its human table. */
#include "storymovie/eval_speakers.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

int sm_speaker_eval_run(const char *gold, const char *pred, sm_speaker_eval *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!is_dir(gold))
        return sm_speaker_score_files(&out->total, NULL, gold, pred, err);
    if (!is_dir(pred)) {
        sm_fail(err, "eval speakers", 0, "%s is a directory, so %s must be one too", gold, pred);
        return -2;
    }
    if (sm_speaker_episodes(gold, pred, &out->episodes, &out->n_episodes, err) != 0)
        return -1;
    if (out->n_episodes == 0)
        return sm_fail(err, "eval speakers", 0, "no <id>/gold.tsv under %s", gold);
    out->scores = calloc(out->n_episodes, sizeof *out->scores);
    if (!out->scores)
        return sm_fail(err, gold, 0, "out of memory");
    for (size_t i = 0; i < out->n_episodes; i++) {
        const sm_speaker_episode *ep = &out->episodes[i];
        out->missing += !ep->pred;
        if (sm_speaker_score_files(&out->total, &out->scores[i], ep->gold, ep->pred, err) != 0)
            return -1;
        out->n_scored++;
    }
    return 0;
}

void sm_speaker_eval_free(sm_speaker_eval *e)
{
    sm_speaker_score_free(&e->total);
    for (size_t i = 0; i < e->n_episodes && e->scores; i++)
        sm_speaker_score_free(&e->scores[i]);
    free(e->scores);
    sm_speaker_episodes_free(e->episodes, e->n_episodes);
    memset(e, 0, sizeof *e);
}

void sm_speaker_eval_print_episode(FILE *f, const sm_speaker_eval *e, size_t i)
{
    const sm_speaker_score *s = &e->scores[i];
    fprintf(f, "%-24s %5zu gold  accuracy %6.2f%%  coverage %6.2f%%  precision %6.2f%%\n", e->episodes[i].id,
            s->total, pct(s->correct, s->total), pct(s->answered, s->total), pct(s->correct, s->answered));
}

static int cmp_error(const void *a, const void *b)
{
    const sm_confusion *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    int c = strcmp(x->gold, y->gold);
    return c ? c : strcmp(x->pred, y->pred);
}

static void print_errors(FILE *f, const sm_speaker_score *s, int n_errors)
{
    if (n_errors <= 0 || !s->n_errors)
        return;
    sm_confusion *e = malloc(s->n_errors * sizeof *e);
    if (!e)
        return;
    memcpy(e, s->errors, s->n_errors * sizeof *e);
    qsort(e, s->n_errors, sizeof *e, cmp_error);
    fprintf(f, "most frequent errors (gold -> predicted):\n");
    for (size_t i = 0; i < s->n_errors && i < (size_t)n_errors; i++)
        fprintf(f, "  %5zu  %s -> %s\n", e[i].count, e[i].gold, e[i].pred[0] ? e[i].pred : "(none)");
    free(e);
}

void sm_speaker_eval_print(FILE *f, const sm_speaker_eval *e, int n_errors)
{
    const sm_speaker_score *s = &e->total;
    if (e->n_episodes)
        fprintf(f, "episodes   %zu%s\n", e->n_episodes, e->missing ? " (some without predictions, see above)" : "");
    fprintf(f, "segments   %zu gold, %zu answered, %zu correct\n", s->total, s->answered, s->correct);
    fprintf(f, "accuracy   %.2f%%\n", pct(s->correct, s->total));
    fprintf(f, "coverage   %.2f%%\n", pct(s->answered, s->total));
    fprintf(f, "precision  %.2f%%\n", pct(s->correct, s->answered));
    fprintf(f, "confidence >= 0.9: %zu answered, precision %.2f%%\n", s->high_answered,
            pct(s->high_correct, s->high_answered));
    fprintf(f, "calibration (confidence band: answered, precision):\n");
    for (int b = 0; b < SM_CALIBRATION_BINS; b++) {
        double hi = b + 1 < SM_CALIBRATION_BINS ? sm_calibration_bin_low(b + 1) : 1.0;
        if (s->bin_answered[b])
            fprintf(f, "  [%.2f, %.2f%s  %6zu  %6.2f%%\n", sm_calibration_bin_low(b), hi,
                    b + 1 < SM_CALIBRATION_BINS ? ")" : "]", s->bin_answered[b],
                    pct(s->bin_correct[b], s->bin_answered[b]));
    }
    print_errors(f, s, n_errors);
}
