/* script_builder.h - what the three screenplay readers share.
 *
 * Each reader (plain.c, fountain.c, transcript.c) walks the text once and
 * appends blocks through a builder that owns the growing block array, the
 * title fields and the scene counter, so the readers only decide WHAT a
 * line is, never how it is stored.  Strings go to the script's arena.
 * Defined in script_builder.c. */
#ifndef SM_SCRIPT_BUILDER_H
#define SM_SCRIPT_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "common/ascii.h"
#include "storymovie/script.h"

/* A growable byte buffer for assembling one block's text before it is
 * copied into the arena.  Reused across blocks, so it costs no malloc in
 * the steady state. */
typedef struct sm_sbuf {
    char *p;
    size_t len, cap;
    int failed;
} sm_sbuf;

void sm_sbuf_put(sm_sbuf *b, const char *s, size_t n);
void sm_sbuf_putc(sm_sbuf *b, char c);
/* Append s, preceded by `sep` when the buffer is not empty. */
void sm_sbuf_join(sm_sbuf *b, char sep, const char *s, size_t n);
void sm_sbuf_free(sm_sbuf *b);

typedef struct sm_builder {
    sm_script *script;
    size_t blocks_cap, title_cap;
    size_t blocks_hint;  /* first capacity of the block array */
    int scene;          /* current scene ordinal */
    int failed;         /* out of memory at some point */
    int too_many;       /* SM_SCRIPT_MAX_BLOCKS reached */
} sm_builder;

/* Append a zeroed block of `kind` (a scene heading opens the next scene). */
sm_block *sm_builder_add(sm_builder *b, sm_block_kind kind, long line, long end_line);
/* Copy a string into the script's arena; NULL for n == 0 when empty_is_null. */
const char *sm_builder_str(sm_builder *b, const char *s, size_t n, int empty_is_null);
void sm_builder_title(sm_builder *b, const char *key, size_t key_len,
                      const char *value, size_t value_len);
/* Fill speaker, speaker_key and extension of a dialogue block from a
 * character cue such as "JOHN (V.O.) (CONT'D)". */
void sm_builder_speaker(sm_builder *b, sm_block *blk, const char *cue, size_t n);

/* Small text helpers used by every reader. */
static inline int sm_is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }
static inline int sm_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int sm_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline int sm_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline int sm_is_alpha(int c) { return sm_is_upper(c) || sm_is_lower(c); }

/* Trim spaces/tabs at both ends of [*s, *s + *n). */
void sm_trim(const char **s, size_t *n);
/* Has at least one letter and no lower-case ASCII letter (non-ASCII bytes
 * are neutral).  Text inside parentheses is ignored when skip_parens. */
int sm_all_caps(const char *s, size_t n, int skip_parens);
/* Length of a scene-heading prefix (INT., EXT, INT./EXT., I/E, EST ...)
 * at s including the following '.', '/' or space; 0 when none.
 * Requires upper case when upper_only. */
size_t sm_heading_prefix(const char *s, size_t n, int upper_only);

/* "Title:", "Credit:", "Author:", ...: a key a Fountain title page starts
 * with (case-insensitive). */
int sm_fountain_title_key(const char *s, size_t n);

#endif
