/* cmd_script.c - storymovie script: a screenplay as JSON Lines blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/io.h"
#include "storymovie/script.h"
#include "storymovie/text.h"

static void usage(FILE *f)
{
    fputs(cli_help_script, f);
}

/* Read FILE or standard input ("-") into decoded UTF-8. */
static int read_input(const char *path, sm_text *t, sm_error *err)
{
    if (strcmp(path, "-") != 0)
        return sm_text_read_file(path, t, err);
    char *buf;
    size_t n;
    if (sm_read_stream(stdin, "<stdin>", SM_TEXT_MAX_FILE, &buf, &n, err) != 0)
        return -1;
    int rc = sm_text_decode("<stdin>", (const unsigned char *)buf, n, t, err);
    free(buf);
    return rc;
}

int cmd_script(int argc, char **argv)
{
    const char *out_path = NULL, *path = NULL, *format_name = NULL;
    int stats = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (cli_option_value("script", argc, argv, &i, "a file name", &out_path) != 0)
                return 2;
        } else if (strcmp(a, "-f") == 0 || strcmp(a, "--format") == 0) {
            if (cli_option_value("script", argc, argv, &i, "plain, fountain or transcript", &format_name) != 0)
                return 2;
        } else if (strncmp(a, "--format=", 9) == 0) {
            format_name = a + 9;
        } else if (strcmp(a, "--stats") == 0) {
            stats = 1;
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_errorf("script: unknown option '%s' (see 'storymovie script --help')", a);
            return 2;
        } else if (path) {
            cli_errorf("script: one FILE only (see 'storymovie script --help')");
            return 2;
        } else {
            path = a;
        }
    }
    if (!path) {
        usage(stderr);
        return 2;
    }
    sm_script_format format = SM_SCRIPT_PLAIN;
    if (format_name && sm_script_format_from_name(format_name, &format) < 0) {
        cli_errorf("script: unknown format '%s' (plain, fountain or transcript)", format_name);
        return 2;
    }

    sm_error err = {0};
    sm_text text;
    if (read_input(path, &text, &err) < 0) {
        cli_report(&err);
        return 1;
    }
    sm_script s;
    int rc = format_name ? sm_script_parse_as(path, text.data, text.len, format, &s, &err)
                         : sm_script_parse(path, text.data, text.len, &s, &err);
    if (rc == 0) {
        memcpy(s.encoding, text.encoding, sizeof s.encoding);
        sm_warnings_prepend(&s.warnings, &text.warnings);   /* the decoding's repairs */
    }
    sm_text_free(&text);
    if (rc < 0) {
        cli_report(&err);
        return 1;
    }
    cli_print_warnings(path, &s.warnings, 20);

    sm_output out;
    int status = cli_open_output(&out, out_path) != 0 ||
                 cli_finish_output(&out, sm_script_write_jsonl(out.fp, &s) != 0) != 0;
    if (status == 0 && stats)
        sm_script_print_stats(stderr, path, &s);
    sm_script_free(&s);
    return status;
}
