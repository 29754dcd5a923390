/* rng.c - deterministic choices: the split and the synthetic sequences
 * depend only on the seed and the ids, never on the order of the input or
 * the machine, so a rerun (or a grown corpus) decides the same way. */
#include "dataset/dataset_internal.h"

#include "storymovie/rng.h"

uint64_t ds_hash(uint64_t seed, const char *text)
{
    uint64_t h = 1469598103934665603ull;           /* FNV-1a offset basis */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return sm_mix64(h ^ sm_mix64(seed + 0x9e3779b97f4a7c15ull));
}
