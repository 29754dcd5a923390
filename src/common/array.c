/* array.c - growable arrays (see array.h). */
#include "common/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int sm_grow(void *array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (size && ncap > SIZE_MAX / size)
        return -1;
    /* The pointer is copied in and out by bytes: `array` may point to any
     * object pointer type, which a void ** could not alias. */
    void *old, *grown;
    memcpy(&old, array, sizeof old);
    grown = realloc(old, ncap * size);
    if (!grown)
        return -1;
    memcpy(array, &grown, sizeof grown);
    *cap = ncap;
    return 0;
}

size_t sm_table_size(size_t n, size_t min)
{
    size_t size = min ? min : 1;
    while (size < n * 2 && size <= SIZE_MAX / 2)
        size *= 2;
    return size;
}
