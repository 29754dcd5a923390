/* story_pairs.c - predicted and reference stories paired by story_id: how
 * `eval grounding` and `eval language` start (see eval.h). */
#include "storymovie/eval.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"

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

static size_t slot_of(const size_t *slots, size_t cap, const sm_story_set *ref, const char *id)
{
    size_t k = (size_t)sm_fnv1a_str(id) & (cap - 1);
    while (slots[k] != SIZE_MAX && strcmp(ref->items[slots[k]].story_id, id) != 0)
        k = (k + 1) & (cap - 1);
    return k;
}

/* Pair each prediction with the reference of its id, through a hash table
 * of the references' ids. */
static int pair_ids(sm_story_pairs *p)
{
    size_t nref = p->ref.n_items, cap = sm_table_size(nref, 16);
    size_t *slots = malloc(cap * sizeof *slots);
    p->ref_of_pred = malloc((p->pred.n_items + 1) * sizeof *p->ref_of_pred);
    p->ref_paired = calloc(nref + 1, 1);
    if (!slots || !p->ref_of_pred || !p->ref_paired) {
        free(slots);
        return -1;
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = SIZE_MAX;
    /* First occurrence wins; 'story check' reports duplicates. */
    for (size_t i = 0; i < nref; i++) {
        size_t k = slot_of(slots, cap, &p->ref, p->ref.items[i].story_id);
        if (slots[k] == SIZE_MAX)
            slots[k] = i;
    }
    for (size_t i = 0; i < p->pred.n_items; i++) {
        size_t r = slots[slot_of(slots, cap, &p->ref, p->pred.items[i].story_id)];
        if (r != SIZE_MAX && p->ref_paired[r])
            r = SIZE_MAX;   /* a repeated prediction: only the first is scored */
        p->ref_of_pred[i] = r;
        if (r != SIZE_MAX) {
            p->ref_paired[r] = 1;
            p->pairs++;
        }
    }
    free(slots);
    return 0;
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
    int rc = 0;
    if (check_records(&p->pred, err) != 0 || check_records(&p->ref, err) != 0)
        rc = -1;
    else if (pair_ids(p) != 0)
        rc = sm_fail(err, "", 0, "out of memory");
    else if (p->pairs == 0)
        rc = sm_fail(err, "", 0, "no story of %s has a story_id found in %s", pred_path, ref_path);
    if (rc != 0)
        sm_story_pairs_free(p);
    return rc;
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
