/* test_link_session.c - `storymovie link` and `build` as one call
 * (sm_link_session_run) on the bundled sample: build's files (the golden
 * context records and summary), a shard's names, link reading build's
 * alignments, and a corpus that cannot be read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storymovie/link.h"
#include "sm_test.h"

#define SAMPLE SM_SOURCE_DIR "/sample"
#define GOLDEN SM_SOURCE_DIR "/tests/golden/build_sample."

static char *slurp(const char *path)
{
    char *text;
    size_t len;
    sm_error err;
    if (sm_read_file(path, (size_t)1 << 26, &text, &len, &err) != 0)
        fail_msg("%s: %s", err.file, err.message);
    return text;
}

static void assert_same_file(const char *a, const char *b)
{
    char *x = slurp(a), *y = slurp(b);
    assert_string_equal(x, y);
    free(x);
    free(y);
}

static void request(sm_link_request *r, const char *label)
{
    sm_link_request_init(r);
    r->movienet = SAMPLE "/movienet";
    r->stories = SAMPLE "/stories.jsonl";
    r->batch.progress = 0;
    r->batch.label = label;
}

static void build_then_link(void **state)
{
    (void)state;
    if (access(SAMPLE "/stories.jsonl", R_OK) != 0)
        skip();
    char out[256], path[300];
    snprintf(out, sizeof out, "%s/out", sm_test_dir);
    sm_link_request r;
    request(&r, "build");
    r.out_dir = out;
    sm_link_session s;
    sm_error err;
    assert_int_equal(sm_link_session_run(&r, &s, &err), 0);
    assert_int_equal(s.totals.stories_linked, s.totals.stories);
    assert_true(s.totals.stories > 0);
    assert_int_equal(s.totals.films_aligned, 1);
    snprintf(path, sizeof path, "%s/context.jsonl", out);
    assert_string_equal(s.context, path);
    assert_same_file(s.context, GOLDEN "context.jsonl");
    assert_same_file(s.summary, GOLDEN "summary.txt");
    snprintf(path, sizeof path, "%s/align/tt9999901.jsonl", out);
    assert_int_equal(access(path, R_OK), 0);
    sm_link_session_free(&s);

    /* Again as shard 0 of 1: the alignment reused, the shard's own names. */
    r.batch.shard_count = 1;
    r.shard_names = 1;
    assert_int_equal(sm_link_session_run(&r, &s, &err), 0);
    assert_int_equal(s.totals.films_reused, 1);
    snprintf(path, sizeof path, "%s/failures.0-of-1.tsv", out);
    assert_string_equal(s.failures, path);
    assert_same_file(s.context, GOLDEN "context.jsonl");
    sm_link_session_free(&s);

    /* link with build's alignments: the same records. */
    snprintf(path, sizeof path, "%s/align", out);
    request(&r, "link");
    r.align_dir = path;
    char linked[300];
    snprintf(linked, sizeof linked, "%s/linked.jsonl", sm_test_dir);
    r.output = linked;
    assert_int_equal(sm_link_session_run(&r, &s, &err), 0);
    assert_int_equal(s.totals.stories_failed, 0);
    sm_link_session_free(&s);
    assert_same_file(linked, GOLDEN "context.jsonl");

    r.movienet = SM_SOURCE_DIR "/nonexistent";
    assert_int_equal(sm_link_session_run(&r, &s, &err), -1);
    assert_non_null(strstr(err.file, "nonexistent"));
    sm_link_session_free(&s);
    request(&r, "link");
    r.stories = SM_SOURCE_DIR "/nonexistent.jsonl";
    assert_int_equal(sm_link_session_run(&r, &s, &err), -1);
    sm_link_session_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(build_then_link),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
