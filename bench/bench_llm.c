/* bench_llm.c - the LLM layer's figures (printed; nothing is asserted).
 *
 *   bench_llm [REQUESTS [PART]]   (default 960 live requests; PART: live,
 *                                  images, rerun or out to run one part)
 *
 * Against the local test server (tests/llm_server.py on 127.0.0.1):
 *   1. with answers that take 100 ms, throughput with -j 32, as a share of
 *      the ideal 32 / 0.1 s = 320/s;
 *   2. the client's own CPU time per request (user + system of this
 *      process, no images: HTTP, reading the answer, the cache), with and
 *      without the cache, in two settings: -j 32 against 100 ms answers,
 *      and -j 1 against a server that answers at once (no idle waits, so
 *      what is left is each request's own work).  Each beside its floor,
 *      measured in the same run: bare libcurl sending the same bodies to the
 *      same server and throwing the answers away (the multi interface over
 *      epoll with 32 in flight; curl_easy_perform one at a time), and the
 *      layer's own CPU above it.  Medians of 5 rounds, interleaved;
 * and without a server:
 *   3. base64 of frames (OpenSSL), alone and as whole data-URL bodies;
 *   4. a rerun of 2,000 cached answers (build the bodies, look them up,
 *      read them);
 *   5. --requests-out for 2,000 requests with --images file (16 frames each).
 * Realistic bodies: a system prompt, ~6 KB of chain of thought and ~4 KB of
 * script context per request, as `generate ground` will send. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "storymovie/llm.h"
#include "../tests/llm_server_spawn.h"

static char dir[64];
static char prompt[12000];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double user_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6;
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec * 1e-6;
}

static void make_prompt(void)
{
    /* ~10 KB: chain-of-thought tables and script context, like a ground request */
    size_t n = 0;
    for (int i = 0; n + 200 < sizeof prompt; i++)
        n += (size_t)snprintf(prompt + n, sizeof prompt - n,
                              "| char%d | Martha Hale | A woman in a grey coat | Worried | Opens the door | "
                              "Protagonist | %d,%d,%d,%d |\nMARTHA (V.O.): \"Who's there?\" (cue %d)\n",
                              i % 9 + 1, 20 + i, 30 + i, 200 + i, 300 + i, i);
}

static sm_llm_request *request(int i, const sm_llm_part *frames, size_t n_frames, sm_llm_images images)
{
    sm_llm_params p = {0};
    p.model = "Qwen/Qwen2.5-VL-7B-Instruct";
    p.has_temperature = 1;
    p.temperature = 0.3;
    p.max_tokens = 4096;
    p.images = images;
    sm_error err;
    sm_llm_body *b = sm_llm_body_new(&p);
    char story[32];
    snprintf(story, sizeof story, "tt0071315_%d", i);
    sm_llm_body_text(b, "system", "You rewrite visual stories with the real names and dialogue.", &err);
    if (n_frames) {
        sm_llm_part parts[24];
        memcpy(parts, frames, n_frames * sizeof *parts);
        parts[n_frames].text = prompt;
        parts[n_frames].image = NULL;
        if (sm_llm_body_message(b, "user", parts, n_frames + 1, &err)) {
            fprintf(stderr, "bench_llm: %s: %s\n", err.file, err.message);
            exit(1);
        }
    } else {
        char text[sizeof prompt + 64];
        snprintf(text, sizeof text, "Story %d.\n%s", i, prompt);
        sm_llm_body_text(b, "user", text, &err);
    }
    sm_llm_request *r = sm_llm_request_new(b, "ground", story, NULL, &err);
    if (!r) {
        fprintf(stderr, "bench_llm: %s\n", err.message);
        exit(1);
    }
    return r;
}

/* Submit n requests (at most `jobs` waiting) and take every answer.  With
 * prebuilt, the bodies are taken from there (built before the clock ran). */
static int run(sm_llm *llm, int n, sm_llm_request **prebuilt, long *failed)
{
    int next = 0, got = 0;
    sm_error err;
    for (;;) {
        while (next < n && sm_llm_wants_more(llm)) {
            sm_llm_request *r = prebuilt ? prebuilt[next] : request(next, NULL, 0, SM_LLM_IMAGES_NONE);
            next++;
            if (sm_llm_submit(llm, r, &err))
                goto fatal;
        }
        sm_llm_answer *a;
        int rc = sm_llm_next(llm, &a, &err);
        if (rc < 0)
            goto fatal;
        if (rc == 0) {
            if (next < n)
                continue;
            return got;
        }
        if (a->status != SM_LLM_OK)
            (*failed)++;
        got++;
        sm_llm_answer_free(a);
    }
fatal:
    fprintf(stderr, "bench_llm: %s\n", err.message);
    return -1;
}

static sm_llm_request **prebuild(int n, double *cpu_per_body)
{
    sm_llm_request **rs = malloc((size_t)n * sizeof *rs);
    double c0 = cpu_seconds();
    for (int i = 0; i < n; i++)
        rs[i] = request(i, NULL, 0, SM_LLM_IMAGES_NONE);
    if (cpu_per_body)
        *cpu_per_body = (cpu_seconds() - c0) / n;
    return rs;
}

static void free_requests(sm_llm_request **rs, int n)
{
    for (int i = 0; i < n; i++)
        sm_llm_request_free(rs[i]);
    free(rs);
}

static pid_t server;

static int start_server(double delay, int *port)
{
    char d[32];
    snprintf(d, sizeof d, "%g", delay);
    server = llm_server_start(dir, d, port);
    return server > 0 ? 0 : -1;
}

static void stop_server(void)
{
    llm_server_stop(server);
    server = 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return size * n;
}

/* CPU seconds per request of one measured run. */
typedef struct {
    double cpu, user;
} cost;

static cost per_request(double c0, double u0, int n)
{
    cost c = {(cpu_seconds() - c0) / n, (user_seconds() - u0) / n};
    return c;
}

/* The floors: bare libcurl, the same bodies to the same server, the answers
 * thrown away (no reading, no cache): what libcurl and the kernel cost
 * before the layer does anything of its own.
 *
 * With one request at a time: curl_easy_perform on one kept-alive handle. */
static cost bare_easy(sm_llm_request **rs, int n, int port)
{
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat/completions", port);
    CURL *e = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    double c0 = 0, u0 = 0;
    for (int i = 0; i < n; i++) {
        if (i == 16) {   /* after the connection is up */
            c0 = cpu_seconds();
            u0 = user_seconds();
        }
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rs[i]->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, rs[i]->body);
        curl_easy_perform(e);
    }
    cost c = per_request(c0, u0, n - 16);
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
    return c;
}

/* With many in flight: the multi interface driven as the client drives it
 * (curl_multi_socket_action over epoll; libcurl's own curl_multi_poll loop
 * costs several times more with 32 transfers). */
typedef struct {
    int epfd;
    long timeout_ms;
} bare_loop;

static int bare_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    (void)e;
    (void)socketp;
    bare_loop *l = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
        return 0;
    }
    struct epoll_event ev = {0};
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
        epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

static int bare_timer(CURLM *m, long timeout_ms, void *userp)
{
    (void)m;
    ((bare_loop *)userp)->timeout_ms = timeout_ms;
    return 0;
}

static void bare_start(CURLM *m, CURL *e, sm_llm_request *r)
{
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    curl_multi_add_handle(m, e);
}

static cost bare_multi(sm_llm_request **rs, int n, int port, int jobs)
{
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat/completions", port);
    bare_loop l = {epoll_create1(0), -1};
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, bare_socket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, &l);
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, bare_timer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, &l);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    CURL **easy = calloc((size_t)jobs, sizeof *easy);
    int next = 0, done = 0, running = 0;
    double c0 = cpu_seconds(), u0 = user_seconds();
    for (int k = 0; k < jobs && next < n; k++) {
        easy[k] = curl_easy_init();
        curl_easy_setopt(easy[k], CURLOPT_URL, url);
        curl_easy_setopt(easy[k], CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(easy[k], CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(easy[k], CURLOPT_NOSIGNAL, 1L);
        bare_start(m, easy[k], rs[next++]);
    }
    while (done < n) {
        struct epoll_event ev[64];
        int k = epoll_wait(l.epfd, ev, 64, l.timeout_ms < 0 ? 1000 : (int)l.timeout_ms);
        if (k == 0) {
            l.timeout_ms = -1;   /* spent: libcurl sets another if it needs one */
            curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        for (int i = 0; i < k; i++)
            curl_multi_socket_action(m, ev[i].data.fd,
                                     (ev[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                                         (ev[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0),
                                     &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_multi_remove_handle(m, msg->easy_handle);
            done++;
            if (next < n)
                bare_start(m, msg->easy_handle, rs[next++]);
        }
    }
    cost c = per_request(c0, u0, n);
    for (int k = 0; k < jobs; k++)
        curl_easy_cleanup(easy[k]);
    free(easy);
    curl_multi_cleanup(m);
    curl_slist_free_all(h);
    close(l.epfd);
    return c;
}

/* The layer: n prebuilt requests through sm_llm (live client, answers read,
 * with or without the cache), `jobs` at a time. */
static cost layer(int port, int jobs, int with_cache, int n, double *wall, int *peak)
{
    char base[64], cache[128];
    snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
    snprintf(cache, sizeof cache, "%s/live.sqlite", dir);
    unlink(cache);
    sm_llm_options o;
    sm_llm_options_init(&o);
    o.api_base = base;
    o.jobs = jobs;
    o.timeout = 60;
    o.cache = with_cache ? cache : NULL;
    o.quiet = 1;
    sm_error err;
    sm_llm_request **rs = prebuild(n, NULL);
    sm_llm *llm = sm_llm_open(&o, &err);
    if (!llm) {
        fprintf(stderr, "bench_llm: %s\n", err.message);
        exit(1);
    }
    long failed = 0;
    double t0 = now(), c0 = cpu_seconds(), u0 = user_seconds();
    int got = run(llm, n, rs, &failed);
    cost c = per_request(c0, u0, got > 0 ? got : 1);
    if (wall)
        *wall = now() - t0;
    if (peak)
        *peak = sm_llm_get_stats(llm)->peak_in_flight;
    free(rs);   /* the requests are the layer's once submitted */
    sm_llm_close(llm, &err);
    unlink(cache);
    if (got != n || failed) {
        fprintf(stderr, "bench_llm: %d of %d answered, %ld failed\n", got, n, failed);
        exit(1);
    }
    return c;
}

static int by_cpu(const void *a, const void *b)
{
    double x = ((const cost *)a)->cpu, y = ((const cost *)b)->cpu;
    return (x > y) - (x < y);
}

enum { ROUNDS = 5 };

static cost median(cost *c)
{
    qsort(c, ROUNDS, sizeof *c, by_cpu);
    return c[ROUNDS / 2];
}

static void print_costs(const char *what, cost cached, cost uncached, cost floor, const char *floor_name)
{
    printf("llm: client CPU per request, %s: %.0f us with the cache (%.0f user + %.0f system), %.0f us without "
           "(%.0f + %.0f)\n",
           what, cached.cpu * 1e6, cached.user * 1e6, (cached.cpu - cached.user) * 1e6, uncached.cpu * 1e6,
           uncached.user * 1e6, (uncached.cpu - uncached.user) * 1e6);
    printf("llm:   the floor, %s: %.0f us (%.0f + %.0f); the layer's own CPU above it: %.0f us with the cache, "
           "%.0f without\n",
           floor_name, floor.cpu * 1e6, floor.user * 1e6, (floor.cpu - floor.user) * 1e6,
           (cached.cpu - floor.cpu) * 1e6, (uncached.cpu - floor.cpu) * 1e6);
}

/* Each configuration runs ROUNDS times, interleaved with the others, and the
 * median is printed: the machine is shared and one run can be off by a
 * fifth. */
static void live(int n)
{
    int port;
    if (start_server(0.1, &port)) {
        printf("llm: no python3 for the local server: live figures skipped\n");
        return;
    }
    /* warm up: connections open, the server's threads started */
    layer(port, 32, 0, 64, NULL, NULL);

    cost c_cached[ROUNDS], c_plain[ROUNDS], c_floor[ROUNDS];
    double wall = 0, best = 1e9;
    int peak = 0;
    for (int r = 0; r < ROUNDS; r++) {
        c_cached[r] = layer(port, 32, 1, n, &wall, &peak);
        if (wall < best)
            best = wall;
        c_plain[r] = layer(port, 32, 0, n, NULL, NULL);
        sm_llm_request **rs = prebuild(n, NULL);
        c_floor[r] = bare_multi(rs, n, port, 32);
        free_requests(rs, n);
    }
    printf("llm: -j 32 against 100 ms answers: %d requests in %.2f s = %.1f/s, %.1f%% of the ideal 320/s "
           "(peak %d in flight; best of %d, with the cache)\n",
           n, best, n / best, 100.0 * n / best / 320.0, peak, ROUNDS);
    print_costs("-j 32, 100 ms answers", median(c_cached), median(c_plain), median(c_floor),
                "bare libcurl multi over epoll, 32 in flight");
    stop_server();

    /* One at a time against a server that answers at once: no idle waits
     * between answers, so what is left is the work of each request. */
    if (start_server(0, &port))
        return;
    int m = n < 400 ? n : 400;
    layer(port, 1, 0, 32, NULL, NULL);
    for (int r = 0; r < ROUNDS; r++) {
        c_cached[r] = layer(port, 1, 1, m, NULL, NULL);
        c_plain[r] = layer(port, 1, 0, m, NULL, NULL);
        sm_llm_request **rs = prebuild(m, NULL);
        c_floor[r] = bare_easy(rs, m, port);
        free_requests(rs, m);
    }
    print_costs("-j 1, instant answers", median(c_cached), median(c_plain), median(c_floor),
                "bare libcurl easy, one kept-alive handle");
    stop_server();

    double per_body;
    sm_llm_request **rs = prebuild(200, &per_body);
    free_requests(rs, 200);
    printf("llm: building one 10 KB request body (JSON + SHA-256 + custom_id), the caller's part: %.0f us\n",
           per_body * 1e6);
}

static void write_frames(char paths[][128], int n, size_t size)
{
    unsigned char *jpeg = malloc(size);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < size; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        jpeg[i] = (unsigned char)x;
    }
    jpeg[0] = 0xFF;
    jpeg[1] = 0xD8;
    jpeg[2] = 0xFF;
    for (int i = 0; i < n; i++) {
        snprintf(paths[i], 128, "%s/shot_%04d_img_1.jpg", dir, i);
        FILE *f = fopen(paths[i], "wb");
        fwrite(jpeg, 1, size, f);
        fclose(f);
    }
    free(jpeg);
}

static void images(char paths[][128])
{
    /* base64 alone, on a frame-sized buffer */
    size_t size = 150 * 1024;
    unsigned char *in = malloc(size);
    char *out = malloc(sm_llm_base64_len(size) + 1);
    for (size_t i = 0; i < size; i++)
        in[i] = (unsigned char)(i * 2654435761u >> 13);
    int reps = 4000;
    double t0 = now();
    for (int r = 0; r < reps; r++)
        sm_llm_base64(in, size, out);
    double dt = now() - t0;
    printf("llm: base64 of frames (OpenSSL EVP_EncodeBlock): %.0f MB/s\n", (double)size * reps / dt / 1e6);
    free(in);
    free(out);

    /* whole bodies with 16 frames as data URLs: read, encode, JSON, SHA-256 */
    sm_llm_part frames[16];
    for (int i = 0; i < 16; i++) {
        frames[i].text = NULL;
        frames[i].image = paths[i];
    }
    int n = 100;
    t0 = now();
    size_t bytes = 0;
    for (int i = 0; i < n; i++) {
        sm_llm_request *r = request(i, frames, 16, SM_LLM_IMAGES_DATA);
        bytes += r->body_len;
        sm_llm_request_free(r);
    }
    dt = now() - t0;
    printf("llm: request bodies with 16 frames as data URLs (read + base64 + JSON + SHA-256): %.0f MB/s of JPEG "
           "(%d bodies of %.1f MB in %.2f s)\n",
           16.0 * 150 * 1024 * n / dt / 1e6, n, (double)bytes / n / 1e6, dt);
}

static void cached_rerun(int port_unused)
{
    (void)port_unused;
    int n = 2000;
    char cache[128], results[128];
    snprintf(cache, sizeof cache, "%s/rerun.sqlite", dir);
    snprintf(results, sizeof results, "%s/results.jsonl", dir);
    /* fill the cache through the one path: a responses file with 2,000 answers */
    FILE *f = fopen(results, "w");
    for (int i = 0; i < n; i++) {
        sm_llm_request *r = request(i, NULL, 0, SM_LLM_IMAGES_NONE);
        fprintf(f, "{\"id\":\"b%d\",\"custom_id\":\"%s\",\"response\":{\"status_code\":200,\"request_id\":\"r\","
                   "\"body\":{\"id\":\"chatcmpl-%d\",\"object\":\"chat.completion\",\"model\":\"q\",\"choices\":"
                   "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"",
                i, r->custom_id, i);
        for (int k = 0; k < 40; k++)
            fputs("<gdo char1>Martha</gdo> <gda char1>opens</gda> the door and says \\\"Who is it?\\\" ", f);
        fputs("\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":2500,\"completion_tokens\":600}}},"
              "\"error\":null}\n",
              f);
        sm_llm_request_free(r);
    }
    fclose(f);
    sm_llm_options o;
    sm_llm_options_init(&o);
    o.cache = cache;
    o.responses = results;
    o.quiet = 1;
    sm_error err;
    sm_llm *llm = sm_llm_open(&o, &err);
    long failed = 0;
    run(llm, n, NULL, &failed);
    sm_llm_close(llm, &err);

    o.responses = NULL;
    double t0 = now();
    llm = sm_llm_open(&o, &err);
    int got = run(llm, n, NULL, &failed);
    const sm_llm_stats *s = sm_llm_get_stats(llm);
    long cached = s->cached;
    sm_llm_close(llm, &err);
    double dt = now() - t0;
    printf("llm: rerun of %d cached answers (build bodies, look up, read; %ld from the cache): %.3f s\n", got, cached,
           dt);
}

static void requests_out(char paths[][128])
{
    int n = 2000;
    char out[128];
    snprintf(out, sizeof out, "%s/requests.jsonl", dir);
    sm_llm_options o;
    sm_llm_options_init(&o);
    o.requests_out = out;
    o.quiet = 1;
    sm_llm_part frames[16];
    double t0 = now();
    sm_error err;
    sm_llm *llm = sm_llm_open(&o, &err);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < 16; k++) {
            frames[k].text = NULL;
            frames[k].image = paths[(i + k) % 64];
        }
        sm_llm_submit(llm, request(i, frames, 16, SM_LLM_IMAGES_FILE), &err);
        sm_llm_answer *a;
        while (sm_llm_next(llm, &a, &err) == 1)
            sm_llm_answer_free(a);
    }
    sm_llm_close(llm, &err);
    double dt = now() - t0;
    FILE *f = fopen(out, "r");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    printf("llm: --requests-out of %d requests with --images file (16 frames each): %.3f s (%.1f MB written)\n", n,
           dt, size / 1e6);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 960;
    if (n < 64)
        n = 64;
    snprintf(dir, sizeof dir, "/tmp/sm_bench_llm_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    unsetenv("STORYMOVIE_API_KEY");
    make_prompt();
    static char paths[64][128];
    write_frames(paths, 64, 150 * 1024);
    const char *part = argc > 2 ? argv[2] : "all";
    int all = strcmp(part, "all") == 0;
    if (all || !strcmp(part, "live"))
        live(n);
    if (all || !strcmp(part, "images"))
        images(paths);
    if (all || !strcmp(part, "rerun"))
        cached_rerun(0);
    if (all || !strcmp(part, "out"))
        requests_out(paths);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_llm: could not remove %s\n", dir);
    return 0;
}
