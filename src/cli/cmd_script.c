/* cmd_script.c - storymovie script: a screenplay as JSON Lines blocks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/io.h"
#include "storymovie/script.h"
#include "storymovie/text.h"

static void usage(FILE *f)
{
    fprintf(f,
"usage: storymovie script [-o FILE] [--format FORMAT] [--stats] FILE\n"
"\n"
"Read a screenplay and print it as JSON Lines, one record per block.\n"
"\n"
"Three styles are read, detected from the content (a name ending in\n"
".fountain is always read as Fountain):\n"
"  plain       plain-text screenplays laid out by indentation, as on IMSDb or\n"
"              Daily Script.  The indentation of action, character cues,\n"
"              parentheticals, dialogue and transitions is inferred from the\n"
"              file; page numbers, (MORE), CONTINUED and repeated page headers\n"
"              are dropped; scene numbers are kept apart.  Files whose\n"
"              indentation does not tell a cue from action (flush left,\n"
"              centred, one column, OCR'd pages) are read by shape: an\n"
"              ALL-CAPS name line with speech after it.  The layout inferred\n"
"              is named in a warning and by --stats (docs/screenplays.md).\n"
"  fountain    Fountain (fountain.io): title page, forced elements, dual\n"
"              dialogue, lyrics, centered text, sections, synopses, page\n"
"              breaks; notes [[...]], boneyard /* */ and emphasis are removed.\n"
"  transcript  'Name: line' paragraphs with [Scene: ...] headings and\n"
"              (stage directions) inside speech; header credits such as\n"
"              'Written by:' are title fields, not dialogue.\n"
"The input may be UTF-8 (with or without BOM), UTF-16 or a legacy 8-bit\n"
"encoding; it is decoded to UTF-8 first.  FILE '-' reads standard input.\n"
"\n"
"Options:\n"
"  -o, --output FILE   write the records to FILE (atomically) instead of\n"
"                      standard output\n"
"  -f, --format F      do not detect: read as F (plain, fountain, transcript)\n"
"      --stats         print a summary to standard error: format, encoding,\n"
"                      plain layout, scenes, blocks per kind, dialogue blocks,\n"
"                      speakers and the ten most frequent speakers\n"
"  -h, --help          show this help\n"
"\n"
"Output:\n"
"  When the script has a title page (Fountain) or header credits (a\n"
"  transcript's 'Written by: ...'), the first record is\n"
"    {\"type\":\"title\",\"format\":\"fountain\",\"fields\":[{\"key\":\"Title\",\"value\":\"...\"}]}\n"
"  Then one record per block, in script order:\n"
"    {\"type\":\"block\",\"block\":7,\"kind\":\"dialogue\",\"scene\":3,\"speaker\":\"JOEY\",\n"
"     \"speaker_key\":\"joey\",\"extension\":\"V.O.\",\"parenthetical\":\"beat\",\n"
"     \"text\":\"...\",\"line\":120,\"end_line\":123}\n"
"  block     ordinal from 1\n"
"  kind      scene_heading, action, dialogue, transition, and for Fountain\n"
"            section, synopsis, lyrics, page_break\n"
"  scene     scene ordinal from 1 (0 before the first scene heading)\n"
"  text      dialogue: the speech without parentheticals, lines joined by a\n"
"            space; other kinds: the text with its line breaks\n"
"  speaker, speaker_key, extension, parenthetical   dialogue only; the key\n"
"            is the name case folded, letters and digits only\n"
"  scene_number   scene headings with a number (\"12A\")\n"
"  dual, centered Fountain dual dialogue / centered action, when true\n"
"  line, end_line source lines, 1-based, inclusive\n"
"  Fields that do not apply are left out.\n"
"\n"
"Exit status:\n"
"  0  success\n"
"  1  the file cannot be read, is not text, or holds no screenplay content\n"
"     (the message names the file and line)\n"
"  2  usage error\n"
"\n"
"Examples:\n"
"  storymovie script film.txt > film.jsonl\n"
"  storymovie script --stats -o /dev/null episode/transcript.txt\n"
"  storymovie script --format fountain draft.txt | jq -r 'select(.kind==\"dialogue\") | .speaker'\n");
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
