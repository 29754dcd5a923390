/* story_entities.c - the entities of a story and where they appear: the
 * index behind `storymovie story entities` (and re-identification
 * analysis: in how many images each character is described, mentioned
 * and grounded).  See sm_story_entities_json() in story.h. */
#include "story/story_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"

/* A sorted set of image numbers. */
typedef struct int_list {
    int *v;
    size_t n, cap;
} int_list;

static int int_list_add(int_list *l, int x)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] == x)
            return 0;
    if (sm_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0)
        return -1;
    /* Keep sorted: images are mostly added in order. */
    size_t i = l->n++;
    while (i > 0 && l->v[i - 1] > x)
        l->v[i] = l->v[i - 1], i--;
    l->v[i] = x;
    return 0;
}

typedef struct entity {
    uint64_t key;             /* kind << 32 | number: sorts characters, objects, ... by number */
    int defined;
    int_list described, boxed, mentioned;
    sm_span *names;           /* distinct Name (characters) or Description cells */
    size_t n_names, names_cap;
} entity;

typedef struct entity_index {
    entity *items;            /* sorted by key */
    size_t n;
} entity_index;

static uint64_t key_of(sm_entity_id id) { return ((uint64_t)id.kind << 32) | id.number; }

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static entity *find_entity(const entity_index *ix, uint64_t key)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ix->items[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && ix->items[lo].key == key ? &ix->items[lo] : NULL;
}

static void index_free(entity_index *ix)
{
    for (size_t i = 0; i < ix->n; i++) {
        free(ix->items[i].described.v);
        free(ix->items[i].boxed.v);
        free(ix->items[i].mentioned.v);
        free(ix->items[i].names);
    }
    free(ix->items);
    memset(ix, 0, sizeof *ix);
}

/* Every id of a Characters/Objects row or a tag, once each, in key order. */
static int collect_ids(const sm_story *s, entity_index *ix)
{
    size_t nkeys = 0, cap = 0;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        cap += s->image_sections[i].tables[0].n_rows + s->image_sections[i].tables[1].n_rows;
    for (uint32_t t = 0; t < s->n_tags; t++)
        cap += s->tags[t].n_ids;
    uint64_t *keys = malloc((cap ? cap : 1) * sizeof *keys);
    if (!keys)
        return -1;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        for (int k = 0; k < 2; k++)
            for (uint32_t r = 0; r < s->image_sections[i].tables[k].n_rows; r++)
                if (s->image_sections[i].tables[k].rows[r].id.kind != SM_ENT_NONE)
                    keys[nkeys++] = key_of(s->image_sections[i].tables[k].rows[r].id);
    for (uint32_t t = 0; t < s->n_tags; t++)
        for (uint32_t k = 0; k < s->tags[t].n_ids; k++)
            keys[nkeys++] = key_of(s->tags[t].ids[k]);
    qsort(keys, nkeys, sizeof *keys, cmp_u64);
    size_t n = 0;
    for (size_t i = 0; i < nkeys; i++)
        if (n == 0 || keys[n - 1] != keys[i])
            keys[n++] = keys[i];
    ix->items = calloc(n ? n : 1, sizeof *ix->items);
    if (!ix->items) {
        free(keys);
        return -1;
    }
    ix->n = n;
    for (size_t i = 0; i < n; i++)
        ix->items[i].key = keys[i];
    free(keys);
    return 0;
}

static int add_name(entity *e, const char *cot, sm_span name)
{
    if (name.len == 0)
        return 0;
    for (size_t i = 0; i < e->n_names; i++)
        if (e->names[i].len == name.len && memcmp(cot + e->names[i].off, cot + name.off, name.len) == 0)
            return 0;
    if (sm_grow(&e->names, &e->names_cap, e->n_names + 1, sizeof *e->names) != 0)
        return -1;
    e->names[e->n_names++] = name;
    return 0;
}

/* Where the tables describe and box each entity, and what they call it. */
static int index_tables(const sm_story *s, entity_index *ix)
{
    int oom = 0;
    for (uint32_t i = 0; i < s->n_image_sections; i++) {
        const sm_story_image *img = &s->image_sections[i];
        for (int k = 0; k < 2; k++) {
            const sm_story_table *tab = &img->tables[k];
            int col = k == 0 ? tab->col_name : tab->col_description;
            for (uint32_t r = 0; r < tab->n_rows; r++) {
                const sm_story_row *row = &tab->rows[r];
                entity *e = row->id.kind ? find_entity(ix, key_of(row->id)) : NULL;
                if (!e)
                    continue;
                e->defined = 1;
                oom |= int_list_add(&e->described, img->number);
                if (row->has_box)
                    oom |= int_list_add(&e->boxed, img->number);
                if (col >= 0 && (uint32_t)col < row->n_cells)
                    oom |= add_name(e, s->cot, row->cells[col]);
            }
        }
    }
    return oom ? -1 : 0;
}

/* The images whose <gdi> block has a tag naming each entity. */
static int index_tags(const sm_story *s, entity_index *ix)
{
    int oom = 0;
    for (uint32_t t = 0; t < s->n_tags; t++)
        for (uint32_t k = 0; k < s->tags[t].n_ids; k++) {
            entity *e = find_entity(ix, key_of(s->tags[t].ids[k]));
            if (e && s->tags[t].image > 0)
                oom |= int_list_add(&e->mentioned, s->tags[t].image);
        }
    return oom ? -1 : 0;
}

static void write_ints(sm_json *j, const char *key, const int_list *l)
{
    sm_json_key(j, key);
    sm_json_begin_array(j);
    for (size_t i = 0; i < l->n; i++)
        sm_json_int(j, l->v[i]);
    sm_json_end_array(j);
}

/* Every tag naming the entity: image, tag, text (inner tags removed) and
 * offset.  plain has room for the whole story. */
static void write_mentions(sm_json *j, const sm_story *s, const entity *e, char *plain)
{
    static const char *const tag_names[] = {"gdi", "gdo", "gda", "gdl"};
    sm_json_key(j, "mentions");
    sm_json_begin_array(j);
    for (uint32_t t = 0; t < s->n_tags; t++) {
        const sm_story_tag *tag = &s->tags[t];
        for (uint32_t k = 0; k < tag->n_ids; k++)
            if (key_of(tag->ids[k]) == e->key) {
                size_t pn = sm_story_plain_text(s->text + tag->content.off, tag->content.len, plain);
                sm_json_begin_object(j);
                sm_json_kv_int(j, "image", tag->image);
                sm_json_kv_string(j, "tag", tag_names[tag->kind]);
                sm_json_key(j, "text");
                sm_json_stringn(j, plain, pn);
                sm_json_kv_int(j, "offset", tag->open.off);
                sm_json_end_object(j);
                break;
            }
    }
    sm_json_end_array(j);
}

static int write_entity(sm_json *j, const sm_story *s, const entity *e, char *plain)
{
    sm_entity_id id = {(uint32_t)(e->key >> 32), (uint32_t)e->key};
    char idbuf[24];
    sm_json_begin_object(j);
    sm_json_kv_string(j, "id", sm_entity_id_format(id, idbuf, sizeof idbuf));
    sm_json_kv_string(j, "kind", sm_entity_kind_name(id.kind));
    sm_json_kv_bool(j, "defined", e->defined);
    sm_json_key(j, "names");
    sm_json_begin_array(j);
    for (size_t k = 0; k < e->n_names; k++)
        sm_json_stringn(j, s->cot + e->names[k].off, e->names[k].len);
    sm_json_end_array(j);
    write_ints(j, "described", &e->described);
    write_ints(j, "boxed", &e->boxed);
    write_ints(j, "mentioned", &e->mentioned);
    int oom = 0;
    int_list grounded = {0};
    for (size_t k = 0; k < e->mentioned.n; k++)
        for (size_t q = 0; q < e->boxed.n; q++)
            if (e->boxed.v[q] == e->mentioned.v[k])
                oom |= int_list_add(&grounded, e->mentioned.v[k]);
    write_ints(j, "grounded", &grounded);
    free(grounded.v);
    write_mentions(j, s, e, plain);
    sm_json_end_object(j);
    return oom ? -1 : 0;
}

int sm_story_entities_json(sm_json *j, const sm_story *s)
{
    entity_index ix = {0};
    int oom = collect_ids(s, &ix) != 0;
    oom = oom || index_tables(s, &ix) != 0 || index_tags(s, &ix) != 0;
    char *plain = malloc((size_t)s->text_len + 1);
    oom |= !plain;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", s->story_id);
    sm_json_kv_int(j, "images", s->has_images ? (long long)s->n_images : (long long)s->n_image_sections);
    sm_json_key(j, "entities");
    sm_json_begin_array(j);
    for (size_t i = 0; i < ix.n && !oom; i++)
        oom |= write_entity(j, s, &ix.items[i], plain) != 0;
    sm_json_end_array(j);
    sm_json_end_object(j);
    free(plain);
    index_free(&ix);
    return oom || j->failed ? -1 : 0;
}
