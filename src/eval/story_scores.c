/* story_scores.c - grounding and language scores of paired stories, one
 * pair at a time and averaged, and the records `eval grounding` and `eval
 * language` print (see eval.h). */
#include "storymovie/eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"

/* ---- grounding ------------------------------------------------------------ */

int sm_grounding_pair(const sm_story *pred, const sm_story *ref, const sm_grounding_options *opt,
                      sm_grounding_story *out, size_t *n_pred, size_t *n_ref)
{
    sm_detection *cd = NULL, *rd = NULL;
    size_t nc = sm_grounding_detections(pred, opt, &cd);
    size_t nr = sm_grounding_detections(ref, opt, &rd);
    int rc = -1;
    if (nc != (size_t)-1 && nr != (size_t)-1)
        rc = sm_grounding_score(cd, nc, rd, nr, opt ? opt->mode : SM_GROUNDING_PER_IMAGE, out);
    *n_pred = nc == (size_t)-1 ? 0 : nc;
    *n_ref = nr == (size_t)-1 ? 0 : nr;
    if (nc != (size_t)-1)
        free(cd);
    if (nr != (size_t)-1)
        free(rd);
    return rc;
}

/* precision, recall, f1 of one kind under the names prefix + "precision", ... */
static void kv_prf(sm_json *j, const char *prefix, double p, double r, double f1)
{
    char key[32];
    snprintf(key, sizeof key, "%sprecision", prefix);
    sm_json_kv_double(j, key, p);
    snprintf(key, sizeof key, "%srecall", prefix);
    sm_json_kv_double(j, key, r);
    snprintf(key, sizeof key, "%sf1", prefix);
    sm_json_kv_double(j, key, f1);
}

void sm_grounding_story_json(sm_json *j, const char *story_id, const sm_grounding_story *g,
                             size_t n_pred, size_t n_ref)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "story");
    sm_json_kv_string(j, "story_id", story_id);
    sm_json_kv_int(j, "tp", (long long)g->all.tp);
    sm_json_kv_int(j, "fp", (long long)g->all.fp);
    sm_json_kv_int(j, "fn", (long long)g->all.fn);
    kv_prf(j, "", g->all.precision, g->all.recall, g->all.f1);
    kv_prf(j, "char_", g->characters.precision, g->characters.recall, g->characters.f1);
    kv_prf(j, "obj_", g->objects.precision, g->objects.recall, g->objects.f1);
    sm_json_kv_double(j, "ap", g->ap);
    sm_json_kv_int(j, "pred_detections", (long long)n_pred);
    sm_json_kv_int(j, "ref_detections", (long long)n_ref);
    sm_json_end_object(j);
}

void sm_grounding_summary_json(sm_json *j, const sm_grounding_summary *sum, sm_grounding_mode mode,
                               const sm_story_pairs *p)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "summary");
    sm_json_kv_string(j, "mode", mode == SM_GROUNDING_REFERENCE_QUIRKS ? "reference-quirks" : "per-image");
    sm_json_kv_int(j, "stories", (long long)sum->stories);
    kv_prf(j, "", sum->precision, sum->recall, sum->f1);
    kv_prf(j, "char_", sum->char_precision, sum->char_recall, sum->char_f1);
    kv_prf(j, "obj_", sum->obj_precision, sum->obj_recall, sum->obj_f1);
    sm_json_kv_double(j, "map", sum->map);
    sm_story_pairs_unpaired_json(j, p, NULL, NULL);
    sm_json_end_object(j);
}

int sm_grounding_write(FILE *f, const sm_story_pairs *p, const sm_grounding_options *opt, int per_story,
                       sm_grounding_summary *sum)
{
    sm_grounding_mode mode = opt ? opt->mode : SM_GROUNDING_PER_IMAGE;
    memset(sum, 0, sizeof *sum);
    sm_json j;
    sm_json_init(&j);
    int failed = 0;
    for (size_t i = 0; i < p->pred.n_items && !failed; i++) {
        if (p->ref_of_pred[i] == SIZE_MAX)
            continue;
        const sm_story *ps = &p->pred.items[i], *rs = &p->ref.items[p->ref_of_pred[i]];
        sm_grounding_story g;
        size_t nc, nr;
        if (sm_grounding_pair(ps, rs, opt, &g, &nc, &nr) != 0) {
            failed = 1;
        } else {
            sm_grounding_summary_add(sum, &g);
            if (per_story) {
                sm_grounding_story_json(&j, ps->story_id, &g, nc, nr);
                failed = sm_json_flush_line(&j, f) != 0;
            }
        }
    }
    sm_grounding_summary_finish(sum);
    sm_grounding_summary_json(&j, sum, mode, p);
    if (!failed)
        failed = sm_json_flush_line(&j, f) != 0;
    sm_json_free(&j);
    return failed ? -1 : 0;
}

/* ---- language ------------------------------------------------------------- */

int sm_language_init(sm_language_scorer *l)
{
    memset(l, 0, sizeof *l);
    l->vocab = sm_vocab_new();
    return l->vocab ? 0 : -1;
}

void sm_language_free(sm_language_scorer *l)
{
    sm_vocab_free(l->vocab);
    sm_words_free(&l->cand);
    sm_words_free(&l->ref);
    free(l->text);
    memset(l, 0, sizeof *l);
}

/* The words of a story's tag-free text (the text `story text` prints). */
static int story_words(sm_language_scorer *l, const sm_story *s, sm_words *w)
{
    if (sm_grow(&l->text, &l->text_cap, (size_t)s->text_len + 1, 1) != 0)
        return -1;
    size_t n = sm_story_plain_text(s->text, s->text_len, l->text);
    w->n_ids = 0;
    return sm_words_tokenize(l->vocab, l->text, n, w);
}

int sm_language_add(sm_language_scorer *l, const sm_story *pred, const sm_story *ref,
                    sm_language_story *out)
{
    if (story_words(l, pred, &l->cand) != 0 || story_words(l, ref, &l->ref) != 0 ||
        sm_bleu_add(&l->bleu, &l->cand, &l->ref) != 0)
        return -1;
    double rouge = sm_rouge_l(&l->cand, &l->ref, 1.2);
    double meteor = sm_meteor(l->vocab, &l->cand, &l->ref, &sm_meteor_default, NULL);
    if (rouge < 0 || meteor < 0)
        return -1;
    l->rouge_sum += rouge;
    l->meteor_sum += meteor;
    l->stories++;
    if (out)
        *out = (sm_language_story){l->cand.n_ids, l->ref.n_ids, rouge, meteor};
    return 0;
}

void sm_language_finish(const sm_language_scorer *l, sm_language_summary *out)
{
    memset(out, 0, sizeof *out);
    out->stories = l->stories;
    sm_bleu_score(&l->bleu, out->bleu);
    out->brevity_penalty = sm_bleu_brevity_penalty(&l->bleu);
    out->rouge_l = l->stories ? l->rouge_sum / (double)l->stories : 0;
    out->meteor = l->stories ? l->meteor_sum / (double)l->stories : 0;
    out->pred_tokens = l->bleu.cand_len;
    out->ref_tokens = l->bleu.ref_len;
}

void sm_language_story_json(sm_json *j, const char *story_id, const sm_language_story *s)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "story");
    sm_json_kv_string(j, "story_id", story_id);
    sm_json_kv_int(j, "pred_tokens", (long long)s->pred_tokens);
    sm_json_kv_int(j, "ref_tokens", (long long)s->ref_tokens);
    sm_json_kv_double(j, "rouge_l", s->rouge_l);
    sm_json_kv_double(j, "meteor", s->meteor);
    sm_json_end_object(j);
}

void sm_language_summary_json(sm_json *j, const sm_language_summary *s, const sm_story_pairs *p)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "summary");
    sm_json_kv_int(j, "stories", (long long)s->stories);
    sm_json_kv_double(j, "bleu1", s->bleu[0]);
    sm_json_kv_double(j, "bleu2", s->bleu[1]);
    sm_json_kv_double(j, "bleu3", s->bleu[2]);
    sm_json_kv_double(j, "bleu4", s->bleu[3]);
    sm_json_kv_double(j, "rouge_l", s->rouge_l);
    sm_json_kv_double(j, "meteor", s->meteor);
    sm_json_kv_int(j, "pred_tokens", (long long)s->pred_tokens);
    sm_json_kv_int(j, "ref_tokens", (long long)s->ref_tokens);
    sm_json_kv_double(j, "brevity_penalty", s->brevity_penalty);
    sm_story_pairs_unpaired_json(j, p, NULL, NULL);
    sm_json_end_object(j);
}

int sm_language_write(FILE *f, const sm_story_pairs *p, int per_story, sm_language_summary *sum)
{
    sm_language_scorer l;
    sm_json j;
    sm_json_init(&j);
    int failed = sm_language_init(&l) != 0;
    for (size_t i = 0; i < p->pred.n_items && !failed; i++) {
        if (p->ref_of_pred[i] == SIZE_MAX)
            continue;
        const sm_story *ps = &p->pred.items[i], *rs = &p->ref.items[p->ref_of_pred[i]];
        sm_language_story one;
        if (sm_language_add(&l, ps, rs, &one) != 0) {
            failed = 1;
            break;
        }
        if (per_story) {
            sm_language_story_json(&j, ps->story_id, &one);
            failed = sm_json_flush_line(&j, f) != 0;
        }
    }
    sm_language_finish(&l, sum);
    sm_language_summary_json(&j, sum, p);
    if (!failed)
        failed = sm_json_flush_line(&j, f) != 0;
    sm_language_free(&l);
    sm_json_free(&j);
    return failed ? -1 : 0;
}
