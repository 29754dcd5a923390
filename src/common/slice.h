/* slice.h - searching inside a length-delimited slice of text.
 *
 * The readers hand each other slices (a line of a file, a field of a
 * record) that are NOT NUL-terminated: strstr or strchr on one reads past
 * its end, into the rest of the file or past the buffer.  Search slices
 * with these instead. */
#ifndef SM_COMMON_SLICE_H
#define SM_COMMON_SLICE_H

#include <stddef.h>
#include <string.h>

/* The first occurrence of needle[0..m) inside hay[0..n), or NULL (memmem,
 * which standard C lacks).  An empty needle is found at hay. */
static inline const char *sm_memmem(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0)
        return hay;
    for (const char *p = hay, *last = hay + (n >= m ? n - m : 0); n >= m && p <= last; p++) {
        p = memchr(p, needle[0], (size_t)(last - p) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
    }
    return NULL;
}

#endif
