/* fuzz_llm_log.c - the reader of the cache's log (llm_log_next), on
 * arbitrary bytes as a log left by a run that died.
 *
 * It must stop at the first record that is not whole, never read past the
 * bytes it is given, and what it reads must be exactly what llm_log_append
 * writes for that row: re-encoding each record gives back its bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy of exactly `size` bytes, so that a read past the end is caught */
    char *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    if (size)
        memcpy(copy, data, size);
    size_t at = 0, used;
    llm_row row;
    while (at < size && llm_log_next(copy + at, size - at, &used, &row)) {
        if (used == 0 || used > size - at)
            abort();
        llm_buf b = {0};
        if (llm_log_append(&b, &row) != 0 || b.len != used || memcmp(b.data, copy + at, used) != 0)
            abort();
        llm_buf_free(&b);
        at += used;
    }
    free(copy);
    return 0;
}
