/* story_internal.h - helpers shared by the story reader, parsers and checker. */
#ifndef STORYMOVIE_STORY_INTERNAL_H
#define STORYMOVIE_STORY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/ascii.h"
#include "storymovie/story.h"

/* Grow an arena-backed array to hold one more element.  Arena memory is
 * never freed one piece at a time, so the old block is simply abandoned:
 * doubling keeps the waste under the final size.  Returns the (possibly
 * moved) array, or NULL on OOM (the set is then marked). */
static inline void *story_grow(sm_story_set *set, void *items, uint32_t count,
                               uint32_t *cap, size_t elem)
{
    if (count < *cap)
        return items;
    uint32_t ncap = *cap ? *cap * 2 : 8;
    void *p = sm_arena_alloc(&set->arena, (size_t)ncap * elem);
    if (!p) {
        set->oom = 1;
        return NULL;
    }
    if (count)
        memcpy(p, items, (size_t)count * elem);
    *cap = ncap;
    return p;
}

/* A fresh array of n elements from the arena (NULL and the set marked on OOM). */
static inline void *story_alloc_array(sm_story_set *set, uint32_t n, size_t elem)
{
    void *p = sm_arena_alloc(&set->arena, (size_t)n * elem);
    if (!p)
        set->oom = 1;
    return p;
}

static inline int story_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static inline int story_is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Trim white space from both ends of [*a, *b). */
static inline void story_trim(const char *t, uint32_t *a, uint32_t *b)
{
    while (*a < *b && story_is_space((unsigned char)t[*a]))
        (*a)++;
    while (*b > *a && story_is_space((unsigned char)t[*b - 1]))
        (*b)--;
}

/* Parse a bounding box cell; see story_cot.c. */
int story_parse_box(const char *s, size_t n, double box[4], int *strict, int *ints);

#endif
