/* stats.c - Wilson score intervals, a seeded generator, percentile
 * bootstrap.  The formulas are in eval_stats.h; docs/eval.md says why these
 * and how to reproduce them. */
#include "storymovie/eval_stats.h"

#include <math.h>
#include <stdlib.h>

int sm_wilson(size_t k, size_t n, double z, double *lo, double *hi)
{
    if (n == 0 || k > n) {
        *lo = 0;
        *hi = 1;
        return -1;
    }
    double nn = (double)n, p = (double)k / nn, z2 = z * z;
    double denom = 1 + z2 / nn;
    double centre = (p + z2 / (2 * nn)) / denom;
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / denom;
    *lo = centre - half < 0 ? 0 : centre - half;
    *hi = centre + half > 1 ? 1 : centre + half;
    /* k = 0 and k = n: the bound on that side is exactly 0 (1), which
     * rounding would otherwise leave at 1e-17 from it */
    if (k == 0)
        *lo = 0;
    if (k == n)
        *hi = 1;
    return 0;
}

int sm_bootstrap_mean(const uint8_t *values, size_t n, unsigned denom, size_t resamples,
                      uint64_t seed, double *lo, double *hi)
{
    if (n == 0 || resamples == 0 || denom == 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (values[i] > denom)
            return -1;
    /* Resample sums are integers in [0, n*denom]: count them instead of
     * sorting R doubles, and read the order statistics off the counts. */
    size_t top = n * denom;
    size_t *count = calloc(top + 1, sizeof *count);
    if (!count)
        return -1;
    sm_rng rng;
    sm_rng_seed(&rng, seed);
    for (size_t r = 0; r < resamples; r++) {
        size_t sum = 0;
        for (size_t i = 0; i < n; i++)
            sum += values[sm_rng_below(&rng, n)];
        count[sum]++;
    }
    /* 1-based ranks ceil(0.025 R) and ceil(0.975 R), in integers */
    size_t rank_lo = (resamples + 39) / 40;
    size_t rank_hi = (resamples * 39 + 39) / 40;
    size_t seen = 0, s_lo = 0, s_hi = top;
    int have_lo = 0;
    for (size_t s = 0; s <= top; s++) {
        seen += count[s];
        if (!have_lo && seen >= rank_lo) {
            s_lo = s;
            have_lo = 1;
        }
        if (seen >= rank_hi) {
            s_hi = s;
            break;
        }
    }
    free(count);
    *lo = (double)s_lo / (double)top;
    *hi = (double)s_hi / (double)top;
    return 0;
}
