/* align_moved.c - scenes the edit moved (step 4 of the method in align.c).
 *
 * The monotone backbone keeps one order of the script's scenes.  A scene
 * the film put elsewhere is left over on both sides: a run of unassigned
 * subtitle segments in one place, a run of unassigned script lines in
 * another.  Runs are paired by the word pairs they share and aligned on
 * their own.  A scene moves as a whole: a lone segment matched into a far
 * scene, with no neighbour placed in that scene, is a common phrase met by
 * chance (measured on draft-like scripts: 4 such matches of 14 were right,
 * against 560 of 563 with a neighbour in the scene), and is dropped. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"

/* A scene the edit moved leaves, after the monotone backbone, a run of
 * unassigned segments in one place and a run of unassigned blocks in
 * another.  Each such segment run votes, bigram by bigram, for the block run
 * that holds the same word pair (pairs found in several runs do not vote);
 * the run with the most votes is aligned with it on its own.  One hash
 * table over all block runs keeps this linear in the script's length. */
typedef struct bigram_slot {
    uint64_t key;        /* (a << 32 | b) + 1; 0 = empty */
    int32_t run;         /* block run holding it, -1 when in several */
} bigram_slot;

static size_t bigram_find(const bigram_slot *tab, size_t cap, uint64_t key)
{
    size_t j = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
    while (tab[j].key && tab[j].key != key)
        j = (j + 1) & (cap - 1);
    return j;
}

static void recover_moves_once(aligner *A)
{
    const sm_script *sc = A->script;
    size_t nseg = A->subs->n_segments;
    typedef struct { uint32_t s0, s1; } range;
    range *bruns = NULL;
    size_t nb = 0, capb = 0, grams = 0;
    for (size_t b = 0; b < sc->n_blocks;) {
        if (sc->blocks[b].kind != SM_BLOCK_DIALOGUE || A->blk[b].assigned || A->blk[b].ntok == 0) {
            b++;
            continue;
        }
        uint32_t s0 = A->blk[b].first, s1 = s0;
        while (b < sc->n_blocks && (sc->blocks[b].kind != SM_BLOCK_DIALOGUE || !A->blk[b].assigned)) {
            if (sc->blocks[b].kind == SM_BLOCK_DIALOGUE)
                s1 = A->blk[b].first + A->blk[b].ntok;
            b++;
        }
        if (s1 - s0 < 6)
            continue;
        if (sm_grow(&bruns, &capb, nb + 1, sizeof *bruns) != 0) {
            free(bruns);
            return;
        }
        bruns[nb].s0 = s0;
        bruns[nb].s1 = s1;
        grams += s1 - s0;
        nb++;
    }
    size_t cap = sm_table_size(grams, 64);
    bigram_slot *tab = nb ? calloc(cap, sizeof *tab) : NULL;
    uint32_t *votes = nb ? calloc(nb, sizeof *votes) : NULL;
    if (!tab || !votes)
        goto done;
    for (size_t r = 0; r < nb; r++)
        for (uint32_t s = bruns[r].s0; s + 1 < bruns[r].s1; s++) {
            uint64_t key = (((uint64_t)A->S.tok[s] << 32) | A->S.tok[s + 1]) + 1;
            size_t j = bigram_find(tab, cap, key);
            if (!tab[j].key) {
                tab[j].key = key;
                tab[j].run = (int32_t)r;
            } else if (tab[j].run != (int32_t)r) {
                tab[j].run = -1;
            }
        }
    for (size_t i = 0; i < nseg;) {
        if (A->seg[i].block >= 0 || A->seg[i].ntok == 0) {
            i++;
            continue;
        }
        size_t j = i;
        uint32_t t0 = A->seg[i].first, t1 = t0;
        while (j < nseg && A->seg[j].block < 0) {
            t1 = A->seg[j].first + A->seg[j].ntok;
            j++;
        }
        size_t first_seg = i;
        i = j;
        if (t1 - t0 < 6)
            continue;
        memset(votes, 0, nb * sizeof *votes);
        for (uint32_t t = t0; t + 1 < t1; t++) {
            uint64_t key = (((uint64_t)A->T.tok[t] << 32) | A->T.tok[t + 1]) + 1;
            size_t k = bigram_find(tab, cap, key);
            if (tab[k].key && tab[k].run >= 0)
                votes[tab[k].run]++;
        }
        size_t best = SIZE_MAX;
        uint32_t best_votes = 1;   /* at least two shared word pairs */
        for (size_t r = 0; r < nb; r++)
            if (votes[r] > best_votes) {
                best_votes = votes[r];
                best = r;
            }
        if (best == SIZE_MAX)
            continue;
        for (uint32_t t = t0; t < t1; t++)
            A->match_t[t] = -1;
        align_match_range(A->S.tok, bruns[best].s0, bruns[best].s1, A->T.tok, t0, t1, A->match_t, 0);
        align_assign_strong(A, first_seg, j, EV_MOVED);
    }
done:
    free(votes);
    free(tab);
    free(bruns);
}

static size_t count_assigned(const aligner *A)
{
    size_t n = 0;
    for (size_t i = 0; i < A->subs->n_segments; i++)
        n += A->seg[i].block >= 0;
    return n;
}

/* Another segment within MOVED_SUPPORT of i placed in the same scene. */
#define MOVED_SUPPORT 3

static int supported(const aligner *A, size_t i)
{
    const sm_script *sc = A->script;
    int scene = sc->blocks[A->seg[i].block].scene;
    size_t lo = i > MOVED_SUPPORT ? i - MOVED_SUPPORT : 0;
    for (size_t k = lo; k <= i + MOVED_SUPPORT && k < A->subs->n_segments; k++)
        if (k != i && A->seg[k].block >= 0 && sc->blocks[A->seg[k].block].scene == scene)
            return 1;
    return 0;
}

void align_recover_moves(aligner *A)
{
    /* Each pass pairs every unassigned stretch with one block run; what a
     * stretch held of other runs is found by the next pass. */
    for (int pass = 0; pass < 4; pass++) {
        size_t before = count_assigned(A);
        recover_moves_once(A);
        if (count_assigned(A) == before)
            break;
    }
    /* Decided on the state after all passes, so that two segments of one
     * moved scene keep each other. */
    size_t n = A->subs->n_segments;
    unsigned char *drop = calloc(n + 1, 1);
    if (!drop)
        return;
    for (size_t i = 0; i < n; i++)
        drop[i] = A->seg[i].ev == EV_MOVED && !supported(A, i);
    for (size_t i = 0; i < n; i++)
        if (drop[i])
            align_unassign(A, i);
    free(drop);
}
