/* test_batch.c - manifests, shard specs, the worker pool. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storymovie/batch.h"

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sm_test_batch_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void manifest_comments_blanks_relative_paths(void **state)
{
    (void)state;
    char path[128], expect[192];
    snprintf(path, sizeof path, "%s/films.tsv", tmpdir);
    write_file(path,
               "# id\tscript\tsubtitles\n"
               "\n"
               "tt0000001\tscript/a.script\tsubtitle/a.srt\r\n"
               "   \t  \n"
               "  # indented comment\n"
               "tt0000002\t/abs/b.script\tsubtitle/b.srt\textra\n"
               "tt0000003\tc.script\tc.srt");   /* no final newline */
    sm_manifest m;
    sm_error err;
    assert_int_equal(sm_manifest_read(path, 3, &m, &err), 0);
    assert_int_equal(m.n_rows, 3);
    assert_int_equal(m.rows[0].line, 3);
    assert_int_equal(m.rows[0].n_fields, 3);
    assert_string_equal(m.rows[0].fields[0], "tt0000001");   /* the id is not a path */
    snprintf(expect, sizeof expect, "%s/script/a.script", tmpdir);
    assert_string_equal(m.rows[0].fields[1], expect);
    snprintf(expect, sizeof expect, "%s/subtitle/a.srt", tmpdir);
    assert_string_equal(m.rows[0].fields[2], expect);       /* CR stripped */
    assert_int_equal(m.rows[1].line, 6);
    assert_int_equal(m.rows[1].n_fields, 4);
    assert_string_equal(m.rows[1].fields[1], "/abs/b.script");
    assert_int_equal(m.rows[2].line, 7);
    snprintf(expect, sizeof expect, "%s/c.srt", tmpdir);
    assert_string_equal(m.rows[2].fields[2], expect);
    sm_manifest_free(&m);

    /* Without path fields nothing is rewritten. */
    assert_int_equal(sm_manifest_read_paths(path, 1, (size_t)-1, &m, &err), 0);
    assert_string_equal(m.rows[0].fields[1], "script/a.script");
    sm_manifest_free(&m);
}

static void manifest_short_row_names_line(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/short.tsv", tmpdir);
    write_file(path, "# header\ntt1\ta\tb\ntt2\tonly-two\ntt3\ta\tb\n");
    sm_manifest m;
    sm_error err;
    assert_int_equal(sm_manifest_read(path, 3, &m, &err), -1);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "expected at least 3"));
    assert_null(m.rows);

    snprintf(path, sizeof path, "%s/missing.tsv", tmpdir);
    assert_int_equal(sm_manifest_read(path, 3, &m, &err), -1);
    assert_non_null(strstr(err.message, "cannot read manifest"));

    snprintf(path, sizeof path, "%s/bom.tsv", tmpdir);
    write_file(path, "\xEF\xBB\xBFtt1\ta\tb\n");
    assert_int_equal(sm_manifest_read_paths(path, 3, (size_t)-1, &m, &err), 0);
    assert_string_equal(m.rows[0].fields[0], "tt1");
    sm_manifest_free(&m);

    snprintf(path, sizeof path, "%s/noid.tsv", tmpdir);
    write_file(path, "\ta\tb\n");
    assert_int_equal(sm_manifest_read(path, 3, &m, &err), -1);
    assert_int_equal(err.line, 1);
}

static void manifest_relative_to_cwd_when_no_directory(void **state)
{
    (void)state;
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(tmpdir), 0);
    write_file("plain.tsv", "tt1\ta.script\tb.srt\n");
    sm_manifest m;
    sm_error err;
    assert_int_equal(sm_manifest_read("plain.tsv", 3, &m, &err), 0);
    assert_string_equal(m.rows[0].fields[1], "a.script");
    sm_manifest_free(&m);
    assert_int_equal(chdir(cwd), 0);
}

static void shard_specs(void **state)
{
    (void)state;
    int i = -1, n = -1;
    sm_error err;
    assert_int_equal(sm_shard_parse("0/4", &i, &n, &err), 0);
    assert_int_equal(i, 0);
    assert_int_equal(n, 4);
    assert_int_equal(sm_shard_parse("3/4", &i, &n, &err), 0);
    assert_int_equal(i, 3);
    assert_int_equal(sm_shard_parse("0/1", &i, &n, &err), 0);
    const char *bad[] = {"4/4", "1/0", "0/0", "-1/4", "1", "/4", "1/", "a/b", "1/4x", "", "1//4", " 1/4"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        err.message[0] = '\0';
        assert_int_equal(sm_shard_parse(bad[k], &i, &n, &err), -1);
        assert_true(err.message[0] != '\0');
    }
    assert_int_equal(sm_shard_parse(NULL, &i, &n, &err), -1);
}

/* The work: a deterministic function of the index, written only to the
 * item's own slot; every 7th item fails, every 10th is "already done". */
typedef struct work {
    unsigned long long value[100];
} work;

static sm_item_status square_work(size_t i, void *ctx, char *why, size_t why_size)
{
    work *w = ctx;
    if (i % 7 == 3) {
        snprintf(why, why_size, "item %zu: refused", i);
        return SM_ITEM_FAILED;
    }
    if (i % 10 == 0)
        return SM_ITEM_SKIPPED;
    unsigned long long v = i;
    for (int k = 0; k < 1000; k++)
        v = v * 6364136223846793005ULL + 1442695040888963407ULL;
    w->value[i] = v;
    return SM_ITEM_DONE;
}

static void run_with(int jobs, int shard_index, int shard_count, work *w, sm_batch_result *r)
{
    sm_batch_options opt;
    sm_batch_options_init(&opt);
    opt.jobs = jobs;
    opt.shard_index = shard_index;
    opt.shard_count = shard_count;
    opt.progress = 0;
    opt.label = "test";
    memset(w, 0, sizeof *w);
    sm_error err;
    assert_int_equal(sm_batch_run(100, &opt, square_work, w, r, &err), 0);
}

static void four_jobs_equal_one_job(void **state)
{
    (void)state;
    work *one = malloc(sizeof *one), *four = malloc(sizeof *four);
    sm_batch_result r1, r4;
    run_with(1, 0, 1, one, &r1);
    run_with(4, 0, 1, four, &r4);
    assert_memory_equal(one->value, four->value, sizeof one->value);
    assert_memory_equal(r1.status, r4.status, 100 * sizeof *r1.status);
    assert_int_equal(r1.done, r4.done);
    assert_int_equal(r1.failed, 14);      /* 3, 10, 17, ..., 94 */
    assert_int_equal(r4.failed, 14);
    assert_int_equal(r1.skipped, 8);      /* 0, 20, ..., 70, 90 (10 and 80 fail first) */
    assert_int_equal(r1.done, 100 - 14 - 8);
    assert_int_equal(r4.not_mine, 0);
    for (size_t i = 0; i < 100; i++) {
        if (r4.status[i] == SM_ITEM_FAILED) {
            char expect[64];
            snprintf(expect, sizeof expect, "item %zu: refused", i);
            assert_string_equal(r4.why[i], expect);
        } else {
            assert_null(r4.why[i]);
        }
    }
    assert_true(r4.seconds >= 0.0);
    sm_batch_result_free(&r1);
    sm_batch_result_free(&r4);
    free(one);
    free(four);
}

static void shards_partition_the_items(void **state)
{
    (void)state;
    work *w = malloc(sizeof *w);
    size_t seen[100] = {0};
    for (int s = 0; s < 3; s++) {
        sm_batch_result r;
        run_with(2, s, 3, w, &r);
        for (size_t i = 0; i < 100; i++) {
            if ((int)(i % 3) == s)
                assert_int_not_equal(r.status[i], SM_ITEM_NOT_MINE), seen[i]++;
            else
                assert_int_equal(r.status[i], SM_ITEM_NOT_MINE);
        }
        assert_int_equal(r.not_mine + r.done + r.skipped + r.failed, 100);
        sm_batch_result_free(&r);
    }
    for (size_t i = 0; i < 100; i++)
        assert_int_equal(seen[i], 1);
    free(w);
}

static sm_item_status bad_status(size_t i, void *ctx, char *why, size_t why_size)
{
    (void)ctx;
    (void)why;
    (void)why_size;
    return i == 1 ? (sm_item_status)42 : (i == 2 ? SM_ITEM_FAILED : SM_ITEM_DONE);
}

static void failures_are_collected(void **state)
{
    (void)state;
    sm_batch_options opt;
    sm_batch_options_init(&opt);
    opt.jobs = 8;       /* more jobs than items */
    opt.progress = 0;
    sm_batch_result r;
    sm_error err;
    assert_int_equal(sm_batch_run(3, &opt, bad_status, NULL, &r, &err), 0);
    assert_int_equal(r.failed, 2);
    assert_int_equal(r.done, 1);
    assert_non_null(strstr(r.why[1], "invalid status"));
    assert_string_equal(r.why[2], "failed (no reason given)");
    sm_batch_result_free(&r);

    assert_int_equal(sm_batch_run(0, &opt, bad_status, NULL, &r, &err), 0);
    assert_int_equal(r.done + r.failed, 0);
    sm_batch_result_free(&r);

    opt.jobs = 0;
    assert_int_equal(sm_batch_run(3, &opt, bad_status, NULL, &r, &err), -1);
    opt.jobs = 1;
    opt.shard_index = 2;
    opt.shard_count = 2;
    assert_int_equal(sm_batch_run(3, &opt, bad_status, NULL, &r, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(manifest_comments_blanks_relative_paths),
        cmocka_unit_test(manifest_short_row_names_line),
        cmocka_unit_test(manifest_relative_to_cwd_when_no_directory),
        cmocka_unit_test(shard_specs),
        cmocka_unit_test(four_jobs_equal_one_job),
        cmocka_unit_test(shards_partition_the_items),
        cmocka_unit_test(failures_are_collected),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
