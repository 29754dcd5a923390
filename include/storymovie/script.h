/* script.h - screenplays as a flat list of blocks.
 *
 * Three styles are read, detected automatically (sm_script_parse):
 *  - plain-text screenplays laid out by indentation (IMSDb, Daily Script):
 *    the indentation levels are inferred per file;
 *  - Fountain (fountain.io);
 *  - transcripts: "Name: line" paragraphs, [Scene: ...] headings,
 *    (stage directions) inside speech.
 * A block is the unit the aligner works with: a scene heading, an action
 * paragraph, one character's dialogue (cue + parentheticals + speech), a
 * transition, and for Fountain also sections, synopses, lyrics and page
 * breaks.  Page numbers, (MORE), repeated page headers, notes and the
 * boneyard are not blocks. */
#ifndef STORYMOVIE_SCRIPT_H
#define STORYMOVIE_SCRIPT_H

#include <stddef.h>
#include <stdio.h>
#include "error.h"
#include "arena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* More blocks than this is not a screenplay (the longest films have a few
 * thousand); parsing stops with an error instead of using gigabytes. */
#define SM_SCRIPT_MAX_BLOCKS 10000000u

typedef enum sm_script_format {
    SM_SCRIPT_PLAIN,        /* IMSDb-style, indentation */
    SM_SCRIPT_FOUNTAIN,
    SM_SCRIPT_TRANSCRIPT    /* Name: line */
} sm_script_format;

typedef enum sm_block_kind {
    SM_BLOCK_SCENE_HEADING,
    SM_BLOCK_ACTION,
    SM_BLOCK_DIALOGUE,
    SM_BLOCK_TRANSITION,
    SM_BLOCK_SECTION,       /* Fountain # Section */
    SM_BLOCK_SYNOPSIS,      /* Fountain = synopsis */
    SM_BLOCK_LYRICS,        /* Fountain ~lyrics */
    SM_BLOCK_PAGE_BREAK     /* Fountain === */
} sm_block_kind;

typedef struct sm_block {
    sm_block_kind kind;
    int scene;                   /* scene ordinal from 1; 0 before the first heading */
    const char *text;            /* dialogue: the speech (parentheticals removed), lines joined by ' ';
                                    other kinds: the text as written, lines joined by '\n' */
    const char *speaker;         /* dialogue: the name as written, extensions removed ("JOEY"); else NULL */
    const char *speaker_key;     /* dialogue: normalised for comparison (case folded, letters and digits only); else NULL */
    const char *extension;       /* dialogue: "V.O.", "O.S.", "CONT'D", ... joined by ' '; NULL when none */
    const char *parenthetical;   /* dialogue: parentheticals/directions joined by ' '; NULL when none */
    const char *scene_number;    /* scene heading: "12A" when numbered; NULL otherwise */
    int dual;                    /* dialogue: 1 for Fountain dual dialogue (the ^ side and its partner) */
    int centered;                /* action: Fountain > centered < */
    long line, end_line;         /* source lines (1-based, inclusive) */
} sm_block;

typedef struct sm_title_field {
    const char *key;             /* "Title", "Author", "Written by", ... */
    const char *value;
} sm_title_field;

typedef struct sm_script {
    sm_script_format format;
    char encoding[32];
    sm_title_field *title;       /* title page (Fountain) or transcript header */
    size_t n_title;
    sm_block *blocks;
    size_t n_blocks;
    int n_scenes;
    const char *layout;          /* plain: the layout inferred ("indented", "flush-left", "one-column",
                                    "centred", "spaced-columns", "noisy-indent"); NULL otherwise */
    sm_warnings warnings;
    sm_arena arena;              /* owns every string above */
} sm_script;

int sm_script_parse(const char *name, const char *utf8, size_t len,
                    sm_script *out, sm_error *err);
/* Force a format instead of detecting it. */
int sm_script_parse_as(const char *name, const char *utf8, size_t len,
                       sm_script_format format, sm_script *out, sm_error *err);
int sm_script_read_file(const char *path, sm_script *out, sm_error *err);
/* The same, where path "-" is standard input (named "<stdin>" while
 * decoding) and format, when not NULL, is forced instead of detected. */
int sm_script_read(const char *path, const sm_script_format *format, sm_script *out, sm_error *err);
void sm_script_free(sm_script *s);

const char *sm_script_format_name(sm_script_format f);   /* "plain", "fountain", "transcript" */
const char *sm_block_kind_name(sm_block_kind k);          /* "scene_heading", "action", ... */
/* "plain" (also "imsdb", "text"), "fountain", "transcript" -> *out; -1 if unknown. */
int sm_script_format_from_name(const char *name, sm_script_format *out);
/* The format sm_script_parse would pick for this text (a name ending in
 * ".fountain" decides on its own). */
sm_script_format sm_script_detect(const char *name, const char *utf8, size_t len);

/* The script as JSON Lines: a title record when it has title fields, then
 * one record per block (the output of `storymovie script`; its --help
 * describes the fields).  Returns 0, or -1 on a write error. */
int sm_script_write_jsonl(FILE *f, const sm_script *s);

/* A speaker of the script's dialogue: its key, its name as first written,
 * its dialogue blocks. */
typedef struct sm_speaker_count {
    const char *key, *name;
    size_t count;
} sm_speaker_count;

/* The distinct speakers of the dialogue blocks, most blocks first (ties by
 * key).  *out is malloc'd (NULL when none); returns the count, or
 * (size_t)-1 on allocation failure. */
size_t sm_script_speakers(const sm_script *s, sm_speaker_count **out);

/* The summary of `script --stats` (format, encoding, title, scenes, blocks
 * per kind, speakers and the ten most frequent), for a reader, to f. */
void sm_script_print_stats(FILE *f, const char *name, const sm_script *s);

/* Normalise a character name for comparison: extensions removed, case
 * folded, letters and digits only ("Dr. Green (V.O.)" -> "drgreen").
 * Writes at most size-1 bytes plus NUL into buf; returns the length. */
size_t sm_speaker_key(const char *name, char *buf, size_t size);

/* Whether a script speaker ("MARTHA", "DR. HALE (V.O.)") is the person with
 * this name ("Martha Hale"): the speaker's key equals the key of the whole
 * name or of one of its words (words of one letter do not count).  Link uses
 * it to find a char's lines, verification to check who says a quotation. */
int sm_speaker_agrees(const char *name, const char *speaker);

#ifdef __cplusplus
}
#endif
#endif
