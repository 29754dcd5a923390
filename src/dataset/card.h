/* card.h - the dataset card and licence file of a dataset directory. */
#ifndef STORYMOVIE_DATASET_CARD_H
#define STORYMOVIE_DATASET_CARD_H

#include "dataset/dataset_internal.h"

typedef struct ds_card_info {
    const ds_input *input;              /* the records, with their split */
    const sm_dataset_options *options;
    const sm_dataset_summary *summary;
} ds_card_info;

/* DIR/README.md and DIR/LICENSE.md.  0 or -1. */
int ds_write_card(const char *dir, const ds_card_info *info, sm_error *err);

#endif
