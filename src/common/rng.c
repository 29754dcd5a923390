/* rng.c - SplitMix64 (see include/storymovie/rng.h). */
#include "storymovie/rng.h"

uint64_t sm_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void sm_rng_seed(sm_rng *r, uint64_t seed) { r->state = seed; }

uint64_t sm_rng_next(sm_rng *r)
{
    r->state += 0x9E3779B97F4A7C15ull;
    return sm_mix64(r->state);
}

uint64_t sm_rng_below(sm_rng *r, uint64_t n)
{
    /* 2^64 mod n, computed in 64 bits: (2^64 - n) mod n */
    uint64_t rem = (0 - n) % n;
    uint64_t x;
    do
        x = sm_rng_next(r);
    while (rem && x >= 0 - rem);     /* x >= 2^64 - rem: the biased tail */
    return x % n;
}
