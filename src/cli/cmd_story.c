/* cmd_story.c - storymovie story check|text|entities. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/story.h"


static void usage(FILE *f) { fputs(cli_help_story, f); }

/* --image-size WxH */
static int parse_size(const char *cmd, const char *opt, const char *value, void *dst)
{
    sm_story_check_options *o = dst;
    if (sm_image_size_parse(value, &o->image_width, &o->image_height) == 0)
        return 0;
    cli_errorf("%s: %s wants WxH, e.g. 1280x720, not '%s'", cmd, opt, value);
    return -1;
}

static int run_check(int argc, char **argv)
{
    int json = 0;
    sm_story_check_options opt = {0, 0};
    const cli_opt opts[] = {
        CLI_OPT("--json", CLI_FLAG, &json),
        CLI_CALLBACK("--image-size", parse_size, &opt),
        CLI_END};
    const char **files = calloc((size_t)argc, sizeof *files);
    if (!files)
        return 1;
    cli_rest rest = {files, (size_t)argc, 0, NULL, NULL};
    int rc = cli_parse("story check", cli_help_story, opts, &rest, argc, argv);
    if (rc < 0 && rest.n == 0) {
        cli_errorf("story check: no FILE given; see 'storymovie story --help'");
        rc = 2;
    }
    if (rc >= 0) {
        free(files);
        return rc;
    }
    int failed = 0, read = 0;
    sm_story_check_totals t = {0, 0, 0};
    for (size_t f = 0; f < rest.n; f++) {
        sm_error err;
        if (sm_story_check_file(files[f], &opt, json, stdout, &t, &err) != 0) {
            cli_report(&err);
            failed = 1;
        } else {
            read++;
        }
    }
    fflush(stdout);
    /* The totals, unless the one line of a file that could not be read is
     * all there is to say. */
    if (read)
        fprintf(stderr, "%s: story check: %zu records, %zu with problems, %zu problems%s\n", sm_progname,
                t.records, t.bad_records, t.problems, failed ? " (some files unreadable)" : "");
    free(files);
    return failed || t.problems ? 1 : 0;
}

/* `story text` and `story entities`: one output line per story. */
static int run_lines(int argc, char **argv, int entities)
{
    int plain = 0;
    const char *out_path = NULL, *file = NULL;
    const cli_opt text_opts[] = {
        CLI_OPT("--plain", CLI_FLAG, &plain),   /* story text only */
        CLI_OPT("-o", CLI_STRING, &out_path),
        CLI_END};
    const char *cmd = entities ? "story entities" : "story text";
    cli_rest rest = {&file, 1, 0, NULL, NULL};
    int rc = cli_parse(cmd, cli_help_story, text_opts + entities, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    if (!file) {
        cli_errorf("%s: no FILE given; see 'storymovie story --help'", cmd);
        return 2;
    }
    sm_error err;
    sm_story_lines what = entities ? SM_STORY_ENTITIES : plain ? SM_STORY_TEXT_PLAIN : SM_STORY_TEXT;
    if (sm_story_write_lines(file, what, out_path, &err) != 0) {
        cli_report(&err);
        return 1;
    }
    return 0;
}

static int run_text(int argc, char **argv) { return run_lines(argc, argv, 0); }
static int run_entities(int argc, char **argv) { return run_lines(argc, argv, 1); }

int cmd_story(int argc, char **argv)
{
    static const cli_sub subs[] = {{"check", run_check}, {"text", run_text}, {"entities", run_entities}};
    return cli_dispatch(argc, argv, subs, sizeof subs / sizeof subs[0], usage, 1,
                        "story: '%s' is not a story command (check, text, entities); "
                        "see 'storymovie story --help'");
}
