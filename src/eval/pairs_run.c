/* pairs_run.c - `eval grounding` and `eval language` as a whole: the
 * stories of both files paired (story_pairs.c), scored and written
 * (grounding.c, language.c) into one output. */
#include <string.h>

#include "storymovie/eval.h"
#include "storymovie/io.h"

typedef struct pairs_writer {
    int (*write)(const struct pairs_writer *w, FILE *f, const sm_story_pairs *p, int per_story);
    const sm_grounding_options *opt;
    void *sum;
} pairs_writer;

static int pairs_run(const sm_eval_pairs_request *req, const pairs_writer *w, sm_story_pairs *p, sm_error *err)
{
    if (sm_story_pairs_read(req->pred_path, req->ref_path, p, err))
        return -1;
    sm_output out;
    if (sm_output_open(&out, req->out_path, err)) {
        sm_story_pairs_free(p);
        return -1;
    }
    if (w->write(w, out.fp, p, req->per_story))
        return sm_output_fail(&out, err);
    return sm_output_commit(&out, err);
}

static int write_grounding(const pairs_writer *w, FILE *f, const sm_story_pairs *p, int per_story)
{
    return sm_grounding_write(f, p, w->opt, per_story, w->sum);
}

static int write_language(const pairs_writer *w, FILE *f, const sm_story_pairs *p, int per_story)
{
    return sm_language_write(f, p, per_story, w->sum);
}

int sm_eval_grounding_run(const sm_eval_pairs_request *req, const sm_grounding_options *opt, sm_story_pairs *p,
                          sm_grounding_summary *sum, sm_error *err)
{
    pairs_writer w = {write_grounding, opt, sum};
    return pairs_run(req, &w, p, err);
}

int sm_eval_language_run(const sm_eval_pairs_request *req, sm_story_pairs *p, sm_language_summary *sum,
                         sm_error *err)
{
    pairs_writer w = {write_language, NULL, sum};
    return pairs_run(req, &w, p, err);
}
