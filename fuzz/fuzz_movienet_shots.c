/* fuzz_movienet_shots.c - libFuzzer target for the shot file parser.
 *
 * sm_shots_parse() on arbitrary bytes.  A parse that succeeds is checked
 * against the header's promise (every shot non-negative, start <= end, at
 * least one shot), and the text is parsed a second time to check that
 * the result does not depend on anything but the bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/movienet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_shot *shots, *again;
    size_t n, n_again;
    sm_error err;
    if (sm_shots_parse("fuzz", (const char *)data, size, &shots, &n, &err) != 0) {
        if (shots != NULL || n != 0)
            abort();            /* a failure must leave nothing behind */
        return 0;
    }
    if (n == 0 || !shots)
        abort();
    for (size_t i = 0; i < n; i++) {
        const sm_shot *s = &shots[i];
        if (s->start < 0 || s->end < s->start || s->key[0] < 0 || s->key[1] < 0 || s->key[2] < 0)
            abort();
    }
    if (sm_shots_parse("fuzz", (const char *)data, size, &again, &n_again, &err) != 0 ||
        n_again != n || memcmp(again, shots, n * sizeof *shots) != 0)
        abort();
    free(again);
    free(shots);
    return 0;
}
