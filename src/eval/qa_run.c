/* qa_run.c - `eval qa make` and `eval qa run`: the model calls of QA, in the
 * LLM layer's loop, and their output files.
 *
 * make asks one request per story (custom_id qa-make:STORY_ID:<sha12>).
 * run asks, per question, the answerer (qa-answer:STORY_ID:qN:<sha12>) and,
 * once its answer is in, the grader (qa-grade:STORY_ID:qN:<sha12>) - from
 * the answer callback, so grading overlaps answering.  Outputs are written
 * in input order whatever order the answers came in. */
#include "storymovie/eval_qa.h"

#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_internal.h"
#include "storymovie/eval_structure.h"
#include "storymovie/io.h"

/* What became of one request. */
typedef enum req_state { REQ_NONE = 0, REQ_TEXT, REQ_TRUNCATED, REQ_FAILED, REQ_WRITTEN } req_state;

static req_state state_of_answer(const sm_llm_answer *a)
{
    switch (a->status) {
    case SM_LLM_OK: return REQ_TEXT;
    case SM_LLM_TRUNCATED: return REQ_TRUNCATED;
    case SM_LLM_WRITTEN: return REQ_WRITTEN;
    default: return REQ_FAILED;
    }
}

static sm_llm_request *text_request(const sm_llm_params *params, const char *system, char *user, const char *task,
                                    const char *story_id, const char *extra, sm_error *err)
{
    if (!user) {
        sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    sm_llm_body *body = sm_llm_body_new(params);
    if (!body || sm_llm_body_text(body, "system", system, err) || sm_llm_body_text(body, "user", user, err)) {
        if (!body)
            sm_fail(err, "", 0, "out of memory");
        sm_llm_body_free(body);
        free(user);
        return NULL;
    }
    free(user);
    return sm_llm_request_new(body, task, story_id, extra, err);
}

static void llm_keys(sm_json *j, sm_llm *llm)
{
    sm_json_key(j, "llm");
    sm_json_begin_object(j);
    sm_llm_summary_json(llm, j);
    sm_json_end_object(j);
}

/* "Q.jsonl" -> "Q.<suffix>" */
static char *beside(const char *path, const char *suffix)
{
    size_t n = strlen(path);
    if (n > 6 && strcmp(path + n - 6, ".jsonl") == 0)
        n -= 6;
    size_t len = n + strlen(suffix) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%.*s.%s", (int)n, path, suffix);
    return p;
}

/* ======================================================================= make */

typedef struct make_story {
    const sm_context *c;
    unsigned char state;          /* req_state */
    int parsed;                   /* 0 read, 1 no array (why), -1 not yet */
    const char *why;
    sm_qa_candidates q;
    char *raw;                    /* the answer, kept when it could not be read */
    char *custom_id;
} make_story;

typedef struct make_ctx {
    const sm_qa_make_options *o;
    const sm_context_set *set;
    make_story *stories;
    size_t next;
} make_ctx;

static int make_next(void *vctx, sm_llm_request **out, sm_error *err)
{
    make_ctx *x = vctx;
    if (x->next >= x->set->n_items)
        return 0;
    const sm_context *c = &x->set->items[x->next];
    sm_llm_request *r = text_request(x->o->params, sm_qa_make_system_prompt, sm_qa_make_prompt(c, x->o->per_category),
                                     "qa-make", c->story_id, NULL, err);
    if (!r)
        return -1;
    r->user = (void *)(uintptr_t)x->next++;
    *out = r;
    return 1;
}

static int make_answer(void *vctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err)
{
    make_ctx *x = vctx;
    (void)keep;
    make_story *s = &x->stories[(uintptr_t)a->request->user];
    s->state = (unsigned char)state_of_answer(a);
    s->parsed = -1;
    if (!(s->custom_id = strdup(a->request->custom_id)))
        return sm_fail(err, "", 0, "out of memory");
    if (s->state == REQ_TRUNCATED) {
        s->why = "the answer was cut off at --max-tokens";
        s->parsed = 1;
    } else if (s->state == REQ_TEXT) {
        s->parsed = sm_qa_parse_questions(a->text, a->text_len, s->c, &s->q, &s->why);
        if (s->parsed < 0)
            return sm_fail(err, "", 0, "out of memory");
    }
    if (s->parsed == 1 && !(s->raw = strdup(a->text ? a->text : "")))
        return sm_fail(err, "", 0, "out of memory");
    if (s->state == REQ_TEXT || s->state == REQ_TRUNCATED)
        sm_llm_verdict(llm, s->parsed == 0);
    return 0;
}

static void write_evidence(sm_json *j, const sm_qa_evidence *e, size_t n)
{
    sm_json_key(j, "evidence");
    sm_json_begin_array(j);
    for (size_t i = 0; i < n; i++) {
        sm_json_begin_object(j);
        if (e[i].block) {
            sm_json_kv_int(j, "block", e[i].block);
        } else {
            sm_json_kv_int(j, "cue", e[i].cue);
            sm_json_kv_int(j, "segment", e[i].segment);
        }
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
}

typedef struct reason_count {
    const char *code;
    size_t n;
} reason_count;

static void count_reason(reason_count *r, size_t *n, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(r[i].code, code)) {
            r[i].n++;
            return;
        }
    if (*n < 16)
        r[(*n)++] = (reason_count){code, 1};
}

static int make_write(const make_ctx *x, sm_qa_make_result *res, sm_llm *llm, sm_json *summary, sm_output *qo,
                      sm_output *dro)
{
    sm_json j;
    sm_json_init(&j);
    reason_count reasons[16];
    size_t n_reasons = 0;
    const char **ids = malloc((x->set->n_items ? x->set->n_items : 1) * sizeof *ids);
    char story_set[13];
    int bad = !ids;
    for (size_t i = 0; i < x->set->n_items && !bad; i++) {
        const make_story *s = &x->stories[i];
        ids[i] = s->c->story_id;
        res->stories++;
        if (s->state == REQ_FAILED || s->state == REQ_NONE) {
            res->failed++;
            continue;
        }
        if (s->state == REQ_WRITTEN) {
            res->pending++;
            continue;
        }
        if (s->parsed == 1) {
            res->unreadable++;
            count_reason(reasons, &n_reasons, s->state == REQ_TRUNCATED ? "truncated" : "unreadable-answer");
            sm_json_begin_object(&j);
            sm_json_kv_string(&j, "story_id", s->c->story_id);
            sm_json_kv_null(&j, "index");
            sm_json_kv_string(&j, "drop", s->state == REQ_TRUNCATED ? "truncated" : "unreadable-answer");
            sm_json_kv_string(&j, "reason", s->why);
            sm_json_kv_string(&j, "raw", s->raw);
            sm_json_kv_string(&j, "custom_id", s->custom_id);
            sm_json_end_object(&j);
            bad |= sm_json_flush_line(&j, dro->fp);
            continue;
        }
        int kept = 0;
        for (size_t k = 0; k < s->q.n_items && !bad; k++) {
            const sm_qa_candidate *q = &s->q.items[k];
            sm_json_begin_object(&j);
            if (q->drop) {
                res->dropped++;
                count_reason(reasons, &n_reasons, q->drop);
                sm_json_kv_string(&j, "story_id", s->c->story_id);
                sm_json_kv_int(&j, "index", (long long)k + 1);
                sm_json_kv_string(&j, "drop", q->drop);
                sm_json_kv_string(&j, "reason", q->why);
                sm_json_key(&j, "item");
                sm_json_raw(&j, q->raw, strlen(q->raw));
                sm_json_kv_string(&j, "custom_id", s->custom_id);
                sm_json_end_object(&j);
                bad |= sm_json_flush_line(&j, dro->fp);
                continue;
            }
            char id[64];
            snprintf(id, sizeof id, "q%d", ++kept);
            size_t idlen = strlen(s->c->story_id) + strlen(id) + 2;
            char *full = malloc(idlen);
            if (!full) {
                bad = 1;
                break;
            }
            snprintf(full, idlen, "%s:%s", s->c->story_id, id);
            res->questions++;
            res->by_category[q->category]++;
            sm_json_kv_string(&j, "id", full);
            free(full);
            sm_json_kv_string(&j, "story_id", s->c->story_id);
            sm_json_kv_string(&j, "movie", s->c->movie);
            sm_json_kv_string(&j, "category", sm_qa_category_name(q->category));
            sm_json_kv_string(&j, "question", q->question);
            sm_json_kv_string(&j, "answer", q->answer);
            write_evidence(&j, q->evidence, q->n_evidence);
            sm_json_kv_string(&j, "model", x->o->params->model);
            sm_json_kv_string(&j, "prompt_version", SM_QA_MAKE_PROMPT_VERSION);
            sm_json_kv_string(&j, "custom_id", s->custom_id);
            sm_json_end_object(&j);
            bad |= sm_json_flush_line(&j, qo->fp);
        }
    }
    if (!bad)
        bad = sm_eval_story_set(ids, x->set->n_items, story_set) != 0;
    free(ids);
    if (!bad) {
        sm_json *s = summary;
        sm_json_begin_object(s);
        sm_json_kv_string(s, "model", x->o->params->model);
        sm_json_kv_string(s, "prompt_version", SM_QA_MAKE_PROMPT_VERSION);
        sm_json_kv_int(s, "per_category", x->o->per_category);
        sm_json_kv_int(s, "stories", (long long)res->stories);
        sm_json_kv_string(s, "story_set", story_set);
        sm_json_kv_int(s, "questions", (long long)res->questions);
        sm_json_key(s, "by_category");
        sm_json_begin_object(s);
        for (int k = 0; k < SM_QA_CATEGORIES; k++)
            sm_json_kv_int(s, sm_qa_category_name(k), (long long)res->by_category[k]);
        sm_json_end_object(s);
        sm_json_kv_int(s, "dropped", (long long)res->dropped);
        sm_json_kv_int(s, "unreadable", (long long)res->unreadable);
        sm_json_key(s, "drop_reasons");
        sm_json_begin_object(s);
        for (size_t i = 0; i < n_reasons; i++)
            sm_json_kv_int(s, reasons[i].code, (long long)reasons[i].n);
        sm_json_end_object(s);
        sm_json_kv_int(s, "failed", (long long)res->failed);
        sm_json_kv_int(s, "pending", (long long)res->pending);
        sm_json_kv_bool(s, "complete", res->failed == 0 && res->pending == 0);
        llm_keys(s, llm);
        sm_json_end_object(s);
        bad = s->failed;
    }
    bad |= j.failed;
    sm_json_free(&j);
    return bad ? -1 : 0;
}

int sm_qa_make_run(sm_llm *llm, const sm_qa_make_options *o, const sm_context_set *c, sm_qa_make_result *res,
                   sm_error *err)
{
    make_ctx x = {o, c, NULL, 0};
    int rc = -1;
    memset(res, 0, sizeof *res);
    sm_json summary;
    sm_json_init(&summary);
    sm_output qo = {0}, dro = {0};
    int q_open = 0, d_open = 0;
    char *dropped_path = beside(o->out_path, "dropped.jsonl"), *summary_path = beside(o->out_path, "summary.json");
    x.stories = calloc(c->n_items ? c->n_items : 1, sizeof *x.stories);
    if (!x.stories || !dropped_path || !summary_path) {
        sm_fail(err, "", 0, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < c->n_items; i++)
        x.stories[i].c = &c->items[i];
    sm_llm_expect(llm, c->n_items);
    sm_llm_callbacks cb = {make_next, make_answer};
    if (sm_llm_run(llm, &cb, &x, err))
        goto fail;
    if (sm_output_open(&qo, o->out_path, err))
        goto fail;
    q_open = 1;
    if (sm_output_open(&dro, dropped_path, err))
        goto fail;
    d_open = 1;
    if (make_write(&x, res, llm, &summary, &qo, &dro)) {
        sm_fail_write(err, o->out_path, errno);
        goto fail;
    }
    sm_llm *closing = llm;
    llm = NULL;
    if (sm_llm_close(closing, err))
        goto fail;
    q_open = 0;
    if (sm_output_commit(&qo, err)) {
        goto fail;
    }
    d_open = 0;
    if (sm_output_commit(&dro, err) || eval_write_text(summary_path, summary.buf, 1, err))
        goto fail;
    rc = 0;
    goto done;
fail:
    sm_llm_abort(llm);
    if (q_open)
        sm_output_abort(&qo);
    if (d_open)
        sm_output_abort(&dro);
done:
    for (size_t i = 0; x.stories && i < c->n_items; i++) {
        sm_qa_candidates_free(&x.stories[i].q);
        free(x.stories[i].raw);
        free(x.stories[i].custom_id);
    }
    free(x.stories);
    free(dropped_path);
    free(summary_path);
    sm_json_free(&summary);
    return rc;
}

/* ======================================================================== run */

typedef struct run_item {
    const sm_qa_question *q;
    const sm_story *story;        /* NULL: not in the stories file */
    unsigned char answer_state, grade_state;   /* req_state */
    unsigned char grade;          /* sm_qa_grade */
    unsigned char by_rule;        /* "not stated": wrong without asking */
    char *answer, *grader_raw;
    char *answer_id, *grade_id;
} run_item;

typedef struct run_ctx {
    const sm_qa_run_options *o;
    run_item *items;
    size_t n, next;
    char *text;
    size_t text_cap;
} run_ctx;

static const char *extra_of(const sm_qa_question *q)
{
    size_t n = strlen(q->story_id);
    return strncmp(q->id, q->story_id, n) == 0 && q->id[n] == ':' && q->id[n + 1] ? q->id + n + 1 : q->id;
}

static int run_next(void *vctx, sm_llm_request **out, sm_error *err)
{
    run_ctx *x = vctx;
    while (x->next < x->n && !x->items[x->next].story)
        x->next++;
    if (x->next >= x->n)
        return 0;
    run_item *it = &x->items[x->next];
    if (eval_plain_text(it->story, &x->text, &x->text_cap))
        return sm_fail(err, "", 0, "out of memory");
    sm_llm_request *r = text_request(x->o->answer_params, sm_qa_answer_system_prompt,
                                     sm_qa_answer_prompt(x->text, it->q->question), "qa-answer", it->q->story_id,
                                     extra_of(it->q), err);
    if (!r)
        return -1;
    r->user = (void *)(uintptr_t)(x->next++ * 2);
    *out = r;
    return 1;
}

static int run_answer(void *vctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err)
{
    run_ctx *x = vctx;
    (void)keep;
    uintptr_t slot = (uintptr_t)a->request->user;
    run_item *it = &x->items[slot / 2];
    req_state st = state_of_answer(a);
    char **id = slot % 2 ? &it->grade_id : &it->answer_id;
    if (!(*id = strdup(a->request->custom_id)))
        return sm_fail(err, "", 0, "out of memory");
    if (slot % 2 == 1) {                            /* the grade */
        it->grade_state = (unsigned char)st;
        if (st == REQ_TEXT || st == REQ_TRUNCATED) {
            it->grade = st == REQ_TEXT ? (unsigned char)sm_qa_parse_grade(a->text, a->text_len) : SM_GRADE_INVALID;
            if (!(it->grader_raw = strdup(a->text ? a->text : "")))
                return sm_fail(err, "", 0, "out of memory");
            sm_llm_verdict(llm, it->grade != SM_GRADE_INVALID);
        }
        return 0;
    }
    it->answer_state = (unsigned char)st;
    if (st != REQ_TEXT && st != REQ_TRUNCATED)
        return 0;
    if (!(it->answer = strdup(a->text ? a->text : "")))
        return sm_fail(err, "", 0, "out of memory");
    if (st == REQ_TRUNCATED) {                      /* a cut-off answer is not graded */
        sm_llm_verdict(llm, 0);
        return 0;
    }
    sm_llm_verdict(llm, 1);
    if (sm_qa_not_stated(a->text, a->text_len)) {
        it->by_rule = 1;
        it->grade_state = REQ_TEXT;
        it->grade = SM_GRADE_WRONG;
        return 0;
    }
    const char *given = eval_after_think(a->text, a->text_len);
    sm_llm_request *r = text_request(x->o->grade_params, sm_qa_grade_system_prompt,
                                     sm_qa_grade_prompt(it->q->question, it->q->answer, given), "qa-grade",
                                     it->q->story_id, extra_of(it->q), err);
    if (!r)
        return -1;
    r->user = (void *)(slot + 1);
    return sm_llm_submit(llm, r, err);
}

/* What a question came to: "correct", "wrong", "invalid", "failed", "pending". */
static const char *item_grade(const run_item *it)
{
    if (it->answer_state == REQ_WRITTEN || it->grade_state == REQ_WRITTEN)
        return "pending";
    if (it->answer_state == REQ_TRUNCATED)
        return "invalid";
    if (it->answer_state != REQ_TEXT || (it->grade_state != REQ_TEXT && it->grade_state != REQ_TRUNCATED))
        return "failed";
    return it->grade == SM_GRADE_CORRECT ? "correct" : it->grade == SM_GRADE_WRONG ? "wrong" : "invalid";
}

static void tally_item(sm_qa_tally *t, const char *g)
{
    if (!strcmp(g, "correct"))
        t->correct++;
    else if (!strcmp(g, "wrong"))
        t->wrong++;
    else if (!strcmp(g, "invalid"))
        t->invalid++;
    else if (!strcmp(g, "failed"))
        t->failed++;
    else
        t->pending++;
}

static const char *const state_names[] = {NULL, "ok", "truncated", "failed", "pending"};

static void answer_line(const void *ctx, size_t i, sm_json *j)
{
    const run_ctx *x = ctx;
    const run_item *it = &x->items[i];
    if (!it->story)
        return;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "id", it->q->id);
    sm_json_kv_string(j, "story_id", it->q->story_id);
    sm_json_kv_string(j, "category", sm_qa_category_name(it->q->category));
    sm_json_kv_string(j, "question", it->q->question);
    sm_json_kv_string(j, "key", it->q->answer);
    sm_json_kv_string(j, "answer", it->answer);
    sm_json_kv_string(j, "answer_status", state_names[it->answer_state]);
    sm_json_kv_string(j, "grade", item_grade(it));
    sm_json_kv_string(j, "graded_by", it->by_rule ? "rule" : it->grader_raw ? "grader" : NULL);
    sm_json_kv_string(j, "grader_raw", it->grader_raw);
    sm_json_kv_string(j, "model", x->o->answer_params->model);
    sm_json_kv_string(j, "grader_model", x->o->grade_params->model);
    sm_json_kv_string(j, "prompt_version", SM_QA_RUN_PROMPT_VERSION);
    sm_json_kv_string(j, "answer_custom_id", it->answer_id);
    sm_json_kv_string(j, "grade_custom_id", it->grade_id);
    sm_json_end_object(j);
}

static void tally_json(sm_json *j, const char *key, const sm_qa_tally *t)
{
    sm_json_key(j, key);
    sm_json_begin_object(j);
    sm_json_kv_int(j, "n", (long long)t->n);
    sm_json_kv_int(j, "correct", (long long)t->correct);
    sm_json_kv_int(j, "wrong", (long long)t->wrong);
    sm_json_kv_int(j, "invalid", (long long)t->invalid);
    sm_json_kv_int(j, "failed", (long long)t->failed);
    sm_json_kv_int(j, "pending", (long long)t->pending);
    eval_rate_json(j, "accuracy", t->has_rate, t->accuracy, t->ci);
    sm_json_end_object(j);
}

static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
    return x < y ? -1 : x > y;
}

static int run_summary(const run_ctx *x, sm_qa_run_result *res, sm_llm *llm, sm_json *s)
{
    const char **qids = malloc((x->n ? x->n : 1) * sizeof *qids);
    const char **sids = malloc((x->n ? x->n : 1) * sizeof *sids);
    char question_set[13], story_set[13];
    size_t k = 0;
    if (!qids || !sids) {
        free(qids);
        free(sids);
        return -1;
    }
    for (size_t i = 0; i < x->n; i++) {
        const run_item *it = &x->items[i];
        if (!it->story) {
            res->no_story++;
            continue;
        }
        qids[k] = it->q->id;
        sids[k++] = it->q->story_id;
        const char *g = item_grade(it);
        tally_item(&res->category[it->q->category], g);
        tally_item(&res->overall, g);
    }
    res->questions = k;
    int rc = sm_eval_story_set(qids, k, question_set) || sm_eval_story_set(sids, k, story_set);
    free(qids);
    free(sids);
    if (rc)
        return -1;
    size_t stories = 0;
    const sm_story **asked = malloc((x->n ? x->n : 1) * sizeof *asked);
    if (!asked)
        return -1;
    for (size_t i = 0; i < x->n; i++)
        if (x->items[i].story)
            asked[stories++] = x->items[i].story;
    qsort(asked, stories, sizeof *asked, cmp_ptr);
    size_t distinct = 0;
    for (size_t i = 0; i < stories; i++)
        distinct += i == 0 || asked[i] != asked[i - 1];
    stories = distinct;
    free(asked);
    for (int c = 0; c < SM_QA_CATEGORIES; c++)
        sm_qa_tally_finish(&res->category[c]);
    sm_qa_tally_finish(&res->overall);
    const sm_qa_run_options *o = x->o;
    sm_json_begin_object(s);
    sm_json_kv_string(s, "model", o->answer_params->model);
    sm_json_kv_string(s, "grader_model", o->grade_params->model);
    sm_json_kv_string(s, "prompt_version", SM_QA_RUN_PROMPT_VERSION);
    sm_json_key(s, "categories");
    sm_json_begin_object(s);
    for (int c = 0; c < SM_QA_CATEGORIES; c++)
        tally_json(s, sm_qa_category_name(c), &res->category[c]);
    sm_json_end_object(s);
    tally_json(s, "overall", &res->overall);
    sm_json_kv_bool(s, "complete", res->overall.failed == 0 && res->overall.pending == 0);
    sm_json_kv_string(s, "name", o->name);
    sm_json_kv_string(s, "questions_file", o->questions_path);
    sm_json_kv_string(s, "stories_file", o->stories_path);
    sm_json_kv_int(s, "questions", (long long)res->questions);
    sm_json_kv_string(s, "question_set", question_set);
    sm_json_kv_int(s, "stories", (long long)stories);
    sm_json_kv_string(s, "story_set", story_set);
    sm_json_kv_int(s, "no_story", (long long)res->no_story);
    llm_keys(s, llm);
    sm_json_end_object(s);
    return s->failed ? -1 : 0;
}

int sm_qa_run(sm_llm *llm, const sm_qa_run_options *o, const sm_qa_set *q, const sm_story_set *s,
              sm_qa_run_result *res, sm_error *err)
{
    run_ctx x;
    memset(&x, 0, sizeof x);
    memset(res, 0, sizeof *res);
    x.o = o;
    eval_story_index ix = {0};
    sm_json summary;
    sm_json_init(&summary);
    char *paths[2] = {NULL, NULL};
    int rc = -1;
    if (eval_story_index_build(s, &ix, err))
        goto fail;
    x.n = q->n_items;
    x.items = calloc(x.n ? x.n : 1, sizeof *x.items);
    if (!x.items) {
        sm_fail(err, "", 0, "out of memory");
        goto fail;
    }
    size_t asked = 0;
    for (size_t i = 0; i < x.n; i++) {
        x.items[i].q = &q->items[i];
        x.items[i].story = eval_story_find(&ix, q->items[i].story_id);
        asked += x.items[i].story != NULL;
    }
    if (asked == 0) {
        sm_fail(err, q->name, 0, "no question is about a story of %s: nothing to ask", s->name);
        goto fail;
    }
    sm_llm_expect(llm, asked * 2);
    sm_llm_callbacks cb = {run_next, run_answer};
    if (sm_llm_run(llm, &cb, &x, err))
        goto fail;
    const sm_llm_stats *st = sm_llm_get_stats(llm);
    res->failed_requests = st->failed_transport;
    res->written_requests = st->written;
    if (run_summary(&x, res, llm, &summary)) {
        sm_fail(err, "", 0, "out of memory");
        goto fail;
    }
    sm_llm *closing = llm;
    llm = NULL;
    if (sm_llm_close(closing, err) || sm_mkdir_p(o->out_dir, err))
        goto fail;
    if (!(paths[0] = eval_join_path(o->out_dir, "answers.jsonl")) ||
        !(paths[1] = eval_join_path(o->out_dir, "summary.json"))) {
        sm_fail(err, "", 0, "out of memory");
        goto fail;
    }
    if (eval_write_jsonl(paths[0], x.n, answer_line, &x, err) || eval_write_text(paths[1], summary.buf, 1, err))
        goto fail;
    rc = 0;
fail:
    sm_llm_abort(llm);
    for (size_t i = 0; x.items && i < x.n; i++) {
        free(x.items[i].answer);
        free(x.items[i].grader_raw);
        free(x.items[i].answer_id);
        free(x.items[i].grade_id);
    }
    free(x.items);
    free(x.text);
    free(paths[0]);
    free(paths[1]);
    sm_json_free(&summary);
    eval_story_index_free(&ix);
    return rc;
}
