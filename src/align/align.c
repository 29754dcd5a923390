/* align.c - TEMPORARY: abstains everywhere until the aligner lands. */
#include "storymovie/align.h"

#include <stdlib.h>
#include <string.h>

void sm_align_options_init(sm_align_options *o)
{
    o->min_confidence = 0.5;
    o->use_hints = 1;
}

int sm_align(const sm_script *script, const sm_subtitles *subs, const sm_align_options *opt,
             sm_alignment *out, sm_error *err)
{
    (void)opt;
    memset(out, 0, sizeof *out);
    out->n_segments = subs->n_segments;
    out->n_blocks = script->n_blocks;
    out->n_scenes = (size_t)script->n_scenes + 1;
    out->segments = calloc(out->n_segments + 1, sizeof *out->segments);
    out->blocks = calloc(out->n_blocks + 1, sizeof *out->blocks);
    out->scenes = calloc(out->n_scenes, sizeof *out->scenes);
    if (!out->segments || !out->blocks || !out->scenes) {
        sm_alignment_free(out);
        return sm_fail(err, "", 0, "out of memory");
    }
    for (size_t i = 0; i < out->n_segments; i++)
        out->segments[i].block = -1;
    return 0;
}

void sm_alignment_free(sm_alignment *a)
{
    free(a->segments);
    free(a->blocks);
    free(a->scenes);
    memset(a, 0, sizeof *a);
}
