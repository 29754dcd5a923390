/* hash.h - FNV-1a, the one string hash of the library.
 *
 * Tokens, story ids, page headers: short keys for open-addressing tables,
 * where a simple fast hash is all that is needed. */
#ifndef SM_COMMON_HASH_H
#define SM_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SM_FNV1A_INIT 1469598103934665603ull

/* Fold one more byte into an FNV-1a hash (start from SM_FNV1A_INIT). */
static inline uint64_t sm_fnv1a_byte(uint64_t h, unsigned char c)
{
    return (h ^ c) * 1099511628211ull;
}

static inline uint64_t sm_fnv1a(const void *data, size_t n)
{
    const unsigned char *p = (const unsigned char *)data;
    uint64_t h = SM_FNV1A_INIT;
    for (size_t i = 0; i < n; i++)
        h = sm_fnv1a_byte(h, p[i]);
    return h;
}

static inline uint64_t sm_fnv1a_str(const char *s)
{
    uint64_t h = SM_FNV1A_INIT;
    for (; *s; s++)
        h = sm_fnv1a_byte(h, (unsigned char)*s);
    return h;
}

#endif
