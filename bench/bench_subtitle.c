/* bench_subtitle.c - subtitle parse throughput.
 *
 * usage: bench_subtitle [DATA_DIR_OR_FILE]
 * (default: $SM_SHARED_DATA, else the build's configured data directory,
 * ../shared/data, ../../shared/data)
 *
 * Finds the largest subtitle file (.srt .vtt .ass .ssa) under the data
 * directory and prints MB/s (input bytes, 10^6 per MB, one core) for
 *   decode+parse  sm_text_decode + sm_subtitles_parse, as a file is read
 *   parse only    sm_subtitles_parse on the decoded UTF-8
 * first on that file, then on a synthetic ~50 MB file made by repeating
 * its decoded text.  Each figure is given against wall-clock time and
 * against the process's CPU time (user + system): on a shared machine the
 * second is the one that measures the code.  Prints figures only; nothing
 * is asserted. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "storymovie/subtitle.h"
#include "storymovie/text.h"
#include "storymovie/io.h"

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static double now(void) { return clock_s(CLOCK_MONOTONIC); }
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static int is_subtitle(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcmp(dot, ".srt") || !strcmp(dot, ".vtt") || !strcmp(dot, ".ass") || !strcmp(dot, ".ssa"));
}

static void find_largest(const char *dir, char *best, size_t best_size, off_t *best_len, int depth)
{
    if (depth > 8)
        return;
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            find_largest(path, best, best_size, best_len, depth + 1);
        else if (S_ISREG(st.st_mode) && is_subtitle(e->d_name) && st.st_size > *best_len) {
            *best_len = st.st_size;
            snprintf(best, best_size, "%s", path);
        }
    }
    closedir(d);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(n > 0 ? (size_t)n : 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Run one measurement for at least ~0.5 s; returns wall-clock MB/s and
 * sets *cpu_mbs to MB/s of process CPU time (user + system), which stays
 * meaningful on a shared, loaded machine. */
static double measure(const char *label, const unsigned char *raw, size_t raw_len,
                      const char *utf8, size_t utf8_len, int with_decode, size_t *segments,
                      double *cpu_mbs)
{
    size_t bytes = with_decode ? raw_len : utf8_len;
    double t0 = now(), c0 = cpu_now(), elapsed = 0;
    long runs = 0;
    do {
        sm_error err;
        sm_subtitles s;
        int rc;
        if (with_decode) {
            sm_text t;
            rc = sm_text_decode(label, raw, raw_len, &t, &err);
            if (rc == 0) {
                rc = sm_subtitles_parse(label, t.data, t.len, &s, &err);
                sm_text_free(&t);
            }
        } else {
            rc = sm_subtitles_parse(label, utf8, utf8_len, &s, &err);
        }
        if (rc) {
            char buf[1200];
            sm_error_format(&err, buf, sizeof buf);
            fprintf(stderr, "bench_subtitle: %s\n", buf);
            exit(1);
        }
        *segments = s.n_segments;
        sm_subtitles_free(&s);
        runs++;
        elapsed = now() - t0;
    } while (elapsed < 0.5 || runs < 3);
    double cpu = cpu_now() - c0;
    *cpu_mbs = cpu > 0 ? (double)bytes * (double)runs / cpu / 1e6 : 0;
    return (double)bytes * (double)runs / elapsed / 1e6;
}

int main(int argc, char **argv)
{
    sm_process_init();   /* as the storymovie command does */
    const char *where = argc > 1 ? argv[1] : getenv("SM_SHARED_DATA");
    const char *fallbacks[] = {SM_SHARED_DATA, "../shared/data", "../../shared/data", "../../../shared/data"};
    struct stat st;
    char best[4096] = "";
    off_t best_len = 0;
    if (where && stat(where, &st) == 0 && S_ISREG(st.st_mode))
        snprintf(best, sizeof best, "%s", where);
    else if (where)
        find_largest(where, best, sizeof best, &best_len, 0);
    for (size_t i = 0; !best[0] && !where && i < sizeof fallbacks / sizeof fallbacks[0]; i++)
        find_largest(fallbacks[i], best, sizeof best, &best_len, 0);
    if (!best[0]) {
        fprintf(stderr, "bench_subtitle: no subtitle file found (give a data directory or set SM_SHARED_DATA)\n");
        return 1;
    }

    size_t raw_len;
    unsigned char *raw = slurp(best, &raw_len);
    sm_text text;
    sm_error err;
    if (!raw || sm_text_decode(best, raw, raw_len, &text, &err)) {
        fprintf(stderr, "bench_subtitle: cannot read %s\n", best);
        return 1;
    }
    size_t segs = 0;
    printf("file: %s (%zu bytes, %s)\n", best, raw_len, text.encoding);
    double ca, cb;
    double a = measure(best, raw, raw_len, NULL, 0, 1, &segs, &ca);
    double b = measure(best, NULL, 0, text.data, text.len, 0, &segs, &cb);
    printf("  decode+parse: %8.1f MB/s wall  %8.1f MB/s cpu\n"
           "  parse only:   %8.1f MB/s wall  %8.1f MB/s cpu   (%zu segments)\n", a, ca, b, cb, segs);

    /* Synthetic: the decoded text repeated to >= 50 MB, blank line between copies. */
    size_t target = 50u * 1000u * 1000u;
    size_t copies = target / (text.len + 2) + 1;
    size_t big_len = copies * (text.len + 2);
    char *big = malloc(big_len + 1);
    if (!big)
        return 1;
    for (size_t i = 0; i < copies; i++) {
        memcpy(big + i * (text.len + 2), text.data, text.len);
        memcpy(big + i * (text.len + 2) + text.len, "\n\n", 2);
    }
    big[big_len] = '\0';
    printf("synthetic: %zu copies, %.1f MB\n", copies, (double)big_len / 1e6);
    a = measure("synthetic", (const unsigned char *)big, big_len, NULL, 0, 1, &segs, &ca);
    b = measure("synthetic", NULL, 0, big, big_len, 0, &segs, &cb);
    printf("  decode+parse: %8.1f MB/s wall  %8.1f MB/s cpu\n"
           "  parse only:   %8.1f MB/s wall  %8.1f MB/s cpu   (%zu segments)\n", a, ca, b, cb, segs);
    free(big);
    sm_text_free(&text);
    free(raw);
    return 0;
}
