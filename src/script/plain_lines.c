/* plain_lines.c - what the two plain-text screenplay readers share: the
 * shapes of lines that mean the same in every layout (scene headings,
 * transitions, camera directions, scene numbers) and the blocks built the
 * same way by both (headings, a speech's lines, any block's text).  The
 * column reader is plain.c, the shape reader plain_shape.c. */
#include "script/plain_lines.h"

#include <string.h>

size_t sm_plain_scene_number(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && sm_is_digit((unsigned char)s[i]))
        i++;
    if (i == 0 || i > 4)
        return 0;
    size_t extra = 0;
    while (i < n && extra < 3 && (sm_is_upper((unsigned char)s[i]) || s[i] == '-'))
        i++, extra++;
    if (i < n && s[i] == '.')
        i++;
    return i;
}

/* Transitions at any column: "CUT TO:", "FADE IN:", "DISSOLVE TO:", ... */
int sm_plain_transition_shape(const char *s, size_t n)
{
    if (n < 4 || n > 40 || (s[n - 1] != ':' && s[n - 1] != '.'))
        return 0;
#define P(x) {x, sizeof x - 1}
    static const struct { const char *text; size_t len; } starts[] = {
        P("FADE IN"), P("FADE OUT"), P("FADE TO"), P("FADE UP"), P("FADE THROUGH"), P("CUT TO"),
        P("SMASH CUT"), P("MATCH CUT"), P("JUMP CUT"), P("DISSOLVE"), P("CROSS DISSOLVE"),
        P("BLACKOUT"), P("WIPE TO"), P("IRIS"), P("CUT BACK TO"), P("BACK TO:"), P("TIME CUT"),
    };
#undef P
    if (s[n - 1] == ':' && s[n - 2] == 'O' && s[n - 3] == 'T')
        return 1;
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        if (n >= starts[i].len && memcmp(s, starts[i].text, starts[i].len) == 0)
            return 1;
    return 0;
}

/* Scene heading, optionally numbered at either side.  Sets the number span. */
int sm_plain_heading_shape(const char *s, size_t n, const char **num, size_t *num_len)
{
    *num = NULL;
    *num_len = 0;
    size_t k = sm_plain_scene_number(s, n);
    if (k && k < n && (s[k] == ' ' || s[k] == '\t')) {
        const char *rest = s + k;
        size_t rn = n - k;
        sm_trim(&rest, &rn);
        if (sm_heading_prefix(rest, rn, 1)) {
            *num = s;
            *num_len = s[k - 1] == '.' ? k - 1 : k;
            return 1;
        }
    }
    if (sm_heading_prefix(s, n, 1) > 0)
        return 1;
    /* "FLASHBACK - INT. AIRPORT - DAY", "DREAM: EXT. FIELD": a short caps
     * label before the heading. */
    for (size_t i = 1; i + 3 < n && i < 24; i++) {
        if (sm_is_lower((unsigned char)s[i]))
            return 0;
        size_t skip = 0;
        if (s[i] == ' ' && s[i + 1] == '-' && s[i + 2] == ' ')
            skip = 3;
        else if (s[i] == ':' && s[i + 1] == ' ')
            skip = 2;
        if (skip && sm_heading_prefix(s + i + skip, n - i - skip, 1))
            return 1;
    }
    return 0;
}

/* Next line index after i that is not dropped, or n. */
size_t sm_plain_next_kept(const pline *L, size_t n, size_t i)
{
    for (i++; i < n && (L[i].flags & L_DROP); i++)
        ;
    return i;
}

/* Camera and editing directions that look like cues (short, ALL CAPS,
 * text below) but never speak: "ANGLE ON JOHN", "INSERT - THE LETTER". */
int sm_plain_direction_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "ANGLE", "CLOSE", "CLOSEUP", "CLOSE-UP", "INSERT", "POV", "P.O.V.", "WIDE", "ON", "BACK",
        "SERIES", "MONTAGE", "INTERCUT", "SUPER", "SUPERIMPOSED", "TITLE", "TITLES", "LATER",
        "MOMENTS", "THE", "END", "CONTINUOUS", "FADE", "CUT", "DISSOLVE", "EXTREME", "REVERSE",
        "FLASHBACK", "OVER", "SFX", "NEW", "SAME", "MOVING", "TRACKING", "AERIAL", "ESTABLISHING",
    };
    size_t w = 0;
    while (w < n && s[w] != ' ' && s[w] != ':' && s[w] != '-')
        w++;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (w && words[i][0] == s[0] && strlen(words[i]) == w && memcmp(s, words[i], w) == 0)
            /* "THE" only as "THE END" */
            return strcmp(words[i], "THE") != 0 || sm_ascii_prefix_ci(s, n, "THE END");
    return 0;
}

/* Append a parenthetical without its parentheses. */
static void put_paren(sm_sbuf *b, const char *s, size_t n)
{
    if (n && s[0] == '(')
        s++, n--;
    if (n && s[n - 1] == ')')
        n--;
    sm_trim(&s, &n);
    sm_sbuf_join(b, ' ', s, n);
}

int sm_plain_speech_line(reader *r, const pline *l, int *in_paren)
{
    if (!*in_paren && l->s[0] != '(') {
        sm_sbuf_join(&r->text, ' ', l->s, l->n);
        return 0;
    }
    const char *close = memchr(l->s, ')', l->n);
    if (l->s[0] == '(' && close && (size_t)(close - l->s) + 1 < l->n) {
        /* "(beat) Speech..." on one line */
        size_t pn = (size_t)(close - l->s) + 1;
        put_paren(&r->paren, l->s, pn);
        const char *rest = l->s + pn;
        size_t rn = l->n - pn;
        sm_trim(&rest, &rn);
        sm_sbuf_join(&r->text, ' ', rest, rn);
        *in_paren = 0;
        return 0;
    }
    put_paren(&r->paren, l->s, l->n);
    *in_paren = close == NULL;
    return 1;
}

void sm_plain_emit(reader *r, sm_block_kind kind, size_t from, size_t to, const char *s, size_t n)
{
    sm_block *blk = sm_builder_add(r->b, kind, (long)from + 1, (long)to + 1);
    if (blk)
        blk->text = sm_builder_str(r->b, s, n, 0);
}

/* A heading numbered at the right only, "INT. HOUSE - DAY      12" (two
 * spaces at least, so "INT. ROOM 12" keeps its number): the number is
 * taken off r->text and returned. */
static const char *take_trailing_number(reader *r)
{
    size_t e = r->text.len, k = e;
    while (k > 0 && r->text.p[k - 1] != ' ')
        k--;
    size_t tl = e - k;
    if (!tl || k < 3 || r->text.p[k - 2] != ' ' || sm_plain_scene_number(r->text.p + k, tl) != tl)
        return NULL;
    char tmp[16];
    size_t nl = tl < sizeof tmp ? tl : sizeof tmp - 1;
    memcpy(tmp, r->text.p + k, nl);
    if (nl && tmp[nl - 1] == '.')
        nl--;
    const char *number = sm_builder_str(r->b, tmp, nl, 1);
    r->text.len = k;
    while (r->text.len && r->text.p[r->text.len - 1] == ' ')
        r->text.len--;
    return number;
}

/* The scene heading at line i (num: its scene number, or NULL).  Returns
 * the line after it. */
size_t sm_plain_read_heading(reader *r, size_t i, const char *num, size_t num_len)
{
    const pline *L = r->L, *l = &L[i];
    /* Strip the scene numbers, join a heading that wraps ("... -"). */
    const char *s = l->s;
    size_t sn = l->n;
    if (num) {
        s += sm_plain_scene_number(s, sn);
        sn = (size_t)(l->s + l->n - s);
        sm_trim(&s, &sn);
    }
    r->text.len = 0;
    sm_sbuf_put(&r->text, s, sn);
    const char *trailing_number = NULL;
    size_t last = i;
    while (last + 1 < r->n && r->text.len &&
           (r->text.p[r->text.len - 1] == '-' || r->text.p[r->text.len - 1] == ',') &&
           (L[last + 1].flags & (L_CAPS | L_BLANK | L_DROP)) == L_CAPS && L[last + 1].indent == l->indent) {
        last++;
        sm_sbuf_join(&r->text, ' ', L[last].s, L[last].n);
    }
    if (num) {
        /* A trailing copy of the number: "12  INT. HOUSE - DAY  12". */
        size_t tl = num_len;
        if (r->text.len > tl + 1 && memcmp(r->text.p + r->text.len - tl, num, tl) == 0 &&
            r->text.p[r->text.len - tl - 1] == ' ') {
            r->text.len -= tl;
            while (r->text.len && r->text.p[r->text.len - 1] == ' ')
                r->text.len--;
        }
    } else {
        trailing_number = take_trailing_number(r);
    }
    sm_block *blk = sm_builder_add(r->b, SM_BLOCK_SCENE_HEADING, (long)i + 1, (long)last + 1);
    if (blk) {
        blk->text = sm_builder_str(r->b, r->text.p, r->text.len, 0);
        blk->scene_number = num ? sm_builder_str(r->b, num, num_len, 1) : trailing_number;
    }
    return last + 1;
}
