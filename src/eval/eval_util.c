/* eval_util.c - the helpers of eval_internal.h. */
#include "eval/eval_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/io.h"

const char *eval_after_think(const char *text, size_t len)
{
    const char *end = text + len, *p = text, *last = NULL;
    while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) >= 8 && memcmp(p, "</think>", 8) == 0)
            last = p + 8;
        p++;
    }
    return last ? last : text;
}

char *eval_join_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int eval_write_text(const char *path, const char *text, int newline, sm_error *err)
{
    sm_output out;
    if (sm_output_open(&out, path, err))
        return -1;
    if (fputs(text, out.fp) < 0 || (newline && fputc('\n', out.fp) == EOF))
        return sm_output_fail(&out, err);
    return sm_output_commit(&out, err);
}

void eval_print_left_out(FILE *f, size_t invalid, size_t failed, size_t pending)
{
    if (invalid)
        fprintf(f, "; %zu invalid", invalid);
    if (failed)
        fprintf(f, "; %zu failed", failed);
    if (pending)
        fprintf(f, "; %zu pending", pending);
}

int eval_output_end(sm_output *out, int rc, const char *who, sm_error *err)
{
    if (rc == -2) {
        sm_output_abort(out);
        return sm_fail(err, who, 0, "out of memory");
    }
    return rc ? sm_output_fail(out, err) : sm_output_commit(out, err);
}

char *eval_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf) {
        va_start(ap, fmt);
        vsnprintf(buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return buf;
}

int eval_name_index(const char *const *names, int count, const char *s, size_t n)
{
    for (int k = 0; k < count; k++)
        if (strlen(names[k]) == n && memcmp(names[k], s, n) == 0)
            return k;
    return -1;
}

void eval_rate_json(sm_json *j, const char *key, int has_rate, double rate, const double ci[2])
{
    if (!has_rate) {
        sm_json_kv_null(j, key);
        sm_json_kv_null(j, "ci");
        return;
    }
    sm_json_kv_double(j, key, rate);
    sm_json_key(j, "ci");
    sm_json_begin_array(j);
    sm_json_double(j, ci[0]);
    sm_json_double(j, ci[1]);
    sm_json_end_array(j);
}

int eval_write_jsonl(const char *path, size_t n, eval_line_fn line, const void *ctx, sm_error *err)
{
    sm_output out;
    if (sm_output_open(&out, path, err))
        return -1;
    sm_json j;
    sm_json_init(&j);
    int bad = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        line(ctx, i, &j);
        bad = j.failed || (j.len && sm_json_flush_line(&j, out.fp) != 0);
    }
    int oom = j.failed;
    sm_json_free(&j);
    if (bad && oom) {
        sm_output_abort(&out);
        return sm_fail(err, path, 0, "out of memory");
    }
    if (bad)
        return sm_output_fail(&out, err);
    return sm_output_commit(&out, err);
}

int eval_plain_text(const sm_story *s, char **buf, size_t *cap)
{
    size_t need = (size_t)s->text_len + 1;
    if (need > *cap) {
        char *p = realloc(*buf, need);
        if (!p)
            return -1;
        *buf = p;
        *cap = need;
    }
    sm_story_plain_text(s->text, s->text_len, *buf);
    return 0;
}

/* ---- stories by id ------------------------------------------------------ */

static int cmp_story_id(const void *x, const void *y)
{
    const sm_story *a = *(const sm_story *const *)x, *b = *(const sm_story *const *)y;
    int d = strcmp(a->story_id, b->story_id);
    return d ? d : (a->record_line > b->record_line) - (a->record_line < b->record_line);
}

void eval_story_index_free(eval_story_index *ix)
{
    free(ix->by_id);
    ix->by_id = NULL;
    ix->n = 0;
}

int eval_story_index_build(const sm_story_set *set, eval_story_index *ix, sm_error *err)
{
    ix->n = set->n_items;
    ix->by_id = malloc((set->n_items ? set->n_items : 1) * sizeof *ix->by_id);
    if (!ix->by_id)
        return sm_fail(err, set->name, 0, "out of memory");
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        if (s->broken || !s->story_id) {
            eval_story_index_free(ix);
            return sm_fail(err, set->name, s->record_line, "%s",
                           s->broken && s->n_issues ? s->issues[0].message : "record has no story_id");
        }
        ix->by_id[i] = s;
    }
    qsort(ix->by_id, ix->n, sizeof *ix->by_id, cmp_story_id);
    for (size_t i = 1; i < ix->n; i++)
        if (strcmp(ix->by_id[i]->story_id, ix->by_id[i - 1]->story_id) == 0) {
            long first = ix->by_id[i - 1]->record_line;
            long line = ix->by_id[i]->record_line;
            const char *id = ix->by_id[i]->story_id;
            eval_story_index_free(ix);
            return sm_fail(err, set->name, line, "story_id '%s' again (first on line %ld)", id, first);
        }
    return 0;
}

const sm_story *eval_story_find(const eval_story_index *ix, const char *id)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(ix->by_id[mid]->story_id, id);
        if (d == 0)
            return ix->by_id[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
