/* link_session.c - `storymovie link` and `storymovie build` as one call:
 * the corpus and its stories opened, the job run, its outputs written. */
#include <stdio.h>
#include <string.h>

#include "storymovie/io.h"
#include "storymovie/link.h"

void sm_link_request_init(sm_link_request *r)
{
    memset(r, 0, sizeof *r);
    sm_link_options_init(&r->options);
    sm_batch_options_init(&r->batch);
}

/* OUT/align, OUT/context.jsonl, OUT/failures.tsv, OUT/summary.txt, with a
 * shard's own names under --shard I/N. */
static void name_outputs(const sm_link_request *r, sm_link_session *s)
{
    char tag[64] = "";
    if (r->shard_names)
        snprintf(tag, sizeof tag, ".%d-of-%d", r->batch.shard_index, r->batch.shard_count);
    snprintf(s->align_dir, sizeof s->align_dir, "%s/align", r->out_dir);
    snprintf(s->context, sizeof s->context, "%s/context%s.jsonl", r->out_dir, tag);
    snprintf(s->failures, sizeof s->failures, "%s/failures%s.tsv", r->out_dir, tag);
    snprintf(s->summary, sizeof s->summary, "%s/summary%s.txt", r->out_dir, tag);
}

static int run_build(const sm_link_request *r, sm_link_session *s, sm_error *err)
{
    name_outputs(r, s);
    s->job.align_dir = s->align_dir;
    s->job.write_align = 1;
    s->job.force = r->force;
    return sm_mkdir_p(r->out_dir, err) != 0 || sm_link_run(&s->job, &r->batch, err) != 0 ||
                   sm_link_write_context(&s->job, s->context, err) != 0 ||
                   sm_link_write_failures(&s->job, s->failures, err) != 0 ||
                   sm_link_write_summary(&s->job, r->batch.label, s->summary, err) != 0
               ? -1
               : 0;
}

int sm_link_session_run(const sm_link_request *r, sm_link_session *s, sm_error *err)
{
    memset(s, 0, sizeof *s);
    if (sm_movienet_open(r->movienet, &s->corpus, err) != 0)
        return -1;
    if (sm_link_inputs_read(r->stories, r->frames, &s->inputs, err) != 0)
        return -1;
    s->job.corpus = &s->corpus;
    s->job.inputs = s->inputs.items;
    s->job.n_inputs = s->inputs.n;
    s->job.options = r->options;
    int rc;
    if (r->out_dir) {
        rc = run_build(r, s, err);
    } else {
        s->job.align_dir = r->align_dir;
        rc = sm_link_run(&s->job, &r->batch, err) != 0 || sm_link_write_context(&s->job, r->output, err) != 0
                 ? -1
                 : 0;
    }
    if (rc == 0)
        sm_link_count(&s->job, &s->totals);
    return rc;
}

void sm_link_session_free(sm_link_session *s)
{
    sm_link_job_free(&s->job);
    sm_link_inputs_free(&s->inputs);
    sm_movienet_close(&s->corpus);
}
