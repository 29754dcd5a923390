/* subtitle_builder.h - what the three format readers share.
 *
 * Each reader (srt.c, vtt.c, ass.c) only understands its own framing: where
 * a cue starts, its times, which lines are its text.  Everything after that
 * -- markup removal, the segment rule, annotations, speaker labels, the
 * timing sanity checks -- is done once, here, by the cue builder in
 * subtitle_builder.c, so the three formats cannot drift apart on the SPEC
 * rules. */
#ifndef STORYMOVIE_SUBTITLE_BUILDER_H
#define STORYMOVIE_SUBTITLE_BUILDER_H

#include <stddef.h>
#include <string.h>
#include "storymovie/subtitle.h"

typedef struct sub_builder {
    const char *name;          /* file name for errors */
    sm_subtitles *out;
    sm_error *err;
    size_t cues_cap, segs_cap;

    /* Reader options. */
    int decode_entities;       /* WebVTT: &amp; &lt; ... */
    int check_order;           /* warn on overlaps / out-of-order starts (not ASS: layers overlap by design) */

    /* The cue being built. */
    int in_cue;
    long cue_line;
    const char *cue_speaker;   /* ASS Name field (arena), or NULL */

    /* The segment being built: its display text so far. */
    int seg_open;
    long seg_line;
    char *seg;
    size_t seg_len, seg_cap;
    const char *seg_voice;     /* first WebVTT <v Name> seen in the segment (arena) */
    const char *pending_voice; /* a <v Name> not yet given to a segment */

    /* Scratch for one line / one segment analysis. */
    char *tmp;
    size_t tmp_cap;
    char *tmp2;
    size_t tmp2_cap;
    struct sub_mixed { size_t name_len, skip; } *mixed;   /* per segment of the cue */
    size_t mixed_cap;
    const char **ann;
    size_t ann_cap;

    int have_prev;
    double prev_start, prev_end;

    size_t warnings_dropped;

    /* String pool (blocks owned by out->arena). */
    char *pool;
    size_t pool_left, pool_block;
} sub_builder;

/* A warning for out->warnings.  At most SUB_MAX_WARNINGS are kept (a huge
 * broken file must not cost a malloc per line); the rest are counted and
 * summed up in one last warning. */
#define SUB_MAX_WARNINGS 10000
void sub_warn(sub_builder *b, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Strings and small arrays owned by the document (out->arena). */
void *sub_alloc(sub_builder *b, size_t n);
char *sub_strndup(sub_builder *b, const char *s, size_t n);

/* The cues and segments arrays: malloc'd while small, their own huge-page
 * mapping past SUB_BIG_ARRAY_MMAP bytes (see subtitle_builder.c). */
#define SUB_BIG_ARRAY_MMAP (4u << 20)
int sub_big_grow(void **array, size_t *cap, size_t need, size_t elem);
void sub_big_free(void *array);

/* The cue builder. */
int sub_cue_begin(sub_builder *b, double start, double end, long line);
/* One text line of the current cue, as written (markup still in). */
int sub_cue_line(sub_builder *b, const char *s, size_t len, long line);
int sub_cue_end(sub_builder *b);

/* ---- small shared helpers -------------------------------------------------- */

/* Bytes of the Unicode whitespace character at p (as Python's str.isspace,
 * which the SPEC's reference segment counter uses), 0 when none. */
size_t sub_space_len(const char *p, const char *end);
/* Same, for the character that ENDS at `end`. */
size_t sub_space_len_back(const char *start, const char *end);
/* Trim Unicode whitespace on both sides of [*s, *s + *len). */
void sub_trim(const char **s, size_t *len);
int sub_is_blank(const char *s, size_t len);

/* Parse a timestamp "[H:]MM:SS[.,]fff" at [p, end).  `frac_ms`: 1-3 fraction
 * digits are an integer count of milliseconds (SRT practice, as ffmpeg and
 * VLC read it); otherwise they are a decimal fraction (WebVTT, ASS).
 * Returns the bytes consumed, 0 when p does not start a timestamp, -1
 * when it is a timestamp with impossible values (seconds >= 60, ...), -2
 * when it is malformed (wrong digit counts, nothing after a separator). */
long sub_parse_time(const char *p, const char *end, int frac_ms, double *out);

/* Parse "TIME --> TIME[anything]" (spaces allowed around the arrow).
 * 1 on success, 0 when the line is not a timing line at all, -1 when it
 * is meant as one but malformed or impossible (*why says how). */
int sub_parse_timing_line(const char *s, size_t len, int frac_ms,
                          double *start, double *end, const char **why);

/* The line contains "-->". */
int sub_has_arrow(const char *s, size_t len);

/* The line looks like a timing line: after spaces it starts like a
 * timestamp ("12:3") and contains "-->". */
int sub_looks_like_timing(const char *s, size_t len);

/* ---- line iteration -------------------------------------------------------- */

typedef struct sub_lines {
    const char *start;   /* the whole text */
    const char *p, *e;   /* unread text */
    long no;             /* number of the line last returned */
} sub_lines;

static inline void sub_lines_init(sub_lines *r, const char *text, size_t len)
{
    r->start = text;
    r->p = text;
    r->e = text + len;
    r->no = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        r->p += 3;
}

/* The line at r->p without its "\n" (and a stray "\r" before it, in case the
 * caller did not unify line ends).  Returns 0 at the end of the text. */
static inline int sub_peek_line(const sub_lines *r, const char **s, size_t *n, const char **next)
{
    if (r->p >= r->e)
        return 0;
    const char *nl = (const char *)memchr(r->p, '\n', (size_t)(r->e - r->p));
    const char *end = nl ? nl : r->e;
    *s = r->p;
    *n = (size_t)(end - r->p);
    if (*n && (*s)[*n - 1] == '\r')
        (*n)--;
    *next = nl ? nl + 1 : r->e;
    return 1;
}

static inline int sub_next_line(sub_lines *r, const char **s, size_t *n)
{
    const char *next = NULL;
    if (!sub_peek_line(r, s, n, &next))
        return 0;
    r->p = next;
    r->no++;
    return 1;
}

/* The last line read was the last of the text and had no newline: a file
 * cut short in the middle of that line, when it is a timing line. */
static inline int sub_lines_unterminated(const sub_lines *r)
{
    return r->p >= r->e && r->e > r->start && r->e[-1] != '\n';
}

#endif
