/* story_output.c - the work of `storymovie story check|text|entities` on
 * whole files: every record checked, or written as its text or entities. */
#include <stdio.h>
#include <stdlib.h>

#include "common/array.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"

int sm_image_size_parse(const char *text, int *width, int *height)
{
    int w, h;
    char extra;
    if (sscanf(text, "%dx%d%c", &w, &h, &extra) != 2 || w <= 0 || h <= 0)
        return -1;
    *width = w;
    *height = h;
    return 0;
}

int sm_story_check_file(const char *path, const sm_story_check_options *opt, int json, FILE *f,
                        sm_story_check_totals *t, sm_error *err)
{
    sm_story_set set;
    if (sm_story_read_file(path, &set, err) != 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < set.n_items && rc == 0; i++) {
        sm_story *s = &set.items[i];
        sm_story_check(&set, s, opt);
        t->records++;
        if (s->n_issues == 0)
            continue;
        t->bad_records++;
        t->problems += s->n_issues + s->issues_dropped;
        if (sm_story_write_issues(f, &set, s, json) != 0)
            rc = sm_fail(err, path, 0, "out of memory");
    }
    sm_story_set_free(&set);
    return rc;
}

/* One line for s to f: 0, 1 on a write error, -1 out of memory.  *buf
 * holds the tag-free text (grown to the longest story so far). */
static int write_line(sm_json *j, const sm_story *s, sm_story_lines what, FILE *f, char **buf, size_t *cap)
{
    if (what == SM_STORY_ENTITIES) {
        if (sm_story_entities_json(j, s) != 0)
            return -1;
        return sm_json_flush_line(j, f) != 0;
    }
    if (sm_grow(buf, cap, (size_t)s->text_len + 1, 1) != 0)
        return -1;
    size_t n = sm_story_plain_text(s->text, s->text_len, *buf);
    if (what == SM_STORY_TEXT_PLAIN)
        return fwrite(*buf, 1, n, f) != n || fputc('\n', f) == EOF;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", s->story_id);
    sm_json_key(j, "text");
    sm_json_stringn(j, *buf, n);
    sm_json_end_object(j);
    return sm_json_flush_line(j, f) != 0;
}

int sm_story_write_lines(const char *path, sm_story_lines what, const char *out_path, sm_error *err)
{
    sm_story_set set;
    if (sm_story_read_file(path, &set, err) != 0)
        return -1;
    sm_output out;
    if (sm_story_set_check_json(&set, err) != 0 || sm_output_open(&out, out_path, err) != 0) {
        sm_story_set_free(&set);
        return -1;
    }
    sm_json j;
    sm_json_init(&j);
    char *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    for (size_t i = 0; i < set.n_items && rc == 0; i++)
        rc = write_line(&j, &set.items[i], what, out.fp, &buf, &cap);
    free(buf);
    sm_json_free(&j);
    sm_story_set_free(&set);
    if (rc < 0) {
        sm_output_abort(&out);
        return sm_fail(err, path, 0, "out of memory");
    }
    return rc ? sm_output_fail(&out, err) : sm_output_commit(&out, err);
}
