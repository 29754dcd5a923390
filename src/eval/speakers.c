/* speakers.c - speaker attribution scoring (see eval_speakers.h). */
#include "storymovie/eval_speakers.h"

#include <dirent.h>
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/alignment.h"
#include "storymovie/text.h"
#include "common/array.h"
#include "common/ascii.h"
#include "common/kind.h"

static const double bin_low[SM_CALIBRATION_BINS] = {0.5, 0.7, 0.8, 0.9, 0.95, 0.99};

double sm_calibration_bin_low(int bin) { return bin_low[bin]; }

void sm_speaker_name_key(const char *name, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = name ? name : ""; *p && n + 1 < size; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
            buf[n++] = (char)sm_ascii_lower(c);
    }
    if (size)
        buf[n] = '\0';
}

static int push(sm_speaker_labels *l, int cue, int segment, const char *speaker, size_t len,
                double confidence)
{
    if (sm_grow(&l->items, &l->cap, l->n_items + 1, sizeof *l->items) != 0)
        return -1;
    char *copy = NULL;
    if (speaker && len) {
        copy = malloc(len + 1);
        if (!copy)
            return -1;
        memcpy(copy, speaker, len);
        copy[len] = '\0';
    }
    l->items[l->n_items++] = (sm_speaker_label){cue, segment, copy, confidence};
    return 0;
}

void sm_speaker_labels_free(sm_speaker_labels *l)
{
    for (size_t i = 0; i < l->n_items; i++)
        free(l->items[i].speaker);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* Split a line on tabs in place; returns the number of fields (<= max). */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    return n;
}

static int parse_int(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < 0 || v > 100000000)
        return -1;
    *out = (int)v;
    return 0;
}

static int read_tsv(const char *path, const sm_text *t, int gold, sm_speaker_labels *out, sm_error *err)
{
    char *p = t->data;
    long line = 0;
    while (p && *p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *f[8];
        size_t n = 0;
        if (*p && !(gold && line == 1) && !(!gold && *p == '#')) {   /* '#': a comment, the provenance */
            n = split_tabs(p, f, 8);
            size_t need = gold ? 6 : 2;
            int cue, seg;
            if (n < need)
                return sm_fail(err, path, line, "expected %zu tab-separated fields, found %zu", need, n);
            if (parse_int(f[0], &cue) || parse_int(f[1], &seg))
                return sm_fail(err, path, line, "cue and segment must be whole numbers");
            const char *spk = gold ? f[5] : (n >= 3 ? f[2] : "");
            if (push(out, cue, seg, spk, strlen(spk), 1.0))
                return sm_fail(err, path, line, "out of memory");
        } else if (gold && line == 1 && strncmp(p, "cue\t", 4) != 0) {
            return sm_fail(err, path, 1, "not a gold TSV: the header 'cue<TAB>segment<TAB>...' is missing");
        }
        p = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* A gold TSV, decoded: its labels (t freed). */
static int gold_from_text(const char *path, sm_text *t, sm_speaker_labels *out, sm_error *err)
{
    sm_kind kind = sm_kind_guess(t->data, t->len);
    int rc = kind != SM_KIND_UNKNOWN && kind != SM_KIND_GOLD_TSV
                 ? sm_kind_fail(err, path, 1, "a gold TSV of speakers", kind, NULL)
                 : read_tsv(path, t, 1, out, err);
    sm_text_free(t);
    if (rc == 0 && out->n_items == 0)
        rc = sm_fail(err, path, 0, "no gold segments (a gold TSV has a header line and one row per segment)");
    if (rc)
        sm_speaker_labels_free(out);
    return rc;
}

int sm_speaker_labels_read_gold(const char *path, sm_speaker_labels *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_text t;
    if (sm_text_read_file(path, &t, err))
        return -1;
    return gold_from_text(path, &t, out, err);
}

int sm_speaker_labels_parse_gold(const char *name, const void *data, size_t len, sm_speaker_labels *out,
                                 sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_text t;
    if (sm_text_decode(name, data, len, &t, err))
        return -1;
    return gold_from_text(name, &t, out, err);
}

/* Predictions from `storymovie align`: its segment records, read by the
 * one alignment reader.  A record without confidence counts as sure, as a
 * TSV line does. */
static int read_jsonl(const char *path, const sm_text *t, sm_speaker_labels *out, sm_error *err)
{
    sm_film_alignment al;
    if (sm_film_alignment_parse(path, t->data, t->len, &al, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < al.n_segments && rc == 0; i++) {
        const sm_film_segment *s = &al.segments[i];
        double c = isnan(s->confidence) ? 1.0 : s->confidence;
        if (push(out, s->cue, s->segment, s->speaker, s->speaker ? strlen(s->speaker) : 0, c))
            rc = sm_fail(err, path, 0, "out of memory");
    }
    sm_film_alignment_free(&al);
    return rc;
}

/* Predictions, decoded: JSON Lines or TSV by the first non-blank byte (t freed). */
static int pred_from_text(const char *path, sm_text *t, sm_speaker_labels *out, sm_error *err)
{
    const char *q = t->data;
    while (*q && isspace((unsigned char)*q))
        q++;
    sm_kind kind = sm_kind_guess(t->data, t->len);
    int rc;
    if (!*q)
        rc = sm_fail(err, path, 0, "empty file");
    else if (*q == '{')
        rc = read_jsonl(path, t, out, err);
    else if (kind != SM_KIND_UNKNOWN && kind != SM_KIND_PREDICTIONS_TSV)
        rc = sm_kind_fail(err, path, 1, "speaker predictions (an alignment, or cue<TAB>segment<TAB>speaker)",
                          kind, NULL);
    else
        rc = read_tsv(path, t, 0, out, err);
    sm_text_free(t);
    if (rc)
        sm_speaker_labels_free(out);
    return rc;
}

int sm_speaker_labels_read_pred(const char *path, sm_speaker_labels *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_text t;
    if (sm_text_read_file(path, &t, err))
        return -1;
    return pred_from_text(path, &t, out, err);
}

int sm_speaker_labels_parse_pred(const char *name, const void *data, size_t len, sm_speaker_labels *out,
                                 sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_text t;
    if (sm_text_decode(name, data, len, &t, err))
        return -1;
    return pred_from_text(name, &t, out, err);
}

static int cmp_label(const void *a, const void *b)
{
    const sm_speaker_label *x = a, *y = b;
    if (x->cue != y->cue)
        return (x->cue > y->cue) - (x->cue < y->cue);
    return (x->segment > y->segment) - (x->segment < y->segment);
}

static int add_error(sm_speaker_score *s, const char *gold, const char *pred)
{
    for (size_t i = 0; i < s->n_errors; i++)
        if (!strcmp(s->errors[i].gold, gold) && !strcmp(s->errors[i].pred, pred)) {
            s->errors[i].count++;
            return 0;
        }
    if (sm_grow(&s->errors, &s->cap_errors, s->n_errors + 1, sizeof *s->errors) != 0)
        return -1;
    char *g = strdup(gold), *p = strdup(pred);
    if (!g || !p) {
        free(g);
        free(p);
        return -1;
    }
    s->errors[s->n_errors++] = (sm_confusion){g, p, 1};
    return 0;
}

int sm_speaker_score_add(sm_speaker_score *score, const sm_speaker_labels *gold,
                         const sm_speaker_labels *pred)
{
    /* Sort a copy of the predictions to look gold keys up by bisection. */
    sm_speaker_label *sorted = malloc((pred->n_items + 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    if (pred->n_items)
        memcpy(sorted, pred->items, pred->n_items * sizeof *sorted);
    qsort(sorted, pred->n_items, sizeof *sorted, cmp_label);
    for (size_t i = 0; i < gold->n_items; i++) {
        const sm_speaker_label *g = &gold->items[i];
        sm_speaker_label *p = bsearch(g, sorted, pred->n_items, sizeof *sorted, cmp_label);
        score->total++;
        const char *ps = (p && p->speaker && *p->speaker) ? p->speaker : NULL;
        char gk[256], pk[256];
        sm_speaker_name_key(g->speaker, gk, sizeof gk);
        sm_speaker_name_key(ps, pk, sizeof pk);
        int ok = ps && strcmp(gk, pk) == 0;
        if (ps) {
            score->answered++;
            int bin = -1;
            for (int b = SM_CALIBRATION_BINS - 1; b >= 0; b--)
                if (p->confidence >= bin_low[b]) {
                    bin = b;
                    break;
                }
            if (bin >= 0) {
                score->bin_answered[bin]++;
                score->bin_correct[bin] += (size_t)ok;
            }
            if (p->confidence >= 0.9) {
                score->high_answered++;
                score->high_correct += (size_t)ok;
            }
        }
        if (ok)
            score->correct++;
        else if (add_error(score, g->speaker ? g->speaker : "", ps ? ps : "")) {
            free(sorted);
            return -1;
        }
    }
    free(sorted);
    return 0;
}

void sm_speaker_score_free(sm_speaker_score *score)
{
    for (size_t i = 0; i < score->n_errors; i++) {
        free(score->errors[i].gold);
        free(score->errors[i].pred);
    }
    free(score->errors);
    memset(score, 0, sizeof *score);
}

int sm_speaker_score_files(sm_speaker_score *score, sm_speaker_score *episode, const char *gold_path,
                           const char *pred_path, sm_error *err)
{
    sm_speaker_labels gold, pred;
    if (sm_speaker_labels_read_gold(gold_path, &gold, err) != 0)
        return -1;
    memset(&pred, 0, sizeof pred);
    if (pred_path && sm_speaker_labels_read_pred(pred_path, &pred, err) != 0) {
        sm_speaker_labels_free(&gold);
        return -1;
    }
    int rc = sm_speaker_score_add(score, &gold, &pred);
    if (rc == 0 && episode)
        rc = sm_speaker_score_add(episode, &gold, &pred);
    sm_speaker_labels_free(&gold);
    sm_speaker_labels_free(&pred);
    return rc ? sm_fail(err, "", 0, "eval speakers: out of memory") : 0;
}

void sm_speaker_score_json(sm_json *j, const sm_speaker_score *s, size_t episodes, const char *episode_id)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", episode_id ? "episode" : "summary");
    if (episode_id)
        sm_json_kv_string(j, "id", episode_id);
    if (episodes)
        sm_json_kv_int(j, "episodes", (long long)episodes);
    sm_json_kv_int(j, "gold", (long long)s->total);
    sm_json_kv_int(j, "answered", (long long)s->answered);
    sm_json_kv_int(j, "correct", (long long)s->correct);
    sm_json_kv_double(j, "accuracy", s->total ? (double)s->correct / (double)s->total : 0);
    sm_json_kv_double(j, "coverage", s->total ? (double)s->answered / (double)s->total : 0);
    sm_json_kv_double(j, "precision", s->answered ? (double)s->correct / (double)s->answered : 0);
    sm_json_kv_double(j, "precision_at_0_9",
                      s->high_answered ? (double)s->high_correct / (double)s->high_answered : 0);
    sm_json_kv_int(j, "answered_at_0_9", (long long)s->high_answered);
    sm_json_end_object(j);
}

/* ---- directories of episodes ---------------------------------------------- */

static int is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmp_episode(const void *a, const void *b)
{
    return strcmp(((const sm_speaker_episode *)a)->id, ((const sm_speaker_episode *)b)->id);
}

static void episode_clear(sm_speaker_episode *e)
{
    free(e->id);
    free(e->gold);
    free(e->pred);
    memset(e, 0, sizeof *e);
}

static char *path_of(const char *dir, const char *id, const char *tail)
{
    size_t n = strlen(dir) + strlen(id) + strlen(tail) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s", dir, id, tail);
    return p;
}

/* The episode of directory entry `id`, when it has a gold file.  0 (with
 * e->id NULL when it has none), -1 on OOM. */
static int episode_of(const char *gold_dir, const char *pred_dir, const char *id, sm_speaker_episode *e)
{
    memset(e, 0, sizeof *e);
    char *gold = path_of(gold_dir, id, "/gold.tsv");
    if (!gold)
        return -1;
    if (!is_file(gold)) {
        free(gold);
        return 0;
    }
    e->gold = gold;
    e->id = strdup(id);
    char *pred = path_of(pred_dir, id, ".jsonl");
    if (pred && !is_file(pred)) {
        free(pred);
        pred = path_of(pred_dir, id, ".tsv");
        if (pred && !is_file(pred)) {
            free(pred);
            pred = NULL;
        }
    }
    e->pred = pred;
    return e->id ? 0 : -1;
}

int sm_speaker_episodes(const char *gold_dir, const char *pred_dir, sm_speaker_episode **out,
                        size_t *n, sm_error *err)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(gold_dir);
    if (!d)
        return sm_fail(err, "", 0, "eval speakers: %s: cannot read directory", gold_dir);
    size_t cap = 0;
    int rc = 0;
    struct dirent *ent;
    while (rc == 0 && (ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        sm_speaker_episode e;
        if (episode_of(gold_dir, pred_dir, ent->d_name, &e) != 0 ||
            (e.id && sm_grow(out, &cap, *n + 1, sizeof **out) != 0)) {
            episode_clear(&e);
            rc = sm_fail(err, "", 0, "eval speakers: out of memory");
        } else if (e.id) {
            (*out)[(*n)++] = e;
        }
    }
    closedir(d);
    if (rc != 0) {
        sm_speaker_episodes_free(*out, *n);
        *out = NULL;
        *n = 0;
        return -1;
    }
    if (*n)   /* qsort of a NULL array is undefined, even of none */
        qsort(*out, *n, sizeof **out, cmp_episode);
    return 0;
}

void sm_speaker_episodes_free(sm_speaker_episode *e, size_t n)
{
    for (size_t i = 0; e && i < n; i++)
        episode_clear(&e[i]);
    free(e);
}
