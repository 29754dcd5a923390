/* plain_lines.h - what the two plain-text screenplay readers share: lines,
 * the reader's state, line shapes and blocks built alike (plain_lines.c).
 *
 * plain.c splits the file into lines, drops page furniture, and measures
 * the indentation; when the file has columns for cues and speech it reads
 * it by them (the common case).  When it has none that work (everything
 * flush left, centred lines, one column for everything, OCR noise, a blank
 * line between every cue and its speech), plain_shape.c infers the layout
 * and reads cues by their shape and their neighbours instead. */
#ifndef SM_SCRIPT_PLAIN_LINES_H
#define SM_SCRIPT_PLAIN_LINES_H

#include "script/script_internal.h"

enum {
    L_BLANK = 1,     /* nothing but spaces */
    L_CAPS = 2,      /* letters, none lower case (parenthesised text ignored) */
    L_DROP = 4,      /* page furniture */
    L_MORE = 8,      /* "(MORE)": the speech continues on the next page */
    L_CAND = 16,     /* may be a page header (while those are sought) */
    L_NAME = 32,     /* shaped like a cue (read by shape): never a page header */
};

typedef struct pline {
    const char *s;   /* content without indentation and trailing spaces */
    uint32_t n;
    int32_t indent;  /* columns, tabs to multiples of 8 */
    uint32_t flags;
} pline;

typedef struct layout {
    int indented;         /* the columns below are meaningful */
    int action, dialogue, paren, cue;
    size_t cues;          /* cues right above their speech the columns were measured from */
} layout;

typedef struct reader {
    sm_builder *b;
    const pline *L;
    size_t n;
    layout lay;
    sm_sbuf text, paren;
} reader;

/* Line shapes, the same for every layout. */
/* A leading/trailing scene number: digits, then up to three letters or
 * "-B" style suffixes ("12", "12A", "2-B"), and a full stop.  Returns its
 * length, 0 if none. */
size_t sm_plain_scene_number(const char *s, size_t n);
/* Scene heading, optionally numbered at either side; sets the number span. */
int sm_plain_heading_shape(const char *s, size_t n, const char **num, size_t *num_len);
/* "CUT TO:", "FADE IN:", "DISSOLVE TO:", ... */
int sm_plain_transition_shape(const char *s, size_t n);
/* Camera and editing directions that look like cues: "ANGLE ON JOHN". */
int sm_plain_direction_word(const char *s, size_t n);
/* The next line index after i that is not dropped, or n. */
size_t sm_plain_next_kept(const pline *L, size_t n, size_t i);

/* Blocks. */
/* The scene heading at line i (num: its scene number, or NULL); returns
 * the line after it. */
size_t sm_plain_read_heading(reader *r, size_t i, const char *num, size_t num_len);
void sm_plain_emit(reader *r, sm_block_kind kind, size_t from, size_t to, const char *s, size_t n);
/* Add line l to the speech being read (r->text, r->paren): speech, a
 * parenthetical without its parentheses, or "(beat) Speech" on one line.
 * *in_paren: a parenthetical is still open (it goes on below).  Returns 1
 * when the line was all parenthetical. */
int sm_plain_speech_line(reader *r, const pline *l, int *in_paren);

#endif
