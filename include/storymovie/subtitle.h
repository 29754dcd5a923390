/* subtitle.h - subtitles (SRT, WebVTT, ASS/SSA) as cues and segments.
 *
 * The model follows SPEC.md exactly:
 *  - a cue is one timed block, numbered by ordinal position from 1 (the
 *    printed SRT index is not trusted);
 *  - a cue is split into segments: a text line starting with '-' (after
 *    markup removal) opens a new segment, other lines continue the current
 *    one; a cue with no dash line is one segment, even when its only text
 *    is an annotation.  Segments are numbered 1..k inside their cue.
 * Markup (<i>, <font>, {\an8}, \N, WebVTT tags) is removed; hearing-impaired
 * annotations ([DOOR SLAMS], (laughs)) are kept apart from the speech;
 * speaker labels (CHANDLER:, MONICA & ROSS:, <v Joey>) become speaker_hint. */
#ifndef STORYMOVIE_SUBTITLE_H
#define STORYMOVIE_SUBTITLE_H

#include <stddef.h>
#include <stdio.h>
#include "error.h"
#include "arena.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sm_subtitle_format {
    SM_SUBS_SRT,
    SM_SUBS_WEBVTT,
    SM_SUBS_ASS
} sm_subtitle_format;

typedef struct sm_segment {
    int cue;                 /* ordinal of its cue, from 1 */
    int index;               /* 1..k inside the cue */
    double start, end;       /* seconds (the cue's times) */
    const char *text;        /* the speech: markup, dash, label and annotations removed, lines joined by ' ' ("" when none) */
    const char *display;     /* the segment as shown: markup and leading dash removed, lines joined by ' ' */
    const char **annotations;/* "[DOOR SLAMS]", "(laughs)" as written */
    size_t n_annotations;
    const char *speaker_hint;/* "CHANDLER", "MONICA & ROSS", "Joey"; NULL when none */
    long line;               /* source line where the segment starts */
} sm_segment;

typedef struct sm_cue {
    int ordinal;             /* from 1 */
    double start, end;       /* seconds */
    size_t first_segment;    /* index into sm_subtitles.segments */
    size_t n_segments;       /* >= 1 */
    long line;               /* source line of the timing line */
} sm_cue;

typedef struct sm_subtitles {
    sm_subtitle_format format;
    char encoding[32];       /* of the source file */
    sm_cue *cues;
    size_t n_cues;
    sm_segment *segments;    /* all segments, in file order */
    size_t n_segments;
    sm_warnings warnings;    /* broken indices, overlaps, out-of-order times, ... */
    sm_arena arena;          /* owns every string above */
    size_t warnings_total;   /* all warnings found; `warnings` keeps the first 10,000 plus a summary line */
} sm_subtitles;

/* Parse UTF-8 text (as produced by sm_text_decode); the format is detected
 * from the content.  `name` is used in errors and warnings. */
int sm_subtitles_parse(const char *name, const char *utf8, size_t len,
                       sm_subtitles *out, sm_error *err);

/* Read, decode and parse a file. */
int sm_subtitles_read_file(const char *path, sm_subtitles *out, sm_error *err);

void sm_subtitles_free(sm_subtitles *s);

const char *sm_subtitle_format_name(sm_subtitle_format f);   /* "srt", "webvtt", "ass" */

/* The segments as JSON Lines, one record per segment in file order (the
 * output of `storymovie subs`; its --help describes the fields).  Returns
 * 0, or -1 on a write error. */
int sm_subtitles_write_jsonl(FILE *f, const sm_subtitles *subs);
/* The one-line summary of `subs --stats` (format, encoding, cues, segments,
 * speaker hints, annotations, warnings), for a reader, to f. */
void sm_subtitles_print_stats(FILE *f, const char *name, const sm_subtitles *subs);

#ifdef __cplusplus
}
#endif
#endif
