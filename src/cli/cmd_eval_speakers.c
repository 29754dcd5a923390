/* cmd_eval_speakers.c - storymovie eval speakers: score speaker attribution. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_speakers.h"
#include "storymovie/json.h"


static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_error(const void *a, const void *b)
{
    const sm_confusion *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    int c = strcmp(x->gold, y->gold);
    return c ? c : strcmp(x->pred, y->pred);
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static void print_human(FILE *f, const sm_speaker_score *s, size_t episodes, size_t missing, int n_errors)
{
    if (episodes)
        fprintf(f, "episodes   %zu%s\n", episodes, missing ? " (some without predictions, see above)" : "");
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
    if (n_errors > 0 && s->n_errors) {
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
}

int cmd_eval_speakers(int argc, char **argv)
{
    const char *pos[2];
    int npos = 0, n_errors = 10, per_episode = 0, quiet = 0;
    long value;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            fputs(cli_help_eval_speakers, stdout);
            return 0;
        } else if (!strcmp(a, "--errors") && i + 1 < argc) {
            if (cli_option_long("eval speakers", "--errors", argv[++i], 0, 100000, &value))
                return 2;
            n_errors = (int)value;
        } else if (!strcmp(a, "--per-episode")) {
            per_episode = 1;
        } else if (!strcmp(a, "--json") || !strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            cli_errorf("eval speakers: unknown option '%s'; see --help", a);
            return 2;
        } else if (npos < 2) {
            pos[npos++] = a;
        } else {
            cli_errorf("eval speakers: too many arguments");
            return 2;
        }
    }
    if (npos != 2) {
        fputs("usage: storymovie eval speakers [options] GOLD PRED (see --help)\n", stderr);
        return 2;
    }
    sm_speaker_score total;
    memset(&total, 0, sizeof total);
    size_t episodes = 0, missing = 0;
    int status = 0;
    sm_error err;
    if (!is_dir(pos[0])) {
        if (sm_speaker_score_files(&total, NULL, pos[0], pos[1], &err) != 0) {
            cli_report(&err);
            status = 1;
        }
    } else {
        if (!is_dir(pos[1])) {
            cli_errorf("eval speakers: %s is a directory, so %s must be one too", pos[0], pos[1]);
            return 2;
        }
        sm_speaker_episode *eps;
        size_t n;
        if (sm_speaker_episodes(pos[0], pos[1], &eps, &n, &err) != 0) {
            cli_report(&err);
            return 1;
        }
        for (size_t i = 0; i < n && status == 0; i++) {
            if (!eps[i].pred) {
                fprintf(stderr, "storymovie: eval speakers: %s: no prediction (%s/%s.jsonl): all abstained\n",
                        eps[i].id, pos[1], eps[i].id);
                missing++;
            }
            sm_speaker_score ep;
            memset(&ep, 0, sizeof ep);
            if (sm_speaker_score_files(&total, &ep, eps[i].gold, eps[i].pred, &err) != 0) {
                cli_report(&err);
                status = 1;
            } else if (per_episode) {
                if (!quiet)
                    fprintf(stderr, "%-24s %5zu gold  accuracy %6.2f%%  coverage %6.2f%%  precision %6.2f%%\n",
                            eps[i].id, ep.total, pct(ep.correct, ep.total), pct(ep.answered, ep.total),
                            pct(ep.correct, ep.answered));
                sm_json j;
                sm_json_init(&j);
                sm_speaker_score_json(&j, &ep, 0, eps[i].id);
                sm_json_flush_line(&j, stdout);
                sm_json_free(&j);
            }
            sm_speaker_score_free(&ep);
            episodes++;
        }
        sm_speaker_episodes_free(eps, n);
        if (episodes == 0 && status == 0) {
            cli_errorf("eval speakers: no <id>/gold.tsv under %s", pos[0]);
            status = 1;
        }
    }
    if (status == 0) {
        if (!quiet)
            print_human(stderr, &total, episodes, missing, n_errors);
        sm_json j;
        sm_json_init(&j);
        sm_speaker_score_json(&j, &total, episodes, NULL);
        sm_json_flush_line(&j, stdout);
        sm_json_free(&j);
    }
    sm_speaker_score_free(&total);
    return status;
}
