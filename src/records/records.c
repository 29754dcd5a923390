/* records.c - the records of the commands as text in memory (records.h):
 * each function reads its inputs as the command does, runs the same
 * library functions and writes with the command's writer into a memory
 * stream (open_memstream), so a program or a binding gets the command's
 * records without files. */
#include "storymovie/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/align.h"
#include "storymovie/eval.h"
#include "storymovie/eval_speakers.h"
#include "storymovie/json.h"
#include "storymovie/link.h"
#include "storymovie/movienet.h"
#include "storymovie/script.h"
#include "storymovie/subtitle.h"
#include "storymovie/text.h"

void sm_free(void *p) { free(p); }

/* ---- inputs --------------------------------------------------------------- */

static const char *input_name(const sm_input *in)
{
    return in && in->name ? in->name : "-";
}

static int input_check(const sm_input *in, sm_error *err)
{
    if (!in || (!in->data && !in->name))
        return sm_fail(err, "-", 0, "no input: neither a file name nor data");
    if (in->data && in->len > SM_TEXT_MAX_FILE)
        return sm_fail(err, input_name(in), 0, "input is larger than %u MiB", SM_TEXT_MAX_FILE >> 20);
    return 0;
}

/* The input decoded to UTF-8, as every reader takes it: a file read and
 * decoded, or bytes decoded. */
static int input_text(const sm_input *in, sm_text *t, sm_error *err)
{
    memset(t, 0, sizeof *t);
    if (input_check(in, err) != 0)
        return -1;
    if (!in->data)
        return sm_text_read_file(in->name, t, err);
    return sm_text_decode(input_name(in), in->data, in->len, t, err);
}

static int read_script(const sm_input *in, const char *format, sm_script *s, sm_error *err)
{
    memset(s, 0, sizeof *s);
    sm_script_format f = SM_SCRIPT_PLAIN;
    if (format && sm_script_format_from_name(format, &f) < 0)
        return sm_fail(err, "", 0, "unknown script format '%s' (plain, fountain or transcript)", format);
    sm_text t;
    if (input_text(in, &t, err) != 0)
        return -1;
    int rc = format ? sm_script_parse_as(input_name(in), t.data, t.len, f, s, err)
                    : sm_script_parse(input_name(in), t.data, t.len, s, err);
    sm_text_free(&t);
    return rc;
}

static int read_subtitles(const sm_input *in, sm_subtitles *s, sm_error *err)
{
    memset(s, 0, sizeof *s);
    sm_text t;
    if (input_text(in, &t, err) != 0)
        return -1;
    int rc = sm_subtitles_parse(input_name(in), t.data, t.len, s, err);
    sm_text_free(&t);
    return rc;
}

static int read_stories(const sm_input *in, sm_story_set *set, sm_error *err)
{
    memset(set, 0, sizeof *set);
    sm_text t;
    if (input_text(in, &t, err) != 0)
        return -1;
    int rc = sm_story_read_buffer(input_name(in), t.data, t.len, set, err);
    sm_text_free(&t);
    return rc;
}

/* ---- the output: a memory stream ------------------------------------------ */

typedef struct memout {
    FILE *f;
    char *buf;
    size_t size;
} memout;

static int memout_open(memout *m, sm_error *err)
{
    m->buf = NULL;
    m->size = 0;
    m->f = open_memstream(&m->buf, &m->size);
    return m->f ? 0 : sm_fail(err, "", 0, "out of memory");
}

/* The text written, or NULL (err filled) when writing it failed. */
static char *memout_close(memout *m, int failed, size_t *len, sm_error *err)
{
    if (fclose(m->f) != 0)
        failed = 1;
    if (failed || !m->buf) {
        free(m->buf);
        sm_fail(err, "", 0, "out of memory");
        return NULL;
    }
    if (len)
        *len = m->size;
    return m->buf;
}

/* ---- the commands --------------------------------------------------------- */

char *sm_subtitles_records(const sm_input *subtitles, size_t *len, sm_error *err)
{
    sm_subtitles s;
    if (read_subtitles(subtitles, &s, err) != 0)
        return NULL;
    memout m;
    char *out = NULL;
    if (memout_open(&m, err) == 0)
        out = memout_close(&m, sm_subtitles_write_jsonl(m.f, &s) != 0, len, err);
    sm_subtitles_free(&s);
    return out;
}

char *sm_script_records(const sm_input *script, const char *format, size_t *len, sm_error *err)
{
    sm_script s;
    if (read_script(script, format, &s, err) != 0)
        return NULL;
    memout m;
    char *out = NULL;
    if (memout_open(&m, err) == 0)
        out = memout_close(&m, sm_script_write_jsonl(m.f, &s) != 0, len, err);
    sm_script_free(&s);
    return out;
}

char *sm_align_records(const sm_input *script, const sm_input *subtitles, double min_confidence,
                       int use_hints, int tsv, size_t *len, sm_error *err)
{
    sm_align_options opt;
    sm_align_options_init(&opt);
    if (min_confidence > 1.0) {
        sm_fail(err, "", 0, "min_confidence %g: need a number in [0, 1]", min_confidence);
        return NULL;
    }
    if (min_confidence >= 0)
        opt.min_confidence = min_confidence;
    opt.use_hints = use_hints != 0;
    sm_script sc;
    sm_subtitles su;
    if (read_script(script, NULL, &sc, err) != 0)
        return NULL;
    if (read_subtitles(subtitles, &su, err) != 0) {
        sm_script_free(&sc);
        return NULL;
    }
    char *out = NULL;
    sm_alignment al;
    if (sm_align(&sc, &su, &opt, &al, err) == 0) {
        memout m;
        if (memout_open(&m, err) == 0) {
            int rc = tsv ? sm_alignment_write_tsv(m.f, &su, &al) : sm_alignment_write_jsonl(m.f, &sc, &su, &al);
            out = memout_close(&m, rc != 0, len, err);
        }
        sm_alignment_free(&al);
    }
    sm_subtitles_free(&su);
    sm_script_free(&sc);
    return out;
}

static int read_link_inputs(const sm_input *stories, sm_link_inputs *in, sm_error *err)
{
    memset(in, 0, sizeof *in);
    sm_text t;
    if (input_text(stories, &t, err) != 0)
        return -1;
    int rc = sm_link_inputs_parse_stories(input_name(stories), t.data, t.len, in, err);
    sm_text_free(&t);
    return rc;
}

/* The link job over the corpus and its stories, run; its records into m. */
static int run_link(sm_link_job *job, int jobs, memout *m, size_t *n_failed, sm_error *err)
{
    sm_batch_options b;
    sm_batch_options_init(&b);
    b.jobs = jobs > 0 ? jobs : 1;
    b.progress = 0;
    b.label = "link";
    if (sm_link_run(job, &b, err) != 0 || memout_open(m, err) != 0)
        return -1;
    size_t written;
    int failed = sm_link_write_records(job, m->f, &written) != 0;
    size_t n = 0;
    for (size_t i = 0; i < job->n_inputs; i++) {
        if (!job->records[i] && job->errors[i] && n++ == 0)
            sm_fail(err, "", 0, "%s", job->errors[i]);
    }
    *n_failed = n;
    return failed ? 1 : 0;
}

char *sm_link_records(const char *movienet_dir, const sm_input *stories, const char *align_dir,
                      double iou_min, int padding, int jobs, size_t *n_failed, size_t *len,
                      sm_error *err)
{
    size_t failed_stories = 0;
    if (n_failed)
        *n_failed = 0;
    if (!movienet_dir) {
        sm_fail(err, "", 0, "no MovieNet directory");
        return NULL;
    }
    if (iou_min == 0 || iou_min > 1.0) {
        sm_fail(err, "", 0, "iou %g: need a number in (0, 1]", iou_min);
        return NULL;
    }
    sm_movienet corpus;
    if (sm_movienet_open(movienet_dir, &corpus, err) != 0)
        return NULL;
    sm_link_inputs inputs;
    if (read_link_inputs(stories, &inputs, err) != 0) {
        sm_movienet_close(&corpus);
        return NULL;
    }
    sm_link_job job;
    memset(&job, 0, sizeof job);
    job.corpus = &corpus;
    job.inputs = inputs.items;
    job.n_inputs = inputs.n;
    job.align_dir = align_dir;
    sm_link_options_init(&job.options);
    if (iou_min > 0)
        job.options.iou_min = iou_min;
    job.options.pad_to_shots = padding != 0;
    memout m = {NULL, NULL, 0};
    char *out = NULL;
    int rc = run_link(&job, jobs, &m, &failed_stories, err);
    if (rc >= 0) {
        sm_error write_err;
        out = memout_close(&m, rc != 0, len, &write_err);
        if (!out)
            *err = write_err;
    }
    if (n_failed)
        *n_failed = failed_stories;
    sm_link_job_free(&job);
    sm_link_inputs_free(&inputs);
    sm_movienet_close(&corpus);
    return out;
}

char *sm_eval_speakers_records(const sm_input *gold, const sm_input *pred, size_t *len, sm_error *err)
{
    sm_speaker_labels g, p;
    if (input_check(gold, err) != 0 || input_check(pred, err) != 0)
        return NULL;
    int rc = gold->data ? sm_speaker_labels_parse_gold(input_name(gold), gold->data, gold->len, &g, err)
                        : sm_speaker_labels_read_gold(gold->name, &g, err);
    if (rc != 0)
        return NULL;
    rc = pred->data ? sm_speaker_labels_parse_pred(input_name(pred), pred->data, pred->len, &p, err)
                    : sm_speaker_labels_read_pred(pred->name, &p, err);
    if (rc != 0) {
        sm_speaker_labels_free(&g);
        return NULL;
    }
    char *out = NULL;
    sm_speaker_score total;
    memset(&total, 0, sizeof total);
    if (sm_speaker_score_add(&total, &g, &p) != 0) {
        sm_fail(err, "", 0, "eval speakers: out of memory");
    } else {
        memout m;
        if (memout_open(&m, err) == 0) {
            sm_json j;
            sm_json_init(&j);
            sm_speaker_score_json(&j, &total, 0, NULL);
            out = memout_close(&m, sm_json_flush_line(&j, m.f) != 0, len, err);
            sm_json_free(&j);
        }
    }
    sm_speaker_score_free(&total);
    sm_speaker_labels_free(&g);
    sm_speaker_labels_free(&p);
    return out;
}

/* Both story files read and paired by story_id, as `eval grounding` and
 * `eval language` start. */
static int read_pairs(const sm_input *pred, const sm_input *ref, sm_story_pairs *p, sm_error *err)
{
    memset(p, 0, sizeof *p);
    if (read_stories(pred, &p->pred, err) != 0)
        return -1;
    if (read_stories(ref, &p->ref, err) != 0) {
        sm_story_pairs_free(p);
        return -1;
    }
    return sm_story_pairs_pair(p, err);
}

char *sm_eval_grounding_records(const sm_input *pred, const sm_input *ref, int reference_quirks,
                                int image_width, int image_height, int per_story, size_t *len,
                                sm_error *err)
{
    if (image_width < 0 || image_height < 0 || (image_width == 0) != (image_height == 0)) {
        sm_fail(err, "", 0, "image size %dx%d: need two positive numbers, or none", image_width, image_height);
        return NULL;
    }
    sm_story_pairs p;
    if (read_pairs(pred, ref, &p, err) != 0)
        return NULL;
    sm_grounding_options opt = {reference_quirks ? SM_GROUNDING_REFERENCE_QUIRKS : SM_GROUNDING_PER_IMAGE,
                                image_width, image_height};
    sm_grounding_summary sum;
    memout m;
    char *out = NULL;
    if (memout_open(&m, err) == 0)
        out = memout_close(&m, sm_grounding_write(m.f, &p, &opt, per_story, &sum) != 0, len, err);
    sm_story_pairs_free(&p);
    return out;
}

char *sm_eval_language_records(const sm_input *pred, const sm_input *ref, int per_story, size_t *len,
                               sm_error *err)
{
    sm_story_pairs p;
    if (read_pairs(pred, ref, &p, err) != 0)
        return NULL;
    sm_language_summary sum;
    memout m;
    char *out = NULL;
    if (memout_open(&m, err) == 0)
        out = memout_close(&m, sm_language_write(m.f, &p, per_story, &sum) != 0, len, err);
    sm_story_pairs_free(&p);
    return out;
}
