/* subtitle_output.c - segments as JSON Lines (the records of `storymovie subs`). */
#include "storymovie/json.h"
#include "storymovie/subtitle.h"

static void write_segment(sm_json *j, const sm_segment *g)
{
    sm_json_begin_object(j);
    sm_json_kv_int(j, "cue", g->cue);
    sm_json_kv_int(j, "segment", g->index);
    sm_json_kv_seconds(j, "start", g->start);
    sm_json_kv_seconds(j, "end", g->end);
    sm_json_kv_string(j, "text", g->text);
    sm_json_kv_string(j, "display", g->display);
    sm_json_key(j, "annotations");
    sm_json_begin_array(j);
    for (size_t i = 0; i < g->n_annotations; i++)
        sm_json_string(j, g->annotations[i]);
    sm_json_end_array(j);
    sm_json_kv_string(j, "speaker_hint", g->speaker_hint);
    sm_json_kv_int(j, "line", g->line);
    sm_json_end_object(j);
}

int sm_subtitles_write_jsonl(FILE *f, const sm_subtitles *subs)
{
    sm_json j;
    sm_json_init(&j);
    int rc = 0;
    for (size_t i = 0; i < subs->n_segments && rc == 0; i++) {
        write_segment(&j, &subs->segments[i]);
        rc = sm_json_flush_line(&j, f);
    }
    sm_json_free(&j);
    return rc;
}

void sm_subtitles_print_stats(FILE *f, const char *name, const sm_subtitles *subs)
{
    size_t with_hint = 0, n_ann = 0;
    for (size_t i = 0; i < subs->n_segments; i++) {
        with_hint += subs->segments[i].speaker_hint != NULL;
        n_ann += subs->segments[i].n_annotations;
    }
    fprintf(f,
            "%s: format %s, encoding %s, %zu cues, %zu segments, %zu with a speaker hint, "
            "%zu annotations, %zu warnings\n",
            name, sm_subtitle_format_name(subs->format), subs->encoding, subs->n_cues, subs->n_segments,
            with_hint, n_ann, subs->warnings_total);
}
