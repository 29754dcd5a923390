/* align_state.c - which line each subtitle segment is placed on, and why:
 * the aligner's state as every step of the method (align.c and the
 * evidence files align_moved.c, align_scene.c) reads and changes it, and
 * step 3 (a segment takes the line most of its matched words are in),
 * which the moved scenes of step 4 use again. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

int align_same_speaker(const aligner *A, long b1, long b2)
{
    const char *k1 = A->script->blocks[b1].speaker_key, *k2 = A->script->blocks[b2].speaker_key;
    return k1 && k2 && strcmp(k1, k2) == 0;
}

/* The block most of segment i's matched tokens fall in.  `count` is how
 * many of the segment's tokens matched that block or a nearby block of the
 * same speaker (a subtitle may merge two short lines of one person, or the
 * script may split one speech in two), `solid` how many of those sit in runs
 * of two or more consecutive matches (isolated one-word matches are what a
 * long LCS produces by chance), `other` how many matched someone else. */
long align_best_block(const aligner *A, size_t i, uint32_t *count, uint32_t *solid,
                      uint32_t *other)
{
    const seg_state *g = &A->seg[i];
    long best = -1;
    uint32_t best_n = 0, total = 0;
    for (uint32_t t = g->first; t < g->first + g->ntok; t++) {
        int32_t s = A->match_t[t];
        if (s < 0)
            continue;
        total++;
        long b = (long)A->S.unit[s];
        if (b == best)
            continue;
        uint32_t n = 0;
        for (uint32_t u = t; u < g->first + g->ntok; u++)
            if (A->match_t[u] >= 0 && (long)A->S.unit[A->match_t[u]] == b)
                n++;
        if (n > best_n) {
            best = b;
            best_n = n;
        }
    }
    uint32_t n = 0, sol = 0;
    if (best >= 0) {
        for (uint32_t u = g->first; u < g->first + g->ntok; u++) {
            int32_t su = A->match_t[u];
            if (su < 0)
                continue;
            long b = (long)A->S.unit[su];
            if (b != best && (labs(b - best) > 8 || !align_same_speaker(A, b, best)))
                continue;
            n++;
            sol += (u > g->first && A->match_t[u - 1] == su - 1) ||
                   (u + 1 < g->first + g->ntok && A->match_t[u + 1] == su + 1);
        }
    }
    *count = n;
    *solid = sol;
    *other = total - n;
    return best;
}

void align_assign(aligner *A, size_t i, long b, enum evidence ev, uint32_t matched)
{
    seg_state *g = &A->seg[i];
    g->block = b;
    g->ev = ev;
    g->matched = matched;
    if (ev <= EV_MOVED)
        A->blk[b].assigned++;
}

void align_unassign(aligner *A, size_t i)
{
    seg_state *g = &A->seg[i];
    if (g->block >= 0 && g->ev <= EV_MOVED)
        A->blk[g->block].assigned--;
    g->block = -1;
    g->ev = EV_NONE;
    g->matched = 0;
}

void align_assign_strong(aligner *A, size_t from, size_t to, enum evidence strong_ev)
{
    for (size_t i = from; i < to; i++) {
        seg_state *g = &A->seg[i];
        if (g->block >= 0 || g->ntok == 0)
            continue;
        uint32_t c, solid, other;
        long b = align_best_block(A, i, &c, &solid, &other);
        if (b < 0 || other * 2 > c)
            continue;
        enum evidence ev = EV_NONE;
        if (c >= 3 && solid >= 3 && 2 * c >= g->ntok)
            ev = strong_ev;
        else if (c >= 2 && solid >= 2 && 2 * c >= g->ntok)
            ev = strong_ev == EV_MATCH_STRONG ? EV_MATCH : strong_ev;
        if (ev != EV_NONE)
            align_assign(A, i, b, ev, c);
    }
}

long align_prev_reliable(const aligner *A, size_t i)
{
    while (i-- > 0)
        if (A->seg[i].block >= 0 && A->seg[i].ev <= EV_MOVED)
            return (long)i;
    return -1;
}

long align_next_reliable(const aligner *A, size_t i)
{
    for (size_t k = i + 1; k < A->subs->n_segments; k++)
        if (A->seg[k].block >= 0 && A->seg[k].ev <= EV_MOVED)
            return (long)k;
    return -1;
}

