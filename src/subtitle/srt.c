/* srt.c - SubRip (.srt) framing: index line, timing line, text lines, a
 * blank line between cues.
 *
 * Real files break every part of that.  The reader takes every cue that a
 * person reading the file would take as one, with the time that person
 * would read, and says once per file what it repaired (sub_repaired):
 *  - the printed index is never trusted (cues are numbered by position);
 *    one that skips, repeats or restarts is a warning, a missing one is a
 *    repair;
 *  - a timing line directly after text starts a new cue, and a number
 *    directly before a timing line is that cue's index, not text (missing
 *    blank line: a repair);
 *  - timing lines written loosely are read as meant: "->" or another
 *    arrow for "-->" (or none at all between the cues), '.' for ',', hours
 *    missing or of one digit, one-digit minutes or seconds, any number of
 *    fraction digits read as a decimal fraction ("00:00:03,5" is 3.5 s),
 *    white space anywhere around (sub_parse_timing_line);
 *  - text before the first cue or between cues is skipped with a warning;
 *  - a line meant as a timing line (it starts with a time and has an
 *    arrow, or it is only a bare timestamp) that cannot be read, or has
 *    impossible values (seconds >= 60), is reported with its line number
 *    and its block skipped: the rest of the file is still read;
 *  - the file ending inside a timing line, or right after an index line,
 *    is an error (a truncated file).
 * Inside a cue a line is taken as the next timing line only when it is a
 * whole one and not two bare clock times ("10:30 -> 11:00" stays text);
 * there a line that starts with a bare clock time and an arrow but is no
 * timing line ("10:30 -> later") is text too, not a broken timing line. */
#include "subtitle/subtitle_internal.h"

#include <stdlib.h>
#include <string.h>

/* A line that is only an index: 1-9 ASCII digits (with spaces around). */
static int index_line(const char *s, size_t n, long *value)
{
    sub_trim(&s, &n);
    if (n == 0 || n > 9)
        return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return 1;
}

/* A bare timestamp-like line ("00:00:10,5", "00:01:02,000 -"): digits,
 * ':', ',', '.', '-', '>' and spaces only, starting with a digit and with a
 * ':' in it.  Between cues that can only be a broken timing line. */
static int timestamp_like(const char *s, size_t n)
{
    sub_trim(&s, &n);
    if (n == 0 || s[0] < '0' || s[0] > '9')
        return 0;
    int colon = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ':')
            colon = 1;
        else if (!((c >= '0' && c <= '9') || c == ',' || c == '.' || c == '-' || c == '>' ||
                   c == ' ' || c == '\t'))
            return 0;
    }
    return colon;
}

/* How a line reads as a timing line. */
typedef enum timing_kind {
    NOT_TIMING,       /* text, an index, anything else */
    TIMING,           /* a timing line (start, end, loose set) */
    BROKEN_TIMING     /* meant as one, cannot be read (why set) */
} timing_kind;

typedef struct timing {
    double start, end;
    unsigned loose;
    const char *why;
} timing;

/* `in_cue`: the line follows text of a cue, where only a whole timing line
 * (not two bare clock times) ends that cue. */
static timing_kind read_timing(const char *s, size_t n, int in_cue, timing *t)
{
    t->loose = 0;
    t->why = "";
    if (!sub_starts_like_time(s, n))
        return NOT_TIMING;
    int rc = sub_parse_timing_line(s, n, SUB_TIME_SRT, &t->start, &t->end, &t->loose, &t->why);
    if (rc == 1)
        return in_cue && (t->loose & SUB_TIME_BARE) ? NOT_TIMING : TIMING;
    if (rc < 0 && (sub_looks_like_timing(s, n, SUB_TIME_SRT, in_cue) || (!in_cue && timestamp_like(s, n))))
        return BROKEN_TIMING;
    return NOT_TIMING;
}

typedef struct srt_state {
    sub_builder *b;
    sub_lines r;
    int have_index;            /* an index line precedes the next timing line */
    long index, index_line;
    int have_prev_index;
    long prev_index;
} srt_state;

static int truncated(srt_state *st)
{
    return sm_fail(st->b->err, st->b->name, st->r.no, "file ends inside a timing line (truncated?)");
}

static int start_cue(srt_state *st, const timing *t, int after_text)
{
    sub_builder *b = st->b;
    long line = st->r.no;
    if (sub_lines_unterminated(&st->r))
        return truncated(st);
    int ordinal = (int)b->out->n_cues + 1;
    if (t->loose)
        sub_repaired_times(b, t->loose, line);
    if (after_text)
        sub_repaired(b, SUB_REPAIR_NO_BLANK, line,
                     "missing blank line before cue %d: a timing line right after text starts the next cue",
                     ordinal);
    if (st->have_index) {
        long idx = st->index;
        if (st->have_prev_index && idx != st->prev_index + 1)
            sub_warn(b, st->index_line,
                     "SRT index %ld %s after %ld (cues are numbered by position: this is cue %d)", idx,
                     idx == st->prev_index ? "repeated" : idx > st->prev_index ? "skips ahead" : "goes back",
                     st->prev_index, ordinal);
        else if (!st->have_prev_index && idx != ordinal)
            sub_warn(b, st->index_line,
                     "SRT index %ld for cue %d (cues are numbered by position)", idx, ordinal);
        st->have_prev_index = 1;
        st->prev_index = idx;
        st->have_index = 0;
    } else if (!after_text) {
        sub_repaired(b, SUB_REPAIR_NO_INDEX, line, "cue %d has no index line (cues are numbered by position)",
                     ordinal);
    }
    return sub_cue_begin(b, t->start, t->end, line);
}

/* A line meant as a timing line that cannot be read: its block is skipped
 * (reported with its line); at the very end of the file it is a cut. */
static int broken_timing(srt_state *st, const timing *t)
{
    if (sub_lines_unterminated(&st->r))
        return truncated(st);
    sub_skipped_cue(st->b, st->r.no, "bad timing line (%s)", t->why);
    if (st->have_index) {   /* the next index follows this one: no second warning for the same gap */
        st->have_prev_index = 1;
        st->prev_index = st->index;
    }
    st->have_index = 0;
    return 0;
}

/* The line after the current one is a timing line (see read_timing). */
static int timing_ahead(const srt_state *st, int in_cue)
{
    const char *ns, *next;
    size_t nn;
    timing t;
    return sub_peek_line(&st->r, &ns, &nn, &next) && read_timing(ns, nn, in_cue, &t) != NOT_TIMING;
}

int sub_parse_srt(sub_builder *b, const char *text, size_t len)
{
    srt_state st;
    memset(&st, 0, sizeof st);
    st.b = b;
    sub_lines_init(&st.r, text, len);
    enum { BETWEEN, IN_CUE, SKIPPING } state = BETWEEN;
    const char *s;
    size_t n;
    timing t;
    while (sub_next_line(&st.r, &s, &n)) {
        long value;
        if (state == IN_CUE) {
            if (sub_is_blank(s, n)) {
                if (sub_cue_end(b))
                    return -1;
                state = BETWEEN;
                continue;
            }
            timing_kind kind = read_timing(s, n, 1, &t);
            if (kind == TIMING) {
                if (start_cue(&st, &t, 1))
                    return -1;
                continue;
            }
            if (kind == BROKEN_TIMING) {
                if (sub_cue_end(b) || broken_timing(&st, &t))
                    return -1;
                state = SKIPPING;
                continue;
            }
            if (index_line(s, n, &value) && timing_ahead(&st, 1)) {
                /* "12" right above a timing line is the next cue's index. */
                if (sub_cue_end(b))
                    return -1;
                sub_repaired(b, SUB_REPAIR_NO_BLANK, st.r.no,
                             "missing blank line before cue %d: a timing line right after text starts the next cue",
                             (int)b->out->n_cues + 1);
                st.have_index = 1;
                st.index = value;
                st.index_line = st.r.no;
                state = BETWEEN;
                continue;
            }
            if (sub_cue_line(b, s, n, st.r.no))
                return -1;
            continue;
        }
        if (sub_is_blank(s, n)) {
            if (state == SKIPPING)
                state = BETWEEN;
            continue;
        }
        /* After skipped text, as after a cue's text, two bare clock
         * times are not taken for a timing line. */
        timing_kind kind = read_timing(s, n, state == SKIPPING, &t);
        if (kind == TIMING) {
            if (start_cue(&st, &t, 0))
                return -1;
            state = IN_CUE;
            continue;
        }
        if (kind == BROKEN_TIMING) {
            if (broken_timing(&st, &t))
                return -1;
            state = SKIPPING;
            continue;
        }
        if (st.have_index) {
            /* An index line not followed by a timing line. */
            sub_warn(b, st.index_line, "index %ld is not followed by a timing line; skipped", st.index);
            st.have_index = 0;
            state = SKIPPING;
            continue;
        }
        if (index_line(s, n, &value) && (state == BETWEEN || timing_ahead(&st, 0))) {
            st.have_index = 1;
            st.index = value;
            st.index_line = st.r.no;
            continue;
        }
        if (state == BETWEEN)
            sub_warn(b, st.r.no, "text outside any cue; skipped up to the next blank line");
        state = SKIPPING;
    }
    if (st.have_index)
        return sm_fail(b->err, b->name, st.index_line,
                       "file ends after index %ld without its timing line (truncated?)", st.index);
    return 0;
}
