/* cmd_eval_structure.c - storymovie eval structure: well-structured answers,
 * pronoun grounding and persistence of ids (library: src/eval/structure.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_structure.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"


int cmd_eval_structure(int argc, char **argv)
{
    const char *stories = NULL, *out_path = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(cli_help_eval_structure, stdout);
            return 0;
        }
        if (!strcmp(argv[i], "--stories") && i + 1 < argc)
            stories = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out_path = argv[++i];
        else if (!strcmp(argv[i], "-q"))
            quiet = 1;
        else {
            cli_errorf("eval structure: unexpected argument '%s'; see 'storymovie eval structure --help'",
                       argv[i]);
            return 2;
        }
    }
    if (!stories) {
        cli_errorf("eval structure: --stories is required; see 'storymovie eval structure --help'");
        return 2;
    }

    sm_error err;
    sm_story_set set;
    if (sm_story_read_file(stories, &set, &err)) {
        cli_report(&err);
        return 1;
    }
    int status = 1;
    sm_structure st;
    sm_output out = {0};
    sm_json j;
    sm_json_init(&j);
    const char **ids = malloc((set.n_items ? set.n_items : 1) * sizeof *ids);
    char story_set[13];
    if (sm_structure_init(&st) || !ids) {
        cli_errorf("eval structure: out of memory");
        goto done;
    }
    if (set.n_items == 0) {
        cli_errorf("%s: no stories in it", stories);
        goto done;
    }
    for (size_t i = 0; i < set.n_items; i++) {
        const sm_story *s = &set.items[i];
        if (s->broken || !s->story_id) {
            cli_errorf("%s:%ld: %s", stories, s->record_line,
                       s->broken && s->n_issues ? s->issues[0].message : "record has no story_id");
            goto done;
        }
        ids[i] = s->story_id;
    }
    if (sm_output_open(&out, out_path, &err)) {
        cli_report(&err);
        goto done;
    }
    for (size_t i = 0; i < set.n_items; i++) {
        sm_structure_story r;
        if (sm_structure_add(&st, &set, &set.items[i], &r)) {
            cli_errorf("eval structure: out of memory");
            sm_output_abort(&out);
            goto done;
        }
        sm_structure_story_json(&j, &set.items[i], &r);
        if (sm_json_flush_line(&j, out.fp)) {
            cli_finish_output(&out, 1);
            goto done;
        }
    }
    sm_structure_finish(&st);
    if (sm_eval_story_set(ids, set.n_items, story_set)) {
        cli_errorf("eval structure: out of memory");
        sm_output_abort(&out);
        goto done;
    }
    sm_structure_summary_json(&j, &st, story_set);
    if (j.failed || sm_json_flush_line(&j, out.fp)) {
        cli_finish_output(&out, 1);
        goto done;
    }
    if (sm_output_commit(&out, &err)) {
        cli_report(&err);
        goto done;
    }
    if (!quiet) {
        size_t total = 0, grounded = 0;
        for (int p = 0; p < SM_PRONOUNS; p++) {
            total += st.pronoun_total[p];
            grounded += st.pronoun_grounded[p];
        }
        fprintf(stderr, "%zu stories: %zu well structured (%.1f%%); pronouns grounded %zu of %zu",
                st.stories, st.well_structured, 100.0 * (double)st.well_structured / (double)st.stories,
                grounded, total);
        if (st.char_stories)
            fprintf(stderr, "; characters in >= 2 images %.1f%%", 100.0 * st.char_share[2]);
        fputc('\n', stderr);
    }
    status = 0;
done:
    free(ids);
    sm_json_free(&j);
    sm_structure_free(&st);
    sm_story_set_free(&set);
    return status;
}
