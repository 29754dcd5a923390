/* export.h - what export_sft.c and export_dpo.c share: an export directory
 * being written, its splits' rows files and images. */
#ifndef STORYMOVIE_DATASET_EXPORT_H
#define STORYMOVIE_DATASET_EXPORT_H

#include "dataset/dataset_internal.h"

extern const char *const ds_split_names[2];   /* "train", "test" */

typedef struct ds_export {
    ds_outdir dir;
    sm_export_format format;
    int copy;
    FILE *rows[2];              /* per split, opened on first use */
    int present[2];
    sm_json json;               /* the row being built */
    size_t images, copied;
} ds_export;

int ds_export_prompt(const sm_export_options *o, ds_prompt *p, sm_error *err);
int ds_export_open(ds_export *x, const sm_export_options *o, const char *kind, sm_error *err);
int ds_export_split(ds_export *x, int split, const char *name, sm_error *err);
int ds_export_image(ds_export *x, int split, const char *dirname, int index, const char *src,
                    char *rel, size_t relsize, sm_error *err);
/* Write x->json as one line of the split's rows. */
int ds_export_row(ds_export *x, int split, sm_error *err);
/* Close the rows, write dataset_info.json (LLaMA-Factory), put the
 * directory in place.  On failure everything is removed. */
int ds_export_finish(ds_export *x, const char *name, int ranking, sm_error *err);
void ds_export_abort(ds_export *x);

#endif
