/* cmd_eval_structure.c - storymovie eval structure: well-structured answers,
 * pronoun grounding and persistence of ids (library: src/eval/structure.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "storymovie/eval_structure.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"

static const char usage_text[] =
"usage: storymovie eval structure --stories S [-o OUT] [-q]\n"
"\n"
"Structure and re-identification of stories, as the Storyteller2 evaluation\n"
"measures them; no model is asked.  S is a story file as 'storymovie story'\n"
"reads it (records with chain_of_thought and story, or whole model outputs\n"
"\"<think>...</think>story\"; 'generate tell' output as it is).\n"
"\n"
"Well structured: the chain of thought and the tagged story are both there\n"
"and 'storymovie story check' finds no problem in either (problems of the\n"
"record alone, such as a missing \"images\" list, do not count).\n"
"\n"
"Pronoun grounding, for he, she, they, it, its, his, her, them: total is\n"
"the pronoun's occurrences as a word in the tag-free story (the words of\n"
"'eval language', case folded); grounded counts <gdo> tags that name only\n"
"char ids and whose whole text is the pronoun (<gdo char1>he</gdo>,\n"
"<gdo char1 char2>They</gdo>), standing as a word of its own.\n"
"\n"
"Persistence (as the StoryReasoning statistics): per story, the share of its\n"
"distinct char ids, and apart of its distinct obj and lm ids (backgrounds\n"
"left out), that the chain-of-thought tables list in at least N images,\n"
"N = 2..5; the summary gives the mean over stories that have such ids\n"
"(character_stories, object_stories say how many).\n"
"\n"
"Options:\n"
"  --stories S   the stories (required)\n"
"  -o OUT        write the JSON lines to OUT (atomically) instead of standard\n"
"                output\n"
"  -q            no summary on standard error\n"
"\n"
"Output (JSON Lines), one line per story, then the summary:\n"
"  {\"type\":\"story\",\"story_id\",\"well_structured\",\"problem\" (the first\n"
"   problem's code, or null),\"problems\",\"pronouns\":{\"he\":{\"total\",\n"
"   \"grounded\"},...},\"characters\",\"objects\",\"characters_in\":{\"2\":count,\n"
"   ...,\"5\"},\"objects_in\":{...}}\n"
"  {\"type\":\"summary\",\"stories\",\"story_set\",\"well_structured\":share,\n"
"   \"well_structured_stories\",\"not_well_structured\":{code:stories},\n"
"   \"pronouns\":{\"he\":{\"total\",\"grounded\"},...},\"persistence\":\n"
"   {\"characters\":{\"2\":share,...,\"5\"},\"objects\":{...},\n"
"   \"character_stories\",\"object_stories\"}}\n"
"story_set fingerprints the story ids (docs/eval.md), so 'eval report' can\n"
"tell whether two models were scored on the same stories.\n"
"\n"
"Exit status: 0 scored; 1 an unreadable file, a line that is not a JSON\n"
"record or a record without story_id, no stories; 2 usage.\n"
"\n"
"Example:\n"
"  storymovie eval structure --stories tell/stories.jsonl -o model/structure.jsonl\n";

int cmd_eval_structure(int argc, char **argv)
{
    const char *stories = NULL, *out_path = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(usage_text, stdout);
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
