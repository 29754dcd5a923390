/* cmd_eval_structure.c - storymovie eval structure: well-structured answers,
 * pronoun grounding and persistence of ids (library: src/eval/structure.c,
 * structure_run.c). */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_structure.h"

int cmd_eval_structure(int argc, char **argv)
{
    sm_eval_structure_request req = {0};
    int quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT("--stories", CLI_STRING, &req.stories_path),
        CLI_OPT("-o", CLI_STRING, &req.out_path),
        CLI_OPT("-q", CLI_FLAG, &quiet),
        CLI_END};
    int rc = cli_parse("eval structure", cli_help_eval_structure, opts, NULL, argc, argv);
    if (rc >= 0)
        return rc;
    if (!req.stories_path) {
        cli_errorf("eval structure: --stories is required; see 'storymovie eval structure --help'");
        return 2;
    }
    sm_error err;
    sm_structure st;
    if (sm_eval_structure_run(&req, &st, &err)) {
        cli_report(&err);
        sm_structure_free(&st);
        return 1;
    }
    if (!quiet) {
        size_t total = 0, grounded = 0;
        for (int p = 0; p < SM_PRONOUNS; p++) {
            total += st.pronoun_total[p];
            grounded += st.pronoun_grounded[p];
        }
        fprintf(stderr, "%zu stories: %zu well structured (%.1f%%); pronouns grounded %zu of %zu", st.stories,
                st.well_structured, 100.0 * (double)st.well_structured / (double)st.stories, grounded, total);
        if (st.char_stories)
            fprintf(stderr, "; characters in >= 2 images %.1f%%", 100.0 * st.char_share[2]);
        fputc('\n', stderr);
    }
    sm_structure_free(&st);
    return 0;
}
