/* align_names.c - one person under two cue names: the canonical character
 * of each dialogue block (see sm_block_time.character in align.h).
 *
 * Drafts rename people as the story reveals them: Nadia says "My name's
 * Sophia." and her last line is cued SOPHIA; the prisoner the interrogators
 * take for Carlos is cued CARLOS until an action line says "Carlos, who from
 * now on out will be referred to by his real name, RAMIREZ".  A global merge
 * of the two names would be wrong (CARLOS is also the terrorist, who meets
 * Ramirez), so the rename is read where the script makes it, and only there:
 *
 *  - in one scene, a one-word cue name A speaks and then stops, and a
 *    one-word cue name B that has never spoken before in the script starts
 *    (every A line of the scene before every B line: a switch, not two
 *    people talking); and
 *  - the scene links the two names before B's first line: an action line
 *    that names both with a phrase of renaming ("real name", "referred to",
 *    "from now on", "known as"): evidence "renamed"; or a line of A that
 *    says B's name as its own ("my name's B", "My name... B", "I'm B"):
 *    evidence "introduces".
 *
 * Then the lines of the less frequent of the two names in that scene carry
 * the other name as their character.  Anything else keeps its cue name: a
 * wrong merge is worse than none. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/text.h"

/* A cue name that is one word of letters: a name, not a description
 * ("THE MAN WITH THE PISTOL", "RAMIREZ'S FATHER"). */
static int one_word_name(const sm_block *b)
{
    if (b->kind != SM_BLOCK_DIALOGUE || !b->speaker || !b->speaker_key)
        return 0;
    size_t n = 0;
    for (const char *p = b->speaker; *p; p++, n++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
            return 0;
    return n >= 3;
}

static size_t count_lines(const sm_script *sc, const char *key)
{
    size_t n = 0;
    for (size_t b = 0; b < sc->n_blocks; b++)
        n += sc->blocks[b].kind == SM_BLOCK_DIALOGUE && sc->blocks[b].speaker_key &&
             strcmp(sc->blocks[b].speaker_key, key) == 0;
    return n;
}

static int tok_is(const sm_tokens *t, size_t k, const char *w)
{
    return k < t->n_items && strcmp(sm_token_norm(t, k), w) == 0;
}

static int has_token(const sm_tokens *t, const char *w)
{
    for (size_t k = 0; k < t->n_items; k++)
        if (tok_is(t, k, w))
            return 1;
    return 0;
}

/* An action line naming a and b with a phrase of renaming. */
static int renames(const sm_tokens *t, const char *a, const char *b)
{
    if (!has_token(t, a) || !has_token(t, b))
        return 0;
    for (size_t k = 0; k + 1 < t->n_items; k++)
        if ((tok_is(t, k, "real") && tok_is(t, k + 1, "name")) ||
            (tok_is(t, k, "referred") && tok_is(t, k + 1, "to")) ||
            (tok_is(t, k, "from") && tok_is(t, k + 1, "now")) ||
            (tok_is(t, k, "known") && tok_is(t, k + 1, "as")))
            return 1;
    return 0;
}

/* A line that gives b as the speaker's own name, b written as a name
 * (capitalised): "my name's B", "My name... B" (b within three words after
 * "my name"), "I'm B", "call me B".  "Her name is B" is someone else's;
 * "I'm all right" is no name. */
static int introduces(const char *text, const sm_tokens *t, const char *b)
{
    for (size_t k = 0; k < t->n_items; k++) {
        if (!tok_is(t, k, b) || !(text[t->items[k].offset] >= 'A' && text[t->items[k].offset] <= 'Z'))
            continue;
        if (k >= 1 && tok_is(t, k - 1, "i'm"))
            return 1;
        if (k >= 2 && tok_is(t, k - 2, "call") && tok_is(t, k - 1, "me"))
            return 1;
        for (size_t j = k > 3 ? k - 3 : 0; j + 1 < k; j++)
            if (tok_is(t, j, "my") && (tok_is(t, j + 1, "name") || tok_is(t, j + 1, "name's")))
                return 1;
    }
    return 0;
}

static int tokens_of(const char *text, sm_tokens *t)
{
    sm_tokens_clear(t);
    return text ? sm_tokenize(text, strlen(text), 0, t) : 0;
}

/* The evidence scene [s0, s1) links a (before) to b (from block first_b):
 * "renamed", "introduces" or NULL. */
static const char *linked(const sm_script *sc, size_t s0, size_t first_b, const char *a,
                          const char *b, sm_tokens *t)
{
    const char *why = NULL;
    for (size_t k = s0; k < first_b && !why; k++) {
        const sm_block *blk = &sc->blocks[k];
        if (blk->kind == SM_BLOCK_ACTION) {
            if (tokens_of(blk->text, t) == 0 && renames(t, a, b))
                why = "renamed";
        } else if (blk->kind == SM_BLOCK_DIALOGUE && blk->speaker_key &&
                   strcmp(blk->speaker_key, a) == 0) {
            if (tokens_of(blk->text, t) == 0 && introduces(blk->text, t, b))
                why = "introduces";
        }
    }
    return why;
}

/* Scene [s0, s1): B's first line is first_b.  Marks the lines of the rarer
 * of B and an A it takes over from. */
static void rename_in_scene(const sm_script *sc, size_t s0, size_t s1, size_t first_b,
                            sm_alignment *out, sm_tokens *t)
{
    const char *b = sc->blocks[first_b].speaker_key;
    for (size_t k = s0; k < first_b; k++) {
        const sm_block *ab = &sc->blocks[k];
        if (!one_word_name(ab) || strcmp(ab->speaker_key, b) == 0)
            continue;
        const char *a = ab->speaker_key;
        /* the first line of A in the scene only: one test per name */
        int first = 1;
        for (size_t j = s0; j < k && first; j++)
            first = !(sc->blocks[j].speaker_key && strcmp(sc->blocks[j].speaker_key, a) == 0);
        /* a switch: A says nothing after B's first line */
        int after = 0;
        for (size_t j = first_b; j < s1 && !after; j++)
            after = sc->blocks[j].speaker_key && strcmp(sc->blocks[j].speaker_key, a) == 0;
        if (!first || after)
            continue;
        const char *why = linked(sc, s0, first_b, a, b, t);
        if (!why)
            continue;
        /* the name with more lines in the script is the character's */
        int keep_a = count_lines(sc, a) >= count_lines(sc, b);
        const char *from = keep_a ? b : a;
        const char *to = keep_a ? ab->speaker : sc->blocks[first_b].speaker;
        for (size_t j = s0; j < s1; j++) {
            const sm_block *blk = &sc->blocks[j];
            if (blk->kind == SM_BLOCK_DIALOGUE && blk->speaker_key &&
                strcmp(blk->speaker_key, from) == 0) {
                out->blocks[j].character = to;
                out->blocks[j].character_evidence = why;
            }
        }
        return;
    }
}

void align_characters(const sm_script *sc, sm_alignment *out)
{
    sm_tokens t = {0};
    /* The cue names met so far: a name is new on its first line. */
    const char **seen = malloc((sc->n_blocks + 1) * sizeof *seen);
    size_t n_seen = 0;
    if (!seen)
        return;   /* no renames found: every line keeps its cue name */
    for (size_t s0 = 0, s1; s0 < sc->n_blocks; s0 = s1) {
        for (s1 = s0 + 1; s1 < sc->n_blocks && sc->blocks[s1].scene == sc->blocks[s0].scene; s1++)
            ;
        for (size_t k = s0; k < s1; k++) {
            const sm_block *blk = &sc->blocks[k];
            if (blk->kind != SM_BLOCK_DIALOGUE || !blk->speaker_key)
                continue;
            int before = 0;
            for (size_t j = 0; j < n_seen && !before; j++)
                before = strcmp(seen[j], blk->speaker_key) == 0;
            if (before)
                continue;
            seen[n_seen++] = blk->speaker_key;
            if (one_word_name(blk))
                rename_in_scene(sc, s0, s1, k, out, &t);
        }
    }
    free(seen);
    sm_tokens_free(&t);
    for (size_t i = 0; i < out->n_segments; i++) {
        long b = out->segments[i].block;
        if (b >= 0 && out->segments[i].speaker && out->blocks[b].character) {
            out->segments[i].character = out->blocks[b].character;
            out->segments[i].character_evidence = out->blocks[b].character_evidence;
        }
    }
}
