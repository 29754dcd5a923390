/* test_eval_language.c - tokenisation, Porter stems, BLEU, ROUGE-L and
 * METEOR against values worked out by hand (to 1e-6 or better). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval.h"
#include "storymovie/text.h"

static sm_words words(sm_vocab *v, const char *text)
{
    sm_words w = {0};
    assert_int_equal(sm_words_tokenize(v, text, strlen(text), &w), 0);
    return w;
}

static void tokenizer(void **state)
{
    (void)state;
    sm_vocab *v = sm_vocab_new();
    sm_words w = words(v, "The CAT's \xe2\x80\x9cquote\xe2\x80\x9d \xe2\x80\x94 don\xe2\x80\x99t, "
                          "\xc3\x89lan 3.5 'tis rock-and-roll");
    static const char *const want[] = {"the", "cat's", "quote", "don't", "\xc3\xa9lan", "3", "5",
                                       "tis", "rock", "and", "roll"};
    assert_int_equal(w.n_ids, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < w.n_ids; i++)
        assert_string_equal(sm_vocab_word(v, w.ids[i]), want[i]);
    /* The same word gets the same id. */
    sm_words w2 = words(v, "the THE");
    assert_int_equal(w2.ids[0], w.ids[0]);
    assert_int_equal(w2.ids[1], w.ids[0]);
    sm_words_free(&w);
    sm_words_free(&w2);
    sm_vocab_free(v);
}

static void porter(void **state)
{
    (void)state;
    /* Examples from Porter (1980) and his reference vocabulary. */
    static const char *const pairs[][2] = {
        {"caresses", "caress"}, {"ponies", "poni"}, {"ties", "ti"}, {"caress", "caress"},
        {"cats", "cat"}, {"feed", "feed"}, {"agreed", "agre"}, {"plastered", "plaster"},
        {"bled", "bled"}, {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"},
        {"troubled", "troubl"}, {"sized", "size"}, {"hopping", "hop"}, {"tanned", "tan"},
        {"falling", "fall"}, {"hissing", "hiss"}, {"fizzed", "fizz"}, {"failing", "fail"},
        {"filing", "file"}, {"happy", "happi"}, {"sky", "sky"}, {"relational", "relat"},
        {"conditional", "condit"}, {"rational", "ration"}, {"valenci", "valenc"},
        {"digitizer", "digit"}, {"conformabli", "conform"}, {"radicalli", "radic"},
        {"differentli", "differ"}, {"vileli", "vile"}, {"analogousli", "analog"},
        {"vietnamization", "vietnam"}, {"predication", "predic"}, {"operator", "oper"},
        {"feudalism", "feudal"}, {"decisiveness", "decis"}, {"hopefulness", "hope"},
        {"callousness", "callous"}, {"formaliti", "formal"}, {"sensitiviti", "sensit"},
        {"sensibiliti", "sensibl"}, {"triplicate", "triplic"}, {"formative", "form"},
        {"formalize", "formal"}, {"electriciti", "electr"}, {"electrical", "electr"},
        {"hopeful", "hope"}, {"goodness", "good"}, {"revival", "reviv"}, {"allowance", "allow"},
        {"inference", "infer"}, {"airliner", "airlin"}, {"gyroscopic", "gyroscop"},
        {"adjustable", "adjust"}, {"defensible", "defens"}, {"irritant", "irrit"},
        {"replacement", "replac"}, {"adjustment", "adjust"}, {"dependent", "depend"},
        {"adoption", "adopt"}, {"homologou", "homolog"}, {"communism", "commun"},
        {"activate", "activ"}, {"angulariti", "angular"}, {"homologous", "homolog"},
        {"effective", "effect"}, {"bowdlerize", "bowdler"}, {"probate", "probat"},
        {"rate", "rate"}, {"cease", "ceas"}, {"controll", "control"}, {"roll", "roll"},
        {"generalization", "gener"}, {"running", "run"}, {"connection", "connect"},
        {"is", "is"}, {"a", "a"}, {"don't", "don't"}, {"3rd", "3rd"},
    };
    char out[128];
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        size_t n = sm_porter_stem(pairs[i][0], strlen(pairs[i][0]), out);
        if (strcmp(out, pairs[i][1]) != 0 || n != strlen(pairs[i][1]))
            fail_msg("stem(%s) = %s, want %s", pairs[i][0], out, pairs[i][1]);
    }
}

/* Plain dynamic programming, to check the bit-parallel LCS against. */
static size_t lcs_dp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t *prev = calloc(nb + 1, sizeof *prev), *cur = calloc(nb + 1, sizeof *cur);
    for (size_t i = 1; i <= na; i++) {
        for (size_t j = 1; j <= nb; j++)
            cur[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : (prev[j] > cur[j - 1] ? prev[j] : cur[j - 1]);
        size_t *t = prev;
        prev = cur;
        cur = t;
    }
    size_t r = prev[nb];
    free(prev);
    free(cur);
    return r;
}

static void lcs_matches_dp(void **state)
{
    (void)state;
    /* Lengths across the 64-bit word boundaries, small alphabets (many
     * matches, long carries) and large ones. */
    static const size_t lengths[][2] = {{1, 1}, {63, 64}, {64, 65}, {65, 63}, {130, 200},
                                        {200, 7}, {500, 480}};
    static const uint32_t alphabets[] = {2, 5, 50};
    unsigned seed = 12345;
    for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++)
        for (size_t ai = 0; ai < 3; ai++) {
            size_t na = lengths[li][0], nb = lengths[li][1];
            uint32_t *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
            for (size_t i = 0; i < na; i++)
                a[i] = (seed = seed * 1103515245u + 12345u) / 65536u % alphabets[ai];
            for (size_t i = 0; i < nb; i++)
                b[i] = (seed = seed * 1103515245u + 12345u) / 65536u % alphabets[ai];
            size_t fast = sm_lcs_length(a, na, b, nb), slow = lcs_dp(a, na, b, nb);
            if (fast != slow)
                fail_msg("lcs %zux%zu alphabet %u: %zu, dp %zu", na, nb, alphabets[ai], fast, slow);
            free(a);
            free(b);
        }
    uint32_t x[] = {1, 2, 3};
    assert_int_equal(sm_lcs_length(x, 3, x, 0), 0);
}

/* Two stories (the fixture lang_pred/lang_ref.jsonl):
 *   l1 pred "the cat sat on the mat"  ref "the cat is on the mat"
 *   l2 pred "a dog ran"               ref "a dog ran fast"
 * Clipped matches / candidate n-grams:
 *   1-grams: l1 the x2 (ref has 2), cat, on, mat = 5 of 6; l2 3 of 3 -> 8/9
 *   2-grams: l1 "the cat", "on the", "the mat" = 3 of 5; l2 2 of 2   -> 5/7
 *   3-grams: l1 "on the mat" = 1 of 4; l2 "a dog ran" 1 of 1          -> 2/5
 *   4-grams: l1 0 of 3; l2 none (3 words)                             -> 0/3
 * c = 9, r = 10: BP = exp(1 - 10/9) = exp(-1/9) = 0.894839316814...
 *   BLEU-1 = BP * 8/9                        = 0.795412726057...
 *   BLEU-2 = BP * (8/9 * 5/7)^(1/2)          = 0.713025034809...
 *   BLEU-3 = BP * (8/9 * 5/7 * 2/5)^(1/3)    = 0.566680413285...
 *   BLEU-4 = 0 (no 4-gram matches; no smoothing) */
static void bleu_by_hand(void **state)
{
    (void)state;
    sm_vocab *v = sm_vocab_new();
    sm_bleu b;
    memset(&b, 0, sizeof b);
    sm_words c1 = words(v, "The cat sat on the mat"), r1 = words(v, "the cat is on the mat");
    sm_words c2 = words(v, "a dog ran"), r2 = words(v, "a dog ran fast");
    assert_int_equal(sm_bleu_add(&b, &c1, &r1), 0);
    assert_int_equal(sm_bleu_add(&b, &c2, &r2), 0);
    double s[4];
    sm_bleu_score(&b, s);
    assert_true(fabs(sm_bleu_brevity_penalty(&b) - 0.8948393168143697) < 1e-9);
    assert_true(fabs(s[0] - 0.7954127260572175) < 1e-9);
    assert_true(fabs(s[1] - 0.7130250348091854) < 1e-9);
    assert_true(fabs(s[2] - 0.5666804132851402) < 1e-9);
    assert_true(s[3] == 0.0);

    /* Clipping and no brevity penalty: pred "the the the the" vs ref
     * "the cat": 1-gram matches min(4, 1) = 1 of 4; c = 4 >= r = 2: BP 1;
     * BLEU-1 = 0.25; 2-grams "the the" x3, none in ref: BLEU-2 = 0. */
    memset(&b, 0, sizeof b);
    sm_words c3 = words(v, "the the the the"), r3 = words(v, "the cat");
    assert_int_equal(sm_bleu_add(&b, &c3, &r3), 0);
    sm_bleu_score(&b, s);
    assert_true(fabs(s[0] - 0.25) < 1e-12);
    assert_true(s[1] == 0.0);

    /* Identical 4+ word texts: every p_n = 1, BP = 1: BLEU = 1. */
    memset(&b, 0, sizeof b);
    sm_words c4 = words(v, "one two three four five");
    assert_int_equal(sm_bleu_add(&b, &c4, &c4), 0);
    sm_bleu_score(&b, s);
    for (int n = 0; n < 4; n++)
        assert_true(fabs(s[n] - 1.0) < 1e-12);

    /* Empty candidate corpus: BP 0, all 0. */
    memset(&b, 0, sizeof b);
    sm_words empty = {0};
    assert_int_equal(sm_bleu_add(&b, &empty, &r3), 0);
    sm_bleu_score(&b, s);
    assert_true(s[0] == 0.0 && s[3] == 0.0);

    sm_words_free(&c1), sm_words_free(&r1), sm_words_free(&c2), sm_words_free(&r2);
    sm_words_free(&c3), sm_words_free(&r3), sm_words_free(&c4);
    sm_vocab_free(v);
}

/* ROUGE-L, beta = 1.2 (b^2 = 1.44):
 *   l1: LCS("the cat sat on the mat", "the cat is on the mat") = 5
 *       ("the cat on the mat"); P = R = 5/6 -> F = 5/6 = 0.833333...
 *   l2: LCS = 3; P = 3/3 = 1, R = 3/4
 *       F = (1 + 1.44) * 1 * .75 / (.75 + 1.44 * 1) = 1.83 / 2.19
 *         = 0.835616438356...
 *   With beta = 1: F = 2 * 1 * .75 / 1.75 = 0.857142857... */
static void rouge_by_hand(void **state)
{
    (void)state;
    sm_vocab *v = sm_vocab_new();
    sm_words c1 = words(v, "The cat sat on the mat"), r1 = words(v, "the cat is on the mat");
    sm_words c2 = words(v, "a dog ran"), r2 = words(v, "a dog ran fast");
    assert_true(fabs(sm_rouge_l(&c1, &r1, 1.2) - 5.0 / 6) < 1e-12);
    assert_true(fabs(sm_rouge_l(&c2, &r2, 1.2) - 0.8356164383561644) < 1e-12);
    assert_true(fabs(sm_rouge_l(&c2, &r2, 1.0) - 6.0 / 7) < 1e-12);
    sm_words none = words(v, "zebra");
    assert_true(sm_rouge_l(&none, &r1, 1.2) == 0.0);
    sm_words empty = {0};
    assert_true(sm_rouge_l(&empty, &r1, 1.2) == 0.0);
    sm_words_free(&c1), sm_words_free(&r1), sm_words_free(&c2), sm_words_free(&r2);
    sm_words_free(&none);
    sm_vocab_free(v);
}

/* METEOR, alpha .85, beta .2, gamma .6, stem weight .6 (worked by hand):
 *   pred "the cats sat on the mat", ref "the cat sat on the mat":
 *     exact the, sat, on, the, mat = 5; stem cats~cat = 1; m = 6, every word
 *     of both matched, in order: 1 chunk, which METEOR 1.5 counts as no
 *     fragmentation at all (penalty 0).  P = R = (5 + .6)/6 = .93333;
 *     Fmean = P R / (.85 P + .15 R) = .93333 = the score.
 *   pred "on the mat the cat sat", ref "the cat sat on the mat":
 *     6 exact matches in 2 chunks ("on the mat" -> ref 4..6, "the cat sat"
 *     -> ref 1..3); P = R = Fmean = 1; frag = 2/6, penalty = .6 * (2/6)^.2
 *     = .48164; score = 0.518355062943...
 *   a text against itself: 1, however often its words repeat. */
static void meteor_by_hand(void **state)
{
    (void)state;
    sm_vocab *v = sm_vocab_new();
    sm_words ref = words(v, "the cat sat on the mat");
    sm_words c1 = words(v, "the cats sat on the mat");
    sm_words c2 = words(v, "on the mat the cat sat");
    sm_meteor_detail d;
    double s = sm_meteor(v, &c1, &ref, &sm_meteor_default, &d);
    assert_int_equal(d.exact, 5);
    assert_int_equal(d.stem, 1);
    assert_int_equal(d.chunks, 1);
    assert_true(fabs(d.penalty) < 1e-12);
    assert_true(fabs(s - 5.6 / 6) < 1e-9);
    s = sm_meteor(v, &c2, &ref, &sm_meteor_default, &d);
    assert_int_equal(d.exact, 6);
    assert_int_equal(d.chunks, 2);
    assert_true(fabs(s - 0.5183550629438616) < 1e-9);
    s = sm_meteor(v, &ref, &ref, &sm_meteor_default, &d);
    assert_int_equal(d.chunks, 1);
    assert_true(s == 1.0);
    sm_words none = words(v, "zebra");
    assert_true(sm_meteor(v, &none, &ref, NULL, NULL) == 0.0);
    sm_words_free(&ref), sm_words_free(&c1), sm_words_free(&c2), sm_words_free(&none);
    sm_vocab_free(v);
}

/* The fewest chunks, not the first match found left to right.
 *   pred "a b a c", ref "a c a b": taking each word's first free match
 *   pairs a-a, b-b (ref 4), a-a (ref 3), c-c (ref 2): 4 chunks.  The
 *   matching "a b" -> ref 3..4, "a c" -> ref 1..2 has 2; frag = 2/4,
 *   penalty = .6 * .5^.2 = .52233, score = .47767.
 *   A longer text whose words repeat: "he said that he said that he
 *   said" against itself is one chunk. */
static void meteor_fewest_chunks(void **state)
{
    (void)state;
    sm_vocab *v = sm_vocab_new();
    sm_words c = words(v, "a b a c"), r = words(v, "a c a b");
    sm_meteor_detail d;
    double s = sm_meteor(v, &c, &r, &sm_meteor_default, &d);
    assert_int_equal(d.exact, 4);
    assert_int_equal(d.chunks, 2);
    assert_true(fabs(s - (1 - 0.6 * pow(0.5, 0.2))) < 1e-9);
    sm_words rep = words(v, "he said that he said that he said and then he said it again");
    s = sm_meteor(v, &rep, &rep, &sm_meteor_default, &d);
    assert_int_equal(d.chunks, 1);
    assert_true(s == 1.0);
    /* More candidate words than reference words of a key: the matching
     * is still as large as it can be. */
    sm_words c3 = words(v, "the the the cat"), r3 = words(v, "the cat");
    s = sm_meteor(v, &c3, &r3, &sm_meteor_default, &d);
    assert_int_equal(d.exact, 2);
    assert_int_equal(d.chunks, 1);
    sm_words_free(&c), sm_words_free(&r), sm_words_free(&rep), sm_words_free(&c3), sm_words_free(&r3);
    sm_vocab_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tokenizer),
        cmocka_unit_test(porter),
        cmocka_unit_test(lcs_matches_dp),
        cmocka_unit_test(bleu_by_hand),
        cmocka_unit_test(rouge_by_hand),
        cmocka_unit_test(meteor_by_hand),
        cmocka_unit_test(meteor_fewest_chunks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
