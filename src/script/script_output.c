/* script_output.c - a screenplay as JSON Lines (the records of `storymovie
 * script`), and the speakers of its dialogue. */
#include "storymovie/json.h"
#include "storymovie/script.h"

#include <stdlib.h>
#include <string.h>

static void write_title(sm_json *j, const sm_script *s)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "title");
    sm_json_kv_string(j, "format", sm_script_format_name(s->format));
    sm_json_key(j, "fields");
    sm_json_begin_array(j);
    for (size_t i = 0; i < s->n_title; i++) {
        sm_json_begin_object(j);
        sm_json_kv_string(j, "key", s->title[i].key);
        sm_json_kv_string(j, "value", s->title[i].value);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_end_object(j);
}

static void write_block(sm_json *j, const sm_block *b, size_t ordinal)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "block");
    sm_json_kv_int(j, "block", (long long)ordinal);
    sm_json_kv_string(j, "kind", sm_block_kind_name(b->kind));
    sm_json_kv_int(j, "scene", b->scene);
    if (b->scene_number)
        sm_json_kv_string(j, "scene_number", b->scene_number);
    if (b->speaker) {
        sm_json_kv_string(j, "speaker", b->speaker);
        sm_json_kv_string(j, "speaker_key", b->speaker_key);
    }
    if (b->extension)
        sm_json_kv_string(j, "extension", b->extension);
    if (b->parenthetical)
        sm_json_kv_string(j, "parenthetical", b->parenthetical);
    if (b->dual)
        sm_json_kv_bool(j, "dual", 1);
    if (b->centered)
        sm_json_kv_bool(j, "centered", 1);
    sm_json_kv_string(j, "text", b->text ? b->text : "");
    sm_json_kv_int(j, "line", b->line);
    sm_json_kv_int(j, "end_line", b->end_line);
    sm_json_end_object(j);
}

int sm_script_write_jsonl(FILE *f, const sm_script *s)
{
    sm_json j;
    sm_json_init(&j);
    int rc = 0;
    if (s->n_title) {
        write_title(&j, s);
        rc = sm_json_flush_line(&j, f);
    }
    /* One line at a time: memory stays flat whatever the script's size. */
    for (size_t i = 0; i < s->n_blocks && rc == 0; i++) {
        write_block(&j, &s->blocks[i], i + 1);
        rc = sm_json_flush_line(&j, f);
    }
    sm_json_free(&j);
    return rc;
}

static int by_count(const void *a, const void *b)
{
    const sm_speaker_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
    const sm_speaker_count *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    /* ties keep block order so the first written form names the speaker */
    return c ? c : (x->count < y->count ? -1 : x->count > y->count);
}

size_t sm_script_speakers(const sm_script *s, sm_speaker_count **out)
{
    *out = NULL;
    size_t n = 0;
    for (size_t i = 0; i < s->n_blocks; i++)
        n += s->blocks[i].kind == SM_BLOCK_DIALOGUE && s->blocks[i].speaker_key;
    if (n == 0)
        return 0;
    sm_speaker_count *sc = malloc(n * sizeof *sc);
    if (!sc)
        return (size_t)-1;
    n = 0;
    /* count holds the block index while sorting by key */
    for (size_t i = 0; i < s->n_blocks; i++)
        if (s->blocks[i].kind == SM_BLOCK_DIALOGUE && s->blocks[i].speaker_key)
            sc[n++] = (sm_speaker_count){s->blocks[i].speaker_key, s->blocks[i].speaker, i};
    qsort(sc, n, sizeof *sc, by_key);
    size_t distinct = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(sc[j].key, sc[i].key) == 0)
            j++;
        sc[distinct++] = (sm_speaker_count){sc[i].key, sc[i].name, j - i};
        i = j;
    }
    qsort(sc, distinct, sizeof *sc, by_count);
    *out = sc;
    return distinct;
}
