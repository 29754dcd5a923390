/* fuzz_dataset_export.c - what `storymovie dataset` and `storymovie export`
 * read, on arbitrary bytes: the story records a dataset is built from, a
 * dataset's rows (train/metadata.jsonl) and the 'generate tell' records a
 * DPO export scores.
 *
 * The first byte picks the path and the options:
 *   bit 0     the rest is a stories file: build a dataset of it with the
 *             sample film's keyframes (the dataset input reader), then
 *             export it for SFT;
 *   else      the rest is a dataset's train rows, then after a NUL (when
 *             there is one) a 'generate tell' file: export SFT (no NUL) or
 *             DPO from the sample's dataset with those rows;
 *   bit 1     LLaMA-Factory instead of TRL; bits 2-4 --max-images (0: all);
 *   bit 5     frames picked from the start instead of evenly.
 * The readers take paths, so the bytes go to files in a scratch directory
 * made once (under TMPDIR); the sample comes from the checkout
 * (SM_SOURCE_DIR at run time, else the one the program was built from).
 * Whatever the bytes, a run succeeds or fails with one line naming a file,
 * and leaves no half-written output behind. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset/dataset_internal.h"
#include "storymovie/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[4096], movienet[4096], base[4096];

static void path_in(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", scratch, name);
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = size ? fwrite(data, 1, size, f) : 0;
    return fclose(f) == 0 && n == size ? 0 : -1;
}

/* A dataset of the stories file with the sample's keyframes, split by story. */
static int build_dataset(const char *stories, const char *out, double test_fraction, int copy, sm_error *err)
{
    sm_dataset_options o;
    sm_dataset_options_init(&o);
    o.stories = stories;
    o.movienet = movienet;
    o.out = out;
    o.split_by = SM_SPLIT_BY_STORY;
    o.test_fraction = test_fraction;
    o.copy = copy;
    sm_dataset_summary sum;
    return sm_dataset_build(&o, &sum, err);
}

static void remove_scratch(void)
{
    ds_remove_tree(scratch);
}

static void setup(void)
{
    const char *root = getenv("SM_SOURCE_DIR");
    if (!root || !*root)
        root = SM_SOURCE_DIR;
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/fuzz_dataset_export.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch))
        abort();
    atexit(remove_scratch);
    snprintf(movienet, sizeof movienet, "%s/sample/movienet", root);
    char stories[4096];
    snprintf(stories, sizeof stories, "%s/sample/stories.jsonl", root);
    path_in(base, sizeof base, "base");
    sm_error err;
    /* one story a split; the images copied: the rows are rewritten for each input */
    if (build_dataset(stories, base, 0.5, 1, &err) != 0) {
        fprintf(stderr, "fuzz_dataset_export: cannot build the sample's dataset: %s:%ld: %s\n", err.file,
                err.line, err.message);
        abort();
    }
}

static void check_error(int rc, const sm_error *err)
{
    if (rc != 0 && (!err->message[0] || strchr(err->message, '\n')))
        __builtin_trap();
}

static void export_from(const char *dataset, unsigned mode, const char *samples)
{
    char out[4096];
    path_in(out, sizeof out, "export");
    sm_export_options o;
    sm_export_options_init(&o);
    o.dataset = dataset;
    o.out = out;
    o.format = (mode & 2) ? SM_EXPORT_LLAMAFACTORY : SM_EXPORT_TRL;
    o.max_images = (int)((mode >> 2) & 7);
    o.pick = (mode & 32) ? SM_PICK_FIRST : SM_PICK_EVEN;
    o.copy = 0;
    sm_export_summary sum;
    sm_error err;
    memset(&err, 0, sizeof err);
    if (samples) {
        o.samples = &samples;
        o.nsamples = 1;
        o.movienet = movienet;
        check_error(sm_export_dpo(&o, &sum, &err), &err);
    } else {
        check_error(sm_export_sft(&o, &sum, &err), &err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!scratch[0])
        setup();
    if (size < 1)
        return 0;
    unsigned mode = data[0];
    data++;
    size--;
    if (mode & 1) {
        char stories[4096], ds[4096];
        path_in(stories, sizeof stories, "stories.jsonl");
        path_in(ds, sizeof ds, "dataset");
        if (write_file(stories, data, size) != 0)
            return 0;
        sm_error err;
        memset(&err, 0, sizeof err);
        int rc = build_dataset(stories, ds, 0.15, 0, &err);
        check_error(rc, &err);
        if (rc == 0)
            export_from(ds, mode, NULL);
        return 0;
    }
    const uint8_t *nul = memchr(data, 0, size);
    size_t rows_len = nul ? (size_t)(nul - data) : size;
    char rows[4096], samples[4096];
    snprintf(rows, sizeof rows, "%s/train/metadata.jsonl", base);
    path_in(samples, sizeof samples, "told.jsonl");
    if (write_file(rows, data, rows_len) != 0 ||
        (nul && write_file(samples, nul + 1, size - rows_len - 1) != 0))
        return 0;
    export_from(base, mode, nul ? samples : NULL);
    return 0;
}
