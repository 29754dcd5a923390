/* sm_test.h - what the unit tests share: a temporary directory for the
 * test program (made and removed by the group set-up and tear-down), files
 * written into it, and the fixtures under tests/fixtures.  Include it after
 * cmocka.h. */
#ifndef SM_TEST_H
#define SM_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/io.h"

static char sm_test_dir[64];

static inline int sm_test_dir_make(void **state)
{
    (void)state;
    snprintf(sm_test_dir, sizeof sm_test_dir, "/tmp/sm_test_XXXXXX");
    return mkdtemp(sm_test_dir) ? 0 : -1;
}

static inline int sm_test_dir_remove(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", sm_test_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write text to sm_test_dir/rel; returns the path (one of four buffers
 * used in turn, so a few paths can be held at once). */
static inline const char *sm_test_file(const char *rel, const char *text)
{
    static char paths[4][256];
    static unsigned next;
    char *path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", sm_test_dir, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* The text of tests/fixtures/REL (malloc'd, NUL-terminated). */
static inline char *sm_test_fixture(const char *rel, size_t *len)
{
    char path[512], *text;
    size_t n;
    sm_error err;
    snprintf(path, sizeof path, "%s/tests/fixtures/%s", SM_SOURCE_DIR, rel);
    assert_int_equal(sm_read_file(path, (size_t)1 << 24, &text, &n, &err), 0);
    if (len)
        *len = n;
    return text;
}

#endif
