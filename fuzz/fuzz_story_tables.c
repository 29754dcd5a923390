/* fuzz_story_tables.c - the chain-of-thought reader (headings, Markdown
 * tables, ids, boxes) and the checker, on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "storymovie/story.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char story[] = "<gdi image1><gdo char1>A</gdo> <gdl bg1>b</gdl></gdi>";
    sm_story_set set;
    sm_error err;
    if (sm_story_read_buffer("fuzz", "", 0, &set, &err) != 0)
        return 0;
    sm_story *s = sm_story_add(&set, "f", (const char *)data, size, story, sizeof story - 1);
    if (s) {
        sm_story_check_options opt = {640, 360};
        sm_story_check(&set, s, &opt);
        for (uint32_t i = 0; i < s->n_issues; i++) {
            long line, col;
            sm_story_locate(s, &s->issues[i], &line, &col);
            if (line < 0 || col < 0 || s->issues[i].offset > s->cot_len + s->text_len)
                __builtin_trap();
        }
        /* Every span must lie inside the text. */
        for (uint32_t i = 0; i < s->n_image_sections; i++)
            for (int k = 0; k < 3; k++) {
                const sm_story_table *t = &s->image_sections[i].tables[k];
                for (uint32_t r = 0; r < t->n_rows; r++)
                    for (uint32_t c = 0; c < t->rows[r].n_cells; c++)
                        if ((uint64_t)t->rows[r].cells[c].off + t->rows[r].cells[c].len > s->cot_len)
                            __builtin_trap();
            }
    }
    sm_story_set_free(&set);
    return 0;
}
