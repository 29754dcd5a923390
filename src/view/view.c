/* view.c - `storymovie view`: read the inputs, match them by story id,
 * write one page (see include/storymovie/view.h).
 *
 * The context records are the spine: one story page per record (in file
 * order), with its story record, failures, verdicts and QA answers found
 * by story id.  A story record without a context record cannot be placed
 * in its film and is left out (counted); a story record whose frames are
 * not its context record's is an error.  Alignments add one film page
 * each. */
#define _POSIX_C_SOURCE 200809L
#include "view/view_internal.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/io.h"

void sm_view_options_init(sm_view_options *o) { memset(o, 0, sizeof *o); }

typedef struct inputs {
    sm_context_set contexts;
    int have_contexts;
    sm_story_set stories;
    int have_stories;
    sm_story **by_id;            /* stories with an id, sorted by it (first of equals first) */
    size_t n_by_id;
    view_records records;        /* the stories file's JSON objects (StoryMovie fields) */
    int have_records;
    view_records results[3];     /* failures, verdicts, QA */
    int have_result[3];
} inputs;

static void inputs_free(inputs *in)
{
    if (in->have_contexts)
        sm_context_set_free(&in->contexts);
    if (in->have_stories)
        sm_story_set_free(&in->stories);
    if (in->have_records)
        view_records_free(&in->records);
    for (int k = 0; k < 3; k++)
        if (in->have_result[k])
            view_records_free(&in->results[k]);
    free(in->by_id);
}

static int by_story_id(const void *a, const void *b)
{
    const sm_story *x = *(sm_story *const *)a, *y = *(sm_story *const *)b;
    int c = strcmp(x->story_id, y->story_id);
    return c ? c : (x->record_line > y->record_line) - (x->record_line < y->record_line);
}

static sm_story *find_story(const inputs *in, const char *id)
{
    size_t lo = 0, hi = in->n_by_id;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(in->by_id[mid]->story_id, id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < in->n_by_id && strcmp(in->by_id[lo]->story_id, id) == 0 ? in->by_id[lo] : NULL;
}

/* StoryReasoning or StoryMovie records (or one raw model output). */
static int read_stories(inputs *in, const char *path, sm_error *err)
{
    if (sm_story_read_file(path, &in->stories, err) != 0)
        return -1;
    in->have_stories = 1;
    sm_story_set *set = &in->stories;
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        if (s->broken)
            return sm_fail(err, path, s->record_line, "%s: not a story record",
                           s->n_issues ? s->issues[0].message : "unreadable");
        if (!s->story_id)
            return sm_fail(err, path, s->record_line, "a story record without a \"story_id\"");
        if (!s->has_cot && !s->has_text)
            return sm_fail(err, path, s->record_line,
                           "neither \"chain_of_thought\" nor \"story\": not a story record");
    }
    if (set->n_items == 0)
        return sm_fail(err, path, 0, "no story records");
    in->by_id = malloc(set->n_items * sizeof *in->by_id);
    if (!in->by_id)
        return sm_fail(err, path, 0, "out of memory");
    for (size_t i = 0; i < set->n_items; i++)
        in->by_id[in->n_by_id++] = &set->items[i];
    qsort(in->by_id, in->n_by_id, sizeof *in->by_id, by_story_id);
    if (!set->raw_model_output) {
        if (view_records_read(path, "story", NULL, &in->records, err) != 0)
            return -1;
        in->have_records = 1;
    }
    return 0;
}

static int read_inputs(inputs *in, const sm_view_options *o, sm_error *err)
{
    if (o->context_path) {
        if (sm_context_read_file(o->context_path, &in->contexts, err) != 0)
            return -1;
        in->have_contexts = 1;
    }
    if (o->stories_path && read_stories(in, o->stories_path, err) != 0)
        return -1;
    /* What tells each kind of file from the others: a verdict has its
     * verdict, a QA answer its question.  A failure record may hold
     * anything besides its story id. */
    static const char *const verdict_keys[] = {"verdict", "criterion", NULL};
    static const char *const qa_keys[] = {"question", NULL};
    const char *paths[3] = {o->failures_path, o->verdicts_path, o->qa_path};
    static const char *const what[3] = {"failures", "verdicts", "QA"};
    const char *const *keys[3] = {NULL, verdict_keys, qa_keys};
    for (int k = 0; k < 3; k++) {
        if (!paths[k])
            continue;
        if (view_records_read(paths[k], what[k], keys[k], &in->results[k], err) != 0)
            return -1;
        in->have_result[k] = 1;
    }
    return 0;
}

static int wanted(const sm_view_options *o, const char *story_id)
{
    if (o->n_only == 0)
        return 1;
    for (size_t i = 0; i < o->n_only; i++)
        if (strcmp(o->only[i], story_id) == 0)
            return 1;
    return 0;
}

static int emit_stories(sm_json *j, inputs *in, const sm_view_options *o, view_images *im,
                        sm_view_stats *st, sm_error *err)
{
    for (size_t i = 0; i < o->n_only; i++)
        if (!in->have_contexts || !sm_context_find(&in->contexts, o->only[i]))
            return sm_fail(err, o->context_path ? o->context_path : "--story", 0,
                           "story %s has no context record", o->only[i]);
    sm_json_key(j, "stories");
    sm_json_begin_array(j);
    for (size_t i = 0; in->have_contexts && i < in->contexts.n_items; i++) {
        const sm_context *c = &in->contexts.items[i];
        if (!wanted(o, c->story_id))
            continue;
        view_story_inputs si = {c, NULL, NULL, NULL, NULL, NULL, NULL};
        if (in->have_stories) {
            si.story = find_story(in, c->story_id);
            si.story_set = &in->stories;
            if (si.story && in->have_records) {
                view_record *r = view_records_at_line(&in->records, si.story->record_line);
                if (r)
                    si.record = r->obj;
            }
        }
        si.failures = in->have_result[0] ? &in->results[0] : NULL;
        si.verdicts = in->have_result[1] ? &in->results[1] : NULL;
        si.qa = in->have_result[2] ? &in->results[2] : NULL;
        if (view_story_emit(j, &si, im, st, err) != 0)
            return -1;
    }
    sm_json_end_array(j);
    if (in->have_stories && in->have_contexts)
        for (size_t i = 0; i < in->n_by_id; i++)
            st->stories_without_context += !sm_context_find(&in->contexts, in->by_id[i]->story_id);
    for (int k = 0; k < 3; k++)
        if (in->have_result[k])
            st->results_unmatched += view_records_unused(&in->results[k]);
    return 0;
}

static int build_data(sm_json *j, inputs *in, const sm_view_options *o, sm_view_stats *st,
                      sm_error *err)
{
    sm_json images;
    sm_json_init(&images);
    sm_json_begin_array(&images);
    view_images im;
    if (view_images_init(&im, o, &images, st, err) != 0) {
        sm_json_free(&images);
        return -1;
    }
    int rc = 0;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "tool", "storymovie view");
    sm_json_key(j, "inputs");
    sm_json_begin_object(j);
    sm_json_kv_string(j, "context", o->context_path);
    sm_json_kv_string(j, "stories", o->stories_path);
    sm_json_kv_bool(j, "movienet", o->movienet_root != NULL);
    sm_json_end_object(j);
    if (emit_stories(j, in, o, &im, st, err) != 0)
        rc = -1;
    if (rc == 0) {
        sm_json_key(j, "films");
        sm_json_begin_array(j);
        for (size_t i = 0; rc == 0 && i < o->n_alignments; i++)
            rc = view_film_emit(j, o->alignments[i], in->have_contexts ? &in->contexts : NULL, st,
                                err);
        sm_json_end_array(j);
    }
    if (rc == 0) {
        sm_json_end_array(&images);
        sm_json_key(j, "images");
        sm_json_raw(j, images.buf, images.len);
        sm_json_end_object(j);
        if (j->failed || images.failed)
            rc = sm_fail(err, o->out_path, 0, "out of memory");
    }
    view_images_free(&im);
    sm_json_free(&images);
    return rc;
}

int sm_view_write(const sm_view_options *o, sm_view_stats *stats, sm_error *err)
{
    sm_view_stats local;
    if (!stats)
        stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!o->out_path)
        return sm_fail(err, "view", 0, "no output file");
    if (!o->context_path && o->n_alignments == 0)
        return sm_fail(err, "view", 0, "nothing to show: give context records or an alignment");
    if (!o->context_path && (o->stories_path || o->failures_path || o->verdicts_path ||
                             o->qa_path || o->n_only))
        return sm_fail(err, "view", 0, "stories and their results need their context records");
    inputs in;
    memset(&in, 0, sizeof in);
    sm_json data;
    sm_json_init(&data);
    int rc = read_inputs(&in, o, err);
    if (rc == 0)
        rc = build_data(&data, &in, o, stats, err);
    if (rc == 0 && stats->stories == 0 && stats->films == 0)
        rc = sm_fail(err, o->context_path ? o->context_path : "view", 0, "no story to show");
    if (rc == 0 && in.have_stories && in.have_contexts && stats->with_story == 0 && o->n_only == 0)
        rc = sm_fail(err, o->stories_path, 0,
                     "none of its stories has a record in %s: not the same stories",
                     o->context_path);
    if (rc == 0) {
        sm_output out;
        rc = sm_output_open(&out, o->out_path, err);
        if (rc == 0) {
            rc = view_page_write(out.fp, o->out_path, data.buf, data.len, &stats->html_bytes, err);
            if (rc == 0)
                rc = sm_output_commit(&out, err);
            else
                sm_output_abort(&out);
        }
    }
    sm_json_free(&data);
    inputs_free(&in);
    return rc;
}
