/* test_eval_grounding.c - grounding metrics with numbers worked out by hand.
 *
 * Boxes are x1,y1,x2,y2.  Most cases keep y fixed at 0..10 so IoU reduces to
 * interval overlap: [a,b] vs [c,d] has IoU = overlap / (union length). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval.h"
#include "storymovie/story.h"

#define EPS 1e-9

static sm_detection person(int image, double x1, double x2)
{
    return (sm_detection){image, 1, {x1, 0, x2, 10}, {SM_ENT_CHAR, 1}};
}

static sm_detection object(int image, double x1, double x2)
{
    return (sm_detection){image, 0, {x1, 0, x2, 10}, {SM_ENT_OBJ, 1}};
}

static void iou_edge_cases(void **state)
{
    (void)state;
    double a[4] = {0, 0, 10, 10};
    double same[4] = {0, 0, 10, 10};
    double disjoint[4] = {20, 20, 30, 30};
    double touching[4] = {10, 0, 20, 10};     /* shares an edge: no area */
    double half[4] = {0, 0, 5, 10};            /* inside a, half its area: 50 / 100 */
    double shifted[4] = {5, 0, 15, 10};        /* 50 / (100 + 100 - 50) = 1/3 */
    double corner[4] = {5, 5, 15, 15};         /* 25 / (200 - 25) = 1/7 */
    double flat[4] = {0, 5, 10, 5};            /* zero height */
    double inverted[4] = {10, 0, 0, 10};       /* x1 > x2 */
    assert_true(fabs(sm_box_iou(a, same) - 1.0) < EPS);
    assert_true(sm_box_iou(a, disjoint) == 0.0);
    assert_true(sm_box_iou(a, touching) == 0.0);
    assert_true(fabs(sm_box_iou(a, half) - 0.5) < EPS);
    assert_true(fabs(sm_box_iou(half, a) - 0.5) < EPS);       /* symmetric */
    assert_true(fabs(sm_box_iou(a, shifted) - 1.0 / 3) < EPS);
    assert_true(fabs(sm_box_iou(a, corner) - 1.0 / 7) < EPS);
    assert_true(sm_box_iou(a, flat) == 0.0);
    assert_true(sm_box_iou(flat, flat) == 0.0);               /* no 0/0 */
    assert_true(sm_box_iou(a, inverted) == 0.0);
}

static void threshold_is_inclusive(void **state)
{
    (void)state;
    /* IoU exactly 0.5 ([0,10] vs [0,5]) matches: ">= 0.5". */
    sm_detection c[] = {person(1, 0, 5)}, r[] = {person(1, 0, 10)};
    sm_grounding_story g;
    assert_int_equal(sm_grounding_score(c, 1, r, 1, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 1);
    /* [0,10] vs [0,4.9]: 0.49, no match. */
    c[0] = person(1, 0, 4.9);
    assert_int_equal(sm_grounding_score(c, 1, r, 1, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 0);
    assert_int_equal(g.all.fp, 1);
    assert_int_equal(g.all.fn, 1);
}

static void empty_sets(void **state)
{
    (void)state;
    sm_grounding_story g;
    sm_detection one[] = {person(1, 0, 10)};
    /* Nothing on either side: P = 1 (no candidates), R = 1 (no references),
     * F1 = 2*1*1/2 = 1, AP = 1. */
    assert_int_equal(sm_grounding_score(NULL, 0, NULL, 0, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_true(g.all.precision == 1 && g.all.recall == 1 && g.all.f1 == 1 && g.ap == 1);
    /* A candidate, no reference: TP 0 FP 1: P = 0/1 = 0, R = 1, F1 = 0, AP = 0. */
    assert_int_equal(sm_grounding_score(one, 1, NULL, 0, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_true(g.all.precision == 0 && g.all.recall == 1 && g.all.f1 == 0 && g.ap == 0);
    /* The object variant has nothing on either side: 1, 1, 1. */
    assert_true(g.objects.precision == 1 && g.objects.recall == 1 && g.objects.f1 == 1);
    /* A reference, no candidate: P = 1, R = 0, F1 = 0, AP = 0. */
    assert_int_equal(sm_grounding_score(NULL, 0, one, 1, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_true(g.all.precision == 1 && g.all.recall == 0 && g.all.f1 == 0 && g.ap == 0);
}

static void persons_never_match_objects(void **state)
{
    (void)state;
    /* Same box, different type: TP 0.  Character variant: 1 candidate,
     * 0 references -> P 0, R 1; object variant: 0 candidates, 1 reference
     * -> P 1, R 0. */
    sm_detection c[] = {person(1, 0, 10)}, r[] = {object(1, 0, 10)};
    sm_grounding_story g;
    assert_int_equal(sm_grounding_score(c, 1, r, 1, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 0);
    assert_true(g.characters.precision == 0 && g.characters.recall == 1);
    assert_true(g.objects.precision == 1 && g.objects.recall == 0);
}

static void greedy_by_iou_and_ties(void **state)
{
    (void)state;
    /* ref0 [0,10], ref1 [4,14]; cand0 [3,13], cand1 [6,16].
     *   cand0-ref0: overlap 7, union 13 -> 0.538
     *   cand0-ref1: overlap 9, union 11 -> 0.818
     *   cand1-ref1: overlap 8, union 12 -> 0.667
     *   cand1-ref0: overlap 4, union 16 -> 0.25 (no)
     * Greedy takes cand0-ref1 (0.818) first; cand1 then has nothing: TP 1,
     * FP 1, FN 1, P = R = F1 = 0.5 (an optimal assignment would find 2: the
     * metric is greedy by definition). */
    sm_detection c[] = {person(1, 3, 13), person(1, 6, 16)};
    sm_detection r[] = {person(1, 0, 10), person(1, 4, 14)};
    sm_grounding_story g;
    assert_int_equal(sm_grounding_score(c, 2, r, 2, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 1);
    assert_true(fabs(g.all.f1 - 0.5) < EPS);
    /* AP: ranks [TP, FP], 2 references: (P 1, R .5), (P .5, R .5):
     * thresholds 0..0.5 (6 of them) -> 1, 0.6..1 -> 0: AP = 6/11. */
    assert_true(fabs(g.ap - 6.0 / 11) < EPS);

    /* Tie: ref [0,10]; cand0 [0,5] and cand1 [5,10] both have IoU 0.5.
     * The earlier candidate wins: ranks [TP, FP], 1 reference:
     * (P 1, R 1), (P .5, R 1) -> AP = 11/11 = 1. */
    sm_detection tc[] = {person(1, 0, 5), person(1, 5, 10)};
    sm_detection tr[] = {person(1, 0, 10)};
    assert_int_equal(sm_grounding_score(tc, 2, tr, 1, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 1);
    assert_true(fabs(g.ap - 1.0) < EPS);
    /* Swap them: the match goes to (new) cand0 again; the result must not
     * depend on the sort's stability. */
    sm_detection tc2[] = {person(1, 5, 10), person(1, 0, 5)};
    assert_int_equal(sm_grounding_score(tc2, 2, tr, 1, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_true(fabs(g.ap - 1.0) < EPS);
    /* Two references tied for one candidate: the earlier reference is
     * taken; one FN either way. */
    sm_detection rr[] = {person(1, 0, 5), person(1, 5, 10)};
    sm_detection cc[] = {person(1, 0, 10)};
    assert_int_equal(sm_grounding_score(cc, 1, rr, 2, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 1);
    assert_int_equal(g.all.fn, 1);
}

static void eleven_point_interpolation(void **state)
{
    (void)state;
    /* Ranks [TP, FP, TP, FP, TP], 5 references:
     *   rank 1: P 1/1 = 1     R 1/5 = .2
     *   rank 2: P 1/2 = .5    R .2
     *   rank 3: P 2/3 = .667  R .4
     *   rank 4: P 2/4 = .5    R .4
     *   rank 5: P 3/5 = .6    R .6
     * interpolated precision (max P at R >= t):
     *   t = 0, .1, .2      -> 1        (3 points)
     *   t = .3, .4         -> 2/3      (2 points)
     *   t = .5, .6         -> .6       (2 points)
     *   t = .7 ... 1       -> 0        (4 points)
     * AP = (3 + 4/3 + 1.2) / 11 = 5.5333.../11 = 0.503030... */
    const unsigned char tp[] = {1, 0, 1, 0, 1};
    assert_true(fabs(sm_ap11(tp, 5, 5, SM_GROUNDING_PER_IMAGE) - 0.503030303030303) < 1e-12);
    /* Precision that rises later counts for the earlier thresholds:
     * [FP, TP], 1 reference: rank 2 has P .5 R 1 -> every t gets .5. */
    const unsigned char late[] = {0, 1};
    assert_true(fabs(sm_ap11(late, 2, 1, SM_GROUNDING_PER_IMAGE) - 0.5) < 1e-12);

    /* Recall exactly 0.3 (3 of 10): correct thresholds reach t = 0.3
     * (t = 0, .1, .2, .3: 4 points of precision 1 -> 4/11); the original
     * code's numpy.arange(0, 1.1, 0.1) makes t = 3 * 0.1 =
     * 0.30000000000000004 > 0.3, so only 3 points -> 3/11. */
    const unsigned char three[] = {1, 1, 1};
    assert_true(fabs(sm_ap11(three, 3, 10, SM_GROUNDING_PER_IMAGE) - 4.0 / 11) < 1e-12);
    assert_true(fabs(sm_ap11(three, 3, 10, SM_GROUNDING_REFERENCE_QUIRKS) - 3.0 / 11) < 1e-12);
}

static void images_matter_unless_quirks(void **state)
{
    (void)state;
    /* The same box in image 1 (candidate) and image 2 (reference). */
    sm_detection c[] = {person(1, 0, 10)}, r[] = {person(2, 0, 10)};
    sm_grounding_story g;
    assert_int_equal(sm_grounding_score(c, 1, r, 1, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 0);
    assert_int_equal(sm_grounding_score(c, 1, r, 1, SM_GROUNDING_REFERENCE_QUIRKS, &g), 0);
    assert_int_equal(g.all.tp, 1);
}

static void macro_average(void **state)
{
    (void)state;
    /* Story A: P 1, R .5, F1 2/3.  Story B: P .5, R 1, F1 2/3.
     * Macro: P .75, R .75, F1 = mean of F1s = 2/3 (not the harmonic mean of
     * the macro P and R, which would be .75). */
    sm_grounding_summary sum;
    memset(&sum, 0, sizeof sum);
    sm_grounding_story a, b;
    sm_detection ca[] = {person(1, 0, 10)}, ra[] = {person(1, 0, 10), person(1, 50, 60)};
    sm_detection cb[] = {person(1, 0, 10), person(1, 50, 60)}, rb[] = {person(1, 0, 10)};
    assert_int_equal(sm_grounding_score(ca, 1, ra, 2, SM_GROUNDING_PER_IMAGE, &a), 0);
    assert_int_equal(sm_grounding_score(cb, 2, rb, 1, SM_GROUNDING_PER_IMAGE, &b), 0);
    sm_grounding_summary_add(&sum, &a);
    sm_grounding_summary_add(&sum, &b);
    sm_grounding_summary_finish(&sum);
    assert_int_equal(sum.stories, 2);
    assert_true(fabs(sum.precision - 0.75) < EPS);
    assert_true(fabs(sum.recall - 0.75) < EPS);
    assert_true(fabs(sum.f1 - 2.0 / 3) < EPS);
}

static void detections_from_fixture(void **state)
{
    (void)state;
    sm_story_set pred, ref;
    sm_error err;
    assert_int_equal(sm_story_read_file(SM_SOURCE_DIR "/tests/fixtures/story/ground_pred.jsonl", &pred, &err), 0);
    assert_int_equal(sm_story_read_file(SM_SOURCE_DIR "/tests/fixtures/story/ground_ref.jsonl", &ref, &err), 0);
    /* g1 (see make_fixtures.py): reference char1 [0,100], char2 [200,300],
     * obj1; prediction char1 exact (IoU 1), char2 at [250,350] (IoU
     * 50/150 = 1/3: miss), obj1 exact.  TP 2, FP 1, FN 1: P = R = F1 = 2/3;
     * ranks [TP, FP, TP] of 3 references: (1, 1/3), (.5, 1/3), (2/3, 2/3)
     * -> t 0..0.3: 1 (4 points), t .4..0.6: 2/3 (3 points): AP = 6/11. */
    sm_detection *cd, *rd;
    size_t nc = sm_grounding_detections(&pred.items[0], NULL, &cd);
    size_t nr = sm_grounding_detections(&ref.items[0], NULL, &rd);
    assert_int_equal(nc, 3);
    assert_int_equal(nr, 3);
    assert_true(cd[0].person && cd[1].person && !cd[2].person);
    assert_int_equal(cd[0].image, 1);
    sm_grounding_story g;
    assert_int_equal(sm_grounding_score(cd, nc, rd, nr, SM_GROUNDING_PER_IMAGE, &g), 0);
    assert_int_equal(g.all.tp, 2);
    assert_true(fabs(g.all.f1 - 2.0 / 3) < EPS);
    assert_true(fabs(g.characters.precision - 0.5) < EPS);
    assert_true(fabs(g.objects.f1 - 1.0) < EPS);
    assert_true(fabs(g.ap - 6.0 / 11) < EPS);
    free(cd);
    free(rd);
    sm_story_set_free(&pred);
    sm_story_set_free(&ref);
}


static void quirk_detections(void **state)
{
    (void)state;
    static const char cot[] =
        "## Image 1\n### Characters\n"
        "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
        "| char1 | A | d | e | a | n | [1,2,3,4] |\n"
        "| char2 | B | d | e | a | n | 1.5,2,3,4 |\n"
        "| char3 | C | d | e | a | n | 600, 0, 700, 100 |\n"
        "| char4 | D | d | e | a | n | -10,0,50,10 |\n";
    sm_story_set set;
    sm_error err;
    assert_int_equal(sm_story_read_buffer("q", "", 0, &set, &err), 0);
    sm_story *s = sm_story_add(&set, "q", cot, sizeof cot - 1, "", 0);
    assert_non_null(s);
    sm_detection *d;
    /* Per image: every readable box (4). */
    assert_int_equal(sm_grounding_detections(s, NULL, &d), 4);
    free(d);
    /* Quirks: int() refuses "[1" and "1.5": chars 3 and 4 remain, in pixels. */
    sm_grounding_options q = {SM_GROUNDING_REFERENCE_QUIRKS, 0, 0};
    assert_int_equal(sm_grounding_detections(s, &q, &d), 2);
    assert_true(d[0].box[0] == 600 && d[1].box[0] == -10);
    free(d);
    /* Quirks with a 640x360 image: 600,0,700,100 -> x = 600/640 = .9375,
     * w = 100/640 = .15625 (each clamped alone, so x + w = 1.09375 > 1),
     * y = 0, h = 100/360; -10,0,50,10 -> x = clamp(-10/640) = 0,
     * w = 60/640 = .09375. */
    q.image_width = 640, q.image_height = 360;
    assert_int_equal(sm_grounding_detections(s, &q, &d), 2);
    assert_true(fabs(d[0].box[0] - 0.9375) < EPS && fabs(d[0].box[2] - 1.09375) < EPS);
    assert_true(fabs(d[0].box[3] - 100.0 / 360) < EPS);
    assert_true(d[1].box[0] == 0 && fabs(d[1].box[2] - 0.09375) < EPS);
    free(d);
    sm_story_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iou_edge_cases),
        cmocka_unit_test(threshold_is_inclusive),
        cmocka_unit_test(empty_sets),
        cmocka_unit_test(persons_never_match_objects),
        cmocka_unit_test(greedy_by_iou_and_ties),
        cmocka_unit_test(eleven_point_interpolation),
        cmocka_unit_test(images_matter_unless_quirks),
        cmocka_unit_test(macro_average),
        cmocka_unit_test(detections_from_fixture),
        cmocka_unit_test(quirk_detections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
