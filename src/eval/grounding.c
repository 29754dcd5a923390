/* grounding.c - grounding precision / recall / F1 / AP of a story's
 * chain-of-thought detections against a reference (SPEC "Metrics").
 *
 * Definitions (the StoryReasoning evaluation, which SPEC adopts):
 *  - a detection is a Characters row (label person) or an Objects row
 *    (label: first word of Description; only person vs non-person matters
 *    for matching) whose bounding box could be read; score 1.0;
 *  - a candidate may match a reference when both are persons or both are
 *    not, and IoU >= 0.5; all such pairs are taken greedily by IoU,
 *    highest first, one-to-one.  Ties in IoU are broken by candidate order,
 *    then reference order (chain-of-thought order), so results are stable;
 *  - TP = matches, FP = candidates - TP, FN = references - TP;
 *    precision = 1 when there are no candidates, recall = 1 when there are
 *    no references, F1 = 0 when precision + recall = 0;
 *  - character (object) variants filter both sides to persons (non-persons)
 *    first; because matching never crosses the two, that is the same as
 *    splitting the overall matching;
 *  - AP: candidates ranked by score (all 1.0, so chain-of-thought order,
 *    stable), TP if matched above; precision/recall after each; the
 *    interpolated precision at recall thresholds 0, 0.1, ..., 1.0 is the
 *    highest precision at a recall >= the threshold (0 if none); AP is their
 *    mean.  No references: AP = 1 if no candidates else 0; references but no
 *    candidates: AP = 0.
 *
 * The one deliberate departure from that code is the image: it matches a
 * candidate of image 3 with a reference of image 7 when the boxes overlap.
 * We match within an image; SM_GROUNDING_REFERENCE_QUIRKS restores the
 * original (and its thresholds computed as i * 0.1 in floating point, as
 * numpy.arange does, so that e.g. recall 0.3 does not reach "0.3"). */
#include "storymovie/eval.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* The original's parse_bounding_box: x, y, w, h normalised by the image
 * size and each clamped to [0,1] on its own (so x + w may pass 1). */
static void quirk_normalise(double box[4], int w, int h)
{
    double x = clamp01(box[0] / w), y = clamp01(box[1] / h);
    double bw = clamp01((box[2] - box[0]) / w), bh = clamp01((box[3] - box[1]) / h);
    box[0] = x, box[1] = y, box[2] = x + bw, box[3] = y + bh;
}

static int usable(const sm_story_row *row, const sm_grounding_options *opt)
{
    if (!row->has_box)
        return 0;
    return opt && opt->mode == SM_GROUNDING_REFERENCE_QUIRKS ? row->box_ints : 1;
}

size_t sm_grounding_detections(const sm_story *s, const sm_grounding_options *opt,
                               sm_detection **out)
{
    size_t n = 0;
    *out = NULL;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        for (int k = 0; k < 2; k++) {
            const sm_story_table *tab = &s->image_sections[i].tables[k];
            for (uint32_t r = 0; r < tab->n_rows; r++)
                n += usable(&tab->rows[r], opt) != 0;
        }
    if (n == 0)
        return 0;
    sm_detection *d = malloc(n * sizeof *d);
    if (!d)
        return (size_t)-1;
    int normalise = opt && opt->mode == SM_GROUNDING_REFERENCE_QUIRKS &&
                    opt->image_width > 0 && opt->image_height > 0;
    size_t j = 0;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        for (int k = 0; k < 2; k++) {
            const sm_story_table *tab = &s->image_sections[i].tables[k];
            for (uint32_t r = 0; r < tab->n_rows; r++) {
                const sm_story_row *row = &tab->rows[r];
                if (!usable(row, opt))
                    continue;
                d[j].image = s->image_sections[i].number;
                d[j].person = k == SM_TABLE_CHARACTERS;
                d[j].id = row->id;
                memcpy(d[j].box, row->box, sizeof d[j].box);
                if (normalise)
                    quirk_normalise(d[j].box, opt->image_width, opt->image_height);
                j++;
            }
        }
    *out = d;
    return n;
}

typedef struct pair {
    double iou;
    uint32_t cand, ref;
} pair;

static int cmp_pair(const void *x, const void *y)
{
    const pair *a = x, *b = y;
    if (a->iou != b->iou)
        return a->iou > b->iou ? -1 : 1;
    if (a->cand != b->cand)
        return a->cand < b->cand ? -1 : 1;
    return a->ref < b->ref ? -1 : a->ref > b->ref;
}

static void finish_prf(sm_prf *p, size_t ncand, size_t nref)
{
    p->fp = ncand - p->tp;
    p->fn = nref - p->tp;
    p->precision = ncand ? (double)p->tp / (double)ncand : 1.0;
    p->recall = nref ? (double)p->tp / (double)nref : 1.0;
    double s = p->precision + p->recall;
    p->f1 = s > 0 ? 2 * p->precision * p->recall / s : 0.0;
}

double sm_ap11(const unsigned char *is_tp, size_t ncand, size_t nref, sm_grounding_mode mode)
{
    if (nref == 0)
        return ncand == 0 ? 1.0 : 0.0;
    if (ncand == 0)
        return 0.0;
    /* best[k]: highest precision at a recall >= threshold k.  Walking the
     * ranks once, each (precision, recall) point raises every threshold it
     * reaches. */
    double best[11] = {0};
    size_t tp = 0;
    for (size_t i = 0; i < ncand; i++) {
        tp += is_tp[i] != 0;
        double precision = (double)tp / (double)(i + 1);
        double recall = (double)tp / (double)nref;
        for (int k = 0; k <= 10; k++) {
            double t = mode == SM_GROUNDING_REFERENCE_QUIRKS ? k * 0.1 : k / 10.0;
            int reached = mode == SM_GROUNDING_REFERENCE_QUIRKS ? recall >= t : recall >= t - 1e-12;
            if (reached && precision > best[k])
                best[k] = precision;
        }
    }
    double ap = 0;
    for (int k = 0; k <= 10; k++)
        ap += best[k] / 11.0;
    return ap;
}

size_t sm_grounding_match(const sm_detection *cand, size_t ncand,
                          const sm_detection *ref, size_t nref,
                          sm_grounding_mode mode, long *ref_of_cand)
{
    size_t npairs = 0, cap = 0, matched = 0;
    pair *pairs = NULL;
    for (size_t c = 0; c < ncand; c++) {
        ref_of_cand[c] = -1;
        for (size_t r = 0; r < nref; r++) {
            if (cand[c].person != ref[r].person)
                continue;
            if (mode == SM_GROUNDING_PER_IMAGE && cand[c].image != ref[r].image)
                continue;
            double iou = sm_box_iou(cand[c].box, ref[r].box);
            if (iou < 0.5)
                continue;
            if (sm_grow(&pairs, &cap, npairs + 1, sizeof *pairs) != 0) {
                free(pairs);
                return (size_t)-1;
            }
            pairs[npairs++] = (pair){iou, (uint32_t)c, (uint32_t)r};
        }
    }
    if (npairs > 1)
        qsort(pairs, npairs, sizeof *pairs, cmp_pair);
    unsigned char *ref_used = calloc(nref + 1, 1);
    if (!ref_used) {
        free(pairs);
        return (size_t)-1;
    }
    for (size_t i = 0; i < npairs; i++) {
        if (ref_of_cand[pairs[i].cand] >= 0 || ref_used[pairs[i].ref])
            continue;
        ref_of_cand[pairs[i].cand] = (long)pairs[i].ref;
        ref_used[pairs[i].ref] = 1;
        matched++;
    }
    free(pairs);
    free(ref_used);
    return matched;
}

int sm_grounding_score(const sm_detection *cand, size_t ncand,
                       const sm_detection *ref, size_t nref,
                       sm_grounding_mode mode, sm_grounding_story *out)
{
    memset(out, 0, sizeof *out);
    long *ref_of_cand = malloc((ncand + 1) * sizeof *ref_of_cand);
    unsigned char *cand_tp = calloc(ncand + 1, 1);
    if (!ref_of_cand || !cand_tp ||
        sm_grounding_match(cand, ncand, ref, nref, mode, ref_of_cand) == (size_t)-1) {
        free(ref_of_cand), free(cand_tp);
        return -1;
    }
    for (size_t c = 0; c < ncand; c++)
        cand_tp[c] = ref_of_cand[c] >= 0;
    free(ref_of_cand);

    size_t nc_person = 0, nr_person = 0;
    for (size_t c = 0; c < ncand; c++) {
        nc_person += cand[c].person != 0;
        if (cand_tp[c]) {
            out->all.tp++;
            if (cand[c].person)
                out->characters.tp++;
            else
                out->objects.tp++;
        }
    }
    for (size_t r = 0; r < nref; r++)
        nr_person += ref[r].person != 0;
    finish_prf(&out->all, ncand, nref);
    finish_prf(&out->characters, nc_person, nr_person);
    finish_prf(&out->objects, ncand - nc_person, nref - nr_person);
    out->ap = sm_ap11(cand_tp, ncand, nref, mode);
    free(cand_tp);
    return 0;
}

void sm_grounding_summary_add(sm_grounding_summary *sum, const sm_grounding_story *g)
{
    sum->stories++;
    sum->precision += g->all.precision;
    sum->recall += g->all.recall;
    sum->f1 += g->all.f1;
    sum->char_precision += g->characters.precision;
    sum->char_recall += g->characters.recall;
    sum->char_f1 += g->characters.f1;
    sum->obj_precision += g->objects.precision;
    sum->obj_recall += g->objects.recall;
    sum->obj_f1 += g->objects.f1;
    sum->map += g->ap;
}

void sm_grounding_summary_finish(sm_grounding_summary *sum)
{
    if (sum->stories == 0)
        return;
    double n = (double)sum->stories;
    sum->precision /= n, sum->recall /= n, sum->f1 /= n;
    sum->char_precision /= n, sum->char_recall /= n, sum->char_f1 /= n;
    sum->obj_precision /= n, sum->obj_recall /= n, sum->obj_f1 /= n;
    sum->map /= n;
}
