/* fuzz_align.c - libFuzzer target for the aligner.
 *
 * The input is a script and a subtitle file separated by the first NUL
 * byte (without one, a fixed subtitle file is used).  Whatever the readers
 * accept, the aligner must align without crashing, and its result must keep
 * its promises: one result per segment and block, confidences in [0,1], a
 * speaker only with a confidence, block references in range, aligned times
 * ordered. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/align.h"
#include "storymovie/text.h"

static const char fixed_subs[] =
    "1\n00:00:01,000 --> 00:00:02,000\nHello there, how are you?\n\n"
    "2\n00:00:02,500 --> 00:00:04,000\n- Fine, thanks.\n- And you?\n\n"
    "3\n00:00:05,000 --> 00:00:06,000\nJOE: Never better.\n";

static void check(const sm_script *sc, const sm_subtitles *su, const sm_alignment *a)
{
    if (a->n_segments != su->n_segments || a->n_blocks != sc->n_blocks)
        abort();
    for (size_t i = 0; i < a->n_segments; i++) {
        const sm_segment_speaker *r = &a->segments[i];
        if (!(r->confidence >= 0 && r->confidence <= 1) || (r->speaker && r->confidence <= 0))
            abort();
        if (r->block < -1 || r->block >= (long)sc->n_blocks)
            abort();
    }
    for (size_t b = 0; b < a->n_blocks; b++) {
        const sm_block_time *t = &a->blocks[b];
        if (t->timing != SM_TIMING_NONE && (isnan(t->start) || isnan(t->end)))
            abort();
    }
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        if (sm_alignment_write_jsonl(f, sc, su, a))
            abort();
        fclose(f);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t script_len = nul ? (size_t)(nul - data) : size;
    sm_error err;
    sm_text st, ut;
    if (sm_text_decode("fuzz.script", data, script_len, &st, &err))
        return 0;
    int have_subs;
    if (nul)
        have_subs = sm_text_decode("fuzz.srt", nul + 1, size - script_len - 1, &ut, &err) == 0;
    else
        have_subs = sm_text_decode("fuzz.srt", (const uint8_t *)fixed_subs, sizeof fixed_subs - 1, &ut, &err) == 0;
    if (!have_subs) {
        sm_text_free(&st);
        return 0;
    }
    sm_script sc;
    sm_subtitles su;
    if (sm_script_parse("fuzz.script", st.data, st.len, &sc, &err) == 0) {
        if (sm_subtitles_parse("fuzz.srt", ut.data, ut.len, &su, &err) == 0) {
            sm_alignment a;
            if (sm_align(&sc, &su, NULL, &a, &err) == 0) {
                check(&sc, &su, &a);
                sm_alignment_free(&a);
            }
            sm_subtitles_free(&su);
        }
        sm_script_free(&sc);
    }
    sm_text_free(&st);
    sm_text_free(&ut);
    return 0;
}
