/* plain.c - plain-text screenplays laid out by indentation (IMSDb, Daily
 * Script).
 *
 * Such a script is a typewriter page turned into text: what a line IS
 * (action, character cue, parenthetical, dialogue, transition) is told by
 * how far it is indented, and every file uses its own columns (15/25/37,
 * 0/10/22, tabs...).  So nothing is hard-coded: we first measure the file.
 *
 *  1. Lines that are page furniture are dropped: page numbers standing
 *     alone, (MORE), CONTINUED lines, and page headers/footers, i.e. short
 *     isolated lines that repeat many times once digits are ignored
 *     ("BIRTHDAY GIRL - Rev. 12" on every page).
 *  2. Character cues are short ALL-CAPS lines, preceded by a blank line and
 *     followed directly by text indented LESS (the speech) or by a
 *     parenthetical.  The most common indent of such lines is the cue
 *     column; the most common indent of the lines after them is the
 *     dialogue column; the most common indent of the other lines left of the
 *     dialogue column is the action column.
 *  3. When that gives no consistent layout (everything flush left, centred
 *     lines, dialogue as deep as action, a blank line under every cue), the
 *     file is read by shape and neighbours instead (plain_shape.c).
 *  4. Otherwise one pass classifies every line with those columns.
 * Speeches broken across pages ("(MORE)" ... "JOHN (CONT'D)") are joined
 * back into one block. */
#include "script/plain_shape.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"
#include "common/slice.h"

#define MAX_COL 256       /* indents beyond this are clamped in histograms */

/* ---- line shapes -------------------------------------------------------- */

/* "12", "12.", "12A.", "Page 12", "- 12 -", "12/" */
static int page_number_shape(const char *s, size_t n)
{
    if (sm_ascii_prefix_ci(s, n, "page "))
        s += 5, n -= 5;
    while (n && (s[0] == '-' || s[0] == ' '))
        s++, n--;
    while (n && (s[n - 1] == '-' || s[n - 1] == ' ' || s[n - 1] == '.' || s[n - 1] == '/'))
        n--;
    size_t d = 0;
    while (d < n && sm_is_digit((unsigned char)s[d]))
        d++;
    if (d == 0 || d > 4)
        return 0;
    return n == d || (n == d + 1 && sm_is_upper((unsigned char)s[d]));
}

/* "CONTINUED:", "(CONTINUED)", "12 CONTINUED: (2) 12", "CONTINUED ON NEXT PAGE" */
static int continued_line(const char *s, size_t n)
{
    size_t k = sm_plain_scene_number(s, n);
    if (k && k < n && s[k] == ' ') {
        s += k, n -= k;
        sm_trim(&s, &n);
    }
    if (n && s[0] == '(')
        s++, n--;
    if (!sm_ascii_prefix_ci(s, n, "CONTINUED") && !sm_ascii_prefix_ci(s, n, "CONT'D") &&
        !sm_ascii_prefix_ci(s, n, "CONTINUING"))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (sm_is_lower((unsigned char)s[i]))
            return 0;
    return n <= 32;
}

/* ---- measuring the file -------------------------------------------------- */

static int mode_of(const uint32_t *hist, int lo, int hi)
{
    int best = -1;
    uint32_t best_n = 0;
    for (int c = lo < 0 ? 0 : lo; c <= hi && c < MAX_COL; c++)
        if (hist[c] > best_n)
            best_n = hist[c], best = c;
    return best;
}

static int col(int indent) { return indent < MAX_COL ? indent : MAX_COL - 1; }

static int cue_shape(const pline *L, size_t n, size_t i)
{
    const pline *l = &L[i];
    if ((l->flags & (L_BLANK | L_CAPS | L_DROP)) != L_CAPS || l->n > 60)
        return 0;
    if (l->s[l->n - 1] == ':' || l->s[0] == '(' || sm_plain_transition_shape(l->s, l->n) ||
        sm_plain_direction_word(l->s, l->n))
        return 0;
    const char *num;
    size_t num_len;
    if (sm_plain_heading_shape(l->s, l->n, &num, &num_len))
        return 0;
    size_t nx = sm_plain_next_kept(L, n, i);
    if (nx >= n || (L[nx].flags & L_BLANK))
        return 0;
    /* A cue stands alone: a blank line (or a dropped page line) above it,
     * or, in scripts that save blank lines, a line well left of it (the
     * action or speech before) with its own speech starting left of it. */
    size_t pv = i ? i - 1 : (size_t)-1;
    if (pv == (size_t)-1 || (L[pv].flags & (L_BLANK | L_DROP)))
        return 1;
    return L[pv].indent < l->indent - 4 && L[nx].indent < l->indent - 4 && L[nx].indent > L[pv].indent - 1 &&
           l->indent >= 10;
}

static uint64_t key_hash(const char *s, size_t n, int *has_digit)
{
    /* FNV-1a over the line with digit runs folded to one '#' and spaces
     * collapsed, so "Page 12" and "Page 13" are the same header. */
    uint64_t h = SM_FNV1A_INIT;
    int prev_digit = 0, prev_space = 0;
    *has_digit = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (sm_is_digit(c)) {
            *has_digit = 1;
            if (prev_digit)
                continue;
            c = '#';
            prev_digit = 1;
        } else {
            prev_digit = 0;
        }
        if (c == ' ' || c == '\t') {
            if (prev_space)
                continue;
            prev_space = 1;
            c = ' ';
        } else {
            prev_space = 0;
        }
        h = sm_fnv1a_byte(h, c);
    }
    return h | 1;   /* 0 marks an empty slot */
}

/* Drop repeated page headers/footers: isolated short lines whose
 * digit-folded text occurs at least 5 times and either holds a number
 * (a page or revision number) or repeats the script's first line.  Scene
 * headings, transitions and lines in the action column are never headers:
 * "INT. ROOM 12" may well repeat. */
static int header_candidate(const pline *L, size_t n, size_t i, int action_col)
{
    const pline *l = &L[i];
    if ((l->flags & (L_BLANK | L_DROP | L_NAME)) || l->n > 80)
        return 0;
    if (action_col >= 0 && l->indent >= action_col - 1 && l->indent <= action_col + 1)
        return 0;
    return (i == 0 || (L[i - 1].flags & L_BLANK)) && (i + 1 == n || (L[i + 1].flags & L_BLANK));
}

static int drop_repeated_headers(pline *L, size_t n, int action_col)
{
    /* Only isolated lines off the action column can be headers; they are
     * few, so the table is small and most lines are never hashed. */
    size_t cand = 0, first = n;
    for (size_t i = 0; i < n; i++) {
        if (first == n && !(L[i].flags & (L_BLANK | L_DROP)))
            first = i;
        if (header_candidate(L, n, i, action_col)) {
            L[i].flags |= L_CAND;
            cand++;
        }
    }
    if (cand == 0)
        return 0;
    int digit;
    uint64_t first_key = L[first].n <= 80 ? key_hash(L[first].s, L[first].n, &digit) : 0;
    size_t cap = sm_table_size(cand, 16);
    uint64_t *keys = calloc(cap, sizeof *keys);
    uint32_t *counts = calloc(cap, sizeof *counts);
    if (!keys || !counts) {
        free(keys), free(counts);
        return -1;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            pline *l = &L[i];
            if (!(l->flags & L_CAND))
                continue;
            uint64_t h = key_hash(l->s, l->n, &digit);
            const char *num;
            size_t num_len;
            if ((!digit && h != first_key) || sm_plain_heading_shape(l->s, l->n, &num, &num_len) ||
                sm_plain_transition_shape(l->s, l->n)) {
                l->flags &= ~(uint32_t)L_CAND;
                continue;
            }
            size_t slot = (size_t)h & (cap - 1);
            while (keys[slot] && keys[slot] != h)
                slot = (slot + 1) & (cap - 1);
            if (pass == 0) {
                keys[slot] = h;
                counts[slot]++;
            } else {
                l->flags &= ~(uint32_t)L_CAND;
                if (counts[slot] >= 5 || (h == first_key && counts[slot] >= 3 && i != first))
                    l->flags |= L_DROP;
            }
        }
    }
    free(keys), free(counts);
    return 0;
}

static void measure(const pline *L, size_t n, layout *lay)
{
    static const layout none = {0, 0, 0, 0, 0, 0};
    *lay = none;
    uint32_t *h_cue = calloc(4 * MAX_COL, sizeof *h_cue);
    if (!h_cue)
        return;
    uint32_t *h_dlg = h_cue + MAX_COL, *h_par = h_dlg + MAX_COL, *h_all = h_par + MAX_COL;
    size_t cues = 0;
    for (size_t i = 0; i < n; i++) {
        const pline *l = &L[i];
        if (l->flags & (L_BLANK | L_DROP))
            continue;
        h_all[col(l->indent)]++;
        if (!cue_shape(L, n, i))
            continue;
        size_t nx = sm_plain_next_kept(L, n, i);
        if (L[nx].indent >= l->indent && L[nx].s[0] != '(')
            continue;     /* speech is left of its cue in an indented script */
        h_cue[col(l->indent)]++;
        cues++;
        while (nx < n && !(L[nx].flags & L_BLANK) && L[nx].s[0] == '(') {
            h_par[col(L[nx].indent)]++;
            nx = sm_plain_next_kept(L, n, nx);
        }
        if (nx < n && !(L[nx].flags & L_BLANK))
            h_dlg[col(L[nx].indent)]++;
    }
    int cue = mode_of(h_cue, 0, MAX_COL - 1);
    int dlg = cue > 0 ? mode_of(h_dlg, 0, cue - 1) : -1;
    int act = dlg > 0 ? mode_of(h_all, 0, dlg - 2) : -1;
    if (cues >= 1 && cue >= 0 && dlg >= 0 && act >= 0 && cue > dlg + 2) {
        lay->indented = 1;
        lay->cues = cues;
        lay->cue = cue;
        lay->dialogue = dlg;
        lay->action = act;
        int par = mode_of(h_par, dlg, cue);
        lay->paren = par >= 0 ? par : dlg;
    }
    free(h_cue);
}

/* ---- classification ------------------------------------------------------ */

/* Cue in the measured layout: near the cue column, speech below it. */
static int is_cue(const reader *r, size_t i)
{
    const pline *l = &r->L[i];
    if (!cue_shape(r->L, r->n, i))
        return 0;
    if (l->indent < r->lay.cue - 8 || l->indent > r->lay.cue + 10)
        return 0;
    size_t nx = sm_plain_next_kept(r->L, r->n, i);
    return r->L[nx].indent < l->indent - 2 || r->L[nx].s[0] == '(';
}

/* A line that belongs to an open speech. */
static int is_speech_line(const reader *r, size_t i)
{
    const pline *l = &r->L[i];
    if (l->flags & (L_BLANK | L_DROP))
        return 0;
    return l->indent >= r->lay.dialogue - 3 && l->indent < r->lay.cue - 2 &&
           l->indent > r->lay.action + 2;
}

static int title_line_key(const char *s, size_t n)
{
    return sm_ascii_eq_ci(s, n, "by") || (n > 3 && sm_ascii_prefix_ci(s + n - 3, 3, " by"));
}

/* The centred lines before the first action line: title, credits, draft. */
static size_t read_title(reader *r, size_t i)
{
    const pline *L = r->L;
    size_t first = i;
    while (i < r->n && (L[i].flags & L_BLANK))
        i++;
    if (i >= r->n || L[i].indent <= r->lay.action + 4)
        return first;
    size_t end = i;
    while (end < r->n) {
        const pline *l = &L[end];
        if (!(l->flags & L_BLANK) && !(l->flags & L_DROP)) {
            const char *num;
            size_t nl;
            if (l->indent <= r->lay.action + 2 || sm_plain_heading_shape(l->s, l->n, &num, &nl) ||
                sm_plain_transition_shape(l->s, l->n) || is_cue(r, end))
                break;
        }
        end++;
    }
    sm_sbuf *v = &r->text;
    v->len = 0;
    const char *key = NULL;
    size_t key_len = 0;
    int have_title = 0;
    for (size_t k = i; k < end; k++) {
        const pline *l = &L[k];
        if (l->flags & (L_BLANK | L_DROP))
            continue;
        const char *s = l->s;
        size_t sn = l->n;
        if (!have_title) {
            if (sn >= 2 && s[0] == '"' && s[sn - 1] == '"')
                s++, sn -= 2;
            sm_builder_title(r->b, "Title", 5, s, sn);
            have_title = 1;
        } else if (title_line_key(s, sn)) {
            if (key && v->len)
                sm_builder_title(r->b, key, key_len, v->p, v->len);
            key = s, key_len = sn, v->len = 0;
        } else if (key && !memchr(s, '/', sn) && !sm_ascii_prefix_ci(s, sn, "draft") &&
                   !sm_memmem(s, sn, "DRAFT", 5)) {
            sm_sbuf_join(v, ' ', s, sn);
        } else {
            if (key && v->len)
                sm_builder_title(r->b, key, key_len, v->p, v->len);
            key = NULL, v->len = 0;
            int dated = 0;
            for (size_t c = 0; c < sn; c++)
                dated |= sm_is_digit((unsigned char)s[c]);
            if (dated)
                sm_builder_title(r->b, "Draft date", 10, s, sn);
            else
                sm_builder_title(r->b, "Notes", 5, s, sn);
        }
    }
    if (key && v->len)
        sm_builder_title(r->b, key, key_len, v->p, v->len);
    v->len = 0;
    return end;
}

/* Read a speech starting at the cue on line i; returns the next line. */
static size_t read_speech(reader *r, size_t i, int *more)
{
    const pline *L = r->L;
    sm_builder *b = r->b;
    r->text.len = r->paren.len = 0;
    sm_block *prev = b->script->n_blocks ? &b->script->blocks[b->script->n_blocks - 1] : NULL;
    /* Build the speaker first so a continuation can be recognised. */
    sm_block tmp = {0};
    sm_builder_speaker(b, &tmp, L[i].s, L[i].n);
    size_t first = i;
    if (*more && prev && prev->kind == SM_BLOCK_DIALOGUE && prev->speaker_key && tmp.speaker_key &&
        strcmp(prev->speaker_key, tmp.speaker_key) == 0) {
        /* "(MORE)" ... "JOHN (CONT'D)": the same speech goes on. */
        if (prev->text)
            sm_sbuf_put(&r->text, prev->text, strlen(prev->text));
        if (prev->parenthetical)
            sm_sbuf_put(&r->paren, prev->parenthetical, strlen(prev->parenthetical));
        tmp = *prev;
        first = (size_t)prev->line - 1;
        b->script->n_blocks--;
    }
    *more = 0;
    size_t last = i;
    size_t k = sm_plain_next_kept(L, r->n, i);
    int in_paren = 0;
    while (k < r->n) {
        const pline *l = &L[k];
        if (l->flags & L_BLANK) {
            /* A blank line inside a speech happens; it goes on only when the
             * next line is still speech and not a new cue. */
            size_t nx = k;
            while (nx < r->n && (L[nx].flags & (L_BLANK | L_DROP)))
                nx++;
            if (nx >= r->n || !is_speech_line(r, nx) || is_cue(r, nx) ||
                nx - k > 2)
                break;
            k = nx;
            continue;
        }
        if (!in_paren && !is_speech_line(r, k) && !(l->s[0] == '(' && l->indent > r->lay.action + 2))
            break;
        if (is_cue(r, k))
            break;
        sm_plain_speech_line(r, l, &in_paren);
        last = k;
        size_t nk = k + 1;
        while (nk < r->n && (L[nk].flags & L_DROP)) {
            if (L[nk].flags & L_MORE)
                *more = 1;
            nk++;
        }
        k = nk;
    }
    sm_block *blk = sm_builder_add(b, SM_BLOCK_DIALOGUE, (long)first + 1, (long)last + 1);
    if (blk) {
        blk->speaker = tmp.speaker;
        blk->speaker_key = tmp.speaker_key;
        blk->extension = tmp.extension;
        blk->text = sm_builder_str(b, r->text.p ? r->text.p : "", r->text.len, 0);
        blk->parenthetical = sm_builder_str(b, r->paren.p, r->paren.len, 1);
    }
    return k;
}

/* The flags of one line from its text alone. */
static void classify_line(pline *l)
{
    l->flags = 0;
    if (l->n == 0) {
        l->flags = L_BLANK;
        return;
    }
    if (sm_all_caps(l->s, l->n, 1))
        l->flags |= L_CAPS;
    /* page furniture starts with '(', 'C', 'M' or a scene number */
    unsigned char c0 = (unsigned char)l->s[0];
    if (c0 != '(' && c0 != 'C' && c0 != 'c' && c0 != 'M' && c0 != 'm' && !sm_is_digit(c0))
        ;
    else if (sm_ascii_eq_ci(l->s, l->n, "(MORE)") || sm_ascii_eq_ci(l->s, l->n, "(MORE.)") ||
             sm_ascii_eq_ci(l->s, l->n, "MORE"))
        l->flags |= L_DROP | L_MORE;
    else if (continued_line(l->s, l->n) || sm_ascii_eq_ci(l->s, l->n, "(CONT'D)") ||
             sm_ascii_eq_ci(l->s, l->n, "(CONT’D)"))
        l->flags |= L_DROP;
}

/* The text as lines: indentation (tabs to 8), trimmed text, flags.
 * *out is malloc'd; returns the line count, or (size_t)-1 on OOM. */
static size_t split_lines(const char *text, size_t len, pline **out)
{
    /* One pass of memchr sizes the line table exactly. */
    size_t cap = 1, n = 0;
    for (const char *q = text, *qe = text + len; q < qe; cap++) {
        q = memchr(q, '\n', (size_t)(qe - q));
        if (!q)
            break;
        q++;
    }
    pline *L = malloc(cap * sizeof *L);
    if (!L)
        return (size_t)-1;
    const char *p = text, *end = text + len;
    while (p < end) {
        if (sm_grow(&L, &cap, n + 1, sizeof *L) != 0) {
            free(L);
            return (size_t)-1;
        }
        const char *e = memchr(p, '\n', (size_t)(end - p));
        if (!e)
            e = end;
        int indent = 0;
        const char *s = p;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '\f' || *s == '\r')) {
            if (*s == '\t')
                indent += 8 - indent % 8;
            else if (*s == ' ')
                indent++;
            s++;
        }
        if (indent > 1000000)
            indent = 1000000;
        const char *t = e;
        while (t > s && sm_is_space((unsigned char)t[-1]))
            t--;
        pline *l = &L[n++];
        l->s = s;
        l->n = (uint32_t)((size_t)(t - s) > UINT32_MAX ? UINT32_MAX : (size_t)(t - s));
        l->indent = indent;
        classify_line(l);
        p = e < end ? e + 1 : end;
    }
    *out = L;
    return n;
}

/* Page numbers: alone between blank lines, or far right. */
static void drop_page_numbers(pline *L, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pline *l = &L[i];
        if ((l->flags & (L_BLANK | L_DROP)) || !page_number_shape(l->s, l->n))
            continue;
        int blank_before = i == 0 || (L[i - 1].flags & (L_BLANK | L_DROP));
        int blank_after = i + 1 == n || (L[i + 1].flags & (L_BLANK | L_DROP));
        if ((blank_before && blank_after) || l->indent >= 50)
            l->flags |= L_DROP;
    }
}

/* Action from line i up to a blank line or the next element.  Returns the
 * line after it. */
static size_t read_action(reader *r, size_t i)
{
    const pline *L = r->L;
    const char *num;
    size_t num_len, last = i;
    r->text.len = 0;
    sm_sbuf_put(&r->text, L[i].s, L[i].n);
    for (size_t k = i + 1; k < r->n; k++) {
        const pline *m = &L[k];
        if (m->flags & L_DROP)
            continue;
        if (m->flags & L_BLANK)
            break;
        if ((m->flags & L_CAPS) && (sm_plain_heading_shape(m->s, m->n, &num, &num_len) || sm_plain_transition_shape(m->s, m->n)))
            break;
        if (m->indent > L[last].indent + 4)
            break;      /* a cue or speech column starts */
        sm_sbuf_join(&r->text, '\n', m->s, m->n);
        last = k;
    }
    sm_plain_emit(r, SM_BLOCK_ACTION, i, last, r->text.p, r->text.len);
    return last + 1;
}

/* Every element after the title: headings, transitions, speech, action. */
static void read_body(reader *r, size_t i)
{
    const pline *L = r->L;
    int more = 0;
    while (i < r->n) {
        const pline *l = &L[i];
        if (l->flags & L_MORE)
            more = 1;
        if (l->flags & (L_BLANK | L_DROP)) {
            i++;
            continue;
        }
        const char *num;
        size_t num_len;
        if ((l->flags & L_CAPS) && sm_plain_heading_shape(l->s, l->n, &num, &num_len) &&
            (l->indent < r->lay.dialogue - 2 || num)) {
            i = sm_plain_read_heading(r, i, num, num_len);
            more = 0;
        } else if ((l->flags & L_CAPS) &&
                   (sm_plain_transition_shape(l->s, l->n) || l->indent > r->lay.cue + 8)) {
            sm_plain_emit(r, SM_BLOCK_TRANSITION, i, i, l->s, l->n);
            more = 0;
            i++;
        } else if (is_cue(r, i)) {
            i = read_speech(r, i, &more);
        } else {
            more = 0;
            i = read_action(r, i);
        }
    }
}

int sm_parse_plain(const char *name, const char *text, size_t len, sm_builder *b, sm_error *err)
{
    pline *L;
    size_t n = split_lines(text, len, &L);
    if (n == (size_t)-1)
        return sm_fail(err, name, 0, "out of memory");
    drop_page_numbers(L, n);
    reader r = {.b = b, .L = L, .n = n};
    measure(L, n, &r.lay);
    /* The layout is decided for the whole file first: columns when they
     * work, shape and neighbours when they do not (plain_shape.c). */
    int by_shape = sm_plain_wants_shape(L, n, &r.lay);
    if (by_shape) {
        r.lay.indented = 0;
        sm_plain_mark_names(L, n);
    }
    int rc = drop_repeated_headers(L, n, r.lay.indented ? r.lay.action : -1);
    if (rc == 0 && by_shape) {
        rc = sm_plain_read_by_shape(&r, L);
    } else if (rc == 0) {
        b->script->layout = "indented";
        read_body(&r, read_title(&r, 0));
    }
    if (rc < 0) {
        sm_sbuf_free(&r.text);
        sm_sbuf_free(&r.paren);
        free(L);
        return sm_fail(err, name, 0, "out of memory");
    }
    if (r.text.failed || r.paren.failed)
        b->failed = 1;
    sm_sbuf_free(&r.text);
    sm_sbuf_free(&r.paren);
    free(L);
    return 0;
}
