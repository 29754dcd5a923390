/* test_eval_qa.c - QA: evidence ids, proposed questions checked against the
 * sample's context (kept and dropped, with the reasons worked out by hand),
 * the questions file reader, grades and "not stated", accuracy with its
 * Wilson interval. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval_qa.h"

#define NEAR(a, b, e) assert_true(fabs((a) - (b)) < (e))

static void evidence_ids(void **state)
{
    (void)state;
    sm_qa_evidence e;
    static const char *const blocks[] = {"block 20", "Block:20", "[block 20]", "  block   20 "};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(sm_qa_evidence_parse(blocks[i], strlen(blocks[i]), &e), 0);
        assert_int_equal(e.block, 20);
        assert_int_equal(e.cue, 0);
    }
    static const char *const cues[] = {"cue 17.1", "cue 17:1", "Cue 17 segment 1", "cue:17.1", "[cue 17.1]",
                                       "cue 17, segment 1"};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(sm_qa_evidence_parse(cues[i], strlen(cues[i]), &e), 0);
        assert_int_equal(e.cue, 17);
        assert_int_equal(e.segment, 1);
        assert_int_equal(e.block, 0);
    }
    static const char *const bad[] = {"", "block", "block 0", "block -3", "block 2x", "cue 17", "cue 17.",
                                      "cue .1", "line 4", "block 12345678901", "20"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (sm_qa_evidence_parse(bad[i], strlen(bad[i]), &e) == 0)
            fail_msg("'%s' read as an id", bad[i]);
}

static sm_context_set ctx;

static int read_sample(void **state)
{
    (void)state;
    sm_error err;
    return sm_context_read_file(SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl", &ctx, &err);
}

static int free_sample(void **state)
{
    (void)state;
    sm_context_set_free(&ctx);
    return 0;
}

/* In the lamp room's context: block 20 is DANIEL "Aunt Martha."; cue 27.1
 * DANIEL "Nobody reads it.", cue 27.2 MARTHA "I read it."; Martha Hale
 * speaks as MARTHA, Daniel Hale as DANIEL; there is no block 99 nor cue
 * 99.1. */
static const char proposal[] =
    "<think>let me see [block 1]</think>Here they are:\n```json\n["
    "{\"category\":\"dialogue\",\"question\":\"Who says \\\"Nobody reads it.\\\"?\",\"answer\":\"Daniel Hale\","
    "\"evidence\":[\"cue 27.1\"]},"                                                         /* 1 kept: real name */
    "{\"category\":\"dialogue\",\"question\":\"Who says \\\"I read it.\\\"?\",\"answer\":\"MARTHA\","
    "\"evidence\":[{\"cue\":27,\"segment\":2}]},"                                           /* 2 kept: script name */
    "{\"category\":\"dialogue\",\"question\":\"Who says \\\"I read it.\\\"?\",\"answer\":\"Daniel\","
    "\"evidence\":[\"cue 27.2\"]},"                                                         /* 3 wrong speaker */
    "{\"category\":\"relationships\",\"question\":\"What is Martha to Daniel?\",\"answer\":\"his aunt\","
    "\"evidence\":\"block 20\"},"                                                           /* 4 kept: one id */
    "{\"category\":\"actions\",\"question\":\"What does Martha polish?\",\"answer\":\"the lens\","
    "\"evidence\":[\"block 99\"]},"                                                         /* 5 not in context */
    "{\"category\":\"emotions\",\"question\":\"How does Daniel feel?\",\"answer\":\"out of breath\","
    "\"evidence\":[\"block 19\", \"line 3\"]},"                                             /* 6 not an id */
    "{\"category\":\"plot\",\"question\":\"What happens?\",\"answer\":\"a visit\",\"evidence\":[\"block 19\"]},"
    "{\"category\":\"actions\",\"question\":\"  \",\"answer\":\"x\",\"evidence\":[\"block 19\"]},"  /* 8 */
    "{\"category\":\"actions\",\"question\":\"Who climbs?\",\"evidence\":[\"block 19\"]},"      /* 9 no key */
    "{\"category\":\"actions\",\"question\":\"Who climbs?\",\"answer\":\"Daniel\",\"evidence\":[]}," /* 10 */
    "\"just a string\","                                                                     /* 11 */
    "{\"category\":\"relationships\",\"question\":\"what is martha to daniel?\",\"answer\":\"aunt\","
    "\"evidence\":[\"block 20\"]},"                                                         /* 12 duplicate */
    "{\"category\":\"dialogue\",\"question\":\"Who sweeps?\",\"answer\":\"Martha\",\"evidence\":[\"block 46\"]}"
    "]\n```";                                                                              /* 13 no speaker */

static void proposed_questions(void **state)
{
    (void)state;
    const sm_context *lamp = sm_context_find(&ctx, "tt9999901_lamp_room");
    assert_non_null(lamp);
    sm_qa_candidates q;
    const char *why;
    assert_int_equal(sm_qa_parse_questions(proposal, strlen(proposal), lamp, &q, &why), 0);
    assert_int_equal(q.n_items, 13);
    static const char *const want[13] = {NULL,           NULL,        "dialogue-speaker", NULL,
                                         "evidence-missing", "evidence-form", "category", "no-question",
                                         "no-answer",    "no-evidence", "not-an-object", "duplicate",
                                         "dialogue-no-speaker"};
    for (size_t i = 0; i < 13; i++) {
        const char *got = q.items[i].drop;
        if ((got == NULL) != (want[i] == NULL) || (got && strcmp(got, want[i])))
            fail_msg("item %zu: dropped as %s, want %s (%s)", i + 1, got ? got : "kept", want[i] ? want[i] : "kept",
                     q.items[i].why ? q.items[i].why : "");
    }
    assert_int_equal(q.items[0].category, SM_QA_DIALOGUE);
    assert_string_equal(q.items[0].answer, "Daniel Hale");
    assert_int_equal(q.items[0].evidence[0].cue, 27);
    assert_int_equal(q.items[3].n_evidence, 1);
    assert_int_equal(q.items[3].evidence[0].block, 20);
    assert_string_equal(q.items[2].why, "the key 'Daniel' does not name the speaker of the cited line (MARTHA)");
    assert_string_equal(q.items[4].why, "block 99 is not in the story's context");
    sm_qa_candidates_free(&q);

    /* answers without a list */
    static const char *const unreadable[] = {"I cannot help with that.", "[not json", "{\"questions\":1}"};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(sm_qa_parse_questions(unreadable[i], strlen(unreadable[i]), lamp, &q, &why), 1);
        assert_non_null(why);
        sm_qa_candidates_free(&q);
    }
    /* an empty list is read, with nothing in it */
    assert_int_equal(sm_qa_parse_questions("[]", 2, lamp, &q, &why), 0);
    assert_int_equal(q.n_items, 0);
    sm_qa_candidates_free(&q);
}

static void questions_file(void **state)
{
    (void)state;
    static const char good[] =
        "{\"id\":\"s1:q1\",\"story_id\":\"s1\",\"category\":\"dialogue\",\"question\":\"Who?\",\"answer\":\"Ann\","
        "\"evidence\":[{\"cue\":3,\"segment\":1}],\"model\":\"m\",\"prompt_version\":\"qa-make-v1\"}\n"
        "\n"
        "{\"id\":\"s1:q2\",\"story_id\":\"s1\",\"category\":\"actions\",\"question\":\"What?\",\"answer\":\"runs\","
        "\"evidence\":[{\"block\":7},{\"cue\":3,\"segment\":2}]}\n";
    sm_qa_set set;
    sm_error err;
    assert_int_equal(sm_qa_read_buffer("q.jsonl", good, strlen(good), &set, &err), 0);
    assert_int_equal(set.n_items, 2);
    assert_string_equal(set.items[1].id, "s1:q2");
    assert_int_equal(set.items[1].line, 3);
    assert_int_equal(set.items[1].category, SM_QA_ACTIONS);
    assert_int_equal(set.items[1].n_evidence, 2);
    assert_int_equal(set.items[1].evidence[0].block, 7);
    assert_int_equal(set.items[1].evidence[1].segment, 2);
    assert_string_equal(set.items[0].model, "m");
    assert_null(set.items[1].model);
    sm_qa_set_free(&set);

    static const struct {
        const char *text, *message;
        long line;
    } bad[] = {
        {"", "empty file", 0},
        {"{\"id\":\"a\"", "not JSON", 1},
        {"[1]\n", "not a JSON object", 1},
        {"{\"story_id\":\"s\",\"chain_of_thought\":\"x\"}\n", "this looks like story records", 1},
        {"{\"id\":\"a\",\"story_id\":\"s\",\"category\":\"plot\",\"question\":\"q\",\"answer\":\"a\",\"evidence\":[{\"block\":1}]}",
         ".category 'plot'", 1},
        {"{\"id\":\"a\",\"story_id\":\"s\",\"category\":\"actions\",\"question\":\"q\",\"answer\":\"a\",\"evidence\":[]}",
         ".evidence is empty", 1},
        {"{\"id\":\"a\",\"story_id\":\"s\",\"category\":\"actions\",\"question\":\"q\",\"answer\":\"\",\"evidence\":[{\"block\":1}]}",
         ".answer empty", 1},
        {"{\"id\":\"a\",\"story_id\":\"s\",\"category\":\"actions\",\"question\":\"q\",\"answer\":\"a\",\"evidence\":[{\"cue\":1}]}",
         ".evidence[0] is not", 1},
        {"{\"id\":\"a\",\"story_id\":\"s\",\"category\":\"actions\",\"question\":\"q\",\"answer\":\"a\",\"evidence\":[{\"block\":1}]}\n"
         "{\"id\":\"a\",\"story_id\":\"s\",\"category\":\"actions\",\"question\":\"q\",\"answer\":\"a\",\"evidence\":[{\"block\":2}]}",
         "question id 'a' again (first on line 1)", 2},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&err, 0, sizeof err);
        if (sm_qa_read_buffer("q.jsonl", bad[i].text, strlen(bad[i].text), &set, &err) == 0)
            fail_msg("case %zu read", i);
        if (!strstr(err.message, bad[i].message) || err.line != bad[i].line)
            fail_msg("case %zu: %ld: %s", i, err.line, err.message);
        assert_string_equal(err.file, "q.jsonl");
        assert_int_equal(set.n_items, 0);
    }
}

static sm_qa_grade grade(const char *s) { return sm_qa_parse_grade(s, strlen(s)); }

static void grades(void **state)
{
    (void)state;
    assert_int_equal(grade("[[CORRECT]]"), SM_GRADE_CORRECT);
    assert_int_equal(grade("It names her. [[WRONG]]"), SM_GRADE_WRONG);
    assert_int_equal(grade("[[CORRECT]] [[CORRECT]]"), SM_GRADE_CORRECT);
    assert_int_equal(grade("[[CORRECT]] or [[WRONG]]"), SM_GRADE_INVALID);
    assert_int_equal(grade("correct"), SM_GRADE_INVALID);
    assert_int_equal(grade("[[Correct]]"), SM_GRADE_INVALID);
    assert_int_equal(grade(""), SM_GRADE_INVALID);
    assert_int_equal(grade("<think>[[WRONG]]?</think>[[CORRECT]]"), SM_GRADE_CORRECT);
    static const char *const yes[] = {"not stated", "Not stated.", "NOT STATED", " not  stated!\n",
                                      "<think>hmm</think>not stated"};
    for (size_t i = 0; i < 5; i++)
        assert_true(sm_qa_not_stated(yes[i], strlen(yes[i])));
    static const char *const no[] = {"not stated, but probably Tom", "stated", "", "It is not stated who",
                                     "notstatedx"};
    for (size_t i = 0; i < 5; i++)
        assert_false(sm_qa_not_stated(no[i], strlen(no[i])));
}

/* 18 correct of 19 (relationships in the papers' table is of this size):
 * p = .947368, z^2 = 3.841459, d = 1 + z^2/19 = 1.202182,
 * centre = (p + z^2/38) / d = 1.048459 / 1.202182 = .872130,
 * half = z sqrt(p(1-p)/19 + z^2/1444) / d = z sqrt(.0026243 + .0026603) / d
 *      = 1.959964 * .072695 / 1.202182 = .118517
 * -> [.753613, .990647] */
static void accuracy(void **state)
{
    (void)state;
    sm_qa_tally t = {.correct = 18, .wrong = 1, .invalid = 2, .failed = 1};
    sm_qa_tally_finish(&t);
    assert_int_equal(t.n, 19);
    assert_true(t.has_rate);
    NEAR(t.accuracy, 18.0 / 19, 1e-12);
    NEAR(t.ci[0], 0.753613, 2e-6);
    NEAR(t.ci[1], 0.990647, 2e-6);
    sm_qa_tally none = {.invalid = 3};
    sm_qa_tally_finish(&none);
    assert_false(none.has_rate);
}

static void prompts(void **state)
{
    (void)state;
    const sm_context *lamp = sm_context_find(&ctx, "tt9999901_lamp_room");
    char *p = sm_qa_make_prompt(lamp, 2);
    assert_non_null(p);
    assert_non_null(strstr(p, "- Martha Hale (speaks as MARTHA)\n"));
    assert_non_null(strstr(p, "[block 20] DANIEL: Aunt Martha.\n"));
    assert_non_null(strstr(p, "[cue 27.2] MARTHA: I read it.\n"));
    assert_non_null(strstr(p, "Up to 2 questions in each category"));
    free(p);
    p = sm_qa_answer_prompt("Anna waits.", "Who waits?");
    assert_non_null(strstr(p, "Story:\nAnna waits.\n\nQuestion: Who waits?"));
    assert_non_null(strstr(p, "answer exactly: not stated"));
    free(p);
    p = sm_qa_grade_prompt("Who waits?", "Anna Berg", "Anna");
    assert_non_null(strstr(p, "Answer key: Anna Berg\nAnswer given: Anna\n"));
    assert_non_null(strstr(p, "[[CORRECT]] or [[WRONG]]"));
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(evidence_ids),
        cmocka_unit_test(proposed_questions),
        cmocka_unit_test(questions_file),
        cmocka_unit_test(grades),
        cmocka_unit_test(accuracy),
        cmocka_unit_test(prompts),
    };
    return cmocka_run_group_tests(tests, read_sample, free_sample);
}
