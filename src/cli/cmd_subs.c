/* cmd_subs.c - storymovie subs: read a subtitle file, print its segments as
 * JSON Lines. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/io.h"
#include "storymovie/subtitle.h"

#define SUBS_MAX_WARNINGS 20

static void usage(FILE *f)
{
    fputs(
"usage: storymovie subs [-o FILE] [--stats] [--quiet] FILE\n"
"\n"
"Read a subtitle file (SRT, WebVTT or ASS/SSA, detected from the content) and\n"
"print one JSON record per segment, in file order.\n"
"\n"
"The file may be UTF-8 (with or without BOM), UTF-16 or a legacy 8-bit\n"
"encoding such as Windows-1252 or Latin-1; line ends may be LF, CRLF or CR.\n"
"\n"
"Cues and segments (docs/subtitles.md):\n"
"  A cue is one timed block, numbered by its position in the file from 1; the\n"
"  printed SRT index is not trusted.  A cue is split into segments: after\n"
"  markup removal (<i>, <font ...>, {\\an8}, WebVTT tags), a text line that\n"
"  starts with '-' opens a new segment and other lines continue the current\n"
"  one.  A cue without a dash line is one segment, even when it has no text\n"
"  or only an annotation.  In ASS text, \\N and \\n are line breaks.\n"
"\n"
"Options:\n"
"  -o FILE     write the records to FILE (written atomically: it appears\n"
"              whole or not at all) instead of standard output\n"
"  --stats     print a summary to standard error: format, encoding, cues,\n"
"              segments, segments with a speaker hint, annotations, warnings\n"
"  -q, --quiet do not print warnings (the --stats count still includes them)\n"
"  -h, --help  show this help\n"
"\n"
"Output (JSON Lines, one object per segment):\n"
"  {\"cue\":7,\"segment\":2,\"start\":17.892,\"end\":19.768,\n"
"   \"text\":\"Yeah, I think, for us...\",\"display\":\"Yeah, I think, for us...\",\n"
"   \"annotations\":[],\"speaker_hint\":null,\"line\":30}\n"
"  cue, segment  cue ordinal (from 1) and segment number inside the cue (from 1)\n"
"  start, end    the cue's times in seconds, with three decimals\n"
"  display       the segment as shown: markup and the leading dash removed,\n"
"                its lines joined by one space\n"
"  text          the speech only: display without hearing-impaired\n"
"                annotations ([DOOR SLAMS], (laughs)), music markers (the\n"
"                note signs; lyrics are kept) and the speaker label; \"\" when\n"
"                nothing is spoken\n"
"  annotations   the [..] and (..) spans of the segment, as written\n"
"  speaker_hint  the speaker named by the file itself, as written, or null:\n"
"                - an upper-case label opening the segment, before or after\n"
"                  annotations: \"ROSS: Hi\", \"MONICA & ROSS:\", \"MAN #2:\",\n"
"                  \"DR. GREEN:\", \"JOEY, ROSS & MONICA:\" (two or more\n"
"                  capitals, no lower case; the colon must be followed by a\n"
"                  space or the end, so times like 10:30 never count; a comma\n"
"                  only in a list of names joined by '&');\n"
"                - a mixed-case label (\"Joey: Hi.\", at most three\n"
"                  capitalised words) only when every segment of a cue of two\n"
"                  or more segments opens with a label, since \"Look: ...\" is\n"
"                  ordinary speech;\n"
"                - a WebVTT voice span <v Joey>;\n"
"                - the ASS Name field, for a cue of one segment.\n"
"                Bracketed names such as [JOEY] stay annotations: they cannot\n"
"                be told from sound descriptions like [SIGHS].\n"
"  line          source line where the segment starts (the timing line for a\n"
"                cue without text; the Dialogue line in ASS)\n"
"\n"
"Files written loosely are read as a person reads them (docs/subtitles.md):\n"
"  every cue a reader would take for one is read, with the time that reader\n"
"  would read, and each kind of repair is said once per file, at its first\n"
"  line, with how many lines it concerns.  Repaired this way: SRT cues\n"
"  without an index line or without a blank line before them (a timing line\n"
"  right after text starts a new cue, a number right above it is its index);\n"
"  '->', '=>', a dash or only spaces for '-->'; one-digit fields or missing\n"
"  hours; fractions of 1-2 digits (a decimal fraction: 00:00:03,5 is 3.5 s,\n"
"  not 3.005 s) or of more than 3 (rounded to the millisecond); ASS times\n"
"  before 0 (read as 0).  Accepted silently: '.' for ',' (',' for '.' in\n"
"  WebVTT), white space around times and arrows, position coordinates.\n"
"  Only what has the shape of a tag is markup ('<', maybe '/', a name):\n"
"  '5 < 6 > 2' and 'I <3 you' are what is said.  A UTF-8 file with a few\n"
"  Windows-1252 bytes has them read as Windows-1252 (one warning).\n"
"\n"
"Oddities read with a warning (printed to standard error, at most 20):\n"
"  SRT indices that skip, repeat or restart; text outside any cue (skipped);\n"
"  cues without text; cues that overlap the previous one or start before it\n"
"  (out of order; not checked for ASS, whose events overlap by design);\n"
"  cues that end before they start; WebVTT blocks without a timing line;\n"
"  an ASS file without a Format line; a legacy file's bytes its code page\n"
"  leaves undefined (read as U+FFFD).  A cue that cannot be read -- a line\n"
"  meant as a timing line that is not one or has impossible values (seconds\n"
"  or minutes >= 60), an ASS event with a bad time or too few fields -- is\n"
"  reported with its line and skipped; the rest of the file is read.  A\n"
"  missing final blank line is normal and not reported.  At most 10,000\n"
"  warnings are kept per file; --stats counts them all.\n"
"\n"
"Errors (one line naming the file and line; nothing is written):\n"
"  a missing, unreadable, binary or empty file, bytes that are neither UTF-8\n"
"  nor Windows-1252 text in a UTF-8 file, an over-long line; no cues at all\n"
"  (naming the first unreadable cue, if any); a file that ends inside a\n"
"  timing line, right after an index or inside an ASS Dialogue line (cut).\n"
"\n"
"Timing formats (as written by the formats; see above for what else is read):\n"
"  SRT     HH:MM:SS,mmm --> HH:MM:SS,mmm (coordinates after the end allowed)\n"
"  WebVTT  [HH:]MM:SS.mmm --> [HH:]MM:SS.mmm [cue settings]\n"
"  ASS     H:MM:SS.cc in the Start and End fields\n"
"\n"
"Exit status:\n"
"  0  success (even with warnings)\n"
"  1  the file could not be read or parsed, or the output not written\n"
"  2  usage error\n"
"\n"
"Examples:\n"
"  storymovie subs episode.srt | head\n"
"  storymovie subs --stats -o episode.segments.jsonl episode.srt\n"
"  storymovie subs film.ass | jq -r 'select(.speaker_hint) | .speaker_hint'\n",
        f);
}

int cmd_subs(int argc, char **argv)
{
    const char *out_path = NULL, *in_path = NULL;
    int stats = 0, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (cli_is_help(a)) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (cli_option_value("subs", argc, argv, &i, "a file name", &out_path) != 0)
                return 2;
        } else if (strcmp(a, "--stats") == 0) {
            stats = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--") == 0 && i + 1 < argc && !in_path && i + 2 == argc) {
            in_path = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            cli_errorf("subs: unknown option '%s' (see 'storymovie subs --help')", a);
            return 2;
        } else if (in_path) {
            cli_errorf("subs: one input file only (got '%s' and '%s')", in_path, a);
            return 2;
        } else {
            in_path = a;
        }
    }
    if (!in_path) {
        cli_errorf("subs: no input file (see 'storymovie subs --help')");
        return 2;
    }

    sm_error err;
    sm_subtitles subs;
    if (sm_subtitles_read_file(in_path, &subs, &err)) {
        cli_report(&err);
        return 1;
    }
    if (!quiet)
        cli_print_warnings(in_path, &subs.warnings, SUBS_MAX_WARNINGS);

    sm_output out;
    int status = cli_open_output(&out, out_path) != 0 ||
                 cli_finish_output(&out, sm_subtitles_write_jsonl(out.fp, &subs) != 0) != 0;
    if (status == 0 && stats)
        sm_subtitles_print_stats(stderr, in_path, &subs);
    sm_subtitles_free(&subs);
    return status;
}
