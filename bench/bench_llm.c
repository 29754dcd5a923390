/* bench_llm.c - the LLM layer's figures (printed; nothing is asserted).
 *
 *   bench_llm [REQUESTS [PART]]   (default 960 live requests; PART: live,
 *                                  images, rerun or out to run one part)
 *
 * Against the local test server (tests/llm_server.py on 127.0.0.1) with
 * answers that take 100 ms:
 *   1. throughput with -j 32, as a share of the ideal 32 / 0.1 s = 320/s;
 *   2. the client's own CPU time per request (user + system of this
 *      process, no images: building the body, HTTP, reading the answer,
 *      committing it to the cache);
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
    *cpu_per_body = (cpu_seconds() - c0) / n;
    return rs;
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

/* The floor on this machine: a bare libcurl request (curl_easy_perform, one
 * at a time, kept-alive connection, the same bodies, the answer thrown
 * away: no reading, no cache) against a server that answers at once. */
static double bare_libcurl(sm_llm_request **rs, int n)
{
    int port;
    if (start_server(0, &port))
        return -1;
    char url[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/chat/completions", port);
    CURL *e = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Expect:");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    double c0 = 0;
    for (int i = 0; i < n; i++) {
        if (i == 16)
            c0 = cpu_seconds();   /* after the connection is up */
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rs[i]->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, rs[i]->body);
        curl_easy_perform(e);
    }
    double cpu = cpu_seconds() - c0;
    curl_easy_cleanup(e);
    curl_slist_free_all(h);
    stop_server();
    return cpu / (n - 16);
}

static void live(int n)
{
    int port;
    if (start_server(0.1, &port)) {
        printf("llm: no python3 for the local server: live figures skipped\n");
        return;
    }
    char base[64], cache[128];
    snprintf(base, sizeof base, "http://127.0.0.1:%d/v1", port);
    snprintf(cache, sizeof cache, "%s/live.sqlite", dir);
    sm_llm_options o;
    sm_llm_options_init(&o);
    o.api_base = base;
    o.jobs = 32;
    o.timeout = 60;
    o.cache = cache;
    o.quiet = 1;
    sm_error err;
    /* warm up: connections open, the server's threads started */
    sm_llm *llm = sm_llm_open(&o, &err);
    long failed = 0;
    if (!llm || run(llm, 64, NULL, &failed) < 0) {
        fprintf(stderr, "bench_llm: %s\n", llm ? "warm-up failed" : err.message);
        stop_server();
        exit(1);
    }
    sm_llm_close(llm, &err);
    unlink(cache);

    double per_body;
    sm_llm_request **rs = prebuild(n, &per_body);
    llm = sm_llm_open(&o, &err);
    double t0 = now(), c0 = cpu_seconds(), u0 = user_seconds();
    int got = run(llm, n, rs, &failed);
    double wall = now() - t0, cpu = cpu_seconds() - c0, user = user_seconds() - u0;
    free(rs);
    const sm_llm_stats *s = sm_llm_get_stats(llm);
    printf("llm: -j 32 against 100 ms answers: %d requests in %.2f s = %.1f/s, %.1f%% of the ideal 320/s "
           "(peak %d in flight, %ld failed)\n",
           got, wall, got / wall, 100.0 * got / wall / 320.0, s->peak_in_flight, failed);
    double per_request = cpu / got;
    printf("llm: client CPU per request (HTTP, reading the answer, cache commit; no images): %.0f us "
           "(%.0f user + %.0f system; %.3f s / %d)\n",
           cpu / got * 1e6, user / got * 1e6, (cpu - user) / got * 1e6, cpu, got);
    printf("llm: building one 10 KB request body (JSON + SHA-256 + custom_id), the caller's part: %.0f us\n",
           per_body * 1e6);
    sm_llm_close(llm, &err);

    /* the same without the cache, to show what the per-answer commit costs */
    o.cache = NULL;
    rs = prebuild(n, &per_body);
    llm = sm_llm_open(&o, &err);
    c0 = cpu_seconds();
    u0 = user_seconds();
    got = run(llm, n, rs, &failed);
    cpu = cpu_seconds() - c0;
    user = user_seconds() - u0;
    free(rs);
    double with_cache = per_request;
    per_request = cpu / got;
    printf("llm: client CPU per request without the cache: %.0f us (%.0f user + %.0f system)\n", cpu / got * 1e6,
           user / got * 1e6, (cpu - user) / got * 1e6);
    sm_llm_close(llm, &err);
    stop_server();

    rs = prebuild(400, &per_body);
    double floor = bare_libcurl(rs, 400);
    for (int i = 0; i < 400; i++)
        sm_llm_request_free(rs[i]);
    free(rs);
    if (floor > 0) {
        printf("llm: the floor on this machine, a bare libcurl request (curl_easy_perform, same bodies, answer "
               "discarded): %.0f us\n", floor * 1e6);
        /* the share that is the layer's own: N in flight over epoll, reading
         * the answer, the cache (lookup + commit) */
        printf("llm: the layer's own CPU per request above that floor: %.0f us with the cache, %.0f without\n",
               (with_cache - floor) * 1e6, (per_request - floor) * 1e6);
    }
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
