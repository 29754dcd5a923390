/* test_script_layouts.c - plain-text screenplays whose indentation does not
 * separate a cue from action (IMSDb: flush left, centred, one column, OCR'd
 * pages, a blank line under every cue), read by shape and neighbours.
 *
 * tests/fixtures/script/ holds one short original screenplay, written for
 * these tests, in each layout (make_layouts.py writes them from its STORY);
 * every file must give every speech of that story, speaker, extension,
 * parenthetical and text, and report the layout inferred. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/io.h"
#include "storymovie/script.h"

typedef struct speech {
    const char *speaker, *extension, *parenthetical, *text;
} speech;

/* The speeches of STORY in make_layouts.py, in order. */
static const speech SPEECHES[] = {
    {"ODILE", NULL, NULL,
     "Not tonight. Not with the glass falling like that."},
    {"TOMAS", NULL, NULL,
     "Mrs. Marsh? The harbour office sent me. I am the relief keeper, for the winter."},
    {"ODILE", NULL, "not turning round",
     "They sent a boy."},
    {"TOMAS", NULL, NULL,
     "They sent who would come."},
    {"ODILE", NULL, NULL,
     "Well, the boy can carry that. Mind the third step, it moves when it likes."},
    {"RADIO", "V.O.", NULL,
     "Gale warning for Sole, Fastnet and the Lundy banks. Severe gale nine, later storm ten."},
    {"TOMAS", NULL, NULL,
     "Is it always this loud? The wind, I mean."},
    {"ODILE", NULL, NULL,
     "This is a whisper. You will know loud when it comes. It takes the slates off the shed and throws them at the door."},
    {"TOMAS", NULL, NULL,
     "And the lamp?"},
    {"ODILE", NULL, NULL,
     "The lamp does not care about the wind. The lamp cares about oil and clean glass and somebody awake at four in the morning."},
    {"TOMAS", NULL, "quietly",
     "My father kept the light at Carrow Head."},
    {"ODILE", NULL, NULL,
     "I know. I read the letter."},
    {"TOMAS", NULL, NULL,
     "Then you know why I asked for this one."},
    {"ODILE", "O.S.", NULL,
     "Drink your tea."},
    {"TOMAS", "CONT'D", NULL,
     "Nineteenth of November. Wind south west, rising. Lamp lit at four twelve."},
    {"ODILE", "O.S.", NULL,
     "Write down the ship!"},
    {"TOMAS", NULL, NULL,
     "What ship?"},
    {"ODILE", NULL, NULL,
     "That one. She is in the wrong channel."},
    {"TOMAS", NULL, NULL,
     "Can they not see us?"},
    {"ODILE", NULL, "grim",
     "They can see us. They cannot see the reef."},
    {"TOMAS", NULL, "shouting",
     "Will they turn?"},
    {"ODILE", NULL, NULL,
     "If there is anyone on the bridge with sense, they will."},
    {"TOMAS", NULL, NULL,
     "They turned. Mrs. Marsh, they turned!"},
    {"ODILE", NULL, NULL,
     "Of course they did. Now go and write it down, properly, with the time."},
};
#define N_SPEECHES (sizeof SPEECHES / sizeof SPEECHES[0])

static sm_script read_fixture(const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/fixtures/script/%s", SM_SOURCE_DIR, file);
    char *text;
    size_t len;
    sm_error err = {0};
    if (sm_read_file(path, 1 << 20, &text, &len, &err) != 0)
        fail_msg("%s: %s", path, err.message);
    sm_script s;
    if (sm_script_parse(file, text, len, &s, &err) != 0)
        fail_msg("parse failed: %s:%ld: %s", err.file, err.line, err.message);
    free(text);
    return s;
}

static void check_opt(const char *what, size_t k, const char *got, const char *want)
{
    if (!want && got)
        fail_msg("speech %zu: %s '%s', expected none", k, what, got);
    if (want && (!got || strcmp(got, want) != 0))
        fail_msg("speech %zu: %s '%s', expected '%s'", k, what, got ? got : "(none)", want);
}

/* Every speech of the story, in order, and nothing else read as speech;
 * the four scene headings and three transitions; the layout named. */
static void check_layout(const char *file, const char *layout)
{
    sm_script s = read_fixture(file);
    assert_int_equal(s.format, SM_SCRIPT_PLAIN);
    assert_non_null(s.layout);
    assert_string_equal(s.layout, layout);
    size_t k = 0, headings = 0, transitions = 0;
    for (size_t i = 0; i < s.n_blocks; i++) {
        const sm_block *b = &s.blocks[i];
        headings += b->kind == SM_BLOCK_SCENE_HEADING;
        transitions += b->kind == SM_BLOCK_TRANSITION;
        if (b->kind != SM_BLOCK_DIALOGUE)
            continue;
        if (k >= N_SPEECHES)
            fail_msg("%s: extra speech '%s' by %s", file, b->text, b->speaker);
        const speech *w = &SPEECHES[k];
        check_opt("speaker", k, b->speaker, w->speaker);
        check_opt("extension", k, b->extension, w->extension);
        check_opt("parenthetical", k, b->parenthetical, w->parenthetical);
        check_opt("text", k, b->text, w->text);
        k++;
    }
    assert_int_equal(k, N_SPEECHES);
    assert_int_equal(headings, 4);
    assert_int_equal(transitions, 3);
    assert_int_equal(s.n_scenes, 4);
    /* the layout is named in a warning too */
    int named = 0;
    for (size_t i = 0; i < s.warnings.n_items; i++)
        named |= strstr(s.warnings.items[i].message, layout) != NULL;
    assert_true(named);
    sm_script_free(&s);
}

static void flush_left(void **state)
{
    (void)state;
    check_layout("flush_left.txt", "flush-left");
}

/* No blank line anywhere, one line per speech: a name with an extension
 * is a cue even when its speech is long and met once. */
static void flush_tight(void **state)
{
    (void)state;
    check_layout("flush_tight.txt", "flush-left");
}

static void centred(void **state)
{
    (void)state;
    check_layout("centred.txt", "centred");
}

static void one_column(void **state)
{
    (void)state;
    check_layout("one_column.txt", "one-column");
}

static void spaced_columns(void **state)
{
    (void)state;
    check_layout("spaced_columns.txt", "spaced-columns");
}

/* Wandering columns, page numbers and CONTINUED lines dropped, a word
 * broken across lines left in the action. */
static void noisy_indent(void **state)
{
    (void)state;
    check_layout("noisy_indent.txt", "noisy-indent");
}

/* A regular indented screenplay keeps the column reader, named so. */
static void indented_stays_indented(void **state)
{
    (void)state;
    const char *t =
        "               INT. HOUSE - DAY\n\n"
        "               John enters the room.\n\n"
        "                                     JOHN\n"
        "                         Hello there.\n\n"
        "                                     MARY\n"
        "                         Hi.\n";
    sm_script s;
    sm_error err = {0};
    assert_int_equal(sm_script_parse("t.txt", t, strlen(t), &s, &err), 0);
    assert_string_equal(s.layout, "indented");
    assert_int_equal(s.warnings.n_items, 0);
    assert_int_equal(s.n_blocks, 4);
    assert_string_equal(s.blocks[3].speaker, "MARY");
    sm_script_free(&s);
}

/* A capitalised description over action is not a cue, a name met twice
 * is, in a flush-left file. */
static void flush_left_descriptions(void **state)
{
    (void)state;
    const char *t =
        "INT. ATTIC - NIGHT\n\n"
        "A MUSIC BOX\n\n"
        "spools out a thin, broken tune.\n\n"
        "NELL\n\n"
        "Who wound that up?\n\n"
        "BEN\n\n"
        "Nobody. Nobody has been up here in years.\n\n"
        "NELL\n\n"
        "Then who is humming along?\n\n"
        "BEN\n\n"
        "(whispering)\n"
        "Don't.\n";
    sm_script s;
    sm_error err = {0};
    assert_int_equal(sm_script_parse("t.txt", t, strlen(t), &s, &err), 0);
    assert_string_equal(s.layout, "flush-left");
    size_t dialogue = 0;
    for (size_t i = 0; i < s.n_blocks; i++) {
        const sm_block *b = &s.blocks[i];
        if (b->kind == SM_BLOCK_DIALOGUE)
            dialogue++;
        if (b->speaker)
            assert_true(strcmp(b->speaker, "NELL") == 0 || strcmp(b->speaker, "BEN") == 0);
    }
    assert_int_equal(dialogue, 4);
    sm_script_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flush_left),
        cmocka_unit_test(flush_tight),
        cmocka_unit_test(centred),
        cmocka_unit_test(one_column),
        cmocka_unit_test(spaced_columns),
        cmocka_unit_test(noisy_indent),
        cmocka_unit_test(indented_stays_indented),
        cmocka_unit_test(flush_left_descriptions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
