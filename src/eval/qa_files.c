/* qa_files.c - `eval qa make` and `eval qa run` from their files: read the
 * inputs, make the output directory, open the model client, run (qa_run.c);
 * and the runs' summaries in words. */
#include <stdlib.h>
#include <string.h>

#include "eval/eval_internal.h"
#include "storymovie/eval_qa.h"
#include "storymovie/io.h"

int sm_qa_make_files(const sm_qa_make_options *o, const char *context_path, const sm_llm_options *llm,
                     sm_qa_make_result *res, sm_error *err)
{
    sm_context_set ctx;
    if (sm_context_read_file(context_path, &ctx, err))
        return -1;
    int rc = -1;
    char *dir = sm_path_dir(o->out_path);
    if (!dir)
        sm_fail(err, "eval qa make", 0, "out of memory");
    sm_llm *l = !dir || sm_mkdir_p(dir, err) ? NULL : sm_llm_open(llm, err);
    if (l)
        rc = sm_qa_make_run(l, o, &ctx, res, err);
    free(dir);
    sm_context_set_free(&ctx);
    return rc;
}

int sm_qa_make_show_prompt(FILE *f, const char *context_path, const char *story_id, int per_category,
                           sm_error *err)
{
    sm_context_set ctx;
    if (sm_context_read_file(context_path, &ctx, err))
        return -1;
    const sm_context *c = sm_context_find(&ctx, story_id);
    char *prompt = c ? sm_qa_make_prompt(c, per_category) : NULL;
    int rc = -1;
    if (!c)
        sm_fail(err, context_path, 0, "no story '%s' in it", story_id);
    else if (!prompt)
        sm_fail(err, "eval qa make", 0, "out of memory");
    else {    /* a write error stays on f, for its owner to see (as with any stream) */
        fprintf(f, "---- system\n%s\n---- user\n%s\n", sm_qa_make_system_prompt, prompt);
        rc = 0;
    }
    free(prompt);
    sm_context_set_free(&ctx);
    return rc;
}

int sm_qa_run_files(const sm_qa_run_options *o, const sm_llm_options *llm, sm_qa_run_result *res, sm_error *err)
{
    sm_qa_set q;
    if (sm_qa_read_file(o->questions_path, &q, err))
        return -1;
    sm_story_set s;
    memset(&s, 0, sizeof s);
    int rc = -1;
    if (sm_story_read_file(o->stories_path, &s, err) == 0) {
        sm_llm *l = sm_mkdir_p(o->out_dir, err) ? NULL : sm_llm_open(llm, err);
        if (l)
            rc = sm_qa_run(l, o, &q, &s, res, err);
    }
    sm_story_set_free(&s);
    sm_qa_set_free(&q);
    return rc;
}

void sm_qa_make_report(FILE *f, const sm_qa_make_result *res, const char *requests_out)
{
    fprintf(f, "%zu stories: %zu questions kept (", res->stories, res->questions);
    for (int k = 0; k < SM_QA_CATEGORIES; k++)
        fprintf(f, "%s%zu %s", k ? ", " : "", res->by_category[k], sm_qa_category_name(k));
    fprintf(f, "), %zu dropped, %zu answers unreadable", res->dropped, res->unreadable);
    if (res->pending)
        fprintf(f, ", %zu stories pending (requests written to %s)", res->pending, requests_out);
    fprintf(f, "\n");
}

void sm_qa_run_report(FILE *f, const sm_qa_run_result *r, const char *out)
{
    fprintf(f, "%zu questions asked", r->questions);
    if (r->no_story)
        fprintf(f, " (%zu left out: their story is not in the stories file)", r->no_story);
    fputc('\n', f);
    for (int k = 0; k <= SM_QA_CATEGORIES; k++) {
        const sm_qa_tally *t = k < SM_QA_CATEGORIES ? &r->category[k] : &r->overall;
        fprintf(f, "  %-13s ", k < SM_QA_CATEGORIES ? sm_qa_category_name(k) : "overall");
        if (t->has_rate)
            fprintf(f, "%5.1f%% [%.1f, %.1f]  %zu of %zu", 100 * t->accuracy, 100 * t->ci[0], 100 * t->ci[1],
                    t->correct, t->n);
        else
            fprintf(f, "no question graded");
        eval_print_left_out(f, t->invalid, t->failed, t->pending);
        fputc('\n', f);
    }
    fprintf(f, "answers: %s/answers.jsonl, summary: %s/summary.json\n", out, out);
}
