/* subtitle.c - subtitles' entry points: format detection, the dispatch to
 * the three readers (srt.c, vtt.c, ass.c, over the shared builder of
 * subtitle_builder.c), and names (see include/storymovie/subtitle.h). */
#include "subtitle/subtitle_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"
#include "common/utf8.h"
#include "storymovie/text.h"

/* ---- detection and the public API --------------------------------------- */

static sm_subtitle_format detect(const char *s, size_t len)
{
    const char *p = s, *e = s + len;
    if (e - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (e - p >= 6 && memcmp(p, "WEBVTT", 6) == 0 &&
        (e - p == 6 || p[6] == ' ' || p[6] == '\t' || p[6] == '\n' || p[6] == '\r'))
        return SM_SUBS_WEBVTT;
    /* ASS/SSA: its section headers or Dialogue lines, before any "-->". */
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
        const char *l = p;
        sub_trim(&l, &n);
        if (n && (sm_ascii_prefix_ci(l, n, "[script info]") || sm_ascii_prefix_ci(l, n, "[events]") ||
                  sm_ascii_prefix_ci(l, n, "[v4+ styles]") || sm_ascii_prefix_ci(l, n, "[v4 styles]") ||
                  sm_ascii_prefix_ci(l, n, "dialogue:")))
            return SM_SUBS_ASS;
        if (sub_has_arrow(l, n))
            return SM_SUBS_SRT;
        if (!nl)
            break;
        p = nl + 1;
    }
    return SM_SUBS_SRT;
}

/* Line number of byte offset `off` (1-based). */
static long line_of(const char *s, size_t off)
{
    long line = 1;
    const char *p = s, *e = s + off;
    while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}

/* Validate UTF-8 (the text layer guarantees it for files; callers of
 * sm_subtitles_parse may hand us anything) and refuse NUL bytes, which
 * would silently cut strings short.  Returns the offset of the first bad
 * byte, or len when all is well.  ASCII is checked 8 bytes at a time. */
static size_t check_utf8(const unsigned char *s, size_t len, int *nul)
{
    size_t i = 0;
    *nul = 0;
    while (i < len) {
        if (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            /* no high bit set and no zero byte */
            if (!(w & 0x8080808080808080ull) &&
                !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = s[i];
        if (c == 0) {
            *nul = 1;
            return i;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t k = sm_utf8_sequence(s + i, s + len);
        if (k == 0)
            return i;
        i += k;
    }
    return len;
}

int sm_subtitles_parse(const char *name, const char *utf8, size_t len,
                       sm_subtitles *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->encoding, sizeof out->encoding, "UTF-8");
    if (!name)
        name = "<input>";
    int nul;
    size_t bad = check_utf8((const unsigned char *)utf8, len, &nul);
    if (bad < len)
        return sm_fail(err, name, line_of(utf8, bad), nul ? "NUL byte: binary data, not subtitles"
                                                          : "invalid UTF-8");
    if (sub_is_blank(utf8, len))
        return sm_fail(err, name, 0, "empty file");   /* as every reader says it */

    sub_builder b;
    memset(&b, 0, sizeof b);
    b.name = name;
    b.out = out;
    b.err = err;
    b.check_order = 1;
    out->format = detect(utf8, len);
    int rc = 0;
    if (len >= SUB_BIG_ARRAY_MMAP) {
        /* Every cue and every segment starts on a line of its own, so the
         * line count bounds both arrays: reserve that much address space
         * up front (pages are only faulted in as they are written) rather
         * than grow by doubling, which copies and re-faults everything. */
        size_t lines = 1;
        for (size_t i = 0; i < len; i++)   /* vectorised by the compiler */
            lines += utf8[i] == '\n';
        if (lines <= ((size_t)1 << 32) / sizeof(sm_segment) &&
            (sub_big_grow((void **)&out->cues, &b.cues_cap, lines + 1, sizeof *out->cues) ||
             sub_big_grow((void **)&out->segments, &b.segs_cap, lines + 1, sizeof *out->segments)))
            rc = sm_fail(err, name, 0, "out of memory");
    }
    if (rc == 0) {
        switch (out->format) {
        case SM_SUBS_WEBVTT: b.decode_entities = 1; rc = sub_parse_vtt(&b, utf8, len); break;
        case SM_SUBS_ASS: b.check_order = 0; rc = sub_parse_ass(&b, utf8, len); break;
        default: rc = sub_parse_srt(&b, utf8, len); break;
        }
    }
    if (rc == 0)
        rc = sub_cue_end(&b);
    sub_repairs_finish(&b);
    out->warnings_total = out->warnings.n_items + b.warnings_dropped;
    if (b.warnings_dropped)
        sm_warn(&out->warnings, 0, "%zu more warnings not listed", b.warnings_dropped);
    if (rc == 0 && out->n_cues == 0 && b.skipped_cues)
        /* Every cue was unreadable: the first one is the problem to show. */
        rc = sm_fail(err, name, b.first_skipped_line, "no subtitle cues could be read: %s%s", b.first_skipped_why,
                     b.skipped_cues > 1 ? " (and every other cue)" : "");
    else if (rc == 0 && out->n_cues == 0)
        rc = sm_fail(err, name, 0, "no subtitle cues found (not %s?)",
                     out->format == SM_SUBS_SRT ? "a subtitle file: no 'HH:MM:SS,mmm --> HH:MM:SS,mmm' line"
                     : out->format == SM_SUBS_WEBVTT ? "a WebVTT file with cues" : "an ASS file with Dialogue lines");
    free(b.seg);
    free(b.tmp);
    free(b.tmp2);
    free(b.mixed);
    free(b.ann);
    if (rc) {
        sm_subtitles_free(out);
        return -1;
    }
    return 0;
}

int sm_subtitles_read_file(const char *path, sm_subtitles *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_text text;
    if (sm_text_read_file(path, &text, err))
        return -1;
    int rc = sm_subtitles_parse(path, text.data, text.len, out, err);
    if (rc == 0) {
        snprintf(out->encoding, sizeof out->encoding, "%s", text.encoding);
        /* What the decoding repaired comes first: it concerns the file. */
        size_t n = text.warnings.n_items;
        if (sm_warnings_prepend(&out->warnings, &text.warnings) == 0)
            out->warnings_total += n;
    }
    sm_text_free(&text);
    return rc;
}

void sm_subtitles_free(sm_subtitles *s)
{
    sub_big_free(s->cues);
    sub_big_free(s->segments);
    sm_warnings_free(&s->warnings);
    sm_arena_free(&s->arena);
    s->cues = NULL;
    s->segments = NULL;
    s->n_cues = s->n_segments = 0;
}

const char *sm_subtitle_format_name(sm_subtitle_format f)
{
    switch (f) {
    case SM_SUBS_WEBVTT: return "webvtt";
    case SM_SUBS_ASS: return "ass";
    default: return "srt";
    }
}
