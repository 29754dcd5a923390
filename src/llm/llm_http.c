/* llm_http.c - the live client: N requests in flight from one thread.
 *
 * libcurl's multi interface runs up to `jobs` transfers at once over kept-
 * alive connections (one per transfer with HTTP/1.1, multiplexed with
 * HTTP/2).  Each transfer has a per-attempt time limit (--timeout).  A failed
 * attempt is tried again (--retries more times, SPEC) when trying again can
 * help:
 *   - connection errors, dropped connections, time-outs;
 *   - HTTP 408, 409, 429 and 5xx;
 * waiting what the server asks (retry-after-ms, else Retry-After in seconds
 * or as an HTTP date; at most 60 s), else 0.5 * 2^n s (at most 8 s), drawn
 * between half and all of that (jitter, so a crowd of clients that failed
 * together does not return together).  Never retried: 400, 401, 402, 403,
 * 404, 422 and every other 4xx - the same request would fail the same way.
 *
 * Transfers are driven by curl_multi_socket_action over epoll: each wake-up
 * touches only the sockets that are ready, not all N transfers (with 32 in
 * flight, poll() over every socket and a pass over every transfer per
 * wake-up cost several times the rest of a request's CPU time).
 *
 * Three outcomes stop the whole run rather than fail every request one by
 * one with the same message: a server that cannot be reached (after the
 * retries), and 401/403 (the key) or 404 (the URL or model). */
#include "llm/llm_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

/* Larger answers are refused (a chat completion is kilobytes). */
#define LLM_MAX_RESPONSE ((size_t)64 << 20)
#define LLM_MAX_RETRY_AFTER 60.0

typedef struct llm_job {
    sm_llm_request *req;
    int attempts;
    double not_before;
    struct llm_job *next;
} llm_job;

typedef struct llm_slot {
    CURL *easy;
    llm_job *job;              /* NULL: free */
    llm_buf resp;
    double retry_after;        /* seconds; < 0: not given */
    int too_large;
    char errbuf[CURL_ERROR_SIZE];
} llm_slot;

struct llm_http {
    CURLM *multi;
    int epfd;
    double timer_due;          /* when libcurl wants its timeout action; < 0: none */
    struct curl_slist *headers;
    char *url;
    long jobs;
    long timeout_ms;
    long retries;
    llm_slot *slots;
    int in_flight;
    llm_job *wait_head, *wait_tail;
    size_t n_wait;
    llm_job *retry;            /* waiting for their next attempt (unordered: at most a few hundred) */
    size_t n_retry;
    sm_llm_stats *stats;
    uint64_t rng;
};

static int curl_ready;

const char *llm_http_url(const llm_http *h) { return h->url; }
size_t llm_http_waiting(const llm_http *h) { return h->n_wait; }
size_t llm_http_active(const llm_http *h) { return h->n_wait + h->n_retry + (size_t)h->in_flight; }

static double jitter01(llm_http *h)
{
    /* xorshift64*: jitter needs no quality, only spread */
    h->rng ^= h->rng >> 12;
    h->rng ^= h->rng << 25;
    h->rng ^= h->rng >> 27;
    return (double)((h->rng * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    llm_slot *s = ud;
    size_t k = size * n;
    if (s->resp.len + k > LLM_MAX_RESPONSE) {
        s->too_large = 1;
        return 0;
    }
    return llm_buf_add(&s->resp, p, k) ? 0 : k;
}

static int header_is(const char *line, size_t n, const char *name, const char **value, size_t *vlen)
{
    size_t m = strlen(name);
    if (n <= m || line[m] != ':' || strncasecmp(line, name, m) != 0)
        return 0;
    const char *v = line + m + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *value = v;
    *vlen = (size_t)(end - v);
    return 1;
}

/* Retry-After: delay-seconds or an HTTP date; retry-after-ms: milliseconds
 * (OpenAI's).  The milliseconds win when both are there. */
static size_t on_header(char *line, size_t size, size_t n, void *ud)
{
    llm_slot *s = ud;
    size_t k = size * n;
    const char *v;
    size_t vlen;
    char buf[64];
    if (k >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        s->retry_after = -1;   /* a new response (after a 100 Continue, say) */
    } else if (header_is(line, k, "retry-after-ms", &v, &vlen) && vlen > 0 && vlen < sizeof buf) {
        memcpy(buf, v, vlen);
        buf[vlen] = '\0';
        char *end;
        double ms = strtod(buf, &end);
        if (end != buf && *end == '\0' && ms >= 0 && isfinite(ms))
            s->retry_after = ms / 1000.0;
    } else if (header_is(line, k, "retry-after", &v, &vlen) && vlen > 0 && vlen < sizeof buf &&
               s->retry_after < 0) {
        memcpy(buf, v, vlen);
        buf[vlen] = '\0';
        char *end;
        double sec = strtod(buf, &end);
        if (end != buf && *end == '\0' && sec >= 0 && isfinite(sec)) {
            s->retry_after = sec;
        } else {
            time_t when = curl_getdate(buf, NULL);
            if (when != -1) {
                double d = difftime(when, time(NULL));
                s->retry_after = d > 0 ? d : 0;
            }
        }
    }
    return k;
}

/* libcurl says which sockets to watch for what. */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)e;
    llm_http *h = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(h->epfd, EPOLL_CTL_DEL, fd, NULL);
        return 0;
    }
    struct epoll_event ev = {0};
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    if (!socketp) {
        if (epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev) != 0 && epoll_ctl(h->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
            return -1;
        curl_multi_assign(h->multi, fd, h);
    } else if (epoll_ctl(h->epfd, EPOLL_CTL_MOD, fd, &ev) != 0 &&
               epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        return -1;
    }
    return 0;
}

/* libcurl says when it next needs a timeout action (connect and transfer
 * time limits, and "now" after a transfer is added). */
static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
    (void)m;
    llm_http *h = userp;
    h->timer_due = timeout_ms < 0 ? -1 : llm_now() + (double)timeout_ms / 1000.0;
    return 0;
}

static int setup_slot(llm_http *h, llm_slot *s)
{
    s->easy = curl_easy_init();
    if (!s->easy)
        return -1;
    CURL *e = s->easy;
    long connect_ms = h->timeout_ms < 30000 ? h->timeout_ms : 30000;
    int bad = 0;
    bad |= curl_easy_setopt(e, CURLOPT_URL, h->url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, h->headers) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, s) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_HEADERDATA, s) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PRIVATE, s) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, h->timeout_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK;
    return bad ? -1 : 0;
}

llm_http *llm_http_open(const sm_llm_options *o, const char *api_key, sm_llm_stats *stats, sm_error *err)
{
    if (!curl_ready) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            sm_fail(err, "", 0, "libcurl cannot start");
            return NULL;
        }
        curl_ready = 1;
    }
    const char *base = o->api_base;
    size_t blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    if (blen < 8 || (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0)) {
        sm_fail(err, "", 0, "--api-base '%s': need an http:// or https:// URL such as http://localhost:8000/v1",
                base);
        return NULL;
    }
    llm_http *h = calloc(1, sizeof *h);
    if (!h)
        goto oom;
    h->epfd = -1;
    h->stats = stats;
    h->jobs = o->jobs > 0 ? o->jobs : 1;
    h->timeout_ms = (long)(o->timeout * 1000 + 0.5);
    if (h->timeout_ms < 1)
        h->timeout_ms = 1;
    h->retries = o->retries >= 0 ? o->retries : 0;
    h->rng = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 0x9E3779B97F4A7C15ull;
    h->url = malloc(blen + sizeof "/chat/completions");
    if (!h->url)
        goto oom;
    memcpy(h->url, base, blen);
    memcpy(h->url + blen, "/chat/completions", sizeof "/chat/completions");

    const char *fixed[] = {"Content-Type: application/json", "Accept: application/json", "Expect:",
                           "User-Agent: storymovie/0.1"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        struct curl_slist *l = curl_slist_append(h->headers, fixed[i]);
        if (!l)
            goto oom;
        h->headers = l;
    }
    if (api_key && *api_key) {
        size_t n = strlen(api_key) + sizeof "Authorization: Bearer ";
        char *auth = malloc(n);
        if (!auth)
            goto oom;
        snprintf(auth, n, "Authorization: Bearer %s", api_key);
        struct curl_slist *l = curl_slist_append(h->headers, auth);
        OPENSSL_cleanse(auth, n);
        free(auth);
        if (!l)
            goto oom;
        h->headers = l;
    }
    h->timer_due = -1;
    h->epfd = epoll_create1(EPOLL_CLOEXEC);
    h->multi = curl_multi_init();
    h->slots = calloc((size_t)h->jobs, sizeof *h->slots);
    if (!h->multi || !h->slots || h->epfd < 0)
        goto oom;
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, h->jobs + 4);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
    for (long i = 0; i < h->jobs; i++)
        if (setup_slot(h, &h->slots[i]))
            goto oom;
    return h;
oom:
    llm_http_close(h);
    sm_fail(err, "", 0, "cannot set up the HTTP client (out of memory)");
    return NULL;
}

int llm_http_add(llm_http *h, sm_llm_request *r)
{
    llm_job *j = calloc(1, sizeof *j);
    if (!j)
        return -1;
    j->req = r;
    if (h->wait_tail)
        h->wait_tail->next = j;
    else
        h->wait_head = j;
    h->wait_tail = j;
    h->n_wait++;
    return 0;
}

static llm_job *take_due_retry(llm_http *h, double now)
{
    for (llm_job **p = &h->retry; *p; p = &(*p)->next)
        if ((*p)->not_before <= now) {
            llm_job *j = *p;
            *p = j->next;
            j->next = NULL;
            h->n_retry--;
            return j;
        }
    return NULL;
}

static llm_job *take_waiting(llm_http *h)
{
    llm_job *j = h->wait_head;
    if (j) {
        h->wait_head = j->next;
        if (!h->wait_head)
            h->wait_tail = NULL;
        j->next = NULL;
        h->n_wait--;
    }
    return j;
}

static int start(llm_http *h, llm_slot *s, llm_job *j, sm_error *err)
{
    s->job = j;
    s->resp.len = 0;
    s->retry_after = -1;
    s->too_large = 0;
    s->errbuf[0] = '\0';
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)j->req->body_len);
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, j->req->body);
    if (curl_multi_add_handle(h->multi, s->easy) != CURLM_OK)
        return sm_fail(err, "", 0, "libcurl cannot start a transfer");
    if (j->attempts == 0)
        h->stats->sent++;
    else
        h->stats->retries++;
    j->attempts++;
    h->in_flight++;
    if (h->in_flight > h->stats->peak_in_flight)
        h->stats->peak_in_flight = h->in_flight;
    return 0;
}

static int start_transfers(llm_http *h, sm_error *err)
{
    double now = -1;
    for (long i = 0; i < h->jobs && (h->n_wait || h->n_retry); i++) {
        llm_slot *s = &h->slots[i];
        if (s->job)
            continue;
        llm_job *j = NULL;
        if (h->n_retry) {
            if (now < 0)
                now = llm_now();
            j = take_due_retry(h, now);
        }
        if (!j)
            j = take_waiting(h);
        if (!j)
            break;
        if (start(h, s, j, err))
            return -1;
    }
    return 0;
}

static void schedule_retry(llm_http *h, llm_job *j, double retry_after)
{
    double delay;
    if (retry_after >= 0) {
        delay = retry_after < LLM_MAX_RETRY_AFTER ? retry_after : LLM_MAX_RETRY_AFTER;
    } else {
        double base = 0.5 * pow(2.0, j->attempts - 1);
        if (base > 8.0)
            base = 8.0;
        delay = base * (0.5 + 0.5 * jitter01(h));
    }
    j->not_before = llm_now() + delay;
    j->next = h->retry;
    h->retry = j;
    h->n_retry++;
}

static int retryable_status(long st) { return st == 408 || st == 409 || st == 429 || st >= 500; }

/* Transport errors that another attempt cannot mend. */
static int hopeless(CURLcode rc)
{
    switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_WRITE_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_LOGIN_DENIED:
        return 1;
    default:
        return 0;
    }
}

static int unreachable(CURLcode rc)
{
    return rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
           rc == CURLE_COULDNT_RESOLVE_PROXY;
}

static char *transport_message(llm_http *h, llm_slot *s, CURLcode rc, int attempts)
{
    char buf[700];
    const char *what = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
    if (s->too_large)
        snprintf(buf, sizeof buf, "the answer is larger than %zu MB", LLM_MAX_RESPONSE >> 20);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(buf, sizeof buf, "no answer within --timeout %g s (%d attempt%s)", h->timeout_ms / 1000.0,
                 attempts, attempts == 1 ? "" : "s");
    else if (unreachable(rc) || hopeless(rc))
        snprintf(buf, sizeof buf, "cannot reach the model server at %s: %s (%d attempt%s)", h->url, what,
                 attempts, attempts == 1 ? "" : "s");
    else
        snprintf(buf, sizeof buf, "connection failed: %s (%d attempt%s)", what, attempts,
                 attempts == 1 ? "" : "s");
    char *m = strdup(buf);
    llm_one_line(m, 600);
    return m;
}

/* A transfer ended: try again, or hand the request on. */
static void finish(llm_http *h, llm_slot *s, CURLcode rc, llm_http_done done, void *ctx)
{
    llm_job *j = s->job;
    long status = 0;
    double total = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(s->easy, CURLINFO_TOTAL_TIME, &total);
    curl_multi_remove_handle(h->multi, s->easy);
    s->job = NULL;
    h->in_flight--;

    int more = j->attempts <= h->retries;
    if (rc != CURLE_OK) {
        if (more && !hopeless(rc)) {
            schedule_retry(h, j, -1);
            return;
        }
    } else if (retryable_status(status) && more) {
        schedule_retry(h, j, s->retry_after);
        return;
    }
    llm_http_result res = {0};
    res.attempts = j->attempts;
    res.latency = total;
    if (rc != CURLE_OK) {
        res.message = transport_message(h, s, rc, j->attempts);
        res.fatal = unreachable(rc) || (hopeless(rc) && !s->too_large && rc != CURLE_WRITE_ERROR);
    } else {
        res.http_status = status;
        res.fatal = status == 401 || status == 403 || status == 404;
        if (s->resp.len) {
            res.body = s->resp.data;
            res.body_len = s->resp.len;
            s->resp.data = NULL;
            s->resp.len = s->resp.cap = 0;
        }
    }
    sm_llm_request *r = j->req;
    free(j);
    done(ctx, r, &res);
    free(res.body);
    free(res.message);
}

static int drain(llm_http *h, llm_http_done done, void *ctx)
{
    int finished = 0, left;
    CURLMsg *m;
    while ((m = curl_multi_info_read(h->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        char *priv = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
        CURLcode rc = m->data.result;
        finish(h, (llm_slot *)priv, rc, done, ctx);
        finished++;
    }
    return finished;
}

int llm_http_step(llm_http *h, int wait_ms, llm_http_done done, void *ctx, sm_error *err)
{
    int running;
    if (start_transfers(h, err))
        return -1;
    /* Sleep until a socket is ready, libcurl's timer or a retry is due, or
     * wait_ms has passed. */
    double now = llm_now(), until = wait_ms / 1000.0;
    if (h->timer_due >= 0 && h->timer_due - now < until)
        until = h->timer_due - now;
    for (llm_job *j = h->retry; j; j = j->next)
        if (j->not_before - now < until)
            until = j->not_before - now;
    int ms = until <= 0 ? 0 : (int)(until * 1000) + 1;
    struct epoll_event ev[64];
    int n = epoll_wait(h->epfd, ev, 64, ms);
    for (int i = 0; i < n; i++) {
        int flags = (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) | (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                    (ev[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
        if (curl_multi_socket_action(h->multi, ev[i].data.fd, flags, &running) != CURLM_OK)
            return sm_fail(err, "", 0, "libcurl failed");
    }
    if (h->timer_due >= 0 && llm_now() >= h->timer_due) {
        h->timer_due = -1;
        if (curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running) != CURLM_OK)
            return sm_fail(err, "", 0, "libcurl failed");
    }
    drain(h, done, ctx);
    return start_transfers(h, err);
}

static void free_jobs(llm_job *j)
{
    while (j) {
        llm_job *next = j->next;
        sm_llm_request_free(j->req);
        free(j);
        j = next;
    }
}

void llm_http_close(llm_http *h)
{
    if (!h)
        return;
    for (long i = 0; h->slots && i < h->jobs; i++) {
        llm_slot *s = &h->slots[i];
        if (s->job) {
            curl_multi_remove_handle(h->multi, s->easy);
            free_jobs(s->job);
        }
        if (s->easy)
            curl_easy_cleanup(s->easy);
        llm_buf_free(&s->resp);
    }
    free(h->slots);
    free_jobs(h->wait_head);
    free_jobs(h->retry);
    if (h->multi)
        curl_multi_cleanup(h->multi);
    if (h->epfd >= 0)
        close(h->epfd);
    for (struct curl_slist *l = h->headers; l; l = l->next)
        OPENSSL_cleanse(l->data, strlen(l->data));
    curl_slist_free_all(h->headers);
    free(h->url);
    free(h);
}
