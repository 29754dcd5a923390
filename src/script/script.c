/* script.c - screenplay entry points: format detection, the dispatch to
 * the three readers (plain.c: IMSDb-style indentation, fountain.c,
 * transcript.c), and names for formats and kinds.  The builder the readers
 * share is in script_builder.c. */
#include "script/script_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/kind.h"
#include "storymovie/io.h"
#include "storymovie/text.h"

/* ---- names -------------------------------------------------------------- */

const char *sm_script_format_name(sm_script_format f)
{
    switch (f) {
    case SM_SCRIPT_PLAIN: return "plain";
    case SM_SCRIPT_FOUNTAIN: return "fountain";
    case SM_SCRIPT_TRANSCRIPT: return "transcript";
    }
    return "unknown";
}

const char *sm_block_kind_name(sm_block_kind k)
{
    switch (k) {
    case SM_BLOCK_SCENE_HEADING: return "scene_heading";
    case SM_BLOCK_ACTION: return "action";
    case SM_BLOCK_DIALOGUE: return "dialogue";
    case SM_BLOCK_TRANSITION: return "transition";
    case SM_BLOCK_SECTION: return "section";
    case SM_BLOCK_SYNOPSIS: return "synopsis";
    case SM_BLOCK_LYRICS: return "lyrics";
    case SM_BLOCK_PAGE_BREAK: return "page_break";
    }
    return "unknown";
}

int sm_script_format_from_name(const char *s, sm_script_format *out)
{
    static const struct { const char *name; sm_script_format f; } names[] = {
        {"plain", SM_SCRIPT_PLAIN}, {"imsdb", SM_SCRIPT_PLAIN}, {"text", SM_SCRIPT_PLAIN},
        {"fountain", SM_SCRIPT_FOUNTAIN},
        {"transcript", SM_SCRIPT_TRANSCRIPT},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].f;
            return 0;
        }
    return -1;
}

/* ---- detection ---------------------------------------------------------- */

static int ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && sm_ascii_prefix_ci(s + n - k, k, suffix);
}

/* "Name: text" at the start of a line, the transcript shape. */
static int transcript_line(const char *s, size_t n)
{
    if (n < 3 || !sm_is_upper((unsigned char)s[0]))
        return 0;
    for (size_t i = 1; i < n && i <= 41; i++) {
        if (s[i] == ':')
            return i + 1 < n;
        if (s[i] == '\n')
            return 0;
    }
    return 0;
}

sm_script_format sm_script_detect(const char *name, const char *text, size_t len)
{
    if (name && ends_with_ci(name, ".fountain"))
        return SM_SCRIPT_FOUNTAIN;
    size_t nonblank = 0, indented = 0, deep = 0, transcript = 0, bracket_scenes = 0;
    size_t fountain_marks = 0, flush_headings = 0;
    /* Flush-left ALL-CAPS name lines with text under them, by their
     * neighbours: Fountain's (a blank line above, the speech right below)
     * or a plain screenplay's (the speech a blank line below, or no blank
     * line above). */
    size_t fountain_cues = 0, plain_cues = 0;
    int name_line = 0, name_after_blank = 0, blank_after_name = 0, prev_blank = 1;
    int first = 1;
    const char *p = text, *end = text + len;
    /* A few thousand lines decide; reading all of a 50 MB file would not
     * change the answer. */
    for (size_t lines = 0; p < end && lines < 5000; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        size_t col = 0, i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            col += p[i] == '\t' ? 8 - col % 8 : 1, i++;
        const char *s = p + i;
        size_t sn = n - i;
        while (sn && sm_is_space((unsigned char)s[sn - 1]))
            sn--;
        /* (only the lines that may matter are scanned for case) */
        int caps_line = sn && (name_line || blank_after_name || (col == 0 && sn <= 40)) && sm_all_caps(s, sn, 1);
        if (sn && !caps_line && blank_after_name) {
            plain_cues++;                /* NAME, blank line, speech */
        } else if (sn && !caps_line && name_line) {
            if (name_after_blank)
                fountain_cues++;
            else
                plain_cues++;            /* action, NAME, speech: no blank lines */
        }
        blank_after_name = !sn && name_line && name_after_blank;
        name_line = col == 0 && caps_line && sn <= 40 && s[sn - 1] != ':' && !sm_heading_prefix(s, sn, 1);
        name_after_blank = prev_blank;
        prev_blank = sn == 0;
        if (sn) {
            nonblank++;
            if (first && i == 0 && sm_fountain_title_key(s, sn))
                return SM_SCRIPT_FOUNTAIN;
            first = 0;
            if (col >= 4)
                indented++;
            if (col >= 10)
                deep++;
            if (col == 0 && transcript_line(s, sn))
                transcript++;
            if (sm_ascii_prefix_ci(s, sn, "[Scene") || sm_ascii_prefix_ci(s, sn, "(Scene:"))
                bracket_scenes++;
            if (col == 0 && sm_heading_prefix(s, sn, 1))
                flush_headings++;
            if (sn >= 2 && ((s[0] == '.' && sm_is_alpha((unsigned char)s[1])) || s[0] == '@' ||
                            s[0] == '~' || (s[0] == '>' && s[sn - 1] == '<') ||
                            (s[0] == '=' && s[1] == '=') || (s[0] == '[' && s[1] == '[') ||
                            (s[0] == '/' && s[1] == '*') || (s[0] == '#' && s[1] == ' ') ||
                            (s[sn - 1] == '^')))
                fountain_marks++;
        }
        p = nl ? nl + 1 : end;
    }
    if (transcript >= 3 && (transcript * 4 >= nonblank || bracket_scenes))
        return SM_SCRIPT_TRANSCRIPT;
    /* The key difference between a plain screenplay and Fountain: plain text
     * lays out cues and dialogue by indentation; Fountain is flush left. */
    if (deep >= 3 && indented * 3 >= nonblank)
        return SM_SCRIPT_PLAIN;
    /* Flush-left plain screenplays have scene headings at column 0 too;
     * their cues sit where Fountain would not see them. */
    if (plain_cues > fountain_cues)
        return SM_SCRIPT_PLAIN;
    if (fountain_marks || flush_headings)
        return SM_SCRIPT_FOUNTAIN;
    return SM_SCRIPT_PLAIN;
}

/* ---- entry points ------------------------------------------------------- */

/* Subtitles, JSON Lines or a TSV table given as a screenplay would read as
 * hundreds of action blocks without a word of dialogue: refuse them, saying
 * what they look like (common/kind.h). */
static int not_a_screenplay(const char *name, const char *utf8, size_t len, sm_error *err)
{
    sm_kind kind = sm_kind_guess(utf8, len);
    if (kind != SM_KIND_UNKNOWN && kind != SM_KIND_SCREENPLAY)
        return sm_kind_fail(err, name, 1, "a screenplay", kind, NULL);
    size_t i = 0;
    while (i < len && (sm_is_space((unsigned char)utf8[i]) || utf8[i] == '\n'))
        i++;
    const char *eol = memchr(utf8 + i, '\n', len - i);
    size_t e = eol ? (size_t)(eol - utf8) : len;
    while (e > i && sm_is_space((unsigned char)utf8[e - 1]))
        e--;
    if (i < len && utf8[i] == '{' && e > i + 1 && utf8[e - 1] == '}')
        return sm_fail(err, name, 1, "not a screenplay: this looks like JSON Lines records");
    return 0;
}

int sm_script_parse_as(const char *name, const char *utf8, size_t len,
                       sm_script_format format, sm_script *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!utf8)
        utf8 = "", len = 0;
    out->format = format;
    strcpy(out->encoding, "UTF-8");
    if (!name)
        name = "<input>";
    /* A BOM is the text layer's business, but raw bytes may still hold one. */
    if (len >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0)
        utf8 += 3, len -= 3;
    /* Nothing but white space: the same one-line error as every reader. */
    size_t first = 0;
    while (first < len && (sm_is_space((unsigned char)utf8[first]) || utf8[first] == '\n'))
        first++;
    if (first == len)
        return sm_fail(err, name, 0, "empty file");
    if (not_a_screenplay(name, utf8, len, err) != 0)
        return -1;
    /* The text layer refuses over-long lines already; callers that hand us
     * raw bytes get the same guarantee (no reader is built for them). */
    long line_no = 1;
    for (const char *p = utf8, *end = utf8 + len; p < end; line_no++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n > SM_TEXT_MAX_LINE)
            return sm_fail(err, name, line_no, "line %ld is longer than %u MiB", line_no,
                           SM_TEXT_MAX_LINE >> 20);
        p = nl ? nl + 1 : end;
    }
    /* Every block starts on its own line, so the line count bounds the
     * block count: reserving that never grows (and copies) the array, and
     * the pages of the reserve that are never written cost nothing. */
    size_t hint = (size_t)line_no < (1u << 20) ? (size_t)line_no : (1u << 20);
    sm_builder b = {.script = out, .blocks_hint = hint};
    int rc;
    switch (format) {
    case SM_SCRIPT_FOUNTAIN: rc = sm_parse_fountain(name, utf8, len, &b, err); break;
    case SM_SCRIPT_TRANSCRIPT: rc = sm_parse_transcript(name, utf8, len, &b, err); break;
    default: rc = sm_parse_plain(name, utf8, len, &b, err); break;
    }
    if (rc == 0 && b.too_many)
        rc = sm_fail(err, name, 0, "more than %u blocks: not a screenplay", (unsigned)SM_SCRIPT_MAX_BLOCKS);
    if (rc == 0 && b.failed)
        rc = sm_fail(err, name, 0, "out of memory");
    if (rc == 0 && out->n_blocks == 0)
        rc = sm_fail(err, name, 0, "no screenplay content (%s reader found no blocks)",
                     sm_script_format_name(format));
    if (rc < 0) {
        sm_script_free(out);
        return -1;
    }
    out->n_scenes = b.scene;
    return 0;
}

int sm_script_parse(const char *name, const char *utf8, size_t len, sm_script *out, sm_error *err)
{
    if (len >= 3 && memcmp(utf8, "\xEF\xBB\xBF", 3) == 0)
        utf8 += 3, len -= 3;
    return sm_script_parse_as(name, utf8, len, sm_script_detect(name, utf8, len), out, err);
}

/* FILE, or standard input ("-"), decoded into UTF-8. */
static int read_text(const char *path, sm_text *t, sm_error *err)
{
    if (strcmp(path, "-") != 0)
        return sm_text_read_file(path, t, err);
    memset(t, 0, sizeof *t);
    char *buf;
    size_t n;
    if (sm_read_stream(stdin, "<stdin>", SM_TEXT_MAX_FILE, &buf, &n, err) != 0)
        return -1;
    int rc = sm_text_decode("<stdin>", (const unsigned char *)buf, n, t, err);
    free(buf);
    return rc;
}

int sm_script_read(const char *path, const sm_script_format *format, sm_script *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_text t;
    if (read_text(path, &t, err) < 0)
        return -1;
    int rc = format ? sm_script_parse_as(path, t.data, t.len, *format, out, err)
                    : sm_script_parse(path, t.data, t.len, out, err);
    if (rc == 0) {
        memcpy(out->encoding, t.encoding, sizeof out->encoding);
        sm_warnings_prepend(&out->warnings, &t.warnings);   /* the decoding's repairs */
    }
    sm_text_free(&t);
    return rc;
}

int sm_script_read_file(const char *path, sm_script *out, sm_error *err)
{
    return sm_script_read(path, NULL, out, err);
}

void sm_script_free(sm_script *s)
{
    if (!s)
        return;
    free(s->blocks);
    free(s->title);
    sm_warnings_free(&s->warnings);
    sm_arena_free(&s->arena);
    s->blocks = NULL;
    s->title = NULL;
    s->n_blocks = s->n_title = 0;
}
