/* fuzz_script_parse.c - arbitrary bytes through every screenplay reader.
 *
 * The input is handed, as raw bytes in a buffer of exactly its size (so
 * ASan sees any read past the end), to each reader forced in turn, then to
 * detection after the text layer has decoded it.  Each parse must either
 * fail with a message or give blocks that keep the invariants the aligner
 * relies on; a broken one aborts, which libFuzzer reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/script.h"
#include "storymovie/text.h"

static void check_at(int ok, const char *what, int line)
{
    if (!ok) {
        fprintf(stderr, "fuzz_script_parse.c:%d: invariant broken: %s\n", line, what);
        abort();
    }
}
#define check(cond) check_at((cond), #cond, __LINE__)

static void check_script(const sm_script *s, const char *data, size_t len)
{
    long lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += data[i] == '\n';
    int scene = 0;
    check(s->n_blocks > 0);
    for (size_t i = 0; i < s->n_blocks; i++) {
        const sm_block *b = &s->blocks[i];
        check(b->kind >= SM_BLOCK_SCENE_HEADING && b->kind <= SM_BLOCK_PAGE_BREAK);
        check(b->line >= 1 && b->line <= b->end_line && b->end_line <= lines);
        check(b->scene >= scene && b->scene <= s->n_scenes);
        if (b->kind == SM_BLOCK_SCENE_HEADING)
            check(b->scene == scene + 1);
        scene = b->scene;
        check(b->text != NULL);
        (void)strlen(b->text);
        if (b->kind == SM_BLOCK_DIALOGUE) {
            check(b->speaker && b->speaker_key);
            char key[256];
            sm_speaker_key(b->speaker, key, sizeof key);
            check(strncmp(key, b->speaker_key, 255) == 0);
        } else {
            check(!b->speaker && !b->speaker_key && !b->extension);
        }
        if (b->parenthetical)
            (void)strlen(b->parenthetical);
        if (b->extension)
            (void)strlen(b->extension);
        if (b->scene_number)
            check(b->kind == SM_BLOCK_SCENE_HEADING);
    }
    for (size_t i = 0; i < s->n_title; i++)
        check(s->title[i].key && s->title[i].value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    for (int f = SM_SCRIPT_PLAIN; f <= SM_SCRIPT_TRANSCRIPT; f++) {
        sm_script s;
        sm_error err;
        if (sm_script_parse_as("fuzz", copy, size, (sm_script_format)f, &s, &err) == 0) {
            check((int)s.format == f);
            /* a leading BOM is skipped before reading */
            size_t skip = size >= 3 && memcmp(copy, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
            check_script(&s, copy + skip, size - skip);
            sm_script_free(&s);
        } else {
            check(err.message[0] != '\0');
        }
    }
    sm_text t;
    sm_error err;
    if (sm_text_decode("fuzz", data, size, &t, &err) == 0) {
        sm_script s;
        if (sm_script_parse("fuzz.txt", t.data, t.len, &s, &err) == 0) {
            check_script(&s, t.data, t.len);
            sm_script_free(&s);
        }
        sm_text_free(&t);
    }
    free(copy);
    return 0;
}
