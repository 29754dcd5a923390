/* report.c - `eval report`: the summaries the eval commands wrote for each
 * model, checked to be comparable, as Markdown tables, one JSON document
 * and an SVG picture of the scores that have intervals.
 *
 * The summaries are small, so they are held as jansson trees and written
 * back as they were read into the JSON; the Markdown and the picture only
 * format numbers, they compute nothing but percentages. */
#include "storymovie/eval_report.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "storymovie/eval_judge.h"
#include "storymovie/eval_qa.h"
#include "storymovie/eval_structure.h"
#include "common/array.h"

enum { G_GROUNDING, G_LANGUAGE, G_DIALOGUE, G_STRUCTURE, G_QA, G_COUNT };

static const struct group_spec {
    const char *key;          /* in report.json */
    const char *file;         /* in the model directory */
    const char *marker;       /* a key its summary always has */
    const char *command;      /* what writes it */
} groups[G_COUNT] = {
    {"grounding", "grounding.jsonl", "map", "eval grounding"},
    {"language", "language.jsonl", "bleu4", "eval language"},
    {"dialogue", "dialogue.jsonl", "attribution_accuracy", "eval dialogue"},
    {"structure", "structure.jsonl", "well_structured", "eval structure"},
    {"qa", "qa/summary.json", "categories", "eval qa run"},
};

typedef struct report_judge {
    char *file;
    json_t *summary;
} report_judge;

typedef struct report_model {
    char *name, *dir;
    json_t *group[G_COUNT];
    char *file[G_COUNT];
    report_judge *judges;
    size_t n_judges;
} report_model;

struct sm_report {
    report_model *models;
    size_t n;
};

/* ---- reading ---------------------------------------------------------------- */

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The last non-blank line of a JSON Lines file (the summary), parsed. */
static json_t *read_last_line(const char *path, sm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    char *line = NULL, *last = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0, last_no = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        ssize_t k = 0;
        while (k < n && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r' || line[k] == '\n'))
            k++;
        if (k == n)
            continue;
        free(last);
        last = strdup(line);
        last_no = lineno;
        if (!last)
            break;
    }
    free(line);
    fclose(f);
    if (!last) {
        sm_fail(err, path, 0, lineno ? "out of memory" : "empty");
        return NULL;
    }
    json_error_t jerr;
    json_t *o = json_loads(last, 0, &jerr);
    free(last);
    if (!o)
        sm_fail(err, path, last_no, "not JSON: %s", jerr.text);
    return o;
}

static json_t *read_json_file(const char *path, sm_error *err)
{
    json_error_t jerr;
    json_t *o = json_load_file(path, 0, &jerr);
    if (!o)
        sm_fail(err, path, jerr.line > 0 ? jerr.line : 0, "%s", jerr.text);
    return o;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int check_complete(const char *path, json_t *o, sm_error *err)
{
    json_t *c = json_object_get(o, "complete");
    if (json_is_false(c))
        return sm_fail(err, path, 0, "the run is not complete (requests failed or written for a batch run): "
                                     "finish it before reporting");
    return 0;
}

static int load_group(report_model *m, int g, sm_error *err)
{
    char *path = path_join(m->dir, groups[g].file);
    if (!path)
        return sm_fail(err, m->dir, 0, "out of memory");
    if (!is_file(path)) {
        free(path);
        return 0;
    }
    json_t *o = g == G_QA ? read_json_file(path, err) : read_last_line(path, err);
    if (!o) {
        free(path);
        return -1;
    }
    int bad = !json_is_object(o) || !json_object_get(o, groups[g].marker) ||
              (g != G_QA && !json_is_string(json_object_get(o, "type")));
    if (!bad && g != G_QA)
        bad = strcmp(json_string_value(json_object_get(o, "type")), "summary") != 0;
    if (bad) {
        sm_fail(err, path, 0, "not the summary of '%s'%s", groups[g].command,
                g == G_QA ? "" : " (its last line should be {\"type\":\"summary\",...})");
        json_decref(o);
        free(path);
        return -1;
    }
    if (check_complete(path, o, err)) {
        json_decref(o);
        free(path);
        return -1;
    }
    m->group[g] = o;
    m->file[g] = path;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* DIR/judge/summary.json and DIR/judge-NAME/summary.json, by name. */
static int load_judges(report_model *m, sm_error *err)
{
    DIR *d = opendir(m->dir);
    if (!d)
        return sm_fail(err, m->dir, 0, "cannot read the directory: %s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, "judge") != 0 && strncmp(e->d_name, "judge-", 6) != 0)
            continue;
        char *sub = path_join(m->dir, e->d_name);
        char *path = sub ? path_join(sub, "summary.json") : NULL;
        free(sub);
        if (!path) {
            rc = sm_fail(err, m->dir, 0, "out of memory");
            break;
        }
        if (!is_file(path)) {
            free(path);
            continue;
        }
        if (sm_grow(&names, &cap, n + 1, sizeof *names) != 0) {
            free(path);
            rc = sm_fail(err, m->dir, 0, "out of memory");
            break;
        }
        names[n++] = path;
    }
    closedir(d);
    if (rc == 0 && n) {
        qsort(names, n, sizeof *names, cmp_str);
        if (!(m->judges = calloc(n, sizeof *m->judges)))
            rc = sm_fail(err, m->dir, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (rc) {
            free(names[i]);
            continue;
        }
        json_t *o = read_json_file(names[i], err);
        if (!o) {
            rc = -1;
        } else if (!json_is_object(json_object_get(o, "criteria")) || !json_object_get(o, "judge_model")) {
            rc = sm_fail(err, names[i], 0, "not the summary of 'eval judge'");
            json_decref(o);
        } else if (check_complete(names[i], o, err)) {
            rc = -1;
            json_decref(o);
        } else {
            m->judges[m->n_judges].file = names[i];
            m->judges[m->n_judges++].summary = o;
            continue;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Two summaries of one kind cover the same stories (and questions). */
static int same_stories(const char *fa, json_t *a, const char *fb, json_t *b, sm_error *err)
{
    static const char *const keys[] = {"stories", "story_set", "question_set"};
    for (int k = 0; k < 3; k++) {
        json_t *x = json_object_get(a, keys[k]), *y = json_object_get(b, keys[k]);
        if (!x || !y || json_equal(x, y))
            continue;
        if (k == 0)
            return sm_fail(err, fb, 0, "scored %lld stories, %s %lld: not the same stories, so not comparable",
                           (long long)json_integer_value(y), fa, (long long)json_integer_value(x));
        return sm_fail(err, fb, 0, "%s %s differs from %s's (%s): not the same %s, so not comparable", keys[k],
                       json_string_value(y), fa, json_string_value(x), k == 2 ? "questions" : "stories");
    }
    return 0;
}

static char *base_name(const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t start = n;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    return strndup(dir + start, n - start);
}

sm_report *sm_report_load(const char *const *dirs, size_t n, sm_error *err)
{
    sm_report *r = calloc(1, sizeof *r);
    if (!r || !(r->models = calloc(n ? n : 1, sizeof *r->models))) {
        free(r);
        sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    int anything = 0;
    for (size_t i = 0; i < n; i++) {
        report_model *m = &r->models[r->n++];
        struct stat st;
        if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            sm_fail(err, dirs[i], 0, "not a directory of eval outputs (see 'storymovie eval report --help')");
            goto fail;
        }
        if (!(m->dir = strdup(dirs[i])) || !(m->name = base_name(dirs[i]))) {
            sm_fail(err, "", 0, "out of memory");
            goto fail;
        }
        for (size_t k = 0; k + 1 < r->n; k++)
            if (strcmp(r->models[k].name, m->name) == 0) {
                sm_fail(err, dirs[i], 0, "a second model named '%s' (the name is the directory's)", m->name);
                goto fail;
            }
        for (int g = 0; g < G_COUNT; g++)
            if (load_group(m, g, err))
                goto fail;
        if (load_judges(m, err))
            goto fail;
        for (int g = 0; g < G_COUNT; g++)
            anything |= m->group[g] != NULL;
        anything |= m->n_judges > 0;
    }
    if (!anything) {
        sm_fail(err, n ? dirs[0] : "", 0, "nothing to report: no %s, %s, %s, %s, judge*/summary.json or %s in %s",
                groups[0].file, groups[1].file, groups[2].file, groups[3].file, groups[4].file,
                n > 1 ? "these directories" : "it");
        goto fail;
    }
    /* Comparable: per kind, every model against the first that has it. */
    for (int g = 0; g < G_COUNT; g++) {
        const report_model *first = NULL;
        for (size_t i = 0; i < r->n; i++) {
            report_model *m = &r->models[i];
            if (!m->group[g])
                continue;
            if (!first)
                first = m;
            else if (same_stories(first->file[g], first->group[g], m->file[g], m->group[g], err))
                goto fail;
        }
    }
    const report_judge *first = NULL;
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->models[i].n_judges; k++) {
            const report_judge *j = &r->models[i].judges[k];
            if (!first)
                first = j;
            else if (same_stories(first->file, first->summary, j->file, j->summary, err))
                goto fail;
        }
    return r;
fail:
    sm_report_free(r);
    return NULL;
}

void sm_report_free(sm_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        report_model *m = &r->models[i];
        for (int g = 0; g < G_COUNT; g++) {
            json_decref(m->group[g]);
            free(m->file[g]);
        }
        for (size_t k = 0; k < m->n_judges; k++) {
            json_decref(m->judges[k].summary);
            free(m->judges[k].file);
        }
        free(m->judges);
        free(m->name);
        free(m->dir);
    }
    free(r->models);
    free(r);
}

/* ---- Markdown ------------------------------------------------------------------ */

static json_t *at(json_t *o, const char *path)
{
    /* "a.b.c" */
    char key[64];
    while (o && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = json_object_get(o, key);
        path += n + (dot != NULL);
    }
    return o;
}

/* A share as a percentage with one decimal, "—" when absent. */
static void pct(FILE *f, json_t *v)
{
    if (json_is_number(v))
        fprintf(f, " %.1f |", 100 * json_number_value(v));
    else
        fprintf(f, " — |");
}

static void count(FILE *f, json_t *v)
{
    if (json_is_integer(v))
        fprintf(f, " %lld |", (long long)json_integer_value(v));
    else
        fprintf(f, " — |");
}

/* "87.6 [84.0, 90.9]" from a {rate, ci} object. */
static void pct_ci(FILE *f, json_t *o, const char *rate_key)
{
    json_t *v = json_object_get(o, rate_key), *ci = json_object_get(o, "ci");
    if (!json_is_number(v)) {
        fprintf(f, " — |");
        return;
    }
    fprintf(f, " %.1f", 100 * json_number_value(v));
    if (json_is_array(ci) && json_array_size(ci) == 2)
        fprintf(f, " [%.1f, %.1f]", 100 * json_number_value(json_array_get(ci, 0)),
                100 * json_number_value(json_array_get(ci, 1)));
    fprintf(f, " |");
}

/* One text cell: " s |" (a row starts with "|"). */
static void md_name(FILE *f, const char *s)
{
    fputs(" ", f);
    for (; s && *s; s++) {
        if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '[')
            fputc('\\', f);
        fputc(*s == '\n' ? ' ' : *s, f);
    }
    fputs(" |", f);
}

static long long stories_of(const sm_report *r, int g)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->models[i].group[g])
            return (long long)json_integer_value(json_object_get(r->models[i].group[g], "stories"));
    return 0;
}

static void md_table(FILE *f, const sm_report *r, int g, const char *title, const char *header, const char *align,
                     const char *const *keys, int percent_from)
{
    int any = 0;
    for (size_t i = 0; i < r->n; i++)
        any |= r->models[i].group[g] != NULL;
    if (!any)
        return;
    fprintf(f, "\n## %s (%lld stories)\n\n| model |%s\n|---|%s\n", title, stories_of(r, g), header, align);
    for (size_t i = 0; i < r->n; i++) {
        const report_model *m = &r->models[i];
        fputc('|', f);
        md_name(f, m->name);
        for (int k = 0; keys[k]; k++) {
            json_t *v = m->group[g] ? at(m->group[g], keys[k]) : NULL;
            if (k >= percent_from)
                pct(f, v);
            else
                count(f, v);
        }
        fputc('\n', f);
    }
}

static void md_pronouns(FILE *f, const sm_report *r)
{
    int any = 0;
    for (size_t i = 0; i < r->n; i++)
        any |= r->models[i].group[G_STRUCTURE] != NULL;
    if (!any)
        return;
    fprintf(f, "\nPronouns grounded (grounded / total in the tag-free stories):\n\n| model |");
    for (int p = 0; p < SM_PRONOUNS; p++)
        fprintf(f, " %s |", sm_pronoun_names[p]);
    fprintf(f, " all |\n|---|");
    for (int p = 0; p <= SM_PRONOUNS; p++)
        fprintf(f, "---:|");
    fputc('\n', f);
    for (size_t i = 0; i < r->n; i++) {
        const report_model *m = &r->models[i];
        if (!m->group[G_STRUCTURE])
            continue;
        fputc('|', f);
        md_name(f, m->name);
        long long tg = 0, tt = 0;
        for (int p = 0; p < SM_PRONOUNS; p++) {
            json_t *o = json_object_get(json_object_get(m->group[G_STRUCTURE], "pronouns"), sm_pronoun_names[p]);
            long long g = json_integer_value(json_object_get(o, "grounded")),
                      t = json_integer_value(json_object_get(o, "total"));
            tg += g;
            tt += t;
            fprintf(f, " %lld/%lld |", g, t);
        }
        if (tt)
            fprintf(f, " %.1f%% |\n", 100.0 * (double)tg / (double)tt);
        else
            fprintf(f, " — |\n");
    }
}

static void md_judge(FILE *f, const sm_report *r)
{
    size_t total = 0;
    for (size_t i = 0; i < r->n; i++)
        total += r->models[i].n_judges;
    if (!total)
        return;
    json_t *any = NULL;
    for (size_t i = 0; i < r->n && !any; i++)
        if (r->models[i].n_judges)
            any = r->models[i].judges[0].summary;
    fprintf(f, "\n## Judge: win rate of A against B, %% [95%% bootstrap interval] (%lld stories)\n\n",
            (long long)json_integer_value(json_object_get(any, "stories")));
    fprintf(f, "| A | B |");
    for (int k = 0; k < SM_JUDGE_CRITERIA; k++)
        fprintf(f, " %s |", sm_judge_criterion_name(k));
    fprintf(f, " judge |\n|---|---|---:|---:|---:|---|\n");
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->models[i].n_judges; k++) {
            json_t *s = r->models[i].judges[k].summary;
            fputc('|', f);
            md_name(f, json_string_value(at(s, "a.name")));
            md_name(f, json_string_value(at(s, "b.name")));
            for (int c = 0; c < SM_JUDGE_CRITERIA; c++)
                pct_ci(f, json_object_get(json_object_get(s, "criteria"), sm_judge_criterion_name(c)), "win_rate");
            fprintf(f, " %s, %s |\n", json_string_value(json_object_get(s, "judge_model")),
                    json_string_value(json_object_get(s, "prompt_version")));
        }
    fprintf(f, "\n| A | B | criterion | n | wins | ties | of them inconsistent | losses | invalid |\n"
               "|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < r->n; i++)
        for (size_t k = 0; k < r->models[i].n_judges; k++) {
            json_t *s = r->models[i].judges[k].summary;
            for (int c = 0; c < SM_JUDGE_CRITERIA; c++) {
                json_t *t = json_object_get(json_object_get(s, "criteria"), sm_judge_criterion_name(c));
                if (!t)
                    continue;
                fputc('|', f);
                md_name(f, json_string_value(at(s, "a.name")));
                md_name(f, json_string_value(at(s, "b.name")));
                fprintf(f, " %s |", sm_judge_criterion_name(c));
                static const char *const keys[] = {"n", "wins", "ties", "inconsistent", "losses", "invalid"};
                for (int q = 0; q < 6; q++)
                    count(f, json_object_get(t, keys[q]));
                fputc('\n', f);
            }
        }
}

static void md_qa(FILE *f, const sm_report *r)
{
    json_t *first = NULL;
    for (size_t i = 0; i < r->n && !first; i++)
        first = r->models[i].group[G_QA];
    if (!first)
        return;
    fprintf(f, "\n## QA accuracy, %% [95%% Wilson interval] (%lld questions about %lld stories)\n\n| model |",
            (long long)json_integer_value(json_object_get(first, "questions")),
            (long long)json_integer_value(json_object_get(first, "stories")));
    for (int c = 0; c < SM_QA_CATEGORIES; c++)
        fprintf(f, " %s |", sm_qa_category_name(c));
    fprintf(f, " overall | answered by, graded by |\n|---|---:|---:|---:|---:|---:|---|\n");
    for (size_t i = 0; i < r->n; i++) {
        json_t *s = r->models[i].group[G_QA];
        if (!s)
            continue;
        fputc('|', f);
        md_name(f, r->models[i].name);
        for (int c = 0; c < SM_QA_CATEGORIES; c++)
            pct_ci(f, json_object_get(json_object_get(s, "categories"), sm_qa_category_name(c)), "accuracy");
        pct_ci(f, json_object_get(s, "overall"), "accuracy");
        fprintf(f, " %s, %s |\n", json_string_value(json_object_get(s, "model")),
                json_string_value(json_object_get(s, "grader_model")));
    }
}

int sm_report_markdown(const sm_report *r, FILE *f)
{
    fprintf(f, "# Evaluation of %zu model%s\n\nModels:", r->n, r->n == 1 ? "" : "s");
    for (size_t i = 0; i < r->n; i++)
        fprintf(f, "%s %s (`%s`)", i ? "," : "", r->models[i].name, r->models[i].dir);
    fprintf(f, ".  Figures are percentages.\n");
    static const char *const grounding[] = {"precision", "recall", "f1", "char_f1", "obj_f1", "map", NULL};
    md_table(f, r, G_GROUNDING, "Grounding", " precision | recall | F1 | characters F1 | objects F1 | mAP |",
             "---:|---:|---:|---:|---:|---:|", grounding, 0);
    static const char *const language[] = {"bleu1", "bleu2", "bleu3", "bleu4", "rouge_l", "meteor", NULL};
    md_table(f, r, G_LANGUAGE, "Language", " BLEU-1 | BLEU-2 | BLEU-3 | BLEU-4 | ROUGE-L | METEOR |",
             "---:|---:|---:|---:|---:|---:|", language, 0);
    static const char *const dialogue[] = {"quotes", "found", "attributed", "checkable", "correct", "fidelity",
                                           "attribution_accuracy", NULL};
    md_table(f, r, G_DIALOGUE, "Dialogue",
             " quotations | in the subtitles | attributed | checkable | right speaker | fidelity | attribution "
             "accuracy |",
             "---:|---:|---:|---:|---:|---:|---:|", dialogue, 5);
    static const char *const structure[] = {"well_structured", "persistence.characters.2",
                                            "persistence.characters.3", "persistence.characters.4",
                                            "persistence.characters.5", "persistence.objects.2",
                                            "persistence.objects.3", "persistence.objects.4",
                                            "persistence.objects.5", NULL};
    md_table(f, r, G_STRUCTURE, "Structure and re-identification",
             " well structured | characters in >=2 images | >=3 | >=4 | >=5 | objects in >=2 images | >=3 | >=4 "
             "| >=5 |",
             "---:|---:|---:|---:|---:|---:|---:|---:|---:|", structure, 0);
    md_pronouns(f, r);
    md_judge(f, r);
    md_qa(f, r);
    return ferror(f) ? -1 : 0;
}

/* ---- JSON --------------------------------------------------------------------- */

char *sm_report_json(const sm_report *r)
{
    json_t *root = json_object(), *models = json_array();
    if (!root || !models || json_object_set_new(root, "models", models)) {
        json_decref(root);
        return NULL;
    }
    int bad = 0;
    for (size_t i = 0; i < r->n && !bad; i++) {
        const report_model *m = &r->models[i];
        json_t *o = json_object(), *judges = json_array();
        bad = !o || !judges || json_array_append_new(models, o);
        bad |= json_object_set_new(o, "name", json_string(m->name)) ||
               json_object_set_new(o, "dir", json_string(m->dir));
        for (int g = 0; g < G_COUNT && !bad; g++)
            bad = json_object_set(o, groups[g].key, m->group[g] ? m->group[g] : json_null());
        for (size_t k = 0; k < m->n_judges && !bad; k++)
            bad = json_array_append(judges, m->judges[k].summary);
        bad |= json_object_set_new(o, "judge", judges);
    }
    char *s = bad ? NULL : json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    return s;
}

/* ---- SVG ---------------------------------------------------------------------- */

static const char *const palette[] = {"#3b6ea8", "#d9822b", "#4f9a5a", "#c0504d", "#7d62a8", "#8c6d4f"};
#define PALETTE (sizeof palette / sizeof palette[0])

/* Text, escaped; a name longer than `max` bytes keeps its end after "...". */
static void svg_text_max(FILE *f, const char *s, size_t max)
{
    if (s && strlen(s) > max) {
        fputs("...", f);
        s += strlen(s) - max;
        while ((*s & 0xC0) == 0x80)     /* not inside a UTF-8 character */
            s++;
    }
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

enum { LABEL_W = 250, PLOT_W = 420, ROW_H = 22, MARGIN = 16 };

static double xpos(double share) { return LABEL_W + share * PLOT_W; }

static void svg_axis(FILE *f, double top, double bottom, int half_line)
{
    for (int t = 0; t <= 100; t += 25) {
        double x = xpos(t / 100.0);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x, top, x, bottom);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">%d%%</text>\n",
                x, bottom + 12, t);
    }
    if (half_line)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n",
                xpos(0.5), top, xpos(0.5), bottom);
}

/* One bar with its interval and its value written after it. */
static void svg_bar(FILE *f, double y, double h, const char *colour, json_t *rate, json_t *ci)
{
    if (!json_is_number(rate)) {
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" fill=\"#888\">no data</text>\n", LABEL_W + 4,
                y + h - 2);
        return;
    }
    double v = json_number_value(rate);
    fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.85\"/>\n",
            LABEL_W, y, v * PLOT_W, h, colour);
    double right = v;
    if (json_is_array(ci) && json_array_size(ci) == 2) {
        double lo = json_number_value(json_array_get(ci, 0)), hi = json_number_value(json_array_get(ci, 1));
        double mid = y + h / 2;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", xpos(lo), mid,
                xpos(hi), mid);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", xpos(lo), y + 1,
                xpos(lo), y + h - 1);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\"/>\n", xpos(hi), y + 1,
                xpos(hi), y + h - 1);
        right = hi;
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"#222\">%.1f</text>\n", xpos(right) + 4,
            y + h - 2, 100 * v);
}

char *sm_report_svg(const sm_report *r, int *oom)
{
    size_t comparisons = 0, qa_models = 0;
    *oom = 0;
    for (size_t i = 0; i < r->n; i++) {
        comparisons += r->models[i].n_judges;
        qa_models += r->models[i].group[G_QA] != NULL;
    }
    if (!comparisons && !qa_models)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        *oom = 1;
        return NULL;
    }
    /* the heights of what is drawn below: title, rows, axis labels */
    double judge_h = comparisons ? 28 + (double)(comparisons * (SM_JUDGE_CRITERIA + 1)) * ROW_H + 24 : 0;
    double qa_h = qa_models ? (comparisons ? 12 : 0) + 44 + (SM_QA_CATEGORIES + 1) * ((double)qa_models * 14 + 10) + 16 : 0;
    double width = LABEL_W + PLOT_W + 60, height = MARGIN + judge_h + qa_h + MARGIN;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "font-family=\"Helvetica, Arial, sans-serif\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height, width, height);
    double y = MARGIN;
    if (comparisons) {
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">Judge: win rate of A against B "
                   "(95%% bootstrap interval; dashed: 50%%)</text>\n", MARGIN, y + 14);
        double top = y + 28;
        y = top;
        svg_axis(f, top - 4, top + (double)(comparisons * (SM_JUDGE_CRITERIA + 1)) * ROW_H, 1);
        size_t row = 0;
        for (size_t i = 0; i < r->n; i++)
            for (size_t k = 0; k < r->models[i].n_judges; k++, row++) {
                json_t *s = r->models[i].judges[k].summary;
                fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\" font-weight=\"bold\">", MARGIN, y + 14);
                svg_text_max(f, json_string_value(at(s, "a.name")), 40);
                fputs(" vs ", f);
                svg_text_max(f, json_string_value(at(s, "b.name")), 40);
                fputs("</text>\n", f);
                y += ROW_H;
                for (int c = 0; c < SM_JUDGE_CRITERIA; c++, y += ROW_H) {
                    json_t *t = json_object_get(json_object_get(s, "criteria"), sm_judge_criterion_name(c));
                    fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                            LABEL_W - 6, y + 13, sm_judge_criterion_name(c));
                    svg_bar(f, y + 3, ROW_H - 8, palette[row % PALETTE], json_object_get(t, "win_rate"),
                            json_object_get(t, "ci"));
                }
            }
        y += 24;
    }
    if (qa_models) {
        y += comparisons ? 12 : 0;
        fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"14\" font-weight=\"bold\">QA accuracy by category "
                   "(95%% Wilson interval)</text>\n", MARGIN, y + 14);
        /* legend */
        double lx = MARGIN;
        size_t mi = 0;
        for (size_t i = 0; i < r->n; i++) {
            if (!r->models[i].group[G_QA])
                continue;
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", lx, y + 22,
                    palette[mi++ % PALETTE]);
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">", lx + 14, y + 31);
            svg_text_max(f, r->models[i].name, 24);
            fputs("</text>\n", f);
            size_t shown = strlen(r->models[i].name);
            lx += 24 + 7.0 * (double)(shown > 27 ? 27 : shown);
        }
        double top = y + 44;
        y = top;
        svg_axis(f, top - 4, top + (SM_QA_CATEGORIES + 1) * ((double)qa_models * 14 + 10), 0);
        for (int c = 0; c <= SM_QA_CATEGORIES; c++) {
            const char *cat = c < SM_QA_CATEGORIES ? sm_qa_category_name(c) : "overall";
            double group_h = (double)qa_models * 14;
            fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n", LABEL_W - 6,
                    y + group_h / 2 + 4, cat);
            mi = 0;
            for (size_t i = 0; i < r->n; i++) {
                json_t *s = r->models[i].group[G_QA];
                if (!s)
                    continue;
                json_t *t = c < SM_QA_CATEGORIES ? json_object_get(json_object_get(s, "categories"), cat)
                                                 : json_object_get(s, "overall");
                svg_bar(f, y + (double)mi * 14 + 1, 11, palette[mi % PALETTE], json_object_get(t, "accuracy"),
                        json_object_get(t, "ci"));
                mi++;
            }
            y += group_h + 10;
        }
    }
    fputs("</svg>\n", f);
    if (fclose(f) != 0) {
        free(buf);
        *oom = 1;
        return NULL;
    }
    return buf;
}
