/* vtt.c - WebVTT framing (W3C WebVTT): the "WEBVTT" header block, then
 * blocks separated by blank lines: NOTE / STYLE / REGION blocks (skipped)
 * and cues: an optional identifier line, "[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm
 * [settings]", then text lines.  Cue text markup (<i>, <c.x>, <v Name>,
 * <00:01.000>, <ruby>...) is removed by the shared builder, which also
 * decodes character references (&amp; ...) and takes <v Name> as the
 * speaker hint.
 *
 * Leniency mirrors srt.c: timing lines written loosely are read as meant
 * (',' for '.', "->" for "-->", fractions of 1-2 or more than 3 digits read
 * as decimals, one-digit fields), each kind said once per file; a timing
 * line directly after text starts a new cue, an identifier directly above
 * it is not text (missing blank line: a repair); a block with no timing
 * line is skipped with a warning; a line meant as a timing line that
 * cannot be read, or has impossible values, is reported with its line
 * number and its cue skipped, and the rest of the file is read. */
#include "subtitle/subtitle_internal.h"

#include <string.h>

static int keyword_line(const char *s, size_t n, const char *kw)
{
    size_t k = strlen(kw);
    return n >= k && memcmp(s, kw, k) == 0 && (n == k || s[k] == ' ' || s[k] == '\t');
}

static int digits_only(const char *s, size_t n)
{
    sub_trim(&s, &n);
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* How a line reads as a timing line: 1 a timing line (times and loose
 * bits set), -1 meant as one but unreadable (*why set), 0 anything else.
 * After text, two bare clock times ("10:30 -> 11:00") are text. */
static int read_timing(const char *s, size_t n, int in_cue, double *start, double *end, unsigned *loose,
                       const char **why)
{
    *loose = 0;
    *why = "";
    if (!sub_starts_like_time(s, n))
        return 0;
    int rc = sub_parse_timing_line(s, n, SUB_TIME_VTT, start, end, loose, why);
    if (rc == 1)
        return in_cue && (*loose & SUB_TIME_BARE) ? 0 : 1;
    return rc < 0 && sub_looks_like_timing(s, n, SUB_TIME_VTT, in_cue) ? -1 : 0;
}

static int timing_ahead(const sub_lines *r, int in_cue)
{
    const char *ns, *next, *why;
    size_t nn;
    double a, z;
    unsigned loose;
    return sub_peek_line(r, &ns, &nn, &next) && read_timing(ns, nn, in_cue, &a, &z, &loose, &why) != 0;
}

/* A line of the cue block at r->no: 1 a cue was started, 0 the line was a
 * broken timing line (reported, its cue skipped), -1 an error. */
static int vtt_timing_line(sub_builder *b, sub_lines *r, int kind, double start, double end,
                           unsigned loose, const char *why, int after_text)
{
    if (sub_lines_unterminated(r))
        return sm_fail(b->err, b->name, r->no, "file ends inside a timing line (truncated?)");
    if (kind < 0) {
        if (after_text && sub_cue_end(b))
            return -1;
        sub_skipped_cue(b, r->no, "bad WebVTT timing line (%s)", why);
        return 0;
    }
    if (loose)
        sub_repaired_times(b, loose, r->no);
    if (after_text)
        sub_repaired(b, SUB_REPAIR_NO_BLANK, r->no,
                     "missing blank line before cue %d: a timing line right after text starts the next cue",
                     (int)b->out->n_cues + 1);
    return sub_cue_begin(b, start, end, r->no) ? -1 : 1;
}

int sub_parse_vtt(sub_builder *b, const char *text, size_t len)
{
    sub_lines r;
    sub_lines_init(&r, text, len);
    const char *s, *next;
    size_t n;
    /* The header block: "WEBVTT" and metadata lines up to the first blank
     * line (detect() made sure the first non-blank line is "WEBVTT..."). */
    while (sub_next_line(&r, &s, &n) && sub_is_blank(s, n))
        ;
    while (sub_peek_line(&r, &s, &n, &next) && !sub_is_blank(s, n)) {
        if (timing_ahead(&r, 0)) {
            sub_warn(b, r.no + 1, "missing blank line after the WEBVTT header");
            break;
        }
        sub_next_line(&r, &s, &n);
    }
    /* SKIPPING: the rest of a block without a timing line, where a timing
     * line still starts a cue; IN_COMMENT: a NOTE, STYLE or REGION block,
     * where nothing does (a NOTE may hold a cue put aside). */
    enum { BETWEEN, IN_CUE, SKIPPING, IN_COMMENT } state = BETWEEN;
    double start, end;
    unsigned loose;
    const char *why;
    while (sub_next_line(&r, &s, &n)) {
        if (state == IN_CUE) {
            if (sub_is_blank(s, n)) {
                if (sub_cue_end(b))
                    return -1;
                state = BETWEEN;
                continue;
            }
            int kind = read_timing(s, n, 1, &start, &end, &loose, &why);
            if (kind != 0) {
                int rc = vtt_timing_line(b, &r, kind, start, end, loose, why, 1);
                if (rc < 0)
                    return -1;
                state = rc ? IN_CUE : SKIPPING;
                continue;
            }
            if (digits_only(s, n) && timing_ahead(&r, 1)) {
                /* The numeric identifier of the next cue, blank line
                 * missing.  Any other line there is taken as text: a
                 * missing blank line is likelier than a word identifier. */
                if (sub_cue_end(b))
                    return -1;
                state = BETWEEN;
                continue;
            }
            if (sub_cue_line(b, s, n, r.no))
                return -1;
            continue;
        }
        if (sub_is_blank(s, n)) {
            state = BETWEEN;
            continue;
        }
        if (state == IN_COMMENT)
            continue;
        if (state == BETWEEN &&
            (keyword_line(s, n, "NOTE") || keyword_line(s, n, "STYLE") || keyword_line(s, n, "REGION"))) {
            state = IN_COMMENT;
            continue;
        }
        int kind = read_timing(s, n, state == SKIPPING, &start, &end, &loose, &why);
        if (kind != 0) {
            int rc = vtt_timing_line(b, &r, kind, start, end, loose, why, state == SKIPPING);
            if (rc < 0)
                return -1;
            state = rc ? IN_CUE : SKIPPING;
            continue;
        }
        if (state == SKIPPING)
            continue;
        if (timing_ahead(&r, 0))
            continue;   /* a cue identifier */
        sub_warn(b, r.no, "block without a timing line; skipped");
        state = SKIPPING;
    }
    return 0;
}
