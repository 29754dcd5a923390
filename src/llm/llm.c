/* llm.c - a run of model requests: where each answer comes from, and the
 * one path every answer takes once it is there (see include/storymovie/llm.h).
 *
 * Sources, in order: the cache, the responses file, --requests-out (written,
 * not answered), the live server.  Whatever the source, deliver() reads the
 * body with the one reader, removes the key from anything the server said,
 * counts tokens and failures, commits a new answer to the cache, prints one
 * line for a failure, and queues the answer for sm_llm_next(). */
#include "llm/llm_internal.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "storymovie/io.h"

struct sm_llm {
    sm_llm_options opt;
    char *api_key;                /* from the environment; cleansed at the end */
    llm_cache *cache;
    llm_responses *responses;
    llm_http *http;
    sm_output req_out;
    int req_out_open;
    llm_table written;            /* custom_ids already in --requests-out */
    sm_json line;
    sm_llm_answer **ready;        /* ring of answers waiting for sm_llm_next */
    size_t ready_head, ready_count, ready_cap;
    size_t pending;               /* submitted, not yet returned */
    size_t expect;
    sm_llm_stats stats;
    double t0, last_draw;
    int drawn;                    /* a progress line is on the terminal */
    int fatal;
    sm_error fatal_err;
};

void sm_llm_options_init(sm_llm_options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 8;
    o->timeout = 600;
    o->retries = 4;
}

static char *key_from_environment(void)
{
    const char *k = getenv("STORYMOVIE_API_KEY");
    if (!k || !*k)
        k = getenv("OPENAI_API_KEY");
    return k && *k ? strdup(k) : NULL;
}

sm_llm *sm_llm_open(const sm_llm_options *o, sm_error *err)
{
    sm_llm *llm = calloc(1, sizeof *llm);
    if (!llm) {
        sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    llm->opt = *o;
    if (llm->opt.jobs < 1)
        llm->opt.jobs = 1;
    if (!llm->opt.label)
        llm->opt.label = "llm";
    llm->t0 = llm_now();
    sm_json_init(&llm->line);
    llm->api_key = key_from_environment();
    if (o->cache && !(llm->cache = llm_cache_open(o->cache, err)))
        goto fail;
    if (o->responses && !(llm->responses = llm_responses_read(o->responses, err)))
        goto fail;
    if (o->api_base && *o->api_base && !(llm->http = llm_http_open(&llm->opt, llm->api_key, &llm->stats, err)))
        goto fail;
    if (o->requests_out) {
        if (sm_output_open(&llm->req_out, o->requests_out, err))
            goto fail;
        llm->req_out_open = 1;
    }
    return llm;
fail:
    sm_llm_abort(llm);
    return NULL;
}

void sm_llm_expect(sm_llm *llm, size_t total) { llm->expect = total; }
size_t sm_llm_pending(const sm_llm *llm) { return llm->pending; }
const sm_llm_stats *sm_llm_get_stats(sm_llm *llm)
{
    llm->stats.seconds = llm_now() - llm->t0;
    return &llm->stats;
}
void sm_llm_verdict(sm_llm *llm, int passed)
{
    if (passed)
        llm->stats.passed++;
    else
        llm->stats.failed_verification++;
}

int sm_llm_wants_more(const sm_llm *llm)
{
    size_t limit = (size_t)llm->opt.jobs;
    if (llm->fatal || llm->ready_count >= limit)
        return 0;
    return !llm->http || llm_http_waiting(llm->http) < limit;
}

/* ---- progress ---- */

static void clear_progress(sm_llm *llm)
{
    if (llm->drawn) {
        fputs("\r\033[K", stderr);
        llm->drawn = 0;
    }
}

static void draw_progress(sm_llm *llm, int force)
{
    if (!llm->opt.progress)
        return;
    double now = llm_now();
    if (!force && now - llm->last_draw < 0.1)   /* at most ten redraws a second */
        return;
    llm->last_draw = now;
    const sm_llm_stats *s = &llm->stats;
    size_t total = llm->expect > (size_t)s->requests ? llm->expect : (size_t)s->requests;
    size_t done = (size_t)s->requests - llm->pending;
    double secs = now - llm->t0;
    long failed = s->failed_transport + s->truncated;
    fprintf(stderr, "\r\033[K%s: %zu/%zu done, %ld cached, %ld sent, %zu in flight, %ld retries, %ld failed, %.1f/s",
            llm->opt.label, done, total, s->cached + s->from_responses, s->sent,
            llm->http ? llm_http_active(llm->http) : 0, s->retries, failed, secs > 0 ? (double)done / secs : 0.0);
    llm->drawn = 1;
}

/* ---- the one path after an answer arrives ---- */

static int push_ready(sm_llm *llm, sm_llm_answer *a)
{
    if (llm->ready_count == llm->ready_cap) {
        size_t cap = llm->ready_cap ? llm->ready_cap * 2 : 64;
        sm_llm_answer **q = malloc(cap * sizeof *q);
        if (!q)
            return -1;
        for (size_t i = 0; i < llm->ready_count; i++)
            q[i] = llm->ready[(llm->ready_head + i) % llm->ready_cap];
        free(llm->ready);
        llm->ready = q;
        llm->ready_cap = cap;
        llm->ready_head = 0;
    }
    llm->ready[(llm->ready_head + llm->ready_count) % llm->ready_cap] = a;
    llm->ready_count++;
    return 0;
}

static void set_fatal(sm_llm *llm, const sm_error *e)
{
    if (llm->fatal)
        return;
    llm->fatal = 1;
    llm->fatal_err = *e;
}

static void fatal_text(sm_llm *llm, const char *message)
{
    sm_error e;
    sm_fail(&e, "", 0, "%s", message);
    set_fatal(llm, &e);
}

static void count(sm_llm *llm, const sm_llm_answer *a)
{
    sm_llm_stats *s = &llm->stats;
    switch (a->status) {
    case SM_LLM_OK:
    case SM_LLM_TRUNCATED:
        s->answered++;
        if (a->status == SM_LLM_TRUNCATED)
            s->truncated++;
        if (a->prompt_tokens > 0)
            s->prompt_tokens += a->prompt_tokens;
        if (a->completion_tokens > 0)
            s->completion_tokens += a->completion_tokens;
        if (a->source == SM_LLM_FROM_SERVER) {
            if (a->prompt_tokens > 0)
                s->live_prompt_tokens += a->prompt_tokens;
            if (a->completion_tokens > 0)
                s->live_completion_tokens += a->completion_tokens;
        }
        break;
    case SM_LLM_HTTP_ERROR: s->failed_transport++; s->failed_http++; break;
    case SM_LLM_TRANSPORT: s->failed_transport++; s->failed_connection++; break;
    case SM_LLM_MALFORMED: s->failed_transport++; s->failed_malformed++; break;
    case SM_LLM_MISSING: s->failed_transport++; s->failed_missing++; break;
    case SM_LLM_WRITTEN: s->written++; break;
    }
    if (a->source == SM_LLM_FROM_CACHE)
        s->cached++;
    else if (a->source == SM_LLM_FROM_RESPONSES)
        s->from_responses++;
}

static void report(sm_llm *llm, const sm_llm_answer *a)
{
    if (llm->opt.quiet || !a->message || a->status == SM_LLM_OK || a->status == SM_LLM_WRITTEN)
        return;
    clear_progress(llm);
    fprintf(stderr, "storymovie: %s: %s: %s%s\n", llm->opt.label, a->request->custom_id, a->message,
            a->source == SM_LLM_FROM_RESPONSES ? " (from the responses file)" : "");
}

/* Everything that arrives comes through here.  body is taken (malloc'd or
 * NULL); transport, when set, is a failure without an HTTP answer. */
static int deliver(sm_llm *llm, sm_llm_request *r, sm_llm_source source, long http_status, char *body,
                   size_t body_len, const char *transport, int attempts, double latency)
{
    sm_llm_answer *a = calloc(1, sizeof *a);
    if (!a) {
        free(body);
        sm_llm_request_free(r);
        fatal_text(llm, "out of memory");
        return -1;
    }
    a->request = r;
    a->source = source;
    a->attempts = attempts;
    a->latency = latency;
    a->prompt_tokens = a->completion_tokens = -1;
    /* a server may echo what it was sent: the key goes no further */
    llm_redact(llm->api_key, &body, &body_len);
    a->response = body;
    a->response_len = body_len;
    if (transport || (http_status == 0 && !body)) {
        a->status = SM_LLM_TRANSPORT;
        a->message = strdup(transport ? transport : "no answer");
    } else {
        sm_llm_read_completion(http_status, body, body_len, a);
        if (a->status == SM_LLM_HTTP_ERROR && attempts > 1 && a->message) {
            size_t n = strlen(a->message) + 32;
            char *m = malloc(n);
            if (m) {
                snprintf(m, n, "%s (%d attempts)", a->message, attempts);
                free(a->message);
                a->message = m;
            }
        }
    }
    if (a->message) {
        size_t n = strlen(a->message);
        llm_redact(llm->api_key, &a->message, &n);
    }
    count(llm, a);
    if (llm->cache && source != SM_LLM_FROM_CACHE &&
        (a->status == SM_LLM_OK || a->status == SM_LLM_TRUNCATED)) {
        sm_error e;
        if (llm_cache_put(llm->cache, r, a, source == SM_LLM_FROM_SERVER ? "server" : "responses", &e)) {
            set_fatal(llm, &e);
            sm_llm_answer_free(a);
            return -1;
        }
    }
    report(llm, a);
    if (push_ready(llm, a)) {
        sm_llm_answer_free(a);
        fatal_text(llm, "out of memory");
        return -1;
    }
    return 0;
}

/* No answer in this run: written for a batch run, or missing from the
 * responses file. */
static void deliver_nowhere(sm_llm *llm, sm_llm_request *r, sm_llm_status status, const char *message)
{
    sm_llm_answer *a = calloc(1, sizeof *a);
    if (a)
        a->request = r;
    if (!a || (message && !(a->message = strdup(message))) || push_ready(llm, a)) {
        if (a)
            sm_llm_answer_free(a);
        else
            sm_llm_request_free(r);
        fatal_text(llm, "out of memory");
        return;
    }
    a->status = status;
    a->source = SM_LLM_FROM_NOWHERE;
    a->prompt_tokens = a->completion_tokens = -1;
    count(llm, a);
    report(llm, a);
}

/* A request the live client is done with. */
static void on_http_done(void *ctx, sm_llm_request *r, llm_http_result *res)
{
    sm_llm *llm = ctx;
    if (res->fatal) {
        llm->pending--;
        sm_llm_answer probe = {0};
        char why[700];
        if (res->http_status) {
            llm_redact(llm->api_key, &res->body, &res->body_len);
            sm_llm_read_completion(res->http_status, res->body, res->body_len, &probe);
            const char *m = probe.message ? probe.message : "refused";
            if (res->http_status == 404)
                snprintf(why, sizeof why, "%s from %s (is --api-base right, and does the server serve "
                                          "--model?)", m, llm_http_url(llm->http));
            else
                snprintf(why, sizeof why, "the model server refused the API key: %s%s", m,
                         llm->api_key ? "" : " (no key: set STORYMOVIE_API_KEY or OPENAI_API_KEY)");
            free(probe.text);
            free(probe.finish_reason);
            free(probe.message);
        } else {
            snprintf(why, sizeof why, "%s", res->message ? res->message : "the model server failed");
        }
        char *w = strdup(why);
        size_t n = w ? strlen(w) : 0;
        if (w) {
            llm_redact(llm->api_key, &w, &n);
            llm_one_line(w, 500);
        }
        fatal_text(llm, w ? w : "the model server failed");
        free(w);
        sm_llm_request_free(r);
        return;
    }
    char *body = res->body;
    res->body = NULL;
    deliver(llm, r, SM_LLM_FROM_SERVER, res->http_status, body, res->body_len, res->message, res->attempts,
            res->latency);
}

static int write_request(sm_llm *llm, sm_llm_request *r, sm_error *err)
{
    if (llm_table_get(&llm->written, r->custom_id))
        return 0;   /* the same request twice: a Batch file has each id once */
    sm_llm_request_line(r, &llm->line);
    if (llm_table_put(&llm->written, r->custom_id, (void *)1) ||
        sm_json_flush_line(&llm->line, llm->req_out.fp) != 0)
        return sm_fail_write(err, llm->opt.requests_out, errno);
    return 0;
}

int sm_llm_submit(sm_llm *llm, sm_llm_request *r, sm_error *err)
{
    if (!r)
        return sm_fail(err, "", 0, "no request (out of memory?)");
    if (llm->fatal) {
        sm_llm_request_free(r);
        clear_progress(llm);
        if (err)
            *err = llm->fatal_err;
        return -1;
    }
    llm->stats.requests++;
    llm->pending++;
    llm_response *resp = llm->responses ? llm_responses_find(llm->responses, r->custom_id) : NULL;

    if (llm->cache) {
        llm_cached c;
        int found = llm_cache_get(llm->cache, r, &c, err);
        if (found < 0) {
            set_fatal(llm, err);
            llm->pending--;
            sm_llm_request_free(r);
            goto out;
        }
        if (found) {
            deliver(llm, r, SM_LLM_FROM_CACHE, c.status, c.response, c.response_len, NULL, 0, c.latency);
            goto out;
        }
    }
    if (resp) {
        char *body = NULL;
        if (resp->body && !(body = strdup(resp->body))) {
            fatal_text(llm, "out of memory");
            llm->pending--;
            sm_llm_request_free(r);
            goto out;
        }
        if (!body && resp->status && (resp->status < 200 || resp->status >= 300) && resp->message) {
            /* vLLM's run_batch puts an HTTP error in "error", with no body:
             * give the reader the message in an error body of its own */
            sm_json j;
            sm_json_init(&j);
            sm_json_begin_object(&j);
            sm_json_kv_string(&j, "message", resp->message);
            sm_json_end_object(&j);
            body = j.buf;
        }
        char transport[600];
        snprintf(transport, sizeof transport, "batch error: %s", resp->message ? resp->message : "no response");
        deliver(llm, r, SM_LLM_FROM_RESPONSES, resp->status, body, body ? strlen(body) : 0,
                resp->status ? NULL : transport, 0, 0);
        goto out;
    }
    if (llm->req_out_open) {
        if (write_request(llm, r, err)) {
            set_fatal(llm, err);
            llm->pending--;
            sm_llm_request_free(r);
            goto out;
        }
        deliver_nowhere(llm, r, SM_LLM_WRITTEN, NULL);
        goto out;
    }
    if (llm->http) {
        if (llm_http_add(llm->http, r)) {
            fatal_text(llm, "out of memory");
            llm->pending--;
            sm_llm_request_free(r);
        }
        goto out;
    }
    if (llm->responses) {
        deliver_nowhere(llm, r, SM_LLM_MISSING, "no answer in the responses file");
        goto out;
    }
    {
        sm_error e;
        sm_fail(&e, "", 0,
                "no answer for %s in the cache, and no way to ask for one: give --api-base URL (or set "
                "STORYMOVIE_API_BASE), or --requests-out FILE to write the requests for a batch run",
                r->custom_id);
        set_fatal(llm, &e);
        llm->pending--;
        sm_llm_request_free(r);
    }
out:
    if (llm->fatal) {
        clear_progress(llm);
        if (err)
            *err = llm->fatal_err;
        return -1;
    }
    draw_progress(llm, 0);
    return 0;
}

int sm_llm_next(sm_llm *llm, sm_llm_answer **out, sm_error *err)
{
    *out = NULL;
    for (;;) {
        if (llm->fatal) {
            clear_progress(llm);
            if (err)
                *err = llm->fatal_err;
            return -1;
        }
        if (llm->ready_count) {
            *out = llm->ready[llm->ready_head];
            llm->ready_head = (llm->ready_head + 1) % llm->ready_cap;
            llm->ready_count--;
            llm->pending--;
            draw_progress(llm, 0);
            return 1;
        }
        if (!llm->http || llm_http_active(llm->http) == 0) {
            draw_progress(llm, 1);
            return 0;
        }
        sm_error e;
        llm_cache_hold(llm->cache);
        if (llm_http_step(llm->http, llm->opt.progress ? 100 : 1000, on_http_done, llm, &e))
            set_fatal(llm, &e);
        if (llm_cache_release(llm->cache, &e))
            set_fatal(llm, &e);
        draw_progress(llm, 0);
    }
}

int sm_llm_run(sm_llm *llm, const sm_llm_callbacks *cb, void *ctx, sm_error *err)
{
    int more = 1;
    for (;;) {
        while (more && sm_llm_wants_more(llm)) {
            sm_llm_request *r = NULL;
            int got = cb->next_request(ctx, &r, err);
            if (got < 0)
                return -1;
            if (got == 0) {
                more = 0;
                break;
            }
            if (sm_llm_submit(llm, r, err))
                return -1;
        }
        sm_llm_answer *a;
        int rc = sm_llm_next(llm, &a, err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            if (more)
                continue;
            return 0;
        }
        int keep = 0;
        int bad = cb->on_answer(ctx, llm, a, &keep, err);
        if (!keep)
            sm_llm_answer_free(a);
        if (bad)
            return -1;
    }
}

/* ---- summary ---- */

void sm_llm_summary_json(sm_llm *llm, sm_json *j)
{
    const sm_llm_stats *s = sm_llm_get_stats(llm);
    sm_json_kv_int(j, "requests", s->requests);
    sm_json_kv_int(j, "cached", s->cached);
    sm_json_kv_int(j, "from_responses", s->from_responses);
    sm_json_kv_int(j, "sent", s->sent);
    sm_json_kv_int(j, "retries", s->retries);
    sm_json_kv_int(j, "written", s->written);
    sm_json_kv_int(j, "answered", s->answered);
    sm_json_kv_int(j, "truncated", s->truncated);
    sm_json_kv_int(j, "failed_transport", s->failed_transport);
    sm_json_key(j, "failures");
    sm_json_begin_object(j);
    sm_json_kv_int(j, "http", s->failed_http);
    sm_json_kv_int(j, "connection", s->failed_connection);
    sm_json_kv_int(j, "malformed", s->failed_malformed);
    sm_json_kv_int(j, "missing", s->failed_missing);
    sm_json_end_object(j);
    sm_json_kv_int(j, "failed_verification", s->failed_verification);
    sm_json_kv_int(j, "passed", s->passed);
    sm_json_kv_int(j, "prompt_tokens", s->prompt_tokens);
    sm_json_kv_int(j, "completion_tokens", s->completion_tokens);
    sm_json_kv_int(j, "live_prompt_tokens", s->live_prompt_tokens);
    sm_json_kv_int(j, "live_completion_tokens", s->live_completion_tokens);
    sm_json_kv_int(j, "peak_in_flight", s->peak_in_flight);
    sm_json_kv_fixed(j, "seconds", s->seconds, 3);
}

int sm_llm_write_summary(sm_llm *llm, const char *path, sm_error *err)
{
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    sm_llm_summary_json(llm, &j);
    sm_json_end_object(&j);
    sm_output o;
    if (sm_output_open(&o, path, err)) {
        sm_json_free(&j);
        return -1;
    }
    int bad = sm_json_flush_line(&j, o.fp);
    sm_json_free(&j);
    if (bad)
        return sm_output_fail(&o, err);
    return sm_output_commit(&o, err);
}

void sm_llm_print_summary(sm_llm *llm, FILE *f)
{
    const sm_llm_stats *s = sm_llm_get_stats(llm);
    clear_progress(llm);
    fprintf(f, "%s: %ld requests: %ld cached, %ld from the responses file, %ld sent (%ld retries), %ld written; "
               "%ld answered (%ld truncated), %ld failed; tokens %ld prompt + %ld completion; %.1f s\n",
            llm->opt.label, s->requests, s->cached, s->from_responses, s->sent, s->retries, s->written,
            s->answered, s->truncated, s->failed_transport, s->prompt_tokens, s->completion_tokens, s->seconds);
}

/* ---- the end ---- */

static void release(sm_llm *llm)
{
    clear_progress(llm);
    llm_http_close(llm->http);
    llm_cache_close(llm->cache);
    llm_responses_free(llm->responses);
    while (llm->ready_count) {
        sm_llm_answer_free(llm->ready[llm->ready_head]);
        llm->ready_head = (llm->ready_head + 1) % llm->ready_cap;
        llm->ready_count--;
    }
    free(llm->ready);
    llm_table_free(&llm->written, NULL);
    sm_json_free(&llm->line);
    if (llm->api_key) {
        OPENSSL_cleanse(llm->api_key, strlen(llm->api_key));
        free(llm->api_key);
    }
    free(llm);
}

int sm_llm_close(sm_llm *llm, sm_error *err)
{
    int rc = 0;
    if (llm_cache_flush(llm->cache, err))
        rc = -1;
    if (rc == 0 && llm->responses && llm_responses_check_used(llm->responses, err))
        rc = -1;
    if (llm->req_out_open) {
        if (rc == 0)
            rc = sm_output_commit(&llm->req_out, err);
        else
            sm_output_abort(&llm->req_out);
        llm->req_out_open = 0;
    }
    release(llm);
    return rc;
}

void sm_llm_abort(sm_llm *llm)
{
    if (!llm)
        return;
    if (llm->req_out_open)
        sm_output_abort(&llm->req_out);
    llm->req_out_open = 0;
    release(llm);
}
