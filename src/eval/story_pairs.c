/* story_pairs.c - predicted and reference stories paired by story_id: how
 * `eval grounding` and `eval language` start (see eval.h). */
#include "storymovie/eval.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_internal.h"

/* Every record must be one that can be paired. */
static int check_records(const sm_story_set *set, sm_error *err)
{
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        if (s->broken)   /* the first problem in file order is the one told */
            return sm_story_set_check_json(set, err);
        if (!s->story_id)
            return sm_fail(err, set->name, s->record_line, "record has no story_id: it cannot be paired");
    }
    return 0;
}

void sm_story_pairs_free(sm_story_pairs *p)
{
    sm_story_set_free(&p->pred);
    sm_story_set_free(&p->ref);
    free(p->ref_of_pred);
    free(p->ref_paired);
    memset(p, 0, sizeof *p);
}

/* Pair each prediction with the reference of its id.  Both files go
 * through the one story index of the eval commands, so a story_id given
 * twice in either is an error naming both lines: a score could not say
 * which of the two it is about. */
static int pair_ids(sm_story_pairs *p, sm_error *err)
{
    eval_story_index pred, ref;
    if (eval_story_index_build(&p->pred, &pred, err) != 0)
        return -1;
    eval_story_index_free(&pred);
    if (eval_story_index_build(&p->ref, &ref, err) != 0)
        return -1;
    size_t nref = p->ref.n_items;
    p->ref_of_pred = malloc((p->pred.n_items + 1) * sizeof *p->ref_of_pred);
    p->ref_paired = calloc(nref + 1, 1);
    if (!p->ref_of_pred || !p->ref_paired) {
        eval_story_index_free(&ref);
        return sm_fail(err, "", 0, "out of memory");
    }
    for (size_t i = 0; i < p->pred.n_items; i++) {
        const sm_story *r = eval_story_find(&ref, p->pred.items[i].story_id);
        p->ref_of_pred[i] = r ? (size_t)(r - p->ref.items) : SIZE_MAX;
        if (r) {
            p->ref_paired[r - p->ref.items] = 1;
            p->pairs++;
        }
    }
    eval_story_index_free(&ref);
    return 0;
}

int sm_story_pairs_pair(sm_story_pairs *p, sm_error *err)
{
    p->ref_of_pred = NULL;
    p->ref_paired = NULL;
    p->pairs = 0;
    int rc = 0;
    if (check_records(&p->pred, err) != 0 || check_records(&p->ref, err) != 0)
        rc = -1;
    else if (pair_ids(p, err) != 0)
        rc = -1;
    else if (p->pairs == 0)
        rc = sm_fail(err, "", 0, "no story of %s has a story_id found in %s", p->pred.name, p->ref.name);
    if (rc != 0)
        sm_story_pairs_free(p);
    return rc;
}

int sm_story_pairs_read(const char *pred_path, const char *ref_path, sm_story_pairs *p, sm_error *err)
{
    memset(p, 0, sizeof *p);
    if (sm_story_read_file(pred_path, &p->pred, err) != 0)
        return -1;
    if (sm_story_read_file(ref_path, &p->ref, err) != 0) {
        sm_story_pairs_free(p);
        return -1;
    }
    return sm_story_pairs_pair(p, err);
}

void sm_story_pairs_unpaired_json(sm_json *j, const sm_story_pairs *p, size_t *n_pred, size_t *n_ref)
{
    size_t np = 0, nr = 0;
    sm_json_key(j, "unpaired_pred");
    sm_json_begin_array(j);
    for (size_t i = 0; i < p->pred.n_items; i++)
        if (p->ref_of_pred[i] == SIZE_MAX) {
            sm_json_string(j, p->pred.items[i].story_id);
            np++;
        }
    sm_json_end_array(j);
    sm_json_key(j, "unpaired_ref");
    sm_json_begin_array(j);
    for (size_t i = 0; i < p->ref.n_items; i++)
        if (!p->ref_paired[i]) {
            sm_json_string(j, p->ref.items[i].story_id);
            nr++;
        }
    sm_json_end_array(j);
    if (n_pred)
        *n_pred = np;
    if (n_ref)
        *n_ref = nr;
}

size_t sm_story_pairs_unpaired(const sm_story_pairs *p, const char **ids, size_t max, size_t *n_pred,
                               size_t *n_ref)
{
    size_t shown = 0;
    *n_pred = *n_ref = 0;
    for (size_t i = 0; i < p->pred.n_items; i++)
        if (p->ref_of_pred[i] == SIZE_MAX && ++*n_pred && shown < max)
            ids[shown++] = p->pred.items[i].story_id;
    for (size_t i = 0; i < p->ref.n_items; i++)
        if (!p->ref_paired[i] && ++*n_ref && shown < max)
            ids[shown++] = p->ref.items[i].story_id;
    return shown;
}
