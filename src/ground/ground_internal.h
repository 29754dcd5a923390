/* ground_internal.h - how a story's text is read for quotations and names,
 * shared by quotes.c (quotations), verify.c (the rules) and prompt.c. */
#ifndef STORYMOVIE_GROUND_INTERNAL_H
#define STORYMOVIE_GROUND_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/array.h"
#include "storymovie/ground.h"
#include "storymovie/text.h"

/* A person the story may name: a context char with a real name, or a
 * speaker of the window's dialogue or script who is none of those chars. */
typedef struct gr_person {
    const char *name;                       /* the real name, or the speaker as written */
    const sm_context_character *character;  /* NULL for a speaker who is no char */
    char **words;                           /* normalised name words, titles and initials left out */
    size_t n_words;
} gr_person;

/* Markup: the byte span of an opening or closing grounding tag. */
typedef struct gr_markup {
    uint32_t off, end;
    int gdi;                                /* it opens or closes an image block */
} gr_markup;

/* A story's text as verification reads it. */
typedef struct gr_text {
    const sm_story *s;
    const sm_context *c;
    gr_markup *markup;                      /* sorted by offset, not overlapping */
    size_t n_markup;
    sm_tokens tokens;                       /* the words outside markup, offsets into s->text */
    int *tok_gdo;                           /* per token: innermost <gdo> tag holding it, or -1 */
    int *tok_gda;                           /* per token: innermost <gda> tag holding it, or -1 */
    gr_person *people;
    size_t n_people;
    sm_arena arena;
} gr_text;

int gr_text_open(gr_text *t, const sm_story *s, const sm_context *c);
void gr_text_close(gr_text *t);

/* The person a char id (its number) is, or -1 when it has no real name. */
int gr_person_of_char(const gr_text *t, uint32_t number);
/* Whether token i (normalised) is a name word of person p. */
int gr_is_name_word(const gr_text *t, size_t p, const char *norm);
/* Whether the word at story offset off is written with a capital letter. */
int gr_capitalised(const char *text, uint32_t off, uint32_t len);
/* First token whose offset is >= off. */
size_t gr_token_at(const gr_text *t, uint32_t off);
/* The text of story[off..off+len) without markup, white space collapsed,
 * into the arena; NULL on OOM. */
char *gr_visible(const gr_text *t, sm_arena *a, uint32_t off, uint32_t len);

/* A word after which a name is an object, never a subject or a label
 * ("to", "of", "with", ...); norm is a normalised token. */
int gr_is_preposition(const char *norm);

/* sm_quotes_find on a text already read. */
int gr_quotes_find(const gr_text *t, sm_quotes *out);

/* The word lists of quotes.c are sorted for their binary search (a test). */
int gr_word_lists_sorted(void);

/* Growable array of problems (verify.c). */
int gr_problem_add(sm_ground_verdict *v, const char *code, int rule, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
