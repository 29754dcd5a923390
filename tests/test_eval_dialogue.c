/* test_eval_dialogue.c - eval dialogue on a story whose quotations were
 * chosen by hand against the sample's lamp-room window: one said by the
 * character the story gives it to, one given to the wrong character, one
 * given to nobody, one invented; the counts and shares worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval_dialogue.h"

static sm_context_set ctx;
static sm_story_set samples;

static int setup(void **state)
{
    (void)state;
    sm_error err;
    if (sm_context_read_file(SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl", &ctx, &err) ||
        sm_story_read_file(SM_SOURCE_DIR "/sample/stories.jsonl", &samples, &err))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sm_context_set_free(&ctx);
    sm_story_set_free(&samples);
    return 0;
}

/* The lamp room's window: char1 is Martha Hale (MARTHA), char2 Daniel Hale
 * (DANIEL).  Subtitles: cue 17.1 DANIEL "Aunt Martha.", 27.1 DANIEL "Nobody
 * reads it.", 27.2 MARTHA "I read it."; nobody says "We keep the light for
 * the ships."
 *   1 "Aunt Martha."  given to Daniel: found, attributed, checkable, right
 *   2 "Nobody reads it."  given to Martha: found, attributed, checkable, wrong
 *   3 "I read it."  alone in its block: found, not attributed
 *   4 "We keep the light for the ships."  given to Martha: invented (not found,
 *     so neither attributed nor checkable)
 * quotes 4, found 3, attributed 2, checkable 2, correct 1:
 * fidelity 3/4, attribution accuracy 1/2. */
static const char story[] =
    "<gdi image1><gdo char2>Daniel</gdo> reaches the top and says, \"Aunt Martha.\"</gdi>\n"
    "<gdi image2><gdo char1>Martha</gdo> <gda char1>polishes</gda> the lens.</gdi>\n"
    "<gdi image3><gdo char1>Martha</gdo> says, \"Nobody reads it.\"</gdi>\n"
    "<gdi image4>\"I read it.\"</gdi>\n"
    "<gdi image5><gdo char1>Martha</gdo> says, \"We keep the light for the ships.\"</gdi>\n"
    "<gdi image6><gdo char2>Daniel</gdo> turns the pages.</gdi>";

static void known_quotations(void **state)
{
    (void)state;
    const sm_context *lamp = sm_context_find(&ctx, "tt9999901_lamp_room");
    const sm_story *source = NULL;
    for (size_t i = 0; i < samples.n_items; i++)
        if (!strcmp(samples.items[i].story_id, "tt9999901_lamp_room"))
            source = &samples.items[i];
    assert_non_null(lamp);
    assert_non_null(source);
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *s = sm_story_add(&set, "tt9999901_lamp_room", source->cot, source->cot_len, story, strlen(story));
    assert_non_null(s);

    sm_quotes q;
    sm_dialogue_counts n = {0};
    assert_int_equal(sm_dialogue_score(s, lamp, &q, &n), 0);
    assert_int_equal(q.n_items, 4);
    assert_int_equal(n.quotes, 4);
    assert_int_equal(n.found, 3);
    assert_int_equal(n.attributed, 2);
    assert_int_equal(n.checkable, 2);
    assert_int_equal(n.correct, 1);
    /* each one as intended */
    assert_true(q.items[0].found && q.items[0].correct);
    assert_string_equal(q.items[0].speaker, "DANIEL");
    assert_true(q.items[1].found && q.items[1].checkable && !q.items[1].correct);
    assert_string_equal(q.items[1].attributed_to, "Martha Hale");
    assert_string_equal(q.items[1].speaker, "DANIEL");
    assert_true(q.items[2].found && q.items[2].how == SM_ATTR_NONE && !q.items[2].checkable);
    assert_false(q.items[3].found);

    sm_json j;
    sm_json_init(&j);
    sm_dialogue_story_json(&j, s, &n, &q);
    assert_non_null(strstr(j.buf, "\"quotes\":4,\"found\":3,\"attributed\":2,\"checkable\":2,\"correct\":1,"));
    assert_non_null(strstr(j.buf, "{\"text\":\"Nobody reads it.\",\"found\":true,\"cue\":27,\"segment\":1,\"segments\":1,"
                                  "\"speaker\":\"DANIEL\",\"attributed_to\":\"Martha Hale\",\"attributed_id\":\"char1\","
                                  "\"how\":\"lead\",\"checkable\":true,\"correct\":false}"));
    assert_non_null(strstr(j.buf, "\"found\":false,\"cue\":null,\"segment\":null,\"segments\":0"));
    sm_json_reset(&j);
    sm_dialogue_summary_json(&j, 1, &n, "0123456789ab", 2);
    assert_string_equal(j.buf, "{\"type\":\"summary\",\"stories\":1,\"quotes\":4,\"found\":3,\"attributed\":2,"
                               "\"checkable\":2,\"correct\":1,\"fidelity\":0.75,\"attribution_accuracy\":0.5,"
                               "\"story_set\":\"0123456789ab\",\"no_context\":2}");
    sm_json_reset(&j);
    sm_dialogue_counts none = {0};
    sm_dialogue_summary_json(&j, 1, &none, NULL, 0);
    assert_non_null(strstr(j.buf, "\"fidelity\":null,\"attribution_accuracy\":null"));
    sm_json_free(&j);
    sm_quotes_free(&q);
    sm_story_set_free(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_quotations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
