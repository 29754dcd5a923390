/* fuzz_link_alignment.c - libFuzzer target for the reader of `storymovie
 * align` output (sm_film_alignment_parse).
 *
 * On arbitrary bytes the reader must not crash, leak or leave anything
 * behind on failure, and every string it returns must be a C string.
 *
 * The reader has two parsers: a fast scanner for the flat records align
 * writes, and jansson for everything else.  They must agree, so for a
 * one-line input the fuzzer also reads the line with jansson and checks
 * the reader against it: jansson refuses the line <=> the reader fails
 * (the fast scanner must not accept what is not JSON), and a segment or
 * block record jansson accepts gives the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "storymovie/link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_string(const char *got, json_t *want)
{
    if (!json_is_string(want))
        return got == NULL;
    return got && strcmp(got, json_string_value(want)) == 0;
}

static int same_number(double got, json_t *want)
{
    return json_is_number(want) && got == json_number_value(want);
}

/* The line as jansson reads it, against what the reader made of it. */
static void check_one_line(const char *text, size_t size, int rc, const sm_film_alignment *a)
{
    json_t *o = json_loadb(text, size, 0, NULL);
    if (!json_is_object(o)) {
        if (rc == 0)
            abort();            /* fast path accepted what is not a JSON object */
        json_decref(o);
        return;
    }
    const char *type = json_string_value(json_object_get(o, "type"));
    json_t *cue = json_object_get(o, "cue"), *block = json_object_get(o, "block");
    json_t *start = json_object_get(o, "start"), *end = json_object_get(o, "end");
    if (type && strcmp(type, "segment") == 0) {
        int complete = json_is_number(start) && json_is_number(end) && json_is_integer(cue);
        if (complete != (rc == 0))
            abort();
        if (rc == 0) {
            if (a->n_segments != 1 || a->n_blocks != 0)
                abort();
            const sm_film_segment *s = &a->segments[0];
            json_t *segment = json_object_get(o, "segment"), *conf = json_object_get(o, "confidence");
            if (s->cue != (int)json_integer_value(cue) || !same_number(s->start, start) ||
                !same_number(s->end, end) || !same_string(s->text, json_object_get(o, "text")) ||
                !same_string(s->speaker, json_object_get(o, "speaker")) ||
                (json_is_integer(segment) && s->segment != (int)json_integer_value(segment)) ||
                (json_is_number(conf) && !same_number(s->confidence, conf)) ||
                s->block != (json_is_integer(block) ? (long)json_integer_value(block) : 0))
                abort();
        }
    } else if (type && strcmp(type, "block") == 0) {
        json_t *kind = json_object_get(o, "kind");
        int complete = json_is_integer(block) && json_is_string(kind);
        if (complete != (rc == 0))
            abort();
        if (rc == 0) {
            if (a->n_blocks != 1 || a->n_segments != 0)
                abort();
            const sm_film_block *b = &a->blocks[0];
            json_t *scene = json_object_get(o, "scene");
            int timed = json_is_number(start) && json_is_number(end);
            if (b->block != (long)json_integer_value(block) || !same_string(b->kind, kind) ||
                !same_string(b->speaker, json_object_get(o, "speaker")) ||
                !same_string(b->text, json_object_get(o, "text")) ||
                !same_string(b->timing, json_object_get(o, "timing")) ||
                b->scene != (json_is_integer(scene) ? (int)json_integer_value(scene) : 0) ||
                b->timed != timed || (timed && (!same_number(b->start, start) || !same_number(b->end, end))))
                abort();
        }
    } else if (rc != 0 || a->n_segments != 0 || a->n_blocks != 0) {
        abort();                /* other record types are skipped, never an error */
    }
    json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy of exactly `size` bytes, so ASan sees any read past the end. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    sm_film_alignment a;
    sm_error err;
    int rc = sm_film_alignment_parse("fuzz.jsonl", text, size, &a, &err);
    if (rc != 0) {
        if (a.segments || a.blocks || a.n_segments || a.n_blocks)
            abort();            /* a failure must leave nothing behind */
    } else {
        for (size_t i = 0; i < a.n_segments; i++) {
            const sm_film_segment *s = &a.segments[i];
            if (s->text)
                (void)strlen(s->text);
            if (s->speaker)
                (void)strlen(s->speaker);
        }
        for (size_t i = 0; i < a.n_blocks; i++) {
            const sm_film_block *b = &a.blocks[i];
            if (!b->kind)
                abort();
            (void)strlen(b->kind);
            if (b->text)
                (void)strlen(b->text);
            if (b->speaker)
                (void)strlen(b->speaker);
            if (b->timing)
                (void)strlen(b->timing);
        }
    }
    /* One non-blank line: compare with jansson. */
    size_t k = 0;
    while (k < size && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r'))
        k++;
    if (k < size && !memchr(text, '\n', size))
        check_one_line(text, size, rc, &a);
    sm_film_alignment_free(&a);
    free(text);
    return 0;
}
