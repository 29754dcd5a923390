/* arena.c - bump allocator (see include/storymovie/arena.h). */
#include "storymovie/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct sm_arena_chunk {
    sm_arena_chunk *next;
    size_t used, size;
    max_align_t data[];   /* keeps the payload aligned for any type */
};

#define SM_ARENA_CHUNK (64u * 1024u)

void *sm_arena_alloc(sm_arena *a, size_t size)
{
    size = (size + 7u) & ~(size_t)7u;
    sm_arena_chunk *c = a->head;
    if (c && size > SM_ARENA_CHUNK / 4 && c->size - c->used < size) {
        /* A large block gets a chunk of its own behind the head, so the
         * room left in the head is not abandoned for it. */
        sm_arena_chunk *big = malloc(sizeof *big + size);
        if (!big)
            return NULL;
        big->used = big->size = size;
        big->next = c->next;
        c->next = big;
        return big->data;
    }
    if (!c || c->size - c->used < size) {
        size_t want = size > SM_ARENA_CHUNK ? size : SM_ARENA_CHUNK;
        c = malloc(sizeof *c + want);
        if (!c)
            return NULL;
        c->used = 0;
        c->size = want;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

char *sm_arena_strndup(sm_arena *a, const char *s, size_t n)
{
    char *p = sm_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *sm_arena_strdup(sm_arena *a, const char *s)
{
    return sm_arena_strndup(a, s, strlen(s));
}

void sm_arena_free(sm_arena *a)
{
    sm_arena_chunk *c = a->head;
    while (c) {
        sm_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}
