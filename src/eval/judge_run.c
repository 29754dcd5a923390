/* judge_run.c - `eval judge`: pair the stories, ask the judge both orders of
 * every criterion through the LLM layer, combine, count, write.
 *
 * Requests are made lazily, one (story, criterion) at a time and both of its
 * orders together, as the layer wants more, so memory holds the answers
 * (a verdict and the raw text) and not the bodies.  Outputs are written in
 * story order whatever order the answers came in, so two runs over the same
 * answers write the same bytes. */
#include "storymovie/eval_judge.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval_structure.h"
#include "storymovie/io.h"
#include "eval/eval_internal.h"

typedef enum answer_state { ANSWER_NONE = 0, ANSWER_TEXT, ANSWER_FAILED, ANSWER_WRITTEN } answer_state;

typedef struct judge_answer {
    unsigned char state;          /* answer_state */
    unsigned char truncated;
    unsigned char verdict;        /* sm_judge_verdict */
    char *raw;                    /* the answer's text */
    char *custom_id;
} judge_answer;

typedef struct judge_pair {
    const sm_story *a, *b;
    const sm_context *c;
    unsigned char has_reference[SM_JUDGE_CRITERIA];
    judge_answer answer[SM_JUDGE_CRITERIA][2];   /* [criterion][0 = AB, 1 = BA] */
} judge_pair;

typedef struct judge_ctx {
    const sm_judge_options *o;
    judge_pair *pairs;
    size_t n_pairs;
    /* the next request: pair, criterion, order */
    size_t next_pair;
    int next_crit, next_order;
    char *text_a, *text_b, *reference;   /* of the (pair, criterion) being asked */
    size_t text_cap_a, text_cap_b;
} judge_ctx;

/* ---- pairing ------------------------------------------------------------- */

/* Pairs in the order of a; counts of what could not be paired. */
static int make_pairs(const sm_story_set *a, const sm_story_set *b, const sm_context_set *c, judge_pair **out,
                      size_t *n_out, sm_judge_result *res, sm_error *err)
{
    eval_story_index ia, ib;
    if (eval_story_index_build(a, &ia, err))
        return -1;
    if (eval_story_index_build(b, &ib, err)) {
        eval_story_index_free(&ia);
        return -1;
    }
    judge_pair *pairs = calloc(a->n_items ? a->n_items : 1, sizeof *pairs);
    size_t n = 0;
    if (!pairs) {
        eval_story_index_free(&ia);
        eval_story_index_free(&ib);
        return sm_fail(err, "", 0, "out of memory");
    }
    for (size_t i = 0; i < a->n_items; i++) {
        const sm_story *sa = &a->items[i];
        const sm_story *sb = eval_story_find(&ib, sa->story_id);
        const sm_context *ctx = sb ? sm_context_find(c, sa->story_id) : NULL;
        if (!sb)
            res->unpaired_a++;
        else if (!ctx)
            res->no_context++;
        else
            pairs[n++] = (judge_pair){.a = sa, .b = sb, .c = ctx};
    }
    for (size_t i = 0; i < b->n_items; i++)
        if (!eval_story_find(&ia, b->items[i].story_id))
            res->unpaired_b++;
    eval_story_index_free(&ia);
    eval_story_index_free(&ib);
    *out = pairs;
    *n_out = n;
    return 0;
}

/* ---- requests ------------------------------------------------------------ */

/* Move to the next (pair, criterion) that has a reference, making its
 * texts; 0 when there is none left. */
static int advance(judge_ctx *x, int *oom)
{
    *oom = 0;
    while (x->next_pair < x->n_pairs) {
        judge_pair *p = &x->pairs[x->next_pair];
        if (x->next_crit == 0 && x->next_order == 0 &&
            (eval_plain_text(p->a, &x->text_a, &x->text_cap_a) || eval_plain_text(p->b, &x->text_b, &x->text_cap_b))) {
            *oom = 1;
            return 0;
        }
        while (x->next_crit < SM_JUDGE_CRITERIA) {
            int k = x->next_crit;
            if (x->next_order == 0 && (x->o->criteria & (1u << k))) {
                free(x->reference);
                x->reference = sm_judge_reference(p->c, k, oom);
                if (*oom)
                    return 0;
                p->has_reference[k] = x->reference != NULL;
            }
            if ((x->o->criteria & (1u << k)) && p->has_reference[k])
                return 1;
            x->next_crit++;
            x->next_order = 0;
        }
        x->next_pair++;
        x->next_crit = 0;
        x->next_order = 0;
    }
    return 0;
}

static sm_llm_request *judge_request(const sm_llm_params *params, const sm_story *a, const char *text_a,
                                     const char *text_b, const char *reference, int k, int order, sm_error *err)
{
    /* order 0 (AB): the --a story is shown first as "Story A" */
    char *prompt = sm_judge_prompt(k, reference, order == 0 ? text_a : text_b, order == 0 ? text_b : text_a);
    if (!prompt) {
        sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    sm_llm_body *body = sm_llm_body_new(params);
    if (!body || sm_llm_body_text(body, "system", sm_judge_system_prompt, err) ||
        sm_llm_body_text(body, "user", prompt, err)) {
        free(prompt);
        sm_llm_body_free(body);
        if (!body)
            sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    free(prompt);
    char extra[64];
    snprintf(extra, sizeof extra, "%s:%s", sm_judge_criterion_name(k), order == 0 ? "AB" : "BA");
    return sm_llm_request_new(body, "judge", a->story_id, extra, err);
}

static int next_request(void *vctx, sm_llm_request **out, sm_error *err)
{
    judge_ctx *x = vctx;
    int oom;
    if (!advance(x, &oom))
        return oom ? sm_fail(err, "", 0, "out of memory") : 0;
    judge_pair *p = &x->pairs[x->next_pair];
    sm_llm_request *r = judge_request(x->o->params, p->a, x->text_a, x->text_b, x->reference, x->next_crit,
                                      x->next_order, err);
    if (!r)
        return -1;
    uintptr_t slot = ((uintptr_t)x->next_pair * SM_JUDGE_CRITERIA + (uintptr_t)x->next_crit) * 2 +
                     (uintptr_t)x->next_order;
    r->user = (void *)slot;
    if (++x->next_order == 2) {
        x->next_order = 0;
        x->next_crit++;
    }
    *out = r;
    return 1;
}

static int on_answer(void *vctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err)
{
    judge_ctx *x = vctx;
    (void)keep;
    uintptr_t slot = (uintptr_t)a->request->user;
    size_t pair = slot / (SM_JUDGE_CRITERIA * 2);
    int k = (int)(slot / 2 % SM_JUDGE_CRITERIA), order = (int)(slot % 2);
    judge_answer *ans = &x->pairs[pair].answer[k][order];
    if (!(ans->custom_id = strdup(a->request->custom_id)))
        return sm_fail(err, "", 0, "out of memory");
    if (a->status == SM_LLM_WRITTEN) {
        ans->state = ANSWER_WRITTEN;
    } else if (a->status == SM_LLM_OK || a->status == SM_LLM_TRUNCATED) {
        ans->state = ANSWER_TEXT;
        ans->truncated = a->status == SM_LLM_TRUNCATED;
        /* a cut-off answer is never a whole verdict */
        ans->verdict = ans->truncated ? SM_VERDICT_INVALID : sm_judge_parse(a->text, a->text_len);
        if (!(ans->raw = strdup(a->text ? a->text : "")))
            return sm_fail(err, "", 0, "out of memory");
        sm_llm_verdict(llm, ans->verdict != SM_VERDICT_INVALID);
    } else {
        ans->state = ANSWER_FAILED;
    }
    return 0;
}

/* ---- outcomes and outputs ------------------------------------------------ */

typedef enum pair_state { PAIR_JUDGED, PAIR_FAILED, PAIR_PENDING, PAIR_NO_REFERENCE } pair_state;

static pair_state state_of(const judge_pair *p, int k, sm_judge_outcome *o, int *inconsistent)
{
    const judge_answer *ab = &p->answer[k][0], *ba = &p->answer[k][1];
    *inconsistent = 0;
    if (!p->has_reference[k])
        return PAIR_NO_REFERENCE;
    if (ab->state == ANSWER_WRITTEN || ba->state == ANSWER_WRITTEN)
        return PAIR_PENDING;
    if (ab->state != ANSWER_TEXT || ba->state != ANSWER_TEXT)
        return PAIR_FAILED;
    *o = sm_judge_combine(ab->verdict, ba->verdict, inconsistent);
    return PAIR_JUDGED;
}

static int tally_all(judge_ctx *x, sm_judge_result *res)
{
    uint8_t *points = malloc(x->n_pairs ? x->n_pairs : 1);
    if (!points)
        return -1;
    for (int k = 0; k < SM_JUDGE_CRITERIA; k++) {
        if (!(x->o->criteria & (1u << k)))
            continue;
        sm_judge_tally *t = &res->tally[k];
        for (size_t i = 0; i < x->n_pairs; i++) {
            sm_judge_outcome o = SM_OUTCOME_INVALID;
            int inconsistent;
            switch (state_of(&x->pairs[i], k, &o, &inconsistent)) {
            case PAIR_JUDGED: sm_judge_tally_add(t, o, inconsistent, points); break;
            case PAIR_FAILED: t->failed++; break;
            case PAIR_PENDING: t->pending++; break;
            case PAIR_NO_REFERENCE: t->no_reference++; break;
            }
        }
        if (sm_judge_tally_finish(t, points, x->o->resamples, x->o->seed)) {
            free(points);
            return -1;
        }
    }
    free(points);
    return 0;
}

static const char *favours_name(sm_judge_verdict v, int a_first)
{
    if (v == SM_VERDICT_INVALID)
        return NULL;
    if (v == SM_VERDICT_TIE)
        return "tie";
    return (v == SM_VERDICT_A) == a_first ? "a" : "b";
}

static void model_keys(sm_json *j, const sm_judge_options *o)
{
    sm_json_kv_string(j, "judge_model", o->params->model);
    sm_json_kv_string(j, "prompt_version", SM_JUDGE_PROMPT_VERSION);
}

/* Line i of verdicts.jsonl: (pair, criterion, order) = i / 6, i / 2 % 3, i % 2. */
static void verdict_line(const void *ctx, size_t i, sm_json *j)
{
    const judge_ctx *x = ctx;
    const judge_pair *p = &x->pairs[i / (SM_JUDGE_CRITERIA * 2)];
    int k = (int)(i / 2 % SM_JUDGE_CRITERIA), order = (int)(i % 2);
    const judge_answer *ans = &p->answer[k][order];
    if (ans->state != ANSWER_TEXT)
        return;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", p->a->story_id);
    sm_json_kv_string(j, "criterion", sm_judge_criterion_name(k));
    sm_json_kv_string(j, "order", order == 0 ? "AB" : "BA");
    sm_json_kv_string(j, "verdict", sm_judge_verdict_name(ans->verdict));
    sm_json_kv_string(j, "favours", favours_name(ans->verdict, order == 0));
    sm_json_kv_bool(j, "truncated", ans->truncated);
    sm_json_kv_string(j, "raw", ans->raw);
    sm_json_kv_string(j, "custom_id", ans->custom_id);
    model_keys(j, x->o);
    sm_json_end_object(j);
}

static const char *answer_verdict(const judge_answer *a)
{
    return a->state == ANSWER_TEXT ? sm_judge_verdict_name(a->verdict) : NULL;
}

/* Line i of outcomes.jsonl: (pair, criterion) = i / 3, i % 3. */
static void outcome_line(const void *ctx, size_t i, sm_json *j)
{
    static const char *const state_names[] = {"", "failed", "pending", "no_reference"};
    const judge_ctx *x = ctx;
    const judge_pair *p = &x->pairs[i / SM_JUDGE_CRITERIA];
    int k = (int)(i % SM_JUDGE_CRITERIA);
    if (!(x->o->criteria & (1u << k)))
        return;
    sm_judge_outcome o = SM_OUTCOME_INVALID;
    int inconsistent;
    pair_state st = state_of(p, k, &o, &inconsistent);
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", p->a->story_id);
    sm_json_kv_string(j, "criterion", sm_judge_criterion_name(k));
    sm_json_kv_string(j, "outcome", st == PAIR_JUDGED ? sm_judge_outcome_name(o) : state_names[st]);
    sm_json_kv_bool(j, "inconsistent", inconsistent);
    sm_json_kv_string(j, "ab", answer_verdict(&p->answer[k][0]));
    sm_json_kv_string(j, "ba", answer_verdict(&p->answer[k][1]));
    model_keys(j, x->o);
    sm_json_end_object(j);
}

static void tally_json(sm_json *j, const sm_judge_tally *t)
{
    sm_json_begin_object(j);
    sm_json_kv_int(j, "n", (long long)t->n);
    sm_json_kv_int(j, "wins", (long long)t->wins);
    sm_json_kv_int(j, "ties", (long long)t->ties);
    sm_json_kv_int(j, "losses", (long long)t->losses);
    sm_json_kv_int(j, "inconsistent", (long long)t->inconsistent);
    sm_json_kv_int(j, "invalid", (long long)t->invalid);
    eval_rate_json(j, "win_rate", t->has_rate, t->win_rate, t->ci);
    sm_json_kv_int(j, "failed", (long long)t->failed);
    sm_json_kv_int(j, "pending", (long long)t->pending);
    sm_json_kv_int(j, "no_reference", (long long)t->no_reference);
    sm_json_end_object(j);
}

/* The summary, before the LLM run is closed (its counts are read here). */
static int summary_json(sm_json *j, const judge_ctx *x, const sm_judge_result *res, sm_llm *llm)
{
    const sm_judge_options *o = x->o;
    const char **ids = malloc((x->n_pairs ? x->n_pairs : 1) * sizeof *ids);
    char story_set[13];
    if (!ids)
        return -1;
    for (size_t i = 0; i < x->n_pairs; i++)
        ids[i] = x->pairs[i].a->story_id;
    int rc = sm_eval_story_set(ids, x->n_pairs, story_set);
    free(ids);
    if (rc)
        return -1;
    int complete = 1;
    sm_json_begin_object(j);
    model_keys(j, o);
    sm_json_key(j, "criteria");
    sm_json_begin_object(j);
    for (int k = 0; k < SM_JUDGE_CRITERIA; k++)
        if (o->criteria & (1u << k)) {
            sm_json_key(j, sm_judge_criterion_name(k));
            tally_json(j, &res->tally[k]);
            complete &= res->tally[k].failed == 0 && res->tally[k].pending == 0;
        }
    sm_json_end_object(j);
    sm_json_kv_bool(j, "complete", complete);
    sm_json_key(j, "a");
    sm_json_begin_object(j);
    sm_json_kv_string(j, "name", o->a_name);
    sm_json_kv_string(j, "file", o->a_path);
    sm_json_end_object(j);
    sm_json_key(j, "b");
    sm_json_begin_object(j);
    sm_json_kv_string(j, "name", o->b_name);
    sm_json_kv_string(j, "file", o->b_path);
    sm_json_end_object(j);
    sm_json_kv_int(j, "stories", (long long)x->n_pairs);
    sm_json_kv_string(j, "story_set", story_set);
    sm_json_kv_int(j, "unpaired_a", (long long)res->unpaired_a);
    sm_json_kv_int(j, "unpaired_b", (long long)res->unpaired_b);
    sm_json_kv_int(j, "no_context", (long long)res->no_context);
    sm_json_key(j, "bootstrap");
    sm_json_begin_object(j);
    sm_json_kv_int(j, "resamples", (long long)o->resamples);
    sm_json_kv_int(j, "seed", (long long)o->seed);
    sm_json_kv_string(j, "generator", "splitmix64");
    sm_json_kv_string(j, "interval", "percentile: order statistics ceil(0.025R) and ceil(0.975R)");
    sm_json_end_object(j);
    sm_json_key(j, "llm");
    sm_json_begin_object(j);
    sm_llm_summary_json(llm, j);
    sm_json_end_object(j);
    sm_json_end_object(j);
    return j->failed ? -1 : 0;
}

static void ctx_free(judge_ctx *x)
{
    for (size_t i = 0; i < x->n_pairs; i++)
        for (int k = 0; k < SM_JUDGE_CRITERIA; k++)
            for (int order = 0; order < 2; order++) {
                free(x->pairs[i].answer[k][order].raw);
                free(x->pairs[i].answer[k][order].custom_id);
            }
    free(x->pairs);
    free(x->text_a);
    free(x->text_b);
    free(x->reference);
}

int sm_judge_run(sm_llm *llm, const sm_judge_options *o, const sm_story_set *a, const sm_story_set *b,
                 const sm_context_set *c, sm_judge_result *res, sm_error *err)
{
    judge_ctx x;
    memset(&x, 0, sizeof x);
    memset(res, 0, sizeof *res);
    x.o = o;
    sm_json summary;
    sm_json_init(&summary);
    char *paths[3] = {NULL, NULL, NULL};
    if (make_pairs(a, b, c, &x.pairs, &x.n_pairs, res, err))
        goto fail;
    if (x.n_pairs == 0) {
        sm_fail(err, a->name, 0, "no story of it is also in %s and %s: nothing to judge", b->name, c->name);
        goto fail;
    }
    res->pairs = x.n_pairs;
    unsigned ncrit = 0;
    for (int k = 0; k < SM_JUDGE_CRITERIA; k++)
        ncrit += (o->criteria >> k) & 1u;
    sm_llm_expect(llm, x.n_pairs * ncrit * 2);
    sm_llm_callbacks cb = {next_request, on_answer};
    if (sm_llm_run(llm, &cb, &x, err))
        goto fail;
    const sm_llm_stats *st = sm_llm_get_stats(llm);
    res->failed_requests = st->failed_transport;
    res->written_requests = st->written;
    if (tally_all(&x, res) || summary_json(&summary, &x, res, llm)) {
        sm_fail(err, "", 0, "out of memory");
        goto fail;
    }
    sm_llm *closing = llm;
    llm = NULL;
    if (sm_llm_close(closing, err))      /* a responses file for other requests: no outputs */
        goto fail;
    if (sm_mkdir_p(o->out_dir, err))
        goto fail;
    if (!(paths[0] = eval_join_path(o->out_dir, "verdicts.jsonl")) ||
        !(paths[1] = eval_join_path(o->out_dir, "outcomes.jsonl")) ||
        !(paths[2] = eval_join_path(o->out_dir, "summary.json"))) {
        sm_fail(err, "", 0, "out of memory");
        goto fail;
    }
    if (eval_write_jsonl(paths[0], x.n_pairs * SM_JUDGE_CRITERIA * 2, verdict_line, &x, err) ||
        eval_write_jsonl(paths[1], x.n_pairs * SM_JUDGE_CRITERIA, outcome_line, &x, err) ||
        eval_write_text(paths[2], summary.buf, 1, err))
        goto fail;
    for (int i = 0; i < 3; i++)
        free(paths[i]);
    sm_json_free(&summary);
    ctx_free(&x);
    return 0;
fail:
    sm_llm_abort(llm);
    for (int i = 0; i < 3; i++)
        free(paths[i]);
    sm_json_free(&summary);
    ctx_free(&x);
    return -1;
}

int sm_judge_show_prompt(FILE *f, const sm_judge_options *o, const sm_story_set *a, const sm_story_set *b,
                         const sm_context_set *c, const char *story_id, sm_error *err)
{
    const sm_story *sa = NULL, *sb = NULL;
    for (size_t i = 0; i < a->n_items && !sa; i++)
        if (a->items[i].story_id && strcmp(a->items[i].story_id, story_id) == 0)
            sa = &a->items[i];
    for (size_t i = 0; i < b->n_items && !sb; i++)
        if (b->items[i].story_id && strcmp(b->items[i].story_id, story_id) == 0)
            sb = &b->items[i];
    const sm_context *ctx = sm_context_find(c, story_id);
    if (!sa || !sb || !ctx)
        return sm_fail(err, !sa ? a->name : !sb ? b->name : c->name, 0, "no story '%s' in it", story_id);
    char *ta = NULL, *tb = NULL;
    size_t ca = 0, cb = 0;
    if (eval_plain_text(sa, &ta, &ca) || eval_plain_text(sb, &tb, &cb)) {
        free(ta);
        free(tb);
        return sm_fail(err, "", 0, "out of memory");
    }
    int rc = 0;
    for (int k = 0; k < SM_JUDGE_CRITERIA && rc == 0; k++) {
        if (!(o->criteria & (1u << k)))
            continue;
        int oom;
        char *ref = sm_judge_reference(ctx, k, &oom);
        if (!ref) {
            if (oom)
                rc = sm_fail(err, "", 0, "out of memory");
            else
                fprintf(f, "==== %s: %s - no reference in the context record: not judged\n\n", story_id,
                        sm_judge_criterion_name(k));
            continue;
        }
        for (int order = 0; order < 2 && rc == 0; order++) {
            sm_llm_request *r = judge_request(o->params, sa, ta, tb, ref, k, order, err);
            char *prompt = sm_judge_prompt(k, ref, order == 0 ? ta : tb, order == 0 ? tb : ta);
            if (!r || !prompt) {
                rc = r ? sm_fail(err, "", 0, "out of memory") : -1;
            } else {
                fprintf(f, "==== %s (%s shown first as Story A)\n", r->custom_id,
                        order == 0 ? o->a_name : o->b_name);
                fprintf(f, "---- system\n%s\n---- user\n%s\n\n", sm_judge_system_prompt, prompt);
            }
            free(prompt);
            sm_llm_request_free(r);
        }
        free(ref);
    }
    free(ta);
    free(tb);
    return rc;
}
