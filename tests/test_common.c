/* test_common.c - JSON writer, arena, atomic output, errors, slice search. */
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

#include "storymovie/arena.h"
#include "storymovie/error.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/provenance.h"
#include "common/kind.h"
#include "common/slice.h"

static void json_record_with_escapes(void **state)
{
    (void)state;
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    sm_json_kv_string(&j, "type", "segment");
    sm_json_kv_int(&j, "cue", 12);
    sm_json_kv_fixed(&j, "start", 141.766, 3);
    sm_json_kv_fixed(&j, "end", 143.1, 3);
    sm_json_kv_string(&j, "text", "Say \"hi\"\\\n\x01");
    sm_json_kv_string(&j, "speaker", NULL);
    sm_json_key(&j, "list");
    sm_json_begin_array(&j);
    sm_json_int(&j, 1);
    sm_json_double(&j, 0.5);
    sm_json_bool(&j, 1);
    sm_json_end_array(&j);
    sm_json_end_object(&j);
    assert_string_equal(j.buf,
        "{\"type\":\"segment\",\"cue\":12,\"start\":141.766,\"end\":143.1,"
        "\"text\":\"Say \\\"hi\\\"\\\\\\n\\u0001\",\"speaker\":null,\"list\":[1,0.5,true]}");
    sm_json_free(&j);
}

static void json_numbers(void **state)
{
    (void)state;
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_array(&j);
    sm_json_double(&j, 0.0);
    sm_json_double(&j, -0.0);
    sm_json_double(&j, 2.0);
    sm_json_double(&j, 1.0 / 0.0);
    sm_json_fixed(&j, 5.0, 3);
    sm_json_end_array(&j);
    assert_string_equal(j.buf, "[0,0,2,null,5]");
    sm_json_free(&j);
}

static void arena_strings(void **state)
{
    (void)state;
    sm_arena a = {0};
    char *s = sm_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    for (int i = 0; i < 10000; i++)
        assert_non_null(sm_arena_alloc(&a, 100));
    char *big = sm_arena_alloc(&a, 1 << 20);   /* larger than a chunk */
    assert_non_null(big);
    memset(big, 1, 1 << 20);
    assert_string_equal(s, "hello");
    sm_arena_free(&a);
}

static void atomic_output_appears_whole(void **state)
{
    (void)state;
    char path[] = "/tmp/sm_test_out_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    sm_output o;
    sm_error err;
    assert_int_equal(sm_output_open(&o, path, &err), 0);
    fputs("partial", o.fp);
    assert_int_equal(access(path, F_OK), -1);     /* not there until commit */
    assert_int_equal(sm_output_commit(&o, &err), 0);
    assert_int_equal(access(path, F_OK), 0);
    unlink(path);

    assert_int_equal(sm_output_open(&o, path, &err), 0);
    fputs("aborted", o.fp);
    sm_output_abort(&o);
    assert_int_equal(access(path, F_OK), -1);
}

/* Writing to a device must not replace the device with a file. */
static void output_to_device_writes_in_place(void **state)
{
    (void)state;
    sm_output o;
    sm_error err;
    struct stat before, after;
    assert_int_equal(sm_output_open(&o, "/tmp", &err), -1);   /* a directory */
    if (stat("/dev/null", &before) != 0 || !S_ISCHR(before.st_mode)) {
        print_message("skip: /dev/null is not a character device on this machine\n");
        return;
    }
    assert_int_equal(sm_output_open(&o, "/dev/null", &err), 0);
    fputs("discarded", o.fp);
    assert_int_equal(sm_output_commit(&o, &err), 0);
    assert_int_equal(stat("/dev/null", &after), 0);
    assert_true(S_ISCHR(after.st_mode));
    assert_true(after.st_rdev == before.st_rdev);
}

static void error_format(void **state)
{
    (void)state;
    sm_error err;
    char buf[256];
    assert_int_equal(sm_fail(&err, "a.srt", 12, "bad time '%s'", "xx"), -1);
    sm_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "a.srt:12: bad time 'xx'");
    sm_fail(&err, "a.srt", 0, "empty file");
    sm_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "a.srt: empty file");
    /* quoted input bytes never split the one-line message */
    sm_fail(&err, "r.jsonl", 5, "not JSON: near '%s'", "\"\\\n\t\x7f");
    sm_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "r.jsonl:5: not JSON: near '\"\\   '");
    sm_warnings w = {0};
    sm_warn(&w, 3, "index %d repeated", 2);
    assert_int_equal(w.n_items, 1);
    assert_string_equal(w.items[0].message, "index 2 repeated");
    /* a file's decoding warnings go in front of its reader's */
    sm_warnings decoding = {0};
    assert_int_equal(sm_warnings_prepend(&w, &decoding), 0);   /* nothing to move */
    assert_int_equal(w.n_items, 1);
    sm_warn(&decoding, 7, "read as Windows-1252");
    assert_int_equal(sm_warnings_prepend(&w, &decoding), 0);
    assert_int_equal(w.n_items, 2);
    assert_int_equal(w.items[0].line, 7);
    assert_string_equal(w.items[1].message, "index 2 repeated");
    assert_int_equal(decoding.n_items, 0);
    assert_null(decoding.items);
    sm_warnings_free(&decoding);
    sm_warnings_free(&w);
}

/* sm_memmem finds a needle only inside the slice, whatever follows it. */
static void slice_search(void **state)
{
    (void)state;
    const char *t = "a DRAFT, DRAFTED";
    assert_ptr_equal(sm_memmem(t, strlen(t), "DRAFT", 5), t + 2);
    assert_ptr_equal(sm_memmem(t + 3, strlen(t) - 3, "DRAFT", 5), t + 9);
    assert_null(sm_memmem(t, 6, "DRAFT", 5));          /* "a DRAF": cut by the slice */
    assert_ptr_equal(sm_memmem(t, 7, "DRAFT", 5), t + 2);
    assert_null(sm_memmem(t, 0, "D", 1));
    assert_ptr_equal(sm_memmem(t, 0, "", 0), t);
    assert_null(sm_memmem("ab", 2, "abc", 3));
    const char *u = "aab";
    assert_ptr_equal(sm_memmem(u, 3, "ab", 2), u + 1);  /* a false start, then the match */
    /* an exact-size buffer without a terminator: nothing is read past it */
    char *buf = malloc(4);
    memcpy(buf, "xyDR", 4);
    assert_null(sm_memmem(buf, 4, "DRAFT", 5));
    assert_ptr_equal(sm_memmem(buf, 4, "DR", 2), buf + 2);
    assert_null(sm_memmem(buf, 4, "RX", 2));
    free(buf);
}

/* SHA-256 of "abc" (FIPS 180-2's example); a record written, read back and
 * compared: same inputs reused, a changed byte, another aligner version,
 * other options each give their reason; the reasons counted. */
static void provenance_round_trip(void **state)
{
    (void)state;
    char hex[65];
    sm_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    char path[] = "/tmp/sm_test_prov_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "INT. ROOM\n", 10), 10);
    close(fd);
    sm_provenance now, old;
    sm_error err;
    sm_provenance_init(&now, "align", 3, "min_confidence=0.500 hints=on");
    assert_int_equal(sm_provenance_add_file(&now, "screenplay", path, &err), 0);
    assert_int_equal(now.inputs[0].size, 10);
    sm_json j;
    sm_json_init(&j);
    sm_provenance_json(&j, &now);
    assert_int_equal(sm_provenance_parse(j.buf, j.len, &old), 0);
    sm_json_free(&j);
    assert_string_equal(old.inputs[0].sha256, now.inputs[0].sha256);
    char why[128];
    assert_int_equal(sm_provenance_stale(&old, &now, SM_PROV_ALL, why, sizeof why), 0);
    assert_string_equal(why, "");
    assert_int_equal(sm_provenance_stale(NULL, &now, SM_PROV_ALL, why, sizeof why), 1);
    assert_string_equal(why, "no provenance record");
    old.aligner = 2;
    assert_int_equal(sm_provenance_stale(&old, &now, SM_PROV_ALL, why, sizeof why), 1);
    assert_string_equal(why, "aligner version 2 -> 3");
    assert_int_equal(sm_provenance_stale(&old, &now, SM_PROV_INPUTS, why, sizeof why), 0);
    old.aligner = 3;
    snprintf(old.options, sizeof old.options, "min_confidence=0.700 hints=on");
    assert_int_equal(sm_provenance_stale(&old, &now, SM_PROV_ALL, why, sizeof why), 1);
    assert_string_equal(why, "options changed");
    snprintf(old.options, sizeof old.options, "%s", now.options);
    old.inputs[0].sha256[0] = old.inputs[0].sha256[0] == '0' ? '1' : '0';
    assert_int_equal(sm_provenance_stale(&old, &now, SM_PROV_ALL, why, sizeof why), 1);
    assert_string_equal(why, "screenplay changed");
    assert_int_equal(sm_provenance_parse("{\"type\":\"segment\"}", 18, &old), -1);
    unlink(path);

    sm_reasons r;
    memset(&r, 0, sizeof r);
    sm_reasons_add(&r, "screenplay changed");
    sm_reasons_add(&r, "aligner version 3 -> 4");
    sm_reasons_add(&r, "screenplay changed");
    char buf[256];
    sm_reasons_format(&r, buf, sizeof buf);
    assert_string_equal(buf, "screenplay changed (2), aligner version 3 -> 4 (1)");
    assert_int_equal(r.total, 3);
}

/* What a file looks like, from its first record or lines. */
static void kind_of_file(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        sm_kind kind;
    } cases[] = {
        {"1\n00:00:01,000 --> 00:00:02,000\nHi.\n", SM_KIND_SRT},
        {"WEBVTT\n\n00:01.000 --> 00:02.000\nHi.\n", SM_KIND_WEBVTT},
        {"[Script Info]\nTitle: x\n", SM_KIND_ASS},
        {"{\"story_id\":\"s\",\"chain_of_thought\":\"x\",\"story\":\"y\"}\n", SM_KIND_STORIES},
        {"{\"story_id\":\"s\",\"frames\":[],\"window\":{}}\n", SM_KIND_CONTEXT},
        {"{\"type\":\"segment\",\"cue\":1}\n", SM_KIND_ALIGNMENT},
        {"{\"type\":\"provenance\",\"made_by\":\"align\"}\n", SM_KIND_ALIGNMENT},
        {"{\"type\":\"block\",\"block\":1,\"end_line\":3}\n", SM_KIND_SCRIPT_RECORDS},
        {"{\"story_id\":\"s\",\"criterion\":\"c\",\"verdict\":\"[[A]]\"}\n", SM_KIND_VERDICTS},
        {"cue\tsegment\tsegments\tstart\tend\tspeaker\ttext\n1\t1\t1\t0\t1\tA\thi\n", SM_KIND_GOLD_TSV},
        {"12\t1\tRoss\n13\t1\tRachel\n", SM_KIND_PREDICTIONS_TSV},
        {"[\n  {\"a\": 1}\n]\n", SM_KIND_JSON_ARRAY},
        {"{\n  \"a\": 1\n}\n", SM_KIND_JSON_DOCUMENT},
        {"                INT. KITCHEN - NIGHT\n\nRoss enters.\n", SM_KIND_SCREENPLAY},
        {"[Scene: Central Perk]\nRoss: Hi.\n", SM_KIND_UNKNOWN},
        {"Title:\tThe Ledger\nAuthor:\tMe\n", SM_KIND_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sm_kind k = sm_kind_guess(cases[i].text, strlen(cases[i].text));
        if (k != cases[i].kind)
            print_message("case %zu: %s, want %s\n", i, sm_kind_name(k), sm_kind_name(cases[i].kind));
        assert_int_equal(k, cases[i].kind);
    }
    sm_error err;
    sm_kind_fail(&err, "a.srt", 1, "a screenplay", SM_KIND_SRT, NULL);
    assert_string_equal(err.message, "not a screenplay: this looks like SRT subtitles");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_record_with_escapes),
        cmocka_unit_test(json_numbers),
        cmocka_unit_test(arena_strings),
        cmocka_unit_test(atomic_output_appears_whole),
        cmocka_unit_test(output_to_device_writes_in_place),
        cmocka_unit_test(error_format),
        cmocka_unit_test(slice_search),
        cmocka_unit_test(provenance_round_trip),
        cmocka_unit_test(kind_of_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
