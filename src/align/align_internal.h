/* align_internal.h - what the aligner's files share (not public API).
 *
 * The aligner works on two token sequences: S, the script's dialogue, and T,
 * the subtitles' speech.  Tokens are interned to integers so that every
 * comparison is an integer compare.  `match_t[t]` holds the S position that
 * T position t is matched to, or -1.  The files follow git's xdiff in
 * spirit, one algorithm each:
 *   align_tokens.c   interning, building S and T
 *   align_anchor.c   unique n-gram anchors + longest increasing subsequence
 *                    (patience diff) giving a monotone backbone
 *   align_lcs.c      exact LCS by dynamic programming for small gaps, and the
 *                    plain O(n*m) LCS the benchmark compares against
 *   align.c          the method: backbone, gaps, moved scenes, segment and
 *                    block assignment, extension, confidence, timing */
#ifndef STORYMOVIE_ALIGN_INTERNAL_H
#define STORYMOVIE_ALIGN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "storymovie/align.h"
#include "storymovie/arena.h"

/* ---- interning ---------------------------------------------------------- */
typedef struct align_interner {
    uint32_t *slots;      /* id+1, 0 = empty */
    uint64_t *hashes;     /* per slot */
    size_t cap;           /* power of two */
    const char **strings; /* id -> string (in arena) */
    uint32_t *lengths;
    size_t n_strings, strings_cap;
    sm_arena arena;
} align_interner;

int align_interner_init(align_interner *in, size_t expected);
/* Returns the id of s[0..len), adding it when new; UINT32_MAX on OOM. */
uint32_t align_intern(align_interner *in, const char *s, size_t len);
/* The id of s[0..len), UINT32_MAX when it was never interned. */
uint32_t align_find(const align_interner *in, const char *s, size_t len);
void align_interner_free(align_interner *in);

/* ---- token sequences ---------------------------------------------------- */
typedef struct align_seq {
    uint32_t *tok;        /* interned ids */
    uint32_t *unit;       /* owning block (S) or segment (T) index */
    size_t n, cap;
    uint32_t *block_first;/* per unit u: its tokens are [block_first[u], block_first[u+1]) */
} align_seq;

/* S: the dialogue blocks' speech; T: the segments' speech.  Both interned
 * with one table so equal words get equal ids.  Returns 0 or -1 (OOM). */
int align_build_sequences(const sm_script *script, const sm_subtitles *subs,
                          align_seq *S, align_seq *T);
/* As align_build_sequences, and also the ids of the words of each dialogue
 * block's speaker name (up to two words of 3+ letters: "Dr. Green" gives
 * "green"), in names[2*b], names[2*b+1]; UINT32_MAX where none.  names has
 * 2 * n_blocks entries.  With `keep`, the interner is handed over there
 * (id -> the token's normalised form, for the word evidence; the caller
 * frees it with align_interner_free); without, it is freed. */
int align_build_sequences_names(const sm_script *script, const sm_subtitles *subs,
                                align_seq *S, align_seq *T, uint32_t *names,
                                align_interner *keep);

int align_seq_push(align_seq *q, uint32_t tok, uint32_t unit);
void align_seq_free(align_seq *q);

/* ---- matching ----------------------------------------------------------- */
typedef struct align_anchor {
    uint32_t s, t;        /* start positions */
    uint32_t len;         /* tokens matched from there */
} align_anchor;

/* Anchors in S[s0,s1) x T[t0,t1): n-grams that occur exactly once on each
 * side, reduced to the longest chain increasing in both S and T.  Writes at
 * most max_out anchors, in order; returns how many. */
size_t align_find_anchors(const uint32_t *S, size_t s0, size_t s1,
                          const uint32_t *T, size_t t0, size_t t1,
                          int ngram, align_anchor *out, size_t max_out);

/* The n-grams that occur once in S[0,ns) and once in T[0,nt) (*shared),
 * and the longest chain of them in order on both sides (*chained): how
 * much the two texts have in common beyond chance. */
void align_shared_ngrams(const uint32_t *S, size_t ns, const uint32_t *T, size_t nt, int ngram,
                         size_t *shared, size_t *chained);

/* Exact LCS of S[s0,s1) and T[t0,t1) by dynamic programming; sets
 * match_t[t] = s for the matched pairs.  The caller keeps the area small
 * ((s1-s0)*(t1-t0) <= ALIGN_DP_MAX_CELLS).  Returns matched count, -1 OOM. */
#define ALIGN_DP_MAX_CELLS (1u << 18)
long align_lcs_dp(const uint32_t *S, size_t s0, size_t s1,
                  const uint32_t *T, size_t t0, size_t t1, int32_t *match_t);

/* The textbook O(n*m) LCS length with two rows, for the benchmark's
 * baseline only. */
size_t align_lcs_plain_length(const uint32_t *S, size_t n, const uint32_t *T, size_t m);

/* Match S[s0,s1) x T[t0,t1): anchors, then recursion into the gaps, DP when
 * the gap is small; regions too large to have evidence stay unmatched. */
void align_match_range(const uint32_t *S, size_t s0, size_t s1,
                       const uint32_t *T, size_t t0, size_t t1,
                       int32_t *match_t, int depth);

/* ---- the method's state (align.c and the evidence files) ---------------- */

/* Why a segment has its speaker, strongest first.  Up to EV_MOVED the
 * evidence is "reliable": the other kinds lean on it.  Up to EV_TURN the
 * segment is placed on a script line (its block); the kinds after say who
 * speaks without a line of the script (the block only names the speaker). */
enum evidence {
    EV_NONE = 0,
    EV_MATCH_STRONG,
    EV_MATCH,
    EV_MATCH_SHORT,
    EV_MOVED,
    EV_LOCAL,
    EV_LOCAL_NEAR,
    EV_INSIDE,
    EV_CONTINUES,
    EV_BETWEEN,
    EV_TURN,
    EV_SCENE_TURN,     /* no line: the one person present left by a dash */
    EV_ADDRESSED,      /* no line: the one person present it does not call by name */
    EV_N
};

typedef struct seg_state {
    uint32_t first, ntok;     /* token range in T */
    long block;               /* assigned block or -1 */
    enum evidence ev;
    uint32_t matched;         /* tokens matched to `block` */
} seg_state;

typedef struct block_state {
    uint32_t first, ntok;     /* token range in S (dialogue only) */
    uint32_t assigned;        /* segments assigned to it */
} block_state;

typedef struct aligner {
    const sm_script *script;
    const sm_subtitles *subs;
    align_seq S, T;
    align_interner vocab;     /* token id -> normalised form */
    int32_t *match_t;         /* T position -> S position, -1 */
    seg_state *seg;
    block_state *blk;
    double fidelity;          /* share of speech segments matched: how closely the script follows the film */
    uint32_t *names;          /* per block: ids of up to two words of its speaker's name */
    long *dialogue_prev;      /* previous dialogue block index, -1 */
    long *dialogue_next;
} aligner;

/* align_state.c: the state every step reads and changes, and step 3. */
int align_same_speaker(const aligner *A, long b1, long b2);
/* The nearest segment before (after) i with reliable evidence, -1 when none. */
long align_prev_reliable(const aligner *A, size_t i);
long align_next_reliable(const aligner *A, size_t i);
/* Segment i takes block b with evidence ev (counted on the block when the
 * evidence is reliable). */
void align_assign(aligner *A, size_t i, long b, enum evidence ev, uint32_t matched);
void align_unassign(aligner *A, size_t i);
/* Strong matches of segments [from, to): evidence strong_ev, or EV_MATCH
 * for two-word matches when strong_ev is EV_MATCH_STRONG. */
void align_assign_strong(aligner *A, size_t from, size_t to, enum evidence strong_ev);
/* The block most of segment i's matched tokens fall in, -1; count: its
 * tokens matched there (or nearby, same speaker), solid: of those in runs
 * of two or more, other: matched elsewhere. */
long align_best_block(const aligner *A, size_t i, uint32_t *count, uint32_t *solid,
                      uint32_t *other);

/* align_moved.c: scenes the edit moved (step 4). */
void align_recover_moves(aligner *A);
/* align_names.c: the canonical character of lines cued under a second
 * name (sm_block_time.character). */
void align_characters(const sm_script *sc, sm_alignment *out);
/* align_scene.c: lines the script lacks, from who is in the scene (step 7). */
void align_assign_scene(aligner *A);

#endif
