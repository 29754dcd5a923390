/* dialogue_run.c - `eval dialogue` as a whole: read the stories and the
 * context records, score each story that has one (dialogue.c), write the
 * records and the summary. */
#include <stdlib.h>
#include <string.h>

#include "eval/eval_internal.h"
#include "storymovie/eval_dialogue.h"
#include "storymovie/eval_structure.h"
#include "storymovie/io.h"

/* The ids of the stories that have a context record into ids (t->scored
 * of them); the others counted and the first of them kept.  A record that
 * is broken or has no story_id, or no story with a context, is an error. */
static int stories_with_context(const sm_story_set *set, const sm_context_set *ctx,
                                const sm_eval_dialogue_request *req, const char **ids, sm_dialogue_totals *t,
                                sm_error *err)
{
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        if (s->broken || !s->story_id)
            return sm_fail(err, req->stories_path, s->record_line, "%s",
                           s->broken && s->n_issues ? s->issues[0].message : "record has no story_id");
        if (sm_context_find(ctx, s->story_id)) {
            ids[t->scored++] = s->story_id;
            continue;
        }
        if (t->n_no_context_ids < SM_DIALOGUE_SHOWN &&
            !(t->no_context_ids[t->n_no_context_ids++] = strdup(s->story_id)))
            return sm_fail(err, "eval dialogue", 0, "out of memory");
        t->no_context++;
    }
    if (!t->scored)
        return sm_fail(err, req->stories_path, 0, "no story of it has a context record in %s", req->context_path);
    return 0;
}

static void add_counts(sm_dialogue_counts *total, const sm_dialogue_counts *n)
{
    total->quotes += n->quotes;
    total->found += n->found;
    total->attributed += n->attributed;
    total->checkable += n->checkable;
    total->correct += n->correct;
}

/* The records into out: one per scored story, then the summary. */
static int write_records(const sm_story_set *set, const sm_context_set *ctx, const char **ids, sm_output *out,
                         sm_dialogue_totals *t, sm_error *err)
{
    sm_json j;
    sm_json_init(&j);
    int rc = 0;
    for (size_t i = 0; i < set->n_items && rc == 0; i++) {
        const sm_story *s = &set->items[i];
        const sm_context *c = sm_context_find(ctx, s->story_id);
        if (!c)
            continue;
        sm_dialogue_counts n = {0};
        sm_quotes q;
        if (sm_dialogue_score(s, c, &q, &n)) {
            rc = -2;
        } else {
            sm_dialogue_story_json(&j, s, &n, &q);
            add_counts(&t->total, &n);
            rc = sm_json_flush_line(&j, out->fp) ? -1 : 0;
        }
        sm_quotes_free(&q);
    }
    char story_set[13];
    if (rc == 0 && sm_eval_story_set(ids, t->scored, story_set))
        rc = -2;
    if (rc == 0) {
        sm_dialogue_summary_json(&j, t->scored, &t->total, story_set, t->no_context);
        rc = j.failed || sm_json_flush_line(&j, out->fp) ? -1 : 0;
    }
    sm_json_free(&j);
    return eval_output_end(out, rc, "eval dialogue", err);
}

int sm_eval_dialogue_run(const sm_eval_dialogue_request *req, sm_dialogue_totals *t, sm_error *err)
{
    memset(t, 0, sizeof *t);
    sm_context_set ctx;
    if (sm_context_read_file(req->context_path, &ctx, err))
        return -1;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    const char **ids = NULL;
    int rc = -1;
    if (sm_story_read_file(req->stories_path, &set, err))
        goto done;
    ids = malloc((set.n_items ? set.n_items : 1) * sizeof *ids);
    if (!ids) {
        sm_fail(err, "eval dialogue", 0, "out of memory");
        goto done;
    }
    sm_output out;
    if (stories_with_context(&set, &ctx, req, ids, t, err) || sm_output_open(&out, req->out_path, err))
        goto done;
    rc = write_records(&set, &ctx, ids, &out, t, err);
done:
    free(ids);
    sm_story_set_free(&set);
    sm_context_set_free(&ctx);
    return rc;
}

void sm_dialogue_totals_free(sm_dialogue_totals *t)
{
    for (size_t i = 0; i < t->n_no_context_ids; i++)
        free(t->no_context_ids[i]);
    memset(t, 0, sizeof *t);
}
