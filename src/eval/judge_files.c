/* judge_files.c - `eval judge` from its files: read the context records
 * and both story sets, then run the judge (judge_run.c) or show what it
 * would be asked; and the run's summary in words. */
#include <string.h>

#include "eval/eval_internal.h"
#include "storymovie/eval_judge.h"
#include "storymovie/io.h"

typedef struct judge_inputs {
    sm_context_set ctx;
    sm_story_set a, b;
} judge_inputs;

static void inputs_free(judge_inputs *in)
{
    sm_story_set_free(&in->a);
    sm_story_set_free(&in->b);
    sm_context_set_free(&in->ctx);
}

/* The context first: stories are judged against it.  -1 with err (and
 * nothing left to free). */
static int inputs_read(const sm_judge_options *o, const char *context_path, judge_inputs *in, sm_error *err)
{
    memset(in, 0, sizeof *in);
    if (sm_context_read_file(context_path, &in->ctx, err))
        return -1;
    if (sm_story_read_file(o->a_path, &in->a, err) || sm_story_read_file(o->b_path, &in->b, err)) {
        inputs_free(in);
        return -1;
    }
    return 0;
}

int sm_judge_run_files(const sm_judge_options *o, const char *context_path, const sm_llm_options *llm,
                       sm_judge_result *res, sm_error *err)
{
    judge_inputs in;
    if (inputs_read(o, context_path, &in, err))
        return -1;
    sm_llm *l = sm_mkdir_p(o->out_dir, err) ? NULL : sm_llm_open(llm, err);
    int rc = l ? sm_judge_run(l, o, &in.a, &in.b, &in.ctx, res, err) : -1;
    inputs_free(&in);
    return rc;
}

int sm_judge_show_prompt_files(FILE *f, const sm_judge_options *o, const char *context_path, const char *story_id,
                               sm_error *err)
{
    judge_inputs in;
    if (inputs_read(o, context_path, &in, err))
        return -1;
    int rc = sm_judge_show_prompt(f, o, &in.a, &in.b, &in.ctx, story_id, err);
    inputs_free(&in);
    return rc;
}

void sm_judge_report(FILE *f, const sm_judge_result *r, unsigned criteria, const char *out)
{
    fprintf(f, "%zu stories judged", r->pairs);
    if (r->unpaired_a || r->unpaired_b || r->no_context)
        fprintf(f, " (left out: %zu of A without a B story, %zu of B without an A story, %zu without a "
                        "context record)", r->unpaired_a, r->unpaired_b, r->no_context);
    fprintf(f, "\n");
    for (int k = 0; k < SM_JUDGE_CRITERIA; k++) {
        if (!(criteria & (1u << k)))
            continue;
        const sm_judge_tally *t = &r->tally[k];
        fprintf(f, "  %-11s ", sm_judge_criterion_name(k));
        if (t->has_rate)
            fprintf(f, "win rate %5.1f%% [%.1f, %.1f]  n %zu: %zu wins, %zu ties (%zu inconsistent), "
                            "%zu losses", 100 * t->win_rate, 100 * t->ci[0], 100 * t->ci[1], t->n, t->wins,
                    t->ties, t->inconsistent, t->losses);
        else
            fprintf(f, "no story judged");
        eval_print_left_out(f, t->invalid, t->failed, t->pending);
        if (t->no_reference)
            fprintf(f, "; %zu without reference", t->no_reference);
        fputc('\n', f);
    }
    fprintf(f, "verdicts: %s/verdicts.jsonl, summary: %s/summary.json\n", out, out);
}
