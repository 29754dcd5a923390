/* fuzz_link_context.c - libFuzzer target for the reader of context records
 * (sm_context_read_buffer).
 *
 * On arbitrary bytes the reader must not crash, leak or leave anything
 * behind on failure.  What it accepts must keep the promises of context.h
 * that consumers index by: every image number in 1..n_frames, frames
 * numbered in order, every story_id found by the index, dialogue and script
 * in the order the lookups search, every string a C string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/context.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_marks(const sm_context *c, const sm_context_marks *m)
{
    for (size_t i = 0; i < m->n_frames; i++)
        if (m->frames[i] < 1 || (size_t)m->frames[i] > c->n_frames ||
            !sm_context_on_image(m, m->frames[i]))
            abort();
    for (int k = 0; k < 2; k++)
        if (m->between[k] < 0 || (size_t)m->between[k] > c->n_frames || (!m->has_between && m->between[k]))
            abort();
}

static void check_string(const char *s, int may_be_null)
{
    if (!s && !may_be_null)
        abort();
    if (s)
        (void)strlen(s);
}

static void check_record(const sm_context_set *set, const sm_context *c)
{
    check_string(c->story_id, 0);
    if (!c->story_id[0] || sm_context_find(set, c->story_id) != c)
        abort();
    check_string(c->movie, 0);
    check_string(c->title, 1);
    check_string(c->alignment, 1);
    check_string(c->window.padding, 0);
    if (c->n_frames == 0 || !(c->fps > 0))
        abort();
    for (size_t i = 0; i < c->n_frames; i++) {
        if ((size_t)c->frames[i].image != i + 1)
            abort();
        check_string(c->frames[i].keyframe, 0);
    }
    for (size_t i = 0; i < c->n_scenes; i++) {
        check_string(c->scenes[i].heading, 1);
        check_marks(c, &c->scenes[i].marks);
    }
    for (size_t i = 0; i < c->n_movienet_scenes; i++) {
        check_string(c->movienet_scenes[i].id, 1);
        check_marks(c, &c->movienet_scenes[i].marks);
    }
    for (size_t i = 0; i < c->n_script; i++) {
        const sm_context_block *b = &c->script[i];
        check_string(b->kind, 0);
        check_string(b->speaker, 1);
        check_string(b->text, 1);
        check_string(b->timing, 1);
        check_marks(c, &b->marks);
        if (sm_context_find_block(c, b->block) != b)
            abort();
    }
    const sm_context_segment **heard = malloc((c->n_dialogue + 1) * sizeof *heard);
    if (!heard)
        return;
    for (size_t i = 0; i < c->n_dialogue; i++) {
        const sm_context_segment *s = &c->dialogue[i];
        check_string(s->speaker, 1);
        check_string(s->text, 1);
        check_string(s->evidence, 1);
        check_marks(c, &s->marks);
        if (sm_context_find_segment(c, s->cue, s->segment) != s)
            abort();
    }
    if (sm_context_dialogue_by_time(c, heard) != c->n_dialogue)
        abort();
    for (size_t i = 1; i < c->n_dialogue; i++)
        if (heard[i - 1]->start > heard[i]->start)
            abort();
    free(heard);
    for (size_t i = 0; i < c->n_synopsis; i++) {
        check_string(c->synopsis[i].id, 1);
        check_string(c->synopsis[i].description, 1);
    }
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        check_string(ch->id, 0);
        check_string(ch->cot_name, 1);
        check_string(ch->actor, 1);
        check_string(ch->pid, 1);
        check_string(ch->unnamed, 1);
        check_string(ch->evidence.speaker, 1);
        if (ch->number < 0 || strncmp(ch->id, "char", 4) != 0)
            abort();
        const sm_context_character *found = sm_context_find_character(c, ch->id);
        if (!found || strcmp(found->id, ch->id) != 0 || sm_context_name(c, ch->id) != found->name)
            abort();
        for (size_t k = 0; k < ch->evidence.n_matched_frames; k++)
            if (ch->evidence.matched_frames[k] < 1 || (size_t)ch->evidence.matched_frames[k] > c->n_frames)
                abort();
        for (size_t k = 0; k < ch->evidence.n_same_cast_as; k++)
            check_string(ch->evidence.same_cast_as[k], 0);
    }
    for (size_t i = 0; i < c->n_problems; i++)
        check_string(c->problems[i], 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly `size` bytes, so ASan sees any read past the end. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    sm_context_set set;
    sm_error err;
    if (sm_context_read_buffer("fuzz.jsonl", text, size, &set, &err) != 0) {
        if (set.items || set.n_items || set.slots || set.arena.head || set.name || !err.message[0])
            abort();            /* a failure leaves nothing behind, and says why */
    } else {
        if (set.n_items == 0)
            abort();
        for (size_t i = 0; i < set.n_items; i++)
            check_record(&set, &set.items[i]);
        sm_context_set_free(&set);
    }
    free(text);
    return 0;
}
