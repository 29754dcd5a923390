/* choices.c - deterministic choices: the split and the synthetic sequences
 * depend only on the seed and the ids, never on the order of the input or
 * the machine, so a rerun (or a grown corpus) decides the same way. */
#include "dataset/dataset_internal.h"
#include "common/hash.h"

#include "storymovie/rng.h"

uint64_t ds_hash(uint64_t seed, const char *text)
{
    return sm_mix64(sm_fnv1a_str(text) ^ sm_mix64(seed + 0x9e3779b97f4a7c15ull));
}
