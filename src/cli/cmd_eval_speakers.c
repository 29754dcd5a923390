/* cmd_eval_speakers.c - storymovie eval speakers: score speaker attribution. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/eval_speakers.h"
#include "storymovie/json.h"
#include "common/array.h"

static const char usage_text[] =
"usage: storymovie eval speakers [options] GOLD PRED\n"
"       storymovie eval speakers [options] GOLD_DIR PRED_DIR\n"
"\n"
"Score speaker attribution against gold labels.\n"
"\n"
"GOLD is a gold TSV with a header line and the columns cue, segment,\n"
"segments, start, end, speaker, text (one row per labelled subtitle\n"
"segment).  PRED is the output of 'storymovie align' (JSON Lines; the\n"
"segment records are read) or a TSV of cue<TAB>segment<TAB>speaker.\n"
"With two directories, every GOLD_DIR/<id>/gold.tsv is paired with\n"
"PRED_DIR/<id>.jsonl (or <id>.tsv) and the totals are printed; episodes\n"
"without a prediction count as all abstained and are listed.\n"
"\n"
"Names compare by their letters only, case-insensitively.  Printed:\n"
"  accuracy   correct / gold segments (abstentions count as wrong)\n"
"  coverage   answered / gold segments\n"
"  precision  correct / answered\n"
"then the calibration of the confidences (precision per confidence band,\n"
"from JSON Lines predictions) and the most frequent errors as\n"
"'gold -> predicted' (an abstention shows as '(none)').\n"
"\n"
"Options:\n"
"  --errors N      how many error rows to print (default 10)\n"
"  --per-episode   one line per episode before the totals (directories)\n"
"  --json          print the totals as one JSON object instead\n"
"\n"
"Exit status: 0 scored; 1 unreadable input; 2 usage.\n"
"\n"
"Example:\n"
"  storymovie align --manifest episodes.tsv --out pred/\n"
"  storymovie eval speakers ../shared/data/friends pred/\n";

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int score_pair(const char *gold_path, const char *pred_path, sm_speaker_score *s,
                      sm_speaker_score *episode)
{
    sm_error err;
    sm_speaker_labels gold, pred;
    if (sm_speaker_labels_read_gold(gold_path, &gold, &err)) {
        cli_report(&err);
        return -1;
    }
    if (pred_path) {
        if (sm_speaker_labels_read_pred(pred_path, &pred, &err)) {
            cli_report(&err);
            sm_speaker_labels_free(&gold);
            return -1;
        }
    } else {
        memset(&pred, 0, sizeof pred);
    }
    int rc = sm_speaker_score_add(s, &gold, &pred);
    if (rc == 0 && episode)
        rc = sm_speaker_score_add(episode, &gold, &pred);
    sm_speaker_labels_free(&gold);
    sm_speaker_labels_free(&pred);
    if (rc)
        cli_errorf("eval speakers: out of memory");
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
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

static void print_human(const sm_speaker_score *s, size_t episodes, size_t missing, int n_errors)
{
    if (episodes)
        printf("episodes   %zu%s\n", episodes, missing ? " (some without predictions, see above)" : "");
    printf("segments   %zu gold, %zu answered, %zu correct\n", s->total, s->answered, s->correct);
    printf("accuracy   %.2f%%\n", pct(s->correct, s->total));
    printf("coverage   %.2f%%\n", pct(s->answered, s->total));
    printf("precision  %.2f%%\n", pct(s->correct, s->answered));
    printf("confidence >= 0.9: %zu answered, precision %.2f%%\n", s->high_answered,
           pct(s->high_correct, s->high_answered));
    printf("calibration (confidence band: answered, precision):\n");
    for (int b = 0; b < SM_CALIBRATION_BINS; b++) {
        double hi = b + 1 < SM_CALIBRATION_BINS ? sm_calibration_bin_low(b + 1) : 1.0;
        if (s->bin_answered[b])
            printf("  [%.2f, %.2f%s  %6zu  %6.2f%%\n", sm_calibration_bin_low(b), hi,
                   b + 1 < SM_CALIBRATION_BINS ? ")" : "]", s->bin_answered[b],
                   pct(s->bin_correct[b], s->bin_answered[b]));
    }
    if (n_errors > 0 && s->n_errors) {
        sm_confusion *e = malloc(s->n_errors * sizeof *e);
        if (!e)
            return;
        memcpy(e, s->errors, s->n_errors * sizeof *e);
        qsort(e, s->n_errors, sizeof *e, cmp_error);
        printf("most frequent errors (gold -> predicted):\n");
        for (size_t i = 0; i < s->n_errors && i < (size_t)n_errors; i++)
            printf("  %5zu  %s -> %s\n", e[i].count, e[i].gold, e[i].pred[0] ? e[i].pred : "(none)");
        free(e);
    }
}

static void print_json(const sm_speaker_score *s, size_t episodes)
{
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    if (episodes)
        sm_json_kv_int(&j, "episodes", (long long)episodes);
    sm_json_kv_int(&j, "gold", (long long)s->total);
    sm_json_kv_int(&j, "answered", (long long)s->answered);
    sm_json_kv_int(&j, "correct", (long long)s->correct);
    sm_json_kv_double(&j, "accuracy", s->total ? (double)s->correct / (double)s->total : 0);
    sm_json_kv_double(&j, "coverage", s->total ? (double)s->answered / (double)s->total : 0);
    sm_json_kv_double(&j, "precision", s->answered ? (double)s->correct / (double)s->answered : 0);
    sm_json_kv_double(&j, "precision_at_0_9",
                      s->high_answered ? (double)s->high_correct / (double)s->high_answered : 0);
    sm_json_kv_int(&j, "answered_at_0_9", (long long)s->high_answered);
    sm_json_end_object(&j);
    sm_json_flush_line(&j, stdout);
    sm_json_free(&j);
}

int cmd_eval_speakers(int argc, char **argv)
{
    const char *pos[2];
    int npos = 0, n_errors = 10, per_episode = 0, as_json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            fputs(usage_text, stdout);
            return 0;
        } else if (!strcmp(a, "--errors") && i + 1 < argc) {
            n_errors = atoi(argv[++i]);
        } else if (!strcmp(a, "--per-episode")) {
            per_episode = 1;
        } else if (!strcmp(a, "--json")) {
            as_json = 1;
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
    if (!is_dir(pos[0])) {
        if (score_pair(pos[0], pos[1], &total, NULL))
            status = 1;
    } else {
        if (!is_dir(pos[1])) {
            cli_errorf("eval speakers: %s is a directory, so %s must be one too", pos[0], pos[1]);
            return 2;
        }
        DIR *d = opendir(pos[0]);
        if (!d) {
            cli_errorf("eval speakers: %s: cannot read directory", pos[0]);
            return 1;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            if (sm_grow(&names, &cap, n + 1, sizeof *names) != 0)
                break;
            names[n] = strdup(e->d_name);
            if (names[n])
                n++;
        }
        closedir(d);
        qsort(names, n, sizeof *names, cmp_name);
        for (size_t i = 0; i < n && status == 0; i++) {
            char gold[4096], pred[4096];
            snprintf(gold, sizeof gold, "%s/%s/gold.tsv", pos[0], names[i]);
            if (!file_exists(gold))
                continue;
            snprintf(pred, sizeof pred, "%s/%s.jsonl", pos[1], names[i]);
            if (!file_exists(pred))
                snprintf(pred, sizeof pred, "%s/%s.tsv", pos[1], names[i]);
            const char *pp = file_exists(pred) ? pred : NULL;
            if (!pp) {
                fprintf(stderr, "storymovie: eval speakers: %s: no prediction (%s/%s.jsonl): all abstained\n",
                        names[i], pos[1], names[i]);
                missing++;
            }
            sm_speaker_score ep;
            memset(&ep, 0, sizeof ep);
            if (score_pair(gold, pp, &total, &ep))
                status = 1;
            else if (per_episode && !as_json)
                printf("%-24s %5zu gold  accuracy %6.2f%%  coverage %6.2f%%  precision %6.2f%%\n",
                       names[i], ep.total, pct(ep.correct, ep.total), pct(ep.answered, ep.total),
                       pct(ep.correct, ep.answered));
            sm_speaker_score_free(&ep);
            episodes++;
        }
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        if (episodes == 0 && status == 0) {
            cli_errorf("eval speakers: no <id>/gold.tsv under %s", pos[0]);
            status = 1;
        }
    }
    if (status == 0) {
        if (as_json)
            print_json(&total, episodes);
        else
            print_human(&total, episodes, missing, n_errors);
    }
    sm_speaker_score_free(&total);
    return status;
}
