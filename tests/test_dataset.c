/* test_dataset.c - frame picking, trimming to fewer frames, the split hash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dataset/dataset_internal.h"
#include "storymovie/rng.h"
#include "storymovie/dataset.h"

static void test_pick_even(void **state)
{
    (void)state;
    int keep[16];
    assert_int_equal(sm_pick_frames(7, 4, SM_PICK_EVEN, keep), 4);
    int want7[] = {0, 2, 4, 6};
    assert_memory_equal(keep, want7, sizeof want7);
    /* 10 frames, 3 kept: round(0), round(4.5) = 5, round(9) */
    assert_int_equal(sm_pick_frames(10, 3, SM_PICK_EVEN, keep), 3);
    int want10[] = {0, 5, 9};
    assert_memory_equal(keep, want10, sizeof want10);
    /* 22 frames, 10 kept: strictly increasing, first and last */
    assert_int_equal(sm_pick_frames(22, 10, SM_PICK_EVEN, keep), 10);
    assert_int_equal(keep[0], 0);
    assert_int_equal(keep[9], 21);
    for (int i = 1; i < 10; i++)
        assert_true(keep[i] > keep[i - 1]);
    assert_int_equal(sm_pick_frames(5, 1, SM_PICK_EVEN, keep), 1);
    assert_int_equal(keep[0], 0);
}

static void test_pick_first_and_all(void **state)
{
    (void)state;
    int keep[16];
    assert_int_equal(sm_pick_frames(7, 3, SM_PICK_FIRST, keep), 3);
    int want[] = {0, 1, 2};
    assert_memory_equal(keep, want, sizeof want);
    assert_int_equal(sm_pick_frames(4, 10, SM_PICK_EVEN, keep), 4);
    int all[] = {0, 1, 2, 3};
    assert_memory_equal(keep, all, sizeof all);
    assert_int_equal(sm_pick_frames(4, 0, SM_PICK_EVEN, keep), 4);
}

static const char cot3[] =
    "Preamble kept.\n"
    "## Image 1\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char1 | Ann | A woman | Calm | Sits | Lead | 1,1,50,90 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Location | A room | Quiet | Day | Place |\n"
    "\n"
    "## Image 2\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char2 | Bob | A man | Angry | Shouts | Rival | 60,1,100,90 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Location | A hall | Tense | Day | Place |\n"
    "\n"
    "## Image 3\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char1 | Ann | A woman | Sad | Leaves | Lead | 1,1,50,90 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Location | A street | Cold | Night | Place |\n"
    "\n"
    "## Narrative Structure\n"
    "| Narrative Phase | Description | Key Events | Images |\n"
    "|---|---|---|---|\n"
    "| Introduction | - | - | Image 1 |\n"
    "| Development | - | - | 1-3 |\n"
    "| Conflict | - | - | 2 |\n"
    "| Turning Point | - | - | 2, 3 |\n"
    "| Conclusion | - | - | 3 |\n";

static const char story3[] =
    "<gdi image1>\n<gdo char1>Ann</gdo> sits.\n</gdi>\n"
    "<gdi image2>\n<gdo char2>Bob</gdo> <gda char2>shouts</gda>.\n</gdi>\n"
    "<gdi image3>\n<gdo char1 char2>They</gdo> part; <gdo char2>he</gdo> stays and "
    "<gdo char9>nobody</gdo> sees.\n</gdi>\n";

static void test_trim(void **state)
{
    (void)state;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *s = sm_story_add(&set, "s1", cot3, strlen(cot3), story3, strlen(story3));
    assert_non_null(s);
    s->has_images = 1;
    s->n_images = 3;
    int keep[] = {0, 2};
    sm_trimmed t;
    sm_error err;
    assert_int_equal(sm_story_trim(s, keep, 2, &t, &err), 0);
    /* chain of thought: image 2 gone, image 3 renumbered, references mapped */
    assert_non_null(strstr(t.cot, "Preamble kept.\n## Image 1\n"));
    assert_null(strstr(t.cot, "char2"));
    assert_null(strstr(t.cot, "## Image 3"));
    assert_non_null(strstr(t.cot, "## Image 2\n### Characters"));
    assert_non_null(strstr(t.cot, "| A street |"));
    assert_non_null(strstr(t.cot, "| Introduction | - | - | Image 1 |"));
    assert_non_null(strstr(t.cot, "| Development | - | - | 1, 2 |"));
    assert_non_null(strstr(t.cot, "| Conflict | - | - |  |"));
    assert_non_null(strstr(t.cot, "| Turning Point | - | - | 2 |"));
    assert_non_null(strstr(t.cot, "| Conclusion | - | - | 2 |"));
    /* story: block 2 gone, block 3 renumbered, char2 (only in image 2) dropped */
    assert_string_equal(t.story,
        "<gdi image1>\n<gdo char1>Ann</gdo> sits.\n</gdi>\n"
        "<gdi image2>\n<gdo char1>They</gdo> part; he stays and "
        "<gdo char9>nobody</gdo> sees.\n</gdi>\n");
    assert_int_equal(t.tags_narrowed, 1);
    assert_int_equal(t.tags_unwrapped, 1);

    /* the cut record passes the checker (char9 was undefined before, too) */
    sm_story *c = sm_story_add(&set, "cut", t.cot, t.cot_len, t.story, t.story_len);
    assert_non_null(c);
    c->has_frame_count = 1;
    c->frame_count = 2;
    sm_story_check(&set, c, NULL);
    for (uint32_t i = 0; i < c->n_issues; i++)
        assert_string_equal(c->issues[i].code, "undefined-id");
    sm_trimmed_free(&t);

    /* keeping every frame changes nothing */
    s = &set.items[0];
    int all[] = {0, 1, 2};
    assert_int_equal(sm_story_trim(s, all, 3, &t, &err), 0);
    assert_string_equal(t.cot, cot3);
    assert_string_equal(t.story, story3);
    sm_trimmed_free(&t);
    sm_story_set_free(&set);
}

static void test_trim_refuses(void **state)
{
    (void)state;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    /* two <gdi> blocks for three sections */
    const char *story = "<gdi image1>a</gdi><gdi image2>b</gdi>";
    sm_story *s = sm_story_add(&set, "s2", cot3, strlen(cot3), story, strlen(story));
    int keep[] = {0};
    sm_trimmed t;
    sm_error err;
    assert_int_equal(sm_story_trim(s, keep, 1, &t, &err), -1);
    assert_non_null(strstr(err.message, "2 <gdi> blocks for 3 frames"));
    assert_null(t.cot);
    sm_story_set_free(&set);
}

static void test_hash(void **state)
{
    (void)state;
    /* stable across runs and platforms: the split depends on it */
    assert_true(ds_hash(0, "tt0120338") == ds_hash(0, "tt0120338"));
    assert_true(ds_hash(0, "tt0120338") != ds_hash(1, "tt0120338"));
    assert_true(ds_hash(0, "tt0120338") != ds_hash(0, "tt0120339"));
    /* roughly uniform: about 15% of 10,000 ids under 0.15 */
    int below = 0;
    char id[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(id, sizeof id, "tt%07d", i);
        below += (double)(ds_hash(42, id) >> 11) / 9007199254740992.0 < 0.15;
    }
    assert_in_range(below, 1350, 1650);
    sm_rng r = {7};
    for (int i = 0; i < 1000; i++)
        assert_true(sm_rng_below(&r, 3) < 3);
}

static void test_placeholders_and_names(void **state)
{
    (void)state;
    assert_null(ds_placeholder_in("<gdi image1>x</gdi>", 19));
    assert_string_equal(ds_placeholder_in("a <image> b", 11), "<image>");
    assert_string_equal(ds_placeholder_in("<video>", 7), "<video>");
    assert_true(ds_safe_dir_name("tt0120338_12"));
    assert_false(ds_safe_dir_name("a/b"));
    assert_false(ds_safe_dir_name(".."));
    assert_false(ds_safe_dir_name(""));
    assert_false(ds_safe_dir_name("a\nb"));
    assert_string_equal(ds_image_ext("x/shot_0001_img_0.JPEG"), ".jpg");
    assert_string_equal(ds_image_ext("x/a.png"), ".png");
    char m[16];
    assert_int_equal(ds_image_movie("tt0120338/shot_0001_img_2.jpg", m), 0);
    assert_string_equal(m, "tt0120338");
    assert_int_equal(ds_image_movie("frames/001.jpg", m), -1);
}

/* A --system-prompt file: its text, without the file's trailing line
 * breaks, inner ones kept (read as text: CRLF is a line break); a missing
 * file names itself. */
static void test_read_prompt(void **state)
{
    (void)state;
    char path[] = "/tmp/sm_test_prompt_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs("You tell stories.\r\nKeep the tags.\r\n\n", f);
    fclose(f);
    sm_error err;
    char *text = sm_export_read_prompt(path, &err);
    assert_non_null(text);
    assert_string_equal(text, "You tell stories.\nKeep the tags.");
    free(text);
    unlink(path);
    assert_null(sm_export_read_prompt(path, &err));
    assert_non_null(strstr(err.file, "sm_test_prompt_"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pick_even),
        cmocka_unit_test(test_pick_first_and_all),
        cmocka_unit_test(test_trim),
        cmocka_unit_test(test_trim_refuses),
        cmocka_unit_test(test_hash),
        cmocka_unit_test(test_placeholders_and_names),
        cmocka_unit_test(test_read_prompt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
