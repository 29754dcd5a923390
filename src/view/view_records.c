/* view_records.c - the stage-two result files the page shows as they are
 * (StoryMovie fields, generate's failures, judge verdicts, QA answers).
 *
 * Their writers are young and add fields freely, so nothing here types
 * them: each line is kept as a jansson object, grouped by the story it
 * names, and the page's script shows the fields it knows and ignores the
 * rest.  Only what would make the file useless is an error: a line that
 * is not a JSON object, a record that names no story. */
#define _POSIX_C_SOURCE 200809L
#include "view/view_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"

void view_records_free(view_records *r)
{
    for (size_t i = 0; i < r->n_items; i++)
        json_decref(r->items[i].obj);
    free(r->items);
    free(r->by_id);
    free(r->name);
    memset(r, 0, sizeof *r);
}

static const char *story_id_of(json_t *obj)
{
    json_t *v = json_object_get(obj, "story_id");
    if (!json_is_string(v))
        v = json_object_get(obj, "story");
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static const view_records *sort_records;   /* qsort has no context argument */

static int by_id_then_line(const void *a, const void *b)
{
    const view_record *x = &sort_records->items[*(const size_t *)a];
    const view_record *y = &sort_records->items[*(const size_t *)b];
    int c = strcmp(x->story_id, y->story_id);
    if (c)
        return c;
    return (x->line > y->line) - (x->line < y->line);
}

/* One line: parse it and keep it, or say what is wrong with it. */
static int add_line(view_records *r, const char *what, const char *const *any_of, long line_no,
                    const char *text, size_t len, size_t *cap, sm_error *err)
{
    json_error_t je;
    json_t *obj = json_loadb(text, len, 0, &je);
    if (!obj)
        return sm_fail(err, r->name, line_no, "not JSON (%s): not a %s file", je.text, what);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return sm_fail(err, r->name, line_no, "a JSON value that is not an object: not a %s file",
                       what);
    }
    const char *id = story_id_of(obj);
    if (!id) {
        json_decref(obj);
        return sm_fail(err, r->name, line_no,
                       "no \"story_id\" (a string): not a %s file", what);
    }
    int kind_ok = any_of == NULL;
    for (size_t k = 0; any_of && any_of[k] && !kind_ok; k++)
        kind_ok = json_object_get(obj, any_of[k]) != NULL;
    if (!kind_ok) {
        json_decref(obj);
        return sm_fail(err, r->name, line_no, "no \"%s\"%s: not a %s file", any_of[0],
                       any_of[1] ? " (nor the other keys it may have)" : "", what);
    }
    if (sm_grow(&r->items, cap, r->n_items + 1, sizeof *r->items) != 0) {
        json_decref(obj);
        return sm_fail(err, r->name, line_no, "out of memory");
    }
    r->items[r->n_items++] = (view_record){line_no, id, obj, 0};
    return 0;
}

int view_records_read(const char *path, const char *what, const char *const *any_of,
                      view_records *r, sm_error *err)
{
    memset(r, 0, sizeof *r);
    r->name = strdup(path);
    if (!r->name)
        return sm_fail(err, path, 0, "out of memory");
    FILE *f = fopen(path, "rb");
    if (!f) {
        sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
        view_records_free(r);
        return -1;
    }
    char *line = NULL;
    size_t line_cap = 0, cap = 0;
    ssize_t n;
    long line_no = 0;
    int status = 0;
    while ((n = getline(&line, &line_cap, f)) >= 0) {
        line_no++;
        size_t len = (size_t)n;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r' || line[k] == '\n'))
            k++;
        if (k == len)
            continue;
        if (add_line(r, what, any_of, line_no, line, len, &cap, err) != 0) {
            status = -1;
            break;
        }
    }
    if (status == 0 && ferror(f))
        status = sm_fail(err, path, 0, "read error: %s", strerror(errno));
    free(line);
    fclose(f);
    if (status == 0 && r->n_items == 0)
        status = sm_fail(err, path, 0, "no records: an empty %s file", what);
    if (status == 0) {
        r->by_id = malloc(r->n_items * sizeof *r->by_id);
        if (!r->by_id) {
            status = sm_fail(err, path, 0, "out of memory");
        } else {
            for (size_t i = 0; i < r->n_items; i++)
                r->by_id[i] = i;
            sort_records = r;
            qsort(r->by_id, r->n_items, sizeof *r->by_id, by_id_then_line);
            sort_records = NULL;
        }
    }
    if (status != 0)
        view_records_free(r);
    return status;
}

size_t view_records_find(const view_records *r, const char *story_id, size_t *first)
{
    size_t lo = 0, hi = r->n_items;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(r->items[r->by_id[mid]].story_id, story_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < r->n_items && strcmp(r->items[r->by_id[end]].story_id, story_id) == 0)
        end++;
    *first = lo;
    return end - lo;
}

view_record *view_records_at_line(const view_records *r, long line)
{
    size_t lo = 0, hi = r->n_items;      /* items are in line order */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->items[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_items && r->items[lo].line == line ? &r->items[lo] : NULL;
}

void view_records_emit(view_records *r, const char *story_id, sm_json *j)
{
    size_t first, n = view_records_find(r, story_id, &first);
    for (size_t k = 0; k < n; k++) {
        view_record *rec = &r->items[r->by_id[first + k]];
        char *text = json_dumps(rec->obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (!text) {
            j->failed = 1;
            continue;
        }
        sm_json_raw(j, text, strlen(text));
        free(text);
        rec->used = 1;
    }
}

size_t view_records_unused(const view_records *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_items; i++)
        n += !r->items[i].used;
    return n;
}
