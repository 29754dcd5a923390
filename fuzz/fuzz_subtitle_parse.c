/* fuzz_subtitle_parse.c - libFuzzer target for the subtitle readers.
 *
 * The first byte picks the path: through the text layer (sm_text_decode,
 * as files are read) or straight into sm_subtitles_parse (which must
 * refuse non-UTF-8 and NUL bytes itself).  Every successful parse is
 * checked against the model's invariants, so a reader that "succeeds"
 * with a broken document fails the fuzzer too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/subtitle.h"
#include "storymovie/text.h"

static void check(const sm_subtitles *s)
{
    if (s->n_cues == 0)
        abort();
    size_t next = 0;
    for (size_t i = 0; i < s->n_cues; i++) {
        const sm_cue *c = &s->cues[i];
        if (c->ordinal != (int)i + 1 || c->n_segments < 1 || c->first_segment != next)
            abort();
        if (!(c->start >= 0) || !(c->end >= 0))   /* times read loosely are still times (ASS: >= 0) */
            abort();
        for (size_t k = 0; k < c->n_segments; k++) {
            const sm_segment *g = &s->segments[next + k];
            if (g->cue != c->ordinal || g->index != (int)k + 1 || !g->text || !g->display || g->line < 1)
                abort();
            if (strlen(g->text) > strlen(g->display) + 1)
                abort();
            for (size_t a = 0; a < g->n_annotations; a++)
                if (!g->annotations[a] || !g->annotations[a][0])
                    abort();
            if (g->speaker_hint && !g->speaker_hint[0])
                abort();
        }
        next += c->n_segments;
    }
    if (next != s->n_segments)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int via_text = data[0] & 1;
    data++;
    size--;
    sm_error err;
    sm_subtitles s;
    if (via_text) {
        sm_text t;
        if (sm_text_decode("fuzz", data, size, &t, &err) == 0) {
            if (sm_subtitles_parse("fuzz", t.data, t.len, &s, &err) == 0) {
                check(&s);
                sm_subtitles_free(&s);
            }
            sm_text_free(&t);
        }
        return 0;
    }
    /* An exact-size heap copy, so ASan sees any read past the end. */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (sm_subtitles_parse("fuzz", copy, size, &s, &err) == 0) {
        check(&s);
        sm_subtitles_free(&s);
    }
    free(copy);
    return 0;
}
