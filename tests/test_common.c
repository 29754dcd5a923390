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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
