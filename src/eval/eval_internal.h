/* eval_internal.h - small helpers shared by the model evaluations (judge,
 * QA, report) and nowhere else. */
#ifndef STORYMOVIE_EVAL_INTERNAL_H
#define STORYMOVIE_EVAL_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "storymovie/error.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"

/* Where a model's answer proper starts: after the last "</think>" (a
 * reasoning block's deliberation is not the answer), else text. */
const char *eval_after_think(const char *text, size_t len);

/* "DIR/NAME", malloc'd; NULL on memory. */
char *eval_join_path(const char *dir, const char *name);

/* text (and a newline after it when newline) to path, atomically. */
int eval_write_text(const char *path, const char *text, int newline, sm_error *err);

/* The story's tag-free text (sm_story_plain_text) into *buf, grown as
 * needed.  -1 on memory. */
int eval_plain_text(const sm_story *s, char **buf, size_t *cap);

/* What a summary line in words says was left out: "; N invalid",
 * "; N failed", "; N pending", each only when N > 0. */
void eval_print_left_out(FILE *f, size_t invalid, size_t failed, size_t pending);

/* The end of an output written record by record: rc 0 commits it, -1 (a
 * write failed) fails it (sm_output_fail), -2 (out of memory) aborts it
 * with "WHO: out of memory".  0 or -1, as sm_output_commit. */
int eval_output_end(sm_output *out, int rc, const char *who, sm_error *err);

/* printf into a malloc'd string; NULL when out of memory. */
char *eval_format(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* The words of text[0..len) as `eval language` counts them (letters,
 * marks and digits, an apostrophe inside a word kept; lowercased), each
 * given to fn in order; fn returning non-zero stops the walk (-1). */
typedef int (*eval_word_fn)(void *ctx, const char *word, size_t n);
int eval_words_each(const char *text, size_t len, eval_word_fn fn, void *ctx);

/* The index of s[0..n) in names[0..count), or -1. */
int eval_name_index(const char *const *names, int count, const char *s, size_t n);

/* "KEY":rate,"ci":[lo,hi] into the open object j, or null for both when
 * there is no rate. */
void eval_rate_json(sm_json *j, const char *key, int has_rate, double rate, const double ci[2]);

/* A JSON Lines file written atomically: line(ctx, i, j) appends record i
 * to j (or nothing, to leave it out) for i = 0..n-1; 0, or -1 with err
 * (nothing written). */
typedef void (*eval_line_fn)(const void *ctx, size_t i, sm_json *j);
int eval_write_jsonl(const char *path, size_t n, eval_line_fn line, const void *ctx, sm_error *err);

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
