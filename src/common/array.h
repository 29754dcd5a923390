/* array.h - growable arrays and hash-table sizes, once for the library.
 *
 * Every growing array in storymovie (cues, blocks, tokens, issues, votes,
 * ...) is a pointer, a count and a capacity.  sm_grow() is the one
 * grow-by-doubling step they all use: appending n items costs O(n) copies
 * in all, and a failed allocation leaves the array as it was. */
#ifndef SM_COMMON_ARRAY_H
#define SM_COMMON_ARRAY_H

#include <stddef.h>

/* Make *array (array is the address of a T * pointer) hold at least `need`
 * items of `size` bytes: the capacity doubles from 16 until it does.
 * Returns 0, or -1 on overflow or allocation failure (*array and *cap
 * unchanged). */
int sm_grow(void *array, size_t *cap, size_t need, size_t size);

/* The size of an open-addressing table for n keys: the smallest power of
 * two that is at least 2n and at least `min` (a power of two). */
size_t sm_table_size(size_t n, size_t min);

#endif
