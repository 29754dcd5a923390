/* vtt.c - WebVTT framing (W3C WebVTT): the "WEBVTT" header block, then
 * blocks separated by blank lines: NOTE / STYLE / REGION blocks (skipped)
 * and cues: an optional identifier line, "[HH:]MM:SS.mmm --> [HH:]MM:SS.mmm
 * [settings]", then text lines.  Cue text markup (<i>, <c.x>, <v Name>,
 * <00:01.000>, <ruby>...) is removed by the shared builder, which also
 * decodes character references (&amp; ...) and takes <v Name> as the
 * speaker hint.
 *
 * Leniency mirrors srt.c: a timing line directly after text starts a new
 * cue (warning), an identifier directly above it is not text; a block with
 * no timing line is skipped with a warning; a malformed or impossible
 * timing line is an error. */
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

static int vtt_start_cue(sub_builder *b, sub_lines *r, const char *s, size_t n, int after_text)
{
    double start, end;
    const char *why = "";
    int rc = sub_parse_timing_line(s, n, 0, &start, &end, &why);
    if (rc <= 0 && sub_lines_unterminated(r))
        return sm_fail(b->err, b->name, r->no, "file ends inside a timing line (truncated?)");
    if (rc <= 0)
        return sm_fail(b->err, b->name, r->no, "bad WebVTT timing line: %s", why);
    if (sub_lines_unterminated(r))
        return sm_fail(b->err, b->name, r->no, "file ends inside a timing line (truncated?)");
    if (after_text)
        sub_warn(b, r->no, "missing blank line before cue %d", (int)b->out->n_cues + 1);
    return sub_cue_begin(b, start, end, r->no);
}

int sub_parse_vtt(sub_builder *b, const char *text, size_t len)
{
    sub_lines r;
    sub_lines_init(&r, text, len);
    const char *s, *ns, *next;
    size_t n, nn;
    /* The header block: "WEBVTT" and metadata lines up to the first blank
     * line (detect() made sure the first non-blank line is "WEBVTT..."). */
    while (sub_next_line(&r, &s, &n) && sub_is_blank(s, n))
        ;
    while (sub_peek_line(&r, &s, &n, &next) && !sub_is_blank(s, n)) {
        if (sub_has_arrow(s, n)) {
            sub_warn(b, r.no + 1, "missing blank line after the WEBVTT header");
            break;
        }
        sub_next_line(&r, &s, &n);
    }
    enum { BETWEEN, IN_CUE, SKIPPING } state = BETWEEN;
    while (sub_next_line(&r, &s, &n)) {
        if (state == IN_CUE) {
            if (sub_is_blank(s, n)) {
                if (sub_cue_end(b))
                    return -1;
                state = BETWEEN;
                continue;
            }
            if (sub_looks_like_timing(s, n)) {
                if (vtt_start_cue(b, &r, s, n, 1))
                    return -1;
                continue;
            }
            if (digits_only(s, n) && sub_peek_line(&r, &ns, &nn, &next) && sub_looks_like_timing(ns, nn)) {
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
        if (state == SKIPPING)
            continue;
        if (keyword_line(s, n, "NOTE") || keyword_line(s, n, "STYLE") || keyword_line(s, n, "REGION")) {
            state = SKIPPING;
            continue;
        }
        if (sub_has_arrow(s, n)) {
            if (vtt_start_cue(b, &r, s, n, 0))
                return -1;
            state = IN_CUE;
            continue;
        }
        if (sub_peek_line(&r, &ns, &nn, &next) && sub_has_arrow(ns, nn))
            continue;   /* a cue identifier */
        sub_warn(b, r.no, "block without a timing line; skipped");
        state = SKIPPING;
    }
    return 0;
}
