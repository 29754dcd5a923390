/* test_eval_runs.c - the eval commands as library calls, on the bundled
 * sample (two stories of one film and their context records): what each
 * run writes, what it returns for the command's summary, and the inputs it
 * refuses, with the words the command prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sm_test.h"
#include "storymovie/eval.h"
#include "storymovie/eval_dialogue.h"
#include "storymovie/eval_judge.h"
#include "storymovie/eval_qa.h"
#include "storymovie/eval_report.h"
#include "storymovie/eval_structure.h"

#define STORIES SM_SOURCE_DIR "/sample/stories.jsonl"
#define CONTEXT SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl"
#define LAMP "tt9999901_lamp_room"

/* A path under the test directory (one of four buffers used in turn). */
static const char *temp_path(const char *rel)
{
    static char paths[4][256];
    static unsigned next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", sm_test_dir, rel);
    return p;
}

static char *slurp(const char *path)
{
    char *text;
    size_t n;
    sm_error err;
    assert_int_equal(sm_read_file(path, (size_t)1 << 24, &text, &n, &err), 0);
    return text;
}

static size_t lines_of(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* The sample's stories and one more whose story_id no context record has. */
static const char *stories_with_stranger(void)
{
    char *text = slurp(STORIES);
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    size_t first = (size_t)(nl - text) + 1;
    char *extra = malloc(first + 1);
    memcpy(extra, text, first);
    extra[first] = '\0';
    char *id = strstr(extra, "\"story_id\": \"tt");
    assert_non_null(id);
    memcpy(id + 13, "zz", 2);     /* tt9999901_... -> zz9999901_... */
    size_t total = strlen(text) + first + 1;
    char *all = malloc(total);
    snprintf(all, total, "%s%s", text, extra);
    const char *path = sm_test_file("stranger.jsonl", all);
    free(all);
    free(extra);
    free(text);
    return path;
}

static void dialogue_run(void **state)
{
    (void)state;
    sm_error err;
    sm_dialogue_totals t;
    const char *out = temp_path("dialogue.jsonl");
    sm_eval_dialogue_request req = {stories_with_stranger(), CONTEXT, out};
    assert_int_equal(sm_eval_dialogue_run(&req, &t, &err), 0);
    assert_int_equal(t.scored, 2);
    assert_int_equal(t.no_context, 1);
    assert_int_equal(t.n_no_context_ids, 1);
    assert_int_equal(strncmp(t.no_context_ids[0], "zz9999901_", 10), 0);
    char *text = slurp(out);
    assert_int_equal(lines_of(text), 3);            /* two stories, the summary */
    assert_non_null(strstr(text, "{\"type\":\"summary\",\"stories\":2,"));
    assert_non_null(strstr(text, "\"no_context\":1"));
    free(text);
    sm_dialogue_totals_free(&t);

    /* No story with a context record: refused, nothing written. */
    char *ctx = slurp(CONTEXT);
    for (char *p = ctx; (p = strstr(p, "\"story_id\":\"tt")) != NULL; p++)
        memcpy(p + 12, "yy", 2);
    req.context_path = sm_test_file("other.context.jsonl", ctx);
    free(ctx);
    req.out_path = temp_path("never.jsonl");
    assert_int_equal(sm_eval_dialogue_run(&req, &t, &err), -1);
    assert_string_equal(err.file, req.stories_path);
    assert_non_null(strstr(err.message, "no story of it has a context record in"));
    sm_dialogue_totals_free(&t);
    struct stat st;
    assert_int_not_equal(stat(req.out_path, &st), 0);

    /* A record without a story_id: FILE:LINE. */
    req.context_path = CONTEXT;
    req.stories_path = sm_test_file("noid.jsonl", "{\"image_ids\":[]}\n");
    assert_int_equal(sm_eval_dialogue_run(&req, &t, &err), -1);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.file, req.stories_path);
    sm_dialogue_totals_free(&t);
}

static void structure_run(void **state)
{
    (void)state;
    sm_error err;
    sm_structure st;
    const char *out = temp_path("m1/structure.jsonl");
    assert_int_equal(sm_mkdir_p(temp_path("m1"), &err), 0);
    sm_eval_structure_request req = {STORIES, out};
    assert_int_equal(sm_eval_structure_run(&req, &st, &err), 0);
    assert_int_equal(st.stories, 2);
    char *text = slurp(out);
    assert_int_equal(lines_of(text), 3);
    assert_non_null(strstr(text, "{\"type\":\"summary\""));
    free(text);
    sm_structure_free(&st);

    req.stories_path = sm_test_file("noid.jsonl", "{\"image_ids\":[]}\n");
    req.out_path = temp_path("never.jsonl");
    assert_int_equal(sm_eval_structure_run(&req, &st, &err), -1);
    assert_int_equal(err.line, 1);
    sm_structure_free(&st);
}

/* eval report over the model directory structure_run wrote. */
static void report_write(void **state)
{
    (void)state;
    sm_error err;
    const char *dirs[] = {temp_path("m1")};
    sm_report *r = sm_report_load(dirs, 1, &err);
    assert_non_null(r);
    char *md = NULL;
    const char *out = temp_path("report");
    assert_int_equal(sm_report_write(r, out, &md, &err), 0);
    char *file_md = slurp(temp_path("report/report.md"));
    assert_string_equal(md, file_md);
    char *json = slurp(temp_path("report/report.json"));
    assert_true(json[0] == '{' && json[strlen(json) - 1] == '\n');
    free(json);
    free(file_md);
    free(md);
    /* Without a directory only the Markdown, and nothing to print is fine. */
    assert_int_equal(sm_report_write(r, NULL, NULL, &err), 0);
    sm_report_free(r);
}

static void pairs_runs(void **state)
{
    (void)state;
    sm_error err;
    sm_story_pairs p;
    sm_grounding_summary g;
    sm_grounding_options gopt = {SM_GROUNDING_PER_IMAGE, 0, 0};
    sm_eval_pairs_request req = {stories_with_stranger(), STORIES, temp_path("grounding.jsonl"), 1};
    assert_int_equal(sm_eval_grounding_run(&req, &gopt, &p, &g, &err), 0);
    assert_int_equal(g.stories, 2);
    const char *ids[4];
    size_t n_pred, n_ref;
    assert_int_equal(sm_story_pairs_unpaired(&p, ids, 4, &n_pred, &n_ref), 1);
    assert_int_equal(n_pred, 1);
    assert_int_equal(n_ref, 0);
    assert_int_equal(strncmp(ids[0], "zz9999901_", 10), 0);
    assert_int_equal(sm_story_pairs_unpaired(&p, ids, 0, &n_pred, &n_ref), 0);
    sm_story_pairs_free(&p);
    char *text = slurp(req.out_path);
    assert_int_equal(lines_of(text), 3);            /* per story, then the summary */
    free(text);

    sm_language_summary l;
    req.pred_path = STORIES;
    req.per_story = 0;
    req.out_path = temp_path("language.jsonl");
    assert_int_equal(sm_eval_language_run(&req, &p, &l, &err), 0);
    assert_int_equal(l.stories, 2);
    assert_true(l.meteor > 0.999);
    sm_story_pairs_free(&p);
    text = slurp(req.out_path);
    assert_int_equal(lines_of(text), 1);
    free(text);

    /* A file of the wrong kind: refused, the pairs left empty. */
    req.ref_path = CONTEXT;
    assert_int_equal(sm_eval_language_run(&req, &p, &l, &err), -1);
    assert_int_equal(p.pred.n_items + p.ref.n_items, 0);
    sm_story_pairs_free(&p);
}

static void judge_files(void **state)
{
    (void)state;
    sm_error err;
    sm_llm_params params = {0};
    params.model = "judge-model";
    sm_judge_options o = {.params = &params, .criteria = 7, .resamples = 100, .a_name = "a", .b_name = "b",
                          .a_path = STORIES, .b_path = STORIES};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(sm_judge_show_prompt_files(f, &o, CONTEXT, LAMP, &err), 0);
    fclose(f);
    assert_non_null(strstr(buf, LAMP));
    free(buf);
    /* The context is read first, and is what the error names. */
    sm_judge_result res;
    sm_llm_options llm;
    sm_llm_options_init(&llm);
    o.out_dir = temp_path("judge");
    assert_int_equal(sm_judge_run_files(&o, temp_path("missing.jsonl"), &llm, &res, &err), -1);
    assert_string_equal(err.file, temp_path("missing.jsonl"));
    assert_int_equal(sm_judge_show_prompt_files(stderr, &o, CONTEXT, "no-such-story", &err), -1);

    memset(&res, 0, sizeof res);
    res.pairs = 3;
    res.tally[0].has_rate = 1;
    res.tally[0].win_rate = 0.5;
    res.tally[0].n = 2;
    res.tally[0].wins = 1;
    res.tally[0].losses = 1;
    res.tally[1].failed = 2;
    f = open_memstream(&buf, &len);
    sm_judge_report(f, &res, 3, "OUT");
    fclose(f);
    assert_string_equal(buf, "3 stories judged\n"
                             "  subtitle    win rate  50.0% [0.0, 0.0]  n 2: 1 wins, 0 ties (0 inconsistent), 1 losses\n"
                             "  synopsis    no story judged; 2 failed\n"
                             "verdicts: OUT/verdicts.jsonl, summary: OUT/summary.json\n");
    free(buf);
}

static void qa_files(void **state)
{
    (void)state;
    sm_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(sm_qa_make_show_prompt(f, CONTEXT, LAMP, 2, &err), 0);
    fclose(f);
    assert_int_equal(strncmp(buf, "---- system\n", 12), 0);
    assert_non_null(strstr(buf, "\n---- user\n"));
    free(buf);
    assert_int_equal(sm_qa_make_show_prompt(stderr, CONTEXT, "no-such-story", 2, &err), -1);
    assert_string_equal(err.message, "no story 'no-such-story' in it");

    /* The inputs are read before anything is asked: a stories file given
     * as questions is refused with the reader's words. */
    sm_llm_options llm;
    sm_llm_options_init(&llm);
    sm_llm_params params = {0};
    sm_qa_run_options o = {.answer_params = &params, .grade_params = &params, .out_dir = temp_path("qa"),
                           .questions_path = STORIES, .stories_path = STORIES, .name = "m"};
    sm_qa_run_result res;
    assert_int_equal(sm_qa_run_files(&o, &llm, &res, &err), -1);
    assert_non_null(strstr(err.message, "not questions"));
    sm_qa_make_options mo = {.params = &params, .per_category = 2, .out_path = temp_path("q/questions.jsonl")};
    sm_qa_make_result mres;
    assert_int_equal(sm_qa_make_files(&mo, STORIES, &llm, &mres, &err), -1);
    assert_non_null(strstr(err.message, "not a context record"));

    memset(&mres, 0, sizeof mres);
    mres.stories = 2;
    mres.questions = 3;
    mres.by_category[0] = 3;
    mres.pending = 1;
    f = open_memstream(&buf, &len);
    sm_qa_make_report(f, &mres, "REQ");
    fclose(f);
    assert_non_null(strstr(buf, "2 stories: 3 questions kept (3 "));
    assert_non_null(strstr(buf, "), 0 dropped, 0 answers unreadable, 1 stories pending (requests written to REQ)\n"));
    free(buf);

    memset(&res, 0, sizeof res);
    res.questions = 4;
    res.overall.has_rate = 1;
    res.overall.accuracy = 0.75;
    res.overall.correct = 3;
    res.overall.n = 4;
    f = open_memstream(&buf, &len);
    sm_qa_run_report(f, &res, "OUT");
    fclose(f);
    assert_int_equal(strncmp(buf, "4 questions asked\n", 18), 0);
    assert_non_null(strstr(buf, "  overall        75.0% [0.0, 0.0]  3 of 4\n"));
    assert_non_null(strstr(buf, "answers: OUT/answers.jsonl, summary: OUT/summary.json\n"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dialogue_run), cmocka_unit_test(structure_run), cmocka_unit_test(report_write),
        cmocka_unit_test(pairs_runs),   cmocka_unit_test(judge_files),   cmocka_unit_test(qa_files),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
