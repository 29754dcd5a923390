/* verify.c - the five rules a rewritten story must pass (SPEC "Writing
 * script-grounded stories"; ground.h lists the problem codes).
 *
 * Everything is decided from the answer, the source story and its context
 * record: no model is asked.  Rule 1 reuses `story check` (src/story) on the
 * answer read with the source's chain of thought; quotations come from
 * sm_quotes_find, the same code `eval dialogue` counts with. */
#include "ground/ground_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/script.h"

int gr_problem_add(sm_ground_verdict *v, const char *code, int rule, const char *fmt, ...)
{
    char buf[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* One line: a quotation or name from the answer may hold line breaks. */
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    if (sm_grow(&v->problems, &v->cap, v->n_problems + 1, sizeof *v->problems) != 0)
        return -1;
    char *msg = sm_arena_strdup(&v->arena, buf);
    char *c = sm_arena_strdup(&v->arena, code);
    if (!msg || !c)
        return -1;
    v->problems[v->n_problems++] = (sm_ground_problem){c, rule, msg};
    return 0;
}

/* --------------------------------------------------------------- clean-up */

static int space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

size_t sm_ground_clean_answer(const char *text, size_t len, size_t *start)
{
    size_t a = 0, b = len;
    while (a < b && space(text[a]))
        a++;
    /* A reasoning model's thoughts come first: drop them.  Cut off inside
     * them, nothing of the story came. */
    if (b - a >= 7 && memcmp(text + a, "<think>", 7) == 0) {
        size_t i = a + 7;
        while (i + 8 <= b && memcmp(text + i, "</think>", 8) != 0)
            i++;
        a = i + 8 <= b ? i + 8 : b;
        while (a < b && space(text[a]))
            a++;
    }
    while (b > a && space(text[b - 1]))
        b--;
    /* ```lang ... ``` around the whole story. */
    if (b - a >= 3 && memcmp(text + a, "```", 3) == 0) {
        size_t nl = a;
        while (nl < b && text[nl] != '\n')
            nl++;
        if (nl < b) {
            a = nl + 1;
            if (b - a >= 3 && memcmp(text + b - 3, "```", 3) == 0)
                b -= 3;
            while (a < b && space(text[a]))
                a++;
            while (b > a && space(text[b - 1]))
                b--;
        }
    }
    *start = a;
    return b - a;
}

/* ------------------------------------------------------------------ rule 1 */

static int source_has_issue(const sm_story *src, const char *code)
{
    for (uint32_t i = 0; i < src->n_issues; i++)
        if (src->issues[i].field == SM_FIELD_STORY && strcmp(src->issues[i].code, code) == 0)
            return 1;
    return 0;
}

static int tag_has(const sm_story_tag *g, sm_entity_id id)
{
    for (uint32_t k = 0; k < g->n_ids; k++)
        if (g->ids[k].kind == id.kind && g->ids[k].number == id.number)
            return 1;
    return 0;
}

static const char *tag_name(uint32_t kind)
{
    return kind == SM_TAG_GDO ? "gdo" : kind == SM_TAG_GDA ? "gda" : kind == SM_TAG_GDL ? "gdl" : "gdi";
}

/* Every (image, kind, id) of the source's tags is in the answer.  One
 * problem per image, naming every tag it lost. */
static int check_tags_kept(sm_ground_verdict *v, const sm_story *src, const sm_story *ans)
{
    char lost[480];
    size_t len = 0, n_lost = 0;
    int image = -1;
    for (uint32_t i = 0; i <= src->n_tags; i++) {
        const sm_story_tag *g = i < src->n_tags ? &src->tags[i] : NULL;
        if (g && g->kind == SM_TAG_GDI)
            continue;
        /* A new image (or the end): report what the last one lost. */
        if ((!g || g->image != image) && n_lost) {
            if (gr_problem_add(v, "tag-dropped", 1, "image %d: the original story's %s %s missing; "
                               "keep every grounding tag", image, lost,
                               n_lost == 1 ? "tag is" : "tags are") != 0)
                return -1;
            len = n_lost = 0;
        }
        if (!g)
            break;
        image = g->image;
        for (uint32_t k = 0; k < g->n_ids; k++) {
            sm_entity_id id = g->ids[k];
            int dup = 0, kept = 0;
            /* Each (image, kind, id) once. */
            for (uint32_t e = 0; e < i && !dup; e++)
                dup = src->tags[e].kind == g->kind && src->tags[e].image == g->image &&
                      tag_has(&src->tags[e], id);
            for (uint32_t e = 0; e < k && !dup; e++)
                dup = g->ids[e].kind == id.kind && g->ids[e].number == id.number;
            if (dup)
                continue;
            for (uint32_t a = 0; a < ans->n_tags && !kept; a++)
                kept = ans->tags[a].kind == g->kind && ans->tags[a].image == g->image &&
                       tag_has(&ans->tags[a], id);
            if (kept)
                continue;
            char idbuf[24];
            sm_entity_id_format(id, idbuf, sizeof idbuf);
            if (len + 40 < sizeof lost)
                len += (size_t)snprintf(lost + len, sizeof lost - len, "%s<%s %s>",
                                        n_lost ? ", " : "", tag_name(g->kind), idbuf);
            n_lost++;
        }
    }
    return 0;
}

static int check_story_rules(sm_ground_verdict *v, const sm_story *src, sm_story *ans)
{
    sm_story_check(&v->answer, ans, NULL);
    for (uint32_t i = 0; i < ans->n_issues; i++) {
        const sm_story_issue *is = &ans->issues[i];
        if (is->field != SM_FIELD_STORY || source_has_issue(src, is->code))
            continue;
        char code[64];
        snprintf(code, sizeof code, "check:%s", is->code);
        if (gr_problem_add(v, code, 1, "%s", is->message) != 0)
            return -1;
    }
    return check_tags_kept(v, src, ans);
}

/* ------------------------------------------------------------------ rule 2 */

static int mentions(const sm_story *s, uint32_t number)
{
    for (uint32_t i = 0; i < s->n_tags; i++)
        if (s->tags[i].kind == SM_TAG_GDO && tag_has(&s->tags[i], (sm_entity_id){SM_ENT_CHAR, number}))
            return 1;
    return 0;
}

static int check_names(sm_ground_verdict *v, const sm_story *src, const gr_text *t)
{
    const sm_story *ans = t->s;
    const sm_context *c = t->c;
    v->names = sm_arena_alloc(&v->arena, (c->n_characters + 1) * sizeof *v->names);
    if (!v->names)
        return -1;
    /* Named chars the source story mentions must be called by name. */
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        int p = gr_person_of_char(t, (uint32_t)ch->number);
        if (p < 0 || !mentions(src, (uint32_t)ch->number))
            continue;
        sm_ground_name *nm = &v->names[v->n_names++];
        nm->character = ch;
        nm->called = 0;
        for (uint32_t g = 0; g < ans->n_tags && !nm->called; g++) {
            const sm_story_tag *tag = &ans->tags[g];
            if (tag->kind != SM_TAG_GDO || !tag_has(tag, (sm_entity_id){SM_ENT_CHAR, (uint32_t)ch->number}))
                continue;
            uint32_t end = tag->content.off + tag->content.len;
            for (size_t k = gr_token_at(t, tag->content.off);
                 k < t->tokens.n_items && t->tokens.items[k].offset < end && !nm->called; k++)
                nm->called = gr_is_name_word(t, (size_t)p, sm_token_norm(&t->tokens, k));
        }
        if (!nm->called &&
            gr_problem_add(v, "name-missing", 2,
                           "%s is %s, but the story never calls %s by name: write %s (or a part "
                           "of it) inside one of its <gdo %s> tags", ch->id, ch->name, ch->id,
                           ch->name, ch->id) != 0)
            return -1;
    }
    /* No <gdo> tag calls its char by somebody else's name. */
    for (uint32_t g = 0; g < ans->n_tags; g++) {
        const sm_story_tag *tag = &ans->tags[g];
        int has_char = 0;
        for (uint32_t x = 0; x < tag->n_ids; x++)
            has_char |= tag->ids[x].kind == SM_ENT_CHAR;
        if (tag->kind != SM_TAG_GDO || !has_char)
            continue;
        uint32_t end = tag->content.off + tag->content.len;
        size_t k0 = gr_token_at(t, tag->content.off);
        for (size_t k = k0; k < t->tokens.n_items && t->tokens.items[k].offset < end; k++) {
            const sm_token *tok = &t->tokens.items[k];
            /* "the nephew of Martha" names somebody else, it does not call
             * the char so. */
            if (!gr_capitalised(ans->text, tok->offset, tok->length) ||
                (k > k0 && gr_is_preposition(sm_token_norm(&t->tokens, k - 1))))
                continue;
            const char *w = sm_token_norm(&t->tokens, k);
            int own = 0, other = -1;
            for (size_t p = 0; p < t->n_people; p++) {
                if (!gr_is_name_word(t, p, w))
                    continue;
                const sm_context_character *ch = t->people[p].character;
                if (ch && tag_has(tag, (sm_entity_id){SM_ENT_CHAR, (uint32_t)ch->number}))
                    own = 1;
                else if (other < 0)
                    other = (int)p;
            }
            if (own || other < 0)
                continue;
            char ids[64];
            size_t at = 0;
            ids[0] = '\0';
            for (uint32_t x = 0; x < tag->n_ids && at + 24 < sizeof ids; x++) {
                char idbuf[24];
                sm_entity_id_format(tag->ids[x], idbuf, sizeof idbuf);
                at += (size_t)snprintf(ids + at, sizeof ids - at, "%s%s", x ? " " : "", idbuf);
            }
            const char *own_name = NULL;
            if (tag->n_ids == 1 && tag->ids[0].kind == SM_ENT_CHAR) {
                int p = gr_person_of_char(t, tag->ids[0].number);
                own_name = p >= 0 ? t->people[p].name : NULL;
            }
            if (gr_problem_add(v, "name-wrong", 2,
                               "<gdo %s>%.*s</gdo>: \"%.*s\" is the name of %s, not of %s%s%s%s", ids,
                               (int)(tag->content.len > 80 ? 80 : tag->content.len),
                               ans->text + tag->content.off, (int)tok->length,
                               ans->text + tok->offset, t->people[other].name, ids,
                               own_name ? " (" : "", own_name ? own_name : "",
                               own_name ? ")" : "") != 0)
                return -1;
            break;              /* one problem per tag */
        }
    }
    return 0;
}

/* -------------------------------------------------------------- rules 3, 4 */

static int check_quotes(sm_ground_verdict *v, const sm_context *c)
{
    for (size_t i = 0; i < v->quotes.n_items; i++) {
        const sm_quote *q = &v->quotes.items[i];
        int n = (int)(strlen(q->text) > 120 ? 120 : strlen(q->text));
        int rc = 0;
        if (!q->closed)
            rc = gr_problem_add(v, "quote-unclosed", 3,
                                "the quotation \"%.*s\" is never closed; close every quotation "
                                "in the same image block", n, q->text);
        else if (!q->found)
            rc = gr_problem_add(v, "quote-invented", 3,
                                c->n_dialogue
                                    ? "\"%.*s\" is not said in these images' dialogue; quote only "
                                      "lines from the dialogue, word for word"
                                    : "\"%.*s\" is quoted, but nothing is said in these images; "
                                      "quote nothing",
                                n, q->text);
        else if (q->checkable && !q->correct)
            rc = gr_problem_add(v, "quote-speaker", 4,
                                "\"%.*s\" is said by %s (cue %d), but the story gives it to %s%s%s%s",
                                n, q->text, q->speaker, q->segment->cue, q->attributed_to,
                                q->attributed_id ? " (" : "", q->attributed_id ? q->attributed_id : "",
                                q->attributed_id ? ")" : "");
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- verify */

int sm_ground_verify(const sm_story *src, const sm_context *c, const char *answer, size_t len,
                     int truncated, sm_ground_verdict *v)
{
    memset(v, 0, sizeof *v);
    size_t start;
    size_t n = sm_ground_clean_answer(answer, len, &start);
    if (truncated && gr_problem_add(v, "truncated", 5,
                                    "the answer was cut off at the token limit (finish_reason "
                                    "\"length\"); write a shorter story") != 0)
        return -1;

    /* The answer as a story with the source's chain of thought and images.
     * The chain of thought is the source's, already read: its tables are
     * lent to the answer (read only, by the checker) instead of parsed
     * again for every answer. */
    sm_story *ans = sm_story_add(&v->answer, src->story_id, "", 0, answer + start, n);
    if (!ans || v->answer.oom)
        return -1;
    ans->cot = src->cot;
    ans->cot_len = src->cot_len;
    ans->image_sections = src->image_sections;
    ans->n_image_sections = src->n_image_sections;
    ans->image_sections_cap = 0;
    ans->narrative = src->narrative;
    ans->has_frame_count = 1;
    ans->frame_count = src->has_images ? (long)src->n_images
                     : src->has_frame_count ? src->frame_count : (long)src->n_image_sections;
    v->story = ans;
    v->text = ans->text;
    v->text_len = ans->text_len;
    if (n == 0) {
        if (gr_problem_add(v, "empty", 5, "the answer holds no story") != 0)
            return -1;
        v->passed = 0;
        return 0;
    }

    gr_text t;
    int rc = -1;
    if (gr_text_open(&t, ans, c) != 0)
        goto done;
    if (check_story_rules(v, src, ans) != 0 || v->answer.oom)
        goto done;
    if (check_names(v, src, &t) != 0)
        goto done;
    if (gr_quotes_find(&t, &v->quotes) != 0 || check_quotes(v, c) != 0)
        goto done;
    rc = 0;
done:
    gr_text_close(&t);
    v->passed = rc == 0 && v->n_problems == 0;
    return rc;
}

void sm_ground_verdict_free(sm_ground_verdict *v)
{
    free(v->problems);
    sm_quotes_free(&v->quotes);
    sm_story_set_free(&v->answer);
    sm_arena_free(&v->arena);
    memset(v, 0, sizeof *v);
}
