/* llm_batch.c - an OpenAI Batch input file through the LLM layer,
 * Batch output lines out (include/storymovie/llm_batch.h): a small
 * run_batch client for any OpenAI-compatible server.
 *
 * The input is read twice: once to check every line (so a bad line 1999
 * stops the run before anything is sent), then again to send, one request
 * at a time as slots free, so a file of requests with frames in them never
 * sits in memory whole.  Results are written in input order, atomically. */
#include "storymovie/llm_batch.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "storymovie/io.h"
#include "storymovie/json.h"

typedef struct run_ctx {
    const char *path;
    FILE *in;
    long lineno;
    size_t index;            /* requests read so far */
    char *line;
    size_t cap;
    char **results;          /* per request: its Batch output line, or NULL */
    size_t n;
    long failed;             /* answers that are not whole */
} run_ctx;

static int blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* Where the body value sits in the line, byte for byte, so it is sent (and
 * hashed and cached) exactly as written.  The parsed body must equal it. */
static int body_span(const char *line, size_t n, json_t *body, const char **start, size_t *len)
{
    const char *p = line, *end = line + n;
    while ((p = memchr(p, '"', (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) > 6 && memcmp(p, "\"body\"", 6) == 0) {
            const char *v = p + 6;
            while (v < end && (*v == ' ' || *v == '\t'))
                v++;
            if (v < end && *v == ':') {
                v++;
                while (v < end && (*v == ' ' || *v == '\t'))
                    v++;
                json_error_t e;
                json_t *got = json_loadb(v, (size_t)(end - v), JSON_DISABLE_EOF_CHECK, &e);
                int same = got && json_equal(got, body);
                json_decref(got);
                if (same) {
                    *start = v;
                    *len = (size_t)e.position;
                    return 0;
                }
            }
        }
        p++;
    }
    return -1;
}

/* One line of the input, checked.  On success *root holds the parsed line. */
static int read_request_line(const char *path, long lineno, const char *line, size_t n, json_t **root,
                             sm_error *err)
{
    json_error_t jerr;
    json_t *o = json_loadb(line, n, 0, &jerr);
    *root = NULL;
    if (!o)
        return sm_fail(err, path, lineno, "not JSON: %s", jerr.text);
    const char *why = NULL;
    json_t *id = json_object_get(o, "custom_id");
    json_t *method = json_object_get(o, "method");
    json_t *url = json_object_get(o, "url");
    json_t *body = json_object_get(o, "body");
    if (!json_is_object(o))
        why = "not a JSON object";
    else if (json_object_get(o, "response") && !body)
        why = "a Batch output line (an answer), not a request";
    else if (!json_is_string(id) || json_string_length(id) == 0)
        why = "not a Batch request: no custom_id";
    else if (method && (!json_is_string(method) || strcmp(json_string_value(method), "POST") != 0))
        why = "method must be POST";
    else if (!json_is_string(url) || strcmp(json_string_value(url), "/v1/chat/completions") != 0)
        why = "url must be /v1/chat/completions (the only endpoint storymovie asks)";
    else if (!json_is_object(body))
        why = "not a Batch request: no body object";
    if (why) {
        json_decref(o);
        return sm_fail(err, path, lineno, "%s", why);
    }
    *root = o;
    return 0;
}

/* Pass one: every line is a request, every custom_id once.  Returns the
 * number of requests, or -1. */
static long check_requests(const char *path, sm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0, count = 0, rc = 0;
    json_t *seen = json_object();
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (blank_line(line, (size_t)n))
            continue;
        json_t *root;
        if (read_request_line(path, lineno, line, (size_t)n, &root, err)) {
            rc = -1;
            break;
        }
        const char *id = json_string_value(json_object_get(root, "custom_id"));
        json_t *first = json_object_get(seen, id);
        if (first) {
            sm_fail(err, path, lineno, "custom_id '%s' again (first on line %lld): a Batch file has each "
                                       "id once", id, (long long)json_integer_value(first));
            json_decref(root);
            rc = -1;
            break;
        }
        json_object_set_new(seen, id, json_integer(lineno));
        json_decref(root);
        count++;
    }
    json_decref(seen);
    free(line);
    fclose(f);
    if (rc == 0 && count == 0)
        return sm_fail(err, path, 0, "empty file");
    return rc ? -1 : count;
}

static int next_request(void *vctx, sm_llm_request **out, sm_error *err)
{
    run_ctx *c = vctx;
    ssize_t n;
    while ((n = getline(&c->line, &c->cap, c->in)) >= 0) {
        c->lineno++;
        if (blank_line(c->line, (size_t)n))
            continue;
        json_t *root;
        if (read_request_line(c->path, c->lineno, c->line, (size_t)n, &root, err))
            return -1;   /* the file changed since it was checked */
        json_t *body = json_object_get(root, "body");
        const char *start;
        size_t len;
        char *dumped = NULL;
        if (body_span(c->line, (size_t)n, body, &start, &len)) {
            dumped = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER);
            start = dumped;
            len = dumped ? strlen(dumped) : 0;
        }
        json_t *model = json_object_get(body, "model");
        sm_llm_request *r =
            start ? sm_llm_request_raw(json_string_value(json_object_get(root, "custom_id")), start, len,
                                       json_is_string(model) ? json_string_value(model) : NULL, err)
                  : NULL;
        free(dumped);
        json_decref(root);
        if (!r)
            return sm_fail(err, c->path, c->lineno, "out of memory");
        r->user = (void *)(uintptr_t)c->index++;
        *out = r;
        return 1;
    }
    return 0;
}

/* The server's response body as one compact line (servers may pretty-print,
 * and keep-alive blank lines may precede it), or NULL if it is not JSON. */
static json_t *response_json(const sm_llm_answer *a)
{
    if (!a->response || !a->response_len)
        return NULL;
    return json_loadb(a->response, a->response_len, 0, NULL);
}

static char *batch_output_line(const sm_llm_answer *a)
{
    const sm_llm_request *r = a->request;
    sm_json j;
    sm_json_init(&j);
    size_t idlen = strlen(r->custom_id) + 8;
    char *id = malloc(idlen);
    if (id)
        snprintf(id, idlen, "sm-%s", r->custom_id);
    sm_json_begin_object(&j);
    sm_json_kv_string(&j, "id", id ? id : "");
    free(id);
    sm_json_kv_string(&j, "custom_id", r->custom_id);
    json_t *body = a->http_status ? response_json(a) : NULL;
    if (a->http_status && (body || a->status != SM_LLM_MALFORMED)) {
        json_t *rid = json_object_get(body, "id");
        sm_json_key(&j, "response");
        sm_json_begin_object(&j);
        sm_json_kv_int(&j, "status_code", a->http_status);
        sm_json_kv_string(&j, "request_id", json_is_string(rid) ? json_string_value(rid) : "");
        sm_json_key(&j, "body");
        char *compact = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
        if (compact)
            sm_json_raw(&j, compact, strlen(compact));
        else
            sm_json_null(&j);
        free(compact);
        sm_json_end_object(&j);
        if (body || !a->message) {
            sm_json_kv_null(&j, "error");
        } else {
            /* an error page that is not JSON: its text goes in error */
            sm_json_key(&j, "error");
            sm_json_begin_object(&j);
            sm_json_kv_string(&j, "code", sm_llm_status_name(a->status));
            sm_json_kv_string(&j, "message", a->message);
            sm_json_end_object(&j);
        }
    } else {
        sm_json_kv_null(&j, "response");
        sm_json_key(&j, "error");
        sm_json_begin_object(&j);
        sm_json_kv_string(&j, "code", sm_llm_status_name(a->status));
        sm_json_kv_string(&j, "message", a->message ? a->message : "no answer");
        sm_json_end_object(&j);
    }
    sm_json_end_object(&j);
    json_decref(body);
    if (j.failed) {
        sm_json_free(&j);
        return NULL;
    }
    return j.buf;
}

static int on_answer(void *vctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err)
{
    run_ctx *c = vctx;
    (void)keep;
    size_t i = (size_t)(uintptr_t)a->request->user;
    if (a->status == SM_LLM_WRITTEN)
        return 0;
    sm_llm_verdict(llm, a->status == SM_LLM_OK);
    if (a->status != SM_LLM_OK)
        c->failed++;
    if (i < c->n && !c->results[i] && !(c->results[i] = batch_output_line(a)))
        return sm_fail(err, "", 0, "out of memory");
    return 0;
}

static int write_results(const run_ctx *c, const char *path, sm_error *err)
{
    sm_output o;
    if (sm_output_open(&o, path, err))
        return -1;
    for (size_t i = 0; i < c->n; i++)
        if (c->results[i] && (fputs(c->results[i], o.fp) < 0 || fputc('\n', o.fp) == EOF))
            return sm_output_fail(&o, err);
    return sm_output_commit(&o, err);
}

static int write_text(const char *path, const char *text, sm_error *err)
{
    sm_output o;
    if (sm_output_open(&o, path, err))
        return -1;
    if (fputs(text, o.fp) < 0 || fputc('\n', o.fp) == EOF)
        return sm_output_fail(&o, err);
    return sm_output_commit(&o, err);
}

/* The human summary, printed only once the run has proved good. */
static char *human_summary(sm_llm *llm)
{
    char *human = NULL;
    size_t human_len = 0;
    FILE *mem = open_memstream(&human, &human_len);
    if (!mem)
        return NULL;
    sm_llm_print_summary(llm, mem);
    fclose(mem);
    return human;
}

/* Close the run, then write what it made: results.jsonl, summary.json. */
static int finish(run_ctx *c, sm_llm *llm, const sm_llm_batch_request *req, sm_error *err)
{
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    sm_llm_summary_json(llm, &j);
    sm_json_end_object(&j);
    char *summary = j.failed ? NULL : j.buf;
    if (!summary)
        sm_json_free(&j);
    char *human = req->log ? human_summary(llm) : NULL;
    char path[4096];
    int rc = -1;
    if (sm_llm_close(llm, err))
        goto done;
    snprintf(path, sizeof path, "%s/results.jsonl", req->out_dir);
    if (write_results(c, path, err))
        goto done;
    snprintf(path, sizeof path, "%s/summary.json", req->out_dir);
    if (!summary) {
        sm_fail(err, path, 0, "out of memory");
        goto done;
    }
    if (write_text(path, summary, err))
        goto done;
    if (human)
        fputs(human, req->log);
    rc = 0;
done:
    free(human);
    free(summary);
    return rc;
}

int sm_llm_batch_run(const sm_llm_batch_request *req, sm_llm_batch_result *out, sm_error *err)
{
    run_ctx c = {0};
    c.path = req->requests;
    memset(out, 0, sizeof *out);
    long count = check_requests(req->requests, err);
    sm_llm *llm = NULL;
    int rc = -1;
    if (count < 0 || sm_mkdir_p(req->out_dir, err))
        goto done;
    c.n = (size_t)count;
    c.results = calloc(c.n, sizeof *c.results);
    c.in = fopen(req->requests, "rb");
    if (!c.results || !c.in) {
        sm_fail(err, req->requests, 0, c.in ? "out of memory" : "cannot read");
        goto done;
    }
    if (!(llm = sm_llm_open(req->llm, err)))
        goto done;
    sm_llm_expect(llm, c.n);
    sm_llm_callbacks cb = {next_request, on_answer};
    if (sm_llm_run(llm, &cb, &c, err))
        goto done;
    sm_llm *closing = llm;
    llm = NULL;
    if (finish(&c, closing, req, err))
        goto done;
    out->requests = c.n;
    out->failed = c.failed;
    rc = 0;
done:
    sm_llm_abort(llm);
    if (c.in)
        fclose(c.in);
    for (size_t i = 0; c.results && i < c.n; i++)
        free(c.results[i]);
    free(c.results);
    free(c.line);
    return rc;
}
