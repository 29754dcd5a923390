/* batch.h - running one job per film over a corpus: a manifest, N worker
 * threads, cluster sharding, resumable atomic outputs, progress and summary.
 *
 * Used by `storymovie align --manifest` and `storymovie build`.  The work
 * function runs in worker threads and must only touch its own item. */
#ifndef STORYMOVIE_BATCH_H
#define STORYMOVIE_BATCH_H

#include <stddef.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A manifest: TSV, one film a row ("id<TAB>script<TAB>subtitles" for align);
 * '#' lines and blank lines are skipped; relative paths are resolved against
 * the manifest's directory. */
typedef struct sm_manifest_row {
    char **fields;
    size_t n_fields;
    long line;
} sm_manifest_row;

typedef struct sm_manifest {
    sm_manifest_row *rows;
    size_t n_rows;
} sm_manifest;

/* min_fields: rows with fewer fields are an error naming the line; a
 * manifest without rows is an error ("empty file"). */
int sm_manifest_read(const char *path, size_t min_fields, sm_manifest *out, sm_error *err);
/* As sm_manifest_read, but only fields with index >= first_path_field are
 * paths resolved against the manifest's directory (sm_manifest_read uses 1:
 * every field but the id).  Pass (size_t)-1 for a manifest without paths. */
int sm_manifest_read_paths(const char *path, size_t min_fields, size_t first_path_field,
                           sm_manifest *out, sm_error *err);
void sm_manifest_free(sm_manifest *m);

/* "I/N" (0 <= I < N): this process takes items with index % N == I. */
int sm_shard_parse(const char *spec, int *index, int *count, sm_error *err);

typedef enum sm_item_status {
    SM_ITEM_DONE = 0,      /* ran and succeeded */
    SM_ITEM_SKIPPED,       /* output already there (resume) */
    SM_ITEM_FAILED,
    SM_ITEM_NOT_MINE       /* another shard's */
} sm_item_status;

/* The work for item i.  Return SM_ITEM_DONE, SM_ITEM_SKIPPED or
 * SM_ITEM_FAILED; on failure write a one-line reason into why. */
typedef sm_item_status (*sm_batch_fn)(size_t i, void *ctx, char *why, size_t why_size);

typedef struct sm_batch_options {
    int jobs;              /* worker threads (>= 1) */
    int shard_index;       /* 0 */
    int shard_count;       /* 1 */
    int progress;          /* draw a progress bar on stderr (only when a TTY) */
    const char *label;     /* "align", "build" */
} sm_batch_options;

typedef struct sm_batch_result {
    sm_item_status *status;   /* per item */
    char **why;               /* per item: reason when failed, else NULL */
    size_t n_items;           /* length of status and why */
    size_t done, skipped, failed, not_mine;
    double seconds;
} sm_batch_result;

void sm_batch_options_init(sm_batch_options *o);
/* Runs fn for every item of this shard, `jobs` at a time.  Items are handed
 * out in index order; results do not depend on the number of jobs. */
int sm_batch_run(size_t n_items, const sm_batch_options *opt, sm_batch_fn fn, void *ctx,
                 sm_batch_result *out, sm_error *err);
void sm_batch_result_free(sm_batch_result *r);

#ifdef __cplusplus
}
#endif
#endif
