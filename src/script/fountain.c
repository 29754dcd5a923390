/* fountain.c - Fountain screenplays (https://fountain.io).
 *
 * Two passes:
 *  1. Clean: the boneyard (slash-star ... star-slash, may span lines) and
 *     notes ([[...]], may span lines but not an empty line) are cut out of
 *     the text.  Each logical line that remains remembers the source line
 *     it starts on, so block line numbers stay the user's.
 *  2. Read paragraphs (runs of non-empty lines) and give each the element
 *     the spec defines, forced markers first:
 *        Title page     "Key: value" lines at the very top, values may
 *                       continue on indented lines
 *        Page break     ===             Section     # ...
 *        Synopsis       = ...           Centered    > text <
 *        Transition     > text, or an ALL-CAPS line ending in TO: alone
 *        Lyrics         ~ ...           Action      ! ... (forced)
 *        Scene heading  INT EXT EST INT./EXT INT/EXT I/E (any case) or
 *                       .FORCED, with an optional #12A# scene number
 *        Character      ALL-CAPS line (or @Forced) with text below it;
 *                       a trailing ^ makes it dual dialogue
 *        Dialogue       the lines below a character; (parentheticals);
 *                       a line of two spaces keeps the speech going
 *        Action         everything else, indentation kept
 * Emphasis markers (*, **, ***, _) are removed from the text; \* stays *. */
#include "script/script_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/slice.h"

typedef struct fline {
    size_t off;      /* into the cleaned text */
    size_t len;
    long src;        /* source line it starts on */
} fline;

typedef struct cleaned {
    const char *base;    /* the text the lines point into: the input itself
                            when nothing was cut, else `text` */
    size_t base_len;
    sm_sbuf text;
    fline *lines;
    size_t n, cap;
    int failed;
} cleaned;

static void push_line(cleaned *c, size_t off, long src)
{
    if (sm_grow(&c->lines, &c->cap, c->n + 1, sizeof *c->lines) != 0) {
        c->failed = 1;
        return;
    }
    c->lines[c->n].off = off;
    c->lines[c->n].len = 0;
    c->lines[c->n].src = src;
    c->n++;
}

/* Pass 1: cut the boneyard and the notes out. */
static void clean_text(const char *t, size_t len, cleaned *c, sm_warnings *w)
{
    long src = 1;
    /* Size the copy and the line table once: growing them cost a third of
     * the time. */
    size_t lines = 1;
    for (const char *q = t, *qe = t + len; q < qe; lines++) {
        q = memchr(q, '\n', (size_t)(qe - q));
        if (!q)
            break;
        q++;
    }
    c->lines = malloc(lines * sizeof *c->lines);
    c->cap = c->lines ? lines : 0;
    if (!sm_memmem(t, len, "/*", 2) && !sm_memmem(t, len, "[[", 2)) {
        /* Nothing to cut (the usual case): the lines are the input's. */
        c->base = t;
        c->base_len = len;
        long src_line = 1;
        size_t off = 0;
        push_line(c, 0, 1);
        for (const char *q = t, *qe = t + len; q < qe;) {
            const char *nl = memchr(q, '\n', (size_t)(qe - q));
            if (!nl)
                break;
            off = (size_t)(nl + 1 - t);
            push_line(c, off, ++src_line);
            q = nl + 1;
        }
        goto lengths;
    }
    c->text.p = malloc(len + 1);
    c->text.cap = c->text.p ? len + 1 : 0;
    size_t note_fail_until = 0;   /* a [[ before this cannot close: skip the scan */
    int boneyard_closes = 1;      /* no slash-star after a failed one can close either */
    push_line(c, 0, 1);
    size_t run = 0;               /* start of the pending copy */
    size_t i = 0;
    while (i < len) {
        char ch = t[i];
        if (ch == '\n') {
            sm_sbuf_put(&c->text, t + run, i + 1 - run);
            src++;
            push_line(c, c->text.len, src);
            run = ++i;
            continue;
        }
        if (ch == '/' && i + 1 < len && t[i + 1] == '*' && boneyard_closes) {
            size_t j = i + 2;
            long nl = 0;
            while (j + 1 < len && !(t[j] == '*' && t[j + 1] == '/')) {
                nl += t[j] == '\n';
                j++;
            }
            if (j + 1 >= len) {
                if (j < len)
                    nl += t[j] == '\n';
                sm_warn(w, src, "boneyard (/*) is never closed; its text is kept");
                boneyard_closes = 0;
                i++;
                continue;
            }
            sm_sbuf_put(&c->text, t + run, i - run);
            src += nl;
            run = i = j + 2;
            continue;
        }
        if (ch == '[' && i + 1 < len && t[i + 1] == '[' && i >= note_fail_until) {
            size_t j = i + 2;
            long nl = 0;
            int ok = 0;
            while (j < len) {
                if (t[j] == ']' && j + 1 < len && t[j + 1] == ']') {
                    ok = 1;
                    break;
                }
                if (t[j] == '\n') {
                    if (j + 1 < len && t[j + 1] == '\n')
                        break;            /* an empty line ends the chance */
                    nl++;
                }
                j++;
            }
            if (!ok) {
                note_fail_until = j;
                i += 2;
                continue;
            }
            sm_sbuf_put(&c->text, t + run, i - run);
            src += nl;
            run = i = j + 2;
            continue;
        }
        i++;
    }
    sm_sbuf_put(&c->text, t + run, len - run);
    if (c->text.failed)
        c->failed = 1;
    c->base = c->text.p ? c->text.p : "";
    c->base_len = c->text.len;
lengths:
    if (c->failed)
        return;
    /* Line lengths from the cleaned text. */
    for (size_t k = 0; k < c->n; k++) {
        size_t end = k + 1 < c->n ? c->lines[k + 1].off - 1 : c->base_len;
        c->lines[k].len = end > c->lines[k].off ? end - c->lines[k].off : 0;
    }
}

/* ---- emphasis ----------------------------------------------------------- */

/* Append s without emphasis markers.  Runs of '*' (italic, bold, both)
 * and '_' (underline) are markup when they pair up on the line; an odd
 * last one is kept as written.  "\*" and "\_" give the character. */
static void put_plain(sm_sbuf *out, const char *s, size_t n)
{
    if (!memchr(s, '*', n) && !memchr(s, '_', n) && !memchr(s, '\\', n)) {
        sm_sbuf_put(out, s, n);
        return;
    }
    size_t runs[2] = {0, 0};          /* unescaped marker runs: '*', '_' */
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            continue;
        }
        if (s[i] == '*' || s[i] == '_') {
            runs[s[i] == '_']++;
            while (i + 1 < n && s[i + 1] == s[i])
                i++;
        }
    }
    size_t seen[2] = {0, 0};
    size_t i = 0;
    while (i < n) {
        char c = s[i];
        if (c == '\\' && i + 1 < n && (s[i + 1] == '*' || s[i + 1] == '_')) {
            sm_sbuf_putc(out, s[i + 1]);
            i += 2;
            continue;
        }
        if (c == '*' || c == '_') {
            size_t k = i;
            while (k < n && s[k] == c)
                k++;
            int t = c == '_';
            seen[t]++;
            if (runs[t] % 2 == 1 && seen[t] == runs[t])
                sm_sbuf_put(out, s + i, k - i);      /* unpaired: literal */
            i = k;
            continue;
        }
        size_t k = i + 1;
        while (k < n && s[k] != '*' && s[k] != '_' && s[k] != '\\')
            k++;
        sm_sbuf_put(out, s + i, k - i);
        i = k;
    }
}

/* ---- paragraphs --------------------------------------------------------- */

typedef struct freader {
    sm_builder *b;
    const cleaned *c;
    sm_sbuf buf, paren;
    size_t last_dialogue;      /* index of the previous paragraph's dialogue, for
                                  dual dialogue; (size_t)-1 when none */
} freader;

static void line_at(const freader *r, size_t k, const char **s, size_t *n)
{
    *s = r->c->base + r->c->lines[k].off;
    *n = r->c->lines[k].len;
}

static int is_empty(const freader *r, size_t k)
{
    return r->c->lines[k].len == 0;
}

static int is_blankish(const freader *r, size_t k)
{
    const char *s;
    size_t n;
    line_at(r, k, &s, &n);
    sm_trim(&s, &n);
    return n == 0;
}

static sm_block *add(freader *r, sm_block_kind kind, size_t from, size_t to)
{
    return sm_builder_add(r->b, kind, r->c->lines[from].src, r->c->lines[to].src);
}

static void set_text(freader *r, sm_block *blk, const char *s, size_t n)
{
    if (!blk)
        return;
    r->buf.len = 0;
    put_plain(&r->buf, s, n);
    blk->text = sm_builder_str(r->b, r->buf.p, r->buf.len, 0);
}

/* Title page: "Key: value" from the first line to the first blank line. */
static size_t read_title_page(freader *r)
{
    const cleaned *c = r->c;
    const char *s;
    size_t n;
    line_at(r, 0, &s, &n);
    size_t colon = 0;
    while (colon < n && colon < 40 && s[colon] != ':')
        colon++;
    /* Any "Key:" may follow, but the page must open with a known one, or a
     * first line like "Mara: Hello." would swallow a paragraph. */
    if (n == 0 || colon >= n || s[colon] != ':' || !sm_fountain_title_key(s, n))
        return 0;
    for (size_t k = 0; k < colon; k++)
        if (!(sm_is_alpha((unsigned char)s[k]) || sm_is_digit((unsigned char)s[k]) || s[k] == ' ' || s[k] == '-' || s[k] == '_'))
            return 0;
    size_t k = 0;
    const char *key = NULL;
    size_t key_len = 0;
    sm_sbuf val = {0};
    for (; k < c->n && !is_blankish(r, k); k++) {
        line_at(r, k, &s, &n);
        int indented = n && (s[0] == ' ' || s[0] == '\t');
        size_t cl = 0;
        while (cl < n && cl < 40 && s[cl] != ':')
            cl++;
        if (!indented && cl < n && s[cl] == ':') {
            if (key)
                sm_builder_title(r->b, key, key_len, val.p, val.len);
            key = s, key_len = cl, val.len = 0;
            const char *v = s + cl + 1;
            size_t vn = n - cl - 1;
            sm_trim(&v, &vn);
            put_plain(&val, v, vn);
        } else if (key) {
            const char *v = s;
            size_t vn = n;
            sm_trim(&v, &vn);
            if (val.len)
                sm_sbuf_putc(&val, '\n');
            put_plain(&val, v, vn);
        }
    }
    if (key)
        sm_builder_title(r->b, key, key_len, val.p, val.len);
    if (val.failed)
        r->b->failed = 1;
    sm_sbuf_free(&val);
    return k;
}

static int all_equals(const char *s, size_t n)
{
    if (n < 3)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '=')
            return 0;
    return 1;
}

/* Scene number "#12A#" at the end of a heading: cut it off into *num. */
static void split_scene_number(const char **s, size_t *n, const char **num, size_t *num_len)
{
    *num = NULL;
    *num_len = 0;
    const char *t = *s;
    size_t len = *n;
    if (len < 3 || t[len - 1] != '#')
        return;
    size_t k = len - 1;
    while (k > 0 && t[k - 1] != '#')
        k--;
    if (k == 0)
        return;
    const char *v = t + k;
    size_t vn = len - 1 - k;
    sm_trim(&v, &vn);
    for (size_t i = 0; i < vn; i++)
        if (!(sm_is_alpha((unsigned char)v[i]) || sm_is_digit((unsigned char)v[i]) || v[i] == '-' || v[i] == '.'))
            return;
    if (vn == 0)
        return;
    *num = v;
    *num_len = vn;
    size_t rest = k - 1;
    *n = rest;
    sm_trim(s, n);
}

static int character_shape(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (n && s[n - 1] == '^') {
        n--;
        while (n && s[n - 1] == ' ')
            n--;
    }
    if (n == 0 || s[0] == '(' || s[0] == '!' || s[n - 1] == ':')
        return 0;
    return sm_all_caps(s, n, 1);
}

/* Read the element that starts the paragraph [from, to); returns the line
 * after it.  One-line elements (headings, sections, ...) leave the rest of
 * the paragraph to the caller, which loops (no recursion: a paragraph of a
 * million "#" lines must not exhaust the stack). */
/* Lyrics (~) or centered (>...<) lines: a run of such lines is one block.
 * Returns the line after the run. */
static size_t read_run(freader *r, size_t from, size_t to, int lyric)
{
    size_t k = from;
    sm_sbuf all = {0};
    for (; k < to; k++) {
        const char *t;
        size_t tn;
        line_at(r, k, &t, &tn);
        sm_trim(&t, &tn);
        if (lyric ? (tn == 0 || t[0] != '~') : !(tn >= 2 && t[0] == '>' && t[tn - 1] == '<'))
            break;
        t++, tn -= lyric ? 1 : 2;
        sm_trim(&t, &tn);
        if (k > from)
            sm_sbuf_putc(&all, '\n');
        put_plain(&all, t, tn);
    }
    sm_block *blk = add(r, lyric ? SM_BLOCK_LYRICS : SM_BLOCK_ACTION, from, k - 1);
    if (blk) {
        blk->text = sm_builder_str(r->b, all.p, all.len, 0);
        blk->centered = !lyric;
    }
    if (all.failed)
        r->b->failed = 1;
    sm_sbuf_free(&all);
    return k;
}

/* A character cue (s, n: its line) and the speech up to `to`, its
 * parentheticals apart; "^" marks dual dialogue with the previous speech. */
static void read_dialogue(freader *r, size_t from, size_t to, const char *s, size_t n)
{
    const char *cue = s[0] == '@' ? s + 1 : s;
    size_t cn = s[0] == '@' ? n - 1 : n;
    int dual = 0;
    if (cn && cue[cn - 1] == '^') {
        dual = 1;
        cn--;
    }
    sm_block *blk = add(r, SM_BLOCK_DIALOGUE, from, to - 1);
    if (!blk)
        return;
    sm_builder_speaker(r->b, blk, cue, cn);
    r->buf.len = r->paren.len = 0;
    for (size_t k = from + 1; k < to; k++) {
        const char *t;
        size_t tn;
        line_at(r, k, &t, &tn);
        sm_trim(&t, &tn);
        if (tn == 0)
            continue;         /* the "two spaces" line inside a speech */
        if (t[0] == '(' && t[tn - 1] == ')') {
            t++, tn -= 2;
            sm_trim(&t, &tn);
            if (r->paren.len)
                sm_sbuf_putc(&r->paren, ' ');
            put_plain(&r->paren, t, tn);
            continue;
        }
        if (r->buf.len)
            sm_sbuf_putc(&r->buf, ' ');
        put_plain(&r->buf, t, tn);
    }
    blk->text = sm_builder_str(r->b, r->buf.p, r->buf.len, 0);
    blk->parenthetical = sm_builder_str(r->b, r->paren.p, r->paren.len, 1);
    if (dual) {
        blk->dual = 1;
        if (r->last_dialogue != (size_t)-1)
            r->b->script->blocks[r->last_dialogue].dual = 1;
    }
}

/* Action: every line as written (indentation kept), a leading '!' (of the
 * first line, whose trimmed text starts at s) removed. */
static void read_action(freader *r, size_t from, size_t to, const char *raw, const char *s)
{
    r->buf.len = 0;
    size_t last = from;
    for (size_t k = from; k < to; k++) {
        const char *t;
        size_t tn;
        line_at(r, k, &t, &tn);
        while (tn && sm_is_space((unsigned char)t[tn - 1]))
            tn--;
        if (k == from) {
            size_t lead = (size_t)(s - raw);
            if (s[0] == '!')
                t = s + 1, tn = tn > lead ? tn - lead - 1 : 0;
        }
        if (k > from)
            sm_sbuf_putc(&r->buf, '\n');
        put_plain(&r->buf, t, tn);
        last = k;
    }
    sm_block *blk = add(r, SM_BLOCK_ACTION, from, last);
    if (blk)
        blk->text = sm_builder_str(r->b, r->buf.p, r->buf.len, 0);
}

/* A one-line element after its marker: a section (#) or synopsis (=), text
 * after the run of markers; a forced transition (>). */
static void read_marked(freader *r, size_t line, sm_block_kind kind, const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && s[k] == s[0] && (kind != SM_BLOCK_TRANSITION || k == 0))
        k++;
    const char *t = s + k;
    size_t tn = n - k;
    sm_trim(&t, &tn);
    set_text(r, add(r, kind, line, line), t, tn);
}

static size_t read_element(freader *r, size_t from, size_t to)
{
    const char *raw, *s;
    size_t rn, n;
    line_at(r, from, &raw, &rn);
    s = raw, n = rn;
    sm_trim(&s, &n);
    int single = to == from + 1;

    if (all_equals(s, n)) {
        add(r, SM_BLOCK_PAGE_BREAK, from, from);
        return from + 1;
    }
    if (s[0] == '#' || (s[0] == '=' && !(n >= 2 && s[1] == '='))) {
        read_marked(r, from, s[0] == '#' ? SM_BLOCK_SECTION : SM_BLOCK_SYNOPSIS, s, n);
        return from + 1;
    }
    if (s[0] == '~' || (s[0] == '>' && n >= 2 && s[n - 1] == '<'))
        return read_run(r, from, to, s[0] == '~');
    if (s[0] == '>') {
        read_marked(r, from, SM_BLOCK_TRANSITION, s, n);
        return from + 1;
    }
    int forced_heading = s[0] == '.' && n >= 2 && s[1] != '.';
    if (forced_heading || (s[0] != '!' && sm_heading_prefix(s, n, 0) && (single || sm_all_caps(s, n, 0)))) {
        const char *t = forced_heading ? s + 1 : s;
        size_t tn = forced_heading ? n - 1 : n;
        const char *num;
        size_t num_len;
        split_scene_number(&t, &tn, &num, &num_len);
        sm_block *blk = add(r, SM_BLOCK_SCENE_HEADING, from, from);
        set_text(r, blk, t, tn);
        if (blk)
            blk->scene_number = num ? sm_builder_str(r->b, num, num_len, 1) : NULL;
        return from + 1;
    }
    if (single && s[0] != '!' && s[0] != '@' && n >= 3 && memcmp(s + n - 3, "TO:", 3) == 0 &&
        sm_all_caps(s, n, 0)) {
        set_text(r, add(r, SM_BLOCK_TRANSITION, from, from), s, n);
        return to;
    }
    if (!single && (s[0] == '@' || (s[0] != '!' && character_shape(s, n))))
        read_dialogue(r, from, to, s, n);
    else
        read_action(r, from, to, raw, s);
    return to;
}

int sm_parse_fountain(const char *name, const char *text, size_t len, sm_builder *b, sm_error *err)
{
    cleaned c = {0};
    clean_text(text, len, &c, &b->script->warnings);
    if (c.failed) {
        sm_sbuf_free(&c.text);
        free(c.lines);
        return sm_fail(err, name, 0, "out of memory");
    }
    freader r = {.b = b, .c = &c, .last_dialogue = (size_t)-1};
    size_t k = read_title_page(&r);
    while (k < c.n) {
        if (is_blankish(&r, k)) {
            k++;
            continue;
        }
        /* A paragraph runs to the next empty line.  A line of spaces only
         * ends it too, except inside a speech, where it is Fountain's way
         * of writing an intended blank line. */
        size_t end = k + 1;
        const char *s;
        size_t n;
        line_at(&r, k, &s, &n);
        sm_trim(&s, &n);
        int speech = s[0] == '@' || character_shape(s, n);
        while (end < c.n && !is_empty(&r, end) && (speech || !is_blankish(&r, end)))
            end++;
        /* Trailing whitespace-only lines are not part of the speech. */
        size_t to = end;
        while (to > k + 1 && is_blankish(&r, to - 1))
            to--;
        size_t before = b->script->n_blocks;
        for (size_t at = k; at < to;)
            at = read_element(&r, at, to);
        /* Dual dialogue pairs a speech with the one just before it. */
        if (b->script->n_blocks > before)
            r.last_dialogue = b->script->blocks[b->script->n_blocks - 1].kind == SM_BLOCK_DIALOGUE
                                  ? b->script->n_blocks - 1 : (size_t)-1;
        k = end;
    }
    if (r.buf.failed || r.paren.failed)
        b->failed = 1;
    sm_sbuf_free(&r.buf);
    sm_sbuf_free(&r.paren);
    sm_sbuf_free(&c.text);
    free(c.lines);
    return 0;
}
