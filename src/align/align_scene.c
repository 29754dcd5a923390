/* align_scene.c - who speaks a line the script does not have, from the
 * scene it is said in (step 7 of the method in align.c).
 *
 * An early draft rewrites lines but keeps who is in the scene.  A careful
 * reader of a line the script lacks asks: which scene is this (the lines
 * matched around it), who is there (the scene's speakers, and the people
 * its action lines name), and who can it not be: the one who spoke just
 * before a dash (a dash in a cue opens another speaker's turn), the one the
 * line calls by name ("What did you expect, John?").  When that leaves one
 * person, the line is theirs.  A scene where nobody is excluded decides
 * nothing: turn order alone is a guess.
 *
 * The people of a script are its speakers (one per speaker key); a person
 * is named in an action line by a word of their cue name ("JOHN" in "John
 * drags her out of the car").  Cue names that are common words ("MAN",
 * "VOICE OVER") then look present in many scenes: that only ever adds
 * people, and more people present decide fewer lines, never a wrong one. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/text.h"

/* A segment this close in time to a matched neighbour is taken to be in
 * that neighbour's scene. */
#define SCENE_NEAR_SECONDS 4.0
/* Neighbours further apart than this many segments say little about what
 * lies between them. */
#define SCENE_MAX_SPAN 12

typedef struct person {
    const char *key;          /* speaker key */
    long block;               /* a dialogue block of theirs: names them in the output */
    uint32_t name[2];         /* their name's words (token ids), UINT32_MAX when none */
} person;

typedef struct cast {
    person *people;
    size_t n_people, words;   /* words: 64-bit words of a scene's presence set */
    uint64_t *present;        /* per scene: words bits */
    long *person_of_block;    /* per block: its speaker's person, -1 */
    int32_t *word_person;     /* per token id: a person one of whose name words it is, -1 */
    size_t n_scenes, n_vocab;
} cast;

static void cast_free(cast *c)
{
    free(c->people);
    free(c->present);
    free(c->person_of_block);
    free(c->word_person);
    memset(c, 0, sizeof *c);
}

static long find_person(const cast *c, const char *key)
{
    for (size_t p = 0; p < c->n_people; p++)
        if (strcmp(c->people[p].key, key) == 0)
            return (long)p;
    return -1;
}

static void mark(cast *c, int scene, long p)
{
    if (scene >= 0 && (size_t)scene < c->n_scenes && p >= 0)
        c->present[(size_t)scene * c->words + (size_t)p / 64] |= 1ull << ((size_t)p % 64);
}

static int is_present(const cast *c, int scene, long p)
{
    return scene >= 0 && (size_t)scene < c->n_scenes &&
           (c->present[(size_t)scene * c->words + (size_t)p / 64] >> ((size_t)p % 64)) & 1;
}

/* People named in a block's text (action, heading) are present in its
 * scene.  A name in the action is written as one: a capitalised word
 * (compared in lower case, as the tokens are).  The cue names that are
 * descriptions ("THE MAN WITH THE PISTOL") name nobody there. */
static void mark_named(const aligner *A, cast *c, const sm_block *b)
{
    const char *p = b->text;
    if (!p)
        return;
    char buf[64];
    while (*p) {
        if (!(*p >= 'A' && *p <= 'Z') || (p > b->text && ((p[-1] >= 'a' && p[-1] <= 'z') ||
                                                          (p[-1] >= 'A' && p[-1] <= 'Z')))) {
            p++;
            continue;
        }
        size_t n = 0;
        for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++)
            if (n < sizeof buf)
                buf[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
        if (n == sizeof buf)
            continue;
        uint32_t id = align_find(&A->vocab, buf, n);
        if (id >= c->n_vocab || c->word_person[id] < 0)
            continue;
        /* every person whose one-word name that is */
        for (size_t q = 0; q < c->n_people; q++)
            if (c->people[q].name[0] == id && c->people[q].name[1] == UINT32_MAX)
                mark(c, b->scene, (long)q);
    }
}

static int cast_build(aligner *A, cast *c)
{
    const sm_script *sc = A->script;
    memset(c, 0, sizeof *c);
    c->n_scenes = (size_t)(sc->n_scenes > 0 ? sc->n_scenes : 0) + 1;
    c->person_of_block = malloc((sc->n_blocks + 1) * sizeof *c->person_of_block);
    c->people = malloc((sc->n_blocks + 1) * sizeof *c->people);
    if (!c->person_of_block || !c->people)
        return -1;
    for (size_t b = 0; b < sc->n_blocks; b++) {
        const sm_block *blk = &sc->blocks[b];
        c->person_of_block[b] = -1;
        if (blk->kind != SM_BLOCK_DIALOGUE || !blk->speaker_key || !blk->speaker_key[0])
            continue;
        long p = find_person(c, blk->speaker_key);
        if (p < 0) {
            p = (long)c->n_people++;
            c->people[p].key = blk->speaker_key;
            c->people[p].block = (long)b;
            c->people[p].name[0] = A->names[2 * b];
            c->people[p].name[1] = A->names[2 * b + 1];
        }
        c->person_of_block[b] = p;
    }
    c->words = (c->n_people + 63) / 64;
    c->n_vocab = A->vocab.n_strings;
    c->present = calloc(c->n_scenes * (c->words ? c->words : 1), sizeof *c->present);
    c->word_person = malloc((c->n_vocab + 1) * sizeof *c->word_person);
    if (!c->present || !c->word_person)
        return -1;
    for (size_t w = 0; w < c->n_vocab; w++)
        c->word_person[w] = -1;
    for (size_t p = 0; p < c->n_people; p++)
        for (int k = 0; k < 2; k++)
            if (c->people[p].name[k] < c->n_vocab)
                c->word_person[c->people[p].name[k]] = (int32_t)p;
    for (size_t b = 0; b < sc->n_blocks; b++) {
        const sm_block *blk = &sc->blocks[b];
        if (blk->kind == SM_BLOCK_DIALOGUE)
            mark(c, blk->scene, c->person_of_block[b]);
        else if (blk->kind == SM_BLOCK_ACTION || blk->kind == SM_BLOCK_SCENE_HEADING)
            mark_named(A, c, blk);
    }
    return 0;
}

/* The person a segment calls by name: a name word of someone in the cast
 * standing first and followed by a comma, '!', '?' or the end ("John, ...",
 * "John!"), or last after a comma (", John." "..., John?").  -1 when none. */
static long addressed(aligner *A, const cast *c, size_t i, sm_tokens *tok)
{
    const char *text = A->subs->segments[i].text;
    sm_tokens_clear(tok);
    if (!text || !*text || sm_tokenize(text, strlen(text), 0, tok) != 0 || tok->n_items == 0)
        return -1;
    size_t n = tok->n_items, len = strlen(text);
    for (int end = 0; end < 2; end++) {
        size_t k = end ? n - 1 : 0;
        const sm_token *t = &tok->items[k];
        size_t after = t->offset + t->length, before = t->offset;
        while (after < len && text[after] == ' ')
            after++;
        while (before > 0 && text[before - 1] == ' ')
            before--;
        int vocative = end ? (before > 0 && text[before - 1] == ',')
                           : (after >= len || strchr(",!?", text[after]) != NULL);
        if (end && n == 1)
            vocative = 1;   /* "John!" alone */
        if (!vocative)
            continue;
        uint32_t id = align_intern(&A->vocab, sm_token_norm(tok, k), tok->items[k].norm_length);
        if (id < c->n_vocab && c->word_person[id] >= 0)
            return c->word_person[id];
    }
    return -1;
}

/* The speaker of segment k when it is placed on a script line, -1. */
static long line_person(const aligner *A, const cast *c, size_t k)
{
    const seg_state *g = &A->seg[k];
    return g->block >= 0 && g->ev <= EV_TURN ? c->person_of_block[g->block] : -1;
}

/* The scene segment i is said in, -1 when it cannot be told: the scene of
 * its dash partner in the same cue, of both its matched neighbours, or of
 * the one it follows (precedes) closely. */
static int scene_of(const aligner *A, size_t i)
{
    const sm_subtitles *su = A->subs;
    const sm_script *sc = A->script;
    const sm_segment *me = &su->segments[i];
    if (me->index > 1 && A->seg[i - 1].block >= 0 && A->seg[i - 1].ev <= EV_TURN)
        return sc->blocks[A->seg[i - 1].block].scene;
    if (i + 1 < su->n_segments && su->segments[i + 1].cue == me->cue && A->seg[i + 1].block >= 0 &&
        A->seg[i + 1].ev <= EV_TURN)
        return sc->blocks[A->seg[i + 1].block].scene;
    long p = align_prev_reliable(A, i), n = align_next_reliable(A, i);
    int sp = p >= 0 ? sc->blocks[A->seg[p].block].scene : -1;
    int sn = n >= 0 ? sc->blocks[A->seg[n].block].scene : -1;
    if (p >= 0 && n >= 0 && sp == sn && n - p <= SCENE_MAX_SPAN)
        return sp;
    int near_p = p >= 0 && me->start - su->segments[p].end <= SCENE_NEAR_SECONDS;
    int near_n = n >= 0 && su->segments[n].start - me->end <= SCENE_NEAR_SECONDS;
    if (near_p && !near_n)
        return sp;
    if (near_n && !near_p)
        return sn;
    return -1;
}

/* The people segment i cannot be: the speaker before its dash, the one
 * after the next dash, the one it calls by name.  Sets *why to the
 * evidence the exclusion gives. */
static void excluded(aligner *A, const cast *c, size_t i, int scene, long out[3], enum evidence *why,
                     sm_tokens *tok)
{
    const sm_subtitles *su = A->subs;
    const sm_segment *me = &su->segments[i];
    out[0] = out[1] = out[2] = -1;
    *why = EV_NONE;
    if (me->index > 1)
        out[0] = line_person(A, c, i - 1);
    if (i + 1 < su->n_segments && su->segments[i + 1].cue == me->cue)
        out[1] = line_person(A, c, i + 1);
    out[2] = addressed(A, c, i, tok);
    /* Only the exclusion of someone present narrows the scene down. */
    for (int k = 0; k < 3; k++)
        if (out[k] >= 0 && !is_present(c, scene, out[k]))
            out[k] = -1;
    if (out[0] >= 0 || out[1] >= 0)
        *why = EV_SCENE_TURN;
    else if (out[2] >= 0)
        *why = EV_ADDRESSED;
}

void align_assign_scene(aligner *A)
{
    cast c;
    if (cast_build(A, &c) != 0 || c.n_people == 0) {
        cast_free(&c);
        return;
    }
    sm_tokens tok = {0};
    for (size_t i = 0; i < A->subs->n_segments; i++) {
        seg_state *g = &A->seg[i];
        if (g->block >= 0 || g->ntok == 0)
            continue;
        int scene = scene_of(A, i);
        if (scene < 0)
            continue;
        long out[3];
        enum evidence why;
        excluded(A, &c, i, scene, out, &why, &tok);
        if (why == EV_NONE)
            continue;
        long only = -1;
        int n_left = 0;
        for (size_t p = 0; p < c.n_people; p++) {
            if (!is_present(&c, scene, (long)p) || (long)p == out[0] || (long)p == out[1] ||
                (long)p == out[2])
                continue;
            only = (long)p;
            n_left++;
        }
        if (n_left == 1)
            align_assign(A, i, c.people[only].block, why, 0);
    }
    sm_tokens_free(&tok);
    cast_free(&c);
}
