/* align_output.c - the JSON Lines of SPEC "Alignment output", and the TSV
 * the reference scorer reads. */
#include "storymovie/align.h"
#include "align/align_version.h"
#include "storymovie/json.h"

static const char *timing_name(sm_timing t)
{
    switch (t) {
    case SM_TIMING_ALIGNED: return "aligned";
    case SM_TIMING_INTERPOLATED: return "interpolated";
    default: return NULL;
    }
}

int sm_alignment_write_jsonl(FILE *f, const sm_script *script, const sm_subtitles *subs,
                             const sm_alignment *a)
{
    sm_json j;
    sm_json_init(&j);
    int rc = 0;
    for (size_t i = 0; i < subs->n_segments && rc == 0; i++) {
        const sm_segment *s = &subs->segments[i];
        const sm_segment_speaker *r = &a->segments[i];
        sm_json_begin_object(&j);
        sm_json_kv_string(&j, "type", "segment");
        sm_json_kv_int(&j, "cue", s->cue);
        sm_json_kv_int(&j, "segment", s->index);
        sm_json_kv_fixed(&j, "start", s->start, 3);
        sm_json_kv_fixed(&j, "end", s->end, 3);
        sm_json_kv_string(&j, "text", s->display ? s->display : s->text);
        sm_json_kv_string(&j, "speaker", r->speaker);
        sm_json_kv_fixed(&j, "confidence", r->confidence, 3);
        if (r->block >= 0)
            sm_json_kv_int(&j, "block", r->block + 1);
        else
            sm_json_kv_null(&j, "block");
        /* Every segment says why: null with an abstention. */
        sm_json_kv_string(&j, "evidence", r->speaker ? r->evidence : NULL);
        if (s->speaker_hint)
            sm_json_kv_string(&j, "speaker_hint", s->speaker_hint);
        if (r->character) {
            sm_json_kv_string(&j, "character", r->character);
            sm_json_kv_string(&j, "character_evidence", r->character_evidence);
        }
        sm_json_end_object(&j);
        rc = sm_json_flush_line(&j, f);
    }
    for (size_t b = 0; b < script->n_blocks && rc == 0; b++) {
        const sm_block *blk = &script->blocks[b];
        const sm_block_time *t = &a->blocks[b];
        sm_json_begin_object(&j);
        sm_json_kv_string(&j, "type", "block");
        sm_json_kv_int(&j, "block", (long long)b + 1);
        sm_json_kv_string(&j, "kind", sm_block_kind_name(blk->kind));
        sm_json_kv_int(&j, "scene", blk->scene);
        if (blk->kind == SM_BLOCK_DIALOGUE)
            sm_json_kv_string(&j, "speaker", blk->speaker);
        sm_json_kv_string(&j, "text", blk->text);
        if (t->timing != SM_TIMING_NONE) {
            sm_json_kv_fixed(&j, "start", t->start, 3);
            sm_json_kv_fixed(&j, "end", t->end, 3);
        } else {
            sm_json_kv_null(&j, "start");
            sm_json_kv_null(&j, "end");
        }
        sm_json_kv_string(&j, "timing", timing_name(t->timing));
        sm_json_kv_int(&j, "line", blk->line);
        if (t->character) {
            sm_json_kv_string(&j, "character", t->character);
            sm_json_kv_string(&j, "character_evidence", t->character_evidence);
        }
        sm_json_end_object(&j);
        rc = sm_json_flush_line(&j, f);
    }
    if (rc == 0) {
        sm_json_begin_object(&j);
        sm_json_kv_string(&j, "type", "summary");
        sm_json_kv_int(&j, "method", SM_ALIGN_METHOD_VERSION);
        sm_json_kv_int(&j, "segments", (long long)a->n_segments);
        sm_json_kv_int(&j, "answered", (long long)a->answered);
        sm_json_kv_int(&j, "dialogue_blocks", (long long)a->dialogue_blocks);
        sm_json_kv_int(&j, "timed_blocks", (long long)a->matched_blocks);
        sm_json_kv_int(&j, "speech_words", (long long)a->speech_words);
        sm_json_kv_int(&j, "shared_trigrams", (long long)a->shared_trigrams);
        sm_json_kv_int(&j, "ordered_trigrams", (long long)a->ordered_trigrams);
        sm_json_kv_string(&j, "status", a->mismatch ? "mismatch" : "ok");
        sm_json_kv_string(&j, "note", a->note[0] ? a->note : NULL);
        sm_json_end_object(&j);
        rc = sm_json_flush_line(&j, f);
    }
    sm_json_free(&j);
    return rc;
}

int sm_alignment_write_tsv(FILE *f, const sm_subtitles *subs, const sm_alignment *a)
{
    for (size_t i = 0; i < subs->n_segments; i++) {
        const sm_segment_speaker *r = &a->segments[i];
        if (fprintf(f, "%d\t%d\t%s\n", subs->segments[i].cue, subs->segments[i].index,
                    r->speaker ? r->speaker : "") < 0)
            return -1;
    }
    return 0;
}
