/* test_common_json_scan.c - the JSON Lines record scanner: typed fields,
 * decoding, jansson's refusals, and which path read a line; documents
 * (nested records) walked, refused and read by jansson the same way. */
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

/* ---- documents ---------------------------------------------------------- */

static const sm_json_node *doc_of(sm_json_doc *d, const char *text)
{
    assert_int_equal(sm_json_doc_read(d, text, strlen(text)), SM_JSON_SCAN_OK);
    assert_int_equal(d->nodes[0].skip, d->n_nodes);
    return &d->nodes[0];
}

static void document_walked(void **state)
{
    (void)state;
    sm_json_doc d;
    sm_json_doc_init(&d, 1);
    const sm_json_node *o = doc_of(&d, " {\"id\":\"s1\",\"fps\":23.976,\"frames\":[{\"image\":1,\"between\":[null,2]},"
                                       "{\"image\":2,\"on\":true}],\"empty\":{},\"none\":[],\"n\":-7,"
                                       "\"text\":\"caf\\u00e9\\n\"} \r");
    assert_int_equal(d.fast, 1);
    assert_int_equal(o->kind, SM_JSON_OBJECT);
    assert_int_equal(o->size, 7);
    const sm_json_node *fps = sm_json_get(o, "fps"), *frames = sm_json_get(o, "frames");
    assert_int_equal(fps->kind, SM_JSON_REAL);
    assert_true(fps->v.real == 23.976);
    assert_int_equal(sm_json_get(o, "n")->v.integer, -7);
    assert_int_equal(frames->kind, SM_JSON_ARRAY);
    assert_int_equal(frames->size, 2);
    size_t i = 0;
    for (const sm_json_node *f = sm_json_items(frames); f < sm_json_end(frames); f = sm_json_after(f), i++) {
        assert_int_equal(f->kind, SM_JSON_OBJECT);
        assert_int_equal(sm_json_get(f, "image")->v.integer, (long long)i + 1);
    }
    assert_int_equal(i, 2);
    const sm_json_node *between = sm_json_get(sm_json_items(frames), "between");
    assert_int_equal(sm_json_items(between)->kind, SM_JSON_NULL_KIND);
    assert_int_equal(sm_json_after(sm_json_items(between))->v.integer, 2);
    assert_int_equal(sm_json_get(o, "empty")->size, 0);
    assert_int_equal(sm_json_get(o, "none")->skip, 1);
    assert_null(sm_json_get(o, "missing"));
    assert_null(sm_json_get(fps, "x"));
    sm_arena a = {0};
    size_t len;
    const sm_json_node *text = sm_json_get(o, "text");
    assert_true(text->escaped);
    assert_string_equal(sm_json_copy(text, &a, &len), "caf\xc3\xa9\n");
    assert_int_equal(len, 6);
    /* Members in order: each key, then its value. */
    const sm_json_node *k = sm_json_items(o);
    assert_int_equal(k->size, 2);
    assert_memory_equal(k->v.raw, "id", 2);
    assert_memory_equal(sm_json_after(k)->v.raw, "fps", 3);
    sm_arena_free(&a);
    sm_json_doc_free(&d);
}

static void document_refused_as_jansson_refuses(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "{\"a\":[1,2,]}", "{\"a\":{\"b\":01}}", "{\"a\":[\"\\u0000\"]}", "{\"a\":[\"\xff\"]}", "{\"a\":1} x",
        "\"just a string\"", "17", "{\"a\":[1e400]}", "{\"a\":1,\"a\":2}", "", "   ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sm_json_doc d;
        sm_json_doc_init(&d, 1);
        assert_int_equal(sm_json_doc_read(&d, bad[i], strlen(bad[i])), SM_JSON_NOT_JSON);
        assert_true(d.why[0] != '\0');
        assert_int_equal(d.fast, 0);
        sm_json_doc_free(&d);
    }
    /* With JSON_REJECT_DUPLICATES only in the nested object: jansson's words. */
    sm_json_doc d;
    sm_json_doc_init(&d, 1);
    const char *dup = "{\"x\":[{\"k\":1,\"j\":2,\"k\":3}]}";
    assert_int_equal(sm_json_doc_read(&d, dup, strlen(dup)), SM_JSON_NOT_JSON);
    assert_non_null(strstr(d.why, "duplicate object key"));
    sm_json_doc_free(&d);
}

static void document_jansson_reads_the_rest(void **state)
{
    (void)state;
    sm_json_doc d;
    /* Without JSON_REJECT_DUPLICATES the last one wins, as in jansson. */
    sm_json_doc_init(&d, 0);
    const sm_json_node *o = doc_of(&d, "{\"x\":{\"k\":1,\"k\":\"two\"},\"\\u0079\":[1.5e300,12345678901234567890.5]}");
    assert_int_equal(d.slow, 1);
    const sm_json_node *x = sm_json_get(o, "x");
    assert_int_equal(x->size, 1);
    assert_int_equal(sm_json_get(x, "k")->kind, SM_JSON_STR);
    const sm_json_node *y = sm_json_get(o, "y");
    assert_non_null(y);
    assert_true(sm_json_items(y)->v.real == 1.5e300);
    /* A number strtod reads, not the exact path: the same double. */
    assert_true(sm_json_after(sm_json_items(y))->v.real == 12345678901234567890.5);
    /* Deeper than the scanner follows. */
    char deep[400] = "{\"x\":";
    for (int i = 0; i < 100; i++)
        strcat(deep, "[");
    for (int i = 0; i < 100; i++)
        strcat(deep, "]");
    strcat(deep, "}");
    o = doc_of(&d, deep);
    assert_int_equal(d.slow, 2);
    assert_int_equal(sm_json_get(o, "x")->skip, 100);
    /* Exactly computed reals are what strtod gives. */
    o = doc_of(&d, "[0.1,3081.248,-0.0,1e22,9007199254740993,0.000001,123456789.123456789]");
    static const double want[] = {0.1, 3081.248, -0.0, 1e22, 9007199254740993.0, 0.000001, 123456789.123456789};
    size_t i = 0;
    for (const sm_json_node *v = sm_json_items(o); v < sm_json_end(o); v = sm_json_after(v), i++) {
        double got = v->kind == SM_JSON_INT ? (double)v->v.integer : v->v.real;
        assert_memory_equal(&got, &want[i], sizeof got);
    }
    sm_json_doc_free(&d);
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
        cmocka_unit_test(document_walked),
        cmocka_unit_test(document_refused_as_jansson_refuses),
        cmocka_unit_test(document_jansson_reads_the_rest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
