/* rng.c - deterministic choices: the split and the synthetic sequences
 * depend only on the seed and the ids, never on the order of the input or
 * the machine, so a rerun (or a grown corpus) decides the same way. */
#include "dataset/dataset_internal.h"

static uint64_t mix(uint64_t z)
{
    /* splitmix64's finaliser (Steele, Lea, Flood 2014). */
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t ds_hash(uint64_t seed, const char *text)
{
    uint64_t h = 1469598103934665603ull;           /* FNV-1a offset basis */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return mix(h ^ mix(seed + 0x9e3779b97f4a7c15ull));
}

uint64_t ds_rng_next(ds_rng *r)
{
    r->state += 0x9e3779b97f4a7c15ull;
    return mix(r->state);
}

uint64_t ds_rng_below(ds_rng *r, uint64_t n)
{
    /* Reject the top partial block so every value is equally likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t v;
    do
        v = ds_rng_next(r);
    while (v >= limit);
    return v % n;
}
