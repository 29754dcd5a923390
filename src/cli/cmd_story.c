/* cmd_story.c - storymovie story check|text|entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/array.h"
#include "cli/commands.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"

static const char usage_text[] =
"usage: storymovie story check [--json] [--image-size WxH] FILE...\n"
"       storymovie story text [--plain] [-o OUT] FILE\n"
"       storymovie story entities [-o OUT] FILE\n"
"\n"
"Read StoryReasoning / StoryMovie story records and check them, print their\n"
"text, or list their entities.\n"
"\n"
"FILE is JSON Lines, one record per line with story_id, images, frame_count,\n"
"chain_of_thought and story (SPEC \"StoryReasoning / StoryMovie record\n"
"format\").  A record without chain_of_thought whose story (or output) field\n"
"holds a whole model output \"<think>...</think>story\" is split.  A file that\n"
"starts with <think> is one raw model output; its story_id is the file name\n"
"without directory and extension.  Empty lines are skipped.\n"
"\n"
"check\n"
"  Validate every record against the format: the Characters, Objects and\n"
"  Setting tables of each \"## Image N\" section (headings, header columns,\n"
"  cell counts, ids charN / objN lmN bgN, boxes x1,y1,x2,y2 with x1<x2 and\n"
"  y1<y2, setting elements, Setting present), the Narrative Structure table\n"
"  (phases, all five present, image references in range), image sections\n"
"  numbered 1..n and as many as images, frame_count = number of images; in\n"
"  the story one <gdi imageN> block per image, <gdo>/<gda> naming characters\n"
"  or objects, <gdl> naming landmarks or backgrounds, every id defined in the\n"
"  chain of thought, tags balanced and well formed (unclosed tags, unknown\n"
"  tags such as <gdf ...>, free-text attributes such as <gdl location: dark\n"
"  indoor space> are reported, never fatal).\n"
"  Each problem is one line on standard output:\n"
"      STORY_ID:LINE:COL: FIELD: MESSAGE\n"
"  FIELD is chain_of_thought, story or record.  LINE and COL (1-based; COL\n"
"  counts characters) locate the problem inside that field's text as the JSON\n"
"  string decodes, line 1 being the field's first line; for a raw model-output\n"
"  file they are positions in the file.  Record-level problems (missing or\n"
"  mistyped fields, frame_count, duplicate story_id, a line that is not JSON)\n"
"  give 0:0.  A record without a story_id is named FILE#N (N = its line in\n"
"  FILE).  Problems of a record are sorted by field then position; at most\n"
"  200 are kept per record, the rest counted.  A summary goes to standard\n"
"  error.\n"
"  --json            one JSON object per problem instead: file, record_line,\n"
"                    story_id, field, line, col, offset (byte offset in the\n"
"                    field), code (a stable short name), message\n"
"  --image-size WxH  also check that every box is at most 10% outside a WxH\n"
"                    image (by area); the records do not carry image sizes\n"
"\n"
"text\n"
"  The story with every tag removed (everything matching <[^>]+>, as the\n"
"  StoryReasoning evaluation does) and runs of white space collapsed to one\n"
"  space, trimmed: exactly the text 'eval language' scores.  One JSON object\n"
"  per record: {\"story_id\":...,\"text\":...}.\n"
"  --plain           the text alone, one record per line\n"
"\n"
"entities\n"
"  Per record one JSON object {\"story_id\",\"images\",\"entities\":[...]}, an\n"
"  entity for every id in a table or a tag, ordered characters, objects,\n"
"  landmarks, backgrounds by number:\n"
"      id, kind (character|object|landmark|background),\n"
"      defined    the id has a row in some Characters/Objects table\n"
"      names      distinct Name cells (characters) or Description cells\n"
"      described  images whose table has a row for it\n"
"      boxed      images where that row has a readable bounding box\n"
"      mentioned  images whose <gdi> block has a tag naming it\n"
"      grounded   images where it is both mentioned and boxed\n"
"      mentions   [{image, tag, text, offset}] every tag naming it (text\n"
"                 with inner tags removed, offset = byte offset in story)\n"
"  This is the basis of re-identification analysis: in how many images each\n"
"  character is described, mentioned and grounded.\n"
"\n"
"Options common to text and entities:\n"
"  -o OUT            write to OUT (atomically) instead of standard output\n"
"\n"
"Exit status: 0 success (check: no problem found); 1 problems found, an\n"
"unreadable file, or (text, entities) a record that is not JSON; 2 usage.\n"
"\n"
"Examples:\n"
"  storymovie story check test.jsonl\n"
"  storymovie story check --json --image-size 1280x720 out/*.jsonl\n"
"  storymovie story text --plain pred.jsonl | head\n"
"  storymovie story entities test.jsonl -o entities.jsonl\n";

static void usage(FILE *f) { fputs(usage_text, f); }

/* The name a problem line starts with. */
static void story_name(const sm_story_set *set, const sm_story *s, char *buf, size_t size)
{
    if (s->story_id)
        snprintf(buf, size, "%s", s->story_id);
    else
        snprintf(buf, size, "%s#%ld", set->name, s->record_line);
}

static const char *field_name(uint32_t f)
{
    return f == SM_FIELD_COT ? "chain_of_thought" : f == SM_FIELD_STORY ? "story" : "record";
}

static int cmp_issue(const void *x, const void *y)
{
    const sm_story_issue *a = x, *b = y;
    if (a->field != b->field)
        return a->field < b->field ? -1 : 1;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return 0;
}

/* qsort is not stable; issues at the same place keep their order through
 * their index. */
typedef struct ranked { sm_story_issue issue; size_t index; } ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    int c = cmp_issue(&a->issue, &b->issue);
    return c ? c : (a->index < b->index ? -1 : a->index > b->index);
}

static int check_file(const char *path, int json, const sm_story_check_options *opt,
                      size_t *records, size_t *bad_records, size_t *problems)
{
    sm_story_set set;
    sm_error err;
    if (sm_story_read_file(path, &set, &err) != 0) {
        cli_report(&err);
        return -1;
    }
    sm_json j;
    sm_json_init(&j);
    char name[600];
    for (size_t i = 0; i < set.count; i++) {
        sm_story *s = &set.items[i];
        sm_story_check(&set, s, opt);
        (*records)++;
        if (s->nissues == 0)
            continue;
        (*bad_records)++;
        *problems += s->nissues + s->issues_dropped;
        ranked *order = malloc(s->nissues * sizeof *order);
        if (!order) {
            cli_errorf("%s: out of memory", path);
            sm_json_free(&j);
            sm_story_set_free(&set);
            return -1;
        }
        for (size_t k = 0; k < s->nissues; k++)
            order[k].issue = s->issues[k], order[k].index = k;
        qsort(order, s->nissues, sizeof *order, cmp_ranked);
        story_name(&set, s, name, sizeof name);
        for (size_t k = 0; k < s->nissues; k++) {
            const sm_story_issue *is = &order[k].issue;
            long line, col;
            sm_story_locate(s, is, &line, &col);
            if (json) {
                sm_json_begin_object(&j);
                sm_json_kv_string(&j, "file", path);
                sm_json_kv_int(&j, "record_line", s->record_line);
                sm_json_kv_string(&j, "story_id", s->story_id);
                sm_json_kv_string(&j, "field", field_name(is->field));
                sm_json_kv_int(&j, "line", line);
                sm_json_kv_int(&j, "col", col);
                sm_json_kv_int(&j, "offset", is->offset);
                sm_json_kv_string(&j, "code", is->code);
                sm_json_kv_string(&j, "message", is->message);
                sm_json_end_object(&j);
                sm_json_flush_line(&j, stdout);
            } else {
                printf("%s:%ld:%ld: %s: %s\n", name, line, col, field_name(is->field), is->message);
            }
        }
        if (s->issues_dropped && !json)
            printf("%s:0:0: record: %u more problems not shown\n", name, s->issues_dropped);
        free(order);
    }
    sm_json_free(&j);
    sm_story_set_free(&set);
    return 0;
}

static int parse_size(const char *arg, sm_story_check_options *opt)
{
    int w, h;
    char extra;
    if (sscanf(arg, "%dx%d%c", &w, &h, &extra) != 2 || w <= 0 || h <= 0)
        return -1;
    opt->image_width = w;
    opt->image_height = h;
    return 0;
}

static int run_check(int argc, char **argv)
{
    int json = 0, nfiles = 0;
    sm_story_check_options opt = {0, 0};
    char **files = calloc((size_t)argc, sizeof *files);
    if (!files)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--image-size") == 0 && i + 1 < argc) {
            if (parse_size(argv[++i], &opt) != 0) {
                cli_errorf("story check: --image-size wants WxH, e.g. 1280x720, not '%s'", argv[i]);
                free(files);
                return 2;
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            cli_errorf("story check: unknown option '%s'; see 'storymovie story --help'", argv[i]);
            free(files);
            return 2;
        } else
            files[nfiles++] = argv[i];
    }
    if (nfiles == 0) {
        cli_errorf("story check: no FILE given; see 'storymovie story --help'");
        free(files);
        return 2;
    }
    int failed = 0;
    size_t records = 0, bad = 0, problems = 0;
    for (int f = 0; f < nfiles; f++)
        if (check_file(files[f], json, &opt, &records, &bad, &problems) != 0)
            failed = 1;
    fflush(stdout);
    fprintf(stderr, "%s: story check: %zu records, %zu with problems, %zu problems%s\n",
            sm_progname, records, bad, problems, failed ? " (some files unreadable)" : "");
    free(files);
    return failed || problems ? 1 : 0;
}

/* Parse "-o OUT" and one FILE; the flag `extra` (e.g. "--plain") is optional. */
static int parse_one_file(int argc, char **argv, const char *extra, int *extra_set,
                          const char **out, const char **file)
{
    *out = NULL;
    *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            *out = argv[++i];
        else if (extra && strcmp(argv[i], extra) == 0)
            *extra_set = 1;
        else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            cli_errorf("story %s: unknown option '%s'; see 'storymovie story --help'", argv[0], argv[i]);
            return 2;
        } else if (*file) {
            cli_errorf("story %s: one FILE only ('%s' and '%s')", argv[0], *file, argv[i]);
            return 2;
        } else
            *file = argv[i];
    }
    if (!*file) {
        cli_errorf("story %s: no FILE given; see 'storymovie story --help'", argv[0]);
        return 2;
    }
    return 0;
}

/* Refuse records that are not JSON: printing the others would be a silent
 * partial output. */
static int refuse_broken(const sm_story_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        if (set->items[i].broken) {
            cli_errorf("%s:%ld: %s", set->name, set->items[i].record_line,
                       set->items[i].nissues ? set->items[i].issues[0].message : "not a record");
            return -1;
        }
    return 0;
}

/* Read FILE whole (refusing records that are not JSON) and open the output:
 * what `story text` and `story entities` both start with.  0, or -1 after
 * reporting the problem with nothing left to free. */
static int open_stories(const char *file, const char *out_path, sm_story_set *set, sm_output *out)
{
    sm_error err;
    if (sm_story_read_file(file, set, &err) != 0) {
        cli_report(&err);
        return -1;
    }
    if (refuse_broken(set) != 0) {
        sm_story_set_free(set);
        return -1;
    }
    if (sm_output_open(out, out_path, &err) != 0) {
        cli_report(&err);
        sm_story_set_free(set);
        return -1;
    }
    return 0;
}

static int run_text(int argc, char **argv)
{
    int plain = 0;
    const char *out_path, *file;
    int rc = parse_one_file(argc, argv, "--plain", &plain, &out_path, &file);
    if (rc)
        return rc;
    sm_story_set set;
    sm_output out;
    sm_error err;
    if (open_stories(file, out_path, &set, &out) != 0)
        return 1;
    sm_json j;
    sm_json_init(&j);
    char *buf = NULL;
    size_t buf_cap = 0;
    int failed = 0;
    for (size_t i = 0; i < set.count && !failed; i++) {
        const sm_story *s = &set.items[i];
        if (s->text_len + 1 > buf_cap) {
            free(buf);
            buf_cap = s->text_len + 1;
            buf = malloc(buf_cap);
            if (!buf) {
                failed = 1;
                break;
            }
        }
        size_t n = sm_story_plain_text(s->text, s->text_len, buf);
        if (plain) {
            failed = fwrite(buf, 1, n, out.fp) != n || fputc('\n', out.fp) == EOF;
        } else {
            sm_json_begin_object(&j);
            sm_json_kv_string(&j, "story_id", s->story_id);
            sm_json_key(&j, "text");
            sm_json_stringn(&j, buf, n);
            sm_json_end_object(&j);
            failed = sm_json_flush_line(&j, out.fp) != 0;
        }
    }
    free(buf);
    sm_json_free(&j);
    if (failed) {
        cli_errorf("story text: cannot write output");
        sm_output_abort(&out);
        sm_story_set_free(&set);
        return 1;
    }
    rc = sm_output_commit(&out, &err);
    if (rc != 0)
        cli_report(&err);
    sm_story_set_free(&set);
    return rc ? 1 : 0;
}

/* ---- entities ------------------------------------------------------------- */

typedef struct int_list { int *v; size_t n, cap; } int_list;

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

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct entity {
    uint64_t key;
    int defined;
    int_list described, boxed, mentioned;
    sm_span *names;
    size_t nnames, names_cap;
} entity;

static uint64_t key_of(sm_entity_id id) { return ((uint64_t)id.kind << 32) | id.number; }

static entity *find_entity(entity *e, size_t n, uint64_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (e[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && e[lo].key == key ? &e[lo] : NULL;
}

static void write_ints(sm_json *j, const char *key, const int_list *l)
{
    sm_json_key(j, key);
    sm_json_begin_array(j);
    for (size_t i = 0; i < l->n; i++)
        sm_json_int(j, l->v[i]);
    sm_json_end_array(j);
}

static int add_name(entity *e, const char *cot, sm_span name)
{
    if (name.len == 0)
        return 0;
    for (size_t i = 0; i < e->nnames; i++)
        if (e->names[i].len == name.len && memcmp(cot + e->names[i].off, cot + name.off, name.len) == 0)
            return 0;
    if (sm_grow(&e->names, &e->names_cap, e->nnames + 1, sizeof *e->names) != 0)
        return -1;
    e->names[e->nnames++] = name;
    return 0;
}

/* One story's entities as a JSON line.  Returns 0, -1 on OOM. */
static int write_entities(sm_json *j, const sm_story *s)
{
    size_t nkeys = 0, cap = 0;
    for (uint32_t i = 0; i < s->nimage_sections; i++)
        cap += s->image_sections[i].tables[0].nrows + s->image_sections[i].tables[1].nrows;
    for (uint32_t t = 0; t < s->ntags; t++)
        cap += s->tags[t].nids;
    uint64_t *keys = malloc((cap ? cap : 1) * sizeof *keys);
    if (!keys)
        return -1;
    for (uint32_t i = 0; i < s->nimage_sections; i++)
        for (int k = 0; k < 2; k++)
            for (uint32_t r = 0; r < s->image_sections[i].tables[k].nrows; r++)
                if (s->image_sections[i].tables[k].rows[r].id.kind != SM_ENT_NONE)
                    keys[nkeys++] = key_of(s->image_sections[i].tables[k].rows[r].id);
    for (uint32_t t = 0; t < s->ntags; t++)
        for (uint32_t k = 0; k < s->tags[t].nids; k++)
            keys[nkeys++] = key_of(s->tags[t].ids[k]);
    qsort(keys, nkeys, sizeof *keys, cmp_u64);
    size_t n = 0;
    for (size_t i = 0; i < nkeys; i++)
        if (n == 0 || keys[n - 1] != keys[i])
            keys[n++] = keys[i];
    entity *ents = calloc(n ? n : 1, sizeof *ents);
    if (!ents) {
        free(keys);
        return -1;
    }
    int oom = 0;
    for (size_t i = 0; i < n; i++)
        ents[i].key = keys[i];
    free(keys);

    for (uint32_t i = 0; i < s->nimage_sections; i++) {
        const sm_story_image *img = &s->image_sections[i];
        for (int k = 0; k < 2; k++) {
            const sm_story_table *tab = &img->tables[k];
            int col = k == 0 ? tab->col_name : tab->col_description;
            for (uint32_t r = 0; r < tab->nrows; r++) {
                const sm_story_row *row = &tab->rows[r];
                entity *e = row->id.kind ? find_entity(ents, n, key_of(row->id)) : NULL;
                if (!e)
                    continue;
                e->defined = 1;
                oom |= int_list_add(&e->described, img->number);
                if (row->has_box)
                    oom |= int_list_add(&e->boxed, img->number);
                if (col >= 0 && (uint32_t)col < row->ncells)
                    oom |= add_name(e, s->cot, row->cells[col]);
            }
        }
    }
    for (uint32_t t = 0; t < s->ntags; t++)
        for (uint32_t k = 0; k < s->tags[t].nids; k++) {
            entity *e = find_entity(ents, n, key_of(s->tags[t].ids[k]));
            if (e && s->tags[t].image > 0)
                oom |= int_list_add(&e->mentioned, s->tags[t].image);
        }

    static const char *const tag_names[] = {"gdi", "gdo", "gda", "gdl"};
    char *plain = malloc((size_t)s->text_len + 1);
    oom |= !plain;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", s->story_id);
    sm_json_kv_int(j, "images", s->has_images ? (long long)s->nimages : (long long)s->nimage_sections);
    sm_json_key(j, "entities");
    sm_json_begin_array(j);
    for (size_t i = 0; i < n && !oom; i++) {
        entity *e = &ents[i];
        sm_entity_id id = {(uint32_t)(e->key >> 32), (uint32_t)e->key};
        char idbuf[24];
        sm_json_begin_object(j);
        sm_json_kv_string(j, "id", sm_entity_id_format(id, idbuf, sizeof idbuf));
        sm_json_kv_string(j, "kind", sm_entity_kind_name(id.kind));
        sm_json_kv_bool(j, "defined", e->defined);
        sm_json_key(j, "names");
        sm_json_begin_array(j);
        for (size_t k = 0; k < e->nnames; k++)
            sm_json_stringn(j, s->cot + e->names[k].off, e->names[k].len);
        sm_json_end_array(j);
        write_ints(j, "described", &e->described);
        write_ints(j, "boxed", &e->boxed);
        write_ints(j, "mentioned", &e->mentioned);
        int_list grounded = {0};
        for (size_t k = 0; k < e->mentioned.n; k++)
            for (size_t q = 0; q < e->boxed.n; q++)
                if (e->boxed.v[q] == e->mentioned.v[k])
                    oom |= int_list_add(&grounded, e->mentioned.v[k]);
        write_ints(j, "grounded", &grounded);
        free(grounded.v);
        sm_json_key(j, "mentions");
        sm_json_begin_array(j);
        for (uint32_t t = 0; t < s->ntags; t++) {
            const sm_story_tag *tag = &s->tags[t];
            for (uint32_t k = 0; k < tag->nids; k++)
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
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_end_object(j);
    free(plain);
    for (size_t i = 0; i < n; i++) {
        free(ents[i].described.v), free(ents[i].boxed.v), free(ents[i].mentioned.v);
        free(ents[i].names);
    }
    free(ents);
    return oom ? -1 : 0;
}

static int run_entities(int argc, char **argv)
{
    const char *out_path, *file;
    int unused = 0;
    int rc = parse_one_file(argc, argv, NULL, &unused, &out_path, &file);
    if (rc)
        return rc;
    sm_story_set set;
    sm_output out;
    sm_error err;
    if (open_stories(file, out_path, &set, &out) != 0)
        return 1;
    sm_json j;
    sm_json_init(&j);
    int failed = 0;
    for (size_t i = 0; i < set.count && !failed; i++) {
        if (write_entities(&j, &set.items[i]) != 0) {
            cli_errorf("story entities: out of memory");
            failed = 1;
        } else if (sm_json_flush_line(&j, out.fp) != 0) {
            cli_errorf("story entities: cannot write output");
            failed = 1;
        }
    }
    sm_json_free(&j);
    if (failed) {
        sm_output_abort(&out);
        sm_story_set_free(&set);
        return 1;
    }
    rc = sm_output_commit(&out, &err);
    if (rc != 0)
        cli_report(&err);
    sm_story_set_free(&set);
    return rc ? 1 : 0;
}

int cmd_story(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++)
        if (cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
    if (strcmp(argv[1], "check") == 0)
        return run_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "text") == 0)
        return run_text(argc - 1, argv + 1);
    if (strcmp(argv[1], "entities") == 0)
        return run_entities(argc - 1, argv + 1);
    cli_errorf("story: '%s' is not a story command (check, text, entities); see 'storymovie story --help'",
               argv[1]);
    return 2;
}
