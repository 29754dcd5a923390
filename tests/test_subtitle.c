/* test_subtitle.c - SRT, WebVTT and ASS readers: framing, timing, the SPEC
 * segment rule, annotations, speaker hints, warnings and errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storymovie/subtitle.h"
#include "storymovie/text.h"

/* ---- helpers ---------------------------------------------------------------- */

static void parse_ok(const char *text, sm_subtitles *s)
{
    sm_error err = {0};
    int rc = sm_subtitles_parse("t.srt", text, strlen(text), s, &err);
    if (rc) {
        char buf[1200];
        sm_error_format(&err, buf, sizeof buf);
        fail_msg("unexpected parse error: %s", buf);
    }
}

/* Parse must fail with a message containing `needle` at `line`. */
static void parse_fails(const char *text, size_t len, long line, const char *needle)
{
    sm_error err = {0};
    sm_subtitles s;
    int rc = sm_subtitles_parse("bad.srt", text, len, &s, &err);
    if (rc == 0) {
        sm_subtitles_free(&s);
        fail_msg("parse of %.40s... should fail with '%s'", text, needle);
    }
    assert_string_equal(err.file, "bad.srt");
    if (!strstr(err.message, needle))
        fail_msg("message '%s' lacks '%s'", err.message, needle);
    assert_int_equal(err.line, line);
    assert_null(s.cues);
    assert_null(s.segments);
}

static int has_warning(const sm_subtitles *s, long line, const char *needle)
{
    for (size_t i = 0; i < s->warnings.n_items; i++)
        if ((line == 0 || s->warnings.items[i].line == line) && strstr(s->warnings.items[i].message, needle))
            return 1;
    return 0;
}

static void assert_time(double got, double want)
{
    if (got < want - 0.0005 || got > want + 0.0005)
        fail_msg("time %.4f, expected %.4f", got, want);
}

/* ---- SRT framing and timing ---------------------------------------------- */

static void srt_basic(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:02,877 --> 00:00:04,294\nWhat you guys don't understand is...\n\n"
             "2\n00:00:04,504 --> 00:00:07,548\n...for us, kissing is as important\nas any part of it.\n",
             &s);
    assert_int_equal(s.format, SM_SUBS_SRT);
    assert_int_equal(s.n_cues, 2);
    assert_int_equal(s.n_segments, 2);
    assert_int_equal(s.cues[0].ordinal, 1);
    assert_int_equal(s.cues[0].line, 2);
    assert_time(s.cues[0].start, 2.877);
    assert_time(s.cues[0].end, 4.294);
    assert_int_equal(s.segments[1].cue, 2);
    assert_int_equal(s.segments[1].index, 1);
    assert_int_equal(s.segments[1].line, 7);
    assert_string_equal(s.segments[1].text, "...for us, kissing is as important as any part of it.");
    assert_string_equal(s.segments[1].display, s.segments[1].text);
    assert_null(s.segments[1].speaker_hint);
    assert_int_equal(s.segments[1].n_annotations, 0);
    assert_int_equal(s.warnings.n_items, 0);
    assert_string_equal(sm_subtitle_format_name(s.format), "srt");
    sm_subtitles_free(&s);
}

static void srt_crlf_bom_and_stray_cr(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("\xEF\xBB\xBF" "1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\nthere\r\n\r\n"
             "2\r\n00:00:03,000 --> 00:00:04,000\r\nBye", &s);
    assert_int_equal(s.n_cues, 2);
    assert_string_equal(s.segments[0].text, "Hello there");
    assert_string_equal(s.segments[1].text, "Bye");
    sm_subtitles_free(&s);
}

static void srt_timing_variants(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01.500 --> 00:00:02.250\na\n\n"          /* '.' separator */
             "2\n00:00:03,5 --> 00:00:04,05\nb\n\n"              /* 1-2 fraction digits: a decimal fraction */
             "3\n00:05,000 --> 00:06,000\nc\n\n"                 /* hours missing */
             "4\n  00:00:07,000   -->   00:00:08,000  \nd\n\n"     /* extra spaces */
             "5\n00:00:09,000 --> 00:00:10,000 X1:100 X2:200 Y1:10 Y2:20\ne\n\n" /* coordinates */
             "6\n00:00:11 --> 00:00:12\ng\n\n"                    /* no fraction */
             "7\n1:02:03,004 --> 01:02:04,000\nf\n",                /* 1-digit hours */
             &s);
    assert_int_equal(s.n_cues, 7);
    assert_time(s.cues[0].start, 1.5);
    assert_time(s.cues[0].end, 2.25);
    assert_time(s.cues[1].start, 3.5);
    assert_time(s.cues[1].end, 4.05);
    assert_time(s.cues[2].start, 5.0);
    assert_time(s.cues[3].end, 8.0);
    assert_time(s.cues[4].start, 9.0);
    assert_time(s.cues[6].start, 3723.004);
    assert_time(s.cues[5].end, 12.0);
    assert_string_equal(s.segments[4].text, "e");
    /* '.', spaces and coordinates are silent; the short fraction and the
     * fields not written HH:MM:SS,mmm (lines 10, 22, 26) are said once each */
    assert_int_equal(s.warnings.n_items, 2);
    assert_true(has_warning(&s, 6, "read as a decimal fraction (00:00:03,5 is 3.500 s, not 3.005 s)"));
    assert_true(has_warning(&s, 10, "read as written (3 lines like it; this is the first)"));
    sm_subtitles_free(&s);
}

static void srt_broken_indices(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\na\n\n"
             "3\n00:00:03,000 --> 00:00:04,000\nb\n\n"      /* skips */
             "3\n00:00:05,000 --> 00:00:06,000\nc\n\n"      /* repeats */
             "1\n00:00:07,000 --> 00:00:08,000\nd\n\n"      /* restarts */
             "00:00:09,000 --> 00:00:10,000\ne\n",          /* missing */
             &s);
    assert_int_equal(s.n_cues, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(s.cues[i].ordinal, i + 1);
    assert_true(has_warning(&s, 5, "skips ahead"));
    assert_true(has_warning(&s, 9, "repeated"));
    assert_true(has_warning(&s, 13, "goes back"));
    assert_true(has_warning(&s, 17, "no index"));
    sm_subtitles_free(&s);

    parse_ok("0\n00:00:01,000 --> 00:00:02,000\na\n", &s);
    assert_true(has_warning(&s, 1, "SRT index 0 for cue 1"));
    sm_subtitles_free(&s);
}

static void srt_missing_blank_lines(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\nfirst\n"
             "00:00:03,000 --> 00:00:04,000\nsecond\n"      /* timing right after text */
             "3\n00:00:05,000 --> 00:00:06,000\nthird\n"    /* index right after text */
             "2012\nis the year\n10 --> 20 apples\n",         /* a number and an arrow that ARE text */
             &s);
    assert_int_equal(s.n_cues, 3);
    assert_string_equal(s.segments[0].text, "first");
    assert_string_equal(s.segments[1].text, "second");
    assert_string_equal(s.segments[2].text, "third 2012 is the year 10 --> 20 apples");
    /* said once, at the first, with the count */
    assert_true(has_warning(&s, 4, "missing blank line before cue 2"));
    assert_true(has_warning(&s, 4, "(2 lines like it; this is the first)"));
    assert_false(has_warning(&s, 6, "missing blank line"));
    assert_int_equal(s.cues[2].line, 7);
    sm_subtitles_free(&s);
}

static void srt_time_oddities_warn(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:05,000 --> 00:00:08,000\na\n\n"
             "2\n00:00:07,000 --> 00:00:09,000\nb\n\n"      /* overlap */
             "3\n00:00:01,000 --> 00:00:02,000\nc\n\n"      /* out of order */
             "4\n00:00:20,000 --> 00:00:19,000\nd\n\n",     /* ends before it starts */
             &s);
    assert_int_equal(s.n_cues, 4);
    assert_true(has_warning(&s, 6, "overlap"));
    assert_true(has_warning(&s, 10, "out of order"));
    assert_true(has_warning(&s, 14, "ends"));
    assert_time(s.cues[3].start, 20.0);   /* kept as written */
    assert_time(s.cues[3].end, 19.0);
    sm_subtitles_free(&s);
}

static void srt_empty_cue_and_stray_text(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("Created by someone\nwww.example.com\n\n"
             "1\n00:00:01,000 --> 00:00:02,000\n\n"
             "2\n00:00:03,000 --> 00:00:04,000\n<i></i>\n\n"
             "3\n00:00:05,000 --> 00:00:06,000\nok\n\n\n\n",
             &s);
    assert_int_equal(s.n_cues, 3);
    assert_int_equal(s.n_segments, 3);
    assert_true(has_warning(&s, 1, "outside any cue"));
    assert_true(has_warning(&s, 5, "cue 1 has no text"));
    assert_true(has_warning(&s, 8, "cue 2 has no text"));
    assert_string_equal(s.segments[0].text, "");
    assert_string_equal(s.segments[0].display, "");
    assert_int_equal(s.segments[0].line, 5);
    assert_int_equal(s.segments[1].n_annotations, 0);
    sm_subtitles_free(&s);
}

/* ---- errors -------------------------------------------------------------------- */

static void srt_errors(void **state)
{
    (void)state;
    parse_fails("", 0, 0, "empty file");
    parse_fails(" \n\n\t\n", 5, 0, "empty file");
    const char *plain = "Just some text.\nNo times here.\n";
    parse_fails(plain, strlen(plain), 0, "no subtitle cues found");
    /* a file whose only cue cannot be read names that cue's line (the
     * unreadable cue of a file with others is skipped: srt_bad_lines) */
    const char *secs = "1\n00:00:75,000 --> 00:00:76,000\na\n";
    parse_fails(secs, strlen(secs), 2, "no subtitle cues could be read: bad timing line (impossible start time)");
    const char *malformed = "1\n00:00:01,000 --> soon\na\n";
    parse_fails(malformed, strlen(malformed), 2, "end time");
    const char *two = "00:61:00,000 --> 00:62:00,000\na\n\n00:00:01,000 --> 00:00:02,000x\nb\n";
    parse_fails(two, strlen(two), 1, "impossible start time) (and every other cue)");
    /* truncated mid-timing at end of file */
    const char *cut1 = "1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n00:00:03,000 --> 00:00:0";
    parse_fails(cut1, strlen(cut1), 6, "truncated");
    const char *cut2 = "1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n00:00:03,000 --> 00:00:04,00";
    parse_fails(cut2, strlen(cut2), 6, "truncated");
    const char *cut3 = "1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n";
    parse_fails(cut3, strlen(cut3), 5, "truncated");
    const char *cut4 = "1\n00:00:01,000 --> 00:00:02,000\na\n\n2\n00:00:03,0";
    parse_fails(cut4, strlen(cut4), 6, "truncated");
    const char *cut5 = "2\n00:00:03,0\n\n";
    parse_fails(cut5, strlen(cut5), 2, "bad timing line (expected '-->' after the start time)");
    const char *digits = "1\n00:00:01,000 --> 00:00:123,000\na\n";
    parse_fails(digits, strlen(digits), 2, "malformed end time");
    /* bytes that are not UTF-8 text */
    const char nul[] = "1\n00:00:01,000 --> 00:00:02,000\na\0b\n";
    parse_fails(nul, sizeof nul - 1, 3, "NUL");
    const char *bad_utf8 = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03,000 --> 00:00:04,000\ncaf\xE9\n";
    parse_fails(bad_utf8, strlen(bad_utf8), 7, "invalid UTF-8");
    const char *overlong = "1\n00:00:01,000 --> 00:00:02,000\n\xC0\xAF\n";
    parse_fails(overlong, strlen(overlong), 3, "invalid UTF-8");
    const char *surrogate = "1\n00:00:01,000 --> 00:00:02,000\n\xED\xA0\x80\n";
    parse_fails(surrogate, strlen(surrogate), 3, "invalid UTF-8");
}

/* ---- loosely written files: every cue a reader would read, with its time ---- */

/* No index lines, no blank lines, "->" for "-->", '.' for ',', one-digit
 * hours, two fraction digits, indented lines: two cues, read as meant, and
 * each kind of repair said once. */
static void srt_loose_cues(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("00:00:00.000 ->00:01:00.000\n"
             "A first line of dialogue.\n"
             "     0:01:00,00 --> 0:02:00,00\n"
             "     The second cue,\n"
             "on two lines.\n",
             &s);
    assert_int_equal(s.n_cues, 2);
    assert_time(s.cues[0].start, 0.0);
    assert_time(s.cues[0].end, 60.0);
    assert_time(s.cues[1].start, 60.0);
    assert_time(s.cues[1].end, 120.0);
    assert_int_equal(s.cues[1].line, 3);
    assert_string_equal(s.segments[0].text, "A first line of dialogue.");
    assert_string_equal(s.segments[1].text, "The second cue, on two lines.");
    assert_true(has_warning(&s, 1, "without a proper '-->' arrow"));
    assert_true(has_warning(&s, 1, "cue 1 has no index line"));
    assert_true(has_warning(&s, 3, "missing blank line before cue 2"));
    assert_true(has_warning(&s, 3, "decimal fraction"));
    assert_true(has_warning(&s, 3, "hours missing or of one digit"));
    assert_int_equal(s.warnings.n_items, 5);
    sm_subtitles_free(&s);
}

/* A fraction of fewer than three digits is a decimal fraction, as written:
 * ",5" is half a second, ",46" is 460 ms.  Cues without text after them
 * stay cues (one empty segment each). */
static void srt_short_fractions(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("\n392\n00:29:27,46 --> 00:29:29,83\nI'm here..\n\n"
             "393\n00:00:00,00 --> 00:00:00,00\n\n"
             "394\n00:00:03,5 --> 00:00:04,5\n",
             &s);
    assert_int_equal(s.n_cues, 3);
    assert_time(s.cues[0].start, 29 * 60 + 27.46);
    assert_time(s.cues[0].end, 29 * 60 + 29.83);
    assert_time(s.cues[2].start, 3.5);
    assert_time(s.cues[2].end, 4.5);
    assert_string_equal(s.segments[0].text, "I'm here..");
    assert_string_equal(s.segments[1].text, "");
    assert_string_equal(s.segments[2].text, "");
    assert_true(has_warning(&s, 3, "(3 lines like it; this is the first)"));
    sm_subtitles_free(&s);

    /* more than three digits: rounded to the millisecond */
    parse_ok("1\n00:00:01,2345 --> 00:00:02,99951\nx\n", &s);
    assert_time(s.cues[0].start, 1.235);
    assert_time(s.cues[0].end, 3.0);
    assert_true(has_warning(&s, 2, "rounded to the millisecond"));
    sm_subtitles_free(&s);
}

/* Arrows a person reads as "-->"; two times with only spaces between them
 * after a blank line; not-an-arrow inside a cue stays text. */
static void srt_arrows(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 -> 00:00:02,000\na\n\n"
             "2\n00:00:03,000 - > 00:00:04,000\nb\n\n"
             "3\n00:00:05,000 \xE2\x80\x94> 00:00:06,000\nc\n\n"       /* em dash */
             "4\n00:00:07,000 => 00:00:08,000\nd\n\n"
             "5\n00:00:09,000   00:00:10,000\ne\n\n"                    /* no arrow */
             "6\n00:00:11,000 \xE2\x86\x92 00:00:12,000\nf\n"          /* rightwards arrow */
             "10:30 -> 11:00 is the slot.\n"                            /* clock times in speech */
             "10:30 -> 11:00\n"
             "10:30 -> later, ok?\n"                                   /* a clock time, an arrow, words */
             "9:15 --> then lunch.\n",
             &s);
    assert_int_equal(s.n_cues, 6);
    for (int i = 0; i < 6; i++) {
        assert_time(s.cues[i].start, 2 * i + 1);
        assert_time(s.cues[i].end, 2 * i + 2);
    }
    assert_string_equal(s.segments[5].text, "f 10:30 -> 11:00 is the slot. 10:30 -> 11:00 10:30 -> later, ok? 9:15 --> then lunch.");
    assert_true(has_warning(&s, 2, "(6 lines like it; this is the first)"));
    assert_int_equal(s.warnings.n_items, 1);
    sm_subtitles_free(&s);
}

/* A line that cannot be a timing line is reported with its number and its
 * cue skipped; the cues before and after it are read, numbered by their
 * position among the cues read. */
static void srt_bad_lines(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\nfirst\n\n"
             "2\n00:61:00,000 --> 00:62:00,000\nlost\n\n"                 /* impossible */
             "3\n00:00:05,000 --> 00:00:06,000\nthird\n"
             "00:00:07,000 --> 00:00:0x,000\nlost too\n\n"                  /* after text, malformed */
             "5\n00:00:09,000\nno end\n\n"                                 /* a bare timestamp */
             "6\n00:00:11,000 --> 00:00:12,000\nlast\n",
             &s);
    assert_int_equal(s.n_cues, 3);
    assert_string_equal(s.segments[0].text, "first");
    assert_string_equal(s.segments[1].text, "third");
    assert_string_equal(s.segments[2].text, "last");
    assert_int_equal(s.cues[2].ordinal, 3);
    assert_int_equal(s.cues[2].line, 20);
    assert_true(has_warning(&s, 6, "bad timing line (impossible start time): skipped, the rest of the file is read"));
    assert_true(has_warning(&s, 12, "bad timing line (unexpected characters after the end time)"));
    assert_true(has_warning(&s, 16, "bad timing line (expected '-->' after the start time)"));
    /* The index after a skipped cue follows the skipped cue's index: the
     * skip is said once, not again as a gap in the indices. */
    assert_false(has_warning(&s, 0, "SRT index"));
    sm_subtitles_free(&s);
}

/* WebVTT written loosely: ',' for '.', "->", fractions of one or two digits
 * (decimal, not milliseconds), a one-digit field; an impossible cue is
 * skipped with the rest kept (vtt_oddities). */
static void vtt_loose_cues(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("WEBVTT\n\n"
             "00:01,500 --> 00:02,750\nComma.\n\n"
             "00:03.5 -> 00:04.25\nShort.\n"
             "00:00:05.000 --> 00:06.0 line:85%\nNo blank line.\n\n"
             "1:00:07.000 --> 1:00:08.000\nOne-digit hours.\n10:30 --> later.\n",
             &s);
    assert_int_equal(s.n_cues, 4);
    assert_string_equal(s.segments[3].text, "One-digit hours. 10:30 --> later.");
    assert_time(s.cues[0].start, 1.5);
    assert_time(s.cues[0].end, 2.75);
    assert_time(s.cues[1].start, 3.5);
    assert_time(s.cues[1].end, 4.25);
    assert_time(s.cues[2].end, 6.0);
    assert_time(s.cues[3].start, 3607.0);
    assert_string_equal(s.segments[2].text, "No blank line.");
    assert_true(has_warning(&s, 6, "without a proper '-->' arrow"));
    assert_true(has_warning(&s, 6, "decimal fraction"));
    assert_true(has_warning(&s, 8, "missing blank line before cue 3"));
    assert_true(has_warning(&s, 11, "read as written"));
    sm_subtitles_free(&s);
}

/* ASS events as written by real tools: a negative start (read as 0, as a
 * player shows it), no fraction, one-digit minutes and seconds; an event
 * with an unreadable time is reported and skipped, the others kept. */
static void ass_loose_times(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("[Script Info]\nScriptType: v4.00+\n\n[Events]\n"
             "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
             "Dialogue: 0,-1:59:54.93,0:01:00.00,Default,,0,0,0,,Before the start, still shown.\n"
             "Dialogue: 0,0:00:23.45,0:01:23.45,Default,,0,0,0,,As written.\n"
             "Dialogue: 0,0:00:23,0:01:23,Default,,0,0,0,,No fraction.\n"
             "Dialogue: 1,0:0:0.04,0:0:4.00,Default,,0,0,0,,Short fields.\n"
             "Dialogue: 0,0:00:xx.00,0:00:30.00,Default,,0,0,0,,Lost.\n"
             "Dialogue: 0,0:00:31.00,0:00:32.00,Default,,0,0,0\n"
             "Dialogue: 0,0:00:40.00,0:00:41.00,Default,,0,0,0,,Last.\n",
             &s);
    assert_int_equal(s.n_cues, 5);
    assert_time(s.cues[0].start, 0.0);
    assert_time(s.cues[0].end, 60.0);
    assert_time(s.cues[1].start, 23.45);
    assert_time(s.cues[2].start, 23.0);
    assert_time(s.cues[2].end, 83.0);
    assert_time(s.cues[3].start, 0.04);
    assert_time(s.cues[3].end, 4.0);
    assert_string_equal(s.segments[0].text, "Before the start, still shown.");
    assert_string_equal(s.segments[4].text, "Last.");
    assert_int_equal(s.cues[4].line, 12);
    assert_true(has_warning(&s, 6, "time before 0: read as 0"));
    assert_true(has_warning(&s, 8, "read as written (2 lines like it; this is the first)"));
    assert_true(has_warning(&s, 10, "bad start time '0:00:xx.00' (expected H:MM:SS.cc): skipped"));
    assert_true(has_warning(&s, 11, "Dialogue line has 8 fields, the Format line says 10: skipped"));
    sm_subtitles_free(&s);

    /* a cut last line (no line end) is a truncated file */
    const char *cut = "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
                      "Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,Hi\nDialogue: 0,0:00:03.00,0:00:0";
    parse_fails(cut, strlen(cut), 4, "truncated file?");
}

/* ---- the segment rule ---------------------------------------------------------- */

static void segments_dash_rule(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\n- Absolutely.\n- Yeah, I think, for us...\n\n"
             "2\n00:00:03,000 --> 00:00:04,000\nNo dash here\n- then a dash\nand a continuation\n\n"
             "3\n00:00:05,000 --> 00:00:06,000\n-\nalone dash\n\n"
             "4\n00:00:07,000 --> 00:00:08,000\n<i>- Hi</i>\n<i>-Bye</i>\n\n"
             "5\n00:00:09,000 --> 00:00:10,000\n[DOOR SLAMS]\n\n"
             "6\n00:00:11,000 --> 00:00:12,000\n{\\an8}- Top\n  -- Interrupted  \n\n"
             "7\n00:00:13,000 --> 00:00:14,000\n<>- not a tag\n<i>\n- real\n\n"
             "8\n00:00:15,000 --> 00:00:16,000\n\xC2\xA0- nbsp before dash\n",
             &s);
    assert_int_equal(s.n_cues, 8);
    /* cue 1: two segments */
    assert_int_equal(s.cues[0].n_segments, 2);
    assert_string_equal(s.segments[0].display, "Absolutely.");
    assert_string_equal(s.segments[1].display, "Yeah, I think, for us...");
    assert_int_equal(s.segments[1].index, 2);
    assert_int_equal(s.segments[1].line, 4);
    /* cue 2 */
    assert_int_equal(s.cues[1].n_segments, 2);
    assert_string_equal(s.segments[2].display, "No dash here");
    assert_string_equal(s.segments[3].display, "then a dash and a continuation");
    /* cue 3: "-" alone opens a segment that the next line continues */
    assert_int_equal(s.cues[2].n_segments, 1);
    assert_string_equal(s.segments[4].display, "alone dash");
    /* cue 4: dash after markup */
    assert_int_equal(s.cues[3].n_segments, 2);
    assert_string_equal(s.segments[5].display, "Hi");
    assert_string_equal(s.segments[6].display, "Bye");
    /* cue 5: only an annotation: one segment, no speech */
    assert_int_equal(s.cues[4].n_segments, 1);
    assert_string_equal(s.segments[7].display, "[DOOR SLAMS]");
    assert_string_equal(s.segments[7].text, "");
    assert_int_equal(s.segments[7].n_annotations, 1);
    assert_string_equal(s.segments[7].annotations[0], "[DOOR SLAMS]");
    /* cue 6: {\an8} removed before the dash test; "--" is a dash line */
    assert_int_equal(s.cues[5].n_segments, 2);
    assert_string_equal(s.segments[8].display, "Top");
    assert_string_equal(s.segments[9].display, "Interrupted");
    /* cue 7: "<>" is not markup (the reference needs a character inside),
     * so the first line does not start with '-'; "<i>" alone is empty */
    assert_int_equal(s.cues[6].n_segments, 2);
    assert_string_equal(s.segments[10].display, "<>- not a tag");
    assert_string_equal(s.segments[11].display, "real");
    /* cue 8: Unicode whitespace is stripped before the dash test */
    assert_int_equal(s.cues[7].n_segments, 1);
    assert_string_equal(s.segments[12].display, "nbsp before dash");
    sm_subtitles_free(&s);
}

static void segments_markup_removed(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\n<font color=\"#ffff00\">Hello</font>   <b>big</b>\n"
             "<i>world {unclosed <still\n",
             &s);
    assert_string_equal(s.segments[0].display, "Hello big world {unclosed <still");
    sm_subtitles_free(&s);
}

/* Only what has the shape of a tag is markup: '<', an optional '/', then a
 * name (or a WebVTT timestamp); the formatting tags real files write with
 * stray spaces are tags too.  Everything else is what is said. */
static void markup_only_tags(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\n5 < 6 > 2\n\n"
             "2\n00:00:03,000 --> 00:00:04,000\nI <3 you <i>so</i> much.\n\n"
             "3\n00:00:05,000 --> 00:00:06,000\nIf a < b > c, then <b>yes</b>.\n\n"
             "4\n00:00:07,000 --> 00:00:08,000\n< u><i><font color=\"red\" >Badly < s>nested< /  i > tags</s></xyz>\n\n"
             "5\n00:00:09,000 --> 00:00:10,000\n<-- this way, <<quoted>> -->\n\n"
             "6\n00:00:11,000 --> 00:00:12,000\n<00:11.500>karaoke<00:11.900> word\n",
             &s);
    assert_string_equal(s.segments[0].text, "5 < 6 > 2");
    assert_string_equal(s.segments[1].text, "I <3 you so much.");
    assert_string_equal(s.segments[2].text, "If a < b > c, then yes.");
    assert_string_equal(s.segments[3].text, "Badly nested tags");
    assert_string_equal(s.segments[4].text, "<-- this way, <<quoted>> -->");
    assert_string_equal(s.segments[5].text, "karaoke word");
    sm_subtitles_free(&s);
}

/* ---- annotations and labels ------------------------------------------------------ */

static void annotations_and_music(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\n(laughs) Yeah, [DOOR SLAMS] okay.\n\n"
             "2\n00:00:03,000 --> 00:00:04,000\n\xE2\x99\xAA Smelly cat, smelly cat \xE2\x99\xAA\n\n"
             "3\n00:00:05,000 --> 00:00:06,000\nHi[laughs]there [unclosed\n\n"
             "4\n00:00:07,000 --> 00:00:08,000\n[KNOCKING\nON DOOR]\n",
             &s);
    assert_string_equal(s.segments[0].text, "Yeah, okay.");
    assert_string_equal(s.segments[0].display, "(laughs) Yeah, [DOOR SLAMS] okay.");
    assert_int_equal(s.segments[0].n_annotations, 2);
    assert_string_equal(s.segments[0].annotations[0], "(laughs)");
    assert_string_equal(s.segments[0].annotations[1], "[DOOR SLAMS]");
    assert_string_equal(s.segments[1].text, "Smelly cat, smelly cat");
    assert_int_equal(s.segments[1].n_annotations, 0);
    assert_string_equal(s.segments[2].text, "Hi there [unclosed");
    assert_string_equal(s.segments[3].text, "");
    assert_string_equal(s.segments[3].annotations[0], "[KNOCKING ON DOOR]");
    sm_subtitles_free(&s);
}

static void speaker_labels(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\nCHANDLER: Could this BE any worse?\n\n"
             "2\n00:00:03,000 --> 00:00:04,000\nMONICA & ROSS: Hey, Joey.\n\n"
             "3\n00:00:05,000 --> 00:00:06,000\n- MAN #2: Next!\n- DR. GREEN: Rachel.\n\n"
             "4\n00:00:07,000 --> 00:00:08,000\nROSS:\nNo, it's good. It is good.\n\n"
             "5\n00:00:09,000 --> 00:00:10,000\n10:30 is fine.\n\n"
             "6\n00:00:11,000 --> 00:00:12,000\nMeet me AT 10:30: okay?\n\n"
             "7\n00:00:13,000 --> 00:00:14,000\nLook: I'm sorry.\n\n"
             "8\n00:00:15,000 --> 00:00:16,000\n- Joey: Hi.\n- Mrs. Geller: Hello, dear.\n\n"
             "9\n00:00:17,000 --> 00:00:18,000\n[LAUGHING] PHOEBE: Okay.\n\n"
             "10\n00:00:19,000 --> 00:00:20,000\n[JOEY] How you doin'?\n\n"
             "11\n00:00:21,000 --> 00:00:22,000\nWAIT, WHAT: no.\n\n"
             "12\n00:00:23,000 --> 00:00:24,000\nOkay, they have issues like:\n\n"
             "13\n00:00:25,000 --> 00:00:26,000\n- Joey: Hi.\n- And you?\n\n"
             "14\n00:00:27,000 --> 00:00:28,000\nJOEY, ROSS & MONICA: Eh.\n",
             &s);
    const sm_segment *g = s.segments;
    assert_string_equal(g[0].speaker_hint, "CHANDLER");
    assert_string_equal(g[0].text, "Could this BE any worse?");
    assert_string_equal(g[0].display, "CHANDLER: Could this BE any worse?");
    assert_string_equal(g[1].speaker_hint, "MONICA & ROSS");
    assert_string_equal(g[1].text, "Hey, Joey.");
    assert_string_equal(g[2].speaker_hint, "MAN #2");
    assert_string_equal(g[2].text, "Next!");
    assert_string_equal(g[3].speaker_hint, "DR. GREEN");
    assert_string_equal(g[4].speaker_hint, "ROSS");
    assert_string_equal(g[4].text, "No, it's good. It is good.");
    assert_null(g[5].speaker_hint);
    assert_string_equal(g[5].text, "10:30 is fine.");
    assert_null(g[6].speaker_hint);
    assert_null(g[7].speaker_hint);                  /* "Look:" is speech */
    assert_string_equal(g[7].text, "Look: I'm sorry.");
    assert_string_equal(g[8].speaker_hint, "Joey");  /* every segment labelled */
    assert_string_equal(g[8].text, "Hi.");
    assert_string_equal(g[9].speaker_hint, "Mrs. Geller");
    assert_string_equal(g[9].text, "Hello, dear.");
    assert_string_equal(g[10].speaker_hint, "PHOEBE");
    assert_string_equal(g[10].text, "Okay.");
    assert_string_equal(g[10].annotations[0], "[LAUGHING]");
    assert_null(g[11].speaker_hint);                 /* [JOEY] stays an annotation */
    assert_string_equal(g[11].annotations[0], "[JOEY]");
    assert_string_equal(g[11].text, "How you doin'?");
    assert_null(g[12].speaker_hint);
    assert_null(g[13].speaker_hint);
    assert_null(g[14].speaker_hint);                 /* not every segment labelled */
    assert_string_equal(g[14].text, "Joey: Hi.");
    assert_string_equal(g[16].speaker_hint, "JOEY, ROSS & MONICA");
    assert_string_equal(g[16].text, "Eh.");
    sm_subtitles_free(&s);
}

/* ---- WebVTT -------------------------------------------------------------------- */

static void vtt_basic(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("WEBVTT - a test\nKind: captions\nLanguage: en\n\n"
             "NOTE this --> is a comment\nthat spans --> lines\n\n"
             "STYLE\n::cue { color: yellow }\n\n"
             "REGION\nid:fred\n\n"
             "intro\n00:01.000 --> 00:04.500 align:start position:10%\n<v Joey>How you doin'?</v>\n\n"
             "00:00:05.000 --> 00:00:06.000\n<v.loud Ross>- Hi!\n- <v Rachel>Hey &amp; hello &lt;3</v>\n\n"
             "3\n00:07.000 --> 00:08.000\n<c.yellow>Tom</c> <00:07.500>&amp; Jerry&#33; &nbsp;x\n"
             "00:09.000 --> 00:10.000\nno blank line\n\n"
             "00:11.000 --> 00:12.000\n<v Monica>\nOn its own line</v>\n\n"
             "00:13.000 --> 00:14.000\n<v Joey>Hi\n<v Ross>more\n- next\n",
             &s);
    assert_int_equal(s.format, SM_SUBS_WEBVTT);
    assert_string_equal(sm_subtitle_format_name(s.format), "webvtt");
    assert_time(s.cues[0].start, 1.0);
    assert_time(s.cues[0].end, 4.5);
    assert_int_equal(s.cues[0].line, 15);
    assert_string_equal(s.segments[0].text, "How you doin'?");
    assert_string_equal(s.segments[0].speaker_hint, "Joey");
    assert_int_equal(s.cues[1].n_segments, 2);
    assert_string_equal(s.segments[1].speaker_hint, "Ross");
    assert_string_equal(s.segments[1].text, "Hi!");
    assert_string_equal(s.segments[2].speaker_hint, "Rachel");
    assert_string_equal(s.segments[2].text, "Hey & hello <3");
    assert_string_equal(s.segments[3].text, "Tom & Jerry! x");
    assert_true(has_warning(&s, 25, "missing blank line"));
    assert_string_equal(s.segments[5].speaker_hint, "Monica");
    assert_string_equal(s.segments[5].text, "On its own line");
    assert_int_equal(s.n_cues, 6);
    assert_string_equal(s.segments[6].speaker_hint, "Joey");
    assert_string_equal(s.segments[6].text, "Hi more");
    assert_null(s.segments[7].speaker_hint);
    sm_subtitles_free(&s);
}

static void vtt_oddities(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("WEBVTT\n00:01.000 --> 00:02.000\nright after the header\n\n"
             "orphan block\nwith no timing\n\n"
             "00:03.000 --> 00:04.000\nok\n",
             &s);
    assert_int_equal(s.n_cues, 2);
    assert_true(has_warning(&s, 2, "after the WEBVTT header"));
    assert_true(has_warning(&s, 5, "without a timing line"));
    sm_subtitles_free(&s);

    /* an impossible cue is reported and skipped; the rest is read */
    parse_ok("WEBVTT\n\n00:01.000 --> 00:02.000\nok\n\n00:03.000 --> 00:99.000\nx\n\n"
             "00:04.000 --> 00:05.000\nlast\n", &s);
    assert_int_equal(s.n_cues, 2);
    assert_string_equal(s.segments[1].text, "last");
    assert_int_equal(s.cues[1].ordinal, 2);
    assert_true(has_warning(&s, 6, "bad WebVTT timing line (impossible end time): skipped"));
    sm_subtitles_free(&s);
    const char *bad = "WEBVTT\n\n00:03.000 --> 00:99.000\nx\n";
    parse_fails(bad, strlen(bad), 3, "impossible end time");
    const char *none = "WEBVTT\n\nNOTE nothing here\n";
    parse_fails(none, strlen(none), 0, "no subtitle cues found");
}

/* ---- ASS / SSA ------------------------------------------------------------------- */

static void ass_basic(void **state)
{
    (void)state;
    sm_subtitles s;
    parse_ok("[Script Info]\nTitle: test\nScriptType: v4.00+\n\n"
             "[V4+ Styles]\nFormat: Name, Fontname, Fontsize\nStyle: Default,Arial,20\n\n"
             "[Events]\n"
             "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
             "Dialogue: 0,0:00:01.50,0:00:04.00,Default,,0,0,0,,{\\an8}Hello, world, with commas\n"
             "Comment: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,not shown\n"
             "Dialogue: 0,0:00:05.00,0:00:06.25,Default,Joey,0,0,0,,How you\\Ndoin'?\n"
             "Dialogue: 0,0:00:07.00,0:00:08.00,Default,Ross,0,0,0,,- Hi!\\N- {\\i1}Hey.{\\i0}\n"
             "Dialogue: 1,0:00:07.50,0:00:09.00,Sign,,0,0,0,,CHANDLER: hard\\hspace\\n[SIGHS]\n",
             &s);
    assert_int_equal(s.format, SM_SUBS_ASS);
    assert_string_equal(sm_subtitle_format_name(s.format), "ass");
    assert_int_equal(s.n_cues, 4);
    assert_time(s.cues[0].start, 1.5);
    assert_time(s.cues[1].end, 6.25);
    assert_int_equal(s.cues[0].line, 11);
    assert_string_equal(s.segments[0].text, "Hello, world, with commas");
    assert_null(s.segments[0].speaker_hint);
    assert_string_equal(s.segments[1].text, "How you doin'?");
    assert_string_equal(s.segments[1].speaker_hint, "Joey");   /* Name field */
    assert_int_equal(s.cues[2].n_segments, 2);
    assert_string_equal(s.segments[2].text, "Hi!");
    assert_null(s.segments[2].speaker_hint);                   /* two turns: Name not used */
    assert_string_equal(s.segments[3].text, "Hey.");
    assert_string_equal(s.segments[4].speaker_hint, "CHANDLER");
    assert_string_equal(s.segments[4].text, "hard space");
    assert_string_equal(s.segments[4].annotations[0], "[SIGHS]");
    assert_int_equal(s.segments[4].line, 15);
    assert_int_equal(s.warnings.n_items, 0);                     /* overlap is normal in ASS */
    sm_subtitles_free(&s);
}

static void ass_ssa_and_oddities(void **state)
{
    (void)state;
    sm_subtitles s;
    /* SSA v4: Marked field first; no Name; custom order */
    parse_ok("[Script Info]\nScriptType: v4.00\n\n[Events]\n"
             "Format: Marked, Start, End, Style, Text\n"
             "Dialogue: Marked=0,0:01:00.0,0:01:02.5,Default,One, two\n",
             &s);
    assert_int_equal(s.n_cues, 1);
    assert_time(s.cues[0].start, 60.0);
    assert_time(s.cues[0].end, 62.5);
    assert_string_equal(s.segments[0].text, "One, two");
    sm_subtitles_free(&s);

    /* no Format line: the default order, with a warning */
    parse_ok("[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,Hi\n", &s);
    assert_int_equal(s.n_cues, 1);
    assert_true(has_warning(&s, 2, "no Format line"));
    sm_subtitles_free(&s);

    const char *few = "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
                      "Dialogue: 0,0:00:01.00,0:00:02.00,Default\n";
    parse_fails(few, strlen(few), 3, "fields");
    const char *badtime = "[Events]\nFormat: Start, End, Text\nDialogue: 0:00:01.00,0:00:xx.00,Hi\n";
    parse_fails(badtime, strlen(badtime), 3, "bad end time");
    const char *notext = "[Events]\nFormat: Start, End\n";
    parse_fails(notext, strlen(notext), 2, "Text");
    const char *empty = "[Script Info]\nTitle: nothing\n";
    parse_fails(empty, strlen(empty), 0, "no subtitle cues found");
}

/* ---- detection, files ------------------------------------------------------------- */

static void detection(void **state)
{
    (void)state;
    sm_subtitles s;
    /* "Dialogue:" in SRT text after the first timing line stays SRT */
    parse_ok("1\n00:00:01,000 --> 00:00:02,000\nDialogue: it's good\n", &s);
    assert_int_equal(s.format, SM_SUBS_SRT);
    assert_string_equal(s.segments[0].text, "Dialogue: it's good");
    sm_subtitles_free(&s);
    /* WEBVTTX is not a WebVTT header */
    const char *notvtt = "WEBVTTX\n\n00:01.000 --> 00:02.000\nx\n";
    parse_ok(notvtt, &s);
    assert_int_equal(s.format, SM_SUBS_SRT);
    sm_subtitles_free(&s);
}

static void files_missing_and_directory(void **state)
{
    (void)state;
    sm_subtitles s;
    sm_error err = {0};
    assert_int_equal(sm_subtitles_read_file("/nonexistent/x.srt", &s, &err), -1);
    assert_string_equal(err.file, "/nonexistent/x.srt");
    assert_int_equal(sm_subtitles_read_file("/tmp", &s, &err), -1);
    assert_string_equal(err.file, "/tmp");
}

static void file_latin1(void **state)
{
    (void)state;
    const char *path = SM_SHARED_DATA "/movies/birthday_girl/subtitles.srt";
    if (access(path, R_OK) != 0) {
        print_message("skipped: %s not present\n", path);
        skip();
    }
    sm_subtitles s;
    sm_error err = {0};
    assert_int_equal(sm_subtitles_read_file(path, &s, &err), 0);
    int found = 0;
    for (size_t i = 0; i < s.n_segments; i++)
        if (strstr(s.segments[i].text, "fianc\xC3\xA9" "e"))
            found = 1;
    assert_true(found);
    assert_int_equal(s.n_cues, 817);
    sm_subtitles_free(&s);
}

static void file_roundtrip_tmp(void **state)
{
    (void)state;
    char path[] = "/tmp/sm_test_subs_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "1\r\n00:00:01,000 --> 00:00:02,000\r\n- JOEY: Hi.\r\n- [SIGHS]\r\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    sm_subtitles s;
    sm_error err = {0};
    assert_int_equal(sm_subtitles_read_file(path, &s, &err), 0);
    assert_int_equal(s.n_segments, 2);
    assert_string_equal(s.segments[0].speaker_hint, "JOEY");
    assert_string_equal(s.segments[1].text, "");
    assert_true(s.encoding[0] != '\0');
    sm_subtitles_free(&s);
    unlink(path);
}

/* The readers work on slices: they must never read a byte past the length
 * they are given, nor rely on a NUL after it.  Every prefix of these
 * inputs is parsed from an exact-size heap copy (no terminator), so that
 * AddressSanitizer reports any read past the end: the cuts fall inside
 * times, arrows, tags, entities, override blocks and multibyte characters. */
static void readers_stay_inside_the_slice(void **state)
{
    (void)state;
    static const char *const inputs[] = {
        "1\r\n00:00:01,5 -> 0:00:02.25 X1:1\r\n- <i>ROSS:</i> Hi &amp; <3\r\n< /i >[DOOR]\xE2\x99\xAA\r\n\r\n"
        "00:00:03,000 \xE2\x80\x94> 00:00:04,0000\n<font color=x>Bye</font> {\\an8}\n",
        "\xEF\xBB\xBFWEBVTT\n\nNOTE x\n\nid\n00:01.5 --> 00:02,000 line:0\n<v.loud Joey>Hi &#x41;&#65;&lt"
        "<00:01.500><c.x>y</c> &nbsp\n",
        "[Script Info]\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"
        "Dialogue: 0,-0:00:01.5,0:0:2,Default,Joey,0,0,0,,{\\i1}Hi\\Nthere\\h\\n- x{\\b1\n",
        "2\n00:00:03,0\n\n12\n00:61:00,000 --> 00:00:01,000\nx\n\n00:00:05 --> 00:00:06\n<<q>> < b > caf\xC3\xA9",
        /* UTF-8 with Windows-1252 bytes (and one that is neither), then a legacy file */
        "1\r\n00:00:01,000 --> 00:00:02,000\r\nCaf\xC3\xA9, it\x92s caf\xE9 \x85 \xE0 \xFF\xFE\x81\r",
        "1\n00:00:01,000 --> 00:00:02,000\nCaf\xE9 na\xEFve \x81\x8D \x93q\x94\r\n",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        size_t len = strlen(inputs[k]);
        for (size_t cut = 0; cut <= len; cut++) {
            char *copy = malloc(cut ? cut : 1);
            assert_non_null(copy);
            memcpy(copy, inputs[k], cut);
            sm_subtitles s;
            sm_error err;
            if (sm_subtitles_parse("slice", copy, cut, &s, &err) == 0)
                sm_subtitles_free(&s);
            sm_text t;
            if (sm_text_decode("slice", (const unsigned char *)copy, cut, &t, &err) == 0)
                sm_text_free(&t);
            free(copy);
        }
    }
}

/* Long hostile lines must stay linear (no rescans per '<' or '['). */
static void hostile_long_line(void **state)
{
    (void)state;
    size_t n = 4u << 20;
    char *buf = malloc(n + 64);
    assert_non_null(buf);
    size_t k = (size_t)sprintf(buf, "1\n00:00:01,000 --> 00:00:02,000\n");
    for (size_t i = k; i < n; i++)
        buf[i] = "<{[(-"[i % 5];
    buf[n] = '\0';
    sm_subtitles s;
    sm_error err = {0};
    assert_int_equal(sm_subtitles_parse("long.srt", buf, n, &s, &err), 0);
    assert_int_equal(s.n_cues, 1);
    sm_subtitles_free(&s);
    free(buf);
}

/* Big inputs take the mapped-array paths: a small text with very many
 * segments (arrays outgrow malloc while parsing) and a text over 4 MiB
 * (arrays reserved from the line count). */
static void big_documents(void **state)
{
    (void)state;
    size_t dashes = 100000;
    size_t cap = 64 + dashes * 2;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t k = (size_t)sprintf(buf, "1\n00:00:01,000 --> 00:00:02,000\n");
    for (size_t i = 0; i < dashes; i++) {
        buf[k++] = '-';
        buf[k++] = '\n';
    }
    sm_subtitles s;
    sm_error err = {0};
    assert_int_equal(sm_subtitles_parse("dashes.srt", buf, k, &s, &err), 0);
    assert_int_equal(s.n_cues, 1);
    assert_int_equal(s.n_segments, dashes);
    assert_int_equal(s.segments[dashes - 1].index, (int)dashes);
    assert_string_equal(s.segments[dashes - 1].display, "");
    sm_subtitles_free(&s);
    free(buf);

    size_t cues = 120000;
    cap = cues * 80 + 64;
    buf = malloc(cap);
    assert_non_null(buf);
    k = 0;
    for (size_t i = 0; i < cues; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%zu\n%02zu:%02zu:%02zu,000 --> %02zu:%02zu:%02zu,500\n- A%zu\n- B\n\n",
                              i + 1, i / 3600 % 100, i / 60 % 60, i % 60, i / 3600 % 100, i / 60 % 60, i % 60, i);
    assert_true(k > (4u << 20));
    assert_int_equal(sm_subtitles_parse("big.srt", buf, k, &s, &err), 0);
    assert_int_equal(s.n_cues, cues);
    assert_int_equal(s.n_segments, 2 * cues);
    assert_string_equal(s.segments[2 * cues - 2].text, "A119999");
    sm_subtitles_free(&s);
    free(buf);
}

/* A file full of oddities keeps 10,000 warnings plus a summary line. */
static void warnings_are_capped(void **state)
{
    (void)state;
    size_t cues = 10050, cap = cues * 48 + 1, k = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    for (size_t i = 0; i < cues; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%zu\n00:00:05,000 --> 00:00:06,000\nx\n\n", i + 1);
    sm_subtitles s;
    sm_error err = {0};
    assert_int_equal(sm_subtitles_parse("many.srt", buf, k, &s, &err), 0);
    assert_int_equal(s.n_cues, cues);
    assert_int_equal(s.warnings_total, cues - 1);          /* every cue overlaps its predecessor */
    assert_int_equal(s.warnings.n_items, 10001);
    assert_true(has_warning(&s, 0, "49 more warnings not listed"));
    sm_subtitles_free(&s);
    free(buf);
}

/* The records of `storymovie subs`: times with three decimals, labels and
 * annotations apart. */
static void segments_as_json_lines(void **state)
{
    (void)state;
    const char *srt = "1\n00:00:02,877 --> 00:00:04,294\n- ROSS: Hi.\n- [DOOR SLAMS]\n\n"
                      "3\n00:00:05,000 --> 00:00:06,000\nBye\n";
    sm_subtitles subs;
    sm_error err;
    assert_int_equal(sm_subtitles_parse("a.srt", srt, strlen(srt), &subs, &err), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(sm_subtitles_write_jsonl(f, &subs), 0);
    fclose(f);
    assert_string_equal(text,
        "{\"cue\":1,\"segment\":1,\"start\":2.877,\"end\":4.294,\"text\":\"Hi.\",\"display\":\"ROSS: Hi.\","
        "\"annotations\":[],\"speaker_hint\":\"ROSS\",\"line\":3}\n"
        "{\"cue\":1,\"segment\":2,\"start\":2.877,\"end\":4.294,\"text\":\"\",\"display\":\"[DOOR SLAMS]\","
        "\"annotations\":[\"[DOOR SLAMS]\"],\"speaker_hint\":null,\"line\":4}\n"
        "{\"cue\":2,\"segment\":1,\"start\":5.000,\"end\":6.000,\"text\":\"Bye\",\"display\":\"Bye\","
        "\"annotations\":[],\"speaker_hint\":null,\"line\":8}\n");
    free(text);
    sm_subtitles_free(&subs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(srt_basic),
        cmocka_unit_test(srt_crlf_bom_and_stray_cr),
        cmocka_unit_test(srt_timing_variants),
        cmocka_unit_test(srt_broken_indices),
        cmocka_unit_test(srt_missing_blank_lines),
        cmocka_unit_test(srt_time_oddities_warn),
        cmocka_unit_test(srt_empty_cue_and_stray_text),
        cmocka_unit_test(srt_errors),
        cmocka_unit_test(srt_loose_cues),
        cmocka_unit_test(srt_short_fractions),
        cmocka_unit_test(srt_arrows),
        cmocka_unit_test(srt_bad_lines),
        cmocka_unit_test(vtt_loose_cues),
        cmocka_unit_test(ass_loose_times),
        cmocka_unit_test(segments_dash_rule),
        cmocka_unit_test(segments_markup_removed),
        cmocka_unit_test(markup_only_tags),
        cmocka_unit_test(annotations_and_music),
        cmocka_unit_test(speaker_labels),
        cmocka_unit_test(vtt_basic),
        cmocka_unit_test(vtt_oddities),
        cmocka_unit_test(ass_basic),
        cmocka_unit_test(ass_ssa_and_oddities),
        cmocka_unit_test(detection),
        cmocka_unit_test(files_missing_and_directory),
        cmocka_unit_test(file_latin1),
        cmocka_unit_test(file_roundtrip_tmp),
        cmocka_unit_test(readers_stay_inside_the_slice),
        cmocka_unit_test(hostile_long_line),
        cmocka_unit_test(big_documents),
        cmocka_unit_test(warnings_are_capped),
        cmocka_unit_test(segments_as_json_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
