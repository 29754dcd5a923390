/* test_eval_stats.c - Wilson intervals, the generator and the bootstrap,
 * against values worked out by hand and by exact enumeration.
 *
 * (The bootstrap is also checked end to end against an independent Python
 * implementation: tests/e2e/eval_judge.sh runs tests/e2e/bootstrap_check.py.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval_stats.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) < (eps))

/* Wilson by hand, z = 1.959964, z^2 = 3.841459:
 *   8 of 10: p = .8, d = 1 + z^2/10 = 1.384146,
 *            centre = (.8 + z^2/20) / d = .992073 / 1.384146 = .716740,
 *            half = z sqrt(.016 + z^2/400) / d = 1.959964 * .160011 / 1.384146 = .226578
 *            -> [.490162, .943318]
 *   0 of 5:  the lower end is 0; the upper z^2 / (5 + z^2) = 3.841459 / 8.841459 = .434483
 *   5 of 5:  [1 - .434483, 1] = [.565517, 1]
 *   1 of 1:  lower 1 / (1 + z^2) = .206549, upper 1 */
static void wilson_by_hand(void **state)
{
    (void)state;
    double lo, hi;
    assert_int_equal(sm_wilson(8, 10, SM_Z95, &lo, &hi), 0);
    NEAR(lo, 0.490162, 2e-6);
    NEAR(hi, 0.943318, 2e-6);
    assert_int_equal(sm_wilson(0, 5, SM_Z95, &lo, &hi), 0);
    assert_true(lo == 0.0);
    NEAR(hi, 0.434483, 2e-6);
    assert_int_equal(sm_wilson(5, 5, SM_Z95, &lo, &hi), 0);
    NEAR(lo, 0.565517, 2e-6);
    assert_true(hi == 1.0);
    assert_int_equal(sm_wilson(1, 1, SM_Z95, &lo, &hi), 0);
    NEAR(lo, 0.206549, 2e-6);
    /* symmetric: k of n and n-k of n mirror each other */
    double lo2, hi2;
    sm_wilson(3, 17, SM_Z95, &lo, &hi);
    sm_wilson(14, 17, SM_Z95, &lo2, &hi2);
    NEAR(lo, 1 - hi2, 1e-12);
    NEAR(hi, 1 - lo2, 1e-12);
    /* no trials: no interval */
    assert_int_equal(sm_wilson(0, 0, SM_Z95, &lo, &hi), -1);
    assert_int_equal(sm_wilson(3, 2, SM_Z95, &lo, &hi), -1);
}

/* SplitMix64 seeded with 0: the published first outputs. */
static void splitmix_vectors(void **state)
{
    (void)state;
    sm_rng r;
    sm_rng_seed(&r, 0);
    assert_true(sm_rng_next(&r) == 0xe220a8397b1dcdafull);
    assert_true(sm_rng_next(&r) == 0x6e789e6aa1b965f4ull);
    assert_true(sm_rng_next(&r) == 0x06c45d188009454full);
    /* below(n): in range, every value reached, roughly uniform */
    size_t hits[7] = {0};
    sm_rng_seed(&r, 42);
    for (int i = 0; i < 70000; i++) {
        uint64_t v = sm_rng_below(&r, 7);
        assert_true(v < 7);
        hits[v]++;
    }
    for (int v = 0; v < 7; v++)
        assert_true(hits[v] > 9500 && hits[v] < 10500);
    sm_rng_seed(&r, 1);
    assert_true(sm_rng_below(&r, 1) == 0);
}

/* The exact bootstrap distribution of the resample sum of `values`
 * (n^n equally likely index tuples) and its percentile sums, as the
 * bootstrap defines them: the smallest sum whose cumulative probability
 * reaches 0.025 (0.975). */
static void exact_percentiles(const uint8_t *values, size_t n, size_t *lo, size_t *hi, double *margin)
{
    size_t top = n * 2, total = 1;
    double *p = calloc(top + 1, sizeof *p);
    for (size_t i = 0; i < n; i++)
        total *= n;
    for (size_t t = 0; t < total; t++) {
        size_t sum = 0, x = t;
        for (size_t i = 0; i < n; i++, x /= n)
            sum += values[x % n];
        p[sum] += 1.0 / (double)total;
    }
    double cum = 0;
    *lo = *hi = SIZE_MAX;
    *margin = 1;
    for (size_t s = 0; s <= top; s++) {
        cum += p[s];
        if (fabs(cum - 0.025) < *margin)
            *margin = fabs(cum - 0.025);
        if (fabs(cum - 0.975) < *margin)
            *margin = fabs(cum - 0.975);
        if (*lo == SIZE_MAX && cum >= 0.025)
            *lo = s;
        if (*hi == SIZE_MAX && cum >= 0.975)
            *hi = s;
    }
    free(p);
}

/* Stories win 2, tie 1, lose 0 (points of 1/2).  By hand:
 *   {2,2,1,0}: win rate 5/8 = .625; P(sum <= 1) = 5/256 = .0195 < .025 <=
 *   P(sum <= 2) = 19/256 = .0742, so lo = 2/8 = .25; P(sum <= 7) = 240/256 =
 *   .9375 < .975, so hi = 8/8 = 1.
 *   {2,1,1,0,0}: P(sum <= 0) = 32/3125 = .0102, P(sum <= 1) = .0614: lo =
 *   1/10; P(sum <= 6) = .9293, P(sum <= 7) = .9805: hi = 7/10.
 * With 10,000 resamples the Monte Carlo order statistics land on these
 * sums unless the cumulative probability is within a few standard errors
 * (sd = sqrt(.025 * .975 / 10000) = .0016) of .025 or .975: the margins
 * here are >= .0055 (3.5 sd). */
static void bootstrap_exact(void **state)
{
    (void)state;
    static const uint8_t a[] = {2, 2, 1, 0}, b[] = {2, 1, 1, 0, 0};
    double lo, hi, margin;
    size_t elo, ehi;

    assert_int_equal(sm_bootstrap_mean(a, 4, 2, 10000, 20260101, &lo, &hi), 0);
    NEAR(lo, 0.25, 1e-12);
    NEAR(hi, 1.0, 1e-12);
    exact_percentiles(a, 4, &elo, &ehi, &margin);
    assert_true(margin > 0.005);
    NEAR(lo, elo / 8.0, 1e-12);
    NEAR(hi, ehi / 8.0, 1e-12);

    assert_int_equal(sm_bootstrap_mean(b, 5, 2, 10000, 20260101, &lo, &hi), 0);
    NEAR(lo, 0.1, 1e-12);
    NEAR(hi, 0.7, 1e-12);
    exact_percentiles(b, 5, &elo, &ehi, &margin);
    assert_true(margin > 0.005);
    NEAR(lo, elo / 10.0, 1e-12);
    NEAR(hi, ehi / 10.0, 1e-12);
    /* other seeds agree too: the result is the distribution's, not the seed's */
    for (uint64_t seed = 1; seed <= 5; seed++) {
        assert_int_equal(sm_bootstrap_mean(b, 5, 2, 10000, seed, &lo, &hi), 0);
        NEAR(lo, 0.1, 1e-12);
        NEAR(hi, 0.7, 1e-12);
    }
}

static void bootstrap_edges(void **state)
{
    (void)state;
    static const uint8_t wins[] = {2, 2, 2}, mixed[] = {2, 0, 3};
    double lo = -1, hi = -1;
    /* all wins: every resample wins */
    assert_int_equal(sm_bootstrap_mean(wins, 3, 2, 1000, 7, &lo, &hi), 0);
    assert_true(lo == 1.0 && hi == 1.0);
    /* one story */
    assert_int_equal(sm_bootstrap_mean(wins, 1, 2, 100, 7, &lo, &hi), 0);
    assert_true(lo == 1.0 && hi == 1.0);
    /* nothing to resample, or a value out of range */
    assert_int_equal(sm_bootstrap_mean(wins, 0, 2, 1000, 7, &lo, &hi), -1);
    assert_int_equal(sm_bootstrap_mean(wins, 3, 2, 0, 7, &lo, &hi), -1);
    assert_int_equal(sm_bootstrap_mean(mixed, 3, 2, 1000, 7, &lo, &hi), -1);
    /* the same seed gives the same interval; R = 40: ranks 1 and 39 */
    static const uint8_t v[] = {2, 1, 0, 0, 2, 1, 2, 0, 1, 2};
    double l1, h1, l2, h2;
    sm_bootstrap_mean(v, 10, 2, 40, 99, &l1, &h1);
    sm_bootstrap_mean(v, 10, 2, 40, 99, &l2, &h2);
    assert_true(l1 == l2 && h1 == h2);
    assert_true(l1 <= 0.55 && h1 >= 0.55);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wilson_by_hand),
        cmocka_unit_test(splitmix_vectors),
        cmocka_unit_test(bootstrap_exact),
        cmocka_unit_test(bootstrap_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
