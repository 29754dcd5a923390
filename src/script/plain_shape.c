/* plain_shape.c - plain-text screenplays whose indentation does not tell a
 * cue from action: cues read by their shape and their neighbours.
 *
 * Many screenplays as users download them (IMSDb) lost the typewriter
 * columns the indentation reader (plain.c) relies on:
 *   - flush left: every element at column 0, the speech under its cue or a
 *     blank line below it;
 *   - one column: everything at the same indentation;
 *   - centred: each line of a cue and of its speech centred on its own, so
 *     the indentation changes from line to line;
 *   - noisy (OCR'd pages): columns that wander by a few places, page
 *     furniture, broken words; or clean columns with a blank line between
 *     every cue and its speech, which the column reader does not take for a
 *     cue.
 * What still marks a cue is its shape and its neighbours: a short ALL-CAPS
 * name line (an extension may follow) with speech after it.  The file is
 * measured first, so that each file is read by its own habits:
 *   1. every name-shaped line followed by speech-shaped text is a candidate;
 *      the most common number of blank lines between such a line and its
 *      text is the file's cue gap (0, 1 or 2);
 *   2. the action column is where the long prose lines start; when the
 *      candidates' speech stands clearly deeper, the file has a dialogue
 *      zone (centred, noisy or spaced columns), and a speech runs on while
 *      its lines stay in that zone;
 *   3. otherwise (flush left, one column) a speech is the paragraph after
 *      its cue, with parentheticals; in files without blank lines it runs
 *      on only while its lines are visibly wrapped (the next word would not
 *      have fitted on the line before);
 *   4. a candidate becomes a cue when its gap fits the file's and, for a
 *      name written only once, nothing says it is a description ("A MUSIC
 *      BOX" over "spools a faint madrigal");
 *   5. one pass then reads headings, transitions, speeches and action; a
 *      speech also ends at a heading, a transition or the next cue.
 * The layout inferred is named in script->layout and in a warning. */
#include "script/plain_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"

#define MAX_GAP 3        /* more blank lines than this between cue and speech: not a cue */
#define MAX_NAME 40      /* bytes in a character name */
#define MAX_IND 256      /* indents beyond this are clamped in histograms */
#define MAX_LEN 512      /* line lengths beyond this are clamped in histograms */

typedef struct shape {
    int gap;             /* blank lines between a cue and its speech, as the file writes it */
    int action;          /* the action column */
    int zoned;           /* dialogue stands deeper than action */
    int zone, zone_end;  /* in a zoned file: dialogue lines start in [zone, zone_end] */
    int wrap;            /* speech lines wrapped at this width; 0: not wrapped */
    int spaced_speech;   /* (flush files) the lines of a speech stand a blank line apart */
    const char *name;    /* the layout, for people */
} shape;

/* One candidate cue: a name-shaped line with speech-shaped text below. */
typedef struct cand {
    uint32_t line, speech;   /* the name line, the first line of its text (not a parenthetical) */
    uint8_t gap;             /* blank lines between them */
    uint8_t skip;            /* bytes of OCR noise before the name (". FRANKY") */
    uint8_t prev_blank;      /* a blank line, a dropped line or nothing above */
    uint64_t key;            /* hash of the name without extensions */
} cand;

typedef struct shaper {
    reader *r;
    shape sh;
    cand *c;
    size_t n_cand;
    uint8_t *cue;            /* per line: 0, or 1 + bytes of noise before an accepted cue */
} shaper;

/* ---- words ---------------------------------------------------------------- */

static int is_word(const char *s, size_t n, const char *const *words, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (n && words[i][0] == s[0] && strlen(words[i]) == n && memcmp(s, words[i], n) == 0)
            return 1;
    return 0;
}

/* Words that make an ALL-CAPS line a camera direction or a slug line
 * wherever they stand ("ACE'S POV", "INSIDE THE CABINET"). */
static int slug_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "POV", "P.O.V.", "P.O.V", "ANGLE", "CONTINUED", "INTERCUT", "MONTAGE", "FLASHBACK", "INSERT",
        "CREDITS", "TITLES", "SUPER", "CONTINUOUS", "CLOSEUP", "CLOSE-UP", "DISSOLVE", "FADE",
        "SUPERIMPOSED", "OMITTED", "LATER", "EXT", "INT", "EXT.", "INT.", "CAMERA", "SCENE",
    };
    return is_word(s, n, words, sizeof words / sizeof words[0]);
}

/* A first word no name starts with: where something happens, not who. */
static int place_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "AT", "IN", "INTO", "INSIDE", "OUTSIDE", "ON", "THROUGH", "ACROSS", "BEHIND", "ABOVE",
        "BELOW", "UNDER", "NEAR", "FROM", "TO", "WITH", "WE", "AS", "AND", "BUT", "THEN", "WHEN",
        "SUDDENLY", "MEANWHILE", "NOW",
    };
    return is_word(s, n, words, sizeof words / sizeof words[0]);
}

/* A character cue's extension written without parentheses: "CHER V.O.". */
static int bare_extension(const char *s, size_t n)
{
    static const char *const words[] = {
        "V.O.", "V.O", "O.S.", "O.S", "O.C.", "O.C", "VO", "OS", "OC", "CONT'D", "CONT’D", "CONT.", "CONT",
    };
    return is_word(s, n, words, sizeof words / sizeof words[0]);
}

/* A word ending in '.' that may end a name: "JR.", "DR.", an initial
 * ("Q."), or dotted letters ("V.O.", "P.I."). */
static int abbreviation(const char *s, size_t n)
{
    static const char *const words[] = {"JR.", "SR.", "DR.", "MR.", "MRS.", "MS.", "ST.", "LT.", "SGT.", "CPT.", "COL.", "GEN.", "REV."};
    if (n == 2 || is_word(s, n, words, sizeof words / sizeof words[0]))
        return 1;
    return n >= 4 && memchr(s, '.', n - 1) != NULL && s[n - 2] != '.';
}

/* ---- line shapes ---------------------------------------------------------- */

/* Bytes of OCR noise before a name: ". FRANKY", "-. JOHN". */
static size_t noise_before(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 3 && (s[i] == '.' || s[i] == '-' || s[i] == ',' || s[i] == '\'' || s[i] == '`' ||
                              s[i] == '*' || s[i] == '_'))
        i++;
    if (i == 0 || i >= n || s[i] != ' ')
        return 0;
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

/* The name of a cue-shaped line (before its parenthesised extensions and
 * without a bare one), or 0 when the line is not shaped like a cue: an
 * ALL-CAPS name of a few words, letters, digits and the punctuation names
 * use, followed only by (...) groups.  *skip: noise bytes before it. */
static size_t name_shape(const pline *l, size_t *skip)
{
    if ((l->flags & (L_BLANK | L_CAPS | L_DROP)) != L_CAPS || l->n > 80)
        return 0;
    size_t k = noise_before(l->s, l->n);
    const char *s = l->s + k;
    size_t n = l->n - k;
    *skip = k;
    /* the name runs to the first '('; only (...) groups may follow */
    size_t name = 0;
    while (name < n && s[name] != '(')
        name++;
    for (size_t i = name; i < n;) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        if (s[i] != '(')
            return 0;
        const char *close = memchr(s + i, ')', n - i);
        if (!close || close - (s + i) > 25)
            return 0;
        i = (size_t)(close - s) + 1;
    }
    while (name && s[name - 1] == ' ')
        name--;
    if (name == 0 || name > MAX_NAME)
        return 0;
    const char *num;
    size_t num_len;
    if (sm_plain_heading_shape(s, name, &num, &num_len) || sm_plain_transition_shape(s, name) ||
        sm_plain_direction_word(s, name))
        return 0;
    /* word by word: the characters names use, no slug words */
    size_t letters = 0, words = 0, last_word = 0, last_len = 0;
    for (size_t i = 0; i < name;) {
        while (i < name && s[i] == ' ')
            i++;
        size_t w = i;
        while (i < name && s[i] != ' ') {
            unsigned char c = (unsigned char)s[i];
            if (sm_is_upper(c) || c >= 0x80)
                letters++;
            else if (!sm_is_digit(c) && c != '.' && c != '\'' && c != '-' && c != '/' && c != '&' && c != '#')
                return 0;
            i++;
        }
        if (i == w)
            continue;
        int alnum = 0;
        for (size_t q = w; q < i; q++)
            alnum |= sm_is_upper((unsigned char)s[q]) || sm_is_digit((unsigned char)s[q]) || (unsigned char)s[q] >= 0x80;
        if (!alnum && !(i - w == 1 && (s[w] == '&' || s[w] == '/')))
            return 0;          /* "SCENE I - CHER'S HOUSE", "CLOSER. . ." */
        if (slug_word(s + w, i - w))
            return 0;
        if (words == 0 && place_word(s + w, i - w))
            return 0;
        words++;
        last_word = w;
        last_len = i - w;
    }
    if (letters < 2 || words > 6)
        return 0;
    /* a sentence ends with a full stop, a name only with an abbreviation
     * ("JR.", "V.O.", "JOHN Q."); a cut-off line with a dash ("SNICK--") */
    if ((s[name - 1] == '.' && !abbreviation(s + last_word, last_len)) || s[name - 1] == '-')
        return 0;
    /* "CHER V.O.": the extension is not part of the name */
    if (words > 1 && bare_extension(s + last_word, last_len)) {
        name = last_word;
        while (name && s[name - 1] == ' ')
            name--;
    }
    return name;
}

/* Does the cue-shaped line l carry a speaker's extension after its name:
 * "(V.O.)", "(O.S.)", "(CONT'D)", or a bare one ("CHER V.O.")?  Only
 * people speak off screen: such a line is a cue even when met once. */
static int has_extension(const pline *l)
{
    size_t skip, name = name_shape(l, &skip);
    const char *s = l->s + skip;
    size_t n = l->n - skip;
    for (size_t i = name; i < n; i++) {
        if (s[i] == ' ' || s[i] == '(' || s[i] == ')')
            continue;
        size_t w = i;
        while (i < n && s[i] != ' ' && s[i] != ')')
            i++;
        if (bare_extension(s + w, i - w))
            return 1;
    }
    return 0;
}

/* name_shape once the lines are marked (sm_plain_mark_names): only the
 * lines marked L_NAME can be names, and the others cost nothing. */
static size_t marked_name(const pline *l, size_t *skip)
{
    return (l->flags & L_NAME) ? name_shape(l, skip) : 0;
}

/* Hash of a name for counting: letters and digits, case folded. */
static uint64_t name_key(const char *s, size_t n)
{
    uint64_t h = SM_FNV1A_INIT;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (sm_is_alpha(c) || sm_is_digit(c) || c >= 0x80)
            h = sm_fnv1a_byte(h, (unsigned char)(sm_is_upper(c) ? c + 32 : c));
    }
    return h | 1;
}

static int starts_lower(const pline *l)
{
    return l->n && sm_is_lower((unsigned char)l->s[0]);
}

/* Words and marks of someone speaking: a question, an exclamation, the
 * first or second person. */
static int speech_marks(const pline *l)
{
    static const char *const words[] = {
        "I", "I'm", "I'll", "I've", "I'd", "me", "my", "we", "we're", "we'll", "us", "our", "you",
        "you're", "you'll", "your", "Me", "My", "We", "We're", "We'll", "Us", "Our", "You",
        "You're", "You'll", "Your",
    };
    if (memchr(l->s, '?', l->n) || memchr(l->s, '!', l->n))
        return 1;
    for (size_t i = 0; i < l->n;) {
        while (i < l->n && !sm_is_alpha((unsigned char)l->s[i]))
            i++;
        size_t w = i;
        while (i < l->n && (sm_is_alpha((unsigned char)l->s[i]) || l->s[i] == '\''))
            i++;
        if (i > w && is_word(l->s + w, i - w, words, sizeof words / sizeof words[0]))
            return 1;
    }
    return 0;
}

/* Text under a name met once that describes rather than speaks: an
 * ALL-CAPS verb going on in lower case ("EXPLODE with a roar"), a line
 * that introduces ("And beneath it:"), a long line with no one talking. */
static int describes(const pline *l)
{
    size_t w = 0;
    while (w < l->n && sm_is_upper((unsigned char)l->s[w]))
        w++;
    if (w >= 3 && w < l->n && (l->s[w] == ' ' || l->s[w] == '-') && !(l->flags & L_CAPS))
        return 1;
    return l->s[l->n - 1] == ':' || (l->n > 80 && !speech_marks(l));
}

static int is_heading(const pline *l)
{
    const char *num;
    size_t num_len;
    return (l->flags & L_CAPS) && sm_plain_heading_shape(l->s, l->n, &num, &num_len);
}

static int is_transition(const pline *l)
{
    return (l->flags & L_CAPS) && sm_plain_transition_shape(l->s, l->n);
}

/* The next line at or after i that is neither blank nor dropped, or n;
 * *blanks: the blank lines passed. */
static size_t next_text(const pline *L, size_t n, size_t i, int *blanks)
{
    int b = 0;
    for (; i < n && (L[i].flags & (L_BLANK | L_DROP)); i++)
        b += (L[i].flags & L_BLANK) != 0;
    *blanks = b;
    return i;
}

/* Lines of scanner furniture the page-number pass does not know: short,
 * no letters, punctuation at both ends ("? 209 ?", ":", "- -"); not a
 * number ("1995?" may be all a character says) nor an ellipsis. */
static void drop_punctuation_lines(pline *L, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pline *l = &L[i];
        if ((l->flags & (L_BLANK | L_DROP)) || l->n > 12)
            continue;
        int letters = 0, dots = 1;
        for (size_t k = 0; k < l->n; k++) {
            unsigned char c = (unsigned char)l->s[k];
            letters |= sm_is_alpha(c) || c >= 0x80;
            dots &= c == '.' || c == ' ';
        }
        unsigned char a = (unsigned char)l->s[0], z = (unsigned char)l->s[l->n - 1];
        if (!letters && !dots && !sm_is_digit(a) && !sm_is_digit(z))
            l->flags |= L_DROP;
    }
}

/* ---- measuring the file --------------------------------------------------- */

static int hist_mode(const uint32_t *h, int size)
{
    int best = 0;
    for (int i = 1; i < size; i++)
        if (h[i] > h[best])
            best = i;
    return best;
}

/* The value below which a fraction q of the histogram's mass lies. */
static int hist_quantile(const uint32_t *h, int size, double q)
{
    uint64_t total = 0, seen = 0;
    for (int i = 0; i < size; i++)
        total += h[i];
    if (total == 0)
        return 0;
    for (int i = 0; i < size; i++) {
        seen += h[i];
        if ((double)seen >= q * (double)total)
            return i;
    }
    return size - 1;
}

static int clamp(int v, int hi) { return v < 0 ? 0 : v >= hi ? hi - 1 : v; }

/* Every name-shaped line with speech-shaped text under it. */
static int find_candidates(shaper *sp)
{
    const pline *L = sp->r->L;
    size_t n = sp->r->n;
    size_t cap = 0;
    for (size_t i = 0; i < n; i++) {
        size_t skip, name = marked_name(&L[i], &skip);
        if (!name)
            continue;
        int gap;
        size_t j = next_text(L, n, i + 1, &gap), pj = j;
        if (j >= n || gap > MAX_GAP || is_heading(&L[j]) || is_transition(&L[j]))
            continue;
        size_t skip2;
        if (marked_name(&L[j], &skip2))
            continue;            /* two names in a row: the first is no cue */
        /* the first line of speech after parentheticals */
        for (int k = 0; k < 3 && pj < n && L[pj].s[0] == '('; k++) {
            int b;
            size_t q = next_text(L, n, pj + 1, &b);
            if (q >= n || b > MAX_GAP || is_heading(&L[q]) || is_transition(&L[q]) || marked_name(&L[q], &skip2))
                break;
            pj = q;
        }
        if (sm_grow(&sp->c, &cap, sp->n_cand + 1, sizeof *sp->c) != 0)
            return -1;
        cand *c = &sp->c[sp->n_cand++];
        c->line = (uint32_t)i;
        c->speech = (uint32_t)pj;
        c->gap = (uint8_t)gap;
        c->skip = (uint8_t)skip;
        c->prev_blank = i == 0 || (L[i - 1].flags & (L_BLANK | L_DROP));
        c->key = name_key(L[i].s + skip, name);
    }
    return 0;
}

/* The length of the first word of l. */
static size_t first_word(const pline *l)
{
    size_t w = 0;
    while (w < l->n && l->s[w] != ' ')
        w++;
    return w;
}

/* Was `prev` wrapped before `next`?  Only if next's first word would not
 * have fitted on it, and next is no wider than the width itself. */
static int wrapped_before(const shape *sh, const pline *prev, const pline *next)
{
    if (sh->wrap && next->n > (size_t)sh->wrap + 2)
        return 0;
    /* a line that starts in lower case goes on with the sentence before
     * (part of a file may be wrapped where the rest is not) */
    if (starts_lower(next))
        return 1;
    if (!sh->wrap)
        return 0;
    /* a sentence cut at the end of the line goes on below */
    char end = prev->n ? prev->s[prev->n - 1] : '.';
    if (end != '.' && end != '!' && end != '?' && end != '"' && end != '\'' && end != '-' && end != ')' &&
        end != ':')
        return 1;
    /* after a full stop the next sentence may as well be action: it goes
     * on if the first word would not have fitted, or if it talks */
    return prev->n + 1 + first_word(next) > (size_t)sh->wrap || speech_marks(next);
}

/* The width speech is wrapped at, from the lines after first speech lines
 * at `blanks` blank lines' distance: when many start in lower case (the
 * sentence goes on), the first lines are full, and the widest of them
 * (the 97th percentile, a few outliers aside) is the width.  0: not
 * wrapped. */
static int measure_wrap(const shaper *sp, int blanks, uint32_t *h_len)
{
    const pline *L = sp->r->L;
    size_t n = sp->r->n, pairs = 0, lower = 0;
    memset(h_len, 0, MAX_LEN * sizeof *h_len);
    for (size_t k = 0; k < sp->n_cand; k++) {
        const cand *c = &sp->c[k];
        if (c->gap != sp->sh.gap || L[c->speech].s[0] == '(')
            continue;
        /* the last line of the first speech paragraph */
        size_t last = c->speech;
        if (blanks > 0)
            while (last + 1 < n && !(L[last + 1].flags & (L_BLANK | L_DROP)))
                last++;
        int b;
        size_t j = next_text(L, n, last + 1, &b);
        if (j >= n || b != blanks)
            continue;
        pairs++;
        if (starts_lower(&L[j])) {
            lower++;
            h_len[clamp((int)L[last].n, MAX_LEN)]++;
        }
    }
    if (pairs < 5 || lower * 6 < pairs)
        return 0;
    return hist_quantile(h_len, MAX_LEN, 0.97);
}

static void measure_shape(shaper *sp)
{
    const pline *L = sp->r->L;
    size_t n = sp->r->n;
    shape *sh = &sp->sh;
    uint32_t *h = calloc(MAX_LEN + 2 * MAX_IND, sizeof *h);
    if (!h)
        return;
    uint32_t *h_ind = h + MAX_LEN, *h_deep = h_ind + MAX_IND;

    /* the cue gap: the most common */
    uint32_t gaps[MAX_GAP + 1] = {0};
    for (size_t k = 0; k < sp->n_cand; k++)
        gaps[sp->c[k].gap]++;
    sh->gap = hist_mode(gaps, MAX_GAP + 1);

    /* the action column: where the longest quarter of the prose lines start */
    for (size_t i = 0; i < n; i++)
        if (!(L[i].flags & (L_BLANK | L_DROP | L_CAPS)))
            h[clamp((int)L[i].n, MAX_LEN)]++;
    int long_line = hist_quantile(h, MAX_LEN, 0.75);
    for (size_t i = 0; i < n; i++)
        if (!(L[i].flags & (L_BLANK | L_DROP | L_CAPS)) && (int)L[i].n >= long_line)
            h_ind[clamp(L[i].indent, MAX_IND)]++;
    sh->action = hist_mode(h_ind, MAX_IND);

    /* a dialogue zone: the candidates' cues and speech deeper than action */
    size_t considered = 0, deep = 0;
    for (size_t k = 0; k < sp->n_cand; k++) {
        const cand *c = &sp->c[k];
        if (c->gap != sh->gap)
            continue;
        considered++;
        if (L[c->line].indent >= sh->action + 4 && L[c->speech].indent >= sh->action + 4) {
            deep++;
            h_deep[clamp(L[c->speech].indent, MAX_IND)]++;
        }
    }
    if (considered >= 3 && deep * 10 >= considered * 6) {
        int shallow_speech = hist_quantile(h_deep, MAX_IND, 0.05);
        int half = (shallow_speech - sh->action + 1) / 2;
        sh->zoned = 1;
        sh->zone = sh->action + (half > 2 ? half : 2);
        /* further right: transitions and page furniture */
        sh->zone_end = hist_quantile(h_deep, MAX_IND, 0.98) + 4;
    } else if (sh->gap == 0) {
        sh->wrap = measure_wrap(sp, 0, h);
    } else {
        sh->wrap = measure_wrap(sp, 1, h);
        sh->spaced_speech = sh->wrap > 0;
    }
    free(h);
}

static int in_zone(const shaper *sp, const pline *l)
{
    return l->indent >= sp->sh.zone;
}

static int speech_column(const shaper *sp, const pline *l)
{
    return l->indent >= sp->sh.zone && l->indent <= sp->sh.zone_end;
}

/* ---- which candidates are cues -------------------------------------------- */

/* Counts of each name among the candidates, in an open-addressing table. */
typedef struct name_counts {
    uint64_t *keys;
    uint32_t *counts;
    size_t cap;
} name_counts;

static uint32_t *count_slot(name_counts *t, uint64_t key)
{
    size_t slot = (size_t)key & (t->cap - 1);
    while (t->keys[slot] && t->keys[slot] != key)
        slot = (slot + 1) & (t->cap - 1);
    t->keys[slot] = key;
    return &t->counts[slot];
}

/* Does the gap of candidate c fit the file's habit? */
static int gap_fits(const shape *sh, const cand *c)
{
    if (sh->gap == 0)
        return c->gap == 0;
    if (sh->zoned)
        return c->gap <= sh->gap + 1;
    /* spaced files: a blank line above; one more or less blank line below
     * than usual happens, and so does the speech right under the name */
    return c->prev_blank && c->gap <= sh->gap + 1;
}

static int accept_cues(shaper *sp)
{
    const pline *L = sp->r->L;
    const shape *sh = &sp->sh;
    name_counts t = {0};
    t.cap = sm_table_size(sp->n_cand, 16);
    t.keys = calloc(t.cap, sizeof *t.keys);
    t.counts = calloc(t.cap, sizeof *t.counts);
    sp->cue = calloc(sp->r->n ? sp->r->n : 1, 1);
    if (!t.keys || !t.counts || !sp->cue) {
        free(t.keys), free(t.counts);
        return -1;
    }
    for (size_t k = 0; k < sp->n_cand; k++)
        if (gap_fits(sh, &sp->c[k]))
            (*count_slot(&t, sp->c[k].key))++;
    for (size_t k = 0; k < sp->n_cand; k++) {
        const cand *c = &sp->c[k];
        const pline *cue = &L[c->line], *speech = &L[c->speech];
        if (!gap_fits(sh, c))
            continue;
        if (sh->zoned && (cue->indent < sh->zone || !speech_column(sp, speech)))
            continue;
        if (*count_slot(&t, c->key) < 2) {
            /* a name met once: a description more often than a person
             * ("A MUSIC BOX" / "spools a faint madrigal") */
            const char *s = cue->s + c->skip;
            if (starts_lower(speech) || sm_ascii_prefix_ci(s, cue->n - c->skip, "A ") ||
                sm_ascii_prefix_ci(s, cue->n - c->skip, "AN ") || (describes(speech) && !has_extension(cue)))
                continue;
        }
        sp->cue[c->line] = (uint8_t)(1 + c->skip);
    }
    free(t.keys), free(t.counts);
    return 0;
}

/* ---- reading -------------------------------------------------------------- */

/* Is the text at line j, after a parenthetical, more of the speech?  A
 * parenthetical may also close a speech ("(they both drink)") before
 * action: speech talks (a question, "I", "you") or is short. */
static int after_paren(const shaper *sp, size_t j)
{
    const pline *L = sp->r->L;
    if (speech_marks(&L[j]))
        return 1;
    if (sp->sh.gap == 0)
        return L[j].n <= 80;
    size_t lines = 0;
    for (size_t k = j; k < sp->r->n && !(L[k].flags & L_BLANK) && lines <= 3; k++)
        lines += !(L[k].flags & L_DROP);
    return lines <= 3;
}

/* Does the speech whose last line is `last` go on at line j, after
 * `blanks` blank lines?  prev_paren: the last line read was (part of) a
 * parenthetical. */
static int speech_goes_on(const shaper *sp, size_t last, size_t j, int blanks, int prev_paren)
{
    const pline *L = sp->r->L, *l = &L[j];
    const shape *sh = &sp->sh;
    size_t skip;
    if (sh->zoned) {
        /* the dialogue zone holds the speech; blank lines between its
         * lines happen (double spacing) */
        if (!speech_column(sp, l) || blanks > sh->gap + 1)
            return 0;
        return blanks == 0 || !marked_name(l, &skip);
    }
    if (blanks == 0) {
        if (sh->gap > 0)
            return 1;            /* a paragraph goes on */
        return l->s[0] == '(' || (prev_paren && after_paren(sp, j)) || wrapped_before(sh, &L[last], l);
    }
    if (sh->gap == 0 || blanks > sh->gap + 1)
        return 0;                /* a blank line ends a speech in a file without them */
    if (l->s[0] == '(' || (prev_paren && after_paren(sp, j)))
        return 1;                /* "(beat)" between paragraphs of one speech */
    return sh->spaced_speech && wrapped_before(sh, &L[last], l);
}

/* The speech of the cue at line i; returns the line after it. */
static size_t read_speech(shaper *sp, size_t i)
{
    reader *r = sp->r;
    const pline *L = r->L;
    size_t skip = (size_t)sp->cue[i] - 1;
    r->text.len = r->paren.len = 0;
    sm_block tmp = {0};
    sm_builder_speaker(r->b, &tmp, L[i].s + skip, L[i].n - skip);
    size_t last = i, k = i + 1;
    int first = 1, in_paren = 0, prev_paren = 0;
    while (k < r->n) {
        int blanks;
        size_t j = next_text(L, r->n, k, &blanks);
        if (j >= r->n)
            break;
        const pline *l = &L[j];
        if (sp->cue[j] || is_heading(l) || is_transition(l))
            break;
        if (first ? blanks > sp->sh.gap + 1 : in_paren ? blanks > 0
                                                       : !speech_goes_on(sp, last, j, blanks, prev_paren))
            break;
        prev_paren = sm_plain_speech_line(r, l, &in_paren);
        first = 0;
        last = j;
        k = j + 1;
    }
    sm_block *blk = sm_builder_add(r->b, SM_BLOCK_DIALOGUE, (long)i + 1, (long)last + 1);
    if (blk) {
        blk->speaker = tmp.speaker;
        blk->speaker_key = tmp.speaker_key;
        blk->extension = tmp.extension;
        blk->text = sm_builder_str(r->b, r->text.p ? r->text.p : "", r->text.len, 0);
        blk->parenthetical = sm_builder_str(r->b, r->paren.p, r->paren.len, 1);
    }
    return last + 1;
}

/* Action from line i to a blank line, a heading, a transition, a cue, or
 * (zoned files) a line on the other side of the zone. */
static size_t read_action(shaper *sp, size_t i)
{
    reader *r = sp->r;
    const pline *L = r->L;
    size_t last = i;
    r->text.len = 0;
    sm_sbuf_put(&r->text, L[i].s, L[i].n);
    for (size_t k = i + 1; k < r->n; k++) {
        const pline *m = &L[k];
        if (m->flags & L_DROP)
            continue;
        if ((m->flags & L_BLANK) || sp->cue[k] || is_heading(m) || is_transition(m))
            break;
        if (sp->sh.zoned && in_zone(sp, m) != in_zone(sp, &L[last]))
            break;
        sm_sbuf_join(&r->text, '\n', m->s, m->n);
        last = k;
    }
    sm_plain_emit(r, SM_BLOCK_ACTION, i, last, r->text.p, r->text.len);
    return last + 1;
}

static void read_blocks(shaper *sp)
{
    reader *r = sp->r;
    const pline *L = r->L;
    for (size_t i = 0; i < r->n;) {
        const pline *l = &L[i];
        const char *num;
        size_t num_len;
        if (l->flags & (L_BLANK | L_DROP))
            i++;
        else if ((l->flags & L_CAPS) && sm_plain_heading_shape(l->s, l->n, &num, &num_len))
            i = sm_plain_read_heading(r, i, num, num_len);
        else if (is_transition(l)) {
            sm_plain_emit(r, SM_BLOCK_TRANSITION, i, i, l->s, l->n);
            i++;
        } else if (sp->cue[i])
            i = read_speech(sp, i);
        else
            i = read_action(sp, i);
    }
}

/* ---- the layout, named ---------------------------------------------------- */

/* Mean absolute deviation from the mean, of the values v(k) of the cues. */
static double spread(const shaper *sp, int of_speech, int centre)
{
    const pline *L = sp->r->L;
    double sum = 0, dev = 0;
    size_t m = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < sp->n_cand; k++) {
            const cand *c = &sp->c[k];
            if (!sp->cue[c->line])
                continue;
            const pline *l = of_speech ? &L[c->speech] : &L[c->line];
            double v = (double)l->indent + (centre ? (double)l->n / 2 : 0);
            if (pass == 0)
                sum += v, m++;
            else
                dev += v > sum / (double)m ? v - sum / (double)m : sum / (double)m - v;
        }
    return m ? dev / (double)m : 0;
}

static void name_layout(shaper *sp)
{
    shape *sh = &sp->sh;
    if (!sh->zoned) {
        sh->name = sh->action < 4 ? "flush-left" : "one-column";
        return;
    }
    double cue_ind = spread(sp, 0, 0), speech_ind = spread(sp, 1, 0);
    double cue_mid = spread(sp, 0, 1), speech_mid = spread(sp, 1, 1);
    if (cue_ind + speech_ind >= 2 && cue_mid + speech_mid < (cue_ind + speech_ind) / 2)
        sh->name = "centred";
    else if (cue_ind < 1 && speech_ind < 1)
        sh->name = "spaced-columns";
    else
        sh->name = "noisy-indent";
}

static void report(shaper *sp)
{
    const shape *sh = &sp->sh;
    sm_script *s = sp->r->b->script;
    s->layout = sh->name;
    char how[96];
    if (sh->zoned)
        snprintf(how, sizeof how, "dialogue from column %d, action at %d", sh->zone, sh->action);
    else
        snprintf(how, sizeof how, "no usable indentation%s", sh->wrap ? ", speech wrapped at" : "");
    if (!sh->zoned && sh->wrap)
        snprintf(how + strlen(how), sizeof how - strlen(how), " %d columns", sh->wrap);
    sm_warn(&s->warnings, 0,
            "layout: %s (%s; %d blank line%s between a cue and its speech): cues read by their "
            "shape and neighbours",
            sh->name, how, sh->gap, sh->gap == 1 ? "" : "s");
}

int sm_plain_read_by_shape(reader *r, pline *lines)
{
    shaper sp = {.r = r};
    drop_punctuation_lines(lines, r->n);
    int rc = find_candidates(&sp);
    if (rc == 0) {
        measure_shape(&sp);
        rc = accept_cues(&sp);
    }
    if (rc == 0) {
        name_layout(&sp);
        report(&sp);
        read_blocks(&sp);
    }
    free(sp.c);
    free(sp.cue);
    return rc;
}

/* ---- when the columns do not work ----------------------------------------- */

void sm_plain_mark_names(pline *lines, size_t n)
{
    size_t skip;
    for (size_t i = 0; i < n; i++)
        if (name_shape(&lines[i], &skip))
            lines[i].flags |= L_NAME;
}

int sm_plain_wants_shape(const pline *L, size_t n, const layout *lay)
{
    if (!lay->indented)
        return 1;
    /* The columns were measured from the cues right above their speech.
     * Count the cue-column names a blank line above speech in the dialogue
     * column, which that reader never takes for cues: when they are the
     * rule, the columns come from the exceptions.  (Every line of every
     * indented file comes through here: the cheap tests go first.) */
    size_t spaced = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const pline *l = &L[i];
        if ((l->flags & (L_BLANK | L_CAPS | L_DROP)) != L_CAPS || !(L[i + 1].flags & L_BLANK) ||
            l->indent < lay->cue - 2 || l->indent > lay->cue + 2)
            continue;
        int blanks;
        size_t j = next_text(L, n, i + 1, &blanks), skip;
        if (j < n && blanks <= 2 && (L[j].s[0] == '(' || (L[j].indent >= lay->dialogue - 3 && L[j].indent <= lay->dialogue + 3)) &&
            name_shape(l, &skip))
            spaced++;
    }
    return spaced > 2 * lay->cues + 2;
}
