/* cmd_story.c - storymovie story check|text|entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
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
"chain_of_thought and story (docs/stories.md).  A record without\n"
"chain_of_thought whose story (or output) field holds a whole model output\n"
"\"<think>...</think>story\" is split.  A file that starts with <think>\n"
"is one raw model output; its story_id is the file name without directory\n"
"and extension.  Empty lines are skipped.\n"
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

static int check_file(const char *path, int json, const sm_story_check_options *opt,
                      size_t *records, size_t *bad_records, size_t *problems)
{
    sm_story_set set;
    sm_error err;
    if (sm_story_read_file(path, &set, &err) != 0) {
        cli_report(&err);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < set.n_items && rc == 0; i++) {
        sm_story *s = &set.items[i];
        sm_story_check(&set, s, opt);
        (*records)++;
        if (s->n_issues == 0)
            continue;
        (*bad_records)++;
        *problems += s->n_issues + s->issues_dropped;
        if (sm_story_write_issues(stdout, &set, s, json) != 0) {
            cli_errorf("%s: out of memory", path);
            rc = -1;
        }
    }
    sm_story_set_free(&set);
    return rc;
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
    int failed = 0, read = 0;
    size_t records = 0, bad = 0, problems = 0;
    for (int f = 0; f < nfiles; f++) {
        if (check_file(files[f], json, &opt, &records, &bad, &problems) != 0)
            failed = 1;
        else
            read++;
    }
    fflush(stdout);
    /* The totals, unless the one line of a file that could not be read is
     * all there is to say. */
    if (read)
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
    /* Printing the records that are JSON and not the others would be a
     * silent partial output. */
    if (sm_story_set_check_json(set, &err) != 0) {
        cli_report(&err);
        sm_story_set_free(set);
        return -1;
    }
    if (cli_open_output(out, out_path) != 0) {
        sm_story_set_free(set);
        return -1;
    }
    return 0;
}

/* One record of `story text` (the tag-free text, as JSON or --plain) or
 * of `story entities` to f.  0, 1 on a write error, -1 out of memory. */
static int write_record(sm_json *j, const sm_story *s, int entities, int plain, FILE *f, char **buf,
                        size_t *cap)
{
    if (entities) {
        if (sm_story_entities_json(j, s) != 0)
            return -1;
        return sm_json_flush_line(j, f) != 0;
    }
    if ((size_t)s->text_len + 1 > *cap) {    /* the longest story so far */
        char *bigger = realloc(*buf, (size_t)s->text_len + 1);
        if (!bigger)
            return -1;
        *buf = bigger;
        *cap = (size_t)s->text_len + 1;
    }
    size_t n = sm_story_plain_text(s->text, s->text_len, *buf);
    if (plain)
        return fwrite(*buf, 1, n, f) != n || fputc('\n', f) == EOF;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", s->story_id);
    sm_json_key(j, "text");
    sm_json_stringn(j, *buf, n);
    sm_json_end_object(j);
    return sm_json_flush_line(j, f) != 0;
}

/* `story text` and `story entities`: one output record per story. */
static int run_per_record(int argc, char **argv, int entities)
{
    int plain = 0;
    const char *out_path, *file;
    int rc = parse_one_file(argc, argv, entities ? NULL : "--plain", &plain, &out_path, &file);
    if (rc)
        return rc;
    sm_story_set set;
    sm_output out;
    if (open_stories(file, out_path, &set, &out) != 0)
        return 1;
    sm_json j;
    sm_json_init(&j);
    char *buf = NULL;
    size_t buf_cap = 0;
    for (size_t i = 0; i < set.n_items && rc == 0; i++)
        rc = write_record(&j, &set.items[i], entities, plain, out.fp, &buf, &buf_cap);
    free(buf);
    sm_json_free(&j);
    if (rc < 0) {
        cli_errorf("story %s: out of memory", argv[0]);
        sm_output_abort(&out);
        rc = 1;
    } else {
        rc = cli_finish_output(&out, rc);
    }
    sm_story_set_free(&set);
    return rc;
}

static int run_text(int argc, char **argv) { return run_per_record(argc, argv, 0); }
static int run_entities(int argc, char **argv) { return run_per_record(argc, argv, 1); }

int cmd_story(int argc, char **argv)
{
    static const cli_sub subs[] = {{"check", run_check}, {"text", run_text}, {"entities", run_entities}};
    return cli_dispatch(argc, argv, subs, sizeof subs / sizeof subs[0], usage, 1,
                        "story: '%s' is not a story command (check, text, entities); "
                        "see 'storymovie story --help'");
}
