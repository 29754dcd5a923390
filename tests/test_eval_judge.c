/* test_eval_judge.c - the judge's verdicts, outcomes and win rates, worked
 * out by hand; its references and prompt on the sample's context records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval_judge.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static sm_judge_verdict parse(const char *s) { return sm_judge_parse(s, strlen(s)); }

static void verdict_parser(void **state)
{
    (void)state;
    assert_int_equal(parse("[[A]]"), SM_VERDICT_A);
    assert_int_equal(parse("Story B quotes the real lines.\n[[B]]"), SM_VERDICT_B);
    assert_int_equal(parse("Both are as good.\n[[C]]\n"), SM_VERDICT_TIE);
    assert_int_equal(parse("[[A]] ... as I said, [[A]]"), SM_VERDICT_A);     /* one verdict, twice */
    assert_int_equal(parse("[[A]] or [[B]]? [[B]]"), SM_VERDICT_INVALID);   /* two verdicts */
    assert_int_equal(parse("[[A]][[C]]"), SM_VERDICT_INVALID);
    assert_int_equal(parse(""), SM_VERDICT_INVALID);
    assert_int_equal(parse("A"), SM_VERDICT_INVALID);
    assert_int_equal(parse("Story A is better."), SM_VERDICT_INVALID);
    assert_int_equal(parse("[[a]]"), SM_VERDICT_INVALID);                    /* exact marks only */
    assert_int_equal(parse("[[ A ]]"), SM_VERDICT_INVALID);
    assert_int_equal(parse("[A]"), SM_VERDICT_INVALID);
    assert_int_equal(parse("[[D]]"), SM_VERDICT_INVALID);
    assert_int_equal(parse("[[[A]]]"), SM_VERDICT_A);
    assert_int_equal(parse("[[A]"), SM_VERDICT_INVALID);                     /* cut off */
    /* a reasoning block's deliberation is not the verdict */
    assert_int_equal(parse("<think>[[A]]? or [[B]]...</think>\n[[B]]"), SM_VERDICT_B);
    assert_int_equal(parse("<think>[[A]] surely</think>"), SM_VERDICT_INVALID);
    /* bytes after a NUL-free length: only len counts */
    assert_int_equal(sm_judge_parse("[[A]][[B]]", 5), SM_VERDICT_A);
    assert_string_equal(sm_judge_verdict_name(SM_VERDICT_TIE), "C");
    assert_string_equal(sm_judge_verdict_name(SM_VERDICT_INVALID), "invalid");
}

/* AB shows the --a story first ("A" is it), BA second ("B" is it). */
static void both_orders(void **state)
{
    (void)state;
    static const struct {
        sm_judge_verdict ab, ba;
        sm_judge_outcome want;
        int inconsistent;
    } cases[] = {
        {SM_VERDICT_A, SM_VERDICT_B, SM_OUTCOME_WIN, 0},        /* --a both times */
        {SM_VERDICT_B, SM_VERDICT_A, SM_OUTCOME_LOSS, 0},       /* --b both times */
        {SM_VERDICT_TIE, SM_VERDICT_TIE, SM_OUTCOME_TIE, 0},
        {SM_VERDICT_A, SM_VERDICT_A, SM_OUTCOME_TIE, 1},        /* the first shown both times */
        {SM_VERDICT_B, SM_VERDICT_B, SM_OUTCOME_TIE, 1},        /* the second shown both times */
        {SM_VERDICT_A, SM_VERDICT_TIE, SM_OUTCOME_TIE, 1},      /* --a, then tie: disagree */
        {SM_VERDICT_TIE, SM_VERDICT_A, SM_OUTCOME_TIE, 1},      /* tie, then --b */
        {SM_VERDICT_INVALID, SM_VERDICT_B, SM_OUTCOME_INVALID, 0},
        {SM_VERDICT_A, SM_VERDICT_INVALID, SM_OUTCOME_INVALID, 0},
        {SM_VERDICT_INVALID, SM_VERDICT_INVALID, SM_OUTCOME_INVALID, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int inconsistent = -1;
        sm_judge_outcome o = sm_judge_combine(cases[i].ab, cases[i].ba, &inconsistent);
        if (o != cases[i].want || inconsistent != cases[i].inconsistent)
            fail_msg("case %zu: outcome %s inconsistent %d", i, sm_judge_outcome_name(o), inconsistent);
    }
}

/* Twelve stories, by hand:
 *   AB B-A  outcome
 *   A  B   win   x5
 *   C  C   tie   x2
 *   A  A   tie, inconsistent  x1
 *   B  A   loss  x2
 *   A  ?   invalid (the BA answer held no mark)  x1
 *   ?  ?   invalid x1
 * n = 10 (5 wins, 3 ties of which 1 inconsistent, 2 losses), 2 invalid;
 * win rate = (5 + 3/2) / 10 = 0.65. */
static void verdict_set(void **state)
{
    (void)state;
    static const char *const answers[12][2] = {
        {"[[A]]", "[[B]]"}, {"[[A]]", "[[B]]"}, {"[[A]]", "[[B]]"}, {"[[A]]", "[[B]]"}, {"[[A]]", "[[B]]"},
        {"[[C]]", "[[C]]"}, {"[[C]]", "[[C]]"}, {"[[A]]", "[[A]]"}, {"[[B]]", "[[A]]"}, {"[[B]]", "[[A]]"},
        {"[[A]]", "Story A, clearly."}, {"no idea", "[[A]] [[C]]"},
    };
    sm_judge_tally t;
    memset(&t, 0, sizeof t);
    uint8_t points[12];
    for (int i = 0; i < 12; i++) {
        int inc;
        sm_judge_outcome o = sm_judge_combine(parse(answers[i][0]), parse(answers[i][1]), &inc);
        sm_judge_tally_add(&t, o, inc, points);
    }
    assert_int_equal(sm_judge_tally_finish(&t, points, 10000, 20260101), 0);
    assert_int_equal(t.n, 10);
    assert_int_equal(t.wins, 5);
    assert_int_equal(t.ties, 3);
    assert_int_equal(t.inconsistent, 1);
    assert_int_equal(t.losses, 2);
    assert_int_equal(t.invalid, 2);
    assert_true(t.has_rate);
    NEAR(t.win_rate, 0.65);
    assert_true(t.ci[0] <= 0.65 && 0.65 <= t.ci[1]);
    assert_true(t.ci[0] > 0.2 && t.ci[1] < 1.0);
    /* points in story order: 2 2 2 2 2 1 1 1 0 0 */
    static const uint8_t want[10] = {2, 2, 2, 2, 2, 1, 1, 1, 0, 0};
    assert_memory_equal(points, want, 10);

    /* everything invalid: no n, no rate */
    sm_judge_tally none;
    memset(&none, 0, sizeof none);
    sm_judge_tally_add(&none, SM_OUTCOME_INVALID, 0, points);
    assert_int_equal(sm_judge_tally_finish(&none, points, 10000, 1), 0);
    assert_false(none.has_rate);
    assert_int_equal(none.invalid, 1);
}

static sm_context_set ctx;

static int read_sample(void **state)
{
    (void)state;
    sm_error err;
    if (sm_context_read_file(SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl", &ctx, &err)) {
        fprintf(stderr, "%s:%ld: %s\n", err.file, err.line, err.message);
        return -1;
    }
    return 0;
}

static int free_sample(void **state)
{
    (void)state;
    sm_context_set_free(&ctx);
    return 0;
}

static void references(void **state)
{
    (void)state;
    const sm_context *kitchen = sm_context_find(&ctx, "tt9999901_kitchen");
    const sm_context *lamp = sm_context_find(&ctx, "tt9999901_lamp_room");
    assert_non_null(kitchen);
    assert_non_null(lamp);
    int oom;
    /* subtitle: the window's lines in time order, with their speakers */
    char *sub = sm_judge_reference(kitchen, SM_JUDGE_SUBTITLE, &oom);
    assert_non_null(sub);
    assert_true(strncmp(sub, "(speaker unknown): Filthy night.\nPRICE: Owen Price, Board of Lighthouses.\n", 71) == 0);
    assert_non_null(strstr(sub, "\nMARTHA: I kept a man's name clean.\n"));
    free(sub);
    /* synopsis: the overlapping paragraph */
    char *syn = sm_judge_reference(lamp, SM_JUDGE_SYNOPSIS, &oom);
    assert_non_null(syn);
    assert_true(strncmp(syn, "Daniel Hale takes the ferry", 27) == 0);
    free(syn);
    /* description: headings before their action lines, no dialogue */
    char *desc = sm_judge_reference(lamp, SM_JUDGE_DESCRIPTION, &oom);
    assert_non_null(desc);
    assert_true(strncmp(desc, "INT. LIGHTHOUSE - LAMP ROOM - DAY\nDaniel comes up the last of the iron stairs", 77) == 0);
    assert_null(strstr(desc, "Aunt Martha."));
    free(desc);

    /* a record with nothing for a criterion: no reference */
    sm_context empty = *lamp;
    empty.n_synopsis = 0;
    empty.n_dialogue = 0;
    empty.n_script = 0;
    empty.n_scenes = 0;
    for (int k = 0; k < SM_JUDGE_CRITERIA; k++) {
        assert_null(sm_judge_reference(&empty, k, &oom));
        assert_int_equal(oom, 0);
    }
}

/* The prompt names the stories "Story A" and "Story B" in the order shown. */
static void prompt_order(void **state)
{
    (void)state;
    char *p = sm_judge_prompt(SM_JUDGE_SUBTITLE, "DANIEL: Aunt Martha.\n", "FIRST TEXT", "SECOND TEXT");
    assert_non_null(p);
    const char *a = strstr(p, "Story A:\nFIRST TEXT"), *b = strstr(p, "Story B:\nSECOND TEXT");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_non_null(strstr(p, "DANIEL: Aunt Martha."));
    assert_non_null(strstr(p, "[[A]] if Story A is better, [[B]] if Story B is better, [[C]] if they are equally good"));
    free(p);
    p = sm_judge_prompt(SM_JUDGE_SYNOPSIS, "x", "", NULL);
    assert_non_null(strstr(p, "Story A:\n(no story)"));
    free(p);
    assert_null(sm_judge_prompt(SM_JUDGE_CRITERIA, "x", "a", "b"));
    assert_int_equal(sm_judge_criterion_parse("synopsis", 8), SM_JUDGE_SYNOPSIS);
    assert_int_equal(sm_judge_criterion_parse("synopsi", 7), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verdict_parser),
        cmocka_unit_test(both_orders),
        cmocka_unit_test(verdict_set),
        cmocka_unit_test(references),
        cmocka_unit_test(prompt_order),
    };
    return cmocka_run_group_tests(tests, read_sample, free_sample);
}
