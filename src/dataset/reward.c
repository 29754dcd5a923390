/* reward.c - the stage-2 reward of a told answer (SPEC "Stage 2 preference
 * data"; docs/export.md works an example through).
 *
 *   reward = structure + grounding + re-identification
 *
 * structure  1 when the answer was read whole (parse "ok") and is well
 *            structured as `eval structure` says (sm_structure_problem:
 *            chain of thought and tagged story there, and no `story
 *            check` problem in either); else 0.
 * grounding  real sequences: F1 of the answer's boxes against the reference
 *            chain of thought's, matched within each image at IoU >= 0.5,
 *            persons with persons (exactly `eval grounding`, src/eval);
 *            synthetic sequences have no reference: 0.
 * re-id      real: F1 between the identity links of the answer and of the
 *            reference.  Take the answer's boxes matched to reference boxes
 *            above; for every two of them in different images, the answer
 *            links them when it gives them the same id, the reference when
 *            its matched boxes have the same id.  F1 = 2 * common links /
 *            (answer links + reference links); when neither links anything
 *            it is 1 if some such pair exists (they agree nothing recurs),
 *            else 0 (nothing matched, nothing to judge).
 *            synthetic: minus the share of the answer's ids that appear in
 *            two frames of different films (the same character cannot be in
 *            two films), in [-1, 0].
 * Only char, obj and lm ids take part in re-identification: backgrounds
 * (bg) are generic by nature. */
#include "dataset/dataset_internal.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/eval.h"
#include "storymovie/eval_structure.h"

static int reid_kind(sm_entity_id id)
{
    return id.kind == SM_ENT_CHAR || id.kind == SM_ENT_OBJ || id.kind == SM_ENT_LM;
}

static int same_id(sm_entity_id a, sm_entity_id b) { return a.kind == b.kind && a.number == b.number; }

static int real_reid(const sm_detection *cand, size_t nc, const sm_detection *ref,
                     const long *ref_of_cand, sm_reward *out)
{
    size_t *m = malloc((nc + 1) * sizeof *m), nm = 0;
    if (!m)
        return -1;
    for (size_t c = 0; c < nc; c++)
        if (ref_of_cand[c] >= 0 && reid_kind(cand[c].id) && reid_kind(ref[ref_of_cand[c]].id))
            m[nm++] = c;
    for (size_t a = 0; a < nm; a++)
        for (size_t b = a + 1; b < nm; b++) {
            const sm_detection *ca = &cand[m[a]], *cb = &cand[m[b]];
            if (ca->image == cb->image)
                continue;
            const sm_detection *ra = &ref[ref_of_cand[m[a]]], *rb = &ref[ref_of_cand[m[b]]];
            int s = same_id(ca->id, cb->id), r = same_id(ra->id, rb->id);
            out->cross_pairs++;
            out->links += (size_t)s;
            out->ref_links += (size_t)r;
            out->common_links += (size_t)(s && r);
        }
    free(m);
    if (out->links + out->ref_links == 0)
        out->reid = out->cross_pairs ? 1.0 : 0.0;
    else
        out->reid = 2.0 * (double)out->common_links / (double)(out->links + out->ref_links);
    return 0;
}

typedef struct id_frame {
    uint64_t key;
    int frame;          /* 0-based */
} id_frame;

static int cmp_id_frame(const void *a, const void *b)
{
    const id_frame *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->frame - y->frame;
}

static int synthetic_reid(const sm_story *s, int frames, const char *const *films, sm_reward *out)
{
    size_t n = 0, cap = 1;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        cap += s->image_sections[i].tables[0].n_rows + s->image_sections[i].tables[1].n_rows;
    id_frame *v = malloc(cap * sizeof *v);
    if (!v)
        return -1;
    for (uint32_t i = 0; i < s->n_image_sections; i++) {
        const sm_story_image *img = &s->image_sections[i];
        /* The frame a section describes: its number when it is one of the
         * frames, else its position. */
        int frame = img->number >= 1 && img->number <= frames ? img->number - 1 : (int)i;
        if (frame >= frames)
            continue;
        for (int k = 0; k < 2; k++)
            for (uint32_t r = 0; r < img->tables[k].n_rows; r++) {
                sm_entity_id id = img->tables[k].rows[r].id;
                if (reid_kind(id))
                    v[n++] = (id_frame){(uint64_t)id.kind << 32 | id.number, frame};
            }
    }
    qsort(v, n, sizeof *v, cmp_id_frame);
    for (size_t a = 0; a < n;) {
        size_t b = a;
        int cross = 0;
        while (b < n && v[b].key == v[a].key) {
            if (strcmp(films[v[b].frame], films[v[a].frame]) != 0)
                cross = 1;
            b++;
        }
        out->ids++;
        out->cross_film_ids += (size_t)cross;
        a = b;
    }
    free(v);
    out->reid = out->ids ? -(double)out->cross_film_ids / (double)out->ids : 0.0;
    return 0;
}

int sm_reward_score(sm_story_set *set, sm_story *sample, int frames, int parse_ok,
                    const sm_story *ref, const char *const *frame_films, sm_reward *out)
{
    memset(out, 0, sizeof *out);
    if (!sample->has_images && !sample->has_frame_count) {
        sample->has_frame_count = 1;
        sample->frame_count = frames;
    }
    sm_story_check(set, sample, NULL);
    /* Structure is `eval structure`'s "well structured", one definition
     * (sm_structure_problem), for an answer read whole. */
    out->structure_problem = parse_ok ? sm_structure_problem(sample, NULL) : "not-whole";
    out->structure = out->structure_problem ? 0.0 : 1.0;

    sm_detection *cand = NULL, *refd = NULL;
    size_t nc = sm_grounding_detections(sample, NULL, &cand);
    if (nc == (size_t)-1)
        return -1;
    out->boxes = nc;
    int rc = 0;
    if (ref) {
        size_t nr = sm_grounding_detections(ref, NULL, &refd);
        long *ref_of_cand = malloc((nc + 1) * sizeof *ref_of_cand);
        sm_grounding_story g;
        if (nr == (size_t)-1 || !ref_of_cand ||
            sm_grounding_score(cand, nc, refd, nr, SM_GROUNDING_PER_IMAGE, &g) != 0 ||
            sm_grounding_match(cand, nc, refd, nr, SM_GROUNDING_PER_IMAGE, ref_of_cand) == (size_t)-1) {
            rc = -1;
        } else {
            out->ref_boxes = nr;
            out->matched = g.all.tp;
            out->grounding = g.all.f1;
            rc = real_reid(cand, nc, refd, ref_of_cand, out);
        }
        free(ref_of_cand);
    } else {
        rc = synthetic_reid(sample, frames, frame_films, out);
    }
    free(cand);
    free(refd);
    out->total = out->structure + out->grounding + out->reid;
    return rc;
}
