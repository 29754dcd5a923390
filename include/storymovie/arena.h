/* arena.h - bump allocator for the many small strings a parse produces.
 *
 * A parsed subtitle file or screenplay owns one arena; every string in it
 * lives there and is freed at once with the document.  This keeps parsing
 * fast (no malloc per field) and freeing trivial. */
#ifndef STORYMOVIE_ARENA_H
#define STORYMOVIE_ARENA_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_arena_chunk sm_arena_chunk;
typedef struct sm_arena {
    sm_arena_chunk *head;
} sm_arena;

void *sm_arena_alloc(sm_arena *a, size_t size);              /* 8-byte aligned; NULL on OOM */
char *sm_arena_strndup(sm_arena *a, const char *s, size_t n); /* NUL-terminated copy */
char *sm_arena_strdup(sm_arena *a, const char *s);
void sm_arena_free(sm_arena *a);

#ifdef __cplusplus
}
#endif
#endif
