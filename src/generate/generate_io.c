/* generate_io.c - input stories, frames, and the output files of the
 * generate commands. */
#include "generate/generate_internal.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/io.h"

void sm_generate_options_init(sm_generate_options *o)
{
    memset(o, 0, sizeof *o);
    sm_llm_options_init(&o->llm);
    o->max_attempts = 3;
    o->samples = 1;
}

int gen_selected(const sm_generate_options *o, const char *story_id)
{
    if (!o->only)
        return 1;
    for (size_t i = 0; i < o->n_only; i++)
        if (strcmp(o->only[i], story_id) == 0)
            return 1;
    return 0;
}

static int cmp_story_id(const void *a, const void *b)
{
    const sm_story *x = *(const sm_story *const *)a, *y = *(const sm_story *const *)b;
    return strcmp(x->story_id, y->story_id);
}

/* The first record-level problem of a story, or NULL. */
static const char *record_problem(const sm_story *s)
{
    for (uint32_t i = 0; i < s->n_issues; i++)
        if (s->issues[i].field == SM_FIELD_RECORD)
            return s->issues[i].message;
    return NULL;
}

int gen_read_stories(const char *path, unsigned need, const sm_generate_options *o,
                     sm_story_set *set, sm_error *err)
{
    if (sm_story_read_file(path, set, err) != 0)
        return -1;
    if (set->oom)
        return sm_fail(err, path, 0, "out of memory");
    if (set->raw_model_output)
        return sm_fail(err, path, 1, "one model output, not a file of story records (JSON Lines "
                                     "with story_id, images, chain_of_thought, story)");
    if (set->n_items == 0)
        return sm_fail(err, path, 0, "empty file");
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        const char *why = record_problem(s);
        if (s->broken || !s->story_id)
            return sm_fail(err, path, s->record_line, "not a story record: %s",
                           why ? why : "no story_id");
        if ((need & GEN_NEED_TEXT) && (!s->has_cot || !s->has_text))
            return sm_fail(err, path, s->record_line, "story %s has no %s", s->story_id,
                           s->has_cot ? "story" : "chain_of_thought");
        if ((need & GEN_NEED_IMAGES) && (!s->has_images || s->n_images == 0))
            return sm_fail(err, path, s->record_line, "story %s has no images", s->story_id);
    }
    /* Each story once: its outputs and requests are keyed by its id. */
    const sm_story **byid = malloc(set->n_items * sizeof *byid);
    if (!byid)
        return sm_fail(err, path, 0, "out of memory");
    for (size_t i = 0; i < set->n_items; i++)
        byid[i] = &set->items[i];
    qsort(byid, set->n_items, sizeof *byid, cmp_story_id);
    for (size_t i = 1; i < set->n_items; i++)
        if (strcmp(byid[i]->story_id, byid[i - 1]->story_id) == 0) {
            long a = byid[i - 1]->record_line, b = byid[i]->record_line;
            sm_fail(err, path, a > b ? a : b, "story_id %s again (first on line %ld)", byid[i]->story_id,
                    a < b ? a : b);
            free(byid);
            return -1;
        }
    for (size_t k = 0; o->only && k < o->n_only; k++) {
        const sm_story key = {.story_id = o->only[k]}, *kp = &key;
        if (!bsearch(&kp, byid, set->n_items, sizeof *byid, cmp_story_id)) {
            sm_fail(err, path, 0, "no story %s in it (--story)", o->only[k]);
            free(byid);
            return -1;
        }
    }
    free(byid);
    return 0;
}

int gen_user_message(sm_llm_body *b, const sm_generate_options *o, const sm_story *s,
                     const char *text, sm_error *err)
{
    size_t n = o->params.images == SM_LLM_IMAGES_NONE ? 0 : s->n_images;
    sm_llm_part *parts = calloc(n + 1, sizeof *parts);
    char **paths = calloc(n + 1, sizeof *paths);
    int rc = -1;
    if (!parts || !paths) {
        sm_fail(err, "", 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(o->movienet) + strlen(s->images[i]) + 2;
        if (!(paths[i] = malloc(len))) {
            sm_fail(err, "", 0, "out of memory");
            goto done;
        }
        snprintf(paths[i], len, "%s/%s", o->movienet, s->images[i]);
        parts[i].image = paths[i];
    }
    parts[n].text = text;
    rc = sm_llm_body_message(b, "user", parts, n + 1, err);
done:
    for (size_t i = 0; paths && i < n; i++)
        free(paths[i]);
    free(paths);
    free(parts);
    return rc;
}

void gen_write_images(sm_json *j, const sm_story *s)
{
    sm_json_key(j, "images");
    sm_json_begin_array(j);
    for (uint32_t i = 0; i < s->n_images; i++)
        sm_json_string(j, s->images[i]);
    sm_json_end_array(j);
    sm_json_kv_int(j, "frame_count", s->n_images);
}

void gen_summary_head(sm_json *j, const char *command, const sm_generate_options *o,
                      const char *prompt_version)
{
    sm_json_kv_string(j, "command", command);
    sm_json_kv_string(j, "model", o->params.model);
    sm_json_kv_string(j, "prompt_version", prompt_version);
}

char *gen_take(sm_json *j)
{
    if (j->failed) {
        sm_json_free(j);
        return NULL;
    }
    char *s = j->buf;
    if (!s)
        s = calloc(1, 1);
    memset(j, 0, sizeof *j);
    return s;
}

static int write_lines(sm_output *out, const char *path, char *const *lines, size_t n, sm_error *err)
{
    if (sm_output_open(out, path, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (lines[i] && (fputs(lines[i], out->fp) < 0 || fputc('\n', out->fp) == EOF))
            return sm_fail_write(err, path, errno);
    return 0;
}

int gen_finish(sm_llm *llm, const sm_generate_options *o, const gen_file *files, size_t n_files,
               void (*extra)(sm_json *j, void *ctx), void *ctx, sm_generate_result *r,
               sm_error *err)
{
    const sm_llm_stats *st = sm_llm_get_stats(llm);
    r->requests = st->requests;
    r->cached = st->cached;
    r->from_responses = st->from_responses;
    r->sent = st->sent;
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    sm_llm_summary_json(llm, &j);
    extra(&j, ctx);
    sm_json_end_object(&j);
    char *summary = gen_take(&j);
    if (!summary) {
        sm_llm_abort(llm);
        return sm_fail(err, o->out_dir, 0, "out of memory");
    }
    /* Close first: a responses file that answered other requests fails the
     * run before any output is written. */
    if (sm_llm_close(llm, err) != 0) {
        free(summary);
        return -1;
    }
    /* Every file is written in full before the first is renamed into
     * place, so a run stopped here leaves the old set or the new one. */
    enum { MAX_FILES = 8 };
    sm_output outs[MAX_FILES + 1];
    memset(outs, 0, sizeof outs);
    size_t total = n_files < MAX_FILES ? n_files + 1 : MAX_FILES + 1;
    int rc = -1;
    for (size_t i = 0; i < total; i++) {
        int last = i + 1 == total;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", o->out_dir, last ? "summary.json" : files[i].name);
        if (write_lines(&outs[i], path, last ? &summary : files[i].lines, last ? 1 : files[i].n, err) != 0)
            goto done;
    }
    for (size_t i = 0; i < total; i++)
        if (sm_output_commit(&outs[i], err) != 0)
            goto done;
    rc = 0;
done:
    for (size_t i = 0; i < total; i++)
        if (outs[i].fp)
            sm_output_abort(&outs[i]);
    free(summary);
    return rc;
}
