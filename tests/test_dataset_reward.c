/* test_dataset_reward.c - the stage-2 reward on examples computed by hand
 * (the same example is worked through in docs/export.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "storymovie/dataset.h"
#include "storymovie/eval_structure.h"

typedef struct row { const char *id, *box; } row;

/* A well-formed chain of thought + story: per image its Characters and
 * Objects rows (NULL-terminated), a Setting row; all five phases. */
static void build(char *cot, size_t cn, char *story, size_t sn, int images, const row rows[][4])
{
    size_t c = 0, s = 0;
    for (int i = 0; i < images; i++) {
        c += (size_t)snprintf(cot + c, cn - c,
            "## Image %d\n### Characters\n| Character ID | Name | Description | Emotions | Actions | "
            "Narrative Function | Bounding Box |\n|---|---|---|---|---|---|---|\n", i + 1);
        for (int r = 0; rows[i][r].id; r++)
            if (strncmp(rows[i][r].id, "char", 4) == 0)
                c += (size_t)snprintf(cot + c, cn - c, "| %s | X | X | X | X | X | %s |\n",
                                      rows[i][r].id, rows[i][r].box);
        c += (size_t)snprintf(cot + c, cn - c,
            "### Objects\n| Object ID | Description | Function | Interaction | Narrative Function | "
            "Bounding Box |\n|---|---|---|---|---|---|\n");
        for (int r = 0; rows[i][r].id; r++)
            if (strncmp(rows[i][r].id, "char", 4) != 0)
                c += (size_t)snprintf(cot + c, cn - c, "| %s | Thing | X | X | X | %s |\n",
                                      rows[i][r].id, rows[i][r].box);
        c += (size_t)snprintf(cot + c, cn - c,
            "### Setting\n| Setting Element | Description | Mood | Time | Narrative Function |\n"
            "|---|---|---|---|---|\n| Location | A room | Calm | Day | Place |\n\n");
        s += (size_t)snprintf(story + s, sn - s, "<gdi image%d>Something happens.</gdi>\n", i + 1);
    }
    snprintf(cot + c, cn - c,
        "## Narrative Structure\n| Narrative Phase | Description | Key Events | Images |\n"
        "|---|---|---|---|\n| Introduction | - | - | 1 |\n| Development | - | - | 1 |\n"
        "| Conflict | - | - | 1 |\n| Turning Point | - | - | 1 |\n| Conclusion | - | - | 1 |\n");
}

static sm_story *add(sm_story_set *set, const char *id, int images, const row rows[][4])
{
    static char cot[8192], story[2048];
    build(cot, sizeof cot, story, sizeof story, images, rows);
    return sm_story_add(set, id, cot, strlen(cot), story, strlen(story));
}

/* Reference: image 1 has char1 [0,0,10,10] and char2 [20,0,30,10]; image 2
 * has char1 [0,0,10,10] and obj1 [50,50,60,60]. */
static const row reference[][4] = {
    {{"char1", "0,0,10,10"}, {"char2", "20,0,30,10"}, {NULL, NULL}},
    {{"char1", "0,0,10,10"}, {"obj1", "50,50,60,60"}, {NULL, NULL}},
};

static void test_real(void **state)
{
    (void)state;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    add(&set, "ref", 2, reference);
    /* The answer finds everyone but calls the woman of image 2 char2, and
     * puts its object elsewhere:
     *   boxes: 4 answer, 4 reference, 3 matched -> P = R = 3/4, F1 = 0.75
     *   matched across images: (img1 char1, img2 char2) vs ref (char1, char1):
     *   the reference links them, the answer does not; (img1 char2, img2
     *   char2) vs ref (char2, char1): the answer links them, the reference
     *   does not.  links 1, ref links 1, common 0 -> re-id 0.
     *   reward = 1 + 0.75 + 0 = 1.75 */
    static const row swapped[][4] = {
        {{"char1", "0,0,10,10"}, {"char2", "20,0,30,10"}, {NULL, NULL}},
        {{"char2", "0,0,10,10"}, {"obj1", "80,80,90,90"}, {NULL, NULL}},
    };
    add(&set, "a", 2, swapped);
    sm_reward r;
    assert_int_equal(sm_reward_score(&set, &set.items[1], 2, 1, &set.items[0], NULL, &r), 0);
    assert_null(r.structure_problem);
    assert_true(r.structure == 1.0);
    assert_int_equal(r.boxes, 4);
    assert_int_equal(r.ref_boxes, 4);
    assert_int_equal(r.matched, 3);
    assert_true(r.grounding == 0.75);
    assert_int_equal(r.cross_pairs, 2);
    assert_int_equal(r.links, 1);
    assert_int_equal(r.ref_links, 1);
    assert_int_equal(r.common_links, 0);
    assert_true(r.reid == 0.0);
    assert_true(r.total == 1.75);

    /* The same with the right id in image 2: links 1, ref 1, common 1 ->
     * re-id 1, reward 2.75. */
    static const row right[][4] = {
        {{"char1", "0,0,10,10"}, {"char2", "20,0,30,10"}, {NULL, NULL}},
        {{"char1", "0,0,10,10"}, {"obj1", "80,80,90,90"}, {NULL, NULL}},
    };
    add(&set, "b", 2, right);
    assert_int_equal(sm_reward_score(&set, &set.items[2], 2, 1, &set.items[0], NULL, &r), 0);
    assert_true(r.reid == 1.0);
    assert_true(r.total == 2.75);

    /* Not read whole (parse != ok): structure 0, the rest still scored. */
    assert_int_equal(sm_reward_score(&set, &set.items[2], 2, 0, &set.items[0], NULL, &r), 0);
    assert_true(r.structure == 0.0);
    assert_string_equal(r.structure_problem, "not-whole");
    assert_true(r.total == 1.75);

    /* Three sections for two frames: structure 0. */
    static const row three[][4] = {
        {{"char1", "0,0,10,10"}, {NULL, NULL}},
        {{"char1", "0,0,10,10"}, {NULL, NULL}},
        {{"char1", "0,0,10,10"}, {NULL, NULL}},
    };
    add(&set, "c", 3, three);
    assert_int_equal(sm_reward_score(&set, &set.items[3], 2, 1, &set.items[0], NULL, &r), 0);
    assert_true(r.structure == 0.0);
    assert_string_equal(r.structure_problem, "image-count");
    /* One definition with eval structure: the reward's problem is its. */
    for (size_t i = 1; i < set.n_items; i++) {
        assert_int_equal(sm_reward_score(&set, &set.items[i], 2, 1, &set.items[0], NULL, &r), 0);
        const char *want = sm_structure_problem(&set.items[i], NULL);
        if (want)
            assert_string_equal(r.structure_problem, want);
        else
            assert_null(r.structure_problem);
        assert_true(r.structure == (want ? 0.0 : 1.0));
    }
    sm_story_set_free(&set);
}

static void test_synthetic(void **state)
{
    (void)state;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    /* Frames of films A, B, A.  char1 in frames 1 and 2 (films A and B:
     * cross-film), obj1 in frames 1 and 3 (both film A: fine), char2 in
     * frame 3, bg1 in 1 and 2 (backgrounds do not count).  ids 3, cross 1:
     * re-id = -1/3, reward = 1 + 0 - 1/3. */
    static const row answer[][4] = {
        {{"char1", "0,0,10,10"}, {"obj1", "5,5,9,9"}, {"bg1", "0,0,100,100"}, {NULL, NULL}},
        {{"char1", "0,0,10,10"}, {"bg1", "0,0,100,100"}, {NULL, NULL}},
        {{"char2", "0,0,10,10"}, {"obj1", "5,5,9,9"}, {NULL, NULL}},
    };
    add(&set, "neg:x", 3, answer);
    const char *films[] = {"ttA", "ttB", "ttA"};
    sm_reward r;
    assert_int_equal(sm_reward_score(&set, &set.items[0], 3, 1, NULL, films, &r), 0);
    assert_true(r.structure == 1.0);
    assert_true(r.grounding == 0.0);
    assert_int_equal(r.ids, 3);
    assert_int_equal(r.cross_film_ids, 1);
    assert_true(r.reid == -1.0 / 3.0);
    assert_true(r.total == 1.0 - 1.0 / 3.0);
    sm_story_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real),
        cmocka_unit_test(test_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
