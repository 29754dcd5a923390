/* test_align.c - the aligner on small scripts and subtitles written here,
 * and its building blocks (anchors, LCS). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "align/align_internal.h"
#include "storymovie/align.h"

typedef struct fixture {
    sm_script script;
    sm_subtitles subs;
    sm_alignment a;
} fixture;

static void load(fixture *f, const char *transcript, const char *srt)
{
    sm_error err;
    memset(f, 0, sizeof *f);
    assert_int_equal(sm_script_parse_as("t.txt", transcript, strlen(transcript),
                                        SM_SCRIPT_TRANSCRIPT, &f->script, &err), 0);
    assert_int_equal(sm_subtitles_parse("t.srt", srt, strlen(srt), &f->subs, &err), 0);
    assert_int_equal(sm_align(&f->script, &f->subs, NULL, &f->a, &err), 0);
}

static void unload(fixture *f)
{
    sm_alignment_free(&f->a);
    sm_script_free(&f->script);
    sm_subtitles_free(&f->subs);
}

static const char *speaker(const fixture *f, size_t seg)
{
    return f->a.segments[seg].speaker;
}

/* The same conversation in both files, one line per cue. */
static const char conversation[] =
    "[Scene: A kitchen, morning.]\n\n"
    "Anna: Good morning, did you sleep at all last night?\n\n"
    "Ben: Not a wink, the neighbours were playing drums until four.\n\n"
    "(Anna pours coffee.)\n\n"
    "Anna: Then you need this more than I do, take the big cup.\n\n"
    "Ben: You are a saint, I will buy the next bag of beans.\n\n"
    "[Scene: The street, later.]\n\n"
    "Carl: Hey you two, wait for me, I forgot my keys again!\n\n"
    "Anna: Every single morning, Carl, every single one.\n";

static const char conversation_srt[] =
    "1\n00:00:01,000 --> 00:00:03,000\nGood morning, did you sleep at all last night?\n\n"
    "2\n00:00:03,500 --> 00:00:06,000\nNot a wink, the neighbours\nwere playing drums until four.\n\n"
    "3\n00:00:08,000 --> 00:00:10,000\nThen you need this more than I do,\ntake the big cup.\n\n"
    "4\n00:00:10,500 --> 00:00:12,000\nYou are a saint, I will buy\nthe next bag of beans.\n\n"
    "5\n00:00:20,000 --> 00:00:22,000\nHey you two, wait for me,\nI forgot my keys again!\n\n"
    "6\n00:00:22,500 --> 00:00:24,000\nEvery single morning, Carl,\nevery single one.\n";

static void verbatim_speakers_and_times(void **state)
{
    (void)state;
    fixture f;
    load(&f, conversation, conversation_srt);
    const char *want[] = {"Anna", "Ben", "Anna", "Ben", "Carl", "Anna"};
    assert_int_equal(f.subs.n_segments, 6);
    for (size_t i = 0; i < 6; i++) {
        assert_non_null(speaker(&f, i));
        assert_string_equal(speaker(&f, i), want[i]);
        assert_true(f.a.segments[i].confidence >= 0.9);
    }
    assert_int_equal(f.a.answered, 6);
    /* one film: its trigrams chain in order, far beyond chance */
    assert_false(f.a.mismatch);
    assert_true(f.a.ordered_trigrams > 0 && f.a.ordered_trigrams <= f.a.shared_trigrams);
    /* the first dialogue block gets the first cue's times */
    long b = f.a.segments[0].block;
    assert_true(b >= 0);
    assert_int_equal(f.a.blocks[b].timing, SM_TIMING_ALIGNED);
    assert_true(f.a.blocks[b].start == 1.0 && f.a.blocks[b].end == 3.0);
    /* the action line between two aligned lines is interpolated inside the gap */
    for (size_t k = 0; k < f.script.n_blocks; k++)
        if (f.script.blocks[k].kind == SM_BLOCK_ACTION) {
            assert_int_equal(f.a.blocks[k].timing, SM_TIMING_INTERPOLATED);
            assert_true(f.a.blocks[k].start >= 6.0 && f.a.blocks[k].end <= 8.0);
        }
    /* a scene spans its blocks: the second starts with its heading, placed
     * between the last line of the first scene (12 s) and its own first
     * line (20 s), and ends with its last line */
    assert_int_equal(f.a.scenes[2].timing, SM_TIMING_ALIGNED);
    assert_true(f.a.scenes[2].start >= 12.0 && f.a.scenes[2].start <= 20.0);
    assert_true(f.a.scenes[2].end == 24.0);
    unload(&f);
}

/* The film swaps the two scenes: both are still found. */
static void moved_scene_is_found(void **state)
{
    (void)state;
    const char srt[] =
        "1\n00:00:01,000 --> 00:00:03,000\nHey you two, wait for me,\nI forgot my keys again!\n\n"
        "2\n00:00:03,500 --> 00:00:05,000\nEvery single morning, Carl,\nevery single one.\n\n"
        "3\n00:00:10,000 --> 00:00:12,000\nGood morning, did you sleep at all last night?\n\n"
        "4\n00:00:12,500 --> 00:00:15,000\nNot a wink, the neighbours\nwere playing drums until four.\n\n"
        "5\n00:00:18,000 --> 00:00:20,000\nThen you need this more than I do,\ntake the big cup.\n\n"
        "6\n00:00:20,500 --> 00:00:22,000\nYou are a saint, I will buy\nthe next bag of beans.\n";
    fixture f;
    load(&f, conversation, srt);
    const char *want[] = {"Carl", "Anna", "Anna", "Ben", "Anna", "Ben"};
    for (size_t i = 0; i < 6; i++) {
        assert_non_null(speaker(&f, i));
        assert_string_equal(speaker(&f, i), want[i]);
    }
    unload(&f);
}

/* A line the script does not have (an ad-lib) abstains rather than guess;
 * a subtitle label names its speaker. */
static void adlib_abstains_label_names(void **state)
{
    (void)state;
    const char srt[] =
        "1\n00:00:01,000 --> 00:00:03,000\nGood morning, did you sleep at all last night?\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nNot a wink, the neighbours\nwere playing drums until four.\n\n"
        "3\n00:00:06,500 --> 00:00:07,500\nPurple elephants dance quietly.\n\n"
        "4\n00:00:08,000 --> 00:00:10,000\nThen you need this more than I do,\ntake the big cup.\n\n"
        "5\n00:00:10,500 --> 00:00:12,000\nBEN: Zebra crossings are underrated.\n\n"
        "6\n00:00:20,000 --> 00:00:22,000\nHey you two, wait for me,\nI forgot my keys again!\n";
    fixture f;
    load(&f, conversation, srt);
    assert_string_equal(speaker(&f, 1), "Ben");
    assert_null(speaker(&f, 2));
    assert_int_equal(f.a.segments[2].block, -1);
    assert_non_null(speaker(&f, 4));
    assert_string_equal(speaker(&f, 4), "Ben");
    assert_string_equal(f.a.segments[4].evidence, "hint");
    unload(&f);
}

/* Subtitles of another film: nothing in common, the film is flagged,
 * everything abstains, and the alignment says why. */
static void other_film_abstains(void **state)
{
    (void)state;
    const char srt[] =
        "1\n00:00:01,000 --> 00:00:03,000\nThe quarterly figures show a decline in exports.\n\n"
        "2\n00:00:04,000 --> 00:00:06,000\nPlease fasten your seatbelts for landing.\n";
    fixture f;
    load(&f, conversation, srt);
    assert_int_equal(f.a.answered, 0);
    assert_null(speaker(&f, 0));
    assert_null(speaker(&f, 1));
    assert_true(f.a.mismatch);
    assert_int_equal(f.a.ordered_trigrams, 0);
    assert_true(strstr(f.a.note, "too little to be one film") != NULL);
    for (size_t b = 0; b < f.script.n_blocks; b++)
        assert_int_equal(f.a.blocks[b].timing, SM_TIMING_NONE);
    unload(&f);
}

static void script_without_dialogue(void **state)
{
    (void)state;
    const char script[] = "[Scene: An empty room.]\n\n(Nobody is there.)\n";
    fixture f;
    load(&f, script, conversation_srt);
    assert_int_equal(f.a.answered, 0);
    assert_int_equal(f.a.dialogue_blocks, 0);
    assert_true(strstr(f.a.note, "no dialogue") != NULL);
    unload(&f);
}

/* Same input, same output: nothing depends on addresses or timing. */
static void deterministic_output(void **state)
{
    (void)state;
    char *out[2];
    size_t len[2];
    for (int r = 0; r < 2; r++) {
        fixture f;
        load(&f, conversation, conversation_srt);
        FILE *m = open_memstream(&out[r], &len[r]);
        assert_non_null(m);
        assert_int_equal(sm_alignment_write_jsonl(m, &f.script, &f.subs, &f.a), 0);
        fclose(m);
        unload(&f);
    }
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(out[0], out[1], len[0]);
    assert_non_null(strstr(out[0], "{\"type\":\"segment\",\"cue\":1,\"segment\":1,\"start\":1,\"end\":3,"));
    assert_non_null(strstr(out[0], "\"timing\":\"aligned\""));
    free(out[0]);
    free(out[1]);
}

/* Anchors: unique trigrams, reduced to the longest chain in order. */
static void anchors_unique_and_monotone(void **state)
{
    (void)state;
    /* S: 1 2 3 4 5 6 7 8 ; T: 6 7 8 9 1 2 3 4 5 -- two crossing runs, the
     * longer (1..5) wins the chain */
    uint32_t S[] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t T[] = {6, 7, 8, 9, 1, 2, 3, 4, 5};
    align_anchor a[16];
    size_t k = align_find_anchors(S, 0, 8, T, 0, 9, 3, a, 16);
    assert_int_equal(k, 1);
    assert_int_equal(a[0].s, 0);
    assert_int_equal(a[0].t, 4);
    assert_int_equal(a[0].len, 5);
    /* a trigram that occurs twice on one side is no anchor */
    uint32_t S2[] = {1, 2, 3, 9, 1, 2, 3};
    uint32_t T2[] = {1, 2, 3};
    assert_int_equal(align_find_anchors(S2, 0, 7, T2, 0, 3, 3, a, 16), 0);
}

static void lcs_matches_plain_length(void **state)
{
    (void)state;
    uint32_t S[200], T[150];
    unsigned seed = 12345;
    for (int i = 0; i < 200; i++) {
        seed = seed * 1103515245u + 12345u;
        S[i] = (seed >> 16) % 7;
    }
    for (int i = 0; i < 150; i++) {
        seed = seed * 1103515245u + 12345u;
        T[i] = (seed >> 16) % 7;
    }
    int32_t match[150];
    for (int i = 0; i < 150; i++)
        match[i] = -1;
    long n = align_lcs_dp(S, 0, 200, T, 0, 150, match);
    assert_int_equal((size_t)n, align_lcs_plain_length(S, 200, T, 150));
    /* the pairs are a common subsequence: equal tokens, increasing */
    int32_t last = -1;
    for (int t = 0; t < 150; t++)
        if (match[t] >= 0) {
            assert_int_equal(S[match[t]], T[t]);
            assert_true(match[t] > last);
            last = match[t];
        }
}

/* A line the script lacks, said after a dash in a cue whose first line is
 * Anna's: in a scene of Anna and Ben, it is Ben's, with no script line. */
static void scene_names_the_one_left(void **state)
{
    (void)state;
    const char srt[] =
        "1\n00:00:01,000 --> 00:00:03,000\n- Good morning, did you sleep at all last night?\n- Hardly.\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nNot a wink, the neighbours\nwere playing drums until four.\n\n"
        "3\n00:00:08,000 --> 00:00:10,000\nThen you need this more than I do,\ntake the big cup.\n\n"
        "4\n00:00:10,500 --> 00:00:12,000\nYou are a saint, I will buy\nthe next bag of beans.\n";
    fixture f;
    load(&f, conversation, srt);
    assert_int_equal(f.subs.n_segments, 5);
    assert_non_null(speaker(&f, 1));
    assert_string_equal(speaker(&f, 1), "Ben");
    assert_true(f.a.segments[1].confidence <= 0.8);
    unload(&f);
}

/* One person, two cue names: a woman who gives her name, then is cued by
 * it, is one character (the name with more lines); "her name is" names
 * someone else. */
static const char renamed[] =
    "[Scene: A bus stop, night.]\n\n"
    "Woman: Hello there, my name's Lena, I live upstairs from you.\n\n"
    "Ben: Nice to meet you, I am the one with the drums.\n\n"
    "Lena: I know, the whole building knows about the drums.\n\n"
    "Lena: Could you maybe play them before midnight for once?\n";

static void second_name_is_one_character(void **state)
{
    (void)state;
    const char srt[] =
        "1\n00:00:01,000 --> 00:00:03,000\nHello there, my name's Lena,\nI live upstairs from you.\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nNice to meet you,\nI am the one with the drums.\n\n"
        "3\n00:00:07,000 --> 00:00:09,000\nI know, the whole building\nknows about the drums.\n\n"
        "4\n00:00:09,500 --> 00:00:12,000\nCould you maybe play them\nbefore midnight for once?\n";
    fixture f;
    load(&f, renamed, srt);
    assert_string_equal(speaker(&f, 0), "Woman");
    assert_non_null(f.a.segments[0].character);
    assert_string_equal(f.a.segments[0].character, "Lena");
    assert_string_equal(f.a.segments[0].character_evidence, "introduces");
    long b = f.a.segments[0].block;
    assert_true(b >= 0);
    assert_string_equal(f.a.blocks[b].character, "Lena");
    for (size_t i = 1; i < 4; i++)
        assert_null(f.a.segments[i].character);
    unload(&f);

    char other[sizeof renamed + 16];
    snprintf(other, sizeof other, "%s", renamed);
    char *p = strstr(other, "my name's");
    memcpy(p, "her name ", 9);
    load(&f, other, srt);
    for (size_t i = 0; i < 4; i++)
        assert_null(f.a.segments[i].character);
    unload(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verbatim_speakers_and_times),
        cmocka_unit_test(moved_scene_is_found),
        cmocka_unit_test(adlib_abstains_label_names),
        cmocka_unit_test(other_film_abstains),
        cmocka_unit_test(script_without_dialogue),
        cmocka_unit_test(deterministic_output),
        cmocka_unit_test(scene_names_the_one_left),
        cmocka_unit_test(second_name_is_one_character),
        cmocka_unit_test(anchors_unique_and_monotone),
        cmocka_unit_test(lcs_matches_plain_length),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
