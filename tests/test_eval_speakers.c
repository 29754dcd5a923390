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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scores_from_jsonl_and_tsv),
        cmocka_unit_test(episodes_of_directories),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
