/* bench_context.c - how fast context records are read back.
 *
 *   bench_context [FILE]
 *
 * FILE: a context.jsonl (for instance the one bench/bench_build.sh leaves in
 * /tmp/storymovie_bench_out_1000/).  Without a file (or given a directory,
 * as `make bench` passes the data directory) it reads 4,000 records made
 * from the bundled sample's two (tests/golden/build_sample.context.jsonl)
 * under new story ids.  On one core, best of 5, it times:
 *   1. jansson alone: each line parsed into a tree and freed, the floor
 *      any reader built on jansson stands on (the baseline);
 *   2. sm_context_read_buffer: the same bytes into typed records;
 *   3. sm_context_read_file: the same from the file, I/O included;
 *   4. a lookup of every story_id in the index;
 * and prints MB/s, records/s and the reader's time as a ratio to the
 * baseline.  Figures only; nothing is asserted. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "storymovie/context.h"

#define RUNS 5
#define SYNTHETIC 4000

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 20;
    char *buf = malloc(cap + 1);
    *len = 0;
    size_t got;
    while (buf && (got = fread(buf + *len, 1, cap - *len, f)) > 0) {
        *len += got;
        if (*len == cap) {
            char *g = realloc(buf, cap * 2 + 1);
            if (!g) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = g;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[*len] = '\0';
    return buf;
}

/* SYNTHETIC records: the sample's, each under story id "bench_N". */
static char *synthesise(size_t *len)
{
    size_t glen;
    char *golden = read_all(SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl", &glen);
    if (!golden)
        return NULL;
    const char *lines[2];
    size_t n_lines = 0;
    for (char *p = golden; *p && n_lines < 2;) {
        lines[n_lines++] = p;
        char *eol = strchr(p, '\n');
        if (!eol)
            break;
        *eol = '\0';
        p = eol + 1;
    }
    char *out = malloc((glen + 64) * (SYNTHETIC / 2 + 1));
    *len = 0;
    for (size_t i = 0; out && i < SYNTHETIC; i++) {
        const char *rec = lines[i % n_lines];
        const char *id_end = strchr(rec + 13, '"');   /* {"story_id":"…" */
        *len += (size_t)sprintf(out + *len, "{\"story_id\":\"bench_%zu%s\n", i, id_end);
    }
    free(golden);
    return out;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    struct stat st;
    if (argc > 1 && stat(argv[1], &st) == 0 && S_ISREG(st.st_mode))
        path = argv[1];
    size_t len;
    char *text = path ? read_all(path, &len) : synthesise(&len);
    if (!text) {
        fprintf(stderr, "bench_context: cannot read %s\n", path ? path : "the sample's records");
        return 1;
    }
    char tmp[] = "/tmp/bench_context_XXXXXX";
    if (!path) {
        int fd = mkstemp(tmp);
        if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
            fprintf(stderr, "bench_context: cannot write %s\n", tmp);
            return 1;
        }
        close(fd);
    }
    const char *file = path ? path : tmp;

    double best_jansson = 1e9, best_buffer = 1e9, best_file = 1e9, best_find = 1e9;
    size_t records = 0, found = 0;
    for (int run = 0; run < RUNS; run++) {
        double t0 = cpu_now();
        size_t lines = 0;
        for (const char *p = text, *end = text + len; p < end;) {
            const char *eol = memchr(p, '\n', (size_t)(end - p));
            if (!eol)
                eol = end;
            json_t *o = json_loadb(p, (size_t)(eol - p), JSON_REJECT_DUPLICATES, NULL);
            lines += o != NULL;
            json_decref(o);
            p = eol + 1;
        }
        double t1 = cpu_now();
        sm_context_set set;
        sm_error err;
        if (sm_context_read_buffer(file, text, len, &set, &err) != 0) {
            fprintf(stderr, "bench_context: %s:%ld: %s\n", err.file, err.line, err.message);
            return 1;
        }
        double t2 = cpu_now();
        found = 0;
        for (size_t i = 0; i < set.n_items; i++)
            found += sm_context_find(&set, set.items[i].story_id) == &set.items[i];
        double t3 = cpu_now();
        records = set.n_items;
        sm_context_set_free(&set);
        double t4 = cpu_now();
        if (sm_context_read_file(file, &set, &err) != 0) {
            fprintf(stderr, "bench_context: %s:%ld: %s\n", err.file, err.line, err.message);
            return 1;
        }
        double t5 = cpu_now();
        sm_context_set_free(&set);
        if (lines != records)
            fprintf(stderr, "bench_context: jansson read %zu lines, the reader %zu records\n", lines, records);
        if (t1 - t0 < best_jansson) best_jansson = t1 - t0;
        if (t2 - t1 < best_buffer) best_buffer = t2 - t1;
        if (t3 - t2 < best_find) best_find = t3 - t2;
        if (t5 - t4 < best_file) best_file = t5 - t4;
    }
    if (!path)
        unlink(tmp);
    double mb = (double)len / 1e6;
    printf("bench_context: %s: %zu records, %.1f MB (%.1f KB a record), best of %d, one core\n",
           path ? path : "4,000 records from the bundled sample", records, mb,
           (double)len / 1e3 / (double)records, RUNS);
    printf("  jansson alone (baseline)  %7.3f s  %6.1f MB/s  %8.0f records/s\n", best_jansson,
           mb / best_jansson, (double)records / best_jansson);
    printf("  sm_context_read_buffer    %7.3f s  %6.1f MB/s  %8.0f records/s  %.2fx the baseline\n",
           best_buffer, mb / best_buffer, (double)records / best_buffer, best_buffer / best_jansson);
    printf("  sm_context_read_file      %7.3f s  %6.1f MB/s  %8.0f records/s  %.2fx the baseline\n",
           best_file, mb / best_file, (double)records / best_file, best_file / best_jansson);
    printf("  sm_context_find x %zu    %7.4f s  %6.0f ns a lookup (%zu found)\n", records, best_find,
           best_find * 1e9 / (double)(records ? records : 1), found);
    free(text);
    return 0;
}
