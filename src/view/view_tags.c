/* view_tags.c - a story's text as the page draws it: a tree of text runs
 * and grounding tags, built from the story reader's tags (src/story).
 *
 * The reader gives each tag its opening, content and closing spans, in the
 * order they open, with unclosed tags cut where the reader recovered.
 * Nesting is read off the spans: a tag whose opening lies inside another's
 * content is its child.  Opening and closing tags are left out of the tree
 * (the page shows a tag as a coloured span); everything else, including
 * markup the reader does not know ("<b>"), stays text and is shown as
 * text.  Quotations of a StoryMovie record split the text runs they cover
 * into pieces marked with the quotation, so the page can link them to their
 * subtitle even when a quotation crosses a tag. */
#include "view/view_internal.h"

#include <string.h>

#define MAX_NESTING 80   /* the reader stops nesting at 64; deeper is text */

typedef struct tree {
    sm_json *j;
    const sm_story *s;
    const view_quote_span *quotes;
    size_t n_quotes;
    size_t next_quote;   /* first quotation that may still overlap the text ahead */
} tree;

/* Text [a, b), split where quotations start and end. */
static void emit_text(tree *t, size_t a, size_t b)
{
    while (a < b) {
        while (t->next_quote < t->n_quotes && t->quotes[t->next_quote].end <= a)
            t->next_quote++;
        const view_quote_span *q = t->next_quote < t->n_quotes ? &t->quotes[t->next_quote] : NULL;
        if (!q || q->start >= b) {
            sm_json_stringn(t->j, t->s->text + a, b - a);
            return;
        }
        if (q->start > a) {
            sm_json_stringn(t->j, t->s->text + a, q->start - a);
            a = q->start;
        }
        size_t end = q->end < b ? q->end : b;
        sm_json_begin_object(t->j);
        sm_json_kv_int(t->j, "q", (long long)q->quote);
        sm_json_key(t->j, "t");
        sm_json_stringn(t->j, t->s->text + a, end - a);
        sm_json_end_object(t->j);
        a = end;
    }
}

static size_t tag_end(const sm_story_tag *g)
{
    return g->closed ? (size_t)g->close.off + g->close.len
                     : (size_t)g->content.off + g->content.len;
}

static void emit_tag_head(tree *t, const sm_story_tag *g)
{
    static const char *const kinds[] = {"i", "o", "a", "l"};
    sm_json_kv_string(t->j, "k", g->kind <= SM_TAG_GDL ? kinds[g->kind] : "?");
    if (g->kind != SM_TAG_GDI) {
        sm_json_key(t->j, "ids");
        sm_json_begin_array(t->j);
        for (uint32_t i = 0; i < g->n_ids; i++) {
            char id[24];
            sm_json_string(t->j, sm_entity_id_format(g->ids[i], id, sizeof id));
        }
        sm_json_end_array(t->j);
    }
    sm_json_kv_int(t->j, "n", g->image);
    if (g->free_text || (g->kind != SM_TAG_GDI && g->n_ids == 0)) {
        sm_json_key(t->j, "at");
        sm_json_stringn(t->j, t->s->text + g->attr.off, g->attr.len);
    }
    if (!g->closed)
        sm_json_kv_bool(t->j, "open", 1);
}

/* The children of [from, to): text and the tags opening there, from tag
 * index ti on.  Returns the index of the first tag not consumed. */
static uint32_t emit_range(tree *t, size_t from, size_t to, uint32_t ti, int depth)
{
    const sm_story *s = t->s;
    size_t pos = from;
    if (depth >= MAX_NESTING) {
        emit_text(t, pos, to);
        while (ti < s->n_tags && s->tags[ti].open.off < to)
            ti++;
        return ti;
    }
    while (ti < s->n_tags && s->tags[ti].open.off < to) {
        const sm_story_tag *g = &s->tags[ti];
        if (g->open.off < pos) {     /* inside text already written: cannot nest */
            ti++;
            continue;
        }
        emit_text(t, pos, g->open.off);
        size_t cstart = g->content.off, cend = (size_t)g->content.off + g->content.len;
        if (cend > to)
            cend = to;
        if (cstart > cend)
            cstart = cend;
        sm_json_begin_object(t->j);
        emit_tag_head(t, g);
        sm_json_key(t->j, "c");
        sm_json_begin_array(t->j);
        ti = emit_range(t, cstart, cend, ti + 1, depth + 1);
        sm_json_end_array(t->j);
        sm_json_end_object(t->j);
        size_t end = tag_end(g);
        if (end > to)
            end = to;
        pos = end > cend ? end : cend;
    }
    emit_text(t, pos, to);
    return ti;
}

void view_tags_emit(sm_json *j, const sm_story *s, const view_quote_span *quotes, size_t n_quotes)
{
    tree t = {j, s, quotes, n_quotes, 0};
    sm_json_begin_array(j);
    emit_range(&t, 0, s->text_len, 0, 0);
    sm_json_end_array(j);
}
