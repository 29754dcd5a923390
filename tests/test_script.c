/* test_script.c - screenplay readers on small texts written for the tests:
 * detection, the plain-text layout inference, Fountain elements, transcript
 * paragraphs, speaker keys and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/script.h"
#include "sm_test.h"

static sm_script parse_ok(const char *name, const char *text)
{
    sm_script s;
    sm_error err = {0};
    int rc = sm_script_parse(name, text, strlen(text), &s, &err);
    if (rc != 0)
        fail_msg("parse failed: %s:%ld: %s", err.file, err.line, err.message);
    return s;
}

static sm_script parse_as_ok(const char *text, sm_script_format f)
{
    sm_script s;
    sm_error err = {0};
    int rc = sm_script_parse_as("t", text, strlen(text), f, &s, &err);
    if (rc != 0)
        fail_msg("parse failed: %s:%ld: %s", err.file, err.line, err.message);
    return s;
}

/* Assert block i: kind, text (NULL: not checked), speaker (NULL: none). */
static void check_block(const sm_script *s, size_t i, sm_block_kind kind, const char *speaker,
                        const char *text)
{
    assert_true(i < s->n_blocks);
    const sm_block *b = &s->blocks[i];
    if (b->kind != kind)
        fail_msg("block %zu: kind %s, expected %s (text '%s')", i, sm_block_kind_name(b->kind),
                 sm_block_kind_name(kind), b->text ? b->text : "");
    if (speaker)
        assert_string_equal(b->speaker, speaker);
    else
        assert_null(b->speaker);
    if (text)
        assert_string_equal(b->text, text);
}

/* ---- speaker keys ---- */

static void speaker_keys(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(sm_speaker_key("Dr. Green (V.O.)", buf, sizeof buf), 7);
    assert_string_equal(buf, "drgreen");
    sm_speaker_key("JOEY (CONT'D)", buf, sizeof buf);
    assert_string_equal(buf, "joey");
    sm_speaker_key("Guy #1", buf, sizeof buf);
    assert_string_equal(buf, "guy1");
    sm_speaker_key("Joey\xE2\x80\x99s Sister", buf, sizeof buf);
    assert_string_equal(buf, "joeyssister");
    sm_speaker_key("\xC3\x89MILE", buf, sizeof buf);          /* ÉMILE */
    assert_string_equal(buf, "\xC3\xA9mile");
    assert_int_equal(sm_speaker_key("ABCDEFGH", buf, 4), 3);  /* truncated, terminated */
    assert_string_equal(buf, "abc");
}

/* ---- detection ---- */

static const char *PLAIN =
    "                         \"THE TEST\"\n"
    "\n"
    "                        Screenplay by\n"
    "\n"
    "                         A. Writer\n"
    "\n"
    "     FADE IN:\n"
    "\n"
    "  1  INT. KITCHEN - NIGHT                                    1\n"
    "\n"
    "     Ann stands at the sink. She is 12.\n"
    "     The tap drips.\n"
    "\n"
    "                         ANN (V.O.)\n"
    "               I never liked this kitchen.\n"
    "               Never.\n"
    "\n"
    "                         BOB\n"
    "                    (entering)\n"
    "               You said that\n"
    "               yesterday.\n"
    "                         (MORE)\n"
    "\n"
    "                                                         2.\n"
    "\n"
    "                         BOB (CONT'D)\n"
    "               And the day before.\n"
    "\n"
    "                                                    CUT TO:\n"
    "\n"
    "     EXT. GARDEN - DAY\n"
    "\n"
    "     Birds.\n"
    "\n"
    "                         ANN\n"
    "               Quiet now.\n"
    "\n"
    "     CONTINUED:\n"
    "\n"
    "                         BOB\n"
    "               Yes.\n";

static void detect_formats(void **state)
{
    (void)state;
    assert_int_equal(sm_script_detect("x.txt", PLAIN, strlen(PLAIN)), SM_SCRIPT_PLAIN);
    const char *tr = "Pilot\n\n[Scene: A cafe.]\n\nAnn: Hi.\n\nBob: Hello.\n\nAnn: Bye.\n";
    assert_int_equal(sm_script_detect("x.txt", tr, strlen(tr)), SM_SCRIPT_TRANSCRIPT);
    const char *fo = "Title: X\nAuthor: Y\n\nINT. HOUSE - DAY\n\nANN\nHi.\n";
    assert_int_equal(sm_script_detect("x.txt", fo, strlen(fo)), SM_SCRIPT_FOUNTAIN);
    const char *fo2 = "INT. HOUSE - DAY\n\nAnn enters.\n\nANN\nHi.\n";
    assert_int_equal(sm_script_detect("x.txt", fo2, strlen(fo2)), SM_SCRIPT_FOUNTAIN);
    assert_int_equal(sm_script_detect("a.FOUNTAIN", "hello", 5), SM_SCRIPT_FOUNTAIN);
    sm_script_format f;
    assert_int_equal(sm_script_format_from_name("transcript", &f), 0);
    assert_int_equal(f, SM_SCRIPT_TRANSCRIPT);
    assert_int_equal(sm_script_format_from_name("pdf", &f), -1);
    assert_string_equal(sm_script_format_name(SM_SCRIPT_FOUNTAIN), "fountain");
    assert_string_equal(sm_block_kind_name(SM_BLOCK_PAGE_BREAK), "page_break");
}

/* ---- plain ---- */

static void plain_layout(void **state)
{
    (void)state;
    sm_script s = parse_ok("t.txt", PLAIN);
    assert_int_equal(s.format, SM_SCRIPT_PLAIN);
    assert_int_equal(s.n_title, 2);
    assert_string_equal(s.title[0].key, "Title");
    assert_string_equal(s.title[0].value, "THE TEST");
    assert_string_equal(s.title[1].key, "Screenplay by");
    assert_string_equal(s.title[1].value, "A. Writer");
    size_t i = 0;
    check_block(&s, i++, SM_BLOCK_TRANSITION, NULL, "FADE IN:");
    check_block(&s, i, SM_BLOCK_SCENE_HEADING, NULL, "INT. KITCHEN - NIGHT");
    assert_string_equal(s.blocks[i].scene_number, "1");
    assert_int_equal(s.blocks[i++].line, 9);
    check_block(&s, i++, SM_BLOCK_ACTION, NULL, "Ann stands at the sink. She is 12.\nThe tap drips.");
    check_block(&s, i, SM_BLOCK_DIALOGUE, "ANN", "I never liked this kitchen. Never.");
    assert_string_equal(s.blocks[i].extension, "V.O.");
    assert_string_equal(s.blocks[i].speaker_key, "ann");
    assert_int_equal(s.blocks[i].scene, 1);
    assert_int_equal(s.blocks[i].line, 14);
    assert_int_equal(s.blocks[i++].end_line, 16);
    /* (MORE), the page number and BOB (CONT'D) join one speech */
    check_block(&s, i, SM_BLOCK_DIALOGUE, "BOB", "You said that yesterday. And the day before.");
    assert_string_equal(s.blocks[i].parenthetical, "entering");
    assert_null(s.blocks[i].extension);
    assert_int_equal(s.blocks[i].line, 18);
    assert_int_equal(s.blocks[i++].end_line, 27);
    check_block(&s, i++, SM_BLOCK_TRANSITION, NULL, "CUT TO:");
    check_block(&s, i, SM_BLOCK_SCENE_HEADING, NULL, "EXT. GARDEN - DAY");
    assert_null(s.blocks[i++].scene_number);
    check_block(&s, i++, SM_BLOCK_ACTION, NULL, "Birds.");
    check_block(&s, i++, SM_BLOCK_DIALOGUE, "ANN", "Quiet now.");
    check_block(&s, i++, SM_BLOCK_DIALOGUE, "BOB", "Yes.");
    assert_int_equal(s.n_blocks, i);
    assert_int_equal(s.n_scenes, 2);
    sm_script_free(&s);
}

/* Repeated page headers with page numbers, tabs for indentation. */
static void plain_headers_and_tabs(void **state)
{
    (void)state;
    char *text = malloc(64 * 1024);
    size_t n = 0;
    for (int page = 1; page <= 8; page++) {
        n += (size_t)sprintf(text + n, "\t\t\t\t\tMY FILM - Rev. %d\n\n", page);
        n += (size_t)sprintf(text + n, "INT. ROOM %d - DAY\n\nSomething happens on page %d.\n\n", page, page);
        n += (size_t)sprintf(text + n, "\t\t\t\tJANE\n\t\t(softly)\n\t\tLine %d of the speech,\n\t\tgoing on.\n\n", page);
        n += (size_t)sprintf(text + n, "\t\t\t\tTOM (O.S.)\n\t\tAnswer %d.\n\n", page);
    }
    text[n] = '\0';
    sm_script s = parse_as_ok(text, SM_SCRIPT_PLAIN);
    assert_int_equal(s.n_scenes, 8);
    assert_int_equal(s.n_blocks, 8 * 4);
    for (int page = 0; page < 8; page++) {
        const sm_block *b = &s.blocks[page * 4];
        char want[64];
        sprintf(want, "INT. ROOM %d - DAY", page + 1);
        check_block(&s, (size_t)page * 4, SM_BLOCK_SCENE_HEADING, NULL, want);
        sprintf(want, "Line %d of the speech, going on.", page + 1);
        check_block(&s, (size_t)page * 4 + 2, SM_BLOCK_DIALOGUE, "JANE", want);
        assert_string_equal(b[2].parenthetical, "softly");
        check_block(&s, (size_t)page * 4 + 3, SM_BLOCK_DIALOGUE, "TOM", NULL);
        assert_string_equal(b[3].extension, "O.S.");
    }
    sm_script_free(&s);
    free(text);
}

/* No indentation at all: shape decides (caps cue, speech below). */
static void plain_flush_left(void **state)
{
    (void)state;
    const char *t =
        "EXT. BEACH - DAY\n\nWaves. MARY walks.\n\nMARY\nWhere is everyone?\n\n"
        "JOHN (O.C.)\n(distant)\nOver here!\n\nShe runs.\n\nANGLE ON JOHN\nHe waves.\n\nFADE OUT.\n";
    sm_script s = parse_as_ok(t, SM_SCRIPT_PLAIN);
    check_block(&s, 0, SM_BLOCK_SCENE_HEADING, NULL, "EXT. BEACH - DAY");
    check_block(&s, 1, SM_BLOCK_ACTION, NULL, "Waves. MARY walks.");
    check_block(&s, 2, SM_BLOCK_DIALOGUE, "MARY", "Where is everyone?");
    check_block(&s, 3, SM_BLOCK_DIALOGUE, "JOHN", "Over here!");
    assert_string_equal(s.blocks[3].extension, "O.C.");
    assert_string_equal(s.blocks[3].parenthetical, "distant");
    check_block(&s, 4, SM_BLOCK_ACTION, NULL, "She runs.");
    check_block(&s, 5, SM_BLOCK_ACTION, NULL, "ANGLE ON JOHN\nHe waves.");
    check_block(&s, 6, SM_BLOCK_TRANSITION, NULL, "FADE OUT.");
    assert_int_equal(s.n_blocks, 7);
    sm_script_free(&s);
}

/* Scene numbers at the right only; a number inside the heading stays. */
static void plain_right_scene_numbers(void **state)
{
    (void)state;
    const char *t =
        "     INT. HOUSE - DAY        12\n\n     Ann.\n\n                    ANN\n          Hi.\n\n"
        "     INT. ROOM 12 - DAY\n\n                    ANN\n          Bye.\n\n"
        "                    BOB\n          No.\n";
    sm_script s = parse_ok("t.txt", t);
    check_block(&s, 0, SM_BLOCK_SCENE_HEADING, NULL, "INT. HOUSE - DAY");
    assert_string_equal(s.blocks[0].scene_number, "12");
    check_block(&s, 3, SM_BLOCK_SCENE_HEADING, NULL, "INT. ROOM 12 - DAY");
    assert_null(s.blocks[3].scene_number);
    check_block(&s, 5, SM_BLOCK_DIALOGUE, "BOB", "No.");
    assert_int_equal(s.warnings.n_items, 0);
    sm_script_free(&s);
}

/* Scripts that save blank lines: a cue straight after action or speech. */
static void plain_no_blank_before_cue(void **state)
{
    (void)state;
    const char *t =
        "               INT. HOUSE - DAY\n\n"
        "               John enters the room.\n"
        "                                     JOHN\n"
        "                         Hello.\n"
        "                                     MARY\n"
        "                              (surprised)\n"
        "                         Oh! Hi.\n"
        "               She sits.\n\n"
        "                                     JOHN\n"
        "                         NO!\n"
        "                         I mean yes.\n";
    sm_script s = parse_ok("t.txt", t);
    check_block(&s, 1, SM_BLOCK_ACTION, NULL, "John enters the room.");
    check_block(&s, 2, SM_BLOCK_DIALOGUE, "JOHN", "Hello.");
    check_block(&s, 3, SM_BLOCK_DIALOGUE, "MARY", "Oh! Hi.");
    check_block(&s, 4, SM_BLOCK_ACTION, NULL, "She sits.");
    check_block(&s, 5, SM_BLOCK_DIALOGUE, "JOHN", "NO! I mean yes.");
    assert_int_equal(s.n_blocks, 6);
    sm_script_free(&s);
}

/* ---- Fountain ---- */

static void fountain_elements(void **state)
{
    (void)state;
    const char *t =
        "Title: _**THE TEST**_\n"
        "Credit: Written by\n"
        "Contact:\n"
        "    1 Road\n"
        "    Town\n"
        "\n"
        "# Act One\n"
        "\n"
        "= We meet Ann.\n"
        "\n"
        "INT. HOUSE - DAY #12A#\n"
        "\n"
        "Ann *reads* a **big** book. A \\*star\\* [[a note]]here.\n"
        "\n"
        "/* cut scene\n"
        "\n"
        "BOB\n"
        "Never said.\n"
        "*/\n"
        "ANN (V.O.)\n"
        "(quietly)\n"
        "Hello.\n"
        "  \n"
        "Still me.\n"
        "\n"
        "BOB ^\n"
        "Hi!\n"
        "\n"
        "@McCLANE\n"
        "Yippee.\n"
        "\n"
        "!LOUD ACTION\n"
        "\n"
        "~Happy birthday\n"
        "~to you\n"
        "\n"
        "> THE END <\n"
        "\n"
        "===\n"
        "\n"
        ".FLASHBACK\n"
        "\n"
        "> Fade to white.\n"
        "\n"
        "CUT TO:\n";
    sm_script s = parse_ok("t.fountain", t);
    assert_int_equal(s.format, SM_SCRIPT_FOUNTAIN);
    assert_int_equal(s.n_title, 3);
    assert_string_equal(s.title[0].value, "THE TEST");
    assert_string_equal(s.title[2].key, "Contact");
    assert_string_equal(s.title[2].value, "1 Road\nTown");
    size_t i = 0;
    check_block(&s, i++, SM_BLOCK_SECTION, NULL, "Act One");
    check_block(&s, i++, SM_BLOCK_SYNOPSIS, NULL, "We meet Ann.");
    check_block(&s, i, SM_BLOCK_SCENE_HEADING, NULL, "INT. HOUSE - DAY");
    assert_string_equal(s.blocks[i++].scene_number, "12A");
    check_block(&s, i++, SM_BLOCK_ACTION, NULL, "Ann reads a big book. A *star* here.");
    check_block(&s, i, SM_BLOCK_DIALOGUE, "ANN", "Hello. Still me.");
    assert_string_equal(s.blocks[i].extension, "V.O.");
    assert_string_equal(s.blocks[i].parenthetical, "quietly");
    assert_int_equal(s.blocks[i].line, 20);
    assert_int_equal(s.blocks[i].dual, 1);            /* BOB ^ pairs with it */
    i++;
    check_block(&s, i, SM_BLOCK_DIALOGUE, "BOB", "Hi!");
    assert_int_equal(s.blocks[i++].dual, 1);
    check_block(&s, i, SM_BLOCK_DIALOGUE, "McCLANE", "Yippee.");
    assert_int_equal(s.blocks[i++].dual, 0);
    check_block(&s, i++, SM_BLOCK_ACTION, NULL, "LOUD ACTION");
    check_block(&s, i++, SM_BLOCK_LYRICS, NULL, "Happy birthday\nto you");
    check_block(&s, i, SM_BLOCK_ACTION, NULL, "THE END");
    assert_int_equal(s.blocks[i++].centered, 1);
    check_block(&s, i++, SM_BLOCK_PAGE_BREAK, NULL, NULL);
    check_block(&s, i++, SM_BLOCK_SCENE_HEADING, NULL, "FLASHBACK");
    check_block(&s, i++, SM_BLOCK_TRANSITION, NULL, "Fade to white.");
    check_block(&s, i++, SM_BLOCK_TRANSITION, NULL, "CUT TO:");
    assert_int_equal(s.n_blocks, i);
    assert_int_equal(s.n_scenes, 2);
    sm_script_free(&s);
}

static void fountain_unclosed_boneyard_warns(void **state)
{
    (void)state;
    const char *t = "INT. A - DAY\n\nText /* never closed\n\nMore.\n";
    sm_script s = parse_as_ok(t, SM_SCRIPT_FOUNTAIN);
    assert_true(s.warnings.n_items >= 1);
    assert_int_equal(s.warnings.items[0].line, 3);
    check_block(&s, 1, SM_BLOCK_ACTION, NULL, "Text /* never closed");
    sm_script_free(&s);
}

/* ---- transcripts ---- */

static void transcript_paragraphs(void **state)
{
    (void)state;
    const char *t =
        "The One With the Test\n"
        "\n"
        "Written by: A. Writer & B. Writer\n"
        "Transcribed by Someone\n"
        "\n"
        "[Scene: Central Perk, everyone is there.]\n"
        "\n"
        "Mrs. Geller: (to Ross) Well, hello. (She sits.) Sit.\n"
        "\n"
        "Joey: (pause)....Are we done?\n"
        "\n"
        "Guy #1:Hi.\n"
        "\n"
        "Monica and Rachel: Hey!\n"
        "And this line wraps\n"
        "onto two more.\n"
        "\n"
        "BOTH (but to different babies): Oh, Ben!\n"
        "\n"
        "(Ross enters.)\n"
        "\n"
        "Commercial Break\n"
        "\n"
        "(At Monica's)\n"
        "\n"
        "Ross: Bye.\n";
    sm_script s = parse_ok("t.txt", t);
    assert_int_equal(s.format, SM_SCRIPT_TRANSCRIPT);
    assert_int_equal(s.n_title, 3);
    assert_string_equal(s.title[0].key, "Title");
    assert_string_equal(s.title[1].key, "Written by");
    assert_string_equal(s.title[1].value, "A. Writer & B. Writer");
    assert_string_equal(s.title[2].key, "Transcribed by");
    assert_string_equal(s.title[2].value, "Someone");
    size_t i = 0;
    check_block(&s, i++, SM_BLOCK_SCENE_HEADING, NULL, "Central Perk, everyone is there.");
    check_block(&s, i, SM_BLOCK_DIALOGUE, "Mrs. Geller", "Well, hello. Sit.");
    assert_string_equal(s.blocks[i].parenthetical, "to Ross She sits.");
    assert_string_equal(s.blocks[i++].speaker_key, "mrsgeller");
    check_block(&s, i, SM_BLOCK_DIALOGUE, "Joey", "....Are we done?");
    assert_string_equal(s.blocks[i++].parenthetical, "pause");
    check_block(&s, i++, SM_BLOCK_DIALOGUE, "Guy #1", "Hi.");
    check_block(&s, i, SM_BLOCK_DIALOGUE, "Monica and Rachel", "Hey! And this line wraps onto two more.");
    assert_int_equal(s.blocks[i].line, 14);
    assert_int_equal(s.blocks[i++].end_line, 16);
    check_block(&s, i, SM_BLOCK_DIALOGUE, "BOTH", "Oh, Ben!");
    assert_string_equal(s.blocks[i++].parenthetical, "but to different babies");
    check_block(&s, i++, SM_BLOCK_ACTION, NULL, "(Ross enters.)");
    check_block(&s, i++, SM_BLOCK_ACTION, NULL, "Commercial Break");
    check_block(&s, i++, SM_BLOCK_SCENE_HEADING, NULL, "At Monica's");
    check_block(&s, i, SM_BLOCK_DIALOGUE, "Ross", "Bye.");
    assert_int_equal(s.blocks[i++].scene, 2);
    assert_int_equal(s.n_blocks, i);
    sm_script_free(&s);
}

static void transcript_wrapped_scene(void **state)
{
    (void)state;
    const char *t = "[Scene: Monica and Rachel's,\neveryone is there.]\nRoss: Hi.\nRachel: Hey.\nJoey: Yo.\n";
    sm_script s = parse_as_ok(t, SM_SCRIPT_TRANSCRIPT);
    check_block(&s, 0, SM_BLOCK_SCENE_HEADING, NULL, "Monica and Rachel's, everyone is there.");
    assert_int_equal(s.blocks[0].end_line, 2);
    check_block(&s, 1, SM_BLOCK_DIALOGUE, "Ross", "Hi.");
    assert_int_equal(s.blocks[1].line, 3);
    check_block(&s, 3, SM_BLOCK_DIALOGUE, "Joey", "Yo.");
    assert_int_equal(s.n_blocks, 4);
    sm_script_free(&s);
}

/* ---- refusals and robustness ---- */

static void empty_is_an_error(void **state)
{
    (void)state;
    const char *inputs[] = {"", "\n\n   \n\t\n", "\xEF\xBB\xBF", "/* all boneyard */\n", "[[only a note]]"};
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++)
        for (int f = SM_SCRIPT_PLAIN; f <= SM_SCRIPT_TRANSCRIPT; f++) {
            sm_script s;
            sm_error err = {0};
            int rc = sm_script_parse_as("empty.txt", inputs[k], strlen(inputs[k]), (sm_script_format)f, &s, &err);
            if (rc == 0 && f != SM_SCRIPT_FOUNTAIN && k >= 3) {
                sm_script_free(&s);      /* only Fountain removes notes/boneyard */
                continue;
            }
            assert_int_equal(rc, -1);
            assert_string_equal(err.file, "empty.txt");
            assert_non_null(strstr(err.message, k < 3 ? "empty file" : "no screenplay content"));
        }
}

static void odd_inputs_do_not_crash(void **state)
{
    (void)state;
    const char *inputs[] = {
        "(", ")", "[[", "/*", "*/", "]]", "#", "=", "===", "~", ">", "<", "@", "!", ".", "^",
        "A:", ":", "\xff\xfe\x00x", "INT.", "12", "(MORE)", "JOHN\n", "JOHN\n(", "   JOHN\n  (a\n",
        "Title:\n", "Title: x\n  y\n", "[Scene", "(Scene:", "X: (", "X: [", "_*_*", "\\", "\\*",
        "INT. A #1", "#1#", "  1  INT. X  1\n", "CONTINUED:", "\n\n\n(MORE)\n\n12.\n",
    };
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++)
        for (int f = SM_SCRIPT_PLAIN; f <= SM_SCRIPT_TRANSCRIPT; f++) {
            sm_script s;
            sm_error err = {0};
            size_t n = strlen(inputs[k]);
            if (sm_script_parse_as("odd", inputs[k], n, (sm_script_format)f, &s, &err) == 0)
                sm_script_free(&s);
        }
}

/* A title line searched with strstr read past the end of a buffer the
 * caller never terminated (found by fuzz_script_parse, minimised to these
 * 32 bytes): the input goes in an exact-size heap buffer, so ASan sees any
 * read past it, through detection and every reader. */
static void title_search_stays_in_the_buffer(void **state)
{
    (void)state;
    static const unsigned char input[32] = {
        0x09, 0x22, 0x0a, 0x20, 0x20, 0x20, 0x62, 0x79, 0x0a, 0x20, 0x20, 0x20, 0x53, 0x4f, 0x20, 0x20,
        0x20, 0x2e, 0x0a, 0x73, 0x0a, 0x0a, 0x20, 0x20, 0x20, 0x20, 0x20, 0x49, 0x0a, 0x20, 0x20, 0x73,
    };
    char *buf = malloc(sizeof input);
    assert_non_null(buf);
    memcpy(buf, input, sizeof input);
    sm_script s;
    sm_error err = {0};
    if (sm_script_parse("regress.txt", buf, sizeof input, &s, &err) == 0)
        sm_script_free(&s);
    for (int f = SM_SCRIPT_PLAIN; f <= SM_SCRIPT_TRANSCRIPT; f++)
        if (sm_script_parse_as("regress.txt", buf, sizeof input, (sm_script_format)f, &s, &err) == 0)
            sm_script_free(&s);
    free(buf);
}

/* Megabytes of one repeated pathological line, in every reader: must end
 * quickly and without exhausting the stack (no recursion per line, no
 * quadratic rescans). */
static void pathological_repeats(void **state)
{
    (void)state;
    const char *units[] = {
        "#\n", "= x\n", "JOHN\n", "(\n", "[[\n", "/*\n", "*/\n", "A: (\n", "   JOHN\n  x\n", "INT. X\n",
        "@\n", "~\n", ">x<\n", "12.\n", "(MORE)\n", "                    JOHN\n          hi\n", "[Scene: x\n",
        "x [[y\n", "Title: x\n", "  \n",
    };
    size_t size = 1u << 19;
    char *big = malloc(size + 1);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t k = strlen(units[u]), n = 0;
        while (n + k <= size) {
            memcpy(big + n, units[u], k);
            n += k;
        }
        big[n] = '\0';
        for (int f = SM_SCRIPT_PLAIN; f <= SM_SCRIPT_TRANSCRIPT; f++) {
            sm_script s;
            sm_error err = {0};
            if (sm_script_parse_as("big", big, n, (sm_script_format)f, &s, &err) == 0) {
                assert_true(s.n_blocks > 0);
                sm_script_free(&s);
            }
        }
    }
    free(big);
}

/* A long input parses in linear time and keeps every block. */
static void long_repeated_input(void **state)
{
    (void)state;
    size_t reps = 2000, one = strlen(PLAIN);
    char *big = malloc(reps * one + 1);
    for (size_t k = 0; k < reps; k++)
        memcpy(big + k * one, PLAIN, one);
    big[reps * one] = '\0';
    sm_script s = parse_as_ok(big, SM_SCRIPT_PLAIN);
    size_t dialogue = 0;
    for (size_t i = 0; i < s.n_blocks; i++)
        dialogue += s.blocks[i].kind == SM_BLOCK_DIALOGUE;
    /* 4 speeches per copy; the title lines of later copies become action or
     * are dropped as repeated headers, never dialogue */
    assert_int_equal(dialogue, 4 * reps);
    assert_int_equal(s.n_scenes, (int)(2 * reps));
    sm_script_free(&s);
    free(big);
}

/* The records of `storymovie script`, and the speakers of its --stats. */
static void blocks_as_json_lines_and_speakers(void **state)
{
    (void)state;
    const char *text = "Title: Two\nAuthor: Me\n\nINT. ROOM - DAY\n\nANN\nHello.\n\nBOB (V.O.)\nHi.\n\n"
                       "ANN (CONT'D)\nBye.\n";
    sm_script s;
    sm_error err;
    assert_int_equal(sm_script_parse("two.fountain", text, strlen(text), &s, &err), 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    assert_non_null(f);
    assert_int_equal(sm_script_write_jsonl(f, &s), 0);
    fclose(f);
    assert_non_null(strstr(out, "{\"type\":\"title\",\"format\":\"fountain\",\"fields\":[{\"key\":\"Title\",\"value\":\"Two\"},"));
    assert_non_null(strstr(out, "\n{\"type\":\"block\",\"block\":3,\"kind\":\"dialogue\",\"scene\":1,\"speaker\":\"BOB\","
                                "\"speaker_key\":\"bob\",\"extension\":\"V.O.\",\"text\":\"Hi.\",\"line\":9,\"end_line\":10}\n"));
    free(out);
    sm_speaker_count *sc;
    assert_int_equal(sm_script_speakers(&s, &sc), 2);
    assert_string_equal(sc[0].name, "ANN");
    assert_int_equal(sc[0].count, 2);
    assert_string_equal(sc[1].key, "bob");
    free(sc);
    sm_script_free(&s);
}

/* sm_script_read: a file or standard input ("-"), the format detected or
 * forced, the encoding and the decoding's repairs kept. */
static void read_files_and_stdin(void **state)
{
    (void)state;
    const char *path = sm_test_file("caf\xe9.txt", "[Scene: Caf\xe9.]\n\nJoey: Hi.\n\nRoss: Hey.\n");
    sm_script s;
    sm_error err;
    assert_int_equal(sm_script_read(path, NULL, &s, &err), 0);
    assert_int_equal(s.format, SM_SCRIPT_PLAIN);   /* too short to look like a transcript */
    assert_non_null(strstr(s.encoding, "WINDOWS-1252"));
    sm_script_free(&s);
    sm_script_format transcript = SM_SCRIPT_TRANSCRIPT;
    assert_int_equal(sm_script_read(path, &transcript, &s, &err), 0);
    assert_int_equal(s.format, SM_SCRIPT_TRANSCRIPT);
    sm_script_free(&s);
    assert_non_null(freopen(path, "rb", stdin));
    assert_int_equal(sm_script_read("-", &transcript, &s, &err), 0);
    assert_int_equal(s.format, SM_SCRIPT_TRANSCRIPT);
    assert_non_null(strstr(s.encoding, "WINDOWS-1252"));
    size_t dialogue = 0;
    for (size_t i = 0; i < s.n_blocks; i++)
        dialogue += s.blocks[i].kind == SM_BLOCK_DIALOGUE;
    assert_int_equal(dialogue, 2);
    sm_script_free(&s);
    assert_int_equal(sm_script_read(SM_SOURCE_DIR "/nonexistent.txt", NULL, &s, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(speaker_keys),
        cmocka_unit_test(detect_formats),
        cmocka_unit_test(plain_layout),
        cmocka_unit_test(plain_headers_and_tabs),
        cmocka_unit_test(plain_flush_left),
        cmocka_unit_test(plain_right_scene_numbers),
        cmocka_unit_test(plain_no_blank_before_cue),
        cmocka_unit_test(fountain_elements),
        cmocka_unit_test(fountain_unclosed_boneyard_warns),
        cmocka_unit_test(transcript_paragraphs),
        cmocka_unit_test(transcript_wrapped_scene),
        cmocka_unit_test(empty_is_an_error),
        cmocka_unit_test(odd_inputs_do_not_crash),
        cmocka_unit_test(title_search_stays_in_the_buffer),
        cmocka_unit_test(long_repeated_input),
        cmocka_unit_test(pathological_repeats),
        cmocka_unit_test(blocks_as_json_lines_and_speakers),
        cmocka_unit_test(read_files_and_stdin),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
