/* view_story.c - the data of one story page.
 *
 * From the context record: the frames with their times and shots, the
 * window, the window's dialogue with speakers and confidence, its script
 * blocks, scenes and synopsis, the real names of the char ids and why.
 * From the story record, when given: the chain of thought's boxes per
 * frame (in the keyframe's pixels), the story as a tree of tags, what
 * `story check` finds wrong with it, and for a StoryMovie record its model,
 * names and quotations (each found in the story text and tied to its
 * subtitle).  From the result files: the story's failures, judge verdicts
 * and QA answers, as written.
 *
 * Keys are short and the long lists are arrays of arrays: a page may hold
 * a thousand stories.  page.js reads exactly this shape. */
#define _POSIX_C_SOURCE 200809L
#include "view/view_internal.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/movienet.h"

static void emit_ints(sm_json *j, const int *v, size_t n)
{
    sm_json_begin_array(j);
    for (size_t i = 0; i < n; i++)
        sm_json_int(j, v[i]);
    sm_json_end_array(j);
}

static void emit_marks(sm_json *j, const sm_context_marks *m) { emit_ints(j, m->frames, m->n_frames); }

static void emit_between(sm_json *j, const sm_context_marks *m)
{
    if (!m->has_between) {
        sm_json_null(j);
        return;
    }
    sm_json_begin_array(j);
    for (int k = 0; k < 2; k++) {
        if (m->between[k])
            sm_json_int(j, m->between[k]);
        else
            sm_json_null(j);
    }
    sm_json_end_array(j);
}

static void emit_time(sm_json *j, double t) { sm_json_fixed(j, t, 3); }

/* ------------------------------------------------------------ boxes */

static char kind_letter(uint32_t kind)
{
    switch (kind) {
    case SM_ENT_CHAR: return 'c';
    case SM_ENT_OBJ: return 'o';
    case SM_ENT_LM: return 'l';
    case SM_ENT_BG: return 'b';
    default: return '?';
    }
}

static void emit_cell(sm_json *j, const sm_story *s, const sm_story_row *row, int col)
{
    if (col >= 0 && (uint32_t)col < row->n_cells)
        sm_json_stringn(j, s->cot + row->cells[col].off, row->cells[col].len);
    else
        sm_json_string(j, "");
}

/* The boxes of image n: [id, kind letter, label, x1, y1, x2, y2]; the label
 * of a character is its real name when one was found, else its Name cell;
 * of an object, its Description cell. */
static size_t emit_boxes(sm_json *j, const sm_context *c, const sm_story *s, int n)
{
    size_t count = 0;
    sm_json_begin_array(j);
    for (uint32_t k = 0; s && k < s->n_image_sections; k++) {
        const sm_story_image *im = &s->image_sections[k];
        if (im->number != n)
            continue;
        for (int t = SM_TABLE_CHARACTERS; t <= SM_TABLE_OBJECTS; t++) {
            const sm_story_table *tab = &im->tables[t];
            for (uint32_t r = 0; tab->present && r < tab->n_rows; r++) {
                const sm_story_row *row = &tab->rows[r];
                if (!row->has_box || row->id.kind == SM_ENT_NONE)
                    continue;
                char id[24];
                sm_entity_id_format(row->id, id, sizeof id);
                char kind[2] = {kind_letter(row->id.kind), '\0'};
                sm_json_begin_array(j);
                sm_json_string(j, id);
                sm_json_string(j, kind);
                const char *name = row->id.kind == SM_ENT_CHAR ? sm_context_name(c, id) : NULL;
                if (name)
                    sm_json_string(j, name);
                else
                    emit_cell(j, s, row, t == SM_TABLE_CHARACTERS ? tab->col_name : tab->col_description);
                for (int b = 0; b < 4; b++)
                    sm_json_double(j, row->box[b]);
                sm_json_end_array(j);
                count++;
            }
        }
    }
    sm_json_end_array(j);
    return count;
}

/* ------------------------------------------------------------ frames */

static int same_keyframe(const char *a, const char *b)
{
    sm_keyframe x, y;
    if (sm_keyframe_parse(a, &x, NULL) != 0 || sm_keyframe_parse(b, &y, NULL) != 0)
        return strcmp(a, b) == 0;
    return strcmp(x.movie, y.movie) == 0 && x.shot == y.shot && x.img == y.img;
}

/* A story record must be about the frames of its context record. */
static int check_images(const sm_context *c, const sm_story *s, const char *stories_name,
                        sm_error *err)
{
    if (!s->has_images)
        return 0;
    if (s->n_images != c->n_frames)
        return sm_fail(err, stories_name, s->record_line,
                       "story %s has %u images, its context record (line %ld) %zu: "
                       "not the same story", c->story_id, s->n_images, c->line, c->n_frames);
    for (uint32_t i = 0; i < s->n_images; i++)
        if (!same_keyframe(s->images[i], c->frames[i].keyframe))
            return sm_fail(err, stories_name, s->record_line,
                           "story %s: image %u is %s, its context record (line %ld) has %s: "
                           "not the same story", c->story_id, i + 1, s->images[i], c->line,
                           c->frames[i].keyframe);
    return 0;
}

static int emit_frames(sm_json *j, const sm_context *c, const sm_story *s, view_images *im,
                       sm_view_stats *stats, int *common_w, int *common_h, sm_error *err)
{
    *common_w = *common_h = -1;
    sm_json_key(j, "frames");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_frames; i++) {
        const sm_context_frame *f = &c->frames[i];
        long src;
        int w, h;
        if (view_images_add(im, f->keyframe, &src, &w, &h, err) != 0)
            return -1;
        if (*common_w == -1) {
            *common_w = w;
            *common_h = h;
        } else if (*common_w != w || *common_h != h) {
            *common_w = *common_h = 0;
        }
        sm_json_begin_object(j);
        sm_json_kv_int(j, "n", f->image);
        sm_json_kv_string(j, "kf", f->keyframe);
        sm_json_kv_fixed(j, "t", f->time, 3);
        sm_json_kv_int(j, "shot", f->shot);
        sm_json_kv_int(j, "img", f->img);
        sm_json_kv_int(j, "frame", f->frame);
        sm_json_kv_fixed(j, "ss", f->shot_start, 3);
        sm_json_kv_fixed(j, "se", f->shot_end, 3);
        sm_json_kv_int(j, "lines", f->lines);
        sm_json_kv_int(j, "src", src);
        sm_json_kv_int(j, "w", w);
        sm_json_kv_int(j, "h", h);
        sm_json_key(j, "boxes");
        stats->boxes += emit_boxes(j, c, s, f->image);
        sm_json_end_object(j);
        stats->frames++;
    }
    sm_json_end_array(j);
    return 0;
}

/* ------------------------------------------------------------ context */

static void emit_characters(sm_json *j, const sm_context *c)
{
    sm_json_key(j, "chars");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        const sm_context_evidence *ev = &ch->evidence;
        sm_json_begin_object(j);
        sm_json_kv_string(j, "id", ch->id);
        sm_json_kv_string(j, "cot", ch->cot_name);
        sm_json_kv_string(j, "name", ch->name);
        sm_json_kv_string(j, "actor", ch->actor);
        sm_json_kv_string(j, "pid", ch->pid);
        sm_json_kv_int(j, "boxes", ev->boxes);
        sm_json_key(j, "matched");
        emit_ints(j, ev->matched_frames, ev->n_matched_frames);
        if (ev->has_iou) {
            sm_json_kv_fixed(j, "iou", ev->iou_mean, 3);
            sm_json_kv_fixed(j, "iou_min", ev->iou_min, 3);
        }
        sm_json_kv_int(j, "conflicts", ev->conflicting_frames);
        if (ev->n_same_cast_as) {
            sm_json_key(j, "same");
            sm_json_begin_array(j);
            for (size_t k = 0; k < ev->n_same_cast_as; k++)
                sm_json_string(j, ev->same_cast_as[k]);
            sm_json_end_array(j);
        }
        if (ev->has_speaker_check) {
            sm_json_kv_string(j, "speaker", ev->speaker);
            sm_json_kv_int(j, "lines", ev->speaker_lines);
            sm_json_kv_int(j, "on_frames", ev->lines_on_its_frames);
        }
        if (ch->unnamed)
            sm_json_kv_string(j, "unnamed", ch->unnamed);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
}

static void emit_dialogue(sm_json *j, const sm_context *c)
{
    sm_json_key(j, "dialogue");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_dialogue; i++) {
        const sm_context_segment *d = &c->dialogue[i];
        sm_json_begin_array(j);
        sm_json_int(j, d->cue);
        sm_json_int(j, d->segment);
        emit_time(j, d->start);
        emit_time(j, d->end);
        sm_json_string(j, d->speaker);
        sm_json_fixed(j, d->confidence, 2);
        sm_json_string(j, d->text);
        if (d->block)
            sm_json_int(j, d->block);
        else
            sm_json_null(j);
        emit_marks(j, &d->marks);
        emit_between(j, &d->marks);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
}

static void emit_script(sm_json *j, const sm_context *c)
{
    sm_json_key(j, "script");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_script; i++) {
        const sm_context_block *b = &c->script[i];
        sm_json_begin_array(j);
        sm_json_int(j, b->block);
        sm_json_string(j, b->kind);
        sm_json_int(j, b->scene);
        sm_json_string(j, b->speaker);
        sm_json_string(j, b->text);
        emit_time(j, b->start);
        emit_time(j, b->end);
        sm_json_string(j, b->timing);
        emit_marks(j, &b->marks);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
    sm_json_key(j, "scenes");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_scenes; i++) {
        const sm_context_scene *sc = &c->scenes[i];
        sm_json_begin_array(j);
        sm_json_int(j, sc->scene);
        sm_json_string(j, sc->heading);
        emit_time(j, sc->start);
        emit_time(j, sc->end);
        emit_marks(j, &sc->marks);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
    sm_json_key(j, "mn_scenes");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_movienet_scenes; i++) {
        const sm_context_mn_scene *sc = &c->movienet_scenes[i];
        sm_json_begin_array(j);
        sm_json_string(j, sc->id);
        sm_json_int(j, sc->shot_first);
        sm_json_int(j, sc->shot_last);
        emit_time(j, sc->start);
        emit_time(j, sc->end);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
    sm_json_key(j, "synopsis");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_synopsis; i++) {
        const sm_context_synopsis *p = &c->synopsis[i];
        sm_json_begin_array(j);
        sm_json_string(j, p->id);
        emit_time(j, p->start);
        emit_time(j, p->end);
        emit_time(j, p->overlap);
        sm_json_string(j, p->description);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
}

/* ------------------------------------------------------------ the story */

/* The story text without its tags, with each byte's place in the text, so
 * a quotation written around a tag ("<gdo char1>I</gdo> wrote") is found. */
typedef struct plain {
    char *text;
    size_t *at;
    size_t len;
} plain;

static int plain_make(const sm_story *s, plain *p)
{
    size_t n = s->text_len;
    p->text = malloc(n + 1);
    p->at = malloc((n + 1) * sizeof *p->at);
    unsigned char *skip = calloc(n + 1, 1);
    if (!p->text || !p->at || !skip) {
        free(p->text);
        free(p->at);
        free(skip);
        return -1;
    }
    for (uint32_t i = 0; i < s->n_tags; i++) {
        const sm_story_tag *g = &s->tags[i];
        memset(skip + g->open.off, 1, g->open.len);
        if (g->closed)
            memset(skip + g->close.off, 1, g->close.len);
    }
    p->len = 0;
    for (size_t i = 0; i < n; i++) {
        if (skip[i])
            continue;
        p->text[p->len] = s->text[i];
        p->at[p->len++] = i;
    }
    p->text[p->len] = '\0';
    p->at[p->len] = n;
    free(skip);
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const view_quote_span *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

/* Find each quotation's text in the story, in order (searching again from
 * the start when it is not after the previous one).  Returns how many were
 * found; found[i] says which. */
static size_t find_quotes(const sm_story *s, json_t *quotes, view_quote_span *spans,
                          unsigned char *found)
{
    size_t n = json_array_size(quotes), count = 0, from = 0;
    plain p;
    if (n == 0 || plain_make(s, &p) != 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        found[i] = 0;
        const char *q = json_string_value(json_object_get(json_array_get(quotes, i), "text"));
        if (!q || !*q)
            continue;
        const char *hit = strstr(p.text + from, q);
        if (!hit)
            hit = strstr(p.text, q);
        if (!hit)
            continue;
        size_t a = (size_t)(hit - p.text), b = a + strlen(q);
        spans[count++] = (view_quote_span){p.at[a], p.at[b - 1] + 1, i};
        found[i] = 1;
        from = b;
    }
    free(p.text);
    free(p.at);
    qsort(spans, count, sizeof *spans, by_start);
    size_t kept = 0;              /* two quotations on the same words: the first wins */
    for (size_t i = 0; i < count; i++)
        if (kept == 0 || spans[i].start >= spans[kept - 1].end)
            spans[kept++] = spans[i];
    return kept;
}

static void emit_record_fields(sm_json *j, json_t *rec)
{
    static const char *const keys[] = {"model", "prompt_version", "attempts", "names", NULL};
    for (int k = 0; keys[k]; k++) {
        json_t *v = json_object_get(rec, keys[k]);
        if (!v)
            continue;
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
        if (!text) {
            j->failed = 1;
            continue;
        }
        sm_json_key(j, keys[k]);
        sm_json_raw(j, text, strlen(text));
        free(text);
    }
}

/* The record's quotations as written, each told whether it was found. */
static void emit_quotes(sm_json *j, json_t *quotes, const unsigned char *found)
{
    for (size_t i = 0; i < json_array_size(quotes); i++) {
        json_t *q = json_array_get(quotes, i);
        if (json_is_object(q))
            json_object_set_new(q, "found", json_boolean(found[i]));
    }
    char *text = json_dumps(quotes, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!text) {
        j->failed = 1;
        return;
    }
    sm_json_key(j, "quotes");
    sm_json_raw(j, text, strlen(text));
    free(text);
}

static void emit_issues(sm_json *j, const sm_story *s)
{
    sm_json_key(j, "issues");
    sm_json_begin_array(j);
    for (uint32_t i = 0; i < s->n_issues; i++) {
        const sm_story_issue *is = &s->issues[i];
        long line, col;
        sm_story_locate(s, is, &line, &col);
        sm_json_begin_array(j);
        sm_json_string(j, is->code);
        sm_json_string(j, is->message);
        sm_json_string(j, is->field == SM_FIELD_COT ? "chain_of_thought"
                          : is->field == SM_FIELD_STORY ? "story" : "record");
        sm_json_int(j, line);
        sm_json_end_array(j);
    }
    sm_json_end_array(j);
    if (s->issues_dropped)
        sm_json_kv_int(j, "issues_more", s->issues_dropped);
}

/* The original story of a StoryMovie record, drawn with its tags too. */
static void emit_source_story(sm_json *j, sm_story_set *set, const sm_story *s, json_t *rec)
{
    const char *src = json_string_value(json_object_get(rec, "source_story"));
    if (!src)
        return;
    sm_story *orig = sm_story_add(set, s->story_id, s->cot, s->cot_len, src, strlen(src));
    if (!orig)
        return;
    sm_json_key(j, "source");
    view_tags_emit(j, orig, NULL, 0);
}

static int emit_story(sm_json *j, const view_story_inputs *in, int img_w, int img_h, sm_error *err)
{
    sm_story *s = in->story;
    sm_json_key(j, "story");
    if (!s) {
        sm_json_null(j);
        return 0;
    }
    sm_story_check_options opt = {img_w > 0 ? img_w : 0, img_h > 0 ? img_h : 0};
    sm_story_check(in->story_set, s, &opt);
    json_t *rec = in->record;
    json_t *quotes = rec ? json_object_get(rec, "quotes") : NULL;
    if (!json_is_array(quotes))
        quotes = NULL;
    int storymovie = rec && (quotes || json_object_get(rec, "names") ||
                             json_object_get(rec, "source_story"));
    size_t nq = quotes ? json_array_size(quotes) : 0;
    view_quote_span *spans = malloc((nq ? nq : 1) * sizeof *spans);
    unsigned char *found = calloc(nq ? nq : 1, 1);
    if (!spans || !found) {
        free(spans);
        free(found);
        return sm_fail(err, in->context->story_id, 0, "out of memory");
    }
    size_t n_spans = quotes ? find_quotes(s, quotes, spans, found) : 0;

    sm_json_begin_object(j);
    sm_json_kv_string(j, "kind", storymovie ? "StoryMovie" : "StoryReasoning");
    sm_json_key(j, "tree");
    view_tags_emit(j, s, spans, n_spans);
    emit_issues(j, s);
    if (rec) {
        emit_record_fields(j, rec);
        if (quotes)
            emit_quotes(j, quotes, found);
        emit_source_story(j, in->story_set, s, rec);
    }
    sm_json_end_object(j);
    free(spans);
    free(found);
    return 0;
}

int view_story_emit(sm_json *j, const view_story_inputs *in, view_images *im,
                    sm_view_stats *stats, sm_error *err)
{
    const sm_context *c = in->context;
    if (in->story && check_images(c, in->story, in->story_set->name, err) != 0)
        return -1;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "id", c->story_id);
    sm_json_kv_string(j, "movie", c->movie);
    sm_json_kv_string(j, "title", c->title);
    sm_json_kv_double(j, "fps", c->fps);
    sm_json_key(j, "window");
    sm_json_begin_object(j);
    sm_json_kv_fixed(j, "start", c->window.start, 3);
    sm_json_kv_fixed(j, "end", c->window.end, 3);
    sm_json_kv_string(j, "padding", c->window.padding);
    sm_json_kv_bool(j, "in_order", c->window.images_in_film_order);
    sm_json_end_object(j);
    sm_json_kv_string(j, "alignment", c->alignment);
    int w, h;
    if (emit_frames(j, c, in->story, im, stats, &w, &h, err) != 0)
        return -1;
    emit_characters(j, c);
    emit_dialogue(j, c);
    emit_script(j, c);
    sm_json_key(j, "problems");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_problems; i++)
        sm_json_string(j, c->problems[i]);
    sm_json_end_array(j);
    if (emit_story(j, in, w, h, err) != 0)
        return -1;
    view_records *results[] = {in->failures, in->verdicts, in->qa};
    static const char *const keys[] = {"failures", "verdicts", "qa"};
    for (int k = 0; k < 3; k++) {
        if (!results[k])
            continue;
        sm_json_key(j, keys[k]);
        sm_json_begin_array(j);
        view_records_emit(results[k], c->story_id, j);
        sm_json_end_array(j);
    }
    sm_json_end_object(j);
    stats->stories++;
    stats->with_story += in->story != NULL;
    return 0;
}
