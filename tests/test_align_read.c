/* test_align_read.c - a film's alignment read back from the JSON Lines of
 * `storymovie align`, and aligned in-process from its two files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storymovie/align.h"
#include "storymovie/alignment.h"
#include "sm_test.h"

static void alignment_read_back(void **state)
{
    (void)state;
    sm_film_alignment al;
    sm_error err;
    size_t len;
    char *alignment_jsonl = sm_test_fixture("link/alignment.jsonl", &len);
    assert_int_equal(sm_film_alignment_parse("a.jsonl", alignment_jsonl, len, &al, &err), 0);
    free(alignment_jsonl);
    assert_int_equal(al.n_segments, 5);
    assert_int_equal(al.n_blocks, 6);
    assert_null(al.segments[0].speaker);
    assert_int_equal(al.segments[0].block, 0);
    assert_string_equal(al.segments[2].speaker, "MARTHA");
    assert_int_equal(al.segments[2].block, 4);
    assert_false(al.blocks[1].timed);
    assert_true(al.blocks[2].timed);
    assert_string_equal(al.blocks[2].speaker, "DANIEL");
    sm_film_alignment_free(&al);

    const char *bad = "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2}\n\n{\"type\":\"segm";
    assert_int_equal(sm_film_alignment_parse("b.jsonl", bad, strlen(bad), &al, &err), -1);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.file, "b.jsonl");
    const char *missing = "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"end\":2}\n";
    assert_int_equal(sm_film_alignment_parse("c.jsonl", missing, strlen(missing), &al, &err), -1);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "required fields"));
    assert_int_equal(sm_film_alignment_read("/nonexistent.jsonl", &al, &err), -1);
}

/* The fast reader and jansson (used for lines with nested values) decode
 * strings identically. */
static void alignment_escapes_both_paths(void **state)
{
    (void)state;
    const char *fast =
        "{\"type\":\"segment\",\"cue\":7,\"segment\":2,\"start\":1.5,\"end\":2e0,"
        "\"text\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ a\\tb \xc3\xa9\",\"speaker\":\"Zo\\u00eb\","
        "\"confidence\":0.5,\"block\":null,\"flag\":true}\n";
    const char *nested =
        "{\"type\":\"segment\",\"cue\":7,\"segment\":2,\"start\":1.5,\"end\":2e0,"
        "\"text\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\\\ \\/ a\\tb \xc3\xa9\",\"speaker\":\"Zo\\u00eb\","
        "\"confidence\":0.5,\"block\":null,\"extra\":{\"a\":[1,2]}}\n";
    sm_film_alignment a, b;
    sm_error err;
    assert_int_equal(sm_film_alignment_parse("f", fast, strlen(fast), &a, &err), 0);
    assert_int_equal(sm_film_alignment_parse("n", nested, strlen(nested), &b, &err), 0);
    assert_int_equal(a.n_segments, 1);
    assert_int_equal(b.n_segments, 1);
    assert_string_equal(a.segments[0].text, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / a\tb \xc3\xa9");
    assert_string_equal(a.segments[0].text, b.segments[0].text);
    assert_string_equal(a.segments[0].speaker, "Zo\xc3\xab");
    assert_string_equal(a.segments[0].speaker, b.segments[0].speaker);
    assert_true(a.segments[0].end == 2.0 && b.segments[0].end == 2.0);
    assert_int_equal(a.segments[0].block, 0);
    assert_int_equal(a.segments[0].cue, 7);
    sm_film_alignment_free(&a);
    sm_film_alignment_free(&b);

    /* A real-valued cue is not an integer: both paths refuse it. */
    const char *real_cue = "{\"type\":\"segment\",\"segment\":1,\"cue\":1.0,\"start\":1,\"end\":2}\n";
    assert_int_equal(sm_film_alignment_parse("r", real_cue, strlen(real_cue), &a, &err), -1);
    /* A lone surrogate goes to jansson, which refuses it with a message. */
    const char *lone = "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2,\"text\":\"\\ud800\"}\n";
    assert_int_equal(sm_film_alignment_parse("l", lone, strlen(lone), &a, &err), -1);
    assert_non_null(strstr(err.message, "not a JSON object"));
    /* Trailing garbage after the object. */
    const char *trail = "{\"type\":\"note\"} x\n";
    assert_int_equal(sm_film_alignment_parse("t", trail, strlen(trail), &a, &err), -1);
}

/* Found by fuzzing the alignment reader (now fuzz_common_json_scan.c): the fast scanner accepted lines
 * jansson refuses (invalid UTF-8, numbers that are not JSON, bad escapes
 * in fields it skips), so a damaged file could pass invalid UTF-8 or an
 * infinite time on into link's records; and with a repeated key it kept
 * the first string where jansson keeps the last value.  Every such line
 * must now read as jansson reads it. */
static void alignment_fast_path_is_jansson(void **state)
{
    (void)state;
    static const char *const refused[] = {
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2,\"sp\x9c\x9e\":\"A\"}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2,\"text\":\"a\xff\"}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2,\"text\":\"\xc0\xaf\"}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2,\"text\":\"\xed\xa0\x80\"}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2,\"text\":\"\xe2\x82\"}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":01,\"start\":1,\"end\":2}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1.,\"end\":2}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":-.5,\"end\":2}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":1E400}",
        "{\"type\":\"segment\",\"segment\":1,\"cue\":99999999999999999999,\"start\":1,\"end\":2}",
        "{\"type\":\"note\",\"x\":\"\\q\"}",
        "{\"type\":\"note\",\"x\":\"\\u0000\"}",
        "{\"type\":\"note\",\"x\":\"\\udc00\"}",
        "{\"type\":\"note\",\"x\":\"a\\",
    };
    sm_film_alignment a;
    sm_error err;
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        if (sm_film_alignment_parse("u", refused[i], strlen(refused[i]), &a, &err) != -1)
            fail_msg("accepted: %s", refused[i]);
        assert_null(a.segments);
    }
    /* Still on the fast path and still read: valid UTF-8 of every length. */
    const char *utf8 = "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":0,\"end\":-0.5e-1,"
                       "\"text\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}";
    assert_int_equal(sm_film_alignment_parse("u", utf8, strlen(utf8), &a, &err), 0);
    assert_string_equal(a.segments[0].text, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    assert_true(a.segments[0].end == -0.05);
    sm_film_alignment_free(&a);
    /* A repeated key: the last value, as jansson reads it. */
    const char *twice = "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"start\":1,\"end\":2,"
                        "\"speaker\":\"A\",\"speaker\":null,\"text\":\"x\",\"text\":\"y\"}";
    assert_int_equal(sm_film_alignment_parse("u", twice, strlen(twice), &a, &err), 0);
    assert_null(a.segments[0].speaker);
    assert_string_equal(a.segments[0].text, "y");
    sm_film_alignment_free(&a);
    const char *cue_twice = "{\"type\":\"segment\",\"segment\":1,\"cue\":1,\"cue\":\"1\",\"start\":1,\"end\":2}";
    assert_int_equal(sm_film_alignment_parse("u", cue_twice, strlen(cue_twice), &a, &err), -1);
}

/* A segment record needs the numbers that place it; its confidence may be
 * missing (NaN: unknown, not 0). */
static void records_need_their_fields(void **state)
{
    (void)state;
    static const char *const incomplete[] = {
        "{\"type\":\"segment\",\"cue\":1,\"start\":1,\"end\":2}",
        "{\"type\":\"segment\",\"cue\":1,\"segment\":\"1\",\"start\":1,\"end\":2}",
        "{\"type\":\"segment\",\"cue\":1,\"segment\":1,\"start\":null,\"end\":2}",
        "{\"type\":\"block\",\"block\":1,\"text\":\"no kind\"}",
        "{\"type\":\"block\",\"block\":1.5,\"kind\":\"action\"}",
    };
    sm_film_alignment a;
    sm_error err;
    for (size_t i = 0; i < sizeof incomplete / sizeof *incomplete; i++) {
        assert_int_equal(sm_film_alignment_parse("r", incomplete[i], strlen(incomplete[i]), &a, &err), -1);
        assert_non_null(strstr(err.message, "required fields"));
        assert_int_equal(err.line, 1);
    }
    const char *no_conf = "{\"type\":\"segment\",\"cue\":3,\"segment\":2,\"start\":1,\"end\":2,\"speaker\":\"A\"}";
    assert_int_equal(sm_film_alignment_parse("r", no_conf, strlen(no_conf), &a, &err), 0);
    assert_true(isnan(a.segments[0].confidence));
    assert_int_equal(a.segments[0].segment, 2);
    sm_film_alignment_free(&a);
}

static const char transcript[] =
    "[Scene: Central Perk.]\n\n"
    "Monica: There's nothing to tell! He's just some guy I work with!\n\n"
    "Joey: C'mon, you're going out with the guy! There's gotta be something wrong with him!\n\n"
    "Chandler: All right Joey, be nice. So does he have a hump? A hump and a hairpiece?\n";
static const char srt[] =
    "1\n00:00:01,000 --> 00:00:03,500\nThere's nothing to tell!\nHe's just some guy I work with!\n\n"
    "2\n00:00:03,600 --> 00:00:06,000\nC'mon, you're going out with the guy!\n\n"
    "3\n00:00:06,100 --> 00:00:08,000\nThere's gotta be something wrong with him!\n\n"
    "4\n00:00:08,100 --> 00:00:10,000\nAll right Joey, be nice.\n\n"
    "5\n00:00:10,100 --> 00:00:12,000\nSo does he have a hump?\n";

/* The records sm_film_align() returns are the records its JSON Lines read
 * back as: link in-process and link from files agree. */
static void film_align_records_equal_read_back(void **state)
{
    (void)state;
    char script[256], subs[256], out[256];
    snprintf(script, sizeof script, "%s", sm_test_file("t.txt", transcript));
    snprintf(subs, sizeof subs, "%s", sm_test_file("s.srt", srt));
    snprintf(out, sizeof out, "%s/out.jsonl", sm_test_dir);
    sm_film_align_request req = {script, subs, NULL, out, SM_ALIGN_JSONL, NULL};
    sm_film_alignment a, b;
    sm_film_align_stats stats;
    sm_error err;
    assert_int_equal(sm_film_align(&req, &a, &stats, &err), 0);
    assert_int_equal(stats.segments, 5);
    assert_true(stats.answered >= 4);
    assert_int_equal(sm_film_alignment_read(out, &b, &err), 0);
    assert_int_equal(a.n_segments, b.n_segments);
    assert_int_equal(a.n_blocks, b.n_blocks);
    for (size_t i = 0; i < a.n_segments; i++) {
        const sm_film_segment *x = &a.segments[i], *y = &b.segments[i];
        assert_int_equal(x->cue, y->cue);
        assert_int_equal(x->segment, y->segment);
        assert_true(x->start == y->start && x->end == y->end && x->confidence == y->confidence);
        assert_string_equal(x->text, y->text);
        assert_true((!x->speaker && !y->speaker) || (x->speaker && y->speaker && !strcmp(x->speaker, y->speaker)));
        assert_int_equal(x->block, y->block);
    }
    for (size_t i = 0; i < a.n_blocks; i++) {
        assert_int_equal(a.blocks[i].block, b.blocks[i].block);
        assert_string_equal(a.blocks[i].kind, b.blocks[i].kind);
        assert_int_equal(a.blocks[i].timed, b.blocks[i].timed);
        assert_true(!a.blocks[i].timed || (a.blocks[i].start == b.blocks[i].start && a.blocks[i].end == b.blocks[i].end));
    }
    /* the summary record: the method's version, one film */
    assert_int_equal(a.method, sm_align_method_version());
    assert_int_equal(b.method, sm_align_method_version());
    assert_false(a.mismatch || b.mismatch || a.note || b.note);
    sm_film_alignment_free(&a);
    sm_film_alignment_free(&b);
}

/* Subtitles of another film: flagged in the stats and in the records, the
 * same whether read back or computed; older alignments have no summary. */
static void film_align_mismatch_read_back(void **state)
{
    (void)state;
    static const char other[] =
        "1\n00:00:01,000 --> 00:00:03,000\nThe quarterly figures show a decline in exports.\n\n"
        "2\n00:00:04,000 --> 00:00:06,000\nPlease fasten your seatbelts for landing.\n";
    char script[256], subs[256], out[256];
    snprintf(script, sizeof script, "%s", sm_test_file("t.txt", transcript));
    snprintf(subs, sizeof subs, "%s", sm_test_file("other.srt", other));
    snprintf(out, sizeof out, "%s/other.jsonl", sm_test_dir);
    sm_film_align_request req = {script, subs, NULL, out, SM_ALIGN_JSONL, NULL};
    sm_film_alignment a, b;
    sm_film_align_stats stats;
    sm_error err;
    assert_int_equal(sm_film_align(&req, &a, &stats, &err), 0);
    assert_true(stats.mismatch);
    assert_int_equal(stats.answered, 0);
    assert_int_equal(sm_film_alignment_read(out, &b, &err), 0);
    assert_true(a.mismatch && b.mismatch);
    assert_non_null(a.note);
    assert_non_null(b.note);
    assert_string_equal(a.note, b.note);
    assert_non_null(strstr(b.note, "too little to be one film"));
    sm_film_alignment_free(&a);
    sm_film_alignment_free(&b);

    const char *old = "{\"type\":\"segment\",\"cue\":1,\"segment\":1,\"start\":1,\"end\":2}\n";
    assert_int_equal(sm_film_alignment_parse("old", old, strlen(old), &a, &err), 0);
    assert_int_equal(a.method, 0);
    assert_false(a.mismatch);
    sm_film_alignment_free(&a);
}

/* Empty or blank input is an error naming the file, whichever file it is;
 * nothing is written. */
static void film_align_refuses_empty_files(void **state)
{
    (void)state;
    char script[256], subs[256], blank[256], empty[256], out[256];
    snprintf(script, sizeof script, "%s", sm_test_file("t.txt", transcript));
    snprintf(subs, sizeof subs, "%s", sm_test_file("s.srt", srt));
    snprintf(blank, sizeof blank, "%s", sm_test_file("blank.txt", " \n\n\t \n"));
    snprintf(empty, sizeof empty, "%s", sm_test_file("empty.srt", ""));
    snprintf(out, sizeof out, "%s/never.jsonl", sm_test_dir);
    const char *cases[][3] = {{blank, subs, blank}, {script, empty, empty}, {empty, blank, empty}};
    for (size_t i = 0; i < 3; i++) {
        sm_film_align_request req = {cases[i][0], cases[i][1], NULL, out, SM_ALIGN_JSONL, NULL};
        sm_film_alignment a;
        sm_error err;
        assert_int_equal(sm_film_align(&req, &a, NULL, &err), -1);
        assert_string_equal(err.file, cases[i][2]);
        assert_string_equal(err.message, "empty file");
        assert_null(a.segments);
        assert_int_equal(access(out, F_OK), -1);
    }
}

/* A line cued under a second name carries the canonical character and
 * why, in segment and block records; absent, both are NULL. */
static void alignment_character_read_back(void **state)
{
    (void)state;
    const char *text =
        "{\"type\":\"segment\",\"cue\":1,\"segment\":1,\"start\":1,\"end\":2,\"speaker\":\"CARLOS\","
        "\"confidence\":0.99,\"block\":3,\"evidence\":\"match\",\"character\":\"RAMIREZ\","
        "\"character_evidence\":\"renamed\"}\n"
        "{\"type\":\"segment\",\"cue\":2,\"segment\":1,\"start\":2,\"end\":3,\"speaker\":\"AMOS\"}\n"
        "{\"type\":\"block\",\"block\":3,\"kind\":\"dialogue\",\"scene\":1,\"speaker\":\"CARLOS\","
        "\"text\":\"x\",\"start\":1,\"end\":2,\"timing\":\"aligned\",\"line\":9,"
        "\"character\":\"RAMIREZ\",\"character_evidence\":\"renamed\"}\n";
    sm_film_alignment a;
    sm_error err;
    assert_int_equal(sm_film_alignment_parse("c", text, strlen(text), &a, &err), 0);
    assert_int_equal(a.n_segments, 2);
    assert_string_equal(a.segments[0].character, "RAMIREZ");
    assert_string_equal(a.segments[0].character_evidence, "renamed");
    assert_null(a.segments[1].character);
    assert_null(a.segments[1].character_evidence);
    assert_int_equal(a.n_blocks, 1);
    assert_string_equal(a.blocks[0].character, "RAMIREZ");
    assert_string_equal(a.blocks[0].character_evidence, "renamed");
    sm_film_alignment_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alignment_read_back),
        cmocka_unit_test(alignment_escapes_both_paths),
        cmocka_unit_test(alignment_fast_path_is_jansson),
        cmocka_unit_test(alignment_character_read_back),
        cmocka_unit_test(records_need_their_fields),
        cmocka_unit_test(film_align_records_equal_read_back),
        cmocka_unit_test(film_align_mismatch_read_back),
        cmocka_unit_test(film_align_refuses_empty_files),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
