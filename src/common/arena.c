/* arena.c - bump allocator (see include/storymovie/arena.h). */
#define _DEFAULT_SOURCE        /* madvise */
#include "storymovie/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

struct sm_arena_chunk {
    sm_arena_chunk *next;
    size_t used, size;
    max_align_t data[];   /* keeps the payload aligned for any type */
};

#define SM_ARENA_CHUNK (64u * 1024u)
/* A growing arena doubles its chunks up to this: a corpus-sized set (tens
 * of megabytes of stories or contexts) then sits in few large chunks, which
 * Linux backs with 2 MiB pages when asked (MADV_HUGEPAGE): a page fault per
 * 2 MiB instead of per 4 KiB, and fewer TLB misses.  Faults are most of the
 * system time of reading a large file where they are dear (virtual
 * machines).  A small parse never leaves its first 64 KiB chunk. */
#define SM_ARENA_MAX_CHUNK (8u * 1024u * 1024u)
#define SM_HUGE_PAGE (2u * 1024u * 1024u)

/* A chunk with room for `want` bytes. */
static sm_arena_chunk *new_chunk(size_t want)
{
    if (want > SIZE_MAX - sizeof(sm_arena_chunk) - SM_HUGE_PAGE)
        return NULL;   /* no such memory; and the sums below would wrap */
    size_t bytes = sizeof(sm_arena_chunk) + want;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (want >= SM_HUGE_PAGE) {
        void *p = NULL;
        bytes = (bytes + SM_HUGE_PAGE - 1) & ~(size_t)(SM_HUGE_PAGE - 1);
        if (posix_memalign(&p, SM_HUGE_PAGE, bytes) != 0)
            return NULL;
        (void)madvise(p, bytes, MADV_HUGEPAGE);   /* advice only: a refusal changes nothing */
        sm_arena_chunk *c = p;
        c->size = bytes - sizeof *c;
        return c;
    }
#endif
    sm_arena_chunk *c = malloc(bytes);
    if (c)
        c->size = want;
    return c;
}

void *sm_arena_alloc(sm_arena *a, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;   /* no such memory; and the sums below would wrap */
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
        /* Twice the last chunk, at most SM_ARENA_MAX_CHUNK. */
        size_t want = !c ? SM_ARENA_CHUNK : c->size < SM_ARENA_MAX_CHUNK / 2 ? c->size * 2 : SM_ARENA_MAX_CHUNK;
        if (size > want)
            want = size;
        c = new_chunk(want);
        if (!c)
            return NULL;
        c->used = 0;
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
