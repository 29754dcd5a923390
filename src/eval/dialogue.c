/* dialogue.c - `eval dialogue`: counts over what the quotation finder of
 * src/ground says about each quotation; the matching itself lives there
 * (one implementation for verification and evaluation). */
#include "storymovie/eval_dialogue.h"

#include <string.h>

int sm_dialogue_score(const sm_story *s, const sm_context *c, sm_quotes *q, sm_dialogue_counts *n)
{
    memset(q, 0, sizeof *q);
    if (sm_quotes_find(s, c, q))
        return -1;
    for (size_t i = 0; i < q->n_items; i++) {
        const sm_quote *x = &q->items[i];
        n->quotes++;
        n->found += x->found != 0;
        n->attributed += x->found && x->how != SM_ATTR_NONE;
        n->checkable += x->checkable != 0;
        n->correct += x->correct != 0;
    }
    return 0;
}

static const char *how_name(sm_quote_attribution how)
{
    switch (how) {
    case SM_ATTR_LEAD: return "lead";
    case SM_ATTR_TAIL: return "tail";
    case SM_ATTR_ACTION: return "action";
    case SM_ATTR_CONTINUED: return "continued";
    default: return NULL;
    }
}

static void counts_json(sm_json *j, const sm_dialogue_counts *n)
{
    sm_json_kv_int(j, "quotes", (long long)n->quotes);
    sm_json_kv_int(j, "found", (long long)n->found);
    sm_json_kv_int(j, "attributed", (long long)n->attributed);
    sm_json_kv_int(j, "checkable", (long long)n->checkable);
    sm_json_kv_int(j, "correct", (long long)n->correct);
}

void sm_dialogue_story_json(sm_json *j, const sm_story *s, const sm_dialogue_counts *n, const sm_quotes *q)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "story");
    sm_json_kv_string(j, "story_id", s->story_id);
    counts_json(j, n);
    sm_json_key(j, "quotations");
    sm_json_begin_array(j);
    for (size_t i = 0; i < q->n_items; i++) {
        const sm_quote *x = &q->items[i];
        sm_json_begin_object(j);
        sm_json_kv_string(j, "text", x->text);
        sm_json_kv_bool(j, "found", x->found);
        if (x->found && x->segment) {      /* the span it was found in; none when invented */
            sm_json_kv_int(j, "cue", x->segment->cue);
            sm_json_kv_int(j, "segment", x->segment->segment);
            sm_json_kv_int(j, "segments", x->segments);
        } else {
            sm_json_kv_null(j, "cue");
            sm_json_kv_null(j, "segment");
            sm_json_kv_int(j, "segments", 0);
        }
        sm_json_kv_string(j, "speaker", x->speaker);
        sm_json_kv_string(j, "attributed_to", x->attributed_to);
        sm_json_kv_string(j, "attributed_id", x->attributed_id);
        sm_json_kv_string(j, "how", how_name(x->how));
        sm_json_kv_bool(j, "checkable", x->checkable);
        sm_json_kv_bool(j, "correct", x->correct);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_end_object(j);
}

static void share(sm_json *j, const char *key, size_t num, size_t den)
{
    if (den)
        sm_json_kv_double(j, key, (double)num / (double)den);
    else
        sm_json_kv_null(j, key);
}

void sm_dialogue_summary_json(sm_json *j, size_t stories, const sm_dialogue_counts *total, const char *story_set,
                              size_t no_context)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "summary");
    sm_json_kv_int(j, "stories", (long long)stories);
    counts_json(j, total);
    share(j, "fidelity", total->found, total->quotes);
    share(j, "attribution_accuracy", total->correct, total->checkable);
    if (story_set)
        sm_json_kv_string(j, "story_set", story_set);
    sm_json_kv_int(j, "no_context", (long long)no_context);
    sm_json_end_object(j);
}
