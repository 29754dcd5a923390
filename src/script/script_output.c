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

void sm_script_print_stats(FILE *f, const char *name, const sm_script *s)
{
    size_t per_kind[SM_BLOCK_PAGE_BREAK + 1] = {0};
    size_t n_dialogue = 0;
    for (size_t i = 0; i < s->n_blocks; i++) {
        per_kind[s->blocks[i].kind]++;
        n_dialogue += s->blocks[i].kind == SM_BLOCK_DIALOGUE;
    }
    fprintf(f, "%s: format %s, encoding %s\n", name, sm_script_format_name(s->format), s->encoding);
    if (s->layout)
        fprintf(f, "  layout: %s\n", s->layout);
    for (size_t i = 0; i < s->n_title; i++) {
        fprintf(f, "  title: %s: ", s->title[i].key);
        for (const char *v = s->title[i].value; *v; v++)
            if (*v == '\n')
                fputs(" / ", f);
            else
                fputc(*v, f);
        fputc('\n', f);
    }
    fprintf(f, "  scenes: %d\n  blocks: %zu (", s->n_scenes, s->n_blocks);
    int first = 1;
    for (int k = 0; k <= SM_BLOCK_PAGE_BREAK; k++)
        if (per_kind[k]) {
            fprintf(f, "%s%s %zu", first ? "" : ", ", sm_block_kind_name((sm_block_kind)k), per_kind[k]);
            first = 0;
        }
    fprintf(f, ")\n  dialogue blocks: %zu\n", n_dialogue);

    sm_speaker_count *sc;
    size_t distinct = n_dialogue ? sm_script_speakers(s, &sc) : (size_t)-1;
    if (distinct == (size_t)-1)
        return;
    fprintf(f, "  speakers: %zu\n  top speakers:", distinct);
    for (size_t i = 0; i < distinct && i < 10; i++)
        fprintf(f, "%s %s %zu", i ? "," : "", sc[i].name, sc[i].count);
    fprintf(f, "\n");
    free(sc);
}
