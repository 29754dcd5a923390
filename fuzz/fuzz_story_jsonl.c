/* fuzz_story_jsonl.c - the record reader on arbitrary bytes, and a
 * differential check of its own JSON parser against jansson: whenever
 * jansson reads a one-line input as an object with string story_id,
 * chain_of_thought and story, the reader must have found the same strings. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "storymovie/story.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(json_t *v, const char *s, size_t n)
{
    return json_string_length(v) == n && memcmp(json_string_value(v), s, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_story_set set;
    sm_error err;
    if (sm_story_read_buffer("fuzz", (const char *)data, size, &set, &err) != 0)
        return 0;
    for (size_t i = 0; i < set.count; i++)
        sm_story_check(&set, &set.items[i], NULL);

    if (size > 0 && !memchr(data, '\n', size) && !memchr(data, '\r', size) && !set.raw_model_output) {
        json_t *rec = json_loadb((const char *)data, size, 0, NULL);
        if (json_is_object(rec) && set.count == 1) {
            const sm_story *s = &set.items[0];
            json_t *id = json_object_get(rec, "story_id");
            json_t *cot = json_object_get(rec, "chain_of_thought");
            json_t *story = json_object_get(rec, "story");
            if (s->broken)
                __builtin_trap();      /* jansson read it: so must we */
            if (json_is_string(id) && json_string_length(id) > 0 &&
                (!s->story_id || !same(id, s->story_id, strlen(s->story_id))))
                __builtin_trap();
            if (json_is_string(cot) && json_is_string(story) &&
                (!same(cot, s->cot, s->cot_len) || !same(story, s->text, s->text_len)))
                __builtin_trap();
        }
        json_decref(rec);
    }
    sm_story_set_free(&set);
    return 0;
}
