/* test_eval_pairs.c - stories paired by story_id, and the scores and
 * records of eval grounding and eval language over the pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval.h"
#include "sm_test.h"

static void pairs_by_id(void **state)
{
    (void)state;
    const char *pred = sm_test_file("p.jsonl",
        "{\"story_id\":\"a\",\"chain_of_thought\":\"" "## Image 1\\n\",\"story\":\"the cat sat\"}\n"
        "{\"story_id\":\"b\",\"story\":\"x\"}\n"
        "{\"story_id\":\"only-pred\",\"story\":\"y\"}\n");
    const char *ref = sm_test_file("r.jsonl",
        "{\"story_id\":\"b\",\"story\":\"x\"}\n"
        "{\"story_id\":\"a\",\"chain_of_thought\":\"\",\"story\":\"the cat sat down\"}\n"
        "{\"story_id\":\"only-ref\",\"story\":\"z\"}\n");
    sm_story_pairs p;
    sm_error err;
    assert_int_equal(sm_story_pairs_read(pred, ref, &p, &err), 0);
    assert_int_equal(p.pairs, 2);
    assert_int_equal(p.ref_of_pred[0], 1);
    assert_int_equal(p.ref_of_pred[1], 0);
    assert_true(p.ref_of_pred[2] == SIZE_MAX);
    sm_json j;
    sm_json_init(&j);
    size_t np, nr;
    sm_json_begin_object(&j);
    sm_story_pairs_unpaired_json(&j, &p, &np, &nr);
    sm_json_end_object(&j);
    assert_string_equal(j.buf, "{\"unpaired_pred\":[\"only-pred\"],\"unpaired_ref\":[\"only-ref\"]}");
    assert_int_equal(np, 1);
    assert_int_equal(nr, 1);

    sm_language_scorer l;
    assert_int_equal(sm_language_init(&l), 0);
    sm_language_story one;
    assert_int_equal(sm_language_add(&l, &p.pred.items[0], &p.ref.items[1], &one), 0);
    assert_int_equal(one.pred_tokens, 3);
    assert_int_equal(one.ref_tokens, 4);
    sm_language_summary sum;
    sm_language_finish(&l, &sum);
    assert_int_equal(sum.stories, 1);
    assert_true(sum.bleu[0] > 0.7 && sum.bleu[0] < 0.72);   /* 3/3 matched, brevity exp(1 - 4/3) */
    sm_json_reset(&j);
    sm_language_story_json(&j, "a", &one);
    assert_non_null(strstr(j.buf, "{\"type\":\"story\",\"story_id\":\"a\",\"pred_tokens\":3,\"ref_tokens\":4,"));
    sm_language_free(&l);
    sm_json_free(&j);
    sm_story_pairs_free(&p);
}

/* A story_id twice in either file is an error naming both lines. */
static void repeated_id_refused(void **state)
{
    (void)state;
    const char *once = sm_test_file("once.jsonl", "{\"story_id\":\"a\",\"story\":\"x\"}\n");
    const char *twice = sm_test_file("twice.jsonl",
        "{\"story_id\":\"a\",\"story\":\"x\"}\n"
        "{\"story_id\":\"b\",\"story\":\"y\"}\n"
        "{\"story_id\":\"a\",\"story\":\"again\"}\n");
    sm_story_pairs p;
    sm_error err;
    assert_int_equal(sm_story_pairs_read(twice, once, &p, &err), -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.file, "twice.jsonl"));
    assert_string_equal(err.message, "story_id 'a' again (first on line 1)");
    assert_int_equal(sm_story_pairs_read(once, twice, &p, &err), -1);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.file, "twice.jsonl"));
    assert_string_equal(err.message, "story_id 'a' again (first on line 1)");
}

static void pairs_refused(void **state)
{
    (void)state;
    const char *good = sm_test_file("g.jsonl", "{\"story_id\":\"a\",\"story\":\"x\"}\n");
    const char *noid = sm_test_file("n.jsonl", "{\"story\":\"x\"}\n");
    const char *other = sm_test_file("o.jsonl", "{\"story_id\":\"b\",\"story\":\"x\"}\n");
    const char *broken = sm_test_file("b.jsonl", "{\"story_id\":\"a\",\n");
    sm_story_pairs p;
    sm_error err;
    assert_int_equal(sm_story_pairs_read(noid, good, &p, &err), -1);
    assert_non_null(strstr(err.message, "no story_id"));
    assert_int_equal(err.line, 1);
    assert_int_equal(sm_story_pairs_read(good, broken, &p, &err), -1);
    assert_non_null(strstr(err.message, "not a JSON object"));
    assert_int_equal(sm_story_pairs_read(good, other, &p, &err), -1);
    assert_non_null(strstr(err.message, "no story of"));
    assert_null(p.ref_of_pred);
}

static void grounding_of_a_pair(void **state)
{
    (void)state;
    const char *pred = sm_test_file("gp.jsonl", "");
    sm_story_pairs p;
    sm_error err;
    FILE *f = fopen(pred, "wb");
    fputs("{\"story_id\":\"s\",\"chain_of_thought\":\"## Image 1\\n### Characters\\n"
          "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\\n"
          "|---|---|---|---|---|---|---|\\n| char1 | Ann | d | e | a | n | 0,0,10,10 |\\n\","
          "\"story\":\"<gdi image1>x</gdi>\"}\n", f);
    fclose(f);
    assert_int_equal(sm_story_pairs_read(pred, pred, &p, &err), 0);
    sm_grounding_story g;
    size_t nc, nr;
    assert_int_equal(sm_grounding_pair(&p.pred.items[0], &p.ref.items[0], NULL, &g, &nc, &nr), 0);
    assert_int_equal(nc, 1);
    assert_int_equal(nr, 1);
    assert_int_equal(g.all.tp, 1);
    assert_true(g.ap > 0.999999 && g.ap < 1.000001);   /* eleven elevenths */
    sm_grounding_summary sum = {0};
    sm_grounding_summary_add(&sum, &g);
    sm_grounding_summary_finish(&sum);
    sm_json j;
    sm_json_init(&j);
    sm_grounding_summary_json(&j, &sum, SM_GROUNDING_PER_IMAGE, &p);
    assert_string_equal(j.buf,
        "{\"type\":\"summary\",\"mode\":\"per-image\",\"stories\":1,\"precision\":1,\"recall\":1,\"f1\":1,"
        "\"char_precision\":1,\"char_recall\":1,\"char_f1\":1,\"obj_precision\":1,\"obj_recall\":1,"
        "\"obj_f1\":1,\"map\":1,\"unpaired_pred\":[],\"unpaired_ref\":[]}");   /* %.6g-like */
    sm_json_free(&j);
    sm_story_pairs_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pairs_by_id),
        cmocka_unit_test(repeated_id_refused),
        cmocka_unit_test(pairs_refused),
        cmocka_unit_test(grounding_of_a_pair),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
