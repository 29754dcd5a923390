/* fuzz_align_read.c - the reader of `storymovie align` records read back
 * (sm_film_alignment_parse), on arbitrary bytes in a buffer of exactly
 * their size (so ASan sees any read past the end: the reader's contract is
 * length-delimited).  It must refuse with a message naming a line of the
 * input, or give records that keep alignment.h's promises: every string a
 * C string, blocks numbered from 1, a segment's block 0 or positive. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/alignment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, int may_be_null)
{
    if (!s && !may_be_null)
        __builtin_trap();
    if (s)
        (void)strlen(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    sm_film_alignment a;
    sm_error err;
    memset(&err, 0, sizeof err);
    if (sm_film_alignment_parse("fuzz.align.jsonl", copy, size, &a, &err) != 0) {
        if (!err.message[0] || strchr(err.message, '\n') || err.line < 0 || err.line > lines)
            __builtin_trap();
        free(copy);
        return 0;
    }
    for (size_t i = 0; i < a.n_segments; i++) {
        const sm_film_segment *s = &a.segments[i];
        check_string(s->text, 1);
        check_string(s->speaker, 1);
        if (isnan(s->start) || isnan(s->end))
            __builtin_trap();
    }
    for (size_t i = 0; i < a.n_blocks; i++) {
        const sm_film_block *b = &a.blocks[i];
        check_string(b->kind, 0);
        check_string(b->speaker, 1);
        check_string(b->text, 1);
        check_string(b->timing, 1);
    }
    sm_film_alignment_free(&a);
    free(copy);
    return 0;
}
