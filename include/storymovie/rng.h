/* rng.h - the project's one pseudo-random generator: SplitMix64 (Steele,
 * Lea, Flood 2014; the seeding generator of xoshiro), for choices that must
 * come out the same on every machine and every run - the dataset's split
 * and synthetic sequences, the bootstrap's resamples.  Not for secrets.
 *
 *   state += 0x9E3779B97F4A7C15;  return sm_mix64(state);
 *   sm_mix64(z): z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
 *                z = (z ^ z>>27) * 0x94D049BB133111EB;  z ^ z>>31 */
#ifndef STORYMOVIE_RNG_H
#define STORYMOVIE_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_rng {
    uint64_t state;
} sm_rng;

/* SplitMix64's finaliser: a well-mixed 64-bit hash of z. */
uint64_t sm_mix64(uint64_t z);
void sm_rng_seed(sm_rng *r, uint64_t seed);   /* state = seed */
uint64_t sm_rng_next(sm_rng *r);
/* Uniform in [0, n), n >= 1, without modulo bias: draws x until
 * x < 2^64 - (2^64 mod n), then returns x mod n. */
uint64_t sm_rng_below(sm_rng *r, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif
