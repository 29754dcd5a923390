/* ground_text.c - a story's text as verification reads it: where its tag
 * markup is, its words (outside markup) and which <gdo>/<gda> tag holds
 * each, and the people it may name. */
#include "ground/ground_internal.h"

#include "storymovie/script.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static int cmp_markup(const void *a, const void *b)
{
    const gr_markup *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

/* By offset (no two spans share one).  The spans come nearly sorted (tags
 * in opening order, each close right after its open: out of place only
 * where tags nest), so an insertion sort moves little; deep nesting, which
 * would make it quadratic, is left to qsort past a budget of moves. */
static void sort_markup(gr_markup *m, size_t n)
{
    size_t budget = 8 * n + 64;
    for (size_t i = 1; i < n; i++) {
        gr_markup x = m[i];
        size_t j = i;
        while (j > 0 && m[j - 1].off > x.off) {
            m[j] = m[j - 1];
            j--;
        }
        m[j] = x;
        if (i - j > budget) {
            qsort(m, n, sizeof *m, cmp_markup);
            return;
        }
        budget -= i - j;
    }
}

/* Honorifics and family titles: "Mrs. Hale" calls Martha Hale by "Hale",
 * never by "Mrs". */
static int is_title(const char *w)
{
    static const char *const titles[] = {
        "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame",
        "lady", "lord", "rev", "reverend", "fr", "father", "capt", "captain", "aunt", "uncle",
        "mister", "madam", "madame", "st", "saint", "jr", "sr", NULL};
    for (int i = 0; titles[i]; i++)
        if (strcmp(w, titles[i]) == 0)
            return 1;
    return 0;
}

/* The name words of a name: its words without titles, one-letter initials
 * and parenthesised extensions ("DR. HALE (V.O.)" -> "hale"). */
static int name_words(gr_text *t, gr_person *p, const char *name)
{
    size_t n = strlen(name);
    char *clean = malloc(n + 1);
    if (!clean)
        return -1;
    size_t k = 0;
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (ch == '(' || ch == '[')
            depth++;
        else if ((ch == ')' || ch == ']') && depth)
            depth--;
        else if (!depth)
            clean[k++] = ch;
    }
    clean[k] = '\0';
    sm_tokens tok = {0};
    int rc = sm_tokenize(clean, k, 0, &tok);
    if (rc == 0 && tok.n_items) {
        p->words = sm_arena_alloc(&t->arena, tok.n_items * sizeof *p->words);
        if (!p->words)
            rc = -1;
        for (size_t i = 0; rc == 0 && i < tok.n_items; i++) {
            const char *w = sm_token_norm(&tok, i);
            if (strlen(w) < 2 || is_title(w))
                continue;
            if (!(p->words[p->n_words++] = sm_arena_strdup(&t->arena, w)))
                rc = -1;
        }
    }
    sm_tokens_free(&tok);
    free(clean);
    return rc;
}

static int add_people(gr_text *t)
{
    const sm_context *c = t->c;
    size_t cap = c->n_characters + c->n_dialogue + c->n_script;
    if (cap == 0)
        return 0;
    t->people = sm_arena_alloc(&t->arena, cap * sizeof *t->people);
    if (!t->people)
        return -1;
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        if (!ch->name || !*ch->name)
            continue;
        gr_person *p = &t->people[t->n_people];
        memset(p, 0, sizeof *p);
        p->name = ch->name;
        p->character = ch;
        if (name_words(t, p, ch->name) != 0)
            return -1;
        t->n_people++;
    }
    /* Speakers who are none of the chars: "Price said" names Owen Price even
     * in a story where he has no char id.  Each distinct speaker once (a
     * window has many lines and few speakers). */
    const char **distinct = malloc(cap * sizeof *distinct);
    size_t n_distinct = 0;
    if (!distinct)
        return -1;
    for (size_t i = 0; i < c->n_dialogue + c->n_script; i++) {
        const char *spk = i < c->n_dialogue ? c->dialogue[i].speaker
                                            : c->script[i - c->n_dialogue].speaker;
        size_t k = 0;
        while (spk && *spk && k < n_distinct && strcmp(distinct[k], spk) != 0)
            k++;
        if (spk && *spk && k == n_distinct)
            distinct[n_distinct++] = spk;
    }
    int rc = 0;
    for (size_t i = 0; i < n_distinct && rc == 0; i++) {
        const char *spk = distinct[i];
        int known = 0;
        char key[128], other[128];
        sm_speaker_key(spk, key, sizeof key);
        for (size_t k = 0; k < t->n_people && !known; k++) {
            const gr_person *q = &t->people[k];
            if (q->character)
                known = sm_speaker_agrees(q->name, spk);
            else
                known = sm_speaker_key(q->name, other, sizeof other) > 0 && strcmp(key, other) == 0;
        }
        if (known || !key[0])
            continue;
        gr_person *p = &t->people[t->n_people];
        memset(p, 0, sizeof *p);
        p->name = spk;
        rc = name_words(t, p, spk);
        t->n_people++;
    }
    free(distinct);
    return rc;
}

int gr_text_open(gr_text *t, const sm_story *s, const sm_context *c)
{
    memset(t, 0, sizeof *t);
    t->s = s;
    t->c = c;
    size_t n = 0;
    t->markup = malloc((2 * (size_t)s->n_tags + 1) * sizeof *t->markup);
    if (!t->markup)
        return -1;
    for (uint32_t i = 0; i < s->n_tags; i++) {
        const sm_story_tag *g = &s->tags[i];
        t->markup[n++] = (gr_markup){g->open.off, g->open.off + g->open.len, g->kind == SM_TAG_GDI};
        if (g->closed && g->close.len)
            t->markup[n++] = (gr_markup){g->close.off, g->close.off + g->close.len,
                                         g->kind == SM_TAG_GDI};
    }
    sort_markup(t->markup, n);
    t->n_markup = n;

    /* Words of the text between markup, with offsets into the story. */
    uint32_t pos = 0;
    for (size_t m = 0; m <= n; m++) {
        uint32_t end = m < n ? t->markup[m].off : s->text_len;
        if (end > pos && sm_tokenize(s->text + pos, end - pos, pos, &t->tokens) != 0)
            return -1;
        if (m < n && t->markup[m].end > pos)
            pos = t->markup[m].end;
    }
    size_t nt = t->tokens.n_items;
    t->tok_gdo = malloc((nt + 1) * sizeof *t->tok_gdo);
    t->tok_gda = malloc((nt + 1) * sizeof *t->tok_gda);
    if (!t->tok_gdo || !t->tok_gda)
        return -1;
    for (size_t i = 0; i < nt; i++)
        t->tok_gdo[i] = t->tok_gda[i] = -1;
    /* Tags come in opening order, so an inner tag overwrites its outer one. */
    for (uint32_t i = 0; i < s->n_tags; i++) {
        const sm_story_tag *g = &s->tags[i];
        int *mark = g->kind == SM_TAG_GDO ? t->tok_gdo : g->kind == SM_TAG_GDA ? t->tok_gda : NULL;
        if (!mark)
            continue;
        uint32_t end = g->content.off + g->content.len;
        for (size_t k = gr_token_at(t, g->content.off); k < nt && t->tokens.items[k].offset < end; k++)
            mark[k] = (int)i;
    }
    return add_people(t);
}

void gr_text_close(gr_text *t)
{
    free(t->markup);
    free(t->tok_gdo);
    free(t->tok_gda);
    sm_tokens_free(&t->tokens);
    sm_arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}

size_t gr_token_at(const gr_text *t, uint32_t off)
{
    size_t lo = 0, hi = t->tokens.n_items;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->tokens.items[mid].offset < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int gr_person_of_char(const gr_text *t, uint32_t number)
{
    for (size_t p = 0; p < t->n_people; p++)
        if (t->people[p].character && t->people[p].character->number == (int)number)
            return (int)p;
    return -1;
}

int gr_is_name_word(const gr_text *t, size_t p, const char *norm)
{
    const gr_person *q = &t->people[p];
    for (size_t k = 0; k < q->n_words; k++)
        if (strcmp(q->words[k], norm) == 0)
            return 1;
    return 0;
}

int gr_capitalised(const char *text, uint32_t off, uint32_t len)
{
    unsigned char c = (unsigned char)text[off];
    if (c < 0x80)
        return c >= 'A' && c <= 'Z';
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)text + off, len, &cp) <= 0)
        return 0;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

char *gr_visible(const gr_text *t, sm_arena *a, uint32_t off, uint32_t len)
{
    char *out = sm_arena_alloc(a, (size_t)len + 1);
    if (!out)
        return NULL;
    const char *text = t->s->text;
    size_t o = 0, m = 0;
    int space = 0;
    uint32_t end = off + len;
    for (uint32_t i = off; i < end;) {
        while (m < t->n_markup && t->markup[m].end <= i)
            m++;
        if (m < t->n_markup && i >= t->markup[m].off) {
            i = t->markup[m].end;
            continue;
        }
        char ch = text[i++];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            space = 1;
            continue;
        }
        if (space && o)
            out[o++] = ' ';
        space = 0;
        out[o++] = ch;
    }
    out[o] = '\0';
    return out;
}
