/* test_generate.c - how a told answer is read (generate tell's parse). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "storymovie/generate.h"

static void test_tell_read(void **state)
{
    (void)state;
    static const struct {
        const char *answer;
        int truncated;
        sm_tell_parse want;
        const char *cot, *story;
    } cases[] = {
        {"<think>\n## Image 1\n</think>\n<gdi image1>x</gdi>", 0, SM_TELL_OK, "## Image 1", "<gdi image1>x</gdi>"},
        /* the chat template put <think> in the prompt */
        {"## Image 1\n</think>\n<gdi image1>x</gdi>", 0, SM_TELL_OK, "## Image 1", "<gdi image1>x</gdi>"},
        {"  \n<think>\nt\n</think>\n<gdi image1>x</gdi>\n", 0, SM_TELL_OK, "t", "<gdi image1>x</gdi>\n"},
        {"<gdi image1>x</gdi>", 0, SM_TELL_NO_THINK, NULL, NULL},
        {"<think>\nthoughts\n</think>\n  \n", 0, SM_TELL_EMPTY, NULL, NULL},
        {"   ", 0, SM_TELL_EMPTY, NULL, NULL},
        {"", 0, SM_TELL_EMPTY, NULL, NULL},
        {"<think>\n## Image 1\n</think>\n<gdi image1>x</gdi>", 1, SM_TELL_TRUNCATED, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sm_story_set set = {0};
        const sm_story *s;
        sm_tell_parse p = sm_tell_read(&set, "x", cases[i].answer, strlen(cases[i].answer),
                                       cases[i].truncated, &s);
        if (p != cases[i].want)
            fail_msg("case %zu: %s, want %s", i, sm_tell_parse_name(p), sm_tell_parse_name(cases[i].want));
        assert_non_null(s);
        if (cases[i].cot) {
            assert_int_equal(s->cot_len, strlen(cases[i].cot));
            assert_memory_equal(s->cot, cases[i].cot, s->cot_len);
            assert_int_equal(s->text_len, strlen(cases[i].story));
            assert_memory_equal(s->text, cases[i].story, s->text_len);
        }
        sm_story_set_free(&set);
    }
    assert_string_equal(sm_tell_parse_name(SM_TELL_NO_THINK), "no_think");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tell_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
