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

/* What a reader repaired, said once per file (see sub_repaired). */
typedef enum sub_repair {
    SUB_REPAIR_ARROW,          /* timing line without a proper "-->" */
    SUB_REPAIR_SHORT_FRACTION, /* "00:00:03,5": 3.500 s */
    SUB_REPAIR_LONG_FRACTION,  /* "00:00:01,2345": rounded */
    SUB_REPAIR_ODD_FIELDS,     /* "0:1:2,000", "00:05,000", "00:00:07" */
    SUB_REPAIR_NEGATIVE,       /* ASS times before 0: read as 0 */
    SUB_REPAIR_NO_BLANK,       /* a cue starts right after the previous one's text */
    SUB_REPAIR_NO_INDEX,       /* SRT cue without its index line */
    SUB_N_REPAIRS
} sub_repair;

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

    /* Repairs (sub_repaired): count and warning index of each kind. */
    size_t repairs[SUB_N_REPAIRS];
    size_t repair_warning[SUB_N_REPAIRS];   /* index in out->warnings + 1; 0 when dropped */
    size_t skipped_cues;       /* sub_skipped_cue */
    long first_skipped_line;
    char first_skipped_why[200];

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

/* ---- times ------------------------------------------------------------------
 *
 * One timestamp reader for the three formats, lenient the way a person
 * reading the file is: "[H:]M:S[.,]f" with any number of hour digits, one
 * or two for minutes and seconds, any number of fraction digits, and
 * always read as a decimal fraction ("00:00:03,5" is 3.5 s, "0:00:23" is
 * 23 s).  What departs from the format's own way of writing a time is
 * reported in `loose` (SUB_TIME_* bits) so that the reader can warn once;
 * the value is never guessed. */
typedef enum sub_time_format { SUB_TIME_SRT, SUB_TIME_VTT, SUB_TIME_ASS } sub_time_format;

#define SUB_TIME_SHORT_FRACTION 0x01u  /* fewer fraction digits than the format writes (3; 2 in ASS) */
#define SUB_TIME_LONG_FRACTION  0x02u  /* more than 3: rounded to the millisecond */
#define SUB_TIME_ODD_FIELDS     0x04u  /* one-digit minutes or seconds, hours missing or one digit in SRT, no fraction */
#define SUB_TIME_NEGATIVE       0x08u  /* ASS "-1:59:54.93": the value is negative */
#define SUB_TIME_BARE           0x10u  /* two fields and no fraction ("10:30"): a clock time in text as much as a timestamp */
#define SUB_TIME_ODD_ARROW      0x20u  /* timing line: "->", "- >", "=>", a dash... instead of "-->" */
#define SUB_TIME_NO_ARROW       0x40u  /* timing line: only white space between the two times */

/* Parse a timestamp at [p, end).  Returns the bytes consumed, 0 when p does
 * not start a timestamp (digits then ':' then a digit), -1 when it is one
 * with impossible values (seconds >= 60, minutes >= 60 after hours), -2
 * when it is malformed (three-digit minutes or seconds, a separator with
 * no digits after it).  *loose gets SUB_TIME_* bits ORed in. */
long sub_parse_time(const char *p, const char *end, sub_time_format fmt, double *out, unsigned *loose);

/* The line starts (after spaces and tabs) like a time: digits, ':', a
 * digit.  A cheap test that keeps text and index lines away from the
 * timing-line parser. */
static inline int sub_starts_like_time(const char *s, size_t n)
{
    const char *e = s + n;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    const char *d = s;
    while (d < e && *d >= '0' && *d <= '9')
        d++;
    return d > s && e - d >= 2 && d[0] == ':' && d[1] >= '0' && d[1] <= '9';
}

/* Parse "TIME ARROW TIME[ anything]": white space allowed around and
 * before; ARROW is "-->" or, loosely, any run of '-', '>', '=', '~', en or
 * em dashes and arrows, or only white space (*loose says which).  1 on
 * success, 0 when the line does not start with a time, -1 when it starts
 * with one but is no timing line (*why says how). */
int sub_parse_timing_line(const char *s, size_t len, sub_time_format fmt,
                          double *start, double *end, unsigned *loose, const char **why);

/* The line contains "-->" (or "->"). */
int sub_has_arrow(const char *s, size_t len);

/* The line looks like a timing line: after spaces it starts like a
 * timestamp ("12:3") and contains an arrow ("-->", "->"); `in_cue` (after
 * a cue's text), not when it starts with a bare clock time ("10:30"). */
int sub_looks_like_timing(const char *s, size_t len, sub_time_format fmt, int in_cue);

/* ---- what a reader repaired, said once per file --------------------------- */


/* Note one repair of `kind` at `line`: the first one of each kind becomes a
 * warning, later ones are only counted (sub_repairs_finish adds the count
 * to that warning). */
void sub_repaired(sub_builder *b, sub_repair kind, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Each repair kind met in the time bits of a timing line or timestamp. */
void sub_repaired_times(sub_builder *b, unsigned loose, long line);
void sub_repairs_finish(sub_builder *b);

/* A cue that cannot be read (a line meant as a timing line that is not
 * one, an ASS event with a bad time): a warning with its line number, and
 * the reader goes on with the rest of the file.  The first one is kept for
 * the error of a file left with no cues at all. */
void sub_skipped_cue(sub_builder *b, long line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

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
