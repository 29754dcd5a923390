/* tell_run.c - `storymovie generate tell`: a model under test is shown a
 * story's frames and the StoryReasoning instruction, and its answer
 * "<think>chain of thought</think>story" is split and recorded, K samples
 * per story.
 *
 * The instruction is the one the training exports write (dataset.h,
 * sm_storyteller_system_prompt): a Storyteller is asked as it was trained,
 * and the preference pairs `export dpo` makes from these samples carry the
 * prompt that produced them.
 *
 * Sample k of a story has custom_id tell:STORY_ID:sK:SHA12 and, when
 * --seed S is given or K > 1, the seed S + k - 1 (S = 0 without --seed) in
 * its body: the K requests differ, are cached apart, and the same run asks
 * the same K again. */
#include "generate/generate_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/dataset.h"

const char *sm_tell_parse_name(sm_tell_parse p)
{
    static const char *const names[] = {"ok", "no_think", "empty", "truncated"};
    return (unsigned)p <= SM_TELL_TRUNCATED ? names[p] : "?";
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return 0;
    return 1;
}

sm_tell_parse sm_tell_read(sm_story_set *set, const char *story_id, const char *text, size_t len,
                           int truncated, const sm_story **out)
{
    sm_story *s = sm_story_add(set, story_id, NULL, 0, text ? text : "", text ? len : 0);
    *out = s;
    if (truncated)
        return SM_TELL_TRUNCATED;
    if (!s || blank(text, len))
        return SM_TELL_EMPTY;
    if (!s->has_text)
        return SM_TELL_NO_THINK;
    if (blank(s->text, s->text_len))
        return SM_TELL_EMPTY;
    return SM_TELL_OK;
}

typedef struct tell_run {
    const sm_generate_options *o;
    const sm_story_set *set;
    char **records, **failures;     /* per story x sample */
    size_t n;                       /* stories x samples */
    size_t next;                    /* the next to ask: story * samples + sample - 1 */
    sm_generate_result *r;
} tell_run;

static sm_llm_request *build_request(tell_run *t, size_t story, int sample, sm_error *err)
{
    const sm_generate_options *o = t->o;
    const sm_story *s = &t->set->items[story];
    sm_llm_params p = o->params;
    if (p.has_seed || o->samples > 1) {
        p.seed = (p.has_seed ? p.seed : 0) + sample - 1;
        p.has_seed = 1;
    }
    sm_llm_body *b = sm_llm_body_new(&p);
    if (!b) {
        sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    if (sm_llm_body_text(b, "system", sm_storyteller_system_prompt, err) != 0 ||
        gen_user_message(b, o, s, sm_storyteller_instruction, err) != 0) {
        sm_llm_body_free(b);
        return NULL;
    }
    char extra[24];
    snprintf(extra, sizeof extra, "s%d", sample);
    sm_llm_request *r = sm_llm_request_new(b, "tell", s->story_id, extra, err);
    if (r) {
        r->user = (void *)(uintptr_t)(story * (size_t)o->samples + (size_t)(sample - 1));
        r->attempt = sample;
    }
    return r;
}

static char *record_line(tell_run *t, const sm_story *s, int sample, const sm_llm_answer *a,
                         sm_tell_parse *parse)
{
    sm_story_set parsed = {0};
    const sm_story *told;
    sm_tell_parse p = sm_tell_read(&parsed, s->story_id, a->text, a->text_len,
                                   a->status == SM_LLM_TRUNCATED, &told);
    *parse = p;
    if (!told) {
        sm_story_set_free(&parsed);
        return NULL;
    }
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    sm_json_kv_string(&j, "story_id", s->story_id);
    gen_write_images(&j, s);
    /* Without </think> the model did not reason first: its whole answer is
     * the story (the story reader would take it for thoughts cut off). */
    const char *cot = told->cot, *story = told->text;
    size_t cot_len = told->cot_len, story_len = told->text_len;
    if (p == SM_TELL_NO_THINK) {
        cot_len = 0;
        story = a->text;
        story_len = a->text_len;
        while (story_len && strchr(" \t\r\n", story[0]))
            story++, story_len--;
        while (story_len && strchr(" \t\r\n", story[story_len - 1]))
            story_len--;
    }
    sm_json_key(&j, "chain_of_thought");
    sm_json_stringn(&j, cot, cot_len);
    sm_json_key(&j, "story");
    sm_json_stringn(&j, story, story_len);
    sm_json_kv_string(&j, "model", t->o->params.model);
    sm_json_kv_string(&j, "prompt_version", sm_storyteller_prompt_version);
    sm_json_kv_int(&j, "sample", sample);
    sm_json_kv_string(&j, "parse", sm_tell_parse_name(p));
    if (p != SM_TELL_OK) {
        sm_json_key(&j, "raw");
        sm_json_stringn(&j, a->text ? a->text : "", a->text ? a->text_len : 0);
    }
    sm_json_end_object(&j);
    sm_story_set_free(&parsed);
    if (p == SM_TELL_OK)
        t->r->passed++;
    return gen_take(&j);
}

static char *failure_line(tell_run *t, const sm_story *s, int sample, const sm_llm_answer *a)
{
    sm_json j;
    sm_json_init(&j);
    sm_json_begin_object(&j);
    sm_json_kv_string(&j, "story_id", s->story_id);
    sm_json_kv_int(&j, "sample", sample);
    sm_json_kv_string(&j, "model", t->o->params.model);
    sm_json_kv_string(&j, "prompt_version", sm_storyteller_prompt_version);
    sm_json_kv_string(&j, "custom_id", a->request->custom_id);
    sm_json_kv_string(&j, "reason", sm_llm_status_name(a->status));
    sm_json_kv_string(&j, "message", a->message);
    sm_json_end_object(&j);
    return gen_take(&j);
}

/* Sample by sample, story by story (sm_llm_run asks when the layer wants
 * more): 1 and *out, 0 when all are asked. */
static int next_request(void *vctx, sm_llm_request **out, sm_error *err)
{
    tell_run *t = vctx;
    const sm_generate_options *o = t->o;
    while (t->next < t->n) {
        size_t story = t->next / (size_t)o->samples;
        int sample = (int)(t->next % (size_t)o->samples) + 1;
        t->next++;
        if (!gen_selected(o, t->set->items[story].story_id))
            continue;
        if (sample == 1)
            t->r->stories++;
        *out = build_request(t, story, sample, err);
        return *out ? 1 : -1;
    }
    return 0;
}

static int on_answer(void *vctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err)
{
    tell_run *t = vctx;
    (void)keep;
    size_t slot = (size_t)(uintptr_t)a->request->user;
    const sm_story *s = &t->set->items[slot / (size_t)t->o->samples];
    int sample = a->request->attempt, ok = 1;
    if (a->status == SM_LLM_OK || a->status == SM_LLM_TRUNCATED) {
        sm_tell_parse parse;
        ok = (t->records[slot] = record_line(t, s, sample, a, &parse)) != NULL;
        sm_llm_verdict(llm, ok && parse == SM_TELL_OK);
    } else if (a->status == SM_LLM_WRITTEN) {
        t->r->pending++;
    } else {
        ok = (t->failures[slot] = failure_line(t, s, sample, a)) != NULL;
        t->r->no_answer++;
    }
    return ok ? 0 : sm_fail(err, "", 0, "out of memory");
}

static void summary_keys(sm_json *j, void *vctx)
{
    tell_run *t = vctx;
    const sm_generate_result *r = t->r;
    gen_summary_head(j, "generate tell", t->o, sm_storyteller_prompt_version);
    sm_json_kv_int(j, "stories", r->stories);
    sm_json_kv_int(j, "samples", t->o->samples);
    sm_json_kv_int(j, "records", r->records);
    sm_json_kv_int(j, "parsed_ok", r->passed);
    sm_json_kv_int(j, "no_answer", r->no_answer);
    sm_json_kv_int(j, "pending", r->pending);
}

int sm_generate_tell(const char *stories, const sm_generate_options *o, sm_generate_result *r,
                     sm_error *err)
{
    memset(r, 0, sizeof *r);
    sm_story_set set = {0};
    tell_run t = {0};
    sm_llm *llm = NULL;
    size_t n = 0;
    int rc = -1;
    if (!o->movienet && o->params.images != SM_LLM_IMAGES_NONE) {
        sm_fail(err, stories, 0, "no --movienet DIR: the frames are read under it");
        goto done;
    }
    if (o->samples < 1) {
        sm_fail(err, stories, 0, "--samples must be at least 1");
        goto done;
    }
    if (gen_read_stories(stories, GEN_NEED_IMAGES, o, &set, err) != 0 || sm_mkdir_p(o->out_dir, err) != 0)
        goto done;
    t.o = o;
    t.set = &set;
    t.r = r;
    n = t.n = set.n_items * (size_t)o->samples;
    t.records = calloc(n ? n : 1, sizeof *t.records);
    t.failures = calloc(n ? n : 1, sizeof *t.failures);
    if (!t.records || !t.failures) {
        sm_fail(err, "", 0, "out of memory");
        goto done;
    }
    size_t wanted = 0;
    for (size_t i = 0; i < set.n_items; i++)
        wanted += gen_selected(o, set.items[i].story_id) ? (size_t)o->samples : 0;
    if (!(llm = sm_llm_open(&o->llm, err)))
        goto done;
    sm_llm_expect(llm, wanted);

    sm_llm_callbacks cb = {next_request, on_answer};
    if (sm_llm_run(llm, &cb, &t, err) != 0)
        goto done;
    for (size_t i = 0; i < n; i++)
        r->records += t.records[i] != NULL;
    sm_llm *closing = llm;
    llm = NULL;
    gen_file files[2] = {{"stories.jsonl", t.records, n}, {"failures.jsonl", t.failures, n}};
    if (gen_finish(closing, o, files, 2, summary_keys, &t, r, err) != 0)
        goto done;
    rc = 0;
done:
    sm_llm_abort(llm);
    for (size_t i = 0; i < n && t.records; i++) {
        free(t.records[i]);
        free(t.failures[i]);
    }
    free(t.records);
    free(t.failures);
    sm_story_set_free(&set);
    return rc;
}
