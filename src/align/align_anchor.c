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

/* The n-grams that occur exactly once in S[s0, s1) and once in T[t0, t1),
 * as anchors sorted by script position.  *out is malloc'd; returns their
 * count (0 on OOM too). */
static size_t unique_pairs(const uint32_t *S, size_t s0, size_t s1, const uint32_t *T, size_t t0,
                           size_t t1, int ngram, align_anchor **out)
{
    *out = NULL;
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
    *out = pairs;
    return k;
}

/* The longest chain of pairs (sorted by s) increasing in t, by patience
 * sorting in O(k log k): indices into pairs, first to last, in *chain
 * (malloc'd).  Returns its length (0 on OOM). */
static size_t longest_chain(const align_anchor *pairs, size_t k, size_t **chain)
{
    *chain = NULL;
    size_t *tail = malloc(k * sizeof *tail);   /* tail[len-1] = index of the chain end */
    size_t *prev = malloc(k * sizeof *prev);
    size_t len = 0, n = 0;
    for (size_t i = 0; tail && prev && i < k; i++) {
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
    size_t *c = tail && prev && len ? malloc(len * sizeof *c) : NULL;
    if (c) {
        /* walked back from the end, stored first to last */
        for (size_t i = tail[len - 1]; i != SIZE_MAX; i = prev[i])
            c[len - 1 - n++] = i;
    }
    free(tail);
    free(prev);
    *chain = c;
    return c ? n : 0;
}

/* The chain as anchors into out: n-grams that overlap on the same diagonal
 * merge into longer anchors; one that overlaps the previous anchor on one
 * side only is trimmed (or dropped).  Returns the anchors written. */
static size_t merge_chain(const align_anchor *pairs, const size_t *chain, size_t n, align_anchor *out,
                          size_t max_out)
{
    size_t written = 0;
    for (size_t c = 0; c < n && written < max_out; c++) {
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
    return written;
}

size_t align_find_anchors(const uint32_t *S, size_t s0, size_t s1,
                          const uint32_t *T, size_t t0, size_t t1,
                          int ngram, align_anchor *out, size_t max_out)
{
    if (s1 - s0 < (size_t)ngram || t1 - t0 < (size_t)ngram || max_out == 0)
        return 0;
    align_anchor *pairs;
    size_t k = unique_pairs(S, s0, s1, T, t0, t1, ngram, &pairs);
    if (k == 0)
        return 0;
    size_t *chain;
    size_t n = longest_chain(pairs, k, &chain);
    size_t written = merge_chain(pairs, chain, n, out, max_out);
    free(chain);
    free(pairs);
    return written;
}

/* How much two whole texts share in order: K, the n-grams unique on both
 * sides, and L, the longest chain of them increasing on both.  Unrelated
 * texts share a few common phrases in no particular order, so their chain
 * is about as long as that of a random permutation of K (2 sqrt(K)); a
 * film and its script, even an early draft, chain most of theirs. */
void align_shared_ngrams(const uint32_t *S, size_t ns, const uint32_t *T, size_t nt, int ngram,
                         size_t *shared, size_t *chained)
{
    *shared = *chained = 0;
    if (ns < (size_t)ngram || nt < (size_t)ngram)
        return;
    align_anchor *pairs;
    size_t k = unique_pairs(S, 0, ns, T, 0, nt, ngram, &pairs);
    if (k == 0)
        return;
    size_t *chain;
    *shared = k;
    *chained = longest_chain(pairs, k, &chain);
    free(chain);
    free(pairs);
}
