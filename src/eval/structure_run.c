/* structure_run.c - `eval structure` as a whole: read the stories, score
 * each (structure.c), write the records and the summary. */
#include <stdlib.h>
#include <string.h>

#include "eval/eval_internal.h"
#include "storymovie/eval_structure.h"
#include "storymovie/io.h"

/* The records of every story into out, then the summary. */
static int write_records(sm_story_set *set, const char **ids, sm_structure *st, sm_output *out, sm_error *err)
{
    sm_json j;
    sm_json_init(&j);
    int rc = 0;
    for (size_t i = 0; i < set->n_items && rc == 0; i++) {
        sm_structure_story r;
        if (sm_structure_add(st, set, &set->items[i], &r)) {
            rc = -2;
        } else {
            sm_structure_story_json(&j, &set->items[i], &r);
            rc = sm_json_flush_line(&j, out->fp) ? -1 : 0;
        }
    }
    char story_set[13];
    if (rc == 0) {
        sm_structure_finish(st);
        if (sm_eval_story_set(ids, set->n_items, story_set))
            rc = -2;
    }
    if (rc == 0) {
        sm_structure_summary_json(&j, st, story_set);
        rc = j.failed || sm_json_flush_line(&j, out->fp) ? -1 : 0;
    }
    sm_json_free(&j);
    return eval_output_end(out, rc, "eval structure", err);
}

int sm_eval_structure_run(const sm_eval_structure_request *req, sm_structure *st, sm_error *err)
{
    sm_structure_init(st);
    sm_story_set set;
    if (sm_story_read_file(req->stories_path, &set, err))
        return -1;
    int rc = -1;
    const char **ids = malloc((set.n_items ? set.n_items : 1) * sizeof *ids);
    if (!ids) {
        sm_fail(err, "eval structure", 0, "out of memory");
        goto done;
    }
    if (set.n_items == 0) {
        sm_fail(err, req->stories_path, 0, "no stories in it");
        goto done;
    }
    for (size_t i = 0; i < set.n_items; i++) {
        const sm_story *s = &set.items[i];
        if (s->broken || !s->story_id) {
            sm_fail(err, req->stories_path, s->record_line, "%s",
                    s->broken && s->n_issues ? s->issues[0].message : "record has no story_id");
            goto done;
        }
        ids[i] = s->story_id;
    }
    sm_output out;
    if (sm_output_open(&out, req->out_path, err))
        goto done;
    rc = write_records(&set, ids, st, &out, err);
done:
    free(ids);
    sm_story_set_free(&set);
    return rc;
}
