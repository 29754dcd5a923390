/* subtitle_builder.c - the cue/segment builder the three format readers
 * share: markup removal, the segment rule, annotations and speaker labels,
 * times and their checks, and the document's memory (see
 * subtitle_builder.h).
 *
 * The segment rule must agree EXACTLY with the SPEC's reference counter
 * (shared/tools/check_align_contract.py, cue_segments): per text line,
 * remove `<...>` tags (at least one character inside) and `{...}` blocks,
 * strip Unicode whitespace (Python's str.strip), skip empty lines; a line
 * starting with '-' opens a new segment, so does the first non-empty line;
 * other lines continue the current segment; a cue without text is still one
 * segment.  Everything else here (annotations, labels, speech text) is
 * derived from a segment's display text and never changes the counts.
 *
 * Speed: every byte is touched a small constant number of times with plain
 * loops and memchr; strings go to the document's arena; no regex, no
 * per-character calls across translation units. */
#define _DEFAULT_SOURCE 1   /* MAP_ANONYMOUS, madvise: optional, see sub_big_grow */
#include "subtitle/subtitle_builder.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/array.h"
#include "common/ascii.h"
#include "common/utf8.h"
#include "storymovie/text.h"

/* ---- whitespace ----------------------------------------------------------- */

/* Python's str.isspace set: ASCII \t\n\v\f\r, 0x1c-0x1f, space; U+0085,
 * U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
 * NBSP matters in practice: real subtitle files use it as padding. */
static inline size_t space_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    if (c < 0x80)
        return (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) ? 1 : 0;
    if (c == 0xC2)
        return (end - p >= 2 && (p[1] == 0x85 || p[1] == 0xA0)) ? 2 : 0;
    if (c == 0xE1)
        return (end - p >= 3 && p[1] == 0x9A && p[2] == 0x80) ? 3 : 0;
    if (c == 0xE2) {
        if (end - p < 3)
            return 0;
        if (p[1] == 0x80)
            return ((p[2] >= 0x80 && p[2] <= 0x8A) || p[2] == 0xA8 || p[2] == 0xA9 || p[2] == 0xAF) ? 3 : 0;
        if (p[1] == 0x81)
            return p[2] == 0x9F ? 3 : 0;
        return 0;
    }
    if (c == 0xE3)
        return (end - p >= 3 && p[1] == 0x80 && p[2] == 0x80) ? 3 : 0;
    return 0;
}

size_t sub_space_len(const char *p, const char *end)
{
    if (p >= end)
        return 0;
    return space_len((const unsigned char *)p, (const unsigned char *)end);
}

size_t sub_space_len_back(const char *start, const char *end)
{
    if (end <= start)
        return 0;
    unsigned char last = (unsigned char)end[-1];
    if (last < 0x80)
        return space_len((const unsigned char *)end - 1, (const unsigned char *)end);
    for (size_t k = 2; k <= 3; k++)
        if ((size_t)(end - start) >= k && space_len((const unsigned char *)end - k,
                                                    (const unsigned char *)end) == k)
            return k;
    return 0;
}

void sub_trim(const char **s, size_t *len)
{
    const char *p = *s, *e = *s + *len;
    size_t k;
    while (p < e && (k = sub_space_len(p, e)) > 0)
        p += k;
    while (e > p && (k = sub_space_len_back(p, e)) > 0)
        e -= k;
    *s = p;
    *len = (size_t)(e - p);
}

int sub_is_blank(const char *s, size_t len)
{
    sub_trim(&s, &len);
    return len == 0;
}

/* ---- times ------------------------------------------------------------------ */

/* Digits at p (before end): their count, and in *v the value of the first
 * `keep` of them (the rest are counted only, so no overflow). */
static size_t read_digits(const char *p, const char *end, size_t keep, unsigned long *v)
{
    size_t n = 0;
    unsigned long x = 0;
    while (p + n < end && p[n] >= '0' && p[n] <= '9') {
        if (n < keep)
            x = x * 10 + (unsigned long)(p[n] - '0');
        n++;
    }
    *v = x;
    return n;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* "HH:MM:SS,mmm" / "HH:MM:SS.mmm", as nearly every SRT and WebVTT file
 * writes every time: read without the general path's bookkeeping.  Returns
 * 12, -1 (impossible values) or 0 (another form: take the general path). */
static long strict_time(const char *p, const char *end, double *out)
{
    if (end - p < 12 || p[2] != ':' || p[5] != ':' || (p[8] != ',' && p[8] != '.') ||
        (end - p > 12 && is_digit(p[12])))
        return 0;
    static const int digit_at[] = {0, 1, 3, 4, 6, 7, 9, 10, 11};
    for (size_t i = 0; i < sizeof digit_at / sizeof digit_at[0]; i++)
        if (!is_digit(p[digit_at[i]]))
            return 0;
    unsigned long h = (unsigned long)(p[0] - '0') * 10 + (unsigned long)(p[1] - '0');
    unsigned long m = (unsigned long)(p[3] - '0') * 10 + (unsigned long)(p[4] - '0');
    unsigned long s = (unsigned long)(p[6] - '0') * 10 + (unsigned long)(p[7] - '0');
    unsigned long ms = (unsigned long)(p[9] - '0') * 100 + (unsigned long)(p[10] - '0') * 10 +
                       (unsigned long)(p[11] - '0');
    if (m >= 60 || s >= 60)
        return -1;
    /* the same expression as below, so both paths give the same double */
    *out = (double)h * 3600.0 + (double)m * 60.0 + (double)s + (double)ms / 1000.0;
    return 12;
}

long sub_parse_time(const char *p, const char *end, sub_time_format fmt, double *out, unsigned *loose)
{
    if (fmt != SUB_TIME_ASS) {
        long n = strict_time(p, end, out);
        if (n)
            return n;
    }
    const char *q = p;
    int negative = 0;
    if (fmt == SUB_TIME_ASS && q < end && *q == '-') {   /* some tools write events before 0 */
        negative = 1;
        q++;
    }
    unsigned long g1, g2, g3 = 0, frac = 0;
    size_t n1 = read_digits(q, end, 10, &g1);
    if (n1 == 0 || q + n1 + 1 >= end || q[n1] != ':' || !is_digit(q[n1 + 1]))
        return 0;
    q += n1 + 1;
    size_t n2 = read_digits(q, end, 10, &g2);
    q += n2;
    int have_hours = 0;
    size_t n3 = 0;
    if (q < end && *q == ':') {
        n3 = read_digits(q + 1, end, 10, &g3);
        if (n3 == 0)
            return -2;               /* "00:00:" */
        q += 1 + n3;
        have_hours = 1;
    }
    size_t nf = 0;
    if (q < end && (*q == ',' || *q == '.')) {
        /* Four digits are kept: the fourth rounds to the millisecond. */
        nf = read_digits(q + 1, end, 4, &frac);
        if (nf == 0)
            return -2;               /* "00:00:01," */
        q += 1 + nf;
    }
    unsigned long h = have_hours ? g1 : 0, m = have_hours ? g2 : g1, s = have_hours ? g3 : g2;
    size_t nm = have_hours ? n2 : n1, ns = have_hours ? n3 : n2;
    if (n1 > 9 || nm > 2 || ns > 2)
        return -2;                   /* "00:123:00", "00:00:123" */
    if (s >= 60 || (have_hours && m >= 60))
        return -1;
    unsigned bits = 0;
    if (nm == 1 || ns == 1 || nf == 0)
        bits |= SUB_TIME_ODD_FIELDS;
    if (fmt == SUB_TIME_SRT && (!have_hours || n1 != 2))
        bits |= SUB_TIME_ODD_FIELDS;
    if (fmt == SUB_TIME_VTT && have_hours && n1 < 2)
        bits |= SUB_TIME_ODD_FIELDS;
    if (fmt == SUB_TIME_ASS && !have_hours)
        bits |= SUB_TIME_ODD_FIELDS;
    if (!have_hours && nf == 0)
        bits |= SUB_TIME_BARE;
    if (nf > 0 && nf < (fmt == SUB_TIME_ASS ? 2u : 3u))
        bits |= SUB_TIME_SHORT_FRACTION;
    if (nf > 3)
        bits |= SUB_TIME_LONG_FRACTION;
    /* A decimal fraction, whatever its length: "03,5" is 3.5 s, as a reader
     * (and pysubs2) takes it, not 3.005 s (the milliseconds count of ffmpeg
     * and VLC).  Three digits give the same value either way. */
    double f;
    if (nf == 0)
        f = 0;
    else if (nf <= 3)
        f = (double)frac / (nf == 1 ? 10.0 : nf == 2 ? 100.0 : 1000.0);
    else
        f = (double)((frac + 5) / 10) / 1000.0;
    double t = (double)h * 3600.0 + (double)m * 60.0 + (double)s + f;
    if (negative) {
        t = -t;
        bits |= SUB_TIME_NEGATIVE;
    }
    *out = t;
    *loose |= bits;
    return (long)(q - p);
}

int sub_has_arrow(const char *s, size_t len)
{
    const char *e = s + len;
    for (const char *p = s; p + 2 <= e; p++) {
        p = memchr(p, '-', (size_t)(e - p));
        if (!p || p + 2 > e)
            return 0;
        if (p[1] == '>' || (p + 3 <= e && p[1] == '-' && p[2] == '>'))
            return 1;
    }
    return 0;
}

int sub_looks_like_timing(const char *s, size_t len, sub_time_format fmt, int in_cue)
{
    /* Starts like a timestamp: digits, ':', a digit ("10 --> 20 apples"
     * inside a cue is text, not a broken timing line). */
    if (!sub_starts_like_time(s, len) || !sub_has_arrow(s, len))
        return 0;
    if (!in_cue)
        return 1;
    /* After text, a bare clock time then an arrow ("10:30 -> later") is
     * what is said, as "10:30 -> 11:00" is (see SUB_TIME_BARE). */
    const char *p = s, *e = s + len;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    double t;
    unsigned bits = 0;
    return !(sub_parse_time(p, e, fmt, &t, &bits) > 0 && (bits & SUB_TIME_BARE));
}

/* Bytes of the arrow-like character at p: '-', '>', '=', '~', and the
 * en dash, em dash and rightwards arrow (U+2013, U+2014, U+2192) that
 * word processors and careful typists put there. */
static size_t arrow_char_len(const char *p, const char *e)
{
    if (*p == '-' || *p == '>' || *p == '=' || *p == '~')
        return 1;
    if (e - p >= 3 && (unsigned char)p[0] == 0xE2 &&
        (((unsigned char)p[1] == 0x80 && ((unsigned char)p[2] == 0x93 || (unsigned char)p[2] == 0x94)) ||
         ((unsigned char)p[1] == 0x86 && (unsigned char)p[2] == 0x92)))
        return 3;
    return 0;
}

int sub_parse_timing_line(const char *s, size_t len, sub_time_format fmt,
                          double *start, double *end, unsigned *loose, const char **why)
{
    const char *p = s, *e = s + len;
    unsigned bits = 0;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    long n = sub_parse_time(p, e, fmt, start, &bits);
    if (n == 0) {
        *why = "not a timing line";
        return 0;
    }
    if (n < 0) {
        *why = n == -1 ? "impossible start time" : "malformed start time";
        return -1;
    }
    p += n;
    /* The arrow: "-->", or loosely any run of arrow-like characters and
     * spaces ("->", "- ->", "=>", "–>"), or only spaces. */
    const char *arrow = p;
    size_t k, arrow_chars = 0;
    int canonical = 0;
    if (e - p >= 5 && p[0] == ' ' && p[1] == '-' && p[2] == '-' && p[3] == '>' && p[4] == ' ') {
        p += 5;   /* " --> ": nearly every timing line */
        arrow_chars = 3;
        canonical = 1;
    }
    while (p < e) {
        if (*p == ' ' || *p == '\t') {
            p++;
        } else if ((k = arrow_char_len(p, e)) > 0) {
            if (arrow_chars == 0 && k == 1 && e - p >= 3 && p[0] == '-' && p[1] == '-' && p[2] == '>')
                canonical = 1;
            arrow_chars += k;
            p += k;
        } else {
            break;
        }
    }
    if (p == arrow) {
        *why = "expected '-->' after the start time";
        return -1;
    }
    n = sub_parse_time(p, e, fmt, end, &bits);
    if (n == 0) {
        *why = arrow_chars ? "malformed or missing end time" : "expected '-->' after the start time";
        return -1;
    }
    if (n < 0) {
        *why = n == -1 ? "impossible end time" : "malformed end time";
        return -1;
    }
    p += n;
    /* After the end time: nothing, or white space then cue settings / SRT
     * position coordinates (X1:... Y2:...), which we do not use. */
    if (p < e && *p != ' ' && *p != '\t' && *p != '\r') {
        *why = "unexpected characters after the end time";
        return -1;
    }
    if (arrow_chars == 0)
        bits |= SUB_TIME_NO_ARROW;
    else if (!canonical || arrow_chars != 3)
        bits |= SUB_TIME_ODD_ARROW;
    *loose |= bits;
    return 1;
}

static void format_time(double t, char *buf, size_t size)
{
    if (t < 0)
        t = 0;
    long ms = (long)(t * 1000.0 + 0.5);
    snprintf(buf, size, "%ld:%02ld:%02ld.%03ld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
}

/* ---- the two big arrays ------------------------------------------------------
 *
 * cues and segments take more memory than the text they come from (72
 * bytes per segment), and on the virtual machines this runs on, faulting
 * in fresh 4 KiB pages costs more than the parsing itself.  Past a few MiB
 * these arrays therefore live in their own mapping, advised to use
 * transparent huge pages (512 times fewer faults), and are grown by
 * doubling.  Small files stay on malloc.  A header in front of each array
 * says which, so sm_subtitles_free can release either. */

#define BIG_ARRAY_ALIGN ((size_t)2 << 20)

typedef struct big_header {
    size_t map_bytes;      /* 0: malloc'd; else the mapping's length */
    void *map_base;        /* mapping start (before alignment) */
    size_t pad[2];         /* keep the payload 32-byte aligned */
} big_header;

void sub_big_free(void *array)
{
    if (!array)
        return;
    big_header *h = (big_header *)array - 1;
    if (h->map_bytes)
        munmap(h->map_base, h->map_bytes);
    else
        free(h);
}

/* Make *array hold at least `need` elements of `elem` bytes. */
int sub_big_grow(void **array, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap * 2 : 256;
    while (c < need)
        c *= 2;
    if (c > ((size_t)-1 - sizeof(big_header) - BIG_ARRAY_ALIGN - 4096) / elem)
        return -1;
    size_t bytes = sizeof(big_header) + c * elem;
    big_header *old = *array ? (big_header *)*array - 1 : NULL;
    big_header *h;
#ifdef MAP_ANONYMOUS
    if (bytes < SUB_BIG_ARRAY_MMAP) {
#else
    if (1) {   /* no anonymous mappings on this system: malloc only */
#endif
        h = realloc(old, bytes);        /* old is malloc'd: mmap only starts above this size */
        if (!h)
            return -1;
        h->map_bytes = 0;
        h->map_base = NULL;
    } else {
#ifdef MAP_ANONYMOUS
        size_t map_bytes = bytes + BIG_ARRAY_ALIGN + 4096;
        void *base = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (base == MAP_FAILED)
            return -1;
        /* Align the payload's page to 2 MiB so whole huge pages fit. */
        uintptr_t start = ((uintptr_t)base + BIG_ARRAY_ALIGN - 1) & ~(uintptr_t)(BIG_ARRAY_ALIGN - 1);
        h = (big_header *)(start + 4096 - sizeof(big_header));
#ifdef MADV_HUGEPAGE
        madvise((void *)start, map_bytes - (start - (uintptr_t)base), MADV_HUGEPAGE);
#endif
        if (old) {
            memcpy(h + 1, old + 1, *cap * elem);
            sub_big_free(old + 1);
        }
        h->map_bytes = map_bytes;
        h->map_base = base;
#else
        return -1;
#endif
    }
    *array = h + 1;
    *cap = c;
    return 0;
}

/* ---- strings --------------------------------------------------------------
 * Segment strings are bump-allocated from blocks that themselves come from
 * the document's arena (so sm_subtitles_free releases them), in blocks that
 * double up to 64 MiB; big blocks get the huge-page advice for the same
 * reason as the arrays above. */

#define POOL_FIRST_BLOCK ((size_t)256 << 10)
#define POOL_MAX_BLOCK ((size_t)64 << 20)

void *sub_alloc(sub_builder *b, size_t n)
{
    n = (n + 7u) & ~(size_t)7u;
    if (b->pool_left < n) {
        size_t block = b->pool_block ? b->pool_block * 2 : POOL_FIRST_BLOCK;
        if (block > POOL_MAX_BLOCK)
            block = POOL_MAX_BLOCK;
        if (n > block / 4)   /* a huge string: its own allocation */
            return sm_arena_alloc(&b->out->arena, n);
        char *p = sm_arena_alloc(&b->out->arena, block);
        if (!p)
            return NULL;
#if defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
        if (block >= SUB_BIG_ARRAY_MMAP) {
            uintptr_t lo = ((uintptr_t)p + BIG_ARRAY_ALIGN - 1) & ~(uintptr_t)(BIG_ARRAY_ALIGN - 1);
            uintptr_t hi = ((uintptr_t)p + block) & ~(uintptr_t)(BIG_ARRAY_ALIGN - 1);
            if (hi > lo)
                madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
        }
#endif
        b->pool_block = block;
        b->pool = p;
        b->pool_left = block;
    }
    void *r = b->pool;
    b->pool += n;
    b->pool_left -= n;
    return r;
}

char *sub_strndup(sub_builder *b, const char *s, size_t n)
{
    char *p = sub_alloc(b, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* One warning, unless the file already has SUB_MAX_WARNINGS (then only
 * counted).  1 when it was added. */
static int warn_v(sub_builder *b, long line, const char *fmt, va_list ap)
{
    if (b->out->warnings.n_items >= SUB_MAX_WARNINGS) {
        b->warnings_dropped++;
        return 0;
    }
    char msg[400];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t before = b->out->warnings.n_items;
    sm_warn(&b->out->warnings, line, "%s", msg);
    return b->out->warnings.n_items > before;
}

void sub_warn(sub_builder *b, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    warn_v(b, line, fmt, ap);
    va_end(ap);
}

/* ---- repairs, said once per file ---------------------------------------------
 * A file written loosely is usually loose throughout (every timing line with
 * "->", every fraction with two digits): one warning per kind of repair, at
 * its first line, says what was done and, at the end, how often. */

void sub_repaired(sub_builder *b, sub_repair kind, long line, const char *fmt, ...)
{
    if (b->repairs[kind]++ > 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    int added = warn_v(b, line, fmt, ap);
    va_end(ap);
    if (added)
        b->repair_warning[kind] = b->out->warnings.n_items;   /* index + 1 */
}

void sub_repaired_times(sub_builder *b, unsigned loose, long line)
{
    if (loose & (SUB_TIME_ODD_ARROW | SUB_TIME_NO_ARROW))
        sub_repaired(b, SUB_REPAIR_ARROW, line,
                     "timing line without a proper '-->' arrow: read as a timing line (it holds two times)");
    if (loose & SUB_TIME_SHORT_FRACTION)
        sub_repaired(b, SUB_REPAIR_SHORT_FRACTION, line,
                     "time with fewer fraction digits than the format writes: read as a decimal fraction "
                     "(00:00:03,5 is 3.500 s, not 3.005 s)");
    if (loose & SUB_TIME_LONG_FRACTION)
        sub_repaired(b, SUB_REPAIR_LONG_FRACTION, line,
                     "time with more than 3 fraction digits: rounded to the millisecond");
    if (loose & SUB_TIME_ODD_FIELDS)
        sub_repaired(b, SUB_REPAIR_ODD_FIELDS, line,
                     "time not written with the format's digits (one-digit minutes or seconds, hours "
                     "missing or of one digit, no fraction): read as written");
    if (loose & SUB_TIME_NEGATIVE)
        sub_repaired(b, SUB_REPAIR_NEGATIVE, line, "time before 0: read as 0 (a player shows it from the start)");
}

void sub_repairs_finish(sub_builder *b)
{
    for (int k = 0; k < SUB_N_REPAIRS; k++) {
        size_t at = b->repair_warning[k];
        if (b->repairs[k] < 2 || at == 0)
            continue;
        sm_warning *w = &b->out->warnings.items[at - 1];
        char msg[600];
        snprintf(msg, sizeof msg, "%s (%zu lines like it; this is the first)", w->message, b->repairs[k]);
        char *copy = strdup(msg);
        if (!copy)
            continue;   /* the warning stays, without its count */
        free(w->message);
        w->message = copy;
    }
}

void sub_skipped_cue(sub_builder *b, long line, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (b->skipped_cues++ == 0) {
        b->first_skipped_line = line;
        snprintf(b->first_skipped_why, sizeof b->first_skipped_why, "%s", msg);
    }
    sub_warn(b, line, "%s: skipped, the rest of the file is read", msg);
}

static int oom(sub_builder *b) { return sm_fail(b->err, b->name, 0, "out of memory"); }

/* ---- markup removal --------------------------------------------------------- */

/* WebVTT character references.  Writes at most 4 bytes to o; returns the
 * bytes written and sets *used to the source bytes consumed, or returns 0
 * when s is not a reference we know (then '&' is literal). */
static size_t decode_entity(const char *s, const char *e, char *o, size_t *used)
{
    static const struct { const char *name; size_t len; const char *repl; } named[] = {
        {"&amp;", 5, "&"}, {"&lt;", 4, "<"}, {"&gt;", 4, ">"}, {"&quot;", 6, "\""},
        {"&apos;", 6, "'"}, {"&nbsp;", 6, "\xC2\xA0"}, {"&lrm;", 5, ""}, {"&rlm;", 5, ""},
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if ((size_t)(e - s) >= named[i].len && memcmp(s, named[i].name, named[i].len) == 0) {
            size_t n = strlen(named[i].repl);
            memcpy(o, named[i].repl, n);
            *used = named[i].len;
            return n ? n : (size_t)-1;   /* -1: consumed, nothing written */
        }
    if (e - s >= 4 && s[1] == '#') {
        const char *p = s + 2;
        int hex = (*p == 'x' || *p == 'X');
        if (hex)
            p++;
        unsigned long cp = 0;
        size_t digits = 0;
        while (p < e && digits < 8) {
            int d;
            if (*p >= '0' && *p <= '9') d = *p - '0';
            else if (hex && *p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
            else if (hex && *p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
            else break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)d;
            digits++;
            p++;
        }
        if (digits == 0 || p >= e || *p != ';' || cp == 0 || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0x20)
            return 0;
        *used = (size_t)(p + 1 - s);
        return sm_utf8_encode((uint32_t)cp, o);
    }
    return 0;
}

static int ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Whether the text after a '<' (at p, before e) has the shape of a tag, so
 * that "<...>" is markup and not words: "5 < 6 > 2" and "I <3 you" are
 * speech.  A tag is '<', an optional '/', then a name (a letter first):
 * <i>, </font>, <font color=...>, <c.yellow>, <v Joey>; or a WebVTT
 * timestamp, <00:01.500>.  The formatting tags real files write sloppily,
 * "< i>" and "< / i >", are tags too (only i, b, u, s and font: after a
 * space any other word is more likely speech, as in "a < b > c"). */
static int tag_shape(const char *p, const char *e)
{
    if (p < e && *p == '/')
        p++;
    if (p < e && ascii_letter(*p))
        return 1;
    if (p < e && *p >= '0' && *p <= '9') {   /* <00:01.500>: digits, ':' and '.' only */
        int colon = 0;
        for (; p < e && *p != '>'; p++) {
            if (*p == ':')
                colon = 1;
            else if (!((*p >= '0' && *p <= '9') || *p == '.'))
                return 0;
        }
        return colon && p < e;
    }
    /* "< i>", "< / i >", "</ font>"; but "< b >", spaced on both sides
     * and without a slash, reads as a comparison: "a < b > c". */
    int slash = 0;
    const char *name = p;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '/')) {
        slash |= *p == '/';
        p++;
    }
    int space_before = p > name && p[-1] != '/';
    if ((size_t)(e - p) > 4 && sm_ascii_prefix_ci(p, 4, "font") && (p[4] == '>' || p[4] == ' ' || p[4] == '\t'))
        return 1;
    if (p < e && memchr("ibusIBUS", *p, 8)) {
        const char *q = p + 1;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        return q < e && *q == '>' && (slash || !space_before || q == p + 1);
    }
    return 0;
}

/* Copy line [s, s+len) to b->tmp without `<...>` tags (tag_shape) and
 * `{...}` blocks (each closed on the same line), decoding entities for
 * WebVTT.  A `<v Name>` voice tag sets *voice / *voice_len.  Linear even on
 * hostile input: a '<' is only searched from when it opens a tag, and once
 * a line has no closing '>' (or '}') after some point, later openers there
 * are not searched again. */
static int strip_markup(sub_builder *b, const char *s, size_t len, const char **out, size_t *out_len,
                        const char **voice, size_t *voice_len)
{
    *voice = NULL;
    *voice_len = 0;
    /* Most lines have no markup at all: hand back the line itself. */
    size_t first = 0;
    while (first < len && s[first] != '<' && s[first] != '{' && s[first] != '&')
        first++;
    if (first == len) {
        *out = s;
        *out_len = len;
        return 0;
    }
    if (sm_grow(&b->tmp, &b->tmp_cap, len + 1, 1))
        return -1;
    char *o = b->tmp;
    memcpy(o, s, first);
    size_t n = first, i = first;
    int no_gt = 0, no_brace = 0;
    *out = o;
    while (i < len) {
        /* Fast path: copy the run up to the next special byte. */
        size_t j = i;
        while (j < len && s[j] != '<' && s[j] != '{' && s[j] != '&')
            j++;
        memcpy(o + n, s + i, j - i);
        n += j - i;
        i = j;
        if (i >= len)
            break;
        char c = s[i];
        if (c == '<' && i + 1 < len && s[i + 1] == '<') {
            /* "<<" is a quotation mark (written for '«'), not a tag opener */
            while (i < len && s[i] == '<')
                o[n++] = s[i++];
            continue;
        }
        if (c == '<' && !no_gt && tag_shape(s + i + 1, s + len)) {
            const char *q = memchr(s + i + 1, '>', len - i - 1);
            if (!q) {
                no_gt = 1;
            } else if (q > s + i + 1) {
                const char *t = s + i + 1;
                if (*t == 'v' && q - t > 1 && (t[1] == ' ' || t[1] == '\t' || t[1] == '.')) {
                    const char *v = t + 1;
                    while (v < q && *v != ' ' && *v != '\t')   /* class list: <v.loud Joey> */
                        v++;
                    size_t vl = (size_t)(q - v);
                    sub_trim(&v, &vl);
                    if (vl && !*voice) {
                        *voice = v;
                        *voice_len = vl;
                    }
                }
                i = (size_t)(q - s) + 1;
                continue;
            }
        } else if (c == '{' && !no_brace) {
            const char *q = memchr(s + i + 1, '}', len - i - 1);
            if (!q) {
                no_brace = 1;
            } else {
                i = (size_t)(q - s) + 1;
                continue;
            }
        } else if (c == '&' && b->decode_entities) {
            size_t used = 0;
            size_t w = decode_entity(s + i, s + len, o + n, &used);
            if (w) {
                if (w != (size_t)-1)
                    n += w;
                i += used;
                continue;
            }
        }
        o[n++] = c;
        i++;
    }
    o[n] = '\0';
    *out_len = n;
    return 0;
}

/* ---- cues and segments ------------------------------------------------------ */

/* Collapse runs of whitespace to one space and trim, in place (the output
 * never outgrows the input).  Returns the new length. */
static size_t collapse_spaces(char *s, size_t len)
{
    const char *e = s + len;
    size_t n = 0;
    int pending = 0;
    for (const char *p = s; p < e;) {
        size_t k = space_len((const unsigned char *)p, (const unsigned char *)e);
        if (k) {
            pending = 1;
            p += k;
            continue;
        }
        if (pending && n)
            s[n++] = ' ';
        pending = 0;
        s[n++] = *p++;
    }
    s[n] = '\0';
    return n;
}

int sub_cue_begin(sub_builder *b, double start, double end, long line)
{
    if (b->in_cue && sub_cue_end(b))
        return -1;
    sm_subtitles *out = b->out;
    if (sub_big_grow((void **)&out->cues, &b->cues_cap, out->n_cues + 1, sizeof *out->cues))
        return oom(b);
    int ord = (int)out->n_cues + 1;
    char t1[32], t2[32];
    if (end < start) {
        format_time(start, t1, sizeof t1);
        format_time(end, t2, sizeof t2);
        sub_warn(b, line, "cue %d ends (%s) before it starts (%s)", ord, t2, t1);
    }
    if (b->check_order && b->have_prev) {
        if (start < b->prev_start) {
            format_time(start, t1, sizeof t1);
            format_time(b->prev_start, t2, sizeof t2);
            sub_warn(b, line, "cue %d starts (%s) before the previous cue (%s): out of order",
                     ord, t1, t2);
        } else if (start < b->prev_end) {
            format_time(start, t1, sizeof t1);
            format_time(b->prev_end, t2, sizeof t2);
            sub_warn(b, line, "cue %d starts (%s) before the previous cue ends (%s): overlap",
                     ord, t1, t2);
        }
    }
    b->have_prev = 1;
    b->prev_start = start;
    b->prev_end = end;
    sm_cue *c = &out->cues[out->n_cues++];
    c->ordinal = ord;
    c->start = start;
    c->end = end;
    c->first_segment = out->n_segments;
    c->n_segments = 0;
    c->line = line;
    b->in_cue = 1;
    b->cue_line = line;
    b->cue_speaker = NULL;
    b->pending_voice = NULL;
    b->seg_open = 0;
    return 0;
}

static int push_segment(sub_builder *b, const char *display, long line, const char *voice)
{
    sm_subtitles *out = b->out;
    if (sub_big_grow((void **)&out->segments, &b->segs_cap, out->n_segments + 1, sizeof *out->segments))
        return oom(b);
    sm_cue *c = &out->cues[out->n_cues - 1];
    sm_segment *g = &out->segments[out->n_segments++];
    c->n_segments++;
    g->cue = c->ordinal;
    g->index = (int)c->n_segments;
    g->start = c->start;
    g->end = c->end;
    g->display = display;
    g->text = NULL;
    g->annotations = NULL;
    g->n_annotations = 0;
    g->speaker_hint = voice;   /* provisional: settled in analyse_segment */
    g->line = line;
    return 0;
}

static int close_segment(sub_builder *b)
{
    b->seg_open = 0;
    size_t n = collapse_spaces(b->seg, b->seg_len);
    char *d = sub_strndup(b, b->seg, n);
    if (!d)
        return oom(b);
    return push_segment(b, d, b->seg_line, b->seg_voice);
}

int sub_cue_line(sub_builder *b, const char *s, size_t len, long line)
{
    size_t n;
    const char *t, *voice;
    size_t voice_len;
    if (strip_markup(b, s, len, &t, &n, &voice, &voice_len))
        return oom(b);
    sub_trim(&t, &n);
    const char *line_voice = NULL;
    if (voice) {
        line_voice = sub_strndup(b, voice, voice_len);
        if (!line_voice)
            return oom(b);
    }
    if (n == 0) {
        /* A <v Name> alone on its line speaks for the text that follows. */
        if (line_voice)
            b->pending_voice = line_voice;
        return 0;
    }
    int dash = (t[0] == '-');
    if (dash || !b->seg_open) {
        if (b->seg_open && close_segment(b))
            return -1;
        b->seg_open = 1;
        b->seg_line = line;
        b->seg_len = 0;
        b->seg_voice = NULL;
        if (dash) {
            /* "- Hi", "-Hi", "-- Hi": the dash run and the spaces after it
             * mark the turn; they are not part of what is said. */
            const char *e = t + n;
            while (t < e && *t == '-')
                t++;
            size_t k;
            while (t < e && (k = sub_space_len(t, e)) > 0)
                t += k;
            n = (size_t)(e - t);
        }
    }
    if (!line_voice)
        line_voice = b->pending_voice;
    b->pending_voice = NULL;
    if (line_voice && !b->seg_voice)
        b->seg_voice = line_voice;
    if (sm_grow(&b->seg, &b->seg_cap, b->seg_len + n + 2, 1))
        return oom(b);
    if (b->seg_len && n)
        b->seg[b->seg_len++] = ' ';
    memcpy(b->seg + b->seg_len, t, n);
    b->seg_len += n;
    return 0;
}

/* An upper-case speaker label at the start of t: "CHANDLER:", "MONICA &
 * ROSS:", "MAN #2:", "DR. GREEN:".  Letters must be capitals (at least two
 * of them), the first character a letter, and the colon followed by a space
 * or the end: "10:30" or "AT 10:30" never qualify, nor "Well:" (mixed case,
 * see mixed_label), nor anything with '!', '?' or quotes.  A comma only in
 * a list of names joined by '&' ("JOEY, ROSS & MONICA:"): an all-caps
 * "NO, WAIT: ..." is speech.  Sets *name_len
 * (label without colon and trailing spaces) and *skip (bytes up to the
 * speech). */
static int upper_label(const char *t, size_t n, size_t *name_len, size_t *skip)
{
    if (n < 3 || t[0] < 'A' || t[0] > 'Z')
        return 0;
    size_t i = 0, letters = 0, words = 1;
    int comma = 0, amp = 0;
    for (; i < n && i < 48; i++) {
        unsigned char c = (unsigned char)t[i];
        if (c == ':')
            break;
        if (c >= 'A' && c <= 'Z')
            letters++;
        else if (c == ',')
            comma = 1;
        else if (c == '&')
            amp = 1;
        else if (c == ' ') {
            if (t[i - 1] != ' ')
                words++;
        } else if ((c >= '0' && c <= '9') || c == '.' || c == '\'' || c == '&' || c == '#' ||
                   c == '-' || c == '/' || c >= 0x80)
            continue;
        else
            return 0;
    }
    if (i >= n || t[i] != ':' || letters < 2 || words > 6)
        return 0;
    if (comma && !amp)   /* "JOEY, ROSS & MONICA:" is a label; "NO, WAIT:" is shouting */
        return 0;
    if (i + 1 < n && t[i + 1] != ' ')
        return 0;
    size_t nl = i;
    while (nl > 0 && t[nl - 1] == ' ')
        nl--;
    *name_len = nl;
    *skip = i + 1 < n ? i + 2 : i + 1;
    return 1;
}

/* A mixed-case label "Joey:", "Mrs. Geller:", "Man #2:", "Ross & Monica:":
 * at most three words, each capitalised (or '&'/"and"), at least one
 * lower-case letter, colon then space or end.  Only a candidate: plain
 * speech starts like this too ("Look: ..."), see analyse_cue. */
static int mixed_label(const char *t, size_t n, size_t *name_len, size_t *skip)
{
    if (n < 3 || t[0] < 'A' || t[0] > 'Z')
        return 0;
    size_t i = 0, words = 0, lower = 0;
    int word_start = 1;
    for (; i < n && i < 32; i++) {
        char c = t[i];
        if (c == ':')
            break;
        if (c == ' ') {
            if (word_start)
                return 0;
            word_start = 1;
            continue;
        }
        if (word_start) {
            words++;
            word_start = 0;
            if (c == '&' || (c >= 'A' && c <= 'Z') || c == '#' || (c >= '0' && c <= '9'))
                continue;
            if (c == 'a' && n - i > 3 && t[i + 1] == 'n' && t[i + 2] == 'd' && t[i + 3] == ' ') {
                i += 2;
                continue;
            }
            return 0;
        }
        if (c >= 'a' && c <= 'z')
            lower++;
        else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '\'' ||
                   c == '-' || (unsigned char)c >= 0x80))
            return 0;
    }
    if (i >= n || t[i] != ':' || word_start || words > 3 || lower == 0)
        return 0;
    if (i + 1 < n && t[i + 1] != ' ')
        return 0;
    *name_len = i;
    *skip = i + 1 < n ? i + 2 : i + 1;
    return 1;
}

/* Split a segment's display text into speech, annotations and label. */
static int analyse_segment(sub_builder *b, sm_segment *g, struct sub_mixed *mixed)
{
    const char *d = g->display;
    size_t dn = strlen(d);
    const char *t = d;
    size_t tn = dn;
    size_t n_ann = 0;
    mixed->name_len = 0;

    int special = 0;
    for (size_t i = 0; i < dn; i++) {
        char c = d[i];
        if (c == '[' || c == '(' || c == (char)0xE2) {
            special = 1;
            break;
        }
    }
    if (special) {
        if (sm_grow(&b->tmp2, &b->tmp2_cap, dn + 2, 1))
            return oom(b);
        char *o = b->tmp2;
        size_t n = 0;
        int no_sq = 0, no_paren = 0;
        for (size_t i = 0; i < dn;) {
            char c = d[i];
            if ((c == '[' && !no_sq) || (c == '(' && !no_paren)) {
                const char *q = memchr(d + i + 1, c == '[' ? ']' : ')', dn - i - 1);
                if (!q) {
                    if (c == '[') no_sq = 1; else no_paren = 1;
                } else {
                    if (sm_grow(&b->ann, &b->ann_cap, n_ann + 1, sizeof *b->ann))
                        return oom(b);
                    size_t an = (size_t)(q - (d + i)) + 1;
                    b->ann[n_ann] = sub_strndup(b, d + i, an);
                    if (!b->ann[n_ann])
                        return oom(b);
                    n_ann++;
                    o[n++] = ' ';   /* "Hi[laughs]there" must stay two words */
                    i += an;
                    continue;
                }
            } else if (c == (char)0xE2 && i + 2 < dn && d[i + 1] == (char)0x99 &&
                       (d[i + 2] == (char)0xAA || d[i + 2] == (char)0xAB)) {
                o[n++] = ' ';       /* ♪ / ♫: music markers, the lyrics stay */
                i += 3;
                continue;
            }
            o[n++] = c;
            i++;
        }
        tn = collapse_spaces(o, n);
        t = o;
    }

    size_t name_len, skip;
    const char *hint = g->speaker_hint;   /* WebVTT voice, if any */
    const char *speech = t;
    size_t speech_len = tn;
    if (upper_label(t, tn, &name_len, &skip)) {
        hint = sub_strndup(b, t, name_len);
        if (!hint)
            return oom(b);
        speech = t + skip;
        speech_len = tn - skip;
    } else if (mixed_label(t, tn, &name_len, &skip)) {
        mixed->name_len = name_len;
        mixed->skip = skip;
    }
    if (!hint)
        hint = b->cue_speaker;
    g->speaker_hint = hint;

    if (t == d)
        g->text = d + (speech - t);   /* a suffix of display: no copy */
    else if (!(g->text = sub_strndup(b, speech, speech_len)))
        return oom(b);

    if (n_ann) {
        const char **arr = sub_alloc(b, n_ann * sizeof *arr);
        if (!arr)
            return oom(b);
        memcpy(arr, b->ann, n_ann * sizeof *arr);
        g->annotations = arr;
        g->n_annotations = n_ann;
    }
    return 0;
}

int sub_cue_end(sub_builder *b)
{
    if (!b->in_cue)
        return 0;
    b->in_cue = 0;
    if (b->seg_open && close_segment(b))
        return -1;
    sm_subtitles *out = b->out;
    sm_cue *c = &out->cues[out->n_cues - 1];
    if (c->n_segments == 0) {
        sub_warn(b, c->line, "cue %d has no text", c->ordinal);
        if (push_segment(b, "", c->line, NULL))
            return -1;
    }
    if (sm_grow(&b->mixed, &b->mixed_cap, c->n_segments, sizeof *b->mixed))
        return oom(b);
    /* An ASS Name (actor) field speaks for the whole cue only when the cue
     * is one segment; with two dash turns we cannot tell whose it is. */
    const char *cue_speaker = b->cue_speaker;
    if (c->n_segments != 1)
        b->cue_speaker = NULL;
    size_t n_mixed = 0, n_labelled = 0;
    for (size_t k = 0; k < c->n_segments; k++) {
        sm_segment *g = &out->segments[c->first_segment + k];
        const char *voice = g->speaker_hint;
        if (analyse_segment(b, g, &b->mixed[k]))
            return -1;
        if (b->mixed[k].name_len)
            n_mixed++;
        else if (g->speaker_hint && g->speaker_hint != voice && g->speaker_hint != b->cue_speaker)
            n_labelled++;
    }
    b->cue_speaker = cue_speaker;
    /* Mixed-case labels ("Joey: Hi.") are taken only when the cue's own
     * style proves them: it has two or more segments and every one starts
     * with a label.  "- Joey: Hi. / - Ross: Hey." qualifies; a lone
     * "Look: I'm sorry." does not. */
    if (n_mixed && c->n_segments >= 2 && n_mixed + n_labelled == c->n_segments) {
        for (size_t k = 0; k < c->n_segments; k++) {
            if (!b->mixed[k].name_len)
                continue;
            sm_segment *g = &out->segments[c->first_segment + k];
            char *h = sub_strndup(b, g->text, b->mixed[k].name_len);
            if (!h)
                return oom(b);
            g->speaker_hint = h;
            g->text += b->mixed[k].skip;
        }
    }
    return 0;
}
