/* fuzz_eval_questions.c - the QA readers on arbitrary bytes: the questions
 * file reader (sm_qa_read_buffer), and the reader and checker of a question
 * writer's answer (sm_qa_parse_questions) against the sample's lamp-room
 * context record.  Besides memory errors it checks what the callers rely
 * on: a file is read whole or not at all (an error names a line of it);
 * every kept question has a known category, a question, a key and evidence
 * that exists in the context. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/context.h"
#include "storymovie/eval_qa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sm_context_set ctx;
static const sm_context *lamp;

static void load_context(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    /* The checkout at run time when given (a campaign on another machine),
     * else the one the program was built from. */
    const char *root = getenv("SM_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/golden/build_sample.context.jsonl", root && *root ? root : SM_SOURCE_DIR);
    sm_error err;
    if (sm_context_read_file(path, &ctx, &err) == 0)
        lamp = sm_context_find(&ctx, "tt9999901_lamp_room");
    if (!lamp)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load_context();
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';

    sm_qa_set set;
    sm_error err;
    memset(&err, 0, sizeof err);
    if (sm_qa_read_buffer("fuzz", (const char *)data, size, &set, &err) == 0) {
        if (set.n_items == 0)
            __builtin_trap();
        for (size_t i = 0; i < set.n_items; i++) {
            const sm_qa_question *q = &set.items[i];
            if (!q->id || !q->story_id || !q->question || !q->answer || q->n_evidence == 0 || q->category < 0 ||
                q->category >= SM_QA_CATEGORIES || q->line < 1 || q->line > lines)
                __builtin_trap();
        }
        sm_qa_set_free(&set);
    } else if (err.line < 0 || err.line > lines || set.n_items != 0 || strchr(err.message, '\n')) {
        __builtin_trap();
    }

    sm_qa_candidates q;
    const char *why;
    int rc = sm_qa_parse_questions((const char *)data, size, lamp, &q, &why);
    if (rc == 1 && !why)
        __builtin_trap();
    for (size_t i = 0; rc == 0 && i < q.n_items; i++) {
        const sm_qa_candidate *c = &q.items[i];
        if (c->drop) {
            if (!c->why || !c->raw)
                __builtin_trap();
            continue;
        }
        if (c->category < 0 || c->category >= SM_QA_CATEGORIES || !c->question || !c->answer || !c->n_evidence)
            __builtin_trap();
        for (size_t k = 0; k < c->n_evidence; k++) {
            const sm_qa_evidence *e = &c->evidence[k];
            if (e->block ? !sm_context_find_block(lamp, e->block) : !sm_context_find_segment(lamp, e->cue, e->segment))
                __builtin_trap();
        }
    }
    sm_qa_candidates_free(&q);
    return 0;
}
