/* test_ground.c - quotations, attribution, names, clean-up, prompt and
 * records of src/ground, on the bundled sample's two stories and their
 * context records. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "storymovie/ground.h"
#include "ground/ground_internal.h"

#define CONTEXT SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl"
#define STORIES SM_SOURCE_DIR "/sample/stories.jsonl"

static sm_context_set ctx;
static sm_story_set stories;

static int setup(void **state)
{
    (void)state;
    sm_error err;
    if (sm_context_read_file(CONTEXT, &ctx, &err) != 0 || sm_story_read_file(STORIES, &stories, &err) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sm_context_set_free(&ctx);
    sm_story_set_free(&stories);
    return 0;
}

static const sm_story *story(const char *id)
{
    for (size_t i = 0; i < stories.n_items; i++)
        if (strcmp(stories.items[i].story_id, id) == 0)
            return &stories.items[i];
    fail_msg("no story %s", id);
    return NULL;
}

#define LAMP "tt9999901_lamp_room"
#define KITCHEN "tt9999901_kitchen"

/* The quotations of `text` read as the story of `id` (with its chain of
 * thought).  The set keeps the story alive for the quotes. */
typedef struct found {
    sm_story_set set;
    sm_quotes q;
} found;

static void find(found *f, const char *id, const char *text)
{
    memset(f, 0, sizeof *f);
    const sm_story *src = story(id);
    sm_story *s = sm_story_add(&f->set, id, src->cot, src->cot_len, text, strlen(text));
    assert_non_null(s);
    assert_int_equal(sm_quotes_find(s, sm_context_find(&ctx, id), &f->q), 0);
}

static void lose(found *f)
{
    sm_quotes_free(&f->q);
    sm_story_set_free(&f->set);
}

/* ------------------------------------------------------------ quotations */

static void test_word_lists(void **state)
{
    (void)state;
    assert_true(gr_word_lists_sorted());    /* they are binary-searched */
}

static void test_marks(void **state)
{
    (void)state;
    found f;
    find(&f, LAMP,
         "<gdi image1>\n“Aunt Martha,” he says. \"\" and “…” are no quotations; "
         "<gdo char2 obj1>\"x\"</gdo> is one.\n</gdi>\n<gdi image2>\n\"I read them. Three times.\n</gdi>");
    assert_int_equal(f.q.n_items, 3);
    assert_string_equal(f.q.items[0].text, "Aunt Martha,");
    assert_true(f.q.items[0].closed);
    assert_string_equal(f.q.items[1].text, "x");
    /* Open at the end of its block: unclosed, and it does not swallow the
     * next block. */
    assert_false(f.q.items[2].closed);
    assert_string_equal(f.q.items[2].text, "I read them. Three times.");
    lose(&f);
}

static void test_matching(void **state)
{
    (void)state;
    static const struct {
        const char *quote;
        int found, cue;
    } cases[] = {
        {"I wrote to you. Three times.", 1, 19},
        {"i WROTE to you — three times!", 1, 19},      /* normalised words */
        {"I wrote to him three times.", 1, 19},        /* 5 of 6 words */
        {"I wrote her three times.", 1, 19},           /* 4 of 5: exactly 80% */
        {"I wrote her twice.", 0, 19},                 /* 2 of 4 */
        {"Three times. I wrote to you.", 0, 19},       /* out of order: 4 of 6 */
        {"No more stairs. And who writes the book?", 0, 22}, /* two speakers */
        /* Consecutive segments of one speaker (cues 24, 25). */
        {"Every ship that's passed this rock since 1951. Names, flags, the hour, the weather.", 1, 24},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "<gdi image1>\"%s\"\n</gdi>", cases[i].quote);
        found f;
        find(&f, LAMP, text);
        assert_int_equal(f.q.n_items, 1);
        if (f.q.items[0].found != cases[i].found)
            fail_msg("\"%s\": found %d, want %d (%u of %u words)", cases[i].quote,
                     f.q.items[0].found, cases[i].found, f.q.items[0].matched, f.q.items[0].words);
        if (cases[i].found) {
            assert_int_equal(f.q.items[0].segment->cue, cases[i].cue);
            assert_non_null(f.q.items[0].speaker);
        } else {
            assert_null(f.q.items[0].speaker);
        }
        lose(&f);
    }
    found f;
    find(&f, LAMP, "<gdi image1>\"Every ship that's passed this rock since 1951. Names, flags.\"</gdi>");
    assert_int_equal(f.q.items[0].segments, 2);
    assert_string_equal(f.q.items[0].speaker, "MARTHA");
    lose(&f);
}

/* Quotations of up to 64 words are matched bit-parallel, longer ones by
 * the table: both must find the same words.  A line of the window followed
 * by words said nowhere in it matches that line's 6 words, however long. */
static void test_matching_long_quotations(void **state)
{
    (void)state;
    for (unsigned n = 58; n <= 72; n++) {
        char text[1024] = "<gdi image1>\"I wrote to you. Three times.";
        for (unsigned k = 6; k < n; k++)
            strcat(text, " zzqx");
        strcat(text, "\"\n</gdi>");
        found f;
        find(&f, LAMP, text);
        assert_int_equal(f.q.n_items, 1);
        assert_int_equal(f.q.items[0].words, n);
        if (f.q.items[0].matched != 6)
            fail_msg("%u words: %u matched, want 6", n, f.q.items[0].matched);
        assert_false(f.q.items[0].found);   /* 6 of n words is far below 80% */
        lose(&f);
    }
}

static void test_no_alignment(void **state)
{
    (void)state;
    /* A context without dialogue: every quotation is unfound. */
    sm_context c = *sm_context_find(&ctx, LAMP);
    c.n_dialogue = 0;
    sm_story_set set = {0};
    const sm_story *src = story(LAMP);
    const char *text = "<gdi image1>\"Aunt Martha.\"</gdi>";
    sm_story *s = sm_story_add(&set, LAMP, src->cot, src->cot_len, text, strlen(text));
    sm_quotes q;
    assert_int_equal(sm_quotes_find(s, &c, &q), 0);
    assert_int_equal(q.n_items, 1);
    assert_false(q.items[0].found);
    sm_quotes_free(&q);
    sm_story_set_free(&set);
}

/* ----------------------------------------------------------- attribution */

static void test_attribution(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *who;        /* attributed_to, or NULL */
        sm_quote_attribution how;
    } cases[] = {
        {"<gdo char1>Martha</gdo> says, \"I read it.\"", "Martha Hale", SM_ATTR_LEAD},
        {"\"I read it,\" <gdo char1>she</gdo> says.", "Martha Hale", SM_ATTR_TAIL},
        {"\"I read it,\" says <gdo char1>Martha</gdo>.", "Martha Hale", SM_ATTR_TAIL},
        {"\"I read it,\" Martha says.", "Martha Hale", SM_ATTR_TAIL},
        {"\"I read it,\" Daniel Hale says.", "Daniel Hale", SM_ATTR_TAIL},
        {"<gdo char1>She</gdo> <gda char1>answers</gda>: \"I read it.\"", "Martha Hale", SM_ATTR_ACTION},
        {"<gdo char1>Martha</gdo>, quietly: \"I read it.\"", "Martha Hale", SM_ATTR_LEAD},
        /* The subject, not the addressee or an object after a preposition. */
        {"<gdo char1>Martha</gdo> tells <gdo char2>Daniel</gdo>, \"I read it.\"", "Martha Hale", SM_ATTR_LEAD},
        {"<gdo char1>Martha</gdo>, turning to <gdo char2>Daniel</gdo>, says: \"I read it.\"", "Martha Hale", SM_ATTR_LEAD},
        {"<gdo char2>Daniel</gdo> watches as <gdo char1>Martha</gdo> says, \"I read it.\"", "Martha Hale", SM_ATTR_LEAD},
        {"<gdo char2>Daniel</gdo> hears <gdo char1>Martha</gdo> say, \"I read it.\"", "Martha Hale", SM_ATTR_LEAD},
        {"Looking at <gdo char2>Daniel</gdo>'s face, <gdo char1>Martha</gdo> says, \"I read it.\"", "Martha Hale", SM_ATTR_LEAD},
        /* No single speaker, or no speech frame. */
        {"<gdo char2 char1>They</gdo> say, \"I read it.\"", NULL, SM_ATTR_NONE},
        {"Hale says, \"I read it.\"", NULL, SM_ATTR_NONE},              /* both are Hales */
        {"<gdo char1>Martha</gdo> sits down. \"I read it.\"", NULL, SM_ATTR_NONE},
        {"\"I read it,\" <gdo char2>he</gdo> says, and <gdo char1>she</gdo> nods.", "Daniel Hale", SM_ATTR_TAIL},
        /* The tail's first clause only: "asks" frames the next quotation. */
        {"\"I read it,\" he promises, but <gdo char1>Martha</gdo> asks, \"And who writes the book?\"", NULL, SM_ATTR_NONE},
        /* A continuation in the same block. */
        {"\"Nobody reads it,\" <gdo char2>Daniel</gdo> says. \"I read it.\"", "Daniel Hale", SM_ATTR_CONTINUED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, "<gdi image5>\n%s\n</gdi>", cases[i].text);
        found f;
        find(&f, LAMP, text);
        assert_true(f.q.n_items >= 1);
        /* The case is about the quotation "I read it." */
        const sm_quote *q = NULL;
        for (size_t k = 0; k < f.q.n_items; k++)
            if (strncmp(f.q.items[k].text, "I read it", 9) == 0)
                q = &f.q.items[k];
        assert_non_null(q);
        const char *who = q->attributed_to;
        if (q->how != cases[i].how || (who == NULL) != (cases[i].who == NULL) ||
            (who && strcmp(who, cases[i].who) != 0))
            fail_msg("%s: attributed to %s (how %d), want %s (how %d)", cases[i].text,
                     who ? who : "nobody", q->how, cases[i].who ? cases[i].who : "nobody",
                     cases[i].how);
        lose(&f);
    }
    /* Not across blocks: the previous block's quotation is not continued. */
    found f;
    find(&f, LAMP, "<gdi image4>\"Nobody reads it,\" <gdo char2>Daniel</gdo> says.</gdi>\n"
                   "<gdi image5>\"I read it.\"</gdi>");
    assert_int_equal(f.q.n_items, 2);
    assert_int_equal(f.q.items[1].how, SM_ATTR_NONE);
    lose(&f);
}

static void test_checkable(void **state)
{
    (void)state;
    found f;
    find(&f, KITCHEN,
         "<gdi image1>\"Filthy night,\" <gdo char2>Price</gdo> says. \"Owen Price, Board of "
         "Lighthouses,\" <gdo char1>Daniel</gdo> says.</gdi>");
    assert_int_equal(f.q.n_items, 2);
    /* The aligner did not name the speaker of "Filthy night.": not checkable. */
    assert_true(f.q.items[0].found);
    assert_null(f.q.items[0].speaker);
    assert_false(f.q.items[0].checkable);
    assert_true(f.q.items[1].checkable);
    assert_false(f.q.items[1].correct);
    assert_string_equal(f.q.items[1].attributed_id, "char1");
    lose(&f);
}

/* ------------------------------------------------------------ the rules */

static int has_problem(const sm_ground_verdict *v, const char *code)
{
    for (size_t i = 0; i < v->n_problems; i++)
        if (strcmp(v->problems[i].code, code) == 0)
            return 1;
    return 0;
}

static void test_clean_answer(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"  <gdi image1>x</gdi>\n", "<gdi image1>x</gdi>"},
        {"<think>\nhmm\n</think>\n\n<gdi image1>x</gdi>", "<gdi image1>x</gdi>"},
        {"```html\n<gdi image1>x</gdi>\n```", "<gdi image1>x</gdi>"},
        {"<think>a</think>```\n<gdi image1>x</gdi>\n```\n", "<gdi image1>x</gdi>"},
        {"<think>cut off while thinking", ""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t start, n = sm_ground_clean_answer(cases[i].in, strlen(cases[i].in), &start);
        assert_int_equal(n, strlen(cases[i].out));
        assert_memory_equal(cases[i].in + start, cases[i].out, n);
    }
}

static void test_source_issues_not_held_against(void **state)
{
    (void)state;
    /* A source story with a free-text attribute: an answer that keeps it is
     * not failed for it (rule 1 counts only what the answer adds). */
    const sm_story *lamp = story(LAMP);
    sm_story_set set = {0};
    const char *src_text = "<gdi image1><gdo char1>Woman</gdo> <gdl location: top>up</gdl></gdi>"
                           "<gdi image2>x</gdi><gdi image3>x</gdi><gdi image4>x</gdi>"
                           "<gdi image5>x</gdi><gdi image6>x</gdi>";
    sm_story *src = sm_story_add(&set, LAMP, lamp->cot, lamp->cot_len, src_text, strlen(src_text));
    src->has_frame_count = 1;
    src->frame_count = 6;
    sm_story_check(&set, src, NULL);
    const char *ans = "<gdi image1><gdo char1>Martha</gdo> <gdl location: top>up</gdl></gdi>"
                      "<gdi image2>x</gdi><gdi image3>x</gdi><gdi image4>x</gdi>"
                      "<gdi image5>x</gdi><gdi image6>x</gdi>";
    sm_ground_verdict v;
    assert_int_equal(sm_ground_verify(src, sm_context_find(&ctx, LAMP), ans, strlen(ans), 0, &v), 0);
    assert_false(has_problem(&v, "check:free-text"));
    assert_true(v.passed);
    sm_ground_verdict_free(&v);
    sm_story_set_free(&set);
}

static void test_names(void **state)
{
    (void)state;
    const sm_story *src = story(KITCHEN);
    const sm_context *c = sm_context_find(&ctx, KITCHEN);
    /* Start from the source story and change one tag's words. */
    char *base = strndup(src->text, src->text_len);
    static const struct {
        const char *from, *to, *code;
    } cases[] = {
        {"<gdo char2>man in a raincoat</gdo>", "<gdo char2>Mr. Price</gdo>", NULL},
        {"<gdo char2>man in a raincoat</gdo>", "<gdo char2>the man who wrote to Daniel</gdo>", "name-missing"},
        {"<gdo char2>man in a raincoat</gdo>", "<gdo char2>Price, not Daniel</gdo>", "name-wrong"},
        {"<gdo char2>man in a raincoat</gdo>", "<gdo char2>Owen, the man from Daniel</gdo>", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        /* Name the other two in the first block so only char2 varies. */
        char text[8192];
        const char *at = strstr(base, cases[i].from);
        assert_non_null(at);
        snprintf(text, sizeof text, "%.*s%s%s", (int)(at - base), base, cases[i].to,
                 at + strlen(cases[i].from));
        char *p;
        while ((p = strstr(text, "<gdo char1>young man</gdo>")) != NULL)
            memcpy(p, "<gdo char1>Daniel</gdo>   ", 26);
        while ((p = strstr(text, "<gdo char3>older woman</gdo>")) != NULL)
            memcpy(p, "<gdo char3>Martha</gdo>     ", 28);
        sm_ground_verdict v;
        assert_int_equal(sm_ground_verify(src, c, text, strlen(text), 0, &v), 0);
        int ok = cases[i].code ? has_problem(&v, cases[i].code) && v.n_problems == 1 : v.passed;
        if (!ok)
            fail_msg("%s: %zu problems, first %s", cases[i].to, v.n_problems,
                     v.n_problems ? v.problems[0].message : "-");
        sm_ground_verdict_free(&v);
    }
    free(base);
}

static void test_truncated_and_empty(void **state)
{
    (void)state;
    const sm_story *src = story(LAMP);
    const sm_context *c = sm_context_find(&ctx, LAMP);
    sm_ground_verdict v;
    assert_int_equal(sm_ground_verify(src, c, "", 0, 0, &v), 0);
    assert_false(v.passed);
    assert_true(has_problem(&v, "empty"));
    assert_int_equal(v.problems[0].rule, 5);
    sm_ground_verdict_free(&v);
    /* The source story itself, cut off by the server: truncated (and it
     * names nobody). */
    assert_int_equal(sm_ground_verify(src, c, src->text, src->text_len, 1, &v), 0);
    assert_true(has_problem(&v, "truncated"));
    assert_true(has_problem(&v, "name-missing"));
    sm_ground_verdict_free(&v);
}

/* ------------------------------------------------------- prompt, records */

static void test_prompt(void **state)
{
    (void)state;
    const sm_story *src = story(KITCHEN);
    const sm_context *c = sm_context_find(&ctx, KITCHEN);
    char *p = sm_ground_prompt(src, c);
    assert_non_null(p);
    assert_non_null(strstr(p, "- char2 is Owen Price (PRICE in the script)"));
    assert_non_null(strstr(p, "Scene: INT. LIGHTHOUSE - KITCHEN - NIGHT"));
    assert_non_null(strstr(p, "3:24.6, image 1, PRICE (Owen Price, char2): Owen Price, Board of Lighthouses."));
    assert_non_null(strstr(p, "speaker unknown: Filthy night."));
    assert_non_null(strstr(p, "Keep every grounding tag"));
    assert_non_null(strstr(p, "<gdo char1>Daniel</gdo>"));      /* the example uses this story's names */
    assert_non_null(strstr(p, src->cot + src->cot_len - 40));   /* the whole chain of thought */
    free(p);

    sm_ground_verdict v;
    const char *ans = "<gdi image1>\"You will pay for this,\" he says.</gdi>";
    assert_int_equal(sm_ground_verify(src, c, ans, strlen(ans), 0, &v), 0);
    char *r = sm_ground_retry_prompt(&v);
    assert_non_null(r);
    assert_non_null(strstr(r, "these problems:\n- "));
    assert_non_null(strstr(r, "\"You will pay for this,\" is not said"));
    assert_non_null(strstr(r, "story has 1 <gdi> blocks for 7 images"));
    assert_non_null(strstr(r, "image 2: the original story's <gdo char3>, <gda char3>, <gdo obj2> tags are missing"));
    free(r);
    sm_ground_verdict_free(&v);
}

static void test_record(void **state)
{
    (void)state;
    const sm_story *src = story(KITCHEN);
    const sm_context *c = sm_context_find(&ctx, KITCHEN);
    char *text = strndup(src->text, src->text_len);
    char *p;
    while ((p = strstr(text, "<gdo char1>young man</gdo>")) != NULL)
        memcpy(p, "<gdo char1>Daniel</gdo>   ", 26);
    while ((p = strstr(text, "<gdo char3>older woman</gdo>")) != NULL)
        memcpy(p, "<gdo char3>Martha</gdo>     ", 28);
    p = strstr(text, "<gdo char2>man in a raincoat</gdo> <gda char2>steps in</gda> out of the storm.");
    assert_non_null(p);
    char answer[8192];
    snprintf(answer, sizeof answer, "%.*s<gdo char2>Price</gdo> <gda char2>steps in</gda>: \"Filthy night.\" "
             "\"Owen Price,\" <gdo char2>he</gdo> <gda char2>says</gda>.%s", (int)(p - text), text,
             p + strlen("<gdo char2>man in a raincoat</gdo> <gda char2>steps in</gda> out of the storm."));
    sm_ground_verdict v;
    assert_int_equal(sm_ground_verify(src, c, answer, strlen(answer), 0, &v), 0);
    if (!v.passed)
        fail_msg("%s", v.problems[0].message);
    sm_json j;
    sm_json_init(&j);
    assert_int_equal(sm_ground_write_record(&j, src, c, &v, "m", 2), 0);
    json_error_t je;
    json_t *rec = json_loadb(j.buf, j.len, 0, &je);
    assert_non_null(rec);
    assert_string_equal(json_string_value(json_object_get(rec, "story_id")), KITCHEN);
    assert_string_equal(json_string_value(json_object_get(rec, "movie")), "tt9999901");
    assert_int_equal(json_integer_value(json_object_get(rec, "frame_count")), 7);
    assert_int_equal(json_array_size(json_object_get(rec, "images")), 7);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "names"), "char2")), "Owen Price");
    const char *cot = json_string_value(json_object_get(rec, "chain_of_thought"));
    assert_non_null(strstr(cot, "| char2 | Owen Price | A middle-aged man"));
    assert_null(strstr(cot, "| Man in raincoat |"));
    assert_null(strstr(cot, "| Young man |"));
    assert_null(strstr(cot, "| Older woman |"));
    assert_non_null(strstr(cot, "| char3 | Martha Hale | An older woman"));
    assert_memory_equal(json_string_value(json_object_get(rec, "source_story")), src->text, src->text_len);
    json_t *quotes = json_object_get(rec, "quotes");
    assert_int_equal(json_array_size(quotes), 2);
    json_t *q0 = json_array_get(quotes, 0), *q1 = json_array_get(quotes, 1);
    assert_int_equal(json_integer_value(json_object_get(q0, "cue")), 35);
    assert_true(json_is_null(json_object_get(q0, "speaker")));
    /* "Price steps in: "Filthy night."": attributed, but nobody can check it. */
    assert_string_equal(json_string_value(json_object_get(q0, "attributed_to")), "Owen Price");
    assert_string_equal(json_string_value(json_object_get(q1, "speaker")), "PRICE");
    assert_string_equal(json_string_value(json_object_get(q1, "attributed_to")), "Owen Price");
    assert_string_equal(json_string_value(json_object_get(q1, "char")), "char2");
    assert_string_equal(json_string_value(json_object_get(rec, "prompt_version")), SM_GROUND_PROMPT_VERSION);
    assert_int_equal(json_integer_value(json_object_get(rec, "attempts")), 2);
    json_decref(rec);
    sm_json_free(&j);
    sm_ground_verdict_free(&v);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_word_lists),
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_matching),
        cmocka_unit_test(test_matching_long_quotations),
        cmocka_unit_test(test_no_alignment),
        cmocka_unit_test(test_attribution),
        cmocka_unit_test(test_checkable),
        cmocka_unit_test(test_clean_answer),
        cmocka_unit_test(test_source_issues_not_held_against),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_truncated_and_empty),
        cmocka_unit_test(test_prompt),
        cmocka_unit_test(test_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
