/* fuzz_dataset_trim.c - cutting a story to fewer frames (export
 * --max-images) on arbitrary model output: the first byte picks how many
 * frames stay, the rest is "<think>cot</think>story".  Whatever the input,
 * the cut either is refused or gives text that reads again with the frames
 * asked for. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int max = data[0] % 8 + 1;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *s = sm_story_add(&set, "f", NULL, 0, (const char *)data + 1, size - 1);
    if (!s || s->n_image_sections == 0 || s->n_image_sections > 64) {
        sm_story_set_free(&set);
        return 0;
    }
    int n = (int)s->n_image_sections, keep[64];
    int nkeep = sm_pick_frames(n, max, (data[0] & 0x80) ? SM_PICK_FIRST : SM_PICK_EVEN, keep);
    sm_trimmed t;
    sm_error err;
    if (sm_story_trim(s, keep, nkeep, &t, &err) == 0) {
        if (t.cot[t.cot_len] != '\0' || t.story[t.story_len] != '\0')
            __builtin_trap();
        sm_story *c = sm_story_add(&set, "cut", t.cot, t.cot_len, t.story, t.story_len);
        if (c && (int)c->n_image_sections != nkeep)
            __builtin_trap();
        sm_trimmed_free(&t);
    }
    sm_story_set_free(&set);
    return 0;
}
