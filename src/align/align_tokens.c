/* align_tokens.c - interning of normalised tokens, token sequences. */
#include "align/align_internal.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a: short tokens, a simple fast hash is all we need. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

int align_interner_init(align_interner *in, size_t expected)
{
    memset(in, 0, sizeof *in);
    size_t cap = 1024;
    while (cap < expected * 2)
        cap *= 2;
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

uint32_t align_intern(align_interner *in, const char *s, size_t len)
{
    if ((in->count + 1) * 2 > in->cap && grow(in))
        return UINT32_MAX;
    uint64_t h = hash_bytes(s, len);
    size_t j = h & (in->cap - 1);
    while (in->slots[j]) {
        uint32_t id = in->slots[j] - 1;
        if (in->hashes[j] == h && in->lengths[id] == len && memcmp(in->strings[id], s, len) == 0)
            return id;
        j = (j + 1) & (in->cap - 1);
    }
    if (in->count == in->strings_cap) {
        size_t cap = in->strings_cap ? in->strings_cap * 2 : 1024;
        const char **strings = realloc(in->strings, cap * sizeof *strings);
        if (!strings)
            return UINT32_MAX;
        in->strings = strings;
        uint32_t *lengths = realloc(in->lengths, cap * sizeof *lengths);
        if (!lengths)
            return UINT32_MAX;
        in->lengths = lengths;
        in->strings_cap = cap;
    }
    char *copy = sm_arena_strndup(&in->arena, s, len);
    if (!copy)
        return UINT32_MAX;
    uint32_t id = (uint32_t)in->count++;
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
        size_t cap = q->cap ? q->cap * 2 : 1024;
        uint32_t *t = realloc(q->tok, cap * sizeof *t);
        if (!t)
            return -1;
        q->tok = t;
        uint32_t *u = realloc(q->unit, cap * sizeof *u);
        if (!u)
            return -1;
        q->unit = u;
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
    memset(q, 0, sizeof *q);
}
