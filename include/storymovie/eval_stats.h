/* eval_stats.h - the intervals every model score is reported with.
 *
 * Judge win rates get a 95% bootstrap interval over stories; QA accuracies
 * a Wilson score interval.  Both are deterministic: the bootstrap draws
 * from a documented generator (SplitMix64, rng.h) with a fixed seed, so the same
 * verdicts always give the same interval, on any machine, and an
 * independent implementation (tests/e2e/bootstrap_check.py) reproduces it
 * to the last bit. */
#ifndef STORYMOVIE_EVAL_STATS_H
#define STORYMOVIE_EVAL_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* z for a two-sided 95% interval: the 0.975 quantile of the normal law. */
#define SM_Z95 1.959963984540054

/* Wilson score interval of k successes in n trials with quantile z:
 *   centre = (p + z^2/2n) / (1 + z^2/n),
 *   half   = z sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n),   p = k/n,
 * clamped to [0,1].  n = 0 gives [0,1] and returns -1 (no interval). */
int sm_wilson(size_t k, size_t n, double z, double *lo, double *hi);

/* Percentile bootstrap interval of a mean.  values[i] is item i's score in
 * units of 1/denom (a judge outcome: win 2, tie 1, loss 0 with denom 2), so
 * every resample mean is an exact fraction sum / (n denom).  Each of
 * `resamples` resamples draws n indices with sm_rng_below(n) from one
 * generator seeded with `seed` (resample after resample, index after
 * index); the interval is the pair of order statistics
 *   lo = m(ceil(0.025 R)),  hi = m(ceil(0.975 R))     (1-based, R resamples)
 * of the sorted resample means m(1) <= ... <= m(R) (the "inverted CDF"
 * percentile, R = 10,000: the 250th and the 9,750th).  n = 0 or
 * resamples = 0 returns -1.  Values must lie in [0, denom]; -1 on memory. */
int sm_bootstrap_mean(const uint8_t *values, size_t n, unsigned denom, size_t resamples,
                      uint64_t seed, double *lo, double *hi);

#ifdef __cplusplus
}
#endif
#endif
