/* cmd_story.c - storymovie story check|text|entities. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"


static void usage(FILE *f) { fputs(cli_help_story, f); }

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
