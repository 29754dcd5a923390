/* align_read.c - the JSON Lines of `storymovie align`, read back into a
 * film's alignment records (see sm_film_alignment_parse in align.h).
 *
 * Reading a thousand films' alignments back (a resumed build) reads some 3
 * million records: the common scanner reads them without a jansson tree
 * each, and gives jansson's answer for anything unusual. */
#include "storymovie/alignment.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/json_scan.h"
#include "common/kind.h"
#include "storymovie/io.h"

enum { F_TYPE, F_CUE, F_SEGMENT, F_BLOCK, F_SCENE, F_START, F_END, F_CONFIDENCE,
       F_TEXT, F_SPEAKER, F_KIND, F_TIMING, F_METHOD, F_STATUS, F_NOTE, F_CHARACTER,
       F_CHARACTER_EVIDENCE, N_FIELDS };

static const sm_json_field fields[N_FIELDS] = {
    [F_TYPE] = {"type", SM_JSON_STRING},      [F_CUE] = {"cue", SM_JSON_INTEGER},
    [F_SEGMENT] = {"segment", SM_JSON_INTEGER}, [F_BLOCK] = {"block", SM_JSON_INTEGER},
    [F_SCENE] = {"scene", SM_JSON_INTEGER},   [F_START] = {"start", SM_JSON_NUMBER},
    [F_END] = {"end", SM_JSON_NUMBER},        [F_CONFIDENCE] = {"confidence", SM_JSON_NUMBER},
    [F_TEXT] = {"text", SM_JSON_STRING},      [F_SPEAKER] = {"speaker", SM_JSON_STRING},
    [F_KIND] = {"kind", SM_JSON_STRING},      [F_TIMING] = {"timing", SM_JSON_STRING},
    [F_METHOD] = {"method", SM_JSON_INTEGER}, [F_STATUS] = {"status", SM_JSON_STRING},
    [F_NOTE] = {"note", SM_JSON_STRING},      [F_CHARACTER] = {"character", SM_JSON_STRING},
    [F_CHARACTER_EVIDENCE] = {"character_evidence", SM_JSON_STRING},
};

void sm_film_alignment_free(sm_film_alignment *a)
{
    free(a->segments);
    free(a->blocks);
    sm_arena_free(&a->arena);
    memset(a, 0, sizeof *a);
}

static int ok(const sm_json_value *v) { return v->state == SM_JSON_OK; }

static const char *string_or_null(const sm_json_value *v) { return ok(v) ? v->string : NULL; }

static int add_segment(sm_film_alignment *out, size_t *cap, const sm_json_value *v)
{
    if (sm_grow(&out->segments, cap, out->n_segments + 1, sizeof *out->segments) != 0)
        return -1;
    sm_film_segment *s = &out->segments[out->n_segments++];
    s->cue = (int)v[F_CUE].integer;
    s->segment = (int)v[F_SEGMENT].integer;
    s->start = v[F_START].number;
    s->end = v[F_END].number;
    s->text = string_or_null(&v[F_TEXT]);
    s->speaker = string_or_null(&v[F_SPEAKER]);
    s->confidence = ok(&v[F_CONFIDENCE]) ? v[F_CONFIDENCE].number : NAN;
    s->block = ok(&v[F_BLOCK]) ? (long)v[F_BLOCK].integer : 0;
    s->character = string_or_null(&v[F_CHARACTER]);
    s->character_evidence = string_or_null(&v[F_CHARACTER_EVIDENCE]);
    return 0;
}

static int add_block(sm_film_alignment *out, size_t *cap, const sm_json_value *v)
{
    if (sm_grow(&out->blocks, cap, out->n_blocks + 1, sizeof *out->blocks) != 0)
        return -1;
    sm_film_block *b = &out->blocks[out->n_blocks++];
    memset(b, 0, sizeof *b);
    b->block = (long)v[F_BLOCK].integer;
    b->kind = v[F_KIND].string;
    b->scene = ok(&v[F_SCENE]) ? (int)v[F_SCENE].integer : 0;
    b->speaker = string_or_null(&v[F_SPEAKER]);
    b->text = string_or_null(&v[F_TEXT]);
    b->timing = string_or_null(&v[F_TIMING]);
    b->character = string_or_null(&v[F_CHARACTER]);
    b->character_evidence = string_or_null(&v[F_CHARACTER_EVIDENCE]);
    if (ok(&v[F_START]) && ok(&v[F_END])) {
        b->timed = 1;
        b->start = v[F_START].number;
        b->end = v[F_END].number;
    }
    return 0;
}

/* One record into out: 0, or -1 with err set. */
static int add_record(sm_film_alignment *out, size_t *caps, const char *name, long line,
                      const sm_json_value *v, sm_error *err)
{
    const char *type = string_or_null(&v[F_TYPE]);
    if (type && strcmp(type, "segment") == 0) {
        if (!ok(&v[F_CUE]) || !ok(&v[F_SEGMENT]) || !ok(&v[F_START]) || !ok(&v[F_END]))
            return sm_fail(err, name, line, "a segment record without its required fields "
                           "(integer cue and segment, numeric start and end)");
        if (add_segment(out, &caps[0], v) != 0)
            return sm_fail(err, name, line, "out of memory");
    } else if (type && strcmp(type, "block") == 0) {
        if (!ok(&v[F_BLOCK]) || !ok(&v[F_KIND]))
            return sm_fail(err, name, line, "a block record without its required fields "
                           "(integer block, string kind)");
        if (add_block(out, &caps[1], v) != 0)
            return sm_fail(err, name, line, "out of memory");
    } else if (type && strcmp(type, "summary") == 0) {
        out->method = ok(&v[F_METHOD]) ? (int)v[F_METHOD].integer : 0;
        out->mismatch = ok(&v[F_STATUS]) && strcmp(v[F_STATUS].string, "mismatch") == 0;
        out->note = string_or_null(&v[F_NOTE]);
    }
    /* Other record types may be added to the contract: skipped. */
    return 0;
}

int sm_film_alignment_parse(const char *name, const char *text, size_t len,
                            sm_film_alignment *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    sm_kind kind = sm_kind_guess(text, len);
    if (kind != SM_KIND_UNKNOWN && kind != SM_KIND_ALIGNMENT)
        return sm_kind_fail(err, name, 1, "an alignment (the output of 'storymovie align')", kind, NULL);
    size_t caps[2] = {0, 0};
    const char *p = text, *rec;
    size_t n;
    long line = 0;
    sm_json_scan sc;
    sm_json_scan_init(&sc, &out->arena);
    sm_json_value v[N_FIELDS];
    while (sm_jsonl_next(&p, text + len, &line, &rec, &n)) {
        int rc = sm_json_scan_object(&sc, rec, n, fields, N_FIELDS, v);
        if (rc == SM_JSON_NOT_OBJECT)
            rc = sm_fail(err, name, line, "not a JSON object%s%s", sc.why[0] ? ": " : "", sc.why);
        else if (rc == SM_JSON_SCAN_OOM)
            rc = sm_fail(err, name, line, "out of memory");
        else
            rc = add_record(out, caps, name, line, v, err);
        if (rc != 0) {
            sm_film_alignment_free(out);
            return -1;
        }
    }
    if (out->n_segments + out->n_blocks == 0) {
        /* Nothing but a provenance record, records of other types, or
         * nothing at all: no film is aligned to nothing. */
        sm_film_alignment_free(out);
        return line == 0 ? sm_fail(err, name, 0, "empty file")
                         : sm_fail(err, name, 0, "not an alignment: no segment or block records");
    }
    return 0;
}

int sm_film_alignment_read(const char *path, sm_film_alignment *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    char *buf;
    size_t n;
    if (sm_read_file(path, SIZE_MAX, &buf, &n, err) != 0)
        return -1;
    int rc = sm_film_alignment_parse(path, buf, n, out, err);
    free(buf);
    return rc;
}
