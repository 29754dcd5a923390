/* align.c - who says what, and when.
 *
 * The method (after the StoryMovie pipeline, made robust to real scripts):
 *  1. Tokenise the script's dialogue (S) and the subtitles' speech (T) into
 *     normalised, interned tokens (align_tokens.c).
 *  2. Backbone: unique n-gram anchors reduced to their longest monotone chain
 *     (align_anchor.c), exact LCS in the gaps between anchors (align_lcs.c).
 *     Large stretches with no shared evidence stay unmatched instead of being
 *     forced together: that is what keeps cut scenes and ad-libs from
 *     dragging the rest out of place.
 *  3. Segment -> block: each subtitle segment takes the block most of its
 *     matched tokens belong to, when the match is strong enough to trust.
 *  4. Moved scenes: runs of unassigned segments are matched again against
 *     runs of unassigned script blocks anywhere in the script.
 *  5. Local placement: short segments, words taken by repeats and rewritten
 *     lines go to the script line between their matched neighbours that
 *     holds their words.
 *  6. Extension: segments with no words matched take a speaker from their
 *     neighbours only where that is safe (inside one line, a sentence that
 *     runs on, a rewritten line between two matched ones); guesses from the
 *     turn order alone only where the script follows the film closely.
 *  7. Lines the script lacks: in a scene known from the matched lines
 *     around them, the one person present that a dash or a vocative does
 *     not rule out (align_scene.c).
 *  8. The subtitles' own speaker labels name their speaker.
 *  9. Confidence per evidence kind; blocks and scenes get times.
 * Weak evidence abstains: a null speaker is better than a wrong one. */
#include "align/align_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"

/* Confidence per kind of evidence: what the evidence is worth, measured as
 * precision on the Friends development episodes (verbatim and draft-like
 * scripts) and rounded down, not tuned per file. */
#define CONF_MATCH_STRONG 0.99   /* >= 3 tokens in order, most of the segment */
#define CONF_MATCH        0.96   /* 2+ tokens, half the segment or more */
#define CONF_MATCH_SHORT  0.90   /* a one/two word segment in a consistent place */
#define CONF_HINT         0.97   /* the subtitle's own label names a script speaker */
#define CONF_HINT_OTHER   0.90   /* a label that names nobody in the script */
#define CONF_LOCAL        0.93   /* its words are in the one free script line between its matched neighbours */
#define CONF_LOCAL_NEAR   0.80   /* ... in a neighbour's script line */
#define CONF_INSIDE       0.93   /* between two segments of the same block */
#define CONF_CONTINUES    0.90   /* the sentence runs on from the previous segment */
#define CONF_BETWEEN      0.70   /* the one unmatched script line between two matched (Friends verbatim + drafts 70/95) */
#define CONF_TURN         0.80   /* the other side of a two-speaker dash cue */
#define CONF_SCENE_TURN   0.80   /* the one person present left by a dash (Friends drafts 31/36) */
#define CONF_ADDRESSED    0.80   /* the one person present it does not call by name (4/4) */

/* A neighbour's line is borrowed only by a segment said at most this long
 * after (before) that neighbour. */
#define NEAR_GAP_SECONDS  5.0
/* A script is "faithful" when this share of the speech segments matched
 * (Friends transcripts: 0.76-0.97, median 0.89; draft-like scripts made from
 * them: 0.43-0.78, median 0.67). */
#define FAITHFUL_SCRIPT   0.80


void sm_align_options_init(sm_align_options *o)
{
    o->min_confidence = 0.5;
    o->use_hints = 1;
}

/* ---- 3. segment -> block: align_assign_strong in align_state.c ---------- */

/* Dialogue lines between block a and block b (a <= b), counting steps. */
static int lines_apart(const aligner *A, long a, long b)
{
    int steps = 0;
    while (a >= 0 && a < b && steps < 8) {
        a = A->dialogue_next[a];
        steps++;
    }
    return a == b ? steps : 99;
}

/* First and last S positions segment i's tokens matched, -1 when none. */
static void matched_span(const aligner *A, size_t i, int32_t *first, int32_t *last)
{
    const seg_state *g = &A->seg[i];
    *first = *last = -1;
    for (uint32_t t = g->first; t < g->first + g->ntok; t++) {
        int32_t s = A->match_t[t];
        if (s < 0)
            continue;
        if (*first < 0)
            *first = s;
        *last = s;
    }
}

/* Short segments ("Yeah.", "What?") match by chance too easily to stand
 * alone.  They count when their words follow straight on from the
 * neighbouring segment's words in the same script line, or when the match
 * sits in order between the matched neighbours, at most a line away. */
static void assign_short(aligner *A)
{
    size_t nseg = A->subs->n_segments;
    for (size_t i = 0; i < nseg; i++) {
        seg_state *g = &A->seg[i];
        if (g->block >= 0 || g->ntok == 0 || g->ntok > 3)
            continue;
        uint32_t c, solid, other;
        long b = align_best_block(A, i, &c, &solid, &other);
        if (b < 0 || c < g->ntok)
            continue;
        int32_t f, l, pf, pl;
        matched_span(A, i, &f, &l);
        int continues = 0;
        if (i > 0 && A->seg[i - 1].block == b && A->seg[i - 1].ev <= EV_MOVED) {
            matched_span(A, i - 1, &pf, &pl);
            continues = pl >= 0 && f == pl + 1;
        }
        if (!continues && i + 1 < nseg && A->seg[i + 1].block == b && A->seg[i + 1].ev <= EV_MOVED) {
            matched_span(A, i + 1, &pf, &pl);
            continues = pf >= 0 && l + 1 == pf;
        }
        long p = align_prev_reliable(A, i), n = align_next_reliable(A, i);
        int in_order = p >= 0 && n >= 0 && A->seg[p].block <= b && b <= A->seg[n].block &&
                       lines_apart(A, A->seg[p].block, b) <= 2 &&
                       lines_apart(A, b, A->seg[n].block) <= 2;
        if (continues || in_order)
            align_assign(A, i, b, EV_MATCH_SHORT, c);
    }
}

/* Between two reliably matched neighbours the script offers only a few
 * lines.  A segment the LCS left out (its words were taken by a repeat, or
 * the film says the lines in another order) belongs to the one line among
 * those that holds most of its words, when that line is clearly the best. */
static void assign_local(aligner *A)
{
    const sm_script *sc = A->script;
    for (size_t i = 0; i < A->subs->n_segments; i++) {
        seg_state *g = &A->seg[i];
        if (g->block >= 0 || g->ntok == 0)
            continue;
        long p = align_prev_reliable(A, i), n = align_next_reliable(A, i);
        if (p < 0 || n < 0)
            continue;
        long bp = A->seg[p].block, bn = A->seg[n].block;
        if (bp > bn)
            continue;
        int lines = 0;
        for (long b = bp; b >= 0 && b <= bn; b = A->dialogue_next[b])
            lines++;
        if (lines > 6)
            continue;
        long best = -1;
        uint32_t best_score = 0;
        int tie = 0;
        for (long b = bp; b >= 0 && b <= bn; b = A->dialogue_next[b]) {
            const block_state *bs = &A->blk[b];
            uint32_t score = 0;
            for (uint32_t t = g->first; t < g->first + g->ntok; t++) {
                /* count each segment word once if the line has it */
                for (uint32_t s = bs->first; s < bs->first + bs->ntok; s++)
                    if (A->S.tok[s] == A->T.tok[t]) {
                        score++;
                        break;
                    }
            }
            if (score > best_score) {
                best_score = score;
                best = b;
                tie = 0;
            } else if (score == best_score && score > 0 && !align_same_speaker(A, b, best)) {
                tie = 1;
            }
        }
        /* Half its words in a line no other segment took, 60% in a
         * neighbour's line (which has already been said once). */
        uint32_t need = A->blk[best >= 0 ? best : 0].assigned ? (g->ntok * 3 + 4) / 5
                                                              : (g->ntok + 1) / 2;
        if (g->ntok >= 4 && need < 3)
            need = 3;
        if (best < 0 || tie || best_score < need || sc->blocks[best].kind != SM_BLOCK_DIALOGUE)
            continue;
        /* A dash after a neighbour in the same cue means another speaker,
         * so the segment does not continue that neighbour's line; subtitles
         * also dash one speaker's two sentences, though, and where the
         * script follows the film closely the shared words win. */
        const sm_segment *me = &A->subs->segments[i];
        if (best == bp && A->subs->segments[p].cue == me->cue && A->fidelity < FAITHFUL_SCRIPT)
            continue;
        /* Words shared with a neighbour's line count only when the segment
         * follows that neighbour closely: after a long pause the film has
         * usually moved on (another scene, an added line). */
        const sm_segment *sp = &A->subs->segments[p], *sn = &A->subs->segments[n];
        if (A->blk[best].assigned &&
            ((best == bp && me->start - sp->end > NEAR_GAP_SECONDS) ||
             (best == bn && sn->start - me->end > NEAR_GAP_SECONDS) ||
             (best != bp && best != bn)))
            continue;
        /* A line no other segment took is a far better sign than a word
         * shared with a neighbour's line (measured: 96% against 84%). */
        align_assign(A, i, best, A->blk[best].assigned ? EV_LOCAL_NEAR : EV_LOCAL, best_score);
    }
}

static double speech_fidelity(const aligner *A)
{
    size_t speech = 0, matched = 0;
    for (size_t i = 0; i < A->subs->n_segments; i++) {
        if (A->seg[i].ntok == 0)
            continue;
        speech++;
        matched += A->seg[i].block >= 0;
    }
    return speech ? (double)matched / (double)speech : 0.0;
}

/* ---- 5. extension ------------------------------------------------------ */

static const char *speaker_of(const aligner *A, long block)
{
    return block >= 0 ? A->script->blocks[block].speaker : NULL;
}

static int runs_on(const char *prev, const char *next)
{
    size_t n = strlen(prev);
    while (n > 0 && prev[n - 1] == ' ')
        n--;
    if (n == 0)
        return 0;
    unsigned char last = (unsigned char)prev[n - 1];
    if (!(last == ',' || (last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z') ||
          (last >= '0' && last <= '9')))
        return 0;
    while (*next == ' ' || *next == '.')
        next++;
    return *next >= 'a' && *next <= 'z';
}

/* How many of segment i's words script block b has (each counted once). */
static uint32_t shared_words(const aligner *A, size_t i, long b)
{
    const seg_state *g = &A->seg[i];
    const block_state *bs = &A->blk[b];
    uint32_t n = 0;
    for (uint32_t t = g->first; t < g->first + g->ntok; t++)
        for (uint32_t s = bs->first; s < bs->first + bs->ntok; s++)
            if (A->S.tok[s] == A->T.tok[t]) {
                n++;
                break;
            }
    return n;
}

/* Speakers for segments no words matched, from their neighbours, only
 * where that is safe.  Measured on draft-like scripts, a run-on sentence or
 * the turn order alone names the right speaker only about half the time
 * (the script line may simply have been cut): those guesses are not made. */
static void extend(aligner *A)
{
    const sm_subtitles *su = A->subs;
    size_t nseg = su->n_segments;
    int faithful = A->fidelity >= FAITHFUL_SCRIPT;
    for (size_t i = 0; i < nseg; i++) {
        seg_state *g = &A->seg[i];
        if (g->block >= 0 || g->ntok == 0)
            continue;
        long p = align_prev_reliable(A, i), n = align_next_reliable(A, i);
        long bp = p >= 0 ? A->seg[p].block : -1, bn = n >= 0 ? A->seg[n].block : -1;
        /* Inside one block: the matched segments before and after belong
         * to the same script line, no dash opens a turn between them, so
         * this one is part of that line too (with words rewritten). */
        if (bp >= 0 && bp == bn && (size_t)(n - p) <= 4) {
            int turn_between = 0;
            for (long k = p + 1; k <= n; k++)
                if (su->segments[k].index > 1)
                    turn_between = 1;
            if (!turn_between) {
                align_assign(A, i, bp, EV_INSIDE, 0);
                continue;
            }
        }
        /* A sentence broken over two cues: the previous segment stops
         * without any punctuation (or on a comma) and this one goes on in
         * lower case.  A trailing "..." is not that: in subtitles it marks
         * a speaker cut off, often by someone else. */
        if (p >= 0 && p == (long)i - 1 && su->segments[i].index == 1 &&
            su->segments[i].start - su->segments[p].end < 1.0 &&
            runs_on(su->segments[p].text, su->segments[i].text)) {
            align_assign(A, i, bp, EV_CONTINUES, 0);
            continue;
        }
        /* One unmatched script line between two matched ones, and this
         * segment shares words with it: a line rewritten beyond matching. */
        if (bp >= 0 && bn > bp) {
            long mid = A->dialogue_next[bp];
            uint32_t shared = mid >= 0 ? shared_words(A, i, mid) : 0;
            /* One shared word is chance unless the line is that short.  A
             * script that follows the film closely (a transcript) seldom
             * has lines the film cut, so there the turn order alone is
             * good evidence. */
            if (mid >= 0 && mid < bn && A->dialogue_next[mid] == bn && A->blk[mid].assigned == 0 &&
                (shared >= 2 || (shared == 1 && A->blk[mid].ntok <= 3) || faithful)) {
                align_assign(A, i, mid, EV_BETWEEN, 0);
                continue;
            }
        }
    }
    /* Two-speaker dash cues: when one side is matched, the other side is
     * the neighbouring script line by someone else, if that line is not
     * matched elsewhere and shares a word with it. */
    for (size_t c = 0; c < su->n_cues; c++) {
        const sm_cue *cue = &su->cues[c];
        if (cue->n_segments != 2)
            continue;
        size_t a = cue->first_segment, b = a + 1;
        seg_state *ga = &A->seg[a], *gb = &A->seg[b];
        if (ga->block >= 0 && gb->block < 0 && gb->ntok > 0 && ga->ev <= EV_MOVED) {
            long nb = A->dialogue_next[ga->block];
            if (nb >= 0 && !align_same_speaker(A, nb, ga->block) &&
                (faithful || (A->blk[nb].assigned == 0 && shared_words(A, b, nb) >= 1))) {
                align_assign(A, b, nb, EV_TURN, 0);
            }
        } else if (gb->block >= 0 && ga->block < 0 && ga->ntok > 0 && gb->ev <= EV_MOVED) {
            long pb = A->dialogue_prev[gb->block];
            if (pb >= 0 && !align_same_speaker(A, pb, gb->block) &&
                (faithful || (A->blk[pb].assigned == 0 && shared_words(A, a, pb) >= 1))) {
                align_assign(A, a, pb, EV_TURN, 0);
            }
        }
    }
}

/* People seldom say their own name: a segment that addresses its assigned
 * speaker by name ("Good night, John." given to JOHN), where the script line
 * does not have that name, was placed on its other words by chance. */
static void drop_self_address(aligner *A)
{
    for (size_t i = 0; i < A->subs->n_segments; i++) {
        seg_state *g = &A->seg[i];
        if (g->block < 0 || g->ev == EV_MATCH_STRONG)
            continue;   /* three words in a row outweigh a name */
        const uint32_t *nm = A->names + 2 * g->block;
        const block_state *bs = &A->blk[g->block];
        for (uint32_t t = g->first; t < g->first + g->ntok; t++) {
            uint32_t w = A->T.tok[t];
            if (w != nm[0] && w != nm[1])
                continue;
            int in_line = 0;
            for (uint32_t s = bs->first; s < bs->first + bs->ntok && !in_line; s++)
                in_line = A->S.tok[s] == w;
            if (!in_line) {
                align_unassign(A, i);
                break;
            }
        }
    }
}

/* ---- 7. timing ----------------------------------------------------------- */

static void time_blocks(const aligner *A, sm_alignment *out)
{
    const sm_script *sc = A->script;
    const sm_subtitles *su = A->subs;
    for (size_t i = 0; i < su->n_segments; i++) {
        long b = A->seg[i].block;
        if (b < 0 || A->seg[i].ev > EV_BETWEEN)
            continue;
        sm_block_time *t = &out->blocks[b];
        const sm_segment *s = &su->segments[i];
        if (t->timing == SM_TIMING_NONE) {
            t->timing = SM_TIMING_ALIGNED;
            t->start = s->start;
            t->end = s->end;
        } else {
            if (s->start < t->start)
                t->start = s->start;
            if (s->end > t->end)
                t->end = s->end;
        }
        t->matched_tokens += A->seg[i].matched;
    }
    /* Interpolate between aligned neighbours, in proportion to text length:
     * a scene heading or action line sits where the story puts it. */
    long prev = -1;
    for (size_t b = 0; b <= sc->n_blocks; b++) {
        if (b < sc->n_blocks && out->blocks[b].timing != SM_TIMING_ALIGNED)
            continue;
        if (prev >= 0 && b < sc->n_blocks && (long)b > prev + 1) {
            double t0 = out->blocks[prev].end, t1 = out->blocks[b].start;
            if (t1 >= t0) {
                double total = 0;
                for (size_t k = (size_t)prev + 1; k < b; k++)
                    total += 1.0 + strlen(sc->blocks[k].text ? sc->blocks[k].text : "");
                double acc = 0;
                for (size_t k = (size_t)prev + 1; k < b; k++) {
                    double len = 1.0 + strlen(sc->blocks[k].text ? sc->blocks[k].text : "");
                    sm_block_time *t = &out->blocks[k];
                    t->timing = SM_TIMING_INTERPOLATED;
                    t->start = t0 + (t1 - t0) * acc / total;
                    acc += len;
                    t->end = t0 + (t1 - t0) * acc / total;
                }
            }
        }
        if (b < sc->n_blocks)
            prev = (long)b;
    }
    for (size_t b = 0; b < sc->n_blocks; b++) {
        const sm_block_time *t = &out->blocks[b];
        int sc_i = sc->blocks[b].scene;
        if (t->timing == SM_TIMING_NONE || sc_i < 0 || (size_t)sc_i >= out->n_scenes)
            continue;
        sm_scene_time *st = &out->scenes[sc_i];
        if (st->timing == SM_TIMING_NONE) {
            st->start = t->start;
            st->end = t->end;
            st->timing = t->timing;
        } else {
            if (t->start < st->start)
                st->start = t->start;
            if (t->end > st->end)
                st->end = t->end;
            if (t->timing == SM_TIMING_ALIGNED)
                st->timing = SM_TIMING_ALIGNED;
        }
    }
}

/* ---- 6. speaker labels and the result ------------------------------------ */

static const char *const evidence_name[EV_N] = {
    [EV_MATCH_STRONG] = "match", [EV_MATCH] = "match", [EV_MATCH_SHORT] = "match-short",
    [EV_MOVED] = "moved", [EV_LOCAL] = "local", [EV_LOCAL_NEAR] = "local-near",
    [EV_INSIDE] = "inside", [EV_CONTINUES] = "continues", [EV_BETWEEN] = "between",
    [EV_TURN] = "turn", [EV_SCENE_TURN] = "scene-turn", [EV_ADDRESSED] = "addressed",
};

static double evidence_confidence(enum evidence ev)
{
    switch (ev) {
    case EV_MATCH_STRONG: return CONF_MATCH_STRONG;
    case EV_MATCH: return CONF_MATCH;
    case EV_MATCH_SHORT: return CONF_MATCH_SHORT;
    case EV_MOVED: return CONF_MATCH;
    case EV_LOCAL: return CONF_LOCAL;
    case EV_LOCAL_NEAR: return CONF_LOCAL_NEAR;
    case EV_INSIDE: return CONF_INSIDE;
    case EV_CONTINUES: return CONF_CONTINUES;
    case EV_BETWEEN: return CONF_BETWEEN;
    case EV_TURN: return CONF_TURN;
    case EV_SCENE_TURN: return CONF_SCENE_TURN;
    case EV_ADDRESSED: return CONF_ADDRESSED;
    default: return 0;
    }
}

/* The script's spelling of a label's name, when the script has that
 * speaker: names are printed as the script writes them.  A label may give a
 * surname where the script gives a title too (FRANZBLAU, "Dr. Franzblau"):
 * a script name whose key ends with the label's key counts when it is the
 * only one. */
static const char *script_name_for(const sm_script *sc, const char *hint)
{
    char key[256];
    size_t kn = sm_speaker_key(hint, key, sizeof key);
    if (kn == 0)
        return NULL;
    const char *suffix_match = NULL;
    int suffix_matches = 0;
    for (size_t b = 0; b < sc->n_blocks; b++) {
        const sm_block *blk = &sc->blocks[b];
        if (blk->kind != SM_BLOCK_DIALOGUE || !blk->speaker_key)
            continue;
        if (strcmp(blk->speaker_key, key) == 0)
            return blk->speaker;
        size_t n = strlen(blk->speaker_key);
        if (kn >= 3 && n > kn && strcmp(blk->speaker_key + n - kn, key) == 0 &&
            (!suffix_match || strcmp(suffix_match, blk->speaker) != 0)) {
            suffix_match = blk->speaker;
            suffix_matches++;
        }
    }
    return suffix_matches == 1 ? suffix_match : NULL;
}

static void finish(aligner *A, const sm_align_options *opt, sm_alignment *out)
{
    const sm_subtitles *su = A->subs;
    for (size_t i = 0; i < su->n_segments; i++) {
        seg_state *g = &A->seg[i];
        sm_segment_speaker *r = &out->segments[i];
        /* Evidence from the scene names a speaker, not a line. */
        r->block = g->ev <= EV_TURN ? g->block : -1;
        r->speaker = speaker_of(A, g->block);
        r->confidence = r->speaker ? evidence_confidence(g->ev) : 0;
        r->evidence = r->speaker ? evidence_name[g->ev] : NULL;
        /* The subtitle's own label names the speaker outright; the script's
         * spelling of that name is printed when the script has it. */
        const char *hint = su->segments[i].speaker_hint;
        if (opt->use_hints && hint) {
            /* The label is the subtitles' own: right whatever the script,
             * but a script of another film cannot spell its name. */
            const char *name = out->mismatch ? NULL : script_name_for(A->script, hint);
            int agrees = name && r->speaker && strcmp(name, r->speaker) == 0;
            r->speaker = name ? name : hint;
            r->confidence = agrees ? CONF_MATCH_STRONG : name ? CONF_HINT : CONF_HINT_OTHER;
            r->evidence = "hint";
        }
        if (r->speaker && r->confidence < opt->min_confidence) {
            r->speaker = NULL;
            r->evidence = NULL;
        }
        if (r->speaker)
            out->answered++;
    }
}

/* ---- driver --------------------------------------------------------------- */

/* The chain of `shared` unique trigrams two unrelated texts give by
 * chance: the longest increasing subsequence of a random permutation of
 * that many, about 2 sqrt(n). */
static double chance_chain(size_t shared)
{
    return 2.0 * sqrt((double)shared);
}

/* Script and subtitles of different films: their ordered trigrams are no
 * more than MISMATCH_CHANCE times what chance gives (none when they
 * share none), and cover under
 * MISMATCH_SHARE of the subtitles' words (the second keeps a short film
 * or a test file, where chance and a real match are close, from being
 * judged on a handful of trigrams).  Measured by bench/align_mismatch.sh:
 * see the figures there. */
#define MISMATCH_CHANCE 4.0
#define MISMATCH_SHARE  0.04

static int too_little_shared(const sm_alignment *out)
{
    double ordered = (double)out->ordered_trigrams;
    return ordered <= MISMATCH_CHANCE * chance_chain(out->shared_trigrams) &&
           ordered < MISMATCH_SHARE * (double)out->speech_words;
}

static void link_dialogue(aligner *A)
{
    const sm_script *sc = A->script;
    long last = -1;
    for (size_t b = 0; b < sc->n_blocks; b++) {
        A->dialogue_prev[b] = last;
        if (sc->blocks[b].kind == SM_BLOCK_DIALOGUE)
            last = (long)b;
    }
    last = -1;
    for (size_t b = sc->n_blocks; b-- > 0;) {
        A->dialogue_next[b] = last;
        if (sc->blocks[b].kind == SM_BLOCK_DIALOGUE)
            last = (long)b;
    }
}

int sm_align(const sm_script *script, const sm_subtitles *subs, const sm_align_options *opt,
             sm_alignment *out, sm_error *err)
{
    sm_align_options defaults;
    if (!opt) {
        sm_align_options_init(&defaults);
        opt = &defaults;
    }
    memset(out, 0, sizeof *out);
    out->n_segments = subs->n_segments;
    out->n_blocks = script->n_blocks;
    out->n_scenes = (size_t)(script->n_scenes > 0 ? script->n_scenes : 0) + 1;
    out->segments = calloc(out->n_segments + 1, sizeof *out->segments);
    out->blocks = calloc(out->n_blocks + 1, sizeof *out->blocks);
    out->scenes = calloc(out->n_scenes, sizeof *out->scenes);

    aligner A;
    memset(&A, 0, sizeof A);
    A.script = script;
    A.subs = subs;
    A.seg = calloc(subs->n_segments + 1, sizeof *A.seg);
    A.blk = calloc(script->n_blocks + 1, sizeof *A.blk);
    A.dialogue_prev = malloc((script->n_blocks + 1) * sizeof *A.dialogue_prev);
    A.dialogue_next = malloc((script->n_blocks + 1) * sizeof *A.dialogue_next);
    int rc = 0;
    if (!out->segments || !out->blocks || !out->scenes || !A.seg || !A.blk ||
        !A.dialogue_prev || !A.dialogue_next) {
        rc = sm_fail(err, "", 0, "out of memory");
        goto done;
    }
    A.names = malloc((2 * script->n_blocks + 2) * sizeof *A.names);
    if (!A.names || align_build_sequences_names(script, subs, &A.S, &A.T, A.names, &A.vocab)) {
        rc = sm_fail(err, "", 0, "out of memory");
        goto done;
    }
    for (size_t b = 0; b < script->n_blocks; b++) {
        A.blk[b].first = A.S.block_first[b];
        A.blk[b].ntok = A.S.block_first[b + 1] - A.S.block_first[b];
    }
    for (size_t i = 0; i < subs->n_segments; i++) {
        A.seg[i].first = A.T.block_first[i];
        A.seg[i].ntok = A.T.block_first[i + 1] - A.T.block_first[i];
        A.seg[i].block = -1;
        out->segments[i].block = -1;
    }
    link_dialogue(&A);
    for (size_t b = 0; b < script->n_blocks; b++)
        if (script->blocks[b].kind == SM_BLOCK_DIALOGUE)
            out->dialogue_blocks++;

    A.match_t = malloc((A.T.n + 1) * sizeof *A.match_t);
    if (!A.match_t) {
        rc = sm_fail(err, "", 0, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < A.T.n; t++)
        A.match_t[t] = -1;
    out->speech_words = A.T.n;
    align_shared_ngrams(A.S.tok, A.S.n, A.T.tok, A.T.n, 3, &out->shared_trigrams, &out->ordered_trigrams);
    out->mismatch = A.S.n > 0 && A.T.n > 0 && too_little_shared(out);
    if (!out->mismatch) {
        align_match_range(A.S.tok, 0, A.S.n, A.T.tok, 0, A.T.n, A.match_t, 0);
        align_assign_strong(&A, 0, subs->n_segments, EV_MATCH_STRONG);
        align_recover_moves(&A);
        assign_short(&A);
        A.fidelity = speech_fidelity(&A);
        assign_local(&A);
        extend(&A);
        drop_self_address(&A);
        align_assign_scene(&A);
    }
    finish(&A, opt, out);
    time_blocks(&A, out);
    align_characters(script, out);
    for (size_t b = 0; b < script->n_blocks; b++)
        if (script->blocks[b].kind == SM_BLOCK_DIALOGUE && out->blocks[b].timing == SM_TIMING_ALIGNED)
            out->matched_blocks++;
    if (out->dialogue_blocks == 0)
        snprintf(out->note, sizeof out->note, "the script has no dialogue: every segment abstains");
    else if (A.T.n == 0)
        snprintf(out->note, sizeof out->note, "the subtitles have no speech: nothing to align");
    else if (out->mismatch)
        snprintf(out->note, sizeof out->note,
                 "the script and subtitles share too little to be one film (%zu word triples "
                 "in the same order, about %.0f by chance): no speaker from the script, no times",
                 out->ordered_trigrams, chance_chain(out->shared_trigrams));
    else if (out->matched_blocks == 0)
        snprintf(out->note, sizeof out->note,
                 "no dialogue matched: the script and subtitles seem to be of different films");
done:
    if (rc)
        sm_alignment_free(out);
    free(A.match_t);
    free(A.names);
    free(A.seg);
    free(A.blk);
    free(A.dialogue_prev);
    free(A.dialogue_next);
    align_seq_free(&A.S);
    align_seq_free(&A.T);
    align_interner_free(&A.vocab);
    return rc;
}

void sm_alignment_free(sm_alignment *a)
{
    free(a->segments);
    free(a->blocks);
    free(a->scenes);
    memset(a, 0, sizeof *a);
}
