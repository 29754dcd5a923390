/* align_tokens.c - interning of normalised tokens, token sequences. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"
#include "storymovie/text.h"

int align_interner_init(align_interner *in, size_t expected)
{
    memset(in, 0, sizeof *in);
    size_t cap = sm_table_size(expected, 1024);
    in->slots = calloc(cap, sizeof *in->slots);
    in->hashes = calloc(cap, sizeof *in->hashes);
    if (!in->slots || !in->hashes) {
        free(in->slots);
        free(in->hashes);
        return -1;
    }
    in->cap = cap;
    return 0;
}

static int grow(align_interner *in)
{
    size_t cap = in->cap * 2;
    uint32_t *slots = calloc(cap, sizeof *slots);
    uint64_t *hashes = calloc(cap, sizeof *hashes);
    if (!slots || !hashes) {
        free(slots);
        free(hashes);
        return -1;
    }
    for (size_t i = 0; i < in->cap; i++) {
        if (!in->slots[i])
            continue;
        size_t j = in->hashes[i] & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = in->slots[i];
        hashes[j] = in->hashes[i];
    }
    free(in->slots);
    free(in->hashes);
    in->slots = slots;
    in->hashes = hashes;
    in->cap = cap;
    return 0;
}

uint32_t align_find(const align_interner *in, const char *s, size_t len)
{
    if (in->cap == 0)
        return UINT32_MAX;
    uint64_t h = sm_fnv1a(s, len);
    for (size_t j = h & (in->cap - 1); in->slots[j]; j = (j + 1) & (in->cap - 1)) {
        uint32_t id = in->slots[j] - 1;
        if (in->hashes[j] == h && in->lengths[id] == len && memcmp(in->strings[id], s, len) == 0)
            return id;
    }
    return UINT32_MAX;
}

uint32_t align_intern(align_interner *in, const char *s, size_t len)
{
    if ((in->n_strings + 1) * 2 > in->cap && grow(in))
        return UINT32_MAX;
    uint64_t h = sm_fnv1a(s, len);
    size_t j = h & (in->cap - 1);
    while (in->slots[j]) {
        uint32_t id = in->slots[j] - 1;
        if (in->hashes[j] == h && in->lengths[id] == len && memcmp(in->strings[id], s, len) == 0)
            return id;
        j = (j + 1) & (in->cap - 1);
    }
    if (in->n_strings == in->strings_cap) {
        /* Two parallel arrays: both grow to the same capacity. */
        size_t cap = in->strings_cap, cap2 = in->strings_cap;
        if (sm_grow(&in->strings, &cap, in->n_strings + 1, sizeof *in->strings) != 0 ||
            sm_grow(&in->lengths, &cap2, in->n_strings + 1, sizeof *in->lengths) != 0)
            return UINT32_MAX;
        in->strings_cap = cap;
    }
    char *copy = sm_arena_strndup(&in->arena, s, len);
    if (!copy)
        return UINT32_MAX;
    uint32_t id = (uint32_t)in->n_strings++;
    in->strings[id] = copy;
    in->lengths[id] = (uint32_t)len;
    in->slots[j] = id + 1;
    in->hashes[j] = h;
    return id;
}

void align_interner_free(align_interner *in)
{
    free(in->slots);
    free(in->hashes);
    free(in->strings);
    free(in->lengths);
    sm_arena_free(&in->arena);
    memset(in, 0, sizeof *in);
}

int align_seq_push(align_seq *q, uint32_t tok, uint32_t unit)
{
    if (q->n == q->cap) {
        /* Two parallel arrays: both grow to the same capacity. */
        size_t cap = q->cap, cap2 = q->cap;
        if (sm_grow(&q->tok, &cap, q->n + 1, sizeof *q->tok) != 0 ||
            sm_grow(&q->unit, &cap2, q->n + 1, sizeof *q->unit) != 0)
            return -1;
        q->cap = cap;
    }
    q->tok[q->n] = tok;
    q->unit[q->n] = unit;
    q->n++;
    return 0;
}

void align_seq_free(align_seq *q)
{
    free(q->tok);
    free(q->unit);
    free(q->block_first);
    memset(q, 0, sizeof *q);
}

static int tokenize_into(align_interner *in, sm_tokens *tok, const char *text,
                         align_seq *q, uint32_t unit)
{
    sm_tokens_clear(tok);
    if (!text || !*text)
        return 0;
    if (sm_tokenize(text, strlen(text), 0, tok))
        return -1;
    for (size_t k = 0; k < tok->n_items; k++) {
        uint32_t id = align_intern(in, sm_token_norm(tok, k), tok->items[k].norm_length);
        if (id == UINT32_MAX || align_seq_push(q, id, unit))
            return -1;
    }
    return 0;
}

int align_build_sequences(const sm_script *script, const sm_subtitles *subs,
                          align_seq *S, align_seq *T)
{
    return align_build_sequences_names(script, subs, S, T, NULL, NULL);
}

/* Titles are not what people call each other. */
static int is_title(const char *w)
{
    static const char *titles[] = {"mr", "mrs", "ms", "miss", "dr", "the", "sir", "young", "old", NULL};
    for (int i = 0; titles[i]; i++)
        if (strcmp(w, titles[i]) == 0)
            return 1;
    return 0;
}

static int name_words(align_interner *in, sm_tokens *tok, const char *name, uint32_t out[2])
{
    out[0] = out[1] = UINT32_MAX;
    sm_tokens_clear(tok);
    if (!name || sm_tokenize(name, strlen(name), 0, tok))
        return 0;
    int n = 0;
    for (size_t k = 0; k < tok->n_items && n < 2; k++) {
        const char *w = sm_token_norm(tok, k);
        if (tok->items[k].norm_length < 3 || is_title(w))
            continue;
        uint32_t id = align_intern(in, w, tok->items[k].norm_length);
        if (id == UINT32_MAX)
            return -1;
        out[n++] = id;
    }
    return 0;
}

int align_build_sequences_names(const sm_script *script, const sm_subtitles *subs,
                                align_seq *S, align_seq *T, uint32_t *names, align_interner *keep)
{
    memset(S, 0, sizeof *S);
    memset(T, 0, sizeof *T);
    align_interner in;
    if (align_interner_init(&in, 4096))
        return -1;
    sm_tokens tok = {0};
    int rc = 0;
    S->block_first = malloc((script->n_blocks + 1) * sizeof *S->block_first);
    T->block_first = malloc((subs->n_segments + 1) * sizeof *T->block_first);
    if (!S->block_first || !T->block_first)
        rc = -1;
    for (size_t b = 0; b < script->n_blocks && rc == 0; b++) {
        S->block_first[b] = (uint32_t)S->n;
        /* Only dialogue is ever spoken: action and headings stay out of S. */
        if (script->blocks[b].kind == SM_BLOCK_DIALOGUE)
            rc = tokenize_into(&in, &tok, script->blocks[b].text, S, (uint32_t)b);
        if (names && rc == 0) {
            names[2 * b] = names[2 * b + 1] = UINT32_MAX;
            if (script->blocks[b].kind == SM_BLOCK_DIALOGUE)
                rc = name_words(&in, &tok, script->blocks[b].speaker, names + 2 * b);
        }
    }
    if (rc == 0)
        S->block_first[script->n_blocks] = (uint32_t)S->n;
    for (size_t i = 0; i < subs->n_segments && rc == 0; i++) {
        T->block_first[i] = (uint32_t)T->n;
        rc = tokenize_into(&in, &tok, subs->segments[i].text, T, (uint32_t)i);
    }
    if (rc == 0)
        T->block_first[subs->n_segments] = (uint32_t)T->n;
    sm_tokens_free(&tok);
    if (keep && rc == 0)
        *keep = in;
    else
        align_interner_free(&in);
    if (rc) {
        align_seq_free(S);
        align_seq_free(T);
    }
    return rc;
}
