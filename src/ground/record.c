/* record.c - the StoryMovie record of a story that passed verification
 * (docs/generate.md, "stories.jsonl"). */
#include "ground/ground_internal.h"

#include <stdlib.h>
#include <string.h>

char *sm_ground_named_cot(const sm_story *s, const sm_context *c, size_t *len)
{
    /* Room for every Name cell replaced by the longest name. */
    size_t longest = 0, rows = 0;
    for (size_t i = 0; i < c->n_characters; i++)
        if (c->characters[i].name && strlen(c->characters[i].name) > longest)
            longest = strlen(c->characters[i].name);
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        rows += s->image_sections[i].tables[SM_TABLE_CHARACTERS].n_rows;
    char *out = malloc(s->cot_len + rows * longest + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    uint32_t from = 0;
    for (uint32_t i = 0; i < s->n_image_sections; i++) {
        const sm_story_table *tab = &s->image_sections[i].tables[SM_TABLE_CHARACTERS];
        if (tab->col_name < 0)
            continue;
        for (uint32_t r = 0; r < tab->n_rows; r++) {
            const sm_story_row *row = &tab->rows[r];
            if (row->id.kind != SM_ENT_CHAR || (uint32_t)tab->col_name >= row->n_cells)
                continue;
            char id[24];
            sm_entity_id_format(row->id, id, sizeof id);
            const char *name = sm_context_name(c, id);
            const sm_span *cell = &row->cells[tab->col_name];
            if (!name || cell->off < from)
                continue;
            memcpy(out + o, s->cot + from, cell->off - from);
            o += cell->off - from;
            size_t n = strlen(name);
            /* A name with '|' or a line break would break the table. */
            for (size_t k = 0; k < n; k++)
                out[o++] = name[k] == '|' || name[k] == '\n' || name[k] == '\r' ? ' ' : name[k];
            from = cell->off + cell->len;
        }
    }
    memcpy(out + o, s->cot + from, s->cot_len - from);
    o += s->cot_len - from;
    out[o] = '\0';
    *len = o;
    return out;
}

void sm_ground_write_problems(sm_json *j, const sm_ground_verdict *v)
{
    sm_json_begin_array(j);
    for (size_t i = 0; i < v->n_problems; i++) {
        sm_json_begin_object(j);
        sm_json_kv_string(j, "code", v->problems[i].code);
        sm_json_kv_int(j, "rule", v->problems[i].rule);
        sm_json_kv_string(j, "message", v->problems[i].message);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
}

int sm_ground_write_record(sm_json *j, const sm_story *s, const sm_context *c,
                           const sm_ground_verdict *v, const char *model, int attempts)
{
    size_t cot_len;
    char *cot = sm_ground_named_cot(s, c, &cot_len);
    if (!cot)
        return -1;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", s->story_id);
    sm_json_kv_string(j, "movie", c->movie);
    sm_json_key(j, "images");
    sm_json_begin_array(j);
    if (s->has_images)
        for (uint32_t i = 0; i < s->n_images; i++)
            sm_json_string(j, s->images[i]);
    else
        for (size_t i = 0; i < c->n_frames; i++)
            sm_json_string(j, c->frames[i].keyframe);
    sm_json_end_array(j);
    sm_json_kv_int(j, "frame_count", s->has_images ? (long long)s->n_images : (long long)c->n_frames);
    sm_json_key(j, "chain_of_thought");
    sm_json_stringn(j, cot, cot_len);
    free(cot);
    sm_json_key(j, "story");
    sm_json_stringn(j, v->text, v->text_len);
    sm_json_key(j, "source_story");
    sm_json_stringn(j, s->text, s->text_len);

    sm_json_key(j, "names");
    sm_json_begin_object(j);
    for (size_t i = 0; i < c->n_characters; i++)
        if (c->characters[i].name)
            sm_json_kv_string(j, c->characters[i].id, c->characters[i].name);
    sm_json_end_object(j);

    sm_json_key(j, "quotes");
    sm_json_begin_array(j);
    for (size_t i = 0; i < v->quotes.n_items; i++) {
        const sm_quote *q = &v->quotes.items[i];
        sm_json_begin_object(j);
        sm_json_kv_string(j, "text", q->text);
        if (q->segment) {
            sm_json_kv_int(j, "cue", q->segment->cue);
            sm_json_kv_int(j, "segment", q->segment->segment);
        } else {
            sm_json_kv_null(j, "cue");
            sm_json_kv_null(j, "segment");
        }
        sm_json_kv_string(j, "speaker", q->speaker);
        sm_json_kv_string(j, "attributed_to", q->attributed_to);
        sm_json_kv_string(j, "char", q->attributed_id);
        sm_json_kv_int(j, "segments", q->segment ? q->segments : 0);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_kv_string(j, "model", model);
    sm_json_kv_string(j, "prompt_version", SM_GROUND_PROMPT_VERSION);
    sm_json_kv_int(j, "attempts", attempts);
    sm_json_end_object(j);
    return j->failed ? -1 : 0;
}
