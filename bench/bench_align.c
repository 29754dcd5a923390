/* bench_align.c - speed and memory of the aligner.
 *
 * usage: bench_align [DATA_DIR]   (default ../shared/data beside the source)
 *
 * Prints, for each feature film in DATA_DIR/movies (screenplay.txt +
 * subtitles.srt): the end-to-end time of one alignment (read, decode, parse
 * both files, align, write the JSON Lines to /dev/null), the time of the
 * alignment step alone, the time of a plain O(n*m) LCS over the same token
 * sequences and the ratio of the two; the peak memory of the process; and
 * the total end-to-end time of all Friends episodes in DATA_DIR/friends, one
 * after the other on one core.  Times are medians of repeated runs. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "align/align_internal.h"
#include "storymovie/align.h"
#include "storymovie/io.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* One film end to end; returns 0 or -1. */
static int align_files(const char *script_path, const char *subs_path, FILE *sink,
                       size_t *segments)
{
    sm_error err;
    sm_script sc;
    sm_subtitles su;
    if (sm_script_read_file(script_path, &sc, &err)) {
        fprintf(stderr, "bench_align: %s:%ld: %s\n", err.file, err.line, err.message);
        return -1;
    }
    if (sm_subtitles_read_file(subs_path, &su, &err)) {
        fprintf(stderr, "bench_align: %s:%ld: %s\n", err.file, err.line, err.message);
        sm_script_free(&sc);
        return -1;
    }
    sm_alignment a;
    int rc = sm_align(&sc, &su, NULL, &a, &err);
    if (rc == 0) {
        /* Into memory: the output is produced in full, and no disk or device
         * speed enters the figure. */
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (mem) {
            sm_alignment_write_jsonl(mem, &sc, &su, &a);
            fclose(mem);
        }
        free(buf);
        (void)sink;
        if (segments)
            *segments = su.n_segments;
        sm_alignment_free(&a);
    }
    sm_script_free(&sc);
    sm_subtitles_free(&su);
    return rc;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void bench_film(const char *dir, FILE *sink)
{
    char sp[4096], tp[4096];
    if (snprintf(sp, sizeof sp, "%s/screenplay.txt", dir) >= (int)sizeof sp ||
        snprintf(tp, sizeof tp, "%s/subtitles.srt", dir) >= (int)sizeof tp)
        return;
    if (file_size(sp) < 0 || file_size(tp) < 0)
        return;
    enum { RUNS = 21 };
    double e2e[RUNS], only[RUNS];
    size_t segments = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        if (align_files(sp, tp, sink, &segments))
            return;
        e2e[r] = now() - t0;
    }
    long rss = peak_rss_kb();
    sm_error err;
    sm_script sc;
    sm_subtitles su;
    if (sm_script_read_file(sp, &sc, &err) || sm_subtitles_read_file(tp, &su, &err))
        return;
    for (int r = 0; r < RUNS; r++) {
        sm_alignment a;
        double t0 = now();
        sm_align(&sc, &su, NULL, &a, &err);
        only[r] = now() - t0;
        sm_alignment_free(&a);
    }
    align_seq S, T;
    align_build_sequences(&sc, &su, &S, &T);
    double t0 = now();
    size_t lcs = align_lcs_plain_length(S.tok, S.n, T.tok, T.n);
    double plain = now() - t0;
    double med_only = median(only, RUNS), med_e2e = median(e2e, RUNS);
    printf("film %s: screenplay %ld bytes, %zu blocks; subtitles %ld bytes, %zu cues, %zu segments\n",
           dir, file_size(sp), sc.n_blocks, file_size(tp), su.n_cues, segments);
    printf("  end to end (read+parse+align+write)  %8.2f ms  (median of %d)\n", med_e2e * 1e3, RUNS);
    printf("  alignment step alone                 %8.2f ms\n", med_only * 1e3);
    printf("  plain O(n*m) LCS, %zu x %zu tokens  %8.2f ms  (LCS length %zu)\n", S.n, T.n,
           plain * 1e3, lcs);
    printf("  ratio plain LCS / alignment step     %8.1fx;  / end to end %.1fx\n",
           plain / med_only, plain / med_e2e);
    printf("  peak memory (whole process so far)   %8.1f MB\n", (double)rss / 1024.0);
    align_seq_free(&S);
    align_seq_free(&T);
    sm_script_free(&sc);
    sm_subtitles_free(&su);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void bench_episodes(const char *friends, FILE *sink)
{
    DIR *d = opendir(friends);
    if (!d)
        return;
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 512)
        if (e->d_name[0] != '.')
            names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    enum { RUNS = 5 };
    double total[RUNS];
    size_t segs = 0, eps = 0;
    for (int r = 0; r < RUNS; r++) {
        double t0 = now();
        segs = eps = 0;
        for (size_t i = 0; i < n; i++) {
            char sp[4096], tp[4096];
            size_t s = 0;
            if (snprintf(sp, sizeof sp, "%s/%s/transcript.txt", friends, names[i]) >= (int)sizeof sp ||
                snprintf(tp, sizeof tp, "%s/%s/subtitles.srt", friends, names[i]) >= (int)sizeof tp)
                continue;
            if (file_size(sp) < 0 || align_files(sp, tp, sink, &s))
                continue;
            segs += s;
            eps++;
        }
        total[r] = now() - t0;
    }
    printf("episodes: %zu (%zu segments) end to end on one core: %.3f s (median of %d)\n", eps, segs,
           median(total, RUNS), RUNS);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
}

int main(int argc, char **argv)
{
    sm_process_init();   /* as the storymovie command does */
    char data[4096];
    if (argc > 1)
        snprintf(data, sizeof data, "%s", argv[1]);
    else
        snprintf(data, sizeof data, "%s", SM_SHARED_DATA);
    FILE *sink = NULL;
    char dir[4096];
    const char *films[] = {"the_assignment", "birthday_girl"};
    for (size_t i = 0; i < 2; i++) {
        if (snprintf(dir, sizeof dir, "%s/movies/%s", data, films[i]) < (int)sizeof dir)
            bench_film(dir, sink);
    }
    if (snprintf(dir, sizeof dir, "%s/friends", data) < (int)sizeof dir)
        bench_episodes(dir, sink);
    return 0;
}
