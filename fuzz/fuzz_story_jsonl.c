/* fuzz_story_jsonl.c - the story record reader and checker on arbitrary
 * bytes: no crash, leak or undefined behaviour, whatever the records hold.
 * (Its JSON scanning is fuzzed against jansson in fuzz_common_json_scan.) */
#include <stddef.h>
#include <stdint.h>

#include "storymovie/story.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_story_set set;
    sm_error err;
    if (sm_story_read_buffer("fuzz", (const char *)data, size, &set, &err) != 0)
        return 0;
    for (size_t i = 0; i < set.n_items; i++)
        sm_story_check(&set, &set.items[i], NULL);
    sm_story_set_free(&set);
    return 0;
}
