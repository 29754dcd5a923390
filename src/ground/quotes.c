/* quotes.c - the quotations of a story: where they are, whether the window's
 * subtitles say them, and who the story says says them (see ground.h and
 * docs/generate.md, "Quotations" and "Attribution").
 *
 * The one implementation of these rules: verification of `generate ground`
 * and `eval dialogue` both call sm_quotes_find. */
#include "ground/ground_internal.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/script.h"
#include "common/array.h"
#include "common/hash.h"

#define MAX_SPAN_SEGMENTS 16    /* a quotation spans at most this many subtitle segments */

/* ------------------------------------------------------------ word lists */

static int cmp_word(const void *key, const void *item)
{
    return strcmp((const char *)key, *(const char *const *)item);
}

/* The lists below are in strcmp order, NULL-terminated: a binary search
 * (every word of every story is looked up in several). */
static int in_list(const char *w, const char *const *list, size_t n)
{
    return bsearch(w, list, n, sizeof *list, cmp_word) != NULL;
}
#define IN_LIST(w, list) in_list((w), (list), sizeof(list) / sizeof *(list) - 1)

/* Verbs that introduce speech, in the forms a story uses. */
static const char *const speech_verbs[] = {
    "add", "added", "adds", "admit", "admits", "admitted", "agree", "agreed", "agrees",
    "announce", "announced", "announces", "answer", "answered", "answering", "answers", "ask",
    "asked", "asking", "asks", "beg", "began", "begged", "begin", "begins", "begs", "breathe",
    "breathed", "breathes", "call", "called", "calling", "calls", "concede", "conceded",
    "concedes", "confess", "confessed", "confesses", "continue", "continued", "continues",
    "counter", "countered", "counters", "cried", "cries", "cry", "declare", "declared",
    "declares", "demand", "demanded", "demands", "exclaim", "exclaimed", "exclaims", "explain",
    "explained", "explains", "finish", "finished", "finishes", "greet", "greeted", "greets",
    "insist", "insisted", "insists", "interrupt", "interrupted", "interrupts", "murmur",
    "murmured", "murmurs", "mutter", "muttered", "mutters", "observe", "observed", "observes",
    "offer", "offered", "offers", "plead", "pleaded", "pleads", "point", "pointed", "points",
    "press", "pressed", "presses", "promise", "promised", "promises", "protest", "protested",
    "protests", "quote", "quoted", "quotes", "read", "reads", "recite", "recited", "recites",
    "remark", "remarked", "remarks", "repeat", "repeated", "repeats", "replied", "replies",
    "reply", "replying", "respond", "responded", "responds", "retort", "retorted", "retorts",
    "said", "say", "saying", "says", "shout", "shouted", "shouting", "shouts", "sigh", "sighed",
    "sighs", "snap", "snapped", "snaps", "speak", "speaks", "spoke", "state", "stated",
    "states", "tell", "telling", "tells", "told", "warn", "warned", "warns", "whisper",
    "whispered", "whispering", "whispers", "yell", "yelled", "yells", NULL};

/* Words that start a new clause: the subject of "as she says" is "she". */
static const char *const clause_words[] = {
    "after", "although", "and", "as", "because", "before", "but", "once", "so", "that", "then",
    "though", "until", "when", "where", "whereas", "which", "while", "who", "whom", NULL};

/* A reference right after one of these is an object, never the subject. */
static const char *const prepositions[] = {
    "about", "across", "after", "against", "among", "around", "at", "before", "behind",
    "beside", "between", "by", "for", "from", "into", "like", "near", "of", "on", "onto",
    "over", "past", "than", "through", "to", "toward", "towards", "under", "upon", "with",
    "without", NULL};

/* A <gdo> mention that is only one of these is an object or a possessive. */
static const char *const object_pronouns[] = {
    "her", "hers", "herself", "him", "himself", "his", "its", "me", "my", "our", "their",
    "theirs", "them", "themselves", "us", NULL};

static int is_abbreviation(const char *w)
{
    static const char *const abbr[] = {"capt", "dr", "fr", "jr", "mr", "mrs", "ms", "mx", "no",
                                       "prof", "rev", "sr", "st", "vs", NULL};
    return IN_LIST(w, abbr);
}

static int sorted(const char *const *list, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (strcmp(list[i - 1], list[i]) >= 0)
            return 0;
    return 1;
}
#define SORTED(list) sorted((list), sizeof(list) / sizeof *(list) - 1)

int gr_word_lists_sorted(void)
{
    return SORTED(speech_verbs) && SORTED(clause_words) && SORTED(prepositions) &&
           SORTED(object_pronouns);
}

/* ------------------------------------------------------- finding quotes */

typedef struct raw_quote {
    uint32_t open, off, len, close_end;
    int closed;
} raw_quote;

typedef struct scan {
    raw_quote *quotes;
    size_t n_quotes, cap_quotes;
    uint32_t *cuts;             /* sentence ends outside quotations, block edges */
    size_t n_cuts, cap_cuts;
} scan;

static int push_cut(scan *sc, uint32_t at)
{
    if (sm_grow(&sc->cuts, &sc->cap_cuts, sc->n_cuts + 1, sizeof *sc->cuts) != 0)
        return -1;
    sc->cuts[sc->n_cuts++] = at;
    return 0;
}

static int push_quote(scan *sc, uint32_t open, uint32_t off, uint32_t end, uint32_t close_end,
                      int closed)
{
    if (sm_grow(&sc->quotes, &sc->cap_quotes, sc->n_quotes + 1, sizeof *sc->quotes) != 0)
        return -1;
    sc->quotes[sc->n_quotes++] = (raw_quote){open, off, end - off, close_end, closed};
    return 0;
}

/* 0: not a mark; 1: '"'; 2: opening curly; 3: closing curly.  *n its bytes. */
static int mark_at(const char *t, uint32_t i, uint32_t end, uint32_t *n)
{
    if (t[i] == '"') {
        *n = 1;
        return 1;
    }
    if ((unsigned char)t[i] == 0xE2 && i + 2 < end && (unsigned char)t[i + 1] == 0x80 &&
        ((unsigned char)t[i + 2] == 0x9C || (unsigned char)t[i + 2] == 0x9D)) {
        *n = 3;
        return (unsigned char)t[i + 2] == 0x9C ? 2 : 3;
    }
    return 0;
}

/* The word that ends just before offset i (for "Mr." not ending a sentence). */
static int abbreviation_before(const gr_text *t, uint32_t i)
{
    size_t k = gr_token_at(t, i);
    if (k == 0)
        return 0;
    const sm_token *tok = &t->tokens.items[k - 1];
    return tok->offset + tok->length == i && is_abbreviation(sm_token_norm(&t->tokens, k - 1));
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* The bytes scan_text looks at: '"', 0xE2 (a curly quotation mark's
 * first), and '\n', '.', '!', '?' (where a sentence may end). */
static const unsigned char scan_stop[256] = {
    ['"'] = 1, [0xE2] = 1, ['\n'] = 1, ['.'] = 1, ['!'] = 1, ['?'] = 1,
};

static int scan_text(const gr_text *t, scan *sc)
{
    const char *text = t->s->text;
    uint32_t len = t->s->text_len, i = 0;
    size_t m = 0;
    int open = 0;
    uint32_t open_at = 0, open_len = 0;
    while (i < len) {
        if (m < t->n_markup && i >= t->markup[m].off) {
            const gr_markup *mk = &t->markup[m++];
            if (mk->gdi) {
                if (open && push_quote(sc, open_at, open_at + open_len, mk->off, mk->off, 0) != 0)
                    return -1;
                open = 0;
                if (push_cut(sc, mk->off) != 0)
                    return -1;
            }
            if (mk->end > i)
                i = mk->end;
            continue;
        }
        uint32_t run_end = m < t->n_markup ? t->markup[m].off : len, n;
        /* Past the bytes that are neither a quotation mark (nor the lead
         * byte of a curly one) nor a sentence end: most of the text. */
        while (i < run_end && !scan_stop[(unsigned char)text[i]])
            i++;
        if (i >= run_end)
            continue;
        int k = mark_at(text, i, run_end, &n);
        if (k) {
            if (!open && k != 3) {
                open = 1;
                open_at = i;
                open_len = n;
            } else if (open) {
                if (push_quote(sc, open_at, open_at + open_len, i, i + n, 1) != 0)
                    return -1;
                open = 0;
            }
            i += n;
            continue;
        }
        char ch = text[i];
        if (!open && (ch == '\n' ||
                      ((ch == '.' || ch == '!' || ch == '?') &&
                       (i + 1 >= run_end || is_space(text[i + 1])) &&
                       !(ch == '.' && abbreviation_before(t, i)))))
            if (push_cut(sc, i) != 0)
                return -1;
        i++;
    }
    if (open && push_quote(sc, open_at, open_at + open_len, len, len, 0) != 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ attribution */

typedef struct ref {
    uint32_t at;                /* story offset */
    int person;                 /* index into people, or -1 (an unnamed char) */
    int group;                  /* a mention of several people: no single speaker */
    const sm_context_character *character;  /* via a char id; else NULL */
    uint32_t char_number;       /* its number, when via a char id (0 otherwise) */
    int candidate;              /* may be the subject (not after a preposition, not possessive) */
} ref;

typedef struct frame {
    ref *refs;
    size_t n, cap;
    uint32_t *bounds;           /* clause boundaries (offsets), ascending */
    size_t n_bounds, cap_bounds;
} frame;

int gr_is_preposition(const char *norm) { return IN_LIST(norm, prepositions); }

static int prev_is_preposition(const gr_text *t, uint32_t at, uint32_t from)
{
    size_t k = gr_token_at(t, at);
    if (k == 0 || t->tokens.items[k - 1].offset < from)
        return 0;
    return IN_LIST(sm_token_norm(&t->tokens, k - 1), prepositions);
}

static int push_ref(frame *f, ref r)
{
    if (sm_grow(&f->refs, &f->cap, f->n + 1, sizeof *f->refs) != 0)
        return -1;
    f->refs[f->n++] = r;
    return 0;
}

static int push_bound(frame *f, uint32_t at)
{
    if (sm_grow(&f->bounds, &f->cap_bounds, f->n_bounds + 1, sizeof *f->bounds) != 0)
        return -1;
    f->bounds[f->n_bounds++] = at;
    return 0;
}

/* A <gdo> tag that opens in [a, b) as a reference. */
static int tag_ref(const gr_text *t, const sm_story_tag *g, uint32_t a, ref *r)
{
    const sm_story *s = t->s;
    uint32_t chars = 0, number = 0;
    for (uint32_t k = 0; k < g->n_ids; k++)
        if (g->ids[k].kind == SM_ENT_CHAR) {
            chars++;
            number = g->ids[k].number;
        }
    if (chars == 0)
        return 0;
    memset(r, 0, sizeof *r);
    r->at = g->open.off;
    r->person = -1;
    if (chars > 1) {
        r->group = 1;
    } else {
        char id[24];
        sm_entity_id_format((sm_entity_id){SM_ENT_CHAR, number}, id, sizeof id);
        r->character = sm_context_find_character(t->c, id);
        r->char_number = number;
        r->person = gr_person_of_char(t, number);
    }
    /* Not the subject: "to <gdo char2>Daniel</gdo>", "<gdo char1>her</gdo>
     * voice", "<gdo char1>Martha</gdo>'s hand". */
    r->candidate = !prev_is_preposition(t, g->open.off, a);
    size_t k = gr_token_at(t, g->content.off);
    if (k < t->tokens.n_items && t->tokens.items[k].offset < g->content.off + g->content.len &&
        (k + 1 >= t->tokens.n_items ||
         t->tokens.items[k + 1].offset >= g->content.off + g->content.len) &&
        IN_LIST(sm_token_norm(&t->tokens, k), object_pronouns))
        r->candidate = 0;
    uint32_t after = g->closed ? g->close.off + g->close.len : g->content.off + g->content.len;
    const char *p = s->text + after;
    uint32_t left = s->text_len - after;
    if ((left >= 2 && p[0] == '\'' && (p[1] == 's' || p[1] == 'S')) ||
        (left >= 4 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
         (unsigned char)p[2] == 0x99 && (p[3] == 's' || p[3] == 'S')))
        r->candidate = 0;
    return 1;
}

/* Which person a capitalised word outside <gdo> tags names, with the word
 * after it for a full name: the person, -1 for none, -2 for several. */
static int name_ref(const gr_text *t, size_t k, size_t *used)
{
    const char *w = sm_token_norm(&t->tokens, k);
    *used = 1;
    if (k + 1 < t->tokens.n_items && t->tok_gdo[k + 1] < 0) {
        const char *next = sm_token_norm(&t->tokens, k + 1);
        for (size_t p = 0; p < t->n_people; p++) {
            const gr_person *q = &t->people[p];
            if (q->n_words >= 2 && strcmp(q->words[0], w) == 0 &&
                strcmp(q->words[q->n_words - 1], next) == 0) {
                *used = 2;
                return (int)p;
            }
        }
    }
    int found = -1;
    for (size_t p = 0; p < t->n_people; p++)
        if (gr_is_name_word(t, p, w)) {
            if (found >= 0)
                return -2;
            found = (int)p;
        }
    return found;
}

static int cmp_ref(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Collect references and clause boundaries of the stretch [a, b). */
static int read_frame(const gr_text *t, uint32_t a, uint32_t b, frame *f)
{
    const sm_story *s = t->s;
    f->n = f->n_bounds = 0;
    /* Tags are in opening order: find the first that opens at or after a. */
    uint32_t lo = 0, hi = s->n_tags;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->tags[mid].open.off < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < s->n_tags && s->tags[i].open.off < b; i++) {
        const sm_story_tag *g = &s->tags[i];
        ref r;
        if (g->kind == SM_TAG_GDO && tag_ref(t, g, a, &r) && push_ref(f, r) != 0)
            return -1;
    }
    for (size_t k = gr_token_at(t, a); k < t->tokens.n_items && t->tokens.items[k].offset < b;) {
        const sm_token *tok = &t->tokens.items[k];
        if (t->tok_gdo[k] >= 0) {
            k++;
            continue;
        }
        if (IN_LIST(sm_token_norm(&t->tokens, k), clause_words) &&
            push_bound(f, tok->offset) != 0)
            return -1;
        if (!gr_capitalised(s->text, tok->offset, tok->length)) {
            k++;
            continue;
        }
        size_t used;
        int p = name_ref(t, k, &used);
        if (p != -1) {
            ref r = {tok->offset, p >= 0 ? p : -1, 0, NULL, 0, 0};
            if (p >= 0 && t->people[p].character) {
                r.character = t->people[p].character;
                r.char_number = (uint32_t)r.character->number;
            }
            /* A name shared by two people ("Hale") refers to someone, just
             * not to one we can tell. */
            r.group = p == -2;
            r.candidate = !prev_is_preposition(t, tok->offset, a);
            if (push_ref(f, r) != 0)
                return -1;
        }
        k += used;
    }
    if (f->n > 1)
        qsort(f->refs, f->n, sizeof *f->refs, cmp_ref);

    /* Clause boundaries: , ; : ( ) and dashes outside markup, with the
     * words that open a clause found above. */
    size_t m = 0;
    for (uint32_t i = a; i < b;) {
        while (m < t->n_markup && t->markup[m].end <= i)
            m++;
        if (m < t->n_markup && i >= t->markup[m].off) {
            i = t->markup[m].end;
            continue;
        }
        unsigned char ch = (unsigned char)s->text[i];
        int dash = ch == 0xE2 && i + 2 < s->text_len && (unsigned char)s->text[i + 1] == 0x80 &&
                   ((unsigned char)s->text[i + 2] == 0x93 || (unsigned char)s->text[i + 2] == 0x94);
        int hyphen = ch == '-' && i > a && is_space(s->text[i - 1]) && i + 1 < b &&
                     is_space(s->text[i + 1]);
        if ((ch == ',' || ch == ';' || ch == ':' || ch == '(' || ch == ')' || dash || hyphen) &&
            push_bound(f, i) != 0)
            return -1;
        i += dash ? 3 : 1;
    }
    if (f->n_bounds > 1)
        qsort(f->bounds, f->n_bounds, sizeof *f->bounds, cmp_u32);
    return 0;
}

static size_t clause_of(const frame *f, uint32_t at)
{
    size_t c = 0;
    while (c < f->n_bounds && f->bounds[c] < at)
        c++;
    return c;
}

typedef struct verb {
    int found;
    uint32_t at;
    int action_char;            /* a <gda charN> holding the verb: N; else 0 */
} verb;

/* The last (lead) or first (tail) speech verb in [a, b). */
static verb find_verb(const gr_text *t, uint32_t a, uint32_t b, int last)
{
    verb v = {0, 0, 0};
    for (size_t k = gr_token_at(t, a); k < t->tokens.n_items && t->tokens.items[k].offset < b; k++) {
        if (t->tok_gdo[k] >= 0 || !IN_LIST(sm_token_norm(&t->tokens, k), speech_verbs))
            continue;
        v.found = 1;
        v.at = t->tokens.items[k].offset;
        v.action_char = 0;
        if (t->tok_gda[k] >= 0) {
            const sm_story_tag *g = &t->s->tags[t->tok_gda[k]];
            if (g->n_ids == 1 && g->ids[0].kind == SM_ENT_CHAR)
                v.action_char = (int)g->ids[0].number;
        }
        if (!last)
            break;
    }
    return v;
}

/* The subject among the refs of clause cl: with dir < 0 the last candidate
 * before `at` ("Daniel hears Martha say"), with dir > 0 the first after it
 * ("says Martha"), with dir 0 the first of the clause (an earlier clause's
 * subject).  NULL when there is none. */
static const ref *in_clause(const frame *f, size_t cl, uint32_t at, int dir)
{
    const ref *found = NULL;
    for (size_t i = 0; i < f->n; i++) {
        const ref *r = &f->refs[i];
        if (!r->candidate || clause_of(f, r->at) != cl)
            continue;
        if (dir < 0 && r->at < at)
            found = r;
        else if ((dir > 0 && r->at > at) || dir == 0)
            return r;
    }
    return found;
}

/* The speaker around verb (or colon) v: the verb's clause before it, then
 * after it, then the earlier clauses back to the start of the stretch. */
static const ref *subject(const frame *f, uint32_t v)
{
    size_t cv = clause_of(f, v);
    const ref *r = in_clause(f, cv, v, -1);
    if (!r)
        r = in_clause(f, cv, v, +1);
    for (size_t c = cv; !r && c > 0; c--)
        r = in_clause(f, c - 1, v, 0);
    return r;
}

static void set_attribution(const gr_text *t, sm_quote *q, const ref *r, sm_quote_attribution how)
{
    if (!r || r->group)
        return;
    q->how = how;
    q->attributed_at = r->at;
    if (r->character) {
        q->attributed_id = r->character->id;
        q->attributed_to = r->character->name;
    } else if (r->person >= 0) {
        q->attributed_to = t->people[r->person].name;
    }
}

static void attribute_action(const gr_text *t, sm_quote *q, int number, uint32_t at)
{
    char id[24];
    sm_entity_id_format((sm_entity_id){SM_ENT_CHAR, (uint32_t)number}, id, sizeof id);
    const sm_context_character *ch = sm_context_find_character(t->c, id);
    q->how = SM_ATTR_ACTION;
    q->attributed_at = at;
    if (ch) {
        q->attributed_id = ch->id;
        q->attributed_to = ch->name;
    }
}

/* The offset of a ':' that ends [a, b) but for white space and markup, or
 * b when there is none. */
static uint32_t colon_before(const gr_text *t, uint32_t a, uint32_t b)
{
    uint32_t i = b;
    size_t m = t->n_markup;
    while (i > a) {
        while (m > 0 && t->markup[m - 1].off >= i)
            m--;
        if (m > 0 && t->markup[m - 1].end == i) {
            i = t->markup[--m].off;
            continue;
        }
        if (!is_space(t->s->text[i - 1]))
            break;
        i--;
    }
    return i > a && t->s->text[i - 1] == ':' ? i - 1 : b;
}

/* The lead: "Martha says, "…"", "Martha, quietly: "…"".  1: attributed
 * (or a group), 0: no frame here, -1: out of memory. */
static int attribute_lead(const gr_text *t, sm_quote *q, uint32_t a, uint32_t b, frame *f)
{
    verb v = find_verb(t, a, b, 1);
    uint32_t colon = colon_before(t, a, b);
    if (!v.found && colon == b)
        return 0;
    if (read_frame(t, a, b, f) != 0)
        return -1;
    /* "Price demands the ledger; Martha refuses: "…"": a colon frames the
     * quotation with the clause it closes, unless the verb is in it. */
    if (colon != b && (!v.found || clause_of(f, v.at) != clause_of(f, colon))) {
        v.found = 1;
        v.at = colon;
        v.action_char = 0;
    }
    if (v.action_char) {
        attribute_action(t, q, v.action_char, v.at);
        return 1;
    }
    const ref *r = subject(f, v.at);
    if (!r)
        return 0;
    set_attribution(t, q, r, SM_ATTR_LEAD);
    return 1;
}

/* The tail: ""…," Martha says." or ""…," says Martha."  Only its first
 * clause counts: in ""…," he promises, but Martha asks, "…"" the verb
 * "asks" frames the next quotation, not this one. */
static int attribute_tail(const gr_text *t, sm_quote *q, uint32_t a, uint32_t b, frame *f)
{
    if (read_frame(t, a, b, f) != 0)
        return -1;
    /* The first clause that holds a word. */
    size_t first = gr_token_at(t, a);
    if (first >= t->tokens.n_items || t->tokens.items[first].offset >= b)
        return 0;
    uint32_t w0 = t->tokens.items[first].offset;
    size_t e = clause_of(f, w0);
    while (e < f->n_bounds && f->bounds[e] <= w0)
        e++;
    uint32_t end = e < f->n_bounds ? f->bounds[e] : b;
    verb v = find_verb(t, a, end, 0);
    if (!v.found)
        return 0;
    if (v.action_char) {
        attribute_action(t, q, v.action_char, v.at);
        return 1;
    }
    const ref *r = in_clause(f, clause_of(f, v.at), v.at, -1);
    if (!r)
        r = in_clause(f, clause_of(f, v.at), v.at, +1);
    if (!r)
        return 0;
    set_attribution(t, q, r, SM_ATTR_TAIL);
    return 1;
}

/* --------------------------------------------------------------- matching */

/* The window's speech, tokenised once per story: the words of every
 * segment in one list, with a hash per word so that comparing two words is
 * comparing two numbers (the words themselves when the hashes agree). */
typedef struct speech {
    sm_tokens tokens;
    uint64_t *hash;
    size_t *first;              /* per segment: its first word; first[n] = the end */
    uint32_t *hits;             /* per segment: its words that are words of the quotation */
    unsigned char *joins;       /* per segment: the next one has the same aligned speaker */
    uint64_t *mask;             /* per word: the quotation words it is (bit k: word k), for <= 64 */
    uint32_t *id;               /* per word: its distinct word, 0..n_distinct-1 */
    size_t n_distinct;
    uint32_t *slots;            /* the distinct words by hash: 1 + the first word that is it, or 0 */
    size_t n_slots;
    uint64_t *bits;             /* per distinct word, while a quotation is matched: its words */
} speech;

static int same_speaker(const sm_context_segment *a, const sm_context_segment *b)
{
    return a->speaker && b->speaker && strcmp(a->speaker, b->speaker) == 0;
}

static int speech_open(speech *sp, const sm_context *c)
{
    memset(sp, 0, sizeof *sp);
    sp->first = malloc((c->n_dialogue + 1) * sizeof *sp->first);
    sp->hits = malloc((c->n_dialogue + 1) * sizeof *sp->hits);
    sp->joins = malloc(c->n_dialogue + 1);
    if (!sp->first || !sp->hits || !sp->joins)
        return -1;
    for (size_t i = 0; i < c->n_dialogue; i++) {
        sp->first[i] = sp->tokens.n_items;
        const char *txt = c->dialogue[i].text ? c->dialogue[i].text : "";
        if (sm_tokenize(txt, strlen(txt), 0, &sp->tokens) != 0)
            return -1;
        sp->joins[i] = i + 1 < c->n_dialogue && same_speaker(&c->dialogue[i], &c->dialogue[i + 1]);
    }
    sp->first[c->n_dialogue] = sp->tokens.n_items;
    sp->hash = malloc((sp->tokens.n_items + 1) * sizeof *sp->hash);
    sp->mask = malloc((sp->tokens.n_items + 1) * sizeof *sp->mask);
    if (!sp->hash || !sp->mask)
        return -1;
    for (size_t w = 0; w < sp->tokens.n_items; w++)
        sp->hash[w] = sm_fnv1a_str(sm_token_norm(&sp->tokens, w));
    /* Each distinct word of the window once, so that a quotation's words
     * are looked up in the window (a few) rather than the window's words
     * in the quotation (many, for every quotation). */
    sp->n_slots = sm_table_size(sp->tokens.n_items, 16);
    sp->slots = calloc(sp->n_slots, sizeof *sp->slots);
    sp->id = malloc((sp->tokens.n_items + 1) * sizeof *sp->id);
    sp->bits = calloc(sp->tokens.n_items + 1, sizeof *sp->bits);
    if (!sp->slots || !sp->id || !sp->bits)
        return -1;
    for (size_t w = 0; w < sp->tokens.n_items; w++) {
        const char *norm = sm_token_norm(&sp->tokens, w);
        size_t i = (size_t)sp->hash[w] & (sp->n_slots - 1);
        while (sp->slots[i] && (sp->hash[sp->slots[i] - 1] != sp->hash[w] ||
                                strcmp(sm_token_norm(&sp->tokens, sp->slots[i] - 1), norm) != 0))
            i = (i + 1) & (sp->n_slots - 1);
        if (!sp->slots[i]) {
            sp->slots[i] = (uint32_t)w + 1;
            sp->id[w] = (uint32_t)sp->n_distinct++;
        } else {
            sp->id[w] = sp->id[sp->slots[i] - 1];
        }
    }
    return 0;
}

/* The distinct window word that is norm (its hash h), or -1. */
static long window_word(const speech *sp, const char *norm, uint64_t h)
{
    for (size_t i = (size_t)h & (sp->n_slots - 1); sp->slots[i]; i = (i + 1) & (sp->n_slots - 1)) {
        size_t w = sp->slots[i] - 1;
        if (sp->hash[w] == h && strcmp(sm_token_norm(&sp->tokens, w), norm) == 0)
            return (long)sp->id[w];
    }
    return -1;
}

static void speech_close(speech *sp)
{
    sm_tokens_free(&sp->tokens);
    free(sp->hash);
    free(sp->first);
    free(sp->hits);
    free(sp->joins);
    free(sp->mask);
    free(sp->id);
    free(sp->slots);
    free(sp->bits);
}

static int same_word(const speech *sp, size_t w, const sm_tokens *qt, const uint64_t *qh, size_t k)
{
    return sp->hash[w] == qh[k] && strcmp(sm_token_norm(&sp->tokens, w), sm_token_norm(qt, k)) == 0;
}

/* Longest common subsequence of the quotation's words with the words of the
 * segments [i, j], extended one segment at a time: dp[k] is the LCS of the
 * first k quotation words with the words seen so far.  For quotations of
 * more than 64 words; lcs_extend_bits does the others. */
static void lcs_extend(const speech *sp, size_t seg, const sm_tokens *qt, const uint64_t *qh,
                       uint32_t *dp)
{
    size_t n = qt->n_items;
    for (size_t w = sp->first[seg]; w < sp->first[seg + 1]; w++) {
        uint32_t diag = 0;      /* dp[k-1] before this word */
        for (size_t k = 1; k <= n; k++) {
            uint32_t up = dp[k];
            if (same_word(sp, w, qt, qh, k - 1))
                dp[k] = diag + 1;
            else if (dp[k - 1] > dp[k])
                dp[k] = dp[k - 1];
            diag = up;
        }
    }
}

/* The same LCS, a word of the window at a time on all quotation words at
 * once (Allison and Dix 1986, in Hyyro's form): bit k of ~v is set where
 * dp[k + 1] > dp[k], so the LCS is the count of zero bits among the
 * quotation's n.  Bits at n and above stay set: the masks have none there. */
static uint64_t lcs_extend_bits(const speech *sp, size_t seg, uint64_t v)
{
    for (size_t w = sp->first[seg]; w < sp->first[seg + 1]; w++) {
        uint64_t u = v & sp->mask[w];
        v = (v + u) | (v - u);
    }
    return v;
}

/* A segment contributes at most its words that are quotation words: a
 * span whose segments hold fewer than the best so far is not tried.  Each
 * quotation word is looked up among the window's distinct words, which
 * collect the quotation words they are (a bit each when there are at most
 * 64; for longer quotations, only whether any); then each word of the
 * window reads its mask, and the hits per segment are counted. */
static int count_hits(const sm_context *c, speech *sp, const sm_tokens *qt, const uint64_t *qh)
{
    size_t n = qt->n_items;
    long *ids = malloc((n + 1) * sizeof *ids);
    if (!ids)
        return -1;
    for (size_t k = 0; k < n; k++) {
        ids[k] = window_word(sp, sm_token_norm(qt, k), qh[k]);
        if (ids[k] >= 0)
            sp->bits[ids[k]] |= n <= 64 ? 1ull << k : 1;
    }
    for (size_t seg = 0; seg < c->n_dialogue; seg++) {
        uint32_t hits = 0;
        for (size_t w = sp->first[seg]; w < sp->first[seg + 1]; w++) {
            uint64_t bits = sp->bits[sp->id[w]];
            sp->mask[w] = bits;
            hits += bits != 0;
        }
        sp->hits[seg] = hits;
    }
    for (size_t k = 0; k < n; k++)   /* clean for the next quotation */
        if (ids[k] >= 0)
            sp->bits[ids[k]] = 0;
    free(ids);
    return 0;
}

static int match_quote(const sm_context *c, speech *sp, sm_quote *q, const sm_tokens *qt)
{
    size_t n = qt->n_items;
    int bits = n <= 64;
    uint32_t *dp = bits ? NULL : malloc((n + 1) * sizeof *dp);
    uint64_t *qh = malloc((n + 1) * sizeof *qh);
    if ((!bits && !dp) || !qh) {
        free(dp), free(qh);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        qh[k] = sm_fnv1a_str(sm_token_norm(qt, k));
    if (count_hits(c, sp, qt, qh) != 0) {
        free(dp), free(qh);
        return -1;
    }
    uint64_t low = n >= 64 ? ~0ull : (1ull << n) - 1;
    uint32_t best = 0;
    int best_len = 0, best_agrees = -1;
    size_t best_i = 0;
    for (size_t i = 0; i < c->n_dialogue; i++) {
        size_t end = i + 1;
        uint32_t bound = sp->hits[i];
        while (end < c->n_dialogue && end - i < MAX_SPAN_SEGMENTS && sp->joins[end - 1])
            bound += sp->hits[end++];
        if (bound == 0 || bound < best)
            continue;
        uint64_t v = ~0ull;
        if (!bits)
            memset(dp, 0, (n + 1) * sizeof *dp);
        int agrees = -1;        /* worked out when a tie needs it */
        for (size_t j = i; j < end; j++) {
            uint32_t got;
            if (bits) {
                v = lcs_extend_bits(sp, j, v);
                got = (uint32_t)n - (uint32_t)__builtin_popcountll(v & low);
            } else {
                lcs_extend(sp, j, qt, qh, dp);
                got = dp[n];
            }
            int len = (int)(j - i + 1);
            int better = got > best || (got == best && got > 0 && len < best_len);
            if (!better && got == best && got > 0 && len == best_len) {
                /* A tie: prefer a speaker who is the one the story names. */
                if (agrees < 0)
                    agrees = q->attributed_to && c->dialogue[i].speaker &&
                             sm_speaker_agrees(q->attributed_to, c->dialogue[i].speaker);
                if (best_agrees < 0)
                    best_agrees = q->attributed_to && c->dialogue[best_i].speaker &&
                                  sm_speaker_agrees(q->attributed_to, c->dialogue[best_i].speaker);
                better = agrees && !best_agrees;
            }
            if (better) {
                best = got;
                best_len = len;
                best_agrees = agrees;
                best_i = i;
            }
        }
    }
    free(dp);
    free(qh);
    q->matched = best;
    if (best > 0) {
        q->segment = &c->dialogue[best_i];
        q->segments = best_len;
    }
    /* At least 80% of its words: matched / words >= 4/5. */
    q->found = best > 0 && (uint64_t)best * 5 >= (uint64_t)n * 4;
    if (q->found)
        q->speaker = q->segment->speaker;
    return 0;
}

/* Whether the quotation opening at `open` continues the one that closed at
 * prev_end: same image block, and nothing but white space and markup
 * between the start of its sentence and its opening mark. */
static int continues(const gr_text *t, uint32_t prev_end, uint32_t lead_from, uint32_t open)
{
    for (size_t m = 0; m < t->n_markup; m++)
        if (t->markup[m].gdi && t->markup[m].off >= prev_end && t->markup[m].off < open)
            return 0;
    size_t m = 0;
    for (uint32_t i = lead_from; i < open;) {
        while (m < t->n_markup && t->markup[m].end <= i)
            m++;
        if (m < t->n_markup && i >= t->markup[m].off) {
            i = t->markup[m].end;
            continue;
        }
        if (!is_space(t->s->text[i]))
            return 0;
        i++;
    }
    return 1;
}

/* ------------------------------------------------------------------ all */

int gr_quotes_find(const gr_text *t, sm_quotes *out)
{
    const sm_story *s = t->s;
    const sm_context *c = t->c;
    memset(out, 0, sizeof *out);
    scan sc = {0};
    frame f = {0};
    speech sp;
    sm_tokens qt = {0};
    int rc = -1;
    uint32_t prev_close = 0;    /* where the last counted quotation closed */
    memset(&sp, 0, sizeof sp);
    /* The window's speech is tokenised only for a story that quotes. */
    if (scan_text(t, &sc) != 0 || (sc.n_quotes && speech_open(&sp, c) != 0))
        goto done;
    out->items = sm_arena_alloc(&out->arena, (sc.n_quotes + 1) * sizeof *out->items);
    if (!out->items)
        goto done;
    for (size_t k = 0; k < sc.n_quotes; k++) {
        const raw_quote *rq = &sc.quotes[k];
        sm_quote *q = &out->items[out->n_items];
        memset(q, 0, sizeof *q);
        q->open = rq->open;
        q->off = rq->off;
        q->len = rq->len;
        q->closed = rq->closed;
        q->text = gr_visible(t, &out->arena, rq->off, rq->len);
        if (!q->text)
            goto done;
        sm_tokens_clear(&qt);
        if (sm_tokenize(q->text, strlen(q->text), 0, &qt) != 0)
            goto done;
        q->words = (uint32_t)qt.n_items;
        if (qt.n_items == 0 && rq->closed)
            continue;           /* "" or "…": no quotation */
        out->n_items++;
        if (!rq->closed)
            continue;           /* reported by verification; nothing to match */

        /* Its sentence: from the last cut (or the previous quotation's end)
         * to the next cut (or the next quotation). */
        uint32_t lead_from = 0, tail_to = s->text_len;
        for (size_t i = 0; i < sc.n_cuts; i++) {
            if (sc.cuts[i] < rq->open)
                lead_from = sc.cuts[i] + 1;
            else if (sc.cuts[i] >= rq->close_end) {
                tail_to = sc.cuts[i];
                break;
            }
        }
        if (k > 0 && sc.quotes[k - 1].close_end > lead_from)
            lead_from = sc.quotes[k - 1].close_end;
        if (k + 1 < sc.n_quotes && sc.quotes[k + 1].open < tail_to)
            tail_to = sc.quotes[k + 1].open;
        int r = attribute_lead(t, q, lead_from, rq->open, &f);
        if (r == 0 && rq->close_end < tail_to)
            r = attribute_tail(t, q, rq->close_end, tail_to, &f);
        if (r < 0)
            goto done;
        /* ""There was no Marigold," he says. "Not ever."": a quotation with
         * nothing before it in its sentence goes on the one before. */
        const sm_quote *p = out->n_items >= 2 ? &out->items[out->n_items - 2] : NULL;
        if (q->how == SM_ATTR_NONE && p && p->how != SM_ATTR_NONE && p->closed &&
            continues(t, prev_close, lead_from, rq->open)) {
            q->how = SM_ATTR_CONTINUED;
            q->attributed_to = p->attributed_to;
            q->attributed_id = p->attributed_id;
            q->attributed_at = p->attributed_at;
        }
        prev_close = rq->close_end;

        if (match_quote(c, &sp, q, &qt) != 0)
            goto done;
        q->checkable = q->found && q->attributed_to && q->speaker;
        q->correct = q->checkable && sm_speaker_agrees(q->attributed_to, q->speaker);
    }
    rc = 0;
done:
    speech_close(&sp);
    sm_tokens_free(&qt);
    free(sc.quotes);
    free(sc.cuts);
    free(f.refs);
    free(f.bounds);
    if (rc != 0)
        sm_quotes_free(out);
    return rc;
}

int sm_quotes_find(const sm_story *s, const sm_context *c, sm_quotes *out)
{
    gr_text t;
    int rc = -1;
    memset(out, 0, sizeof *out);
    if (gr_text_open(&t, s, c) == 0)
        rc = gr_quotes_find(&t, out);
    gr_text_close(&t);
    return rc;
}

void sm_quotes_free(sm_quotes *q)
{
    sm_arena_free(&q->arena);
    memset(q, 0, sizeof *q);
}
