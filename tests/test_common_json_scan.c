/* test_common_json_scan.c - the JSON Lines record scanner: typed fields,
 * decoding, jansson's refusals, and which path read a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "common/json_scan.h"

static const sm_json_field fields[] = {
    {"type", SM_JSON_STRING}, {"cue", SM_JSON_INTEGER}, {"start", SM_JSON_NUMBER},
    {"images", SM_JSON_STRINGS}, {"cue", SM_JSON_NUMBER}, {"text", SM_JSON_STRING},
};
#define N_FIELDS (sizeof fields / sizeof fields[0])

typedef struct scan_fixture {
    sm_arena arena;
    sm_json_scan sc;
    sm_json_value v[N_FIELDS];
} scan_fixture;

static int scan(scan_fixture *f, const char *line)
{
    memset(f, 0, sizeof *f);
    sm_json_scan_init(&f->sc, &f->arena);
    return sm_json_scan_object(&f->sc, line, strlen(line), fields, N_FIELDS, f->v);
}

static void done(scan_fixture *f) { sm_arena_free(&f->arena); }

static void flat_record_on_the_fast_path(void **state)
{
    (void)state;
    scan_fixture f;
    assert_int_equal(scan(&f, " {\"type\":\"segment\",\"cue\":12,\"start\":141.766,\"extra\":[1,{\"x\":null}],"
                              "\"images\":[\"a.jpg\",7,\"b.jpg\"],\"text\":null} \r"), SM_JSON_SCAN_OK);
    assert_int_equal(f.sc.fast, 1);
    assert_int_equal(f.sc.slow, 0);
    assert_int_equal(f.v[0].state, SM_JSON_OK);
    assert_string_equal(f.v[0].string, "segment");
    assert_int_equal(f.v[0].len, 7);
    assert_int_equal(f.v[1].state, SM_JSON_OK);
    assert_int_equal(f.v[1].integer, 12);
    assert_int_equal(f.v[2].state, SM_JSON_OK);
    assert_true(f.v[2].number == 141.766);
    assert_int_equal(f.v[3].state, SM_JSON_OK);
    assert_int_equal(f.v[3].n_strings, 2);
    assert_string_equal(f.v[3].strings[1], "b.jpg");
    assert_int_equal(f.v[3].first_non_string, 1);
    assert_int_equal(f.v[4].state, SM_JSON_OK);   /* one key, two types */
    assert_true(f.v[4].number == 12.0);
    assert_int_equal(f.v[5].state, SM_JSON_NULL);
    done(&f);
}

static void types_that_do_not_fit(void **state)
{
    (void)state;
    scan_fixture f;
    assert_int_equal(scan(&f, "{\"type\":5,\"cue\":1.0,\"start\":\"1\",\"images\":\"x\"}"), SM_JSON_SCAN_OK);
    assert_int_equal(f.v[0].state, SM_JSON_MISMATCH);
    assert_int_equal(f.v[1].state, SM_JSON_MISMATCH);   /* 1.0 is a real, as jansson says */
    assert_int_equal(f.v[4].state, SM_JSON_OK);
    assert_int_equal(f.v[2].state, SM_JSON_MISMATCH);
    assert_int_equal(f.v[3].state, SM_JSON_MISMATCH);
    assert_int_equal(f.v[5].state, SM_JSON_ABSENT);
    done(&f);
}

static void escapes_decode(void **state)
{
    (void)state;
    scan_fixture f;
    assert_int_equal(scan(&f, "{\"text\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\u20ac\\ud83d\\ude00 caf\xc3\xa9\"}"),
                     SM_JSON_SCAN_OK);
    assert_int_equal(f.sc.fast, 1);
    assert_string_equal(f.v[5].string, "a\"b\\c/d\n\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 caf\xc3\xa9");
    assert_int_equal(f.v[5].len, strlen(f.v[5].string));
    done(&f);
}

static void decoded_in_place(void **state)
{
    (void)state;
    char line[] = "{\"text\":\"a\\nb\\u00e9\",\"images\":[\"x\\/y\",\"z\"],\"type\":\"plain\"}";
    sm_arena arena = {0};
    sm_json_scan sc;
    sm_json_scan_init(&sc, &arena);
    sm_json_value v[N_FIELDS];
    assert_int_equal(sm_json_scan_object_in_place(&sc, line, strlen(line), fields, N_FIELDS, v),
                     SM_JSON_SCAN_OK);
    assert_int_equal(sc.fast, 1);
    assert_string_equal(v[5].string, "a\nb\xc3\xa9");
    assert_true(v[5].string > line && v[5].string < line + sizeof line);   /* in the line itself */
    assert_string_equal(v[3].strings[0], "x/y");
    assert_string_equal(v[3].strings[1], "z");
    assert_string_equal(v[0].string, "plain");
    /* A line the fast path cannot read is left whole for jansson. */
    char odd[] = "{\"ty\\u0070e\":\"a\\tb\"}";
    char copy[sizeof odd];
    memcpy(copy, odd, sizeof odd);
    assert_int_equal(sm_json_scan_object_in_place(&sc, odd, strlen(odd), fields, N_FIELDS, v), SM_JSON_SCAN_OK);
    assert_int_equal(sc.slow, 1);
    assert_memory_equal(odd, copy, sizeof odd);
    assert_string_equal(v[0].string, "a\tb");
    sm_arena_free(&arena);
}

static void last_repeated_key_wins(void **state)
{
    (void)state;
    scan_fixture f;
    assert_int_equal(scan(&f, "{\"type\":\"a\",\"type\":3,\"cue\":1,\"cue\":2}"), SM_JSON_SCAN_OK);
    assert_int_equal(f.v[0].state, SM_JSON_MISMATCH);
    assert_int_equal(f.v[1].integer, 2);
    done(&f);
}

static void refused_as_jansson_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"cue\":01}", "{\"cue\":1.}", "{\"start\":1E400}", "{\"cue\":99999999999999999999}",
        "{\"text\":\"\\u0000\"}", "{\"text\":\"\\ud800\"}", "{\"text\":\"\\x\"}", "{\"text\":\"\xff\"}",
        "{\"text\":\"a\tb\"}", "{\"other\":\"\xc0\xaf\"}", "{\"cue\":1,}", "{\"cue\":1} x", "{\"cue\":tru}",
        "{\"type\":\"segment\",\"cue\":1,", "\xef\xbb\xbf{}", "{'cue':1}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        scan_fixture f;
        assert_int_equal(scan(&f, bad[i]), SM_JSON_NOT_OBJECT);
        assert_true(f.sc.why[0] != '\0');
        assert_int_equal(f.sc.fast, 0);
        done(&f);
    }
    scan_fixture f;
    assert_int_equal(scan(&f, "[1, 2]"), SM_JSON_NOT_OBJECT);
    assert_string_equal(f.sc.why, "");     /* JSON, but not an object */
    done(&f);
}

static void what_the_scanner_leaves_to_jansson(void **state)
{
    (void)state;
    scan_fixture f;
    /* An escaped key is decoded by jansson: still the same field. */
    assert_int_equal(scan(&f, "{\"ty\\u0070e\":\"block\",\"start\":-0.5e1}"), SM_JSON_SCAN_OK);
    assert_int_equal(f.sc.slow, 1);
    assert_string_equal(f.v[0].string, "block");
    assert_true(f.v[2].number == -5.0);
    done(&f);
    /* Nesting deeper than the scanner follows. */
    char deep[400] = "{\"x\":";
    for (int i = 0; i < 100; i++)
        strcat(deep, "[");
    for (int i = 0; i < 100; i++)
        strcat(deep, "]");
    strcat(deep, ",\"cue\":3}");
    assert_int_equal(scan(&f, deep), SM_JSON_SCAN_OK);
    assert_int_equal(f.sc.slow, 1);
    assert_int_equal(f.v[1].integer, 3);
    done(&f);
}

static void lines_skip_blanks(void **state)
{
    (void)state;
    const char text[] = "{\"a\":1}\n\n  \t\r\n{\"b\":2}\r\n   ";
    const char *p = text, *rec;
    size_t n;
    long line = 0;
    assert_int_equal(sm_jsonl_next(&p, text + strlen(text), &line, &rec, &n), 1);
    assert_int_equal(line, 1);
    assert_int_equal(n, 7);
    assert_int_equal(sm_jsonl_next(&p, text + strlen(text), &line, &rec, &n), 1);
    assert_int_equal(line, 4);
    assert_memory_equal(rec, "{\"b\":2}\r", 8);
    assert_int_equal(sm_jsonl_next(&p, text + strlen(text), &line, &rec, &n), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flat_record_on_the_fast_path),
        cmocka_unit_test(types_that_do_not_fit),
        cmocka_unit_test(escapes_decode),
        cmocka_unit_test(decoded_in_place),
        cmocka_unit_test(last_repeated_key_wins),
        cmocka_unit_test(refused_as_jansson_refuses),
        cmocka_unit_test(what_the_scanner_leaves_to_jansson),
        cmocka_unit_test(lines_skip_blanks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
