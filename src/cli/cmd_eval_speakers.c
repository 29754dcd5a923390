/* cmd_eval_speakers.c - storymovie eval speakers: score speaker attribution. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_speakers.h"
#include "storymovie/json.h"

static void print_json(const sm_speaker_score *s, size_t episodes, const char *id)
{
    sm_json j;
    sm_json_init(&j);
    sm_speaker_score_json(&j, s, episodes, id);
    sm_json_flush_line(&j, stdout);
    sm_json_free(&j);
}

int cmd_eval_speakers(int argc, char **argv)
{
    const char *pos[2];
    int n_errors = 10, per_episode = 0, quiet = 0;
    const cli_opt opts[] = {
        CLI_RANGE("--errors", CLI_INT, &n_errors, 0, 100000),
        CLI_OPT("--per-episode", CLI_FLAG, &per_episode),
        CLI_OPT("--json|-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    cli_rest rest = {pos, 2, 0, NULL, NULL};
    int rc = cli_parse("eval speakers", cli_help_eval_speakers, opts, &rest, argc, argv);
    if (rc >= 0)
        return rc;
    if (rest.n != 2) {
        fputs("usage: storymovie eval speakers [options] GOLD PRED (see --help)\n", stderr);
        return 2;
    }
    sm_error err;
    sm_speaker_eval e;
    rc = sm_speaker_eval_run(pos[0], pos[1], &e, &err);
    for (size_t i = 0; i < e.n_scored + (rc == -1 && e.scores && e.n_scored < e.n_episodes); i++) {
        if (!e.episodes[i].pred)
            cli_errorf("eval speakers: %s: no prediction (%s/%s.jsonl): all abstained", e.episodes[i].id,
                       pos[1], e.episodes[i].id);
        if (per_episode && i < e.n_scored) {
            if (!quiet)
                sm_speaker_eval_print_episode(stderr, &e, i);
            print_json(&e.scores[i], 0, e.episodes[i].id);
        }
    }
    if (rc == 0) {
        if (!quiet)
            sm_speaker_eval_print(stderr, &e, n_errors);
        print_json(&e.total, e.n_episodes, NULL);
    } else {
        cli_report(&err);
    }
    sm_speaker_eval_free(&e);
    return rc == 0 ? 0 : rc == -2 ? 2 : 1;
}
