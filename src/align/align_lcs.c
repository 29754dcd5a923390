/* align_lcs.c - exact longest common subsequence for the small gaps between
 * anchors, and the textbook quadratic LCS the benchmark measures against. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

long align_lcs_dp(const uint32_t *S, size_t s0, size_t s1,
                  const uint32_t *T, size_t t0, size_t t1, int32_t *match_t)
{
    size_t n = s1 - s0, m = t1 - t0;
    if (n == 0 || m == 0)
        return 0;
    size_t w = m + 1;
    /* Lengths fit 16 bits: n*m <= ALIGN_DP_MAX_CELLS bounds min(n,m). */
    uint16_t *L = calloc((n + 1) * w, sizeof *L);
    if (!L)
        return -1;
    for (size_t i = 1; i <= n; i++) {
        uint32_t si = S[s0 + i - 1];
        uint16_t *row = L + i * w, *up = row - w;
        for (size_t j = 1; j <= m; j++) {
            if (si == T[t0 + j - 1])
                row[j] = (uint16_t)(up[j - 1] + 1);
            else
                row[j] = up[j] >= row[j - 1] ? up[j] : row[j - 1];
        }
    }
    long matched = 0;
    size_t i = n, j = m;
    while (i > 0 && j > 0) {
        if (S[s0 + i - 1] == T[t0 + j - 1]) {
            match_t[t0 + j - 1] = (int32_t)(s0 + i - 1);
            matched++;
            i--;
            j--;
        } else if (L[(i - 1) * w + j] >= L[i * w + j - 1]) {
            i--;
        } else {
            j--;
        }
    }
    free(L);
    return matched;
}

size_t align_lcs_plain_length(const uint32_t *S, size_t n, const uint32_t *T, size_t m)
{
    uint32_t *prev = calloc(m + 1, sizeof *prev), *cur = calloc(m + 1, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return 0;
    }
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++)
            cur[j] = S[i - 1] == T[j - 1] ? prev[j - 1] + 1
                                          : (prev[j] > cur[j - 1] ? prev[j] : cur[j - 1]);
        uint32_t *x = prev;
        prev = cur;
        cur = x;
    }
    size_t r = prev[m];
    free(prev);
    free(cur);
    return r;
}

void align_match_range(const uint32_t *S, size_t s0, size_t s1,
                       const uint32_t *T, size_t t0, size_t t1,
                       int32_t *match_t, int depth)
{
    /* Equal tokens at both ends belong together in every LCS. */
    while (s0 < s1 && t0 < t1 && S[s0] == T[t0])
        match_t[t0++] = (int32_t)s0++;
    while (s0 < s1 && t0 < t1 && S[s1 - 1] == T[t1 - 1])
        match_t[--t1] = (int32_t)--s1;
    if (s0 >= s1 || t0 >= t1)
        return;
    size_t n = s1 - s0, m = t1 - t0;
    if (n * m <= ALIGN_DP_MAX_CELLS) {
        align_lcs_dp(S, s0, s1, T, t0, t1, match_t);
        return;
    }
    if (depth > 64)
        return;
    size_t max = n < m ? n : m;
    align_anchor *anchors = malloc(max * sizeof *anchors);
    if (!anchors)
        return;
    size_t k = 0;
    /* Longer n-grams first: in a big region a unique single word is weak
     * evidence, a unique trigram strong. */
    for (int g = 3; g >= 1 && k == 0; g--)
        k = align_find_anchors(S, s0, s1, T, t0, t1, g, anchors, max);
    if (k == 0) {
        /* Too large for DP and not one shared unique word: no evidence that
         * these stretches correspond; leave them unmatched. */
        free(anchors);
        return;
    }
    size_t ps = s0, pt = t0;
    for (size_t a = 0; a < k; a++) {
        align_match_range(S, ps, anchors[a].s, T, pt, anchors[a].t, match_t, depth + 1);
        for (uint32_t x = 0; x < anchors[a].len; x++)
            match_t[anchors[a].t + x] = (int32_t)(anchors[a].s + x);
        ps = anchors[a].s + anchors[a].len;
        pt = anchors[a].t + anchors[a].len;
    }
    align_match_range(S, ps, s1, T, pt, t1, match_t, depth + 1);
    free(anchors);
}
