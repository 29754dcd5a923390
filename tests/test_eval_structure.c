/* test_eval_structure.c - eval structure on stories whose counts were made
 * by hand: well-structured or not (and why), pronouns per pronoun, total and
 * grounded, persistence of char and obj/lm ids. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "storymovie/eval_structure.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

#define CHAR_HEADER "### Characters\n| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n|---|---|---|---|---|---|---|\n"
#define OBJ_HEADER "### Objects\n| Object ID | Description | Function | Interaction | Narrative Function | Bounding Box |\n|---|---|---|---|---|---|\n"
#define SETTING "### Setting\n| Setting Element | Description | Mood | Time | Narrative Function |\n|---|---|---|---|---|\n| Location | A harbour | Calm | Day | Opens |\n"
#define CHAR(id) "| " id " | Anna | A woman | Calm | Waits | Lead | 10,10,50,90 |\n"
#define OBJ(id) "| " id " | Lamp | Light | Held | Guides | 60,10,80,40 |\n"

/* Three images.  Characters: char1 in images 1, 2, 3; char2 in 1; char3 in
 * 3 -> 3 ids, 1 of them in >= 2 and >= 3 images, none in >= 4.  Objects
 * (bg excluded): obj1 in 1 and 2, lm1 in 1, obj2 in 3 -> 3 ids, 1 in >= 2,
 * none in >= 3; bg1 (images 1, 2) is left out. */
static const char cot[] =
    "## Image 1\n" CHAR_HEADER CHAR("char1") CHAR("char2") OBJ_HEADER OBJ("obj1") OBJ("lm1") OBJ("bg1") SETTING
    "\n## Image 2\n" CHAR_HEADER CHAR("char1") OBJ_HEADER OBJ("obj1") OBJ("bg1") SETTING
    "\n## Image 3\n" CHAR_HEADER CHAR("char1") CHAR("char3") OBJ_HEADER OBJ("obj2") SETTING
    "\n## Narrative Structure\n| Narrative Phase | Description | Key Events | Images |\n|---|---|---|---|\n"
    "| Introduction | a | b | 1 |\n| Development | a | b | 1 |\n| Conflict | a | b | 2 |\n"
    "| Turning Point | a | b | 2 |\n| Conclusion | a | b | 3 |\n";

/* Tag-free text, as words (case folded):
 *   anna greets him they stand by the tower he waits it is late | she lifts
 *   the lamp its light falls on her hands it glows | she meets him and he's
 *   quiet her friend they say is his
 * totals: he 1 (he's is another word), she 2, they 2, it 2, its 1, his 1,
 * her 2, them 0 ("him" is not one of the eight).
 * grounded: They (<gdo char1 char2>: a group of chars) 1; She x2; her x2
 * (one "Her"); his 1.  Not grounded: <gdo obj1>It</gdo> (an object),
 * <gdo char3>he</gdo>'s (joined to "'s": not the word "he"), the untagged
 * He / it / its / they. */
static const char story[] =
    "<gdi image1><gdo char1>Anna</gdo> <gda char1>greets</gda> <gdo char2>him</gdo>. "
    "<gdo char1 char2>They</gdo> stand by <gdl lm1>the tower</gdl>. He waits; it is late.</gdi>\n"
    "<gdi image2><gdo char1>She</gdo> lifts <gdo obj1>the lamp</gdo>; its light falls on "
    "<gdo char1>her</gdo> hands. <gdo obj1>It</gdo> glows.</gdi>\n"
    "<gdi image3><gdo char1>She</gdo> meets <gdo char3>him</gdo> and <gdo char3>he</gdo>'s quiet. "
    "<gdo char1>Her</gdo> friend, they say, is <gdo char3>his</gdo>.</gdi>";

static const size_t want_total[SM_PRONOUNS] = {1, 2, 2, 2, 1, 1, 2, 0};
static const size_t want_grounded[SM_PRONOUNS] = {0, 2, 1, 0, 0, 1, 2, 0};

static void hand_counted_story(void **state)
{
    (void)state;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *s = sm_story_add(&set, "s1", cot, strlen(cot), story, strlen(story));
    assert_non_null(s);
    sm_structure st;
    assert_int_equal(sm_structure_init(&st), 0);
    sm_structure_story r;
    assert_int_equal(sm_structure_add(&st, &set, s, &r), 0);
    if (!r.well_structured)
        fail_msg("not well structured: %s", r.problem);
    assert_int_equal(r.problems, 0);
    for (int p = 0; p < SM_PRONOUNS; p++) {
        if (r.pronoun_total[p] != want_total[p] || r.pronoun_grounded[p] != want_grounded[p])
            fail_msg("%s: %zu of %zu grounded, want %zu of %zu", sm_pronoun_names[p], r.pronoun_grounded[p],
                     r.pronoun_total[p], want_grounded[p], want_total[p]);
    }
    assert_int_equal(r.characters, 3);
    assert_int_equal(r.char_in[2], 1);
    assert_int_equal(r.char_in[3], 1);
    assert_int_equal(r.char_in[4], 0);
    assert_int_equal(r.objects, 3);
    assert_int_equal(r.obj_in[2], 1);
    assert_int_equal(r.obj_in[3], 0);
    sm_structure_free(&st);
    sm_story_set_free(&set);
}

/* Three stories: the one above, one whose story lacks image 3's block, one
 * without a chain of thought.  Well structured: 1 of 3.  Persistence means
 * over the stories that have ids: the third has none, so characters N=2:
 * (1/3 + 1/3) / 2 = 1/3 over 2 stories; N=3: the second story's tables are
 * the same (1/3), so 1/3; N=4: 0. */
static void three_stories(void **state)
{
    (void)state;
    static const char two_blocks[] =
        "<gdi image1><gdo char1>She</gdo> waits.</gdi><gdi image2><gdo char1>She</gdo> waits.</gdi>";
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *a = sm_story_add(&set, "a", cot, strlen(cot), story, strlen(story));
    sm_story *b = sm_story_add(&set, "b", cot, strlen(cot), two_blocks, strlen(two_blocks));
    sm_story *c = sm_story_add(&set, "c", "", 0, story, strlen(story));
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    sm_structure st;
    assert_int_equal(sm_structure_init(&st), 0);
    sm_structure_story rb, rc;
    assert_int_equal(sm_structure_add(&st, &set, a, NULL), 0);
    assert_int_equal(sm_structure_add(&st, &set, b, &rb), 0);
    assert_int_equal(sm_structure_add(&st, &set, c, &rc), 0);
    sm_structure_finish(&st);
    assert_false(rb.well_structured);
    assert_string_equal(rb.problem, "gdi-count");
    assert_false(rc.well_structured);
    assert_string_equal(rc.problem, "no-chain-of-thought");
    assert_int_equal(st.stories, 3);
    assert_int_equal(st.well_structured, 1);
    assert_int_equal(st.n_why_not, 2);
    /* pronouns sum over stories: she = 2 (a) + 2 (b) + 2 (c) */
    assert_int_equal(st.pronoun_total[1], 6);
    assert_int_equal(st.pronoun_grounded[1], 6);
    assert_int_equal(st.char_stories, 2);
    NEAR(st.char_share[2], 1.0 / 3);
    NEAR(st.char_share[3], 1.0 / 3);
    NEAR(st.char_share[4], 0);
    NEAR(st.obj_share[2], 1.0 / 3);
    NEAR(st.obj_share[3], 0);

    sm_json j;
    sm_json_init(&j);
    sm_structure_summary_json(&j, &st, "0123456789ab");
    assert_non_null(strstr(j.buf, "\"not_well_structured\":{\"gdi-count\":1,\"no-chain-of-thought\":1}"));
    assert_non_null(strstr(j.buf, "\"she\":{\"total\":6,\"grounded\":6}"));
    assert_non_null(strstr(j.buf, "\"character_stories\":2"));
    sm_json_free(&j);
    sm_structure_free(&st);
    sm_story_set_free(&set);
}

/* Word boundaries across tags: <gdo char1>he</gdo><gda char1>'s</gda> is
 * "he's" in the tag-free text; x<gdo char1>her</gdo> is "xher". */
static void joined_words(void **state)
{
    (void)state;
    static const char text[] =
        "<gdi image1><gdo char1>he</gdo><gda char1>'s</gda> here, x<gdo char1>her</gdo> and "
        "<gdo char1>them</gdo>\xe2\x80\x99ll, (<gdo char2>they</gdo>).</gdi><gdi image2>.</gdi><gdi image3>.</gdi>";
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *s = sm_story_add(&set, "j", cot, strlen(cot), text, strlen(text));
    sm_structure st;
    assert_int_equal(sm_structure_init(&st), 0);
    sm_structure_story r;
    assert_int_equal(sm_structure_add(&st, &set, s, &r), 0);
    assert_int_equal(r.pronoun_total[0], 0);      /* he: "he's" */
    assert_int_equal(r.pronoun_grounded[0], 0);
    assert_int_equal(r.pronoun_total[6], 0);      /* her: "xher" */
    assert_int_equal(r.pronoun_grounded[6], 0);
    assert_int_equal(r.pronoun_total[7], 0);      /* them: "them'll" (U+2019) */
    assert_int_equal(r.pronoun_grounded[7], 0);
    assert_int_equal(r.pronoun_total[2], 1);      /* they, in brackets */
    assert_int_equal(r.pronoun_grounded[2], 1);
    sm_structure_free(&st);
    sm_story_set_free(&set);
}

static void story_set_fingerprint(void **state)
{
    (void)state;
    const char *ab[] = {"b", "a", "b"}, *ba[] = {"a", "b"}, *abc[] = {"a", "b", "c"};
    char x[13], y[13], z[13];
    assert_int_equal(sm_eval_story_set(ab, 3, x), 0);
    assert_int_equal(sm_eval_story_set(ba, 2, y), 0);
    assert_int_equal(sm_eval_story_set(abc, 3, z), 0);
    assert_string_equal(x, y);                     /* order and repeats do not matter */
    assert_string_not_equal(x, z);
    /* printf 'a\nb\n' | sha256sum | cut -c1-12 */
    assert_string_equal(x, "911169ddaaf1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_counted_story),
        cmocka_unit_test(three_stories),
        cmocka_unit_test(joined_words),
        cmocka_unit_test(story_set_fingerprint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
