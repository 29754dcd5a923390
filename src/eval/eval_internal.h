/* eval_internal.h - small helpers shared by the model evaluations (judge,
 * QA, report) and nowhere else. */
#ifndef STORYMOVIE_EVAL_INTERNAL_H
#define STORYMOVIE_EVAL_INTERNAL_H

#include <stddef.h>

#include "storymovie/error.h"
#include "storymovie/story.h"

/* Where a model's answer proper starts: after the last "</think>" (a
 * reasoning block's deliberation is not the answer), else text. */
const char *eval_after_think(const char *text, size_t len);

/* "DIR/NAME", malloc'd; NULL on memory. */
char *eval_join_path(const char *dir, const char *name);

/* text and a newline to path, atomically. */
int eval_write_text(const char *path, const char *text, sm_error *err);

/* The story's tag-free text (sm_story_plain_text) into *buf, grown as
 * needed.  -1 on memory. */
int eval_plain_text(const sm_story *s, char **buf, size_t *cap);

/* A story file indexed by story_id.  Building it fails (FILE:LINE) on a
 * record that is broken or has no story_id, and on an id given twice: a
 * score could not say which of the two it is about. */
typedef struct eval_story_index {
    const sm_story **by_id;       /* sorted by story_id */
    size_t n;
} eval_story_index;

int eval_story_index_build(const sm_story_set *set, eval_story_index *ix, sm_error *err);
const sm_story *eval_story_find(const eval_story_index *ix, const char *id);   /* NULL: none */
void eval_story_index_free(eval_story_index *ix);

#endif
