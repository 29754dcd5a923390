/* ass.c - Advanced SubStation Alpha / SubStation Alpha (.ass, .ssa).
 *
 * Only the [Events] section matters: its "Format:" line names the fields
 * of every event line, in order; "Dialogue:" lines are cues; "Comment:"
 * (and Picture/Sound/Movie/Command) lines are skipped.  The Text field is
 * last and may itself contain commas, so an event line is split at the
 * first (fields - 1) commas only.  Times are "H:MM:SS.cc" (hundredths).
 * In the text, {...} override blocks are markup, "\N" and "\n" are line
 * breaks (after which the SPEC segment rule applies line by line, as for
 * SRT) and "\h" is a hard space.  A non-empty Name (actor) field is the
 * speaker hint of a one-segment cue that has no label of its own.
 *
 * Dialogue lines are kept in file order (that is the cue ordinal); ASS
 * events are not required to be sorted and overlap by design (layers,
 * signs), so only "ends before it starts" is warned about.
 *
 * Times are read as a person (and pysubs2) reads them: one-digit minutes
 * or seconds ("0:0:0.04"), no fraction ("0:00:23"), a fraction of 1-3
 * digits, and a negative time ("-1:59:54.93", which some tools write for
 * an event before the start) is 0: each kind is said once per file.  An
 * event whose time cannot be read, or with fewer fields than the Format
 * line, is reported with its line and skipped; the rest of the file is
 * read (a short last line with no line end is a cut file: an error). */
#include "subtitle/subtitle_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/ascii.h"

#define ASS_MAX_FIELDS 32

typedef struct ass_format {
    int n_fields;
    int start, end, text, name;   /* field positions; -1 when absent */
} ass_format;

/* Parse "Format: Layer, Start, End, Style, Name, ..., Text". */
static int parse_format(sub_builder *b, long line, const char *s, size_t n, ass_format *f)
{
    f->n_fields = 0;
    f->start = f->end = f->text = f->name = -1;
    const char *p = s, *e = s + n;
    while (p <= e) {
        const char *c = memchr(p, ',', (size_t)(e - p));
        const char *fe = c ? c : e;
        const char *t = p;
        size_t tn = (size_t)(fe - p);
        sub_trim(&t, &tn);
        if (f->n_fields >= ASS_MAX_FIELDS)
            return sm_fail(b->err, b->name, line, "Format line has more than %d fields", ASS_MAX_FIELDS);
        int k = f->n_fields++;
        if (sm_ascii_eq_ci(t, tn, "start")) f->start = k;
        else if (sm_ascii_eq_ci(t, tn, "end")) f->end = k;
        else if (sm_ascii_eq_ci(t, tn, "text")) f->text = k;
        else if (sm_ascii_eq_ci(t, tn, "name") || sm_ascii_eq_ci(t, tn, "actor")) f->name = k;
        if (!c)
            break;
        p = c + 1;
    }
    if (f->start < 0 || f->end < 0 || f->text < 0)
        return sm_fail(b->err, b->name, line, "Format line lacks %s field",
                       f->start < 0 ? "a Start" : f->end < 0 ? "an End" : "a Text");
    if (f->text != f->n_fields - 1)
        return sm_fail(b->err, b->name, line, "Format line: Text must be the last field");
    return 0;
}

/* The time of a Start or End field: 1 read (negative times clamped to 0),
 * 0 unreadable (*bad names the field).  "H:MM:SS.cc" is the format; other
 * digit counts and no fraction are read as written (sub_parse_time). */
static int field_time(const char *s, size_t n, double *out, unsigned *loose)
{
    sub_trim(&s, &n);
    long used = sub_parse_time(s, s + n, SUB_TIME_ASS, out, loose);
    if (used <= 0 || (size_t)used != n)
        return 0;
    if (*out < 0)
        *out = 0;   /* an event before the start is shown from the start */
    return 1;
}

/* Feed the Text field to the builder, one line per "\N" / "\n" break. */
static int feed_text(sub_builder *b, const char *s, size_t n, long line)
{
    /* Most events are short: rewrite \h in a scratch copy only when present. */
    const char *e = s + n, *p = s;
    char small[512];
    char *buf = NULL;
    if (memchr(s, '\\', n)) {
        buf = n < sizeof small ? small : malloc(n + 1);
        if (!buf)
            return sm_fail(b->err, b->name, line, "out of memory");
        memcpy(buf, s, n);
        for (size_t i = 0; i + 1 < n; i++)
            if (buf[i] == '\\' && buf[i + 1] == 'h')
                buf[i] = ' ', buf[i + 1] = ' ';
        s = p = buf;
        e = buf + n;
    }
    int rc = 0;
    const char *q = p;
    while (rc == 0) {
        const char *brk = NULL;
        for (const char *t = q; t + 1 < e; t++) {
            t = memchr(t, '\\', (size_t)(e - t));
            if (!t || t + 1 >= e)
                break;
            if (t[1] == 'N' || t[1] == 'n') {
                brk = t;
                break;
            }
        }
        if (!brk) {
            rc = sub_cue_line(b, p, (size_t)(e - p), line);
            break;
        }
        rc = sub_cue_line(b, p, (size_t)(brk - p), line);
        p = q = brk + 2;
    }
    if (buf && buf != small)
        free(buf);
    return rc;
}

int sub_parse_ass(sub_builder *b, const char *text, size_t len)
{
    sub_lines r;
    sub_lines_init(&r, text, len);
    enum { NONE, EVENTS, OTHER } section = NONE;
    ass_format fmt = {10, 1, 2, 9, 4};   /* ASS v4+ default: Layer,Start,End,Style,Name,ML,MR,MV,Effect,Text */
    int have_format = 0;
    const char *s;
    size_t n;
    while (sub_next_line(&r, &s, &n)) {
        sub_trim(&s, &n);
        if (n == 0 || s[0] == ';')
            continue;
        if (s[0] == '[') {
            section = sm_ascii_eq_ci(s, n, "[events]") ? EVENTS : OTHER;
            continue;
        }
        if (section == OTHER)
            continue;
        if (sm_ascii_prefix_ci(s, n, "format:")) {
            if (parse_format(b, r.no, s + 7, n - 7, &fmt))
                return -1;
            have_format = 1;
            continue;
        }
        if (!sm_ascii_prefix_ci(s, n, "dialogue:"))
            continue;   /* Comment:, Picture:, Sound:, Movie:, Command:, junk */
        if (!have_format) {
            sub_warn(b, r.no, "no Format line before the first Dialogue line; "
                     "assuming the ASS default field order");
            have_format = 1;
        }
        const char *fields[ASS_MAX_FIELDS];
        size_t lens[ASS_MAX_FIELDS];
        const char *p = s + 9, *e = s + n;
        int k = 0;
        for (; k < fmt.n_fields - 1; k++) {
            const char *c = memchr(p, ',', (size_t)(e - p));
            if (!c)
                break;
            fields[k] = p;
            lens[k] = (size_t)(c - p);
            p = c + 1;
        }
        if (k < fmt.n_fields - 1) {
            if (sub_lines_unterminated(&r))
                return sm_fail(b->err, b->name, r.no, "Dialogue line has %d fields, the Format line says %d "
                                                      "(truncated file?)", k + 1, fmt.n_fields);
            sub_skipped_cue(b, r.no, "Dialogue line has %d fields, the Format line says %d", k + 1, fmt.n_fields);
            continue;
        }
        fields[k] = p;
        lens[k] = (size_t)(e - p);
        double start, end;
        unsigned loose = 0;
        int bad_start = !field_time(fields[fmt.start], lens[fmt.start], &start, &loose);
        if (bad_start || !field_time(fields[fmt.end], lens[fmt.end], &end, &loose)) {
            const char *f = bad_start ? fields[fmt.start] : fields[fmt.end];
            size_t fl = bad_start ? lens[fmt.start] : lens[fmt.end];
            sub_trim(&f, &fl);
            sub_skipped_cue(b, r.no, "bad %s time '%.*s' (expected H:MM:SS.cc)", bad_start ? "start" : "end",
                            (int)(fl > 40 ? 40 : fl), f);
            continue;
        }
        if (loose)
            sub_repaired_times(b, loose, r.no);
        if (sub_cue_begin(b, start, end, r.no))
            return -1;
        if (fmt.name >= 0) {
            const char *nm = fields[fmt.name];
            size_t nl = lens[fmt.name];
            sub_trim(&nm, &nl);
            if (nl) {
                b->cue_speaker = sub_strndup(b, nm, nl);
                if (!b->cue_speaker)
                    return sm_fail(b->err, b->name, 0, "out of memory");
            }
        }
        /* The Text field is not trimmed on the right before \N splitting:
         * sub_cue_line trims each piece. */
        if (feed_text(b, fields[k], lens[k], r.no) || sub_cue_end(b))
            return -1;
    }
    return 0;
}
