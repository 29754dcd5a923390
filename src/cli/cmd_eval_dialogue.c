/* cmd_eval_dialogue.c - storymovie eval dialogue: dialogue fidelity and
 * attribution accuracy (library: src/eval/dialogue.c on src/ground's
 * quotation finder). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/context.h"
#include "storymovie/eval_dialogue.h"
#include "storymovie/eval_structure.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"


/* The ids of the stories that have a context record into ids (*scored of
 * them), the others counted.  A record that is broken or has no story_id,
 * or no story with a context, is reported: -1. */
static int stories_with_context(const sm_story_set *set, const sm_context_set *ctx, const char *stories,
                                const char *ctx_path, const char **ids, size_t *scored, size_t *no_context)
{
    for (size_t i = 0; i < set->n_items; i++) {
        const sm_story *s = &set->items[i];
        if (s->broken || !s->story_id) {
            cli_errorf("%s:%ld: %s", stories, s->record_line,
                       s->broken && s->n_issues ? s->issues[0].message : "record has no story_id");
            return -1;
        }
        if (sm_context_find(ctx, s->story_id))
            ids[(*scored)++] = s->story_id;
        else
            (*no_context)++;
    }
    if (!*scored) {
        cli_errorf("%s: no story of it has a context record in %s", stories, ctx_path);
        return -1;
    }
    return 0;
}

static void print_totals(size_t scored, const sm_dialogue_counts *total)
{
    fprintf(stderr, "%zu stories: %zu quotations, %zu found in the subtitles", scored, total->quotes, total->found);
    if (total->quotes)
        fprintf(stderr, " (fidelity %.1f%%)", 100.0 * (double)total->found / (double)total->quotes);
    fprintf(stderr, "; %zu attributed, %zu checkable, %zu to the right speaker", total->attributed,
            total->checkable, total->correct);
    if (total->checkable)
        fprintf(stderr, " (attribution accuracy %.1f%%)", 100.0 * (double)total->correct / (double)total->checkable);
    fputc('\n', stderr);
}

/* The stories left out for want of a context record: one line on stderr. */
static void note_no_context(const sm_story_set *set, const sm_context_set *ctx, size_t no_context)
{
    fprintf(stderr, "%s: eval dialogue: %zu stories without a context record (not scored):", sm_progname,
            no_context);
    size_t shown = 0;
    for (size_t i = 0; i < set->n_items && shown < 10; i++)
        if (!sm_context_find(ctx, set->items[i].story_id)) {
            fprintf(stderr, " %s", set->items[i].story_id);
            shown++;
        }
    fprintf(stderr, "%s\n", no_context > shown ? " ..." : "");
}

int cmd_eval_dialogue(int argc, char **argv)
{
    const char *stories = NULL, *ctx_path = NULL, *out_path = NULL;
    int quiet = 0;
    const cli_opt opts[] = {
        CLI_OPT("--stories", CLI_STRING, &stories),
        CLI_OPT("--context", CLI_STRING, &ctx_path),
        CLI_OPT("-o|--output", CLI_STRING, &out_path),
        CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
        CLI_END};
    int rc = cli_parse("eval dialogue", cli_help_eval_dialogue, opts, NULL, argc, argv);
    if (rc >= 0)
        return rc;
    if (!stories || !ctx_path) {
        cli_errorf("eval dialogue: --stories and --context are required; see 'storymovie eval dialogue --help'");
        return 2;
    }

    sm_error err;
    sm_context_set ctx;
    sm_story_set set;
    memset(&set, 0, sizeof set);
    if (sm_context_read_file(ctx_path, &ctx, &err)) {
        cli_report(&err);
        return 1;
    }
    int status = 1;
    sm_output out = {0};
    int out_open = 0;
    sm_json j;
    sm_json_init(&j);
    const char **ids = NULL;
    if (sm_story_read_file(stories, &set, &err)) {
        cli_report(&err);
        goto done;
    }
    ids = malloc((set.n_items ? set.n_items : 1) * sizeof *ids);
    if (!ids) {
        cli_errorf("eval dialogue: out of memory");
        goto done;
    }
    size_t scored = 0, no_context = 0;
    if (stories_with_context(&set, &ctx, stories, ctx_path, ids, &scored, &no_context) != 0)
        goto done;
    if (sm_output_open(&out, out_path, &err)) {
        cli_report(&err);
        goto done;
    }
    out_open = 1;
    sm_dialogue_counts total = {0};
    for (size_t i = 0; i < set.n_items; i++) {
        const sm_story *s = &set.items[i];
        const sm_context *c = sm_context_find(&ctx, s->story_id);
        if (!c)
            continue;
        sm_dialogue_counts n = {0};
        sm_quotes q;
        if (sm_dialogue_score(s, c, &q, &n)) {
            sm_quotes_free(&q);
            cli_errorf("eval dialogue: out of memory");
            goto done;
        }
        sm_dialogue_story_json(&j, s, &n, &q);
        sm_quotes_free(&q);
        total.quotes += n.quotes;
        total.found += n.found;
        total.attributed += n.attributed;
        total.checkable += n.checkable;
        total.correct += n.correct;
        if (sm_json_flush_line(&j, out.fp)) {
            out_open = 0;
            cli_finish_output(&out, 1);
            goto done;
        }
    }
    char story_set[13];
    if (sm_eval_story_set(ids, scored, story_set)) {
        cli_errorf("eval dialogue: out of memory");
        goto done;
    }
    sm_dialogue_summary_json(&j, scored, &total, story_set, no_context);
    if (j.failed || sm_json_flush_line(&j, out.fp)) {
        out_open = 0;
        cli_finish_output(&out, 1);
        goto done;
    }
    out_open = 0;
    if (sm_output_commit(&out, &err)) {
        cli_report(&err);
        goto done;
    }
    if (!quiet)
        print_totals(scored, &total);
    if (no_context)
        note_no_context(&set, &ctx, no_context);
    status = 0;
done:
    if (out_open)
        sm_output_abort(&out);
    free(ids);
    sm_json_free(&j);
    sm_story_set_free(&set);
    sm_context_set_free(&ctx);
    return status;
}
