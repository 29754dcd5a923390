/* rows.c - a dataset directory read back, for the exports.
 *
 * Only what `storymovie dataset` wrote is accepted (the directory's marker
 * says so): the exports trust its invariants (one schema, frames present,
 * structure checked) and re-check only what they rely on. */
#include "dataset/dataset_internal.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "storymovie/text.h"
#include "common/array.h"

static const char *keep(sm_arena *a, json_t *v)
{
    return sm_arena_strndup(a, json_string_value(v), json_string_length(v));
}

static const char **string_list(sm_arena *a, json_t *arr, size_t *n)
{
    *n = json_array_size(arr);
    const char **out = sm_arena_alloc(a, (*n + 1) * sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < *n; i++) {
        json_t *v = json_array_get(arr, i);
        if (!json_is_string(v))
            return NULL;
        out[i] = keep(a, v);
        if (!out[i])
            return NULL;
    }
    return out;
}

static int read_split(ds_rows *rows, const char *split_dir, int split, size_t *cap, sm_error *err)
{
    char *path = ds_join(split_dir, "metadata.jsonl");
    if (!path)
        return sm_fail(err, split_dir, 0, "out of memory");
    sm_text text;
    if (sm_text_read_file(path, &text, err) != 0) {
        free(path);
        return -1;
    }
    int rc = 0;
    size_t pos = 0;
    long line = 0;
    char buf[8192];
    while (rc == 0 && pos < text.len) {
        const char *eol = memchr(text.data + pos, '\n', text.len - pos);
        size_t end = eol ? (size_t)(eol - text.data) : text.len, a = pos;
        pos = eol ? end + 1 : text.len;
        line++;
        if (end == a)
            continue;
        json_error_t jerr;
        json_t *rec = json_loadb(text.data + a, end - a, 0, &jerr);
        json_t *id = json_object_get(rec, "story_id"), *cot = json_object_get(rec, "chain_of_thought");
        json_t *story = json_object_get(rec, "story"), *files = json_object_get(rec, "file_names");
        json_t *src = json_object_get(rec, "source_images"), *movie = json_object_get(rec, "movie");
        if (!rec || !json_is_object(rec)) {
            rc = sm_fail(err, path, line, "not a JSON object%s%s", rec ? "" : ": ", rec ? "" : jerr.text);
        } else if (!json_is_string(id) || !json_is_string(cot) || !json_is_string(story) ||
                   !json_is_array(files)) {
            rc = sm_fail(err, path, line, "row lacks story_id, chain_of_thought, story or file_names");
        } else {
            if (sm_grow(&rows->items, cap, rows->n_items + 1, sizeof *rows->items) != 0) {
                json_decref(rec);
                rc = sm_fail(err, path, line, "out of memory");
                break;
            }
            ds_row *r = &rows->items[rows->n_items];
            memset(r, 0, sizeof *r);
            r->split = split;
            r->line = line;
            r->story_id = keep(&rows->arena, id);
            r->movie = json_is_string(movie) ? keep(&rows->arena, movie) : "";
            r->cot = keep(&rows->arena, cot);
            r->cot_len = json_string_length(cot);
            r->story = keep(&rows->arena, story);
            r->story_len = json_string_length(story);
            r->file_names = string_list(&rows->arena, files, &r->nfiles);
            if (json_is_array(src))
                r->source_images = string_list(&rows->arena, src, &r->nsource);
            if (!r->story_id || !r->cot || !r->story || !r->file_names ||
                (json_is_array(src) && !r->source_images))
                rc = sm_fail(err, path, line, "file_names or source_images is not a list of strings");
            for (size_t i = 0; rc == 0 && i < r->nfiles; i++) {
                struct stat st;
                snprintf(buf, sizeof buf, "%s/%s", split_dir, r->file_names[i]);
                if (stat(buf, &st) != 0)
                    rc = sm_fail(err, path, line, "story %s: image %s is missing", r->story_id, buf);
            }
            if (rc == 0)
                rows->n_items++;
        }
        json_decref(rec);
    }
    sm_text_free(&text);
    free(path);
    return rc;
}

static const ds_rows *sort_rows;
static int cmp_id(const void *a, const void *b)
{
    return strcmp(sort_rows->items[*(const size_t *)a].story_id,
                  sort_rows->items[*(const size_t *)b].story_id);
}

int ds_rows_read(const char *dataset_dir, ds_rows *rows, sm_error *err)
{
    memset(rows, 0, sizeof *rows);
    char *marker = ds_join(dataset_dir, ".storymovie");
    if (!marker)
        return sm_fail(err, dataset_dir, 0, "out of memory");
    char kind[64] = "";
    FILE *f = fopen(marker, "rb");
    if (f) {
        if (!fgets(kind, sizeof kind, f))
            kind[0] = '\0';
        fclose(f);
    }
    free(marker);
    if (strncmp(kind, "storymovie dataset", 18) != 0)
        return sm_fail(err, dataset_dir, 0, "is not a dataset written by 'storymovie dataset'");
    rows->dir = strdup(dataset_dir);
    if (!rows->dir)
        return sm_fail(err, dataset_dir, 0, "out of memory");
    size_t cap = 0;
    static const char *const names[2] = {"train", "test"};
    for (int k = 0; k < 2; k++) {
        char *dir = ds_join(dataset_dir, names[k]);
        int rc = dir ? read_split(rows, dir, k, &cap, err) : sm_fail(err, dataset_dir, 0, "out of memory");
        free(dir);
        if (rc != 0) {
            ds_rows_free(rows);
            return -1;
        }
    }
    rows->by_id = malloc((rows->n_items + 1) * sizeof *rows->by_id);
    if (!rows->by_id) {
        ds_rows_free(rows);
        return sm_fail(err, dataset_dir, 0, "out of memory");
    }
    for (size_t i = 0; i < rows->n_items; i++)
        rows->by_id[i] = i;
    sort_rows = rows;
    qsort(rows->by_id, rows->n_items, sizeof *rows->by_id, cmp_id);
    sort_rows = NULL;
    return 0;
}

long ds_rows_find(const ds_rows *rows, const char *story_id)
{
    size_t lo = 0, hi = rows->n_items;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(rows->items[rows->by_id[mid]].story_id, story_id);
        if (c == 0)
            return (long)rows->by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void ds_rows_free(ds_rows *rows)
{
    free(rows->dir);
    free(rows->items);
    free(rows->by_id);
    sm_arena_free(&rows->arena);
    memset(rows, 0, sizeof *rows);
}
