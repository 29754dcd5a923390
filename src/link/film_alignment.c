/* film_alignment.c - a film's alignment as link needs it: read back from
 * the JSON Lines of `storymovie align`, or computed in-process. */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/link.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/align.h"
#include "storymovie/script.h"
#include "storymovie/subtitle.h"

void sm_film_alignment_free(sm_film_alignment *a)
{
    free(a->segments);
    free(a->blocks);
    sm_arena_free(&a->arena);
    memset(a, 0, sizeof *a);
}

static int grow(void **items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 256;
    void *g = realloc(*items, ncap * size);
    if (!g)
        return -1;
    *items = g;
    *cap = ncap;
    return 0;
}

static const char *dup_string(sm_arena *a, json_t *v)
{
    return json_is_string(v) ? sm_arena_strdup(a, json_string_value(v)) : NULL;
}

int sm_film_alignment_parse(const char *name, const char *text, size_t len,
                            sm_film_alignment *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    size_t seg_cap = 0, blk_cap = 0;
    const char *p = text, *end = text + len;
    long line = 0;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        size_t n = (size_t)(eol - p);
        const char *rec = p;
        p = eol < end ? eol + 1 : end;
        size_t k = 0;
        while (k < n && (rec[k] == ' ' || rec[k] == '\t' || rec[k] == '\r'))
            k++;
        if (k == n)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(rec, n, 0, &jerr);
        if (!o || !json_is_object(o)) {
            json_decref(o);
            sm_film_alignment_free(out);
            return sm_fail(err, name, line, "not a JSON object%s%s", o ? "" : ": ", o ? "" : jerr.text);
        }
        const char *type = json_string_value(json_object_get(o, "type"));
        sm_arena *a = &out->arena;
        int bad = 0;
        if (type && strcmp(type, "segment") == 0) {
            json_t *start = json_object_get(o, "start"), *stop = json_object_get(o, "end");
            if (!json_is_number(start) || !json_is_number(stop) ||
                !json_is_integer(json_object_get(o, "cue"))) {
                bad = 1;
            } else if (grow((void **)&out->segments, out->n_segments, &seg_cap, sizeof *out->segments)) {
                json_decref(o);
                sm_film_alignment_free(out);
                return sm_fail(err, name, line, "out of memory");
            } else {
                sm_film_segment *s = &out->segments[out->n_segments++];
                s->cue = (int)json_integer_value(json_object_get(o, "cue"));
                s->segment = (int)json_integer_value(json_object_get(o, "segment"));
                s->start = json_number_value(start);
                s->end = json_number_value(stop);
                s->text = dup_string(a, json_object_get(o, "text"));
                s->speaker = dup_string(a, json_object_get(o, "speaker"));
                s->confidence = json_number_value(json_object_get(o, "confidence"));
                json_t *b = json_object_get(o, "block");
                s->block = json_is_integer(b) ? (long)json_integer_value(b) : 0;
            }
        } else if (type && strcmp(type, "block") == 0) {
            if (!json_is_integer(json_object_get(o, "block")) ||
                !json_is_string(json_object_get(o, "kind"))) {
                bad = 1;
            } else if (grow((void **)&out->blocks, out->n_blocks, &blk_cap, sizeof *out->blocks)) {
                json_decref(o);
                sm_film_alignment_free(out);
                return sm_fail(err, name, line, "out of memory");
            } else {
                sm_film_block *b = &out->blocks[out->n_blocks++];
                memset(b, 0, sizeof *b);
                b->block = (long)json_integer_value(json_object_get(o, "block"));
                b->kind = dup_string(a, json_object_get(o, "kind"));
                b->scene = (int)json_integer_value(json_object_get(o, "scene"));
                b->speaker = dup_string(a, json_object_get(o, "speaker"));
                b->text = dup_string(a, json_object_get(o, "text"));
                b->timing = dup_string(a, json_object_get(o, "timing"));
                json_t *start = json_object_get(o, "start"), *stop = json_object_get(o, "end");
                if (json_is_number(start) && json_is_number(stop)) {
                    b->timed = 1;
                    b->start = json_number_value(start);
                    b->end = json_number_value(stop);
                }
            }
        } else {
            /* Other record types may be added to the contract: skip them. */
        }
        if (bad) {
            sm_fail(err, name, line, "a %s record without its required fields", type);
            json_decref(o);   /* after the message: type points into o */
            sm_film_alignment_free(out);
            return -1;
        }
        json_decref(o);
    }
    return 0;
}

int sm_film_alignment_read(const char *path, sm_film_alignment *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (n == cap) {
            char *g = realloc(buf, cap * 2);
            if (!g) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = g;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf)
        rc = sm_fail(err, path, 0, "out of memory");
    else if (ferror(f))
        rc = sm_fail(err, path, 0, "read error");
    fclose(f);
    if (rc == 0)
        rc = sm_film_alignment_parse(path, buf, n, out, err);
    free(buf);
    return rc;
}

/* The in-process path builds the same model straight from the aligner's
 * structures (no JSON round trip), so `link` without --align-dir and
 * `build` give identical records to reading the files back. */
static int from_alignment(const sm_script *script, const sm_subtitles *subs,
                          const sm_alignment *al, sm_film_alignment *out)
{
    memset(out, 0, sizeof *out);
    sm_arena *a = &out->arena;
    out->segments = calloc(subs->n_segments + 1, sizeof *out->segments);
    out->blocks = calloc(script->n_blocks + 1, sizeof *out->blocks);
    if (!out->segments || !out->blocks)
        return -1;
    for (size_t i = 0; i < subs->n_segments; i++) {
        const sm_segment *s = &subs->segments[i];
        const sm_segment_speaker *r = &al->segments[i];
        sm_film_segment *d = &out->segments[i];
        d->cue = s->cue;
        d->segment = s->index;
        /* The JSON Lines carry times with 3 decimals; round the same way so
         * both paths produce identical records. */
        d->start = (double)(long long)(s->start * 1000.0 + 0.5) / 1000.0;
        d->end = (double)(long long)(s->end * 1000.0 + 0.5) / 1000.0;
        d->text = sm_arena_strdup(a, s->display ? s->display : (s->text ? s->text : ""));
        d->speaker = r->speaker ? sm_arena_strdup(a, r->speaker) : NULL;
        d->confidence = (double)(long long)(r->confidence * 1000.0 + 0.5) / 1000.0;
        d->block = r->block >= 0 ? r->block + 1 : 0;
        if (!d->text || (r->speaker && !d->speaker))
            return -1;
    }
    out->n_segments = subs->n_segments;
    for (size_t b = 0; b < script->n_blocks; b++) {
        const sm_block *blk = &script->blocks[b];
        const sm_block_time *t = &al->blocks[b];
        sm_film_block *d = &out->blocks[b];
        d->block = (long)b + 1;
        d->kind = sm_block_kind_name(blk->kind);
        d->scene = blk->scene;
        d->speaker = blk->kind == SM_BLOCK_DIALOGUE && blk->speaker ? sm_arena_strdup(a, blk->speaker) : NULL;
        d->text = sm_arena_strdup(a, blk->text ? blk->text : "");
        if (t->timing != SM_TIMING_NONE) {
            d->timed = 1;
            d->start = (double)(long long)(t->start * 1000.0 + 0.5) / 1000.0;
            d->end = (double)(long long)(t->end * 1000.0 + 0.5) / 1000.0;
            d->timing = t->timing == SM_TIMING_ALIGNED ? "aligned" : "interpolated";
        }
        if (!d->text)
            return -1;
    }
    out->n_blocks = script->n_blocks;
    return 0;
}

int sm_film_align(const char *script_path, const char *subtitle_path,
                  sm_film_alignment *out, char **jsonl, size_t *jsonl_len,
                  sm_film_align_stats *stats, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (jsonl) {
        *jsonl = NULL;
        *jsonl_len = 0;
    }
    if (stats)
        memset(stats, 0, sizeof *stats);
    sm_script script;
    sm_subtitles subs;
    if (sm_script_read_file(script_path, &script, err))
        return -1;
    if (sm_subtitles_read_file(subtitle_path, &subs, err)) {
        sm_script_free(&script);
        return -1;
    }
    sm_align_options opt;
    sm_align_options_init(&opt);
    sm_alignment al;
    int rc = sm_align(&script, &subs, &opt, &al, err);
    if (rc == 0) {
        if (stats) {
            stats->segments = al.n_segments;
            stats->answered = al.answered;
            stats->dialogue_blocks = al.dialogue_blocks;
            stats->matched_blocks = al.matched_blocks;
            snprintf(stats->note, sizeof stats->note, "%s", al.note);
        }
        if (jsonl) {
            FILE *mem = open_memstream(jsonl, jsonl_len);
            if (!mem) {
                rc = sm_fail(err, subtitle_path, 0, "out of memory");
            } else {
                if (sm_alignment_write_jsonl(mem, &script, &subs, &al) != 0)
                    rc = sm_fail(err, subtitle_path, 0, "out of memory writing the alignment");
                if (fclose(mem) != 0 && rc == 0)
                    rc = sm_fail(err, subtitle_path, 0, "out of memory writing the alignment");
            }
        }
        if (rc == 0 && from_alignment(&script, &subs, &al, out) != 0)
            rc = sm_fail(err, subtitle_path, 0, "out of memory");
        sm_alignment_free(&al);
    }
    sm_subtitles_free(&subs);
    sm_script_free(&script);
    if (rc != 0) {
        sm_film_alignment_free(out);
        if (jsonl) {
            free(*jsonl);
            *jsonl = NULL;
            *jsonl_len = 0;
        }
    }
    return rc;
}
