/* fuzz_story_tags.c - the story tag reader (<gdi>/<gdo>/<gda>/<gdl>, broken
 * and unknown tags), the checker and the plain-text stripper, on arbitrary
 * bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/story.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char cot[] =
        "## Image 1\n### Characters\n"
        "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
        "| char1 | A | d | e | a | n | 1,2,3,4 |\n"
        "### Objects\n"
        "| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n"
        "| bg1 | Wall | f | i | n | 0,0,10,10 |\n"
        "### Setting\n| Setting Element | Description | Mood | Time | Narrative Function |\n"
        "| Location | x | y | z | w |\n";
    sm_story_set set;
    sm_error err;
    if (sm_story_read_buffer("fuzz", "", 0, &set, &err) != 0)
        return 0;
    sm_story *s = sm_story_add(&set, "f", cot, sizeof cot - 1, (const char *)data, size);
    if (s) {
        sm_story_check(&set, s, NULL);
        for (uint32_t i = 0; i < s->n_tags; i++) {
            const sm_story_tag *t = &s->tags[i];
            if ((uint64_t)t->open.off + t->open.len > s->text_len ||
                (uint64_t)t->content.off + t->content.len > s->text_len ||
                (t->closed && (uint64_t)t->close.off + t->close.len > s->text_len))
                __builtin_trap();
        }
        char *plain = malloc(size + 1);
        if (plain) {
            size_t n = sm_story_plain_text(s->text, s->text_len, plain);
            if (n > size || plain[n] != '\0')
                __builtin_trap();
            free(plain);
        }
    }
    sm_story_set_free(&set);
    return 0;
}
