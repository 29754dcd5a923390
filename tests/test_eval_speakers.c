/* test_eval_speakers.c - speaker attribution scoring: predictions from
 * align's JSON Lines or a TSV, directories of episodes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "storymovie/eval_speakers.h"
#include "sm_test.h"

static const char gold[] = "cue\tsegment\tsegments\tstart\tend\tspeaker\ttext\n"
                           "1\t1\t1\t0\t1\tRoss\tHi.\n2\t1\t2\t1\t2\tMonica\tHey.\n2\t2\t2\t1\t2\tJoey\tYo.\n";

static void scores_from_jsonl_and_tsv(void **state)
{
    (void)state;
    sm_test_file("gold.tsv", gold);
    /* no confidence: counted as sure, like a TSV line */
    sm_test_file("p.jsonl", "{\"type\":\"segment\",\"cue\":1,\"segment\":1,\"start\":0,\"end\":1,\"speaker\":\"ROSS\"}\n"
                   "{\"type\":\"segment\",\"cue\":2,\"segment\":1,\"start\":1,\"end\":2,\"speaker\":\"Joey\","
                   "\"confidence\":0.85}\n");
    sm_test_file("p.tsv", "1\t1\tross\n2\t2\tJoey\n");
    char g[128], pj[128], pt[128];
    snprintf(g, sizeof g, "%s/gold.tsv", sm_test_dir);
    snprintf(pj, sizeof pj, "%s/p.jsonl", sm_test_dir);
    snprintf(pt, sizeof pt, "%s/p.tsv", sm_test_dir);
    sm_speaker_score s = {0}, ep = {0};
    sm_error err;
    assert_int_equal(sm_speaker_score_files(&s, &ep, g, pj, &err), 0);
    assert_int_equal(s.total, 3);
    assert_int_equal(s.answered, 2);
    assert_int_equal(s.correct, 1);
    assert_int_equal(s.high_answered, 1);
    assert_int_equal(ep.total, 3);
    assert_int_equal(sm_speaker_score_files(&s, NULL, g, pt, &err), 0);
    assert_int_equal(s.total, 6);
    assert_int_equal(s.correct, 3);
    assert_int_equal(sm_speaker_score_files(&s, NULL, g, NULL, &err), 0);   /* all abstained */
    assert_int_equal(s.total, 9);
    assert_int_equal(s.answered, 4);
    sm_speaker_score_free(&s);
    sm_speaker_score_free(&ep);
    sm_test_file("bad.jsonl", "{\"type\":\"segment\",\"cue\":1,\n");
    snprintf(pj, sizeof pj, "%s/bad.jsonl", sm_test_dir);
    memset(&s, 0, sizeof s);
    assert_int_equal(sm_speaker_score_files(&s, NULL, g, pj, &err), -1);
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "not a JSON object"));
}

static void episodes_of_directories(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/gold", sm_test_dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/pred", sm_test_dir);
    mkdir(path, 0755);
    const char *ids[] = {"ep3", "ep1", "ep2", "notes"};
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/gold/%s", sm_test_dir, ids[i]);
        mkdir(path, 0755);
    }
    sm_test_file("gold/ep1/gold.tsv", gold);
    sm_test_file("gold/ep2/gold.tsv", gold);
    sm_test_file("gold/ep3/gold.tsv", gold);
    sm_test_file("pred/ep1.jsonl", "");
    sm_test_file("pred/ep1.tsv", "");
    sm_test_file("pred/ep3.tsv", "");
    char g[128], p[128];
    snprintf(g, sizeof g, "%s/gold", sm_test_dir);
    snprintf(p, sizeof p, "%s/pred", sm_test_dir);
    sm_speaker_episode *e;
    size_t n;
    sm_error err;
    assert_int_equal(sm_speaker_episodes(g, p, &e, &n, &err), 0);
    assert_int_equal(n, 3);   /* notes/ has no gold.tsv */
    assert_string_equal(e[0].id, "ep1");
    assert_non_null(strstr(e[0].pred, "/ep1.jsonl"));   /* JSON Lines first */
    assert_null(e[1].pred);
    assert_non_null(strstr(e[2].pred, "/ep3.tsv"));
    assert_non_null(strstr(e[2].gold, "/ep3/gold.tsv"));
    sm_speaker_episodes_free(e, n);
    assert_int_equal(sm_speaker_episodes("/nonexistent", p, &e, &n, &err), -1);
}

/* eval speakers as one call: two files, two directories (an episode
 * without prediction is all abstained), a directory against a file. */
static void eval_files_and_directories(void **state)
{
    (void)state;
    char g[128], p[128], path[256];
    snprintf(g, sizeof g, "%s/evg", sm_test_dir);
    snprintf(p, sizeof p, "%s/evp", sm_test_dir);
    mkdir(g, 0755);
    mkdir(p, 0755);
    snprintf(path, sizeof path, "%s/a", g);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/b", g);
    mkdir(path, 0755);
    sm_test_file("evg/a/gold.tsv", gold);
    sm_test_file("evg/b/gold.tsv", gold);
    const char *pred = sm_test_file("evp/a.tsv", "1\t1\tross\n2\t2\tJoey\n");
    sm_speaker_eval e;
    sm_error err;
    assert_int_equal(sm_speaker_eval_run(g, p, &e, &err), 0);
    assert_int_equal(e.n_episodes, 2);
    assert_int_equal(e.n_scored, 2);
    assert_int_equal(e.missing, 1);
    assert_int_equal(e.scores[0].correct, 2);
    assert_int_equal(e.scores[1].answered, 0);
    assert_int_equal(e.total.total, 6);
    assert_int_equal(e.total.correct, 2);
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    sm_speaker_eval_print_episode(f, &e, 0);
    sm_speaker_eval_print(f, &e, 5);
    fclose(f);
    assert_non_null(strstr(text, "a                            3 gold  accuracy  66.67%"));
    assert_non_null(strstr(text, "episodes   2 (some without predictions, see above)\n"));
    assert_non_null(strstr(text, "segments   6 gold, 2 answered, 2 correct\n"));
    assert_non_null(strstr(text, "most frequent errors (gold -> predicted):\n      2  Monica -> (none)\n"));
    free(text);
    sm_speaker_eval_free(&e);

    snprintf(path, sizeof path, "%s/a/gold.tsv", g);
    assert_int_equal(sm_speaker_eval_run(path, pred, &e, &err), 0);
    assert_int_equal(e.n_episodes, 0);
    assert_int_equal(e.total.correct, 2);
    sm_speaker_eval_free(&e);

    assert_int_equal(sm_speaker_eval_run(g, pred, &e, &err), -2);
    assert_non_null(strstr(err.message, "is a directory, so"));
    sm_speaker_eval_free(&e);
    assert_int_equal(sm_speaker_eval_run(p, p, &e, &err), -1);   /* no <id>/gold.tsv */
    assert_non_null(strstr(err.message, "no <id>/gold.tsv under"));
    sm_speaker_eval_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scores_from_jsonl_and_tsv),
        cmocka_unit_test(episodes_of_directories),
        cmocka_unit_test(eval_files_and_directories),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
