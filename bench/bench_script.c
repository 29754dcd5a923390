/* bench_script.c - screenplay parse throughput (MB/s, one core).
 *
 *   bench_script [DATA_DIR]
 *
 * DATA_DIR defaults to $SM_SHARED_DATA, then the data directory the build
 * was configured with (CMake SM_SHARED_DATA), then ../shared/data and
 * ../../shared/data.  Measured: the largest plain screenplay (movies/),
 * the largest Fountain file, the largest transcript (friends/), and a
 * synthetic ~50 MB screenplay made by repeating the largest one.  Each is
 * timed parse-only (UTF-8 already in memory, sm_script_parse with
 * detection) and decode+parse (sm_text_decode from the raw bytes first).
 * Two figures each: MB/s of CPU time (what one core does; stable on a
 * busy machine) and MB/s of wall time.  Prints figures; asserts nothing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "storymovie/script.h"
#include "storymovie/text.h"
#include "storymovie/io.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return NULL;
    }
    unsigned char *b = malloc((size_t)st.st_size + 1);
    if (b && fread(b, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b)
        *len = (size_t)st.st_size;
    return b;
}

/* The largest file named `leaf` (or ending in `leaf` when it starts with
 * '.') in the sub-folders of dir, or directly in dir. */
static void largest(const char *dir, const char *leaf, char *out, size_t size)
{
    out[0] = '\0';
    DIR *d = opendir(dir);
    if (!d)
        return;
    off_t best = -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        if (leaf[0] == '.') {
            size_t n = strlen(e->d_name), k = strlen(leaf);
            if (n < k || strcmp(e->d_name + n - k, leaf) != 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        } else {
            snprintf(path, sizeof path, "%s/%s/%s", dir, e->d_name, leaf);
        }
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > best) {
            best = st.st_size;
            snprintf(out, size, "%s", path);
        }
    }
    closedir(d);
}

/* Time fn over the input until at least min_seconds have passed. */
static void measure(const char *label, const unsigned char *raw, size_t len)
{
    sm_text t;
    sm_error err;
    if (sm_text_decode(label, raw, len, &t, &err) != 0) {
        printf("%-28s cannot decode: %s\n", label, err.message);
        return;
    }
    double min_seconds = 1.0;
    sm_script s;
    /* parse only */
    int reps = 0;
    double c0 = cpu_now();
    double t0 = now(), t1 = t0;
    size_t blocks = 0;
    const char *format = "?";
    while (t1 - t0 < min_seconds || reps < 3) {
        if (sm_script_parse(label, t.data, t.len, &s, &err) != 0) {
            printf("%-28s parse failed: %s\n", label, err.message);
            sm_text_free(&t);
            return;
        }
        blocks = s.n_blocks;
        format = sm_script_format_name(s.format);
        sm_script_free(&s);
        reps++;
        t1 = now();
    }
    double parse_mbs = (double)t.len * reps / (t1 - t0) / 1e6;
    double parse_cpu = (double)t.len * reps / (cpu_now() - c0) / 1e6;
    /* decode + parse */
    int reps2 = 0;
    c0 = cpu_now();
    t0 = now(), t1 = t0;
    while (t1 - t0 < min_seconds || reps2 < 3) {
        sm_text t2;
        if (sm_text_decode(label, raw, len, &t2, &err) == 0) {
            if (sm_script_parse(label, t2.data, t2.len, &s, &err) == 0)
                sm_script_free(&s);
            sm_text_free(&t2);
        }
        reps2++;
        t1 = now();
    }
    double both_mbs = (double)len * reps2 / (t1 - t0) / 1e6;
    double both_cpu = (double)len * reps2 / (cpu_now() - c0) / 1e6;
    printf("%-27s %6.2f MB %-10s %6zu blocks | parse %6.1f MB/s cpu %6.1f wall"
           " | decode+parse %6.1f MB/s cpu %6.1f wall\n",
           label, (double)len / 1e6, format, blocks, parse_cpu, parse_mbs, both_cpu, both_mbs);
    sm_text_free(&t);
}

static void bench_file(const char *label, const char *path)
{
    size_t len;
    unsigned char *raw = path[0] ? slurp(path, &len) : NULL;
    if (!raw) {
        printf("%-28s (not found)\n", label);
        return;
    }
    printf("# %s: %s\n", label, path);
    measure(label, raw, len);
    free(raw);
}

int main(int argc, char **argv)
{
    sm_process_init();   /* as the storymovie command does */
    const char *candidates[] = {argc > 1 ? argv[1] : NULL, getenv("SM_SHARED_DATA"), SM_SHARED_DATA,
                                "../shared/data", "../../shared/data"};
    const char *data = NULL;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        struct stat st;
        if (candidates[i] && stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            data = candidates[i];
            break;
        }
    }
    if (!data) {
        printf("bench_script: no shared data (give DATA_DIR or set SM_SHARED_DATA); nothing measured\n");
        return 0;
    }
    char dir[1024], screenplay[2048], fountain[2048], transcript[2048];
    snprintf(dir, sizeof dir, "%s/movies", data);
    largest(dir, "screenplay.txt", screenplay, sizeof screenplay);
    snprintf(dir, sizeof dir, "%s/fountain", data);
    largest(dir, ".fountain", fountain, sizeof fountain);
    snprintf(dir, sizeof dir, "%s/friends", data);
    largest(dir, "transcript.txt", transcript, sizeof transcript);

    bench_file("largest screenplay", screenplay);
    bench_file("largest fountain", fountain);
    bench_file("largest transcript", transcript);

    size_t len;
    unsigned char *one = screenplay[0] ? slurp(screenplay, &len) : NULL;
    if (one && len) {
        size_t reps = (50u << 20) / len + 1, total = reps * len;
        unsigned char *big = malloc(total);
        if (big) {
            for (size_t i = 0; i < reps; i++)
                memcpy(big + i * len, one, len);
            printf("# synthetic: the largest screenplay repeated %zu times\n", reps);
            measure("synthetic 50 MB screenplay", big, total);
            free(big);
        }
    }
    free(one);
    return 0;
}
