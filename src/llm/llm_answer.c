/* llm_answer.c - the one reader of model answers.
 *
 * Every answer, whether it comes from the server, a batch run's results or
 * the cache, is an HTTP status and a response body; sm_llm_read_completion
 * turns that into an sm_llm_answer.  What real servers send, and what this
 * accepts (docs/llm.md has the details):
 *   - a chat completion: choices[0].message.content (a string, or a list of
 *     text parts), choices[0].finish_reason, usage.{prompt,completion}_tokens;
 *     finish_reason "length" means the answer was cut at max_tokens;
 *   - blank keep-alive lines (and SSE ':' comment lines) before the JSON,
 *     sent by proxies while the model works;
 *   - errors in OpenAI's shape {"error":{"message":…,"type":…,"code":…}}, in
 *     vLLM's older shape {"object":"error","message":…,"code":…}, FastAPI's
 *     {"detail":…}, or plain text (an HTML page from a proxy). */
#include "llm/llm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/json_scan.h"

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A message from any error shape, or NULL. */
static char *error_text(json_t *v)
{
    if (json_is_string(v))
        return dup_n(json_string_value(v), json_string_length(v));
    if (!json_is_object(v))
        return NULL;
    json_t *inner = json_object_get(v, "error");
    if (inner && !json_is_null(inner)) {
        char *m = error_text(inner);
        if (m)
            return m;
    }
    json_t *msg = json_object_get(v, "message");
    if (json_is_string(msg)) {
        /* OpenAI's batch errors carry a string code worth showing
         * ("batch_expired"); HTTP codes repeat the status and are left out. */
        json_t *code = json_object_get(v, "code");
        if (json_is_string(code) && json_string_length(code) > 0 && json_string_length(code) < 64) {
            size_t n = json_string_length(code) + json_string_length(msg) + 3;
            char *m = malloc(n);
            if (m)
                snprintf(m, n, "%s: %s", json_string_value(code), json_string_value(msg));
            return m;
        }
        return dup_n(json_string_value(msg), json_string_length(msg));
    }
    json_t *detail = json_object_get(v, "detail");
    if (json_is_string(detail))
        return dup_n(json_string_value(detail), json_string_length(detail));
    if (json_is_array(detail) && json_array_size(detail) > 0) {
        json_t *first = json_array_get(detail, 0);
        json_t *m = json_is_object(first) ? json_object_get(first, "msg") : NULL;
        if (json_is_string(m))
            return dup_n(json_string_value(m), json_string_length(m));
    }
    return NULL;
}

/* Is this object an error rather than a completion?  (A few proxies answer
 * 200 with an error body.) */
static int is_error_object(json_t *o)
{
    json_t *e = json_object_get(o, "error");
    if (e && !json_is_null(e))
        return 1;
    json_t *obj = json_object_get(o, "object");
    return json_is_string(obj) && strcmp(json_string_value(obj), "error") == 0;
}

static long token_count(json_t *usage, const char *key)
{
    json_t *v = json_object_get(usage, key);
    return json_is_integer(v) && json_integer_value(v) >= 0 ? (long)json_integer_value(v) : -1;
}

/* "HTTP <status><what>[: <detail>]", one line. */
static void set_message(sm_llm_answer *a, long status, const char *what, const char *detail)
{
    char buf[600];
    snprintf(buf, sizeof buf, "HTTP %ld%s%s%s", status, what, detail && *detail ? ": " : "",
             detail ? detail : "");
    free(a->message);
    a->message = strdup(buf);
    llm_one_line(a->message, 400);
}

/* A completion with text: whole, or cut at max_tokens (with a message). */
static void set_verdict(sm_llm_answer *a, int cut)
{
    if (!cut) {
        a->status = SM_LLM_OK;
        return;
    }
    a->status = SM_LLM_TRUNCATED;
    char buf[160];
    if (a->completion_tokens >= 0)
        snprintf(buf, sizeof buf, "truncated: finish_reason \"length\" after %ld completion tokens",
                 a->completion_tokens);
    else
        snprintf(buf, sizeof buf, "truncated: finish_reason \"length\"");
    a->message = strdup(buf);
}

/* content: a string, or [{"type":"text","text":…},…] (joined). */
static int take_content(json_t *content, sm_llm_answer *a)
{
    if (json_is_string(content)) {
        a->text = dup_n(json_string_value(content), json_string_length(content));
        a->text_len = json_string_length(content);
        return a->text ? 0 : -1;
    }
    if (!json_is_array(content))
        return -1;
    llm_buf b = {0};
    size_t i;
    json_t *part;
    int any = 0;
    json_array_foreach(content, i, part)
    {
        json_t *t = json_is_object(part) ? json_object_get(part, "text") : NULL;
        if (json_is_string(t)) {
            any = 1;
            if (llm_buf_add(&b, json_string_value(t), json_string_length(t))) {
                llm_buf_free(&b);
                return -1;
            }
        }
    }
    if (!any)
        return -1;
    a->text = b.data ? b.data : strdup("");
    a->text_len = b.len;
    return a->text ? 0 : -1;
}

/* Past blank lines and ':' comment lines before the body. */
static size_t skip_preamble(const char *body, size_t len)
{
    size_t i = 0;
    while (i < len) {
        char c = body[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
        } else if (c == ':') {
            const char *nl = memchr(body + i, '\n', len - i);
            i = nl ? (size_t)(nl - body) + 1 : len;
        } else {
            break;
        }
    }
    return i;
}

/* The slow reader: jansson's tree, every shape above, jansson's words for
 * a body that is not JSON. */
static void read_completion_tree(long http_status, const char *body, size_t len, sm_llm_answer *a)
{
    free(a->text);
    free(a->finish_reason);
    free(a->message);
    a->text = a->finish_reason = a->message = NULL;
    a->text_len = 0;
    a->prompt_tokens = a->completion_tokens = -1;
    a->http_status = http_status;

    size_t start = body ? skip_preamble(body, len) : 0;
    json_error_t jerr;
    json_t *root = body && start < len ? json_loadb(body + start, len - start, 0, &jerr) : NULL;
    int ok_status = http_status >= 200 && http_status < 300;

    if (!ok_status) {
        a->status = SM_LLM_HTTP_ERROR;
        char *m = root ? error_text(root) : NULL;
        if (!m && body && start < len) {
            /* not JSON: the start of whatever it was (an HTML error page) */
            size_t n = len - start < 200 ? len - start : 200;
            m = dup_n(body + start, n);
        }
        set_message(a, http_status, "", m);
        free(m);
        json_decref(root);
        return;
    }
    if (!json_is_object(root)) {
        a->status = SM_LLM_MALFORMED;
        set_message(a, http_status, " but the body is not a JSON object",
                    root ? "another JSON value" : (start >= len ? "empty" : jerr.text));
        json_decref(root);
        return;
    }
    if (is_error_object(root)) {
        a->status = SM_LLM_HTTP_ERROR;
        char *m = error_text(root);
        set_message(a, http_status, " with an error", m ? m : "(no message)");
        free(m);
        json_decref(root);
        return;
    }
    json_t *usage = json_object_get(root, "usage");
    if (json_is_object(usage)) {
        a->prompt_tokens = token_count(usage, "prompt_tokens");
        a->completion_tokens = token_count(usage, "completion_tokens");
    }
    json_t *choices = json_object_get(root, "choices");
    json_t *choice = json_is_array(choices) ? json_array_get(choices, 0) : NULL;
    json_t *msg = json_is_object(choice) ? json_object_get(choice, "message") : NULL;
    if (!json_is_object(msg)) {
        a->status = SM_LLM_MALFORMED;
        set_message(a, http_status, " but not a chat completion",
                    !json_is_array(choices) ? "no choices" : !choice ? "no choice" : "no message");
        json_decref(root);
        return;
    }
    json_t *fr = json_object_get(choice, "finish_reason");
    if (json_is_string(fr))
        a->finish_reason = dup_n(json_string_value(fr), json_string_length(fr));
    int cut = a->finish_reason && strcmp(a->finish_reason, "length") == 0;
    json_t *content = json_object_get(msg, "content");
    if (take_content(content, a) != 0) {
        if (cut && (!content || json_is_null(content))) {
            /* every token went to reasoning: cut, with nothing to show */
            a->text = strdup("");
            a->text_len = 0;
        }
        if (!a->text) {
            a->status = SM_LLM_MALFORMED;
            set_message(a, http_status, " but the message has no text content", NULL);
            json_decref(root);
            return;
        }
    }
    set_verdict(a, cut);
    json_decref(root);
}

/* A string node's decoded text, malloc'd; NULL when out of memory. */
static char *node_text(const sm_json_node *n, size_t *len)
{
    char *d = malloc(n->size + 1);
    if (d)
        *len = sm_json_decode(n, d);
    return d;
}

static long node_tokens(const sm_json_node *usage, const char *key)
{
    const sm_json_node *v = sm_json_get(usage, key);
    return v && v->kind == SM_JSON_INT && v->v.integer >= 0 ? (long)v->v.integer : -1;
}

/* The fast reader, for what nearly every answer is: HTTP 2xx and a whole
 * chat completion with text.  The body is laid out by the record scanner
 * (common/json_scan.h), which reads a text exactly as jansson does and
 * hands jansson whatever it is unsure of; a chat completion is a dozen
 * keys, so this costs a small share of building jansson's tree of it.
 * Anything else - an error, a body that is not JSON, a completion without
 * text - returns 0 and is left to the tree reader, which words it. */
static int read_completion_fast(long http_status, const char *body, size_t len, sm_llm_answer *a)
{
    if (http_status < 200 || http_status >= 300 || !body)
        return 0;
    size_t start = skip_preamble(body, len);
    sm_json_doc d;
    sm_json_doc_init(&d, 0);
    int done = 0;
    if (start >= len || sm_json_doc_read(&d, body + start, len - start) != SM_JSON_SCAN_OK)
        goto out;
    const sm_json_node *root = d.nodes;
    if (root->kind != SM_JSON_OBJECT)
        goto out;
    const sm_json_node *e = sm_json_get(root, "error");
    const sm_json_node *obj = sm_json_get(root, "object");
    if ((e && e->kind != SM_JSON_NULL_KIND) || (obj && obj->kind == SM_JSON_STR && (obj->escaped ||
        (obj->size == 5 && memcmp(obj->v.raw, "error", 5) == 0))))
        goto out;   /* an error, or an escaped "object" value (the tree reader decides) */
    const sm_json_node *choices = sm_json_get(root, "choices");
    if (!choices || choices->kind != SM_JSON_ARRAY || choices->size == 0)
        goto out;
    const sm_json_node *choice = sm_json_items(choices);
    const sm_json_node *msg = sm_json_get(choice, "message");
    if (!msg || msg->kind != SM_JSON_OBJECT)
        goto out;
    const sm_json_node *content = sm_json_get(msg, "content");
    char *text = NULL;
    size_t text_len = 0;
    if (content && content->kind == SM_JSON_STR) {
        text = node_text(content, &text_len);
    } else if (content && content->kind == SM_JSON_ARRAY) {
        llm_buf b = {0};
        int any = 0, bad = 0;
        char *part_text = NULL;
        for (const sm_json_node *p = sm_json_items(content); p < sm_json_end(content) && !bad;
             p = sm_json_after(p)) {
            const sm_json_node *t = sm_json_get(p, "text");
            if (!t || t->kind != SM_JSON_STR)
                continue;
            any = 1;
            size_t n = 0;
            bad = !(part_text = node_text(t, &n)) || llm_buf_add(&b, part_text, n);
            free(part_text);
        }
        if (any && !bad) {
            text = b.data ? b.data : strdup("");
            text_len = b.len;
        } else {
            llm_buf_free(&b);
        }
    }
    if (!text)
        goto out;   /* no text content (or out of memory): the tree reader says which */
    const sm_json_node *fr = sm_json_get(choice, "finish_reason");
    char *finish = NULL;
    size_t fr_len = 0;
    if (fr && fr->kind == SM_JSON_STR && !(finish = node_text(fr, &fr_len))) {
        free(text);
        goto out;
    }
    int cut = finish && strcmp(finish, "length") == 0;
    free(a->text);
    free(a->finish_reason);
    free(a->message);
    a->text = text;
    a->text_len = text_len;
    a->finish_reason = finish;
    a->message = NULL;
    a->http_status = http_status;
    a->prompt_tokens = a->completion_tokens = -1;
    const sm_json_node *usage = sm_json_get(root, "usage");
    if (usage && usage->kind == SM_JSON_OBJECT) {
        a->prompt_tokens = node_tokens(usage, "prompt_tokens");
        a->completion_tokens = node_tokens(usage, "completion_tokens");
    }
    set_verdict(a, cut);
    done = 1;
out:
    sm_json_doc_free(&d);
    return done;
}

void sm_llm_read_completion(long http_status, const char *body, size_t len, sm_llm_answer *a)
{
    if (!read_completion_fast(http_status, body, len, a))
        read_completion_tree(http_status, body, len, a);
}

int sm_llm_read_batch_line(const char *line, size_t len, char **custom_id, long *status, char **body,
                           size_t *body_len, char **message, sm_error *err)
{
    *custom_id = *body = *message = NULL;
    *body_len = 0;
    *status = 0;
    json_error_t jerr;
    json_t *root = json_loadb(line, len, 0, &jerr);
    if (!root)
        return sm_fail(err, "", 0, "not JSON: %s (column %d)", jerr.text, jerr.column);
    int rc = -1;
    if (!json_is_object(root)) {
        sm_fail(err, "", 0, "not a Batch output line: not a JSON object");
        goto out;
    }
    json_t *id = json_object_get(root, "custom_id");
    if (!json_is_string(id) || json_string_length(id) == 0) {
        sm_fail(err, "", 0, "not a Batch output line: no custom_id");
        goto out;
    }
    json_t *resp = json_object_get(root, "response");
    json_t *error = json_object_get(root, "error");
    if (!resp && !error && json_object_get(root, "body")) {
        sm_fail(err, "", 0, "a Batch request line (custom_id, method, url, body), not an answer: "
                            "give the results file of the batch run");
        goto out;
    }
    if ((!resp || json_is_null(resp)) && (!error || json_is_null(error))) {
        sm_fail(err, "", 0, "not a Batch output line: neither a response nor an error");
        goto out;
    }
    if (resp && !json_is_null(resp)) {
        if (!json_is_object(resp)) {
            sm_fail(err, "", 0, "not a Batch output line: response is not an object");
            goto out;
        }
        json_t *sc = json_object_get(resp, "status_code");
        if (sc && !json_is_integer(sc)) {
            sm_fail(err, "", 0, "not a Batch output line: status_code is not a number");
            goto out;
        }
        *status = sc ? (long)json_integer_value(sc) : 200;
        json_t *b = json_object_get(resp, "body");
        if (b && !json_is_null(b)) {
            *body = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
            if (!*body) {
                sm_fail(err, "", 0, "out of memory");
                goto out;
            }
            *body_len = strlen(*body);
        }
    }
    if (error && !json_is_null(error)) {
        *message = error_text(error);
        if (!*message)
            *message = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
        if (*message)
            llm_one_line(*message, 400);
    }
    *custom_id = dup_n(json_string_value(id), json_string_length(id));
    if (!*custom_id) {
        sm_fail(err, "", 0, "out of memory");
        goto out;
    }
    rc = 0;
out:
    if (rc) {
        free(*body);
        free(*message);
        *body = *message = NULL;
        *body_len = 0;
    }
    json_decref(root);
    return rc;
}

const char *sm_llm_status_name(sm_llm_status s)
{
    switch (s) {
    case SM_LLM_OK: return "ok";
    case SM_LLM_TRUNCATED: return "truncated";
    case SM_LLM_HTTP_ERROR: return "http_error";
    case SM_LLM_TRANSPORT: return "transport";
    case SM_LLM_MALFORMED: return "malformed";
    case SM_LLM_MISSING: return "missing";
    case SM_LLM_WRITTEN: return "written";
    }
    return "?";
}

const char *sm_llm_source_name(sm_llm_source s)
{
    switch (s) {
    case SM_LLM_FROM_CACHE: return "cache";
    case SM_LLM_FROM_RESPONSES: return "responses";
    case SM_LLM_FROM_SERVER: return "server";
    case SM_LLM_FROM_NOWHERE: return "none";
    }
    return "?";
}

void sm_llm_answer_free(sm_llm_answer *a)
{
    if (!a)
        return;
    sm_llm_request_free(a->request);
    free(a->text);
    free(a->finish_reason);
    free(a->message);
    free(a->response);
    free(a);
}
