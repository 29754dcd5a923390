/* srt.c - SubRip (.srt) framing: index line, timing line, text lines, a
 * blank line between cues.
 *
 * Real files break every part of that, so the reader is lenient where the
 * intent is clear and strict where guessing would corrupt times:
 *  - the printed index is never trusted (cues are numbered by position);
 *    one that skips, repeats or restarts is a warning;
 *  - a timing line directly after text starts a new cue, and a number
 *    directly before a timing line is that cue's index, not text (missing
 *    blank line: warning);
 *  - text before the first cue or between cues is skipped with a warning;
 *  - a line meant as a timing line (it starts with a digit and has "-->",
 *    or it is only a bare timestamp) that does not parse, or has impossible
 *    values (seconds >= 60), is an error: times are the point of the file;
 *  - the file ending inside a timing line, or right after an index line,
 *    is an error (a truncated file).
 * Timing: "HH:MM:SS,mmm --> HH:MM:SS,mmm", '.' accepted for ',', 1-3
 * fraction digits read as milliseconds (as ffmpeg/VLC do), hours optional,
 * spaces around the arrow, position coordinates after the end time. */
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

typedef struct srt_state {
    sub_builder *b;
    sub_lines r;
    int have_index;            /* an index line precedes the next timing line */
    long index, index_line;
    int have_prev_index;
    long prev_index;
    int warned_no_index;
} srt_state;

static int start_cue(srt_state *st, const char *s, size_t n, int after_text)
{
    sub_builder *b = st->b;
    double start, end;
    const char *why = "";
    long line = st->r.no;
    int rc = sub_parse_timing_line(s, n, 1, &start, &end, &why);
    if (rc <= 0 && sub_lines_unterminated(&st->r))
        return sm_fail(b->err, b->name, line, "file ends inside a timing line (truncated?)");
    if (rc <= 0)
        return sm_fail(b->err, b->name, line, "bad timing line: %s", why);
    if (sub_lines_unterminated(&st->r))
        return sm_fail(b->err, b->name, line,
                       "file ends inside a timing line (truncated?)");
    int ordinal = (int)b->out->n_cues + 1;
    if (after_text)
        sub_warn(b, line, "missing blank line before cue %d", ordinal);
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
    } else if (!after_text && !st->warned_no_index) {
        st->warned_no_index = 1;
        sub_warn(b, line, "cue %d has no index line (further ones not reported)", ordinal);
    }
    return sub_cue_begin(b, start, end, line);
}

/* A bare timestamp where a timing line belongs. */
static int bad_timestamp_line(srt_state *st)
{
    sub_builder *b = st->b;
    if (sub_lines_unterminated(&st->r))
        return sm_fail(b->err, b->name, st->r.no, "file ends inside a timing line (truncated?)");
    return sm_fail(b->err, b->name, st->r.no,
                   "bad timing line: expected 'HH:MM:SS,mmm --> HH:MM:SS,mmm'");
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
    while (sub_next_line(&st.r, &s, &n)) {
        long value;
        if (state == IN_CUE) {
            if (sub_is_blank(s, n)) {
                if (sub_cue_end(b))
                    return -1;
                state = BETWEEN;
                continue;
            }
            if (sub_looks_like_timing(s, n)) {
                if (start_cue(&st, s, n, 1))
                    return -1;
                continue;
            }
            const char *ns, *next;
            size_t nn;
            if (index_line(s, n, &value) && sub_peek_line(&st.r, &ns, &nn, &next) &&
                sub_looks_like_timing(ns, nn)) {
                /* "12" right above a timing line is the next cue's index. */
                if (sub_cue_end(b))
                    return -1;
                sub_warn(b, st.r.no, "missing blank line before cue %d",
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
        if (sub_has_arrow(s, n)) {
            /* Between cues any "-->" line is meant as a timing line. */
            if (start_cue(&st, s, n, 0))
                return -1;
            state = IN_CUE;
            continue;
        }
        if (st.have_index) {
            /* An index line not followed by a timing line. */
            if (timestamp_like(s, n))
                return bad_timestamp_line(&st);
            sub_warn(b, st.index_line, "index %ld is not followed by a timing line; skipped", st.index);
            st.have_index = 0;
            state = SKIPPING;
            continue;
        }
        const char *ns, *next;
        size_t nn;
        if (index_line(s, n, &value) &&
            (state == BETWEEN || (sub_peek_line(&st.r, &ns, &nn, &next) && sub_has_arrow(ns, nn)))) {
            st.have_index = 1;
            st.index = value;
            st.index_line = st.r.no;
            continue;
        }
        if (timestamp_like(s, n))
            return bad_timestamp_line(&st);
        if (state == BETWEEN)
            sub_warn(b, st.r.no, "text outside any cue; skipped up to the next blank line");
        state = SKIPPING;
    }
    if (st.have_index)
        return sm_fail(b->err, b->name, st.index_line,
                       "file ends after index %ld without its timing line (truncated?)", st.index);
    return 0;
}
