/* align_anchor.c - the monotone backbone: unique n-gram anchors reduced to
 * their longest increasing chain (the idea of patience diff).
 *
 * An n-gram that occurs exactly once in the script range and once in the
 * subtitle range almost certainly marks the same line of dialogue.  Lines cut,
 * added or rewritten produce no anchors or isolated ones; the longest chain
 * that increases on both sides drops the isolated ones (and the smaller of two
 * swapped scenes, which align.c recovers later).  Working on n-grams instead of
 * single words keeps a rewritten or inserted word from creating a false
 * anchor. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"

typedef struct gram_slot {
    uint64_t hash;
    uint32_t s_pos, t_pos;
    uint32_t s_count, t_count;
    int used;
} gram_slot;

static uint64_t gram_hash(const uint32_t *v, int n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < n; i++) {
        h ^= v[i] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
        h *= 0xff51afd7ed558ccdull;
    }
    return h ^ (h >> 33);
}

static int cmp_anchor_s(const void *a, const void *b)
{
    const align_anchor *x = a, *y = b;
    return (x->s > y->s) - (x->s < y->s);
}

size_t align_find_anchors(const uint32_t *S, size_t s0, size_t s1,
                          const uint32_t *T, size_t t0, size_t t1,
                          int ngram, align_anchor *out, size_t max_out)
{
    if (s1 - s0 < (size_t)ngram || t1 - t0 < (size_t)ngram || max_out == 0)
        return 0;
    size_t ns = s1 - s0 - (size_t)ngram + 1;
    size_t cap = sm_table_size(ns, 64);
    gram_slot *tab = calloc(cap, sizeof *tab);
    if (!tab)
        return 0;
    /* Count the script's n-grams. */
    for (size_t s = s0; s + (size_t)ngram <= s1; s++) {
        uint64_t h = gram_hash(S + s, ngram);
        size_t j = h & (cap - 1);
        for (;;) {
            gram_slot *g = &tab[j];
            if (!g->used) {
                g->used = 1;
                g->hash = h;
                g->s_pos = (uint32_t)s;
                g->s_count = 1;
                break;
            }
            if (g->hash == h && memcmp(S + g->s_pos, S + s, (size_t)ngram * sizeof *S) == 0) {
                g->s_count++;
                break;
            }
            j = (j + 1) & (cap - 1);
        }
    }
    /* Look the subtitles' n-grams up. */
    for (size_t t = t0; t + (size_t)ngram <= t1; t++) {
        uint64_t h = gram_hash(T + t, ngram);
        size_t j = h & (cap - 1);
        while (tab[j].used) {
            gram_slot *g = &tab[j];
            if (g->hash == h && memcmp(S + g->s_pos, T + t, (size_t)ngram * sizeof *S) == 0) {
                if (g->t_count++ == 0)
                    g->t_pos = (uint32_t)t;
                break;
            }
            j = (j + 1) & (cap - 1);
        }
    }
    size_t k = 0, kcap = 0;
    align_anchor *pairs = NULL;
    for (size_t j = 0; j < cap; j++) {
        gram_slot *g = &tab[j];
        if (!g->used || g->s_count != 1 || g->t_count != 1)
            continue;
        if (sm_grow(&pairs, &kcap, k + 1, sizeof *pairs) != 0) {
            free(pairs);
            free(tab);
            return 0;
        }
        pairs[k].s = g->s_pos;
        pairs[k].t = g->t_pos;
        pairs[k].len = (uint32_t)ngram;
        k++;
    }
    free(tab);
    if (k == 0) {
        free(pairs);
        return 0;
    }
    qsort(pairs, k, sizeof *pairs, cmp_anchor_s);

    /* Longest chain increasing in t (patience sorting, O(k log k)). */
    size_t *tail = malloc(k * sizeof *tail);   /* tail[len-1] = index of the chain end */
    size_t *prev = malloc(k * sizeof *prev);
    if (!tail || !prev) {
        free(tail);
        free(prev);
        free(pairs);
        return 0;
    }
    size_t len = 0;
    for (size_t i = 0; i < k; i++) {
        size_t lo = 0, hi = len;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (pairs[tail[mid]].t < pairs[i].t)
                lo = mid + 1;
            else
                hi = mid;
        }
        prev[i] = lo > 0 ? tail[lo - 1] : SIZE_MAX;
        tail[lo] = i;
        if (lo == len)
            len++;
    }
    /* Walk the chain back; merge n-grams that overlap into longer anchors and
     * drop those that would overlap on one side only. */
    size_t *chain = malloc(len * sizeof *chain);
    size_t n = 0;
    if (chain) {
        for (size_t i = tail[len - 1]; i != SIZE_MAX; i = prev[i])
            chain[n++] = i;
    }
    size_t written = 0;
    for (size_t c = n; c-- > 0 && written < max_out;) {
        align_anchor a = pairs[chain[c]];
        if (written > 0) {
            align_anchor *last = &out[written - 1];
            uint32_t ls = last->s + last->len, lt = last->t + last->len;
            if (a.s - last->s == a.t - last->t && a.s <= ls) {
                /* same diagonal, overlapping or touching: extend */
                uint32_t end = a.s + a.len;
                if (end > ls)
                    last->len = end - last->s;
                continue;
            }
            if (a.s < ls || a.t < lt) {
                /* overlaps the previous anchor on one side: trim its start */
                uint32_t skip = 0;
                if (a.s < ls)
                    skip = ls - a.s;
                if (a.t < lt && lt - a.t > skip)
                    skip = lt - a.t;
                if (skip >= a.len)
                    continue;
                a.s += skip;
                a.t += skip;
                a.len -= skip;
            }
        }
        out[written++] = a;
    }
    free(chain);
    free(tail);
    free(prev);
    free(pairs);
    return written;
}
