/* eval_dialogue.h - dialogue fidelity and attribution accuracy of stories
 * against the window's subtitles (SPEC "Evaluating models", `storymovie eval
 * dialogue`; docs/eval.md); no model is asked.
 *
 * The quotations, whether the window's subtitles say them and whom the
 * story gives them to are found by sm_quotes_find (ground.h): the very
 * rules `generate ground` verifies stories with, one implementation.  Per
 * story and in total:
 *   quotes      quotations ("…", “…”)
 *   found       of them, said in the window's subtitles (>= 80% of the
 *               words, in order, in one segment or consecutive segments of
 *               one speaker)
 *   attributed  found quotations the story gives to a character (the
 *               speaking subject of their sentence)
 *   checkable   attributed to a person with a name, and the subtitle span
 *               has an aligned speaker
 *   correct     checkable, and the aligned speaker is that person
 *   fidelity = found / quotes; attribution accuracy = correct / checkable. */
#ifndef STORYMOVIE_EVAL_DIALOGUE_H
#define STORYMOVIE_EVAL_DIALOGUE_H

#include <stddef.h>

#include "context.h"
#include "ground.h"
#include "json.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_dialogue_counts {
    size_t quotes, found, attributed, checkable, correct;
} sm_dialogue_counts;

/* Score one story against its context record: q is filled (free it with
 * sm_quotes_free) and its counts added to *n.  0, or -1 when out of memory. */
int sm_dialogue_score(const sm_story *s, const sm_context *c, sm_quotes *q, sm_dialogue_counts *n);

/* {"type":"story","story_id",<counts>,"quotations":[{"text","found","cue",
 * "segment","segments","speaker","attributed_to","attributed_id","how",
 * "checkable","correct"}]} */
void sm_dialogue_story_json(sm_json *j, const sm_story *s, const sm_dialogue_counts *n, const sm_quotes *q);
/* {"type":"summary","stories",<counts>,"fidelity","attribution_accuracy",
 * "story_set","no_context"}: the shares are null when their denominator is 0. */
void sm_dialogue_summary_json(sm_json *j, size_t stories, const sm_dialogue_counts *total, const char *story_set,
                              size_t no_context);

/* `eval dialogue` as a whole: the stories of stories_path that have a
 * context record in context_path scored, one {"type":"story"} record each
 * then the summary record written to out_path (NULL or "-": standard
 * output; atomically).  A broken record or one without a story_id, or no
 * story with a context record, is an error (nothing written). */
typedef struct sm_eval_dialogue_request {
    const char *stories_path, *context_path, *out_path;
} sm_eval_dialogue_request;

#define SM_DIALOGUE_SHOWN 10      /* ids of unscored stories kept for the message */

typedef struct sm_dialogue_totals {
    size_t scored;                /* stories with a context record */
    sm_dialogue_counts total;
    size_t no_context;            /* stories without one (not scored) */
    char *no_context_ids[SM_DIALOGUE_SHOWN];   /* the first of them (owned) */
    size_t n_no_context_ids;
} sm_dialogue_totals;

/* 0, or -1 with err.  Free *out with sm_dialogue_totals_free either way. */
int sm_eval_dialogue_run(const sm_eval_dialogue_request *req, sm_dialogue_totals *out, sm_error *err);
void sm_dialogue_totals_free(sm_dialogue_totals *t);

#ifdef __cplusplus
}
#endif
#endif
