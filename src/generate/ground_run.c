/* ground_run.c - `storymovie generate ground`: ask a model to rewrite each
 * story with the film's real names and dialogue, verify the answer
 * (src/ground), and ask again with the problems listed until it passes or
 * the attempts are spent.
 *
 * Attempt k of a story is one conversation: the system message, the prompt,
 * and for every earlier attempt its answer (as the assistant) and the list
 * of its problems (as the user).  Its custom_id is
 * ground:STORY_ID[:aK]:SHA12 (no EXTRA for the first attempt), so an answer
 * in the cache or a responses file belongs to exactly one attempt of one
 * story, and a rerun walks the same conversations again from the cache. */
#include "generate/generate_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/context.h"
#include "storymovie/ground.h"

typedef struct ground_try {
    char *custom_id;
    const char *status;          /* the answer's status name */
    char *finish_reason;
    char *answer;                /* the cleaned answer: the assistant turn of the next ask */
    char *retry;                 /* the re-ask made from its problems */
    char *problems;              /* its problems, a JSON array */
    size_t n_problems;
    char *first_problem;         /* "[code] message", for the log line */
} ground_try;

typedef struct ground_item {
    const sm_story *story;
    const sm_context *ctx;       /* NULL: no context record */
    ground_try *tries;
    int n_tries;
    int pending;                 /* written to --requests-out */
} ground_item;

typedef struct ground_run {
    const sm_generate_options *o;
    ground_item *items;
    size_t n;
    char **records, **failures;
    sm_generate_result *r;
    long reasked;
    size_t next;                 /* the next story to ask */
    const char *context;         /* the context file, for messages */
} ground_run;

/* The whole conversation of attempt k (1-based) of an item. */
static sm_llm_request *build_request(ground_run *g, ground_item *it, int k, sm_error *err)
{
    const sm_generate_options *o = g->o;
    sm_llm_body *b = sm_llm_body_new(&o->params);
    char *prompt = sm_ground_prompt(it->story, it->ctx);
    if (!b || !prompt) {
        sm_llm_body_free(b);
        free(prompt);
        sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    int rc = sm_llm_body_text(b, "system", sm_ground_system_prompt, err);
    if (rc == 0)
        rc = gen_user_message(b, o, it->story, prompt, err);
    free(prompt);
    for (int j = 0; rc == 0 && j < k - 1; j++) {
        rc = sm_llm_body_text(b, "assistant", it->tries[j].answer, err);
        if (rc == 0)
            rc = sm_llm_body_text(b, "user", it->tries[j].retry, err);
    }
    if (rc != 0) {
        sm_llm_body_free(b);
        return NULL;
    }
    char extra[16];
    snprintf(extra, sizeof extra, "a%d", k);
    sm_llm_request *r = sm_llm_request_new(b, "ground", it->story->story_id, k > 1 ? extra : NULL, err);
    if (r) {
        r->user = it;
        r->attempt = k;
    }
    return r;
}

static void log_line(ground_run *g, const ground_item *it, const char *fmt, const char *detail)
{
    if (g->o->log)
        fprintf(g->o->log, "storymovie: generate ground: %s: %s%s\n", it->story->story_id, fmt,
                detail ? detail : "");
}

static char *failure_line(ground_run *g, const ground_item *it, const char *reason, const char *message)
{
    const sm_generate_options *o = g->o;
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    sm_json_kv_string(&j, "story_id", it->story->story_id);
    sm_json_kv_string(&j, "movie", it->ctx ? it->ctx->movie : NULL);
    sm_json_kv_string(&j, "model", o->params.model);
    sm_json_kv_string(&j, "prompt_version", SM_GROUND_PROMPT_VERSION);
    sm_json_kv_int(&j, "attempts", it->n_tries);
    sm_json_kv_string(&j, "reason", reason);
    sm_json_kv_string(&j, "message", message);
    sm_json_key(&j, "problems");
    if (it->n_tries && it->tries[it->n_tries - 1].problems)
        sm_json_raw(&j, it->tries[it->n_tries - 1].problems, strlen(it->tries[it->n_tries - 1].problems));
    else {
        sm_json_begin_array(&j);
        sm_json_end_array(&j);
    }
    sm_json_key(&j, "tries");
    sm_json_begin_array(&j);
    for (int k = 0; k < it->n_tries; k++) {
        const ground_try *t = &it->tries[k];
        sm_json_begin_object(&j);
        sm_json_kv_int(&j, "attempt", k + 1);
        sm_json_kv_string(&j, "custom_id", t->custom_id);
        sm_json_kv_string(&j, "status", t->status);
        sm_json_kv_string(&j, "finish_reason", t->finish_reason);
        sm_json_key(&j, "problems");
        if (t->problems)
            sm_json_raw(&j, t->problems, strlen(t->problems));
        else
            sm_json_null(&j);
        sm_json_kv_string(&j, "answer", t->answer);
        sm_json_end_object(&j);
    }
    sm_json_end_array(&j);
    sm_json_end_object(&j);
    return gen_take(&j);
}

static char *dup_or_null(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* An answer with text: verify it; keep it, or ask again, or give up. */
static int judge(ground_run *g, sm_llm *llm, ground_item *it, const sm_llm_answer *a, sm_error *err)
{
    const sm_generate_options *o = g->o;
    size_t idx = (size_t)(it - g->items);
    ground_try *t = &it->tries[it->n_tries - 1];
    sm_ground_verdict v;
    int rc = sm_ground_verify(it->story, it->ctx, a->text, a->text_len, a->status == SM_LLM_TRUNCATED, &v);
    if (rc != 0)
        goto oom;
    t->answer = dup_or_null(v.text, v.text_len);
    sm_json j;
    sm_json_init(&j);
    sm_ground_write_problems(&j, &v);
    t->problems = gen_take(&j);
    t->n_problems = v.n_problems;
    if (!t->answer || !t->problems)
        goto oom;
    if (v.passed) {
        sm_json_init(&j);
        if (sm_ground_write_record(&j, it->story, it->ctx, &v, o->params.model, it->n_tries) != 0 ||
            !(g->records[idx] = gen_take(&j)))
            goto oom;
        sm_llm_verdict(llm, 1);
        g->r->passed++;
        sm_ground_verdict_free(&v);
        return 0;
    }
    if (v.n_problems) {
        size_t n = strlen(v.problems[0].code) + strlen(v.problems[0].message) + 64;
        if ((t->first_problem = malloc(n)) != NULL)
            snprintf(t->first_problem, n, "[%s] %s%s", v.problems[0].code, v.problems[0].message,
                     v.n_problems > 1 ? " (and more)" : "");
    }
    if (it->n_tries < o->max_attempts) {
        if (!(t->retry = sm_ground_retry_prompt(&v)))
            goto oom;
        sm_ground_verdict_free(&v);
        ground_try *grown = realloc(it->tries, (size_t)(it->n_tries + 1) * sizeof *grown);
        if (!grown)
            return sm_fail(err, "", 0, "out of memory");
        it->tries = grown;
        memset(&it->tries[it->n_tries], 0, sizeof *it->tries);
        sm_llm_request *r = build_request(g, it, it->n_tries + 1, err);
        if (!r)
            return -1;
        if (!(it->tries[it->n_tries].custom_id = strdup(r->custom_id))) {
            sm_llm_request_free(r);
            return sm_fail(err, "", 0, "out of memory");
        }
        it->n_tries++;
        g->reasked++;
        return sm_llm_submit(llm, r, err);
    }
    sm_ground_verdict_free(&v);
    char what[64];
    snprintf(what, sizeof what, "failed verification after %d attempt%s: ", it->n_tries,
             it->n_tries == 1 ? "" : "s");
    log_line(g, it, what, t->first_problem);
    if (!(g->failures[idx] = failure_line(g, it, "verification", "failed verification")))
        return sm_fail(err, "", 0, "out of memory");
    sm_llm_verdict(llm, 0);
    g->r->failed_verification++;
    return 0;
oom:
    sm_ground_verdict_free(&v);
    return sm_fail(err, "", 0, "out of memory");
}

static int on_answer(ground_run *g, sm_llm *llm, sm_llm_answer *a, sm_error *err)
{
    ground_item *it = a->request->user;
    size_t idx = (size_t)(it - g->items);
    ground_try *t = &it->tries[it->n_tries - 1];
    t->status = sm_llm_status_name(a->status);
    if (a->finish_reason && !(t->finish_reason = strdup(a->finish_reason)))
        return sm_fail(err, "", 0, "out of memory");
    switch (a->status) {
    case SM_LLM_OK:
    case SM_LLM_TRUNCATED:
        return judge(g, llm, it, a, err);
    case SM_LLM_WRITTEN:
        it->pending = 1;
        g->r->pending++;
        return 0;
    default:
        /* No usable answer (the layer has said why on stderr): asked
         * again by the next run. */
        if (!(g->failures[idx] = failure_line(g, it, t->status, a->message)))
            return sm_fail(err, "", 0, "out of memory");
        g->r->no_answer++;
        return 0;
    }
}

/* OUT/attempts.jsonl: every answer that was verified, story by story,
 * attempt by attempt, with its problems. */
static char **attempt_lines(ground_run *g, size_t *n)
{
    size_t total = 0, k = 0;
    for (size_t i = 0; i < g->n; i++)
        total += (size_t)g->items[i].n_tries;
    char **lines = calloc(total + 1, sizeof *lines);
    if (!lines)
        return NULL;
    for (size_t i = 0; i < g->n; i++) {
        const ground_item *it = &g->items[i];
        for (int a = 0; a < it->n_tries; a++) {
            const ground_try *t = &it->tries[a];
            if (!t->problems)
                continue;
            sm_json j;
            sm_json_init(&j);
            sm_json_begin_object(&j);
            sm_json_kv_string(&j, "story_id", it->story->story_id);
            sm_json_kv_int(&j, "attempt", a + 1);
            sm_json_kv_string(&j, "custom_id", t->custom_id);
            sm_json_kv_bool(&j, "passed", t->n_problems == 0);
            sm_json_key(&j, "problems");
            sm_json_raw(&j, t->problems, strlen(t->problems));
            sm_json_end_object(&j);
            if (!(lines[k++] = gen_take(&j))) {
                for (size_t x = 0; x < k; x++)
                    free(lines[x]);
                free(lines);
                return NULL;
            }
        }
    }
    *n = k;
    return lines;
}

static void summary_keys(sm_json *j, void *vctx)
{
    ground_run *g = vctx;
    const sm_generate_result *r = g->r;
    gen_summary_head(j, "generate ground", g->o, SM_GROUND_PROMPT_VERSION);
    sm_json_kv_int(j, "stories", r->stories);
    sm_json_kv_int(j, "stories_passed", r->passed);
    sm_json_kv_int(j, "stories_failed_verification", r->failed_verification);
    sm_json_kv_int(j, "stories_no_answer", r->no_answer);
    sm_json_kv_int(j, "stories_no_context", r->no_context);
    sm_json_kv_int(j, "stories_pending", r->pending);
    sm_json_kv_int(j, "reasked", g->reasked);
    sm_json_kv_int(j, "max_attempts", g->o->max_attempts);
}

static void free_items(ground_run *g)
{
    for (size_t i = 0; g->items && i < g->n; i++) {
        for (int k = 0; k < g->items[i].n_tries; k++) {
            ground_try *t = &g->items[i].tries[k];
            free(t->custom_id);
            free(t->finish_reason);
            free(t->answer);
            free(t->retry);
            free(t->problems);
            free(t->first_problem);
        }
        free(g->items[i].tries);
        free(g->records[i]);
        free(g->failures[i]);
    }
    free(g->items);
    free(g->records);
    free(g->failures);
}

/* Stories and context read and matched. */
static int read_inputs(const char *stories, const char *context, const sm_generate_options *o,
                       sm_story_set *set, sm_context_set *cs, sm_error *err)
{
    if (gen_read_stories(stories, GEN_NEED_TEXT, o, set, err) != 0 ||
        sm_context_read_file(context, cs, err) != 0)
        return -1;
    size_t found = 0;
    for (size_t i = 0; i < set->n_items; i++)
        found += sm_context_find(cs, set->items[i].story_id) != NULL;
    if (found == 0)
        return sm_fail(err, context, 0, "has no context record for any story of %s (the context of "
                       "another corpus? make it with 'storymovie build … --stories %s')", stories, stories);
    return 0;
}

/* The first attempt of the next story in the run (sm_llm_run asks for it
 * when the layer wants more): 1 and *out, 0 when every story is asked. */
static int next_request(void *vctx, sm_llm_request **out, sm_error *err)
{
    ground_run *g = vctx;
    while (g->next < g->n) {
        ground_item *it = &g->items[g->next++];
        if (!gen_selected(g->o, it->story->story_id))
            continue;
        g->r->stories++;
        if (!it->ctx) {
            log_line(g, it, "no context record in ", g->context);
            if (!(g->failures[it - g->items] = failure_line(g, it, "no_context",
                                                            "the context file has no record of this story")))
                return sm_fail(err, "", 0, "out of memory");
            g->r->no_context++;
            continue;
        }
        if (!(it->tries = calloc(1, sizeof *it->tries)))
            return sm_fail(err, "", 0, "out of memory");
        sm_llm_request *req = build_request(g, it, 1, err);
        if (!req || !(it->tries[0].custom_id = strdup(req->custom_id))) {
            sm_llm_request_free(req);
            return req ? sm_fail(err, "", 0, "out of memory") : -1;
        }
        it->n_tries = 1;
        *out = req;
        return 1;
    }
    return 0;
}

static int answer_cb(void *vctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err)
{
    (void)keep;
    return on_answer(vctx, llm, a, err);
}

int sm_generate_ground(const char *stories, const char *context, const sm_generate_options *o,
                       sm_generate_result *r, sm_error *err)
{
    memset(r, 0, sizeof *r);
    sm_story_set set = {0};
    sm_context_set cs = {0};
    ground_run g = {0};
    sm_llm *llm = NULL;
    char **attempts = NULL;
    size_t n_attempts = 0;
    int rc = -1;
    if (o->params.images != SM_LLM_IMAGES_NONE && !o->movienet) {
        sm_fail(err, stories, 0, "--images data|file needs --movienet DIR (the frames' root)");
        goto done;
    }
    if (read_inputs(stories, context, o, &set, &cs, err) != 0 || sm_mkdir_p(o->out_dir, err) != 0)
        goto done;
    g.o = o;
    g.r = r;
    g.n = set.n_items;
    g.context = context;
    g.items = calloc(g.n, sizeof *g.items);
    g.records = calloc(g.n, sizeof *g.records);
    g.failures = calloc(g.n, sizeof *g.failures);
    if (!g.items || !g.records || !g.failures) {
        sm_fail(err, "", 0, "out of memory");
        goto done;
    }
    size_t wanted = 0;
    for (size_t i = 0; i < g.n; i++) {
        g.items[i].story = &set.items[i];
        g.items[i].ctx = sm_context_find(&cs, set.items[i].story_id);
        wanted += gen_selected(o, set.items[i].story_id);
    }
    if (!(llm = sm_llm_open(&o->llm, err)))
        goto done;
    sm_llm_expect(llm, wanted);

    sm_llm_callbacks cb = {next_request, answer_cb};
    if (sm_llm_run(llm, &cb, &g, err) != 0)
        goto done;
    for (size_t i = 0; i < g.n; i++)
        r->records += g.records[i] != NULL;
    sm_llm *closing = llm;
    llm = NULL;
    if (!(attempts = attempt_lines(&g, &n_attempts))) {
        sm_llm_abort(closing);
        sm_fail(err, "", 0, "out of memory");
        goto done;
    }
    gen_file files[3] = {{"stories.jsonl", g.records, g.n},
                         {"failures.jsonl", g.failures, g.n},
                         {"attempts.jsonl", attempts, n_attempts}};
    if (gen_finish(closing, o, files, 3, summary_keys, &g, r, err) != 0)
        goto done;
    rc = 0;
done:
    sm_llm_abort(llm);
    for (size_t i = 0; i < n_attempts; i++)
        free(attempts[i]);
    free(attempts);
    free_items(&g);
    sm_context_set_free(&cs);
    sm_story_set_free(&set);
    return rc;
}

char *sm_generate_ground_prompt(const char *stories, const char *context, const char *story_id,
                                sm_error *err)
{
    sm_generate_options o;
    sm_generate_options_init(&o);
    const char *only[1] = {story_id};
    o.only = only;
    o.n_only = 1;
    sm_story_set set = {0};
    sm_context_set cs = {0};
    char *out = NULL;
    if (read_inputs(stories, context, &o, &set, &cs, err) != 0)
        goto done;
    const sm_story *s = NULL;
    for (size_t i = 0; i < set.n_items && !s; i++)
        if (strcmp(set.items[i].story_id, story_id) == 0)
            s = &set.items[i];
    const sm_context *c = sm_context_find(&cs, story_id);
    if (!c) {
        sm_fail(err, context, 0, "no context record for story %s", story_id);
        goto done;
    }
    char *user = sm_ground_prompt(s, c);
    size_t n = user ? strlen(sm_ground_system_prompt) + strlen(user) + 64 : 0;
    if (user && (out = malloc(n)) != NULL)
        snprintf(out, n, "=== system\n%s\n\n=== user\n%s", sm_ground_system_prompt, user);
    free(user);
    if (!out)
        sm_fail(err, "", 0, "out of memory");
done:
    sm_context_set_free(&cs);
    sm_story_set_free(&set);
    return out;
}
