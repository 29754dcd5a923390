/* story_tags.c - the grounding tags of a story: <gdi imageN> blocks and the
 * <gdo>, <gda>, <gdl> spans inside them; and the tag-free plain text.
 *
 * A tag is '<', an optional '/', a name of letters/digits starting with a
 * letter, anything up to the next '>' on the same line.  A '<' that does not
 * start such a tag ("a < b", "<3") is text.  Elements are matched with a
 * stack; a close tag that matches an element deeper in the stack closes the
 * ones above it (each reported as unclosed), which is how a reader recovers
 * from the typical model error of a missing </gdo>.  Unknown gd* tags
 * (<gdf …>) and other tags are reported and otherwise ignored. */
#include "story/story_internal.h"

#define MAX_DEPTH 64

static int tag_kind(const char *name, size_t n)
{
    if (n == 3 && name[0] == 'g' && name[1] == 'd') {
        switch (name[2]) {
        case 'i': return SM_TAG_GDI;
        case 'o': return SM_TAG_GDO;
        case 'a': return SM_TAG_GDA;
        case 'l': return SM_TAG_GDL;
        default: break;
        }
    }
    return -1;
}

static const char *kind_name(uint32_t k)
{
    static const char *const names[] = {"gdi", "gdo", "gda", "gdl"};
    return k <= SM_TAG_GDL ? names[k] : "?";
}

static int is_alpha(unsigned char c) { return (c | 32) >= 'a' && (c | 32) <= 'z'; }
static int is_alnum(unsigned char c) { return is_alpha(c) || story_is_digit(c); }

/* Parse the ids of a <gdo>/<gda>/<gdl> attribute: white-space (or comma)
 * separated ids.  Anything else makes it free text. */
static void parse_ids(sm_story_set *set, sm_story *s, sm_story_tag *tag)
{
    const char *t = s->text + tag->attr.off;
    uint32_t n = tag->attr.len, count = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!story_is_space((unsigned char)t[i]) && t[i] != ',' &&
            (i == 0 || story_is_space((unsigned char)t[i - 1]) || t[i - 1] == ','))
            count++;
    if (count == 0)
        return;
    tag->ids = sm_arena_alloc(&set->arena, count * sizeof *tag->ids);
    if (!tag->ids) {
        set->oom = 1;
        return;
    }
    uint32_t i = 0;
    while (i < n) {
        while (i < n && (story_is_space((unsigned char)t[i]) || t[i] == ','))
            i++;
        uint32_t w = i;
        while (i < n && !story_is_space((unsigned char)t[i]) && t[i] != ',')
            i++;
        if (i == w)
            break;
        sm_entity_id id;
        if (sm_entity_id_parse(t + w, i - w, &id) == 0)
            tag->ids[tag->n_ids++] = id;
        else
            tag->free_text = 1;
    }
}

static sm_story_tag *push_tag(sm_story_set *set, sm_story *s)
{
    sm_story_tag *tags = story_grow(set, s->tags, s->n_tags, &s->tags_cap, sizeof *tags);
    if (!tags)
        return NULL;
    s->tags = tags;
    sm_story_tag *tag = &tags[s->n_tags++];
    memset(tag, 0, sizeof *tag);
    return tag;
}

static void report_unclosed(sm_story_set *set, sm_story *s, const sm_story_tag *tag)
{
    const char *t = s->text;
    sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "unclosed",
                       "<%s> opened here is never closed (\"%.*s\")", kind_name(tag->kind),
                       (int)(tag->open.len > 60 ? 60 : tag->open.len), t + tag->open.off);
}

/* The state of one story's tag parse: the open tags, innermost last. */
typedef struct tag_parser {
    sm_story_set *set;
    sm_story *s;
    uint32_t stack[MAX_DEPTH];          /* indexes into s->tags */
    int depth;
    int image;                          /* N of the open <gdi>, 0 outside */
} tag_parser;

/* One tag as written: <NAME ATTR> or </NAME>, from a to end. */
typedef struct tag_token {
    uint32_t a, end;                    /* '<' and one past '>' */
    uint32_t aa, ab;                    /* the attribute, trimmed */
    int closing, kind;
} tag_token;

/* The tag starting at a ('<'): 1 with *tk filled; 0 when it is text or a
 * tag that is not ours (reported).  *next is where to read on. */
static int lex_tag(tag_parser *tp, uint32_t a, tag_token *tk, uint32_t *next)
{
    sm_story *s = tp->s;
    const char *t = s->text;
    uint32_t n = s->text_len, p = a + 1;
    tk->a = a;
    tk->closing = 0;
    if (p < n && t[p] == '/')
        tk->closing = 1, p++;
    uint32_t name_start = p;
    *next = a + 1;
    if (p >= n || !is_alpha((unsigned char)t[p]))
        return 0;                       /* a lone '<' is text */
    while (p < n && (is_alnum((unsigned char)t[p]) || t[p] == '_' || t[p] == '-'))
        p++;
    uint32_t name_end = p;
    if (p < n && !(t[p] == '>' || story_is_space((unsigned char)t[p]) || t[p] == '/'))
        return 0;                       /* "<3", "<a.b": not a tag */
    uint32_t q = p;
    while (q < n && t[q] != '>' && t[q] != '<' && t[q] != '\n')
        q++;
    if (q >= n || t[q] != '>') {
        sm_story_issue_add(tp->set, s, SM_FIELD_STORY, a, "tag-syntax", "tag \"%.*s\" has no closing '>'",
                           (int)(q - a > 60 ? 60 : q - a), t + a);
        *next = q > a + 1 ? q : a + 1;
        return 0;
    }
    tk->end = *next = q + 1;
    tk->kind = tag_kind(t + name_start, name_end - name_start);
    if (tk->kind < 0) {
        const char *what = (name_end - name_start >= 2 && t[name_start] == 'g' && t[name_start + 1] == 'd')
                               ? "unknown grounding tag" : "unexpected tag";
        sm_story_issue_add(tp->set, s, SM_FIELD_STORY, a, "tag-unknown", "%s \"%.*s\"", what,
                           (int)(tk->end - a > 60 ? 60 : tk->end - a), t + a);
        return 0;
    }
    tk->aa = name_end;
    tk->ab = q;
    if (tk->ab > tk->aa && t[tk->ab - 1] == '/')
        tk->ab--;                       /* "<gdo char1/>": read as an open tag */
    story_trim(t, &tk->aa, &tk->ab);
    return 1;
}

/* Close the innermost open tag of tk's kind (and report those it skips). */
static void close_tag(tag_parser *tp, const tag_token *tk)
{
    sm_story *s = tp->s;
    const char *t = s->text;
    if (tk->ab > tk->aa)
        sm_story_issue_add(tp->set, s, SM_FIELD_STORY, tk->a, "tag-syntax", "closing tag \"%.*s\" has attributes",
                           (int)(tk->end - tk->a > 60 ? 60 : tk->end - tk->a), t + tk->a);
    int k = tp->depth - 1;
    while (k >= 0 && s->tags[tp->stack[k]].kind != (uint32_t)tk->kind)
        k--;
    if (k < 0) {
        sm_story_issue_add(tp->set, s, SM_FIELD_STORY, tk->a, "unopened", "</%s> closes nothing",
                           kind_name((uint32_t)tk->kind));
        return;
    }
    for (int j = tp->depth - 1; j > k; j--) {
        sm_story_tag *open = &s->tags[tp->stack[j]];
        open->content.len = tk->a - open->content.off;
        report_unclosed(tp->set, s, open);
    }
    sm_story_tag *tag = &s->tags[tp->stack[k]];
    tag->content.len = tk->a - tag->content.off;
    tag->close.off = tk->a;
    tag->close.len = tk->end - tk->a;
    tag->closed = 1;
    tp->depth = k;
    if (tk->kind == SM_TAG_GDI)
        tp->image = 0;
}

/* N of "<gdi imageN>", or 0 (reported) when the attribute is not imageN. */
static int gdi_image(tag_parser *tp, const tag_token *tk)
{
    const char *v = tp->s->text + tk->aa;
    uint32_t len = tk->ab - tk->aa, d = 5;
    long num = 0;
    if (len > 5 && memcmp(v, "image", 5) == 0) {
        while (d < len && story_is_digit((unsigned char)v[d]) && d < 12)
            num = num * 10 + (v[d++] - '0');
    }
    if (len <= 5 || d != len || memcmp(v, "image", 5) != 0) {
        sm_story_issue_add(tp->set, tp->s, SM_FIELD_STORY, tk->a, "gdi-attr",
                           "<gdi> attribute \"%.*s\" is not imageN", (int)(len > 60 ? 60 : len), v);
        num = 0;
    }
    return (int)num;
}

/* Open a tag: a <gdi> closes whatever is still open; other tags take the
 * image of the enclosing <gdi> and their ids.  -1 on OOM. */
static int open_tag(tag_parser *tp, const tag_token *tk)
{
    sm_story *s = tp->s;
    const char *t = s->text;
    if (tk->kind == SM_TAG_GDI && tp->depth > 0) {
        /* A new block while one is open: the previous </gdi> is missing.
         * Close everything so the new block starts clean. */
        for (int j = tp->depth - 1; j >= 0; j--) {
            sm_story_tag *open = &s->tags[tp->stack[j]];
            open->content.len = tk->a - open->content.off;
            report_unclosed(tp->set, s, open);
        }
        tp->depth = 0;
        tp->image = 0;
    }
    sm_story_tag *tag = push_tag(tp->set, s);
    if (!tag)
        return -1;
    tag->kind = (uint32_t)tk->kind;
    tag->open.off = tk->a;
    tag->open.len = tk->end - tk->a;
    tag->attr.off = tk->aa;
    tag->attr.len = tk->ab - tk->aa;
    tag->content.off = tk->end;
    tag->content.len = s->text_len - tk->end;     /* until closed */
    if (tk->kind == SM_TAG_GDI) {
        tag->image = tp->image = gdi_image(tp, tk);
    } else {
        tag->image = tp->image;
        parse_ids(tp->set, s, tag);
        if (tp->depth == 0 || s->tags[tp->stack[0]].kind != SM_TAG_GDI)
            sm_story_issue_add(tp->set, s, SM_FIELD_STORY, tk->a, "outside-gdi",
                               "\"%.*s\" is outside any <gdi> block",
                               (int)(tk->end - tk->a > 60 ? 60 : tk->end - tk->a), t + tk->a);
    }
    if (tp->depth == MAX_DEPTH) {
        sm_story_issue_add(tp->set, s, SM_FIELD_STORY, tk->a, "nesting", "tags nested more than %d deep",
                           MAX_DEPTH);
        return 0;
    }
    tp->stack[tp->depth++] = s->n_tags - 1;
    return 0;
}

void sm_story_parse_tags(sm_story_set *set, sm_story *s)
{
    const char *t = s->text;
    uint32_t n = s->text_len, i = 0;
    tag_parser tp = {.set = set, .s = s};

    /* Size the tag array once: every tag starts with '<'. */
    uint32_t lt_count = 0;
    for (const char *p = t; (p = memchr(p, '<', (size_t)(t + n - p))) != NULL; p++)
        lt_count++;
    if (lt_count && s->tags_cap == 0) {
        s->tags = story_alloc_array(set, lt_count, sizeof *s->tags);
        if (!s->tags)
            return;
        s->tags_cap = lt_count;
    }

    while (i < n) {
        const char *lt = memchr(t + i, '<', n - i);
        if (!lt)
            break;
        tag_token tk;
        if (!lex_tag(&tp, (uint32_t)(lt - t), &tk, &i))
            continue;
        if (tk.closing)
            close_tag(&tp, &tk);
        else if (open_tag(&tp, &tk) != 0)
            return;
    }
    for (int j = tp.depth - 1; j >= 0; j--)
        report_unclosed(set, s, &s->tags[tp.stack[j]]);
}

size_t sm_story_plain_text(const char *story, size_t len, char *out)
{
    size_t o = 0, i = 0;
    int pending_space = 0, no_more_gt = 0;
    while (i < len) {
        unsigned char c = (unsigned char)story[i];
        if (c == '<' && !no_more_gt) {
            /* <[^>]+> : at least one character, then '>' (may span lines).
             * Once no '>' is left, every later '<' is text: remembering
             * that keeps a story full of '<' linear. */
            const char *gt = i + 1 < len ? memchr(story + i + 1, '>', len - i - 1) : NULL;
            if (!gt)
                no_more_gt = 1;
            else if (gt > story + i + 1) {
                i = (size_t)(gt - story) + 1;
                continue;
            }
        }
        if (story_is_space(c)) {
            pending_space = 1;
            i++;
            continue;
        }
        if (pending_space && o > 0)
            out[o++] = ' ';
        pending_space = 0;
        out[o++] = (char)c;
        i++;
    }
    out[o] = '\0';
    return o;
}
