/* story_read.c - read story records (JSON Lines or one raw model output)
 * into the model of story.h, and the issue list every stage appends to.
 *
 * The reader is deliberately forgiving: a record with a missing field, a
 * field of the wrong type or a line that is not JSON at all still becomes
 * an sm_story, with issues saying what is wrong.  `story check` prints them;
 * the scoring commands refuse broken records.  This keeps one reading of
 * the format for every command, so check and eval never disagree about
 * what a record contains. */
#include "story/story_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "common/hash.h"
#include "common/json_scan.h"
#include "common/kind.h"
#include "storymovie/text.h"

/* Copy bytes into the arena as a NUL-terminated string. */
static const char *copy_text(sm_story_set *set, const char *p, size_t n)
{
    char *c = sm_arena_strndup(&set->arena, p, n);
    if (!c)
        set->oom = 1;
    return c ? c : "";
}

/* Advance (line, col) over text[0..n). */
static void advance_position(const char *t, size_t n, long *line, long *col)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n')
            (*line)++, *col = 1;
        else if (((unsigned char)t[i] & 0xC0) != 0x80)
            (*col)++;
    }
}

/* Split "<think>\n{cot}\n</think>\n{story}" into the two fields.  `line`,
 * `col` give where str starts (so positions stay true to a raw file).
 * Accepted variants, all seen in model output: leading white space, no
 * "<think>" (the chat template put it in the prompt), no "</think>" (the
 * generation was cut off: everything is chain of thought). */
static void split_model_output(sm_story_set *set, sm_story *s, const char *str, size_t len,
                               long line, long col)
{
    size_t p = 0;
    while (p < len && story_is_space((unsigned char)str[p]))
        p++;
    size_t cot_start = 0;
    if (len - p >= 7 && memcmp(str + p, "<think>", 7) == 0)
        cot_start = p + 7;
    const char *close = NULL;
    for (size_t i = cot_start; i + 8 <= len; i++)
        if (str[i] == '<' && memcmp(str + i, "</think>", 8) == 0) {
            close = str + i;
            break;
        }
    size_t cot_end = close ? (size_t)(close - str) : len;
    /* The format puts one newline after <think> and before </think>. */
    if (cot_start < cot_end && str[cot_start] == '\n')
        cot_start++;
    if (cot_end > cot_start && str[cot_end - 1] == '\n')
        cot_end--;
    s->model_output = 1;
    s->has_cot = 1;
    s->cot = copy_text(set, str + cot_start, cot_end - cot_start);
    s->cot_len = (uint32_t)(cot_end - cot_start);
    s->cot_line0 = line, s->cot_col0 = col;
    advance_position(str, cot_start, &s->cot_line0, &s->cot_col0);
    if (close) {
        size_t st = (size_t)(close - str) + 8;
        if (st < len && str[st] == '\n')
            st++;
        s->has_text = 1;
        s->text = copy_text(set, str + st, len - st);
        s->text_len = (uint32_t)(len - st);
        s->text_line0 = line, s->text_col0 = col;
        advance_position(str, st, &s->text_line0, &s->text_col0);
    } else {
        s->text = "";
        s->text_len = 0;
        s->text_line0 = s->text_col0 = 1;
        sm_story_issue_add(set, s, SM_FIELD_COT, s->cot_len, "think",
                           "model output has no </think>: no story follows the chain of thought");
    }
}

static sm_story *new_story(sm_story_set *set)
{
    if (sm_grow(&set->items, &set->cap, set->n_items + 1, sizeof *set->items) != 0) {
        set->oom = 1;
        return NULL;
    }
    sm_story *s = &set->items[set->n_items++];
    memset(s, 0, sizeof *s);
    s->cot = s->text = "";
    s->cot_line0 = s->cot_col0 = s->text_line0 = s->text_col0 = 1;
    s->record_line = 1;
    return s;
}

static void parse_story(sm_story_set *set, sm_story *s)
{
    sm_story_parse_cot(set, s);
    sm_story_parse_tags(set, s);
}

sm_story *sm_story_add(sm_story_set *set, const char *story_id,
                       const char *cot, size_t cot_len,
                       const char *story, size_t story_len)
{
    sm_story *s = new_story(set);
    if (!s)
        return NULL;
    s->story_id = story_id ? copy_text(set, story_id, strlen(story_id)) : NULL;
    if (cot) {
        s->has_cot = s->has_text = 1;
        s->cot = copy_text(set, cot, cot_len);
        s->cot_len = (uint32_t)cot_len;
        s->text = copy_text(set, story ? story : "", story ? story_len : 0);
        s->text_len = story ? (uint32_t)story_len : 0;
    } else if (story) {
        split_model_output(set, s, story, story_len, 1, 1);
    }
    parse_story(set, s);
    return s;
}

/* The fields of a story record, read by the JSON Lines scanner. */
enum { F_STORY_ID, F_COT, F_STORY, F_OUTPUT, F_IMAGES, F_FRAME_COUNT, N_RECORD_FIELDS };

static const sm_json_field record_fields[N_RECORD_FIELDS] = {
    [F_STORY_ID] = {"story_id", SM_JSON_STRING},      [F_COT] = {"chain_of_thought", SM_JSON_STRING},
    [F_STORY] = {"story", SM_JSON_STRING},            [F_OUTPUT] = {"output", SM_JSON_STRING},
    [F_IMAGES] = {"images", SM_JSON_STRINGS},         [F_FRAME_COUNT] = {"frame_count", SM_JSON_INTEGER},
};

static void apply_string(sm_story_set *set, sm_story *s, const char *key, const sm_json_value *v,
                         int required)
{
    if (v->state == SM_JSON_ABSENT && required)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"%s\"", key);
    else if (v->state != SM_JSON_ABSENT && v->state != SM_JSON_OK)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"%s\" is not a string", key);
}

/* What a record's fields mean: missing and mistyped fields become issues,
 * a whole model output in `story` (or `output`) is split. */
static void apply_record(sm_story_set *set, sm_story *s, const sm_json_value *v)
{
    const sm_json_value *id = &v[F_STORY_ID], *cot = &v[F_COT], *images = &v[F_IMAGES];
    const sm_json_value *frames = &v[F_FRAME_COUNT];
    apply_string(set, s, "story_id", id, 1);
    if (id->state == SM_JSON_OK && id->len == 0)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"story_id\" is empty");
    if (id->state == SM_JSON_OK && id->len > 0)
        s->story_id = id->string;

    if (images->state == SM_JSON_ABSENT)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"images\"");
    else if (images->state != SM_JSON_OK)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"images\" is not an array");
    else {
        s->has_images = 1;
        s->images = images->strings;
        s->n_images = (uint32_t)images->n_strings;
        if (images->first_non_string >= 0)
            sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field",
                               "\"images\"[%ld] is not a string", images->first_non_string);
    }

    if (frames->state == SM_JSON_ABSENT)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "record has no \"frame_count\"");
    else if (frames->state != SM_JSON_OK)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "field", "\"frame_count\" is not an integer");
    else {
        s->has_frame_count = 1;
        s->frame_count = (long)frames->integer;
    }

    const sm_json_value *story = v[F_STORY].state == SM_JSON_OK    ? &v[F_STORY]
                                 : v[F_OUTPUT].state == SM_JSON_OK ? &v[F_OUTPUT]
                                                                   : &v[F_STORY];
    if (cot->state != SM_JSON_OK && story->state == SM_JSON_OK) {
        /* A prediction record: the whole model output in one field. */
        apply_string(set, s, "chain_of_thought", cot, 0);
        split_model_output(set, s, story->string, story->len, 1, 1);
    } else {
        apply_string(set, s, "chain_of_thought", cot, 1);
        apply_string(set, s, "story", story, 1);
        if (cot->state == SM_JSON_OK) {
            s->has_cot = 1;
            s->cot = cot->string;
            s->cot_len = (uint32_t)cot->len;
        }
        if (story->state == SM_JSON_OK) {
            s->has_text = 1;
            s->text = story->string;
            s->text_len = (uint32_t)story->len;
        }
    }
    parse_story(set, s);
}

/* story_id of a raw model-output file: its base name without extension. */
static const char *id_from_name(sm_story_set *set, const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return copy_text(set, base, n);
}

/* Flag story_ids used twice: pairing by id would be ambiguous. */
static void check_unique_ids(sm_story_set *set)
{
    size_t n = set->n_items, cap = sm_table_size(n, 16);
    size_t *slots = malloc(cap * sizeof *slots);
    if (!slots) {
        set->oom = 1;
        return;
    }
    for (size_t i = 0; i < cap; i++)
        slots[i] = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        const char *id = set->items[i].story_id;
        if (!id)
            continue;
        size_t k = (size_t)sm_fnv1a_str(id) & (cap - 1);
        while (slots[k] != (size_t)-1) {
            if (strcmp(set->items[slots[k]].story_id, id) == 0) {
                sm_story_issue_add(set, &set->items[i], SM_FIELD_RECORD, 0, "duplicate-id",
                                   "story_id \"%s\" is used again (first on line %ld)", id,
                                   set->items[slots[k]].record_line);
                break;
            }
            k = (k + 1) & (cap - 1);
        }
        if (slots[k] == (size_t)-1)
            slots[k] = i;
    }
    free(slots);
}

static int read_lines(sm_story_set *set, sm_error *err)
{
    const char *p = set->data, *end = set->data + set->len, *rec;
    size_t n;
    long line = 0;
    sm_json_scan sc;
    sm_json_scan_init(&sc, &set->arena);
    sm_json_value v[N_RECORD_FIELDS];
    while (sm_jsonl_next(&p, end, &line, &rec, &n)) {
        sm_story *s = new_story(set);
        if (!s)
            return sm_fail(err, set->name, line, "out of memory");
        s->record_line = line;
        /* Strings are decoded in the file buffer: records are large, and
         * copying them again costs more than reading them. */
        char *line_text = set->data + (rec - set->data);
        int rc = sm_json_scan_object_in_place(&sc, line_text, n, record_fields, N_RECORD_FIELDS, v);
        if (rc == SM_JSON_NOT_OBJECT) {
            s->broken = 1;
            sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "json", "line %ld is not a JSON object%s%s",
                               line, sc.why[0] ? ": " : "", sc.why);
            continue;
        }
        if (rc == SM_JSON_SCAN_OK)
            apply_record(set, s, v);
        if (rc == SM_JSON_SCAN_OOM || set->oom)
            return sm_fail(err, set->name, line, "out of memory");
    }
    return 0;
}

/* The line of the first byte that is not white space. */
static long first_line(const sm_story_set *set)
{
    long line = 1;
    for (size_t i = 0; i < set->len && story_is_space((unsigned char)set->data[i]); i++)
        line += set->data[i] == '\n';
    return line;
}

/* Some record is a story (or a story's frames): a file of other records,
 * or of no records at all, is not a file of stories. */
static int any_story(const sm_story_set *set)
{
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        if (!s->broken && (s->has_cot || s->has_text || s->has_images))
            return 1;
    }
    return 0;
}

static int read_data(sm_story_set *set, sm_error *err)
{
    size_t p = 0;
    while (p < set->len && story_is_space((unsigned char)set->data[p]))
        p++;
    if (set->len - p >= 7 && memcmp(set->data + p, "<think>", 7) == 0) {
        /* One raw model output; positions are file positions. */
        set->raw_model_output = 1;
        sm_story *s = new_story(set);
        if (!s)
            return sm_fail(err, set->name, 0, "out of memory");
        s->story_id = id_from_name(set, set->name);
        split_model_output(set, s, set->data, set->len, 1, 1);
        parse_story(set, s);
    } else {
        /* Another kind of file is refused whole, on one line, before its
         * lines become a record with a problem each. */
        sm_kind kind = sm_kind_guess(set->data, set->len);
        if (kind != SM_KIND_UNKNOWN && kind != SM_KIND_STORIES && kind != SM_KIND_TOLD &&
            kind != SM_KIND_DATASET_ROWS && kind != SM_KIND_NEGATIVES)
            return sm_kind_fail(err, set->name, first_line(set), "story records", kind, NULL);
        if (read_lines(set, err) != 0)
            return -1;
        if (set->n_items && !any_story(set))
            return sm_fail(err, set->name, set->items[0].record_line, "not story records: %s",
                           set->items[0].broken && set->items[0].n_issues ? set->items[0].issues[0].message
                           : "no record has a chain_of_thought, story or images");
    }
    check_unique_ids(set);
    if (set->oom)
        return sm_fail(err, set->name, 0, "out of memory");
    return 0;
}

int sm_story_read_buffer(const char *name, const char *data, size_t len,
                         sm_story_set *set, sm_error *err)
{
    memset(set, 0, sizeof *set);
    set->name = strdup(name ? name : "-");
    set->data = malloc(len + 1);
    if (!set->name || !set->data) {
        sm_story_set_free(set);
        return sm_fail(err, name, 0, "out of memory");
    }
    if (len)
        memcpy(set->data, data, len);
    set->data[len] = '\0';
    set->len = len;
    if (read_data(set, err) != 0) {
        sm_story_set_free(set);
        return -1;
    }
    return 0;
}

int sm_story_read_file(const char *path, sm_story_set *set, sm_error *err)
{
    sm_text text;
    memset(set, 0, sizeof *set);
    if (sm_text_read_file(path, &text, err) != 0)
        return -1;
    set->name = strdup(path);
    if (!set->name) {
        sm_text_free(&text);
        return sm_fail(err, path, 0, "out of memory");
    }
    set->data = text.data;     /* take ownership */
    set->len = text.len;
    int rc = read_data(set, err);
    if (rc == 0 && set->n_items == 0)
        rc = sm_fail(err, path, 0, "empty file");
    if (rc != 0)
        sm_story_set_free(set);
    return rc;
}

int sm_story_set_check_json(const sm_story_set *set, sm_error *err)
{
    for (size_t i = 0; i < set->n_items; i++)
        if (set->items[i].broken)
            return sm_fail(err, set->name, set->items[i].record_line, "%s",
                           set->items[i].n_issues ? set->items[i].issues[0].message : "not a record");
    return 0;
}

void sm_story_set_free(sm_story_set *set)
{
    free(set->name);
    free(set->data);
    free(set->items);
    sm_arena_free(&set->arena);
    memset(set, 0, sizeof *set);
}
