/* test_text_normalise.c - the normal form used for matching, and the
 * tokenizer with its source offsets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/text.h"

static void expect_normal(const char *in, const char *want)
{
    size_t len = 12345;
    char *got = sm_normalise(in, strlen(in), &len);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    free(got);
}

static void ascii(void **state)
{
    (void)state;
    expect_normal("Hello, WORLD 42!", "hello, world 42!");
    expect_normal("", "");
    expect_normal("`Tis", "'tis");
    char *got = sm_normalise("AB\0CD", 5, NULL);   /* length, not NUL, ends it */
    assert_non_null(got);
    assert_memory_equal(got, "ab\0cd", 6);
    free(got);
}

static void quotes_dashes_ellipsis(void **state)
{
    (void)state;
    expect_normal("I\xE2\x80\x99m", "i'm");                                 /* ’ */
    expect_normal("\xE2\x80\x98Tis", "'tis");                               /* ‘ */
    expect_normal("don\xCA\xBCt don\xC2\xB4t don\xE2\x80\xB2t", "don't don't don't");
    expect_normal("\xE2\x80\x9CHi\xE2\x80\x9D", "\"hi\"");                  /* “ ” */
    expect_normal("\xC2\xAB Salut \xC2\xBB", "\" salut \"");                /* « » */
    expect_normal("6\xE2\x80\xB3", "6\"");                                  /* ″ */
    expect_normal("a\xE2\x80\x90" "b\xE2\x80\x93" "c\xE2\x80\x94" "d\xE2\x80\x95" "e\xE2\x88\x92" "f",
                  "a-b-c-d-e-f");                                           /* ‐ – — ― − */
    expect_normal("Wait\xE2\x80\xA6", "wait...");                           /* … */
}

static void nfkc_and_case_folding(void **state)
{
    (void)state;
    expect_normal("\xEF\xAC\x81ne", "fine");                                /* ﬁ ligature */
    expect_normal("Stra\xC3\x9F" "e", "strasse");                           /* ß */
    expect_normal("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3\xEF\xBC\x91", "abc1"); /* ＡＢＣ１ */
    expect_normal("CAF\xC3\x89", "caf\xC3\xA9");                            /* É -> é */
    expect_normal("Cafe\xCC\x81", "caf\xC3\xA9");                           /* e + combining acute */
    expect_normal("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91", "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1");
    expect_normal("no\xC2\xA0" "break", "no break");                        /* NBSP */
    expect_normal("soft\xC2\xADhyphen", "softhyphen");                      /* ignorable */
}

static void invalid_utf8_does_not_crash(void **state)
{
    (void)state;
    size_t len;
    char *got = sm_normalise("A\xFF" "B\xC3", 4, &len);
    assert_non_null(got);
    assert_string_equal(got, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
    free(got);
}

/* ---- tokenizer ---------------------------------------------------------- */

/* Checks the tokens of `text` against want = {norm, offset, length}... */
struct expected_token {
    const char *norm;
    uint32_t offset, length;
};

static void expect_tokens(const char *text, uint32_t base, const struct expected_token *want,
                          size_t count)
{
    sm_tokens t = {0};
    assert_int_equal(sm_tokenize(text, strlen(text), base, &t), 0);
    if (t.n_items != count) {
        for (size_t i = 0; i < t.n_items; i++)
            printf("  token %zu: \"%s\"\n", i, sm_token_norm(&t, i));
        fail_msg("\"%s\": %zu tokens, want %zu", text, t.n_items, count);
    }
    for (size_t i = 0; i < count; i++) {
        assert_string_equal(sm_token_norm(&t, i), want[i].norm);
        assert_int_equal(t.items[i].norm_length, strlen(want[i].norm));
        assert_int_equal(t.items[i].offset, want[i].offset + base);
        assert_int_equal(t.items[i].length, want[i].length);
    }
    sm_tokens_free(&t);
}

#define TOKENS(text, base, ...)                                                   \
    do {                                                                          \
        const struct expected_token want_[] = {__VA_ARGS__};                      \
        expect_tokens((text), (base), want_, sizeof want_ / sizeof want_[0]);     \
    } while (0)

static void tokens_basic(void **state)
{
    (void)state;
    TOKENS("Hello, world!", 0, {"hello", 0, 5}, {"world", 7, 5});
    TOKENS("  I'm fine, y'know.", 100, {"i'm", 2, 3}, {"fine", 6, 4}, {"y'know", 12, 6});
    TOKENS("rock'n'roll Y'serious", 0, {"rock'n'roll", 0, 11}, {"y'serious", 12, 9});
    TOKENS("'cause goin' and-and", 0, {"cause", 1, 5}, {"goin", 7, 4}, {"and", 13, 3},
           {"and", 17, 3});
    TOKENS("don''t 3:45 PM", 0, {"don", 0, 3}, {"t", 5, 1}, {"3", 7, 1}, {"45", 9, 2},
           {"pm", 12, 2});
    TOKENS("`Tis", 0, {"tis", 1, 3});
    TOKENS("it`s", 0, {"it's", 0, 4});
}

static void tokens_empty(void **state)
{
    (void)state;
    sm_tokens t = {0};
    assert_int_equal(sm_tokenize("", 0, 0, &t), 0);
    assert_int_equal(sm_tokenize(" -- ... ''' ", 12, 0, &t), 0);
    assert_int_equal(t.n_items, 0);
    sm_tokens_free(&t);
}

static void tokens_unicode(void **state)
{
    (void)state;
    /* I’m: the curly apostrophe is 3 bytes, so the token spans 5 */
    TOKENS("I\xE2\x80\x99m here", 0, {"i'm", 0, 5}, {"here", 6, 4});
    TOKENS("rock\xE2\x80\x99n\xE2\x80\x99roll", 0, {"rock'n'roll", 0, 15});
    TOKENS("\xE2\x80\x98" "cause", 0, {"cause", 3, 5});
    TOKENS("Caf\xC3\xA9 \xC3\x89" "COLE na\xC3\xAFve", 0, {"caf\xC3\xA9", 0, 5},
           {"\xC3\xA9" "cole", 6, 6}, {"na\xC3\xAFve", 13, 6});
    TOKENS("\xE2\x80\x94Hey!\xE2\x80\x94You", 0, {"hey", 3, 3}, {"you", 10, 3});
    TOKENS("Wait\xE2\x80\xA6what", 0, {"wait", 0, 4}, {"what", 7, 4});
    TOKENS("\xEF\xAC\x81ne Stra\xC3\x9F" "e", 0, {"fine", 0, 5}, {"strasse", 6, 7});
    TOKENS("\xE6\x97\xA5\xE6\x9C\xAC 42", 0, {"\xE6\x97\xA5\xE6\x9C\xAC", 0, 6}, {"42", 7, 2});
    /* invalid bytes separate tokens */
    TOKENS("ab\xFF" "cd\xC3", 0, {"ab", 0, 2}, {"cd", 3, 2});
}

static void tokens_clear_keeps_memory(void **state)
{
    (void)state;
    sm_tokens t = {0};
    const char *line = "One two three four five six seven eight nine ten.";
    for (int i = 0; i < 100; i++)
        assert_int_equal(sm_tokenize(line, strlen(line), 0, &t), 0);
    assert_int_equal(t.n_items, 1000);
    size_t cap = t.cap, norm_cap = t.norm_cap;
    char *items = (char *)t.items;
    sm_tokens_clear(&t);
    assert_int_equal(t.n_items, 0);
    assert_int_equal(t.norm_len, 0);
    assert_int_equal(sm_tokenize(line, strlen(line), 7, &t), 0);
    assert_int_equal(t.n_items, 10);
    assert_int_equal(t.cap, cap);
    assert_int_equal(t.norm_cap, norm_cap);
    assert_ptr_equal((char *)t.items, items);
    assert_string_equal(sm_token_norm(&t, 9), "ten");
    assert_int_equal(t.items[9].offset, 7 + 45);
    sm_tokens_free(&t);
    assert_null(t.items);
}

/* Normalising and tokenising work on slices: every prefix of this text,
 * from an exact-size heap copy with no NUL after it, so that
 * AddressSanitizer sees any read past the end (cuts fall inside multibyte
 * characters and apostrophes). */
static void slices_are_not_strings(void **state)
{
    (void)state;
    const char *text = "Caf\xC3\xA9 y'know \xE2\x80\x99" "cause I\xE2\x80\x99m \xEF\xAC\x81ne\xE2\x80\xA6 "
                       "rock'n'roll \xC3";
    size_t len = strlen(text);
    for (size_t cut = 0; cut <= len; cut++) {
        char *copy = malloc(cut ? cut : 1);
        assert_non_null(copy);
        memcpy(copy, text, cut);
        size_t n;
        char *norm = sm_normalise(copy, cut, &n);
        assert_non_null(norm);
        free(norm);
        sm_tokens t = {0};
        assert_int_equal(sm_tokenize(copy, cut, 0, &t), 0);
        for (size_t i = 0; i < t.n_items; i++)
            assert_true(t.items[i].offset + t.items[i].length <= cut);
        sm_tokens_free(&t);
        free(copy);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ascii),
        cmocka_unit_test(quotes_dashes_ellipsis),
        cmocka_unit_test(nfkc_and_case_folding),
        cmocka_unit_test(invalid_utf8_does_not_crash),
        cmocka_unit_test(tokens_basic),
        cmocka_unit_test(tokens_empty),
        cmocka_unit_test(tokens_unicode),
        cmocka_unit_test(tokens_clear_keeps_memory),
        cmocka_unit_test(slices_are_not_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
