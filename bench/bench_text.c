/* bench_text.c - throughput of the text layer: decoding, tokenising and
 * normalising, in MB/s of input, on one core.
 *
 *     bench_text [FILE...]
 *
 * Without arguments it measures the largest file under $SM_SHARED_DATA (or
 * ../shared/data next to the source tree) and the Latin-1 movie subtitle,
 * which takes the uchardet + iconv path.  Each figure repeats the work until
 * half a second of CPU time has passed (CPU time, so that other work on the
 * machine does not distort the figures), so small files give stable numbers.  Prints
 * figures only; nothing is asserted. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "storymovie/text.h"
#include "storymovie/io.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* CPU time: other load on the machine does not count */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char largest_path[4096];
static off_t largest_size = -1;

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type == FTW_F && S_ISREG(st->st_mode) && st->st_size > largest_size) {
        largest_size = st->st_size;
        snprintf(largest_path, sizeof largest_path, "%s", path);
    }
    return 0;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return NULL;
    }
    unsigned char *b = malloc((size_t)st.st_size + 1);
    *n = b ? fread(b, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    return b;
}

/* Tokenises text line by line, as the readers do. */
static size_t tokenize_lines(const sm_text *t, sm_tokens *tokens)
{
    size_t count = 0, start = 0;
    while (start < t->len) {
        const char *nl = memchr(t->data + start, '\n', t->len - start);
        size_t end = nl ? (size_t)(nl - t->data) : t->len;
        sm_tokens_clear(tokens);
        if (sm_tokenize(t->data + start, end - start, (uint32_t)start, tokens) != 0)
            return 0;
        count += tokens->n_items;
        start = end + 1;
    }
    return count;
}

static void bench_file(const char *path)
{
    size_t n;
    unsigned char *bytes = slurp(path, &n);
    if (!bytes || n == 0) {
        fprintf(stderr, "bench_text: cannot read %s\n", path);
        free(bytes);
        return;
    }
    sm_text text;
    sm_error err;
    if (sm_text_decode(path, bytes, n, &text, &err) != 0) {
        fprintf(stderr, "bench_text: %s:%ld: %s\n", err.file, err.line, err.message);
        free(bytes);
        return;
    }
    printf("%s (%.1f KB, %s)\n", path, (double)n / 1e3, text.encoding);

    double t0 = now(), t1 = t0;
    long runs = 0;
    do {
        sm_text again;
        if (sm_text_decode(path, bytes, n, &again, &err) != 0)
            break;
        sm_text_free(&again);
        runs++;
    } while ((t1 = now()) - t0 < 0.5);
    printf("  decode        %8.1f MB/s  (bytes in memory)\n",
           (double)n * (double)runs / (t1 - t0) / 1e6);

    t0 = now();
    runs = 0;
    do {
        sm_text again;
        if (sm_text_read_file(path, &again, &err) != 0)
            break;
        sm_text_free(&again);
        runs++;
    } while ((t1 = now()) - t0 < 0.5);
    printf("  read_file     %8.1f MB/s  (file in the page cache)\n",
           (double)n * (double)runs / (t1 - t0) / 1e6);

    sm_tokens tokens = {0};
    size_t count = 0;
    t0 = now();
    runs = 0;
    do {
        count = tokenize_lines(&text, &tokens);
        runs++;
    } while ((t1 = now()) - t0 < 0.5);
    printf("  tokenize      %8.1f MB/s  (%zu tokens, line by line)\n",
           (double)text.len * (double)runs / (t1 - t0) / 1e6, count);
    sm_tokens_free(&tokens);

    t0 = now();
    runs = 0;
    do {
        char *norm = sm_normalise(text.data, text.len, NULL);
        free(norm);
        runs++;
    } while ((t1 = now()) - t0 < 0.5);
    printf("  normalise     %8.1f MB/s  (whole text at once)\n",
           (double)text.len * (double)runs / (t1 - t0) / 1e6);

    sm_text_free(&text);
    free(bytes);
}

int main(int argc, char **argv)
{
    sm_process_init();   /* as the storymovie command does */
    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            bench_file(argv[i]);
        return 0;
    }
    char data[4096];
    const char *env = getenv("SM_SHARED_DATA");
    if (env && env[0]) {
        snprintf(data, sizeof data, "%s", env);
    } else {
        /* The data directory the build was configured with (CMake's
         * SM_SHARED_DATA: ../shared/data beside the source tree). */
        snprintf(data, sizeof data, "%s", SM_SHARED_DATA);
    }
    if (nftw(data, visit, 16, FTW_PHYS) != 0 || largest_size < 0) {
        fprintf(stderr, "bench_text: no test data in %s (set SM_SHARED_DATA or name files)\n",
                data);
        return 0;
    }
    bench_file(largest_path);
    char latin[4200];
    snprintf(latin, sizeof latin, "%s/movies/birthday_girl/subtitles.srt", data);
    struct stat st;
    if (stat(latin, &st) == 0)
        bench_file(latin);
    return 0;
}
