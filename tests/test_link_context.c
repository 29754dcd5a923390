/* test_link_context.c - reading context records back: every field the
 * writer writes (a round trip through link's own writer on the bundled
 * sample, in several configurations), the lookups, and refusing what is not
 * a context record with the file, line and problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storymovie/context.h"
#include "storymovie/json.h"
#include "storymovie/link.h"

#define SAMPLE SM_SOURCE_DIR "/sample"
#define GOLDEN SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl"

/* A small record with every kind of item, written by hand. */
static const char good[] =
    "{\"story_id\":\"s1\",\"movie\":\"tt0000001\",\"title\":\"Test (2026)\",\"fps\":25,"
    "\"frames\":[{\"image\":1,\"keyframe\":\"tt0000001/shot_0001_img_1.jpg\",\"shot\":1,\"img\":1,"
    "\"frame\":150,\"time\":6,\"shot_start\":4,\"shot_end\":8,\"lines\":2},"
    "{\"image\":2,\"keyframe\":\"tt0000001/shot_0003_img_0.jpg\",\"shot\":3,\"img\":0,"
    "\"frame\":310,\"time\":12.4,\"shot_start\":12,\"shot_end\":16,\"lines\":1}],"
    "\"window\":{\"start\":4,\"end\":16,\"first_frame\":6,\"last_frame\":12.4,\"padding\":\"shots\","
    "\"images_in_film_order\":true},"
    "\"alignment\":\"ok\","
    "\"scenes\":[{\"scene\":1,\"heading\":\"INT. ROOM - DAY\",\"start\":3,\"end\":10,\"frames\":[1]}],"
    "\"movienet_scenes\":[{\"id\":\"tt0000001_0000\",\"shots\":[0,3],\"start\":0,\"end\":16,\"frames\":[1,2]}],"
    "\"script\":[{\"block\":3,\"kind\":\"dialogue\",\"scene\":1,\"speaker\":\"DANIEL\",\"text\":\"First.\","
    "\"start\":3.5,\"end\":4.5,\"timing\":\"aligned\",\"frames\":[1]},"
    "{\"block\":5,\"kind\":\"action\",\"scene\":1,\"text\":\"Between.\",\"start\":9,\"end\":10,"
    "\"timing\":\"interpolated\",\"frames\":[],\"between\":[1,2]}],"
    "\"dialogue\":[{\"cue\":3,\"segment\":1,\"start\":5,\"end\":6,\"speaker\":\"MARTHA\",\"confidence\":0.97,"
    "\"text\":\"On image one.\",\"block\":4,\"frames\":[1]},"
    "{\"cue\":4,\"segment\":2,\"start\":9,\"end\":10,\"speaker\":\"DANIEL\",\"confidence\":0.8,"
    "\"text\":\"Between.\",\"block\":5,\"frames\":[],\"between\":[1,null]},"
    "{\"cue\":5,\"segment\":1,\"start\":3.5,\"end\":4.5,\"speaker\":null,\"confidence\":0,"
    "\"text\":\"Heard first.\",\"block\":null,\"evidence\":\"turn\",\"frames\":[1]}],"
    "\"synopsis\":[{\"id\":\"tt0000001_0000\",\"start\":0,\"end\":20,\"overlap\":12,\"description\":\"A story.\"}],"
    "\"characters\":[{\"id\":\"char1\",\"cot_name\":\"Woman\",\"name\":\"Martha Hale\",\"actor\":\"Ann Actor\","
    "\"pid\":\"nm1\",\"evidence\":{\"boxes\":2,\"annotated\":1,\"matched_frames\":[1],\"iou_mean\":1,"
    "\"iou_min\":0.9,\"conflicting_frames\":0,\"speaker\":\"MARTHA\",\"speaker_lines\":1,"
    "\"speaks_in_window\":true,\"lines_on_its_frames\":1}},"
    "{\"id\":\"char12\",\"cot_name\":null,\"name\":null,\"actor\":null,\"pid\":null,\"evidence\":{\"boxes\":0,"
    "\"annotated\":0,\"matched_frames\":[],\"conflicting_frames\":0},"
    "\"unnamed\":\"no bounding box in the chain of thought\"}],"
    "\"problems\":[\"keyframe image or annotation resolution missing: boxes compared unscaled\"]}";

/* ------------------------------------------------ writing it again */

/* The record as link_story.c writes it, from what the reader kept: equal
 * bytes prove that every field was read, with its value, its null and its
 * absence. */
static void emit_marks(sm_json *j, const sm_context_marks *m)
{
    sm_json_key(j, "frames");
    sm_json_begin_array(j);
    for (size_t i = 0; i < m->n_frames; i++)
        sm_json_int(j, m->frames[i]);
    sm_json_end_array(j);
    if (!m->has_between)
        return;
    sm_json_key(j, "between");
    sm_json_begin_array(j);
    for (int k = 0; k < 2; k++)
        if (m->between[k])
            sm_json_int(j, m->between[k]);
        else
            sm_json_null(j);
    sm_json_end_array(j);
}

static void emit_dialogue(sm_json *j, const sm_context *c)
{
    sm_json_key(j, "dialogue");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_dialogue; i++) {
        const sm_context_segment *s = &c->dialogue[i];
        sm_json_begin_object(j);
        sm_json_kv_int(j, "cue", s->cue);
        sm_json_kv_int(j, "segment", s->segment);
        sm_json_kv_fixed(j, "start", s->start, 3);
        sm_json_kv_fixed(j, "end", s->end, 3);
        sm_json_kv_string(j, "speaker", s->speaker);
        sm_json_kv_fixed(j, "confidence", s->confidence, 3);
        sm_json_kv_string(j, "text", s->text);
        if (s->block)
            sm_json_kv_int(j, "block", s->block);
        else
            sm_json_kv_null(j, "block");
        if (s->evidence)
            sm_json_kv_string(j, "evidence", s->evidence);
        emit_marks(j, &s->marks);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
}

static void emit_characters(sm_json *j, const sm_context *c)
{
    sm_json_key(j, "characters");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        const sm_context_evidence *e = &ch->evidence;
        sm_json_begin_object(j);
        sm_json_kv_string(j, "id", ch->id);
        sm_json_kv_string(j, "cot_name", ch->cot_name);
        sm_json_kv_string(j, "name", ch->name);
        sm_json_kv_string(j, "actor", ch->actor);
        sm_json_kv_string(j, "pid", ch->pid);
        sm_json_key(j, "evidence");
        sm_json_begin_object(j);
        sm_json_kv_int(j, "boxes", e->boxes);
        sm_json_kv_int(j, "annotated", e->annotated);
        sm_json_key(j, "matched_frames");
        sm_json_begin_array(j);
        for (size_t k = 0; k < e->n_matched_frames; k++)
            sm_json_int(j, e->matched_frames[k]);
        sm_json_end_array(j);
        if (e->has_iou) {
            sm_json_kv_fixed(j, "iou_mean", e->iou_mean, 3);
            sm_json_kv_fixed(j, "iou_min", e->iou_min, 3);
        }
        sm_json_kv_int(j, "conflicting_frames", e->conflicting_frames);
        if (e->n_same_cast_as) {
            sm_json_key(j, "same_cast_as");
            sm_json_begin_array(j);
            for (size_t k = 0; k < e->n_same_cast_as; k++)
                sm_json_string(j, e->same_cast_as[k]);
            sm_json_end_array(j);
        }
        if (e->has_speaker_check) {
            sm_json_kv_string(j, "speaker", e->speaker);
            sm_json_kv_int(j, "speaker_lines", e->speaker_lines);
            sm_json_kv_bool(j, "speaks_in_window", e->speaks_in_window);
            sm_json_kv_int(j, "lines_on_its_frames", e->lines_on_its_frames);
        }
        sm_json_end_object(j);
        if (ch->unnamed)
            sm_json_kv_string(j, "unnamed", ch->unnamed);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
}

static void emit(sm_json *j, const sm_context *c)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", c->story_id);
    sm_json_kv_string(j, "movie", c->movie);
    sm_json_kv_string(j, "title", c->title);
    sm_json_kv_double(j, "fps", c->fps);
    sm_json_key(j, "frames");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_frames; i++) {
        const sm_context_frame *f = &c->frames[i];
        sm_json_begin_object(j);
        sm_json_kv_int(j, "image", f->image);
        sm_json_kv_string(j, "keyframe", f->keyframe);
        sm_json_kv_int(j, "shot", f->shot);
        sm_json_kv_int(j, "img", f->img);
        sm_json_kv_int(j, "frame", f->frame);
        sm_json_kv_fixed(j, "time", f->time, 3);
        sm_json_kv_fixed(j, "shot_start", f->shot_start, 3);
        sm_json_kv_fixed(j, "shot_end", f->shot_end, 3);
        sm_json_kv_int(j, "lines", f->lines);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_key(j, "window");
    sm_json_begin_object(j);
    sm_json_kv_fixed(j, "start", c->window.start, 3);
    sm_json_kv_fixed(j, "end", c->window.end, 3);
    sm_json_kv_fixed(j, "first_frame", c->window.first_frame, 3);
    sm_json_kv_fixed(j, "last_frame", c->window.last_frame, 3);
    sm_json_kv_string(j, "padding", c->window.padding);
    sm_json_kv_bool(j, "images_in_film_order", c->window.images_in_film_order);
    sm_json_end_object(j);
    sm_json_kv_string(j, "alignment", c->alignment);
    sm_json_key(j, "scenes");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_scenes; i++) {
        const sm_context_scene *s = &c->scenes[i];
        sm_json_begin_object(j);
        sm_json_kv_int(j, "scene", s->scene);
        sm_json_kv_string(j, "heading", s->heading);
        sm_json_kv_fixed(j, "start", s->start, 3);
        sm_json_kv_fixed(j, "end", s->end, 3);
        emit_marks(j, &s->marks);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_key(j, "movienet_scenes");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_movienet_scenes; i++) {
        const sm_context_mn_scene *s = &c->movienet_scenes[i];
        sm_json_begin_object(j);
        sm_json_kv_string(j, "id", s->id);
        sm_json_key(j, "shots");
        sm_json_begin_array(j);
        sm_json_int(j, s->shot_first);
        sm_json_int(j, s->shot_last);
        sm_json_end_array(j);
        sm_json_kv_fixed(j, "start", s->start, 3);
        sm_json_kv_fixed(j, "end", s->end, 3);
        emit_marks(j, &s->marks);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    sm_json_key(j, "script");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_script; i++) {
        const sm_context_block *b = &c->script[i];
        sm_json_begin_object(j);
        sm_json_kv_int(j, "block", b->block);
        sm_json_kv_string(j, "kind", b->kind);
        sm_json_kv_int(j, "scene", b->scene);
        if (b->speaker)
            sm_json_kv_string(j, "speaker", b->speaker);
        sm_json_kv_string(j, "text", b->text);
        sm_json_kv_fixed(j, "start", b->start, 3);
        sm_json_kv_fixed(j, "end", b->end, 3);
        sm_json_kv_string(j, "timing", b->timing);
        emit_marks(j, &b->marks);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    emit_dialogue(j, c);
    sm_json_key(j, "synopsis");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_synopsis; i++) {
        const sm_context_synopsis *s = &c->synopsis[i];
        sm_json_begin_object(j);
        sm_json_kv_string(j, "id", s->id);
        sm_json_kv_fixed(j, "start", s->start, 3);
        sm_json_kv_fixed(j, "end", s->end, 3);
        sm_json_kv_fixed(j, "overlap", s->overlap, 3);
        sm_json_kv_string(j, "description", s->description);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
    emit_characters(j, c);
    sm_json_key(j, "problems");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n_problems; i++)
        sm_json_string(j, c->problems[i]);
    sm_json_end_array(j);
    sm_json_end_object(j);
}

/* What the round trips met: every optional shape must have been seen. */
static struct seen {
    int between_edge, unnamed, same_cast_as, named_no_speaker, no_alignment, no_padding,
        not_in_order, speaker_block, no_heading;
} seen;

static void note(const sm_context *c)
{
    seen.no_alignment |= c->alignment == NULL;
    seen.no_padding |= strcmp(c->window.padding, "none") == 0;
    seen.not_in_order |= !c->window.images_in_film_order;
    const sm_context_marks *all[256];
    size_t n = 0;
    for (size_t i = 0; i < c->n_scenes && n < 256; i++) {
        all[n++] = &c->scenes[i].marks;
        seen.no_heading |= c->scenes[i].heading == NULL;
    }
    for (size_t i = 0; i < c->n_movienet_scenes && n < 256; i++)
        all[n++] = &c->movienet_scenes[i].marks;
    for (size_t i = 0; i < c->n_script && n < 256; i++) {
        all[n++] = &c->script[i].marks;
        seen.speaker_block |= c->script[i].speaker != NULL;
    }
    for (size_t i = 0; i < c->n_dialogue && n < 256; i++)
        all[n++] = &c->dialogue[i].marks;
    for (size_t i = 0; i < n; i++)
        seen.between_edge |= all[i]->has_between && (!all[i]->between[0] || !all[i]->between[1]);
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        seen.unnamed |= ch->unnamed != NULL;
        seen.same_cast_as |= ch->evidence.n_same_cast_as > 0;
        seen.named_no_speaker |= ch->evidence.has_speaker_check && !ch->evidence.speaker;
    }
}

/* Read the lines and write each record again: byte for byte the same. */
static void round_trip(const char *name, const char *text, size_t len, size_t want_records)
{
    sm_context_set set;
    sm_error err;
    if (sm_context_read_buffer(name, text, len, &set, &err) != 0)
        fail_msg("%s:%ld: %s", err.file, err.line, err.message);
    assert_int_equal(set.n_items, want_records);
    sm_json j;
    sm_json_init(&j);
    const char *line = text;
    for (size_t i = 0; i < set.n_items; i++) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        sm_json_reset(&j);
        emit(&j, &set.items[i]);
        if (j.len != n || memcmp(j.buf, line, n) != 0)
            fail_msg("%s: record %zu differs after reading it back:\nwritten: %.*s\nread:    %.*s",
                     name, i + 1, (int)n, line, (int)j.len, j.buf);
        assert_ptr_equal(sm_context_find(&set, set.items[i].story_id), &set.items[i]);
        note(&set.items[i]);
        line = eol ? eol + 1 : line + n;
    }
    sm_json_free(&j);
    sm_context_set_free(&set);
}

/* ------------------------------------------------ the sample, linked */

static char tmp[64];

static int make_tmp(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/sm_test_context_XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int remove_tmp(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len + 4096 + 1 > cap) {
            cap = (*len + 4096 + 1) * 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t got = fread(buf + *len, 1, cap - *len - 1, f);
        *len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[*len] = '\0';
    return buf;
}

/* Run link on the sample (stories or frames file) and return the records,
 * one a line, as `storymovie link` writes them. */
static char *link_sample(const char *inputs, int stories, const char *align_dir, int padding,
                         size_t *n_records)
{
    sm_error err;
    sm_movienet mn;
    if (sm_movienet_open(SAMPLE "/movienet", &mn, &err) != 0)
        fail_msg("%s: %s", err.file, err.message);
    sm_link_inputs in;
    assert_int_equal(stories ? sm_link_inputs_read_stories(inputs, &in, &err)
                             : sm_link_inputs_read_frames(inputs, &in, &err), 0);
    sm_link_job job;
    memset(&job, 0, sizeof job);
    job.corpus = &mn;
    job.inputs = in.items;
    job.n_inputs = in.n;
    job.align_dir = align_dir;
    sm_link_options_init(&job.options);
    job.options.pad_to_shots = padding;
    sm_batch_options bo;
    sm_batch_options_init(&bo);
    bo.label = "test";
    assert_int_equal(sm_link_run(&job, &bo, &err), 0);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    assert_int_equal(sm_link_write_records(&job, mem, n_records), 0);
    fclose(mem);
    sm_link_job_free(&job);
    sm_link_inputs_free(&in);
    sm_movienet_close(&mn);
    return text;
}

static int have_sample(void)
{
    return access(SAMPLE "/stories.jsonl", R_OK) == 0;
}

/* The sample's stories, as build writes them (aligned in-process). */
static void round_trip_sample(void **state)
{
    (void)state;
    if (!have_sample())
        skip();
    size_t n;
    char *text = link_sample(SAMPLE "/stories.jsonl", 1, NULL, 1, &n);
    assert_int_equal(n, 2);
    round_trip("sample", text, strlen(text), 2);
    /* The golden file of the end-to-end test is the same bytes. */
    size_t glen;
    char *golden = slurp(GOLDEN, &glen);
    assert_non_null(golden);
    assert_string_equal(golden, text);
    free(golden);
    free(text);
}

static char *replace_all(const char *s, const char *from, const char *to)
{
    size_t n = 0, fl = strlen(from), tl = strlen(to);
    for (const char *p = strstr(s, from); p; p = strstr(p + fl, from))
        n++;
    char *out = malloc(strlen(s) + n * tl + 1);
    assert_non_null(out);
    char *o = out;
    const char *p = s, *q;
    while ((q = strstr(p, from))) {
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        memcpy(o, to, tl);
        o += tl;
        p = q + fl;
    }
    strcpy(o, p);
    return out;
}

/* The other shapes a record takes: no alignment, no padding, a char id
 * split in two (same_cast_as), a char whose box matches nobody (unnamed),
 * a named char that does not speak, images out of film order, items at the
 * edge of the window (between [null, N]), a frames manifest (no chain of
 * thought). */
static void round_trip_other_shapes(void **state)
{
    (void)state;
    if (!have_sample())
        skip();
    size_t len;
    char *stories = slurp(SAMPLE "/stories.jsonl", &len);
    assert_non_null(stories);
    /* In the first story char1 (Martha) on image 2 becomes char9: two ids,
     * one cast member.  A box on nobody is added as char7 on image 1. */
    char *img2 = strstr(stories, "## Image 2");
    assert_non_null(img2);
    char *c1 = strstr(img2, "| char1 |");
    assert_non_null(c1);
    memcpy(c1, "| char9 |", 9);
    char *changed = replace_all(stories, "| char2 | Man |",
                                "| char7 | Gull | A gull | Calm | Flies | Omen | 1,1,9,9 |\\n| char2 | Man |");
    char path[128];
    snprintf(path, sizeof path, "%s/stories.jsonl", tmp);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(changed, f);
    fclose(f);
    free(changed);
    free(stories);

    size_t n;
    char *text = link_sample(path, 1, NULL, 0, &n);
    assert_int_equal(n, 2);
    round_trip("changed stories, no padding", text, strlen(text), 2);
    free(text);

    /* No alignment: an empty alignment directory. */
    char empty[128];
    snprintf(empty, sizeof empty, "%s/align", tmp);
    mkdir(empty, 0755);
    text = link_sample(path, 1, empty, 1, &n);
    round_trip("no alignment", text, strlen(text), 2);
    free(text);

    /* A frames manifest, images out of film order, one at the film's start. */
    snprintf(path, sizeof path, "%s/frames.tsv", tmp);
    f = fopen(path, "wb");
    assert_non_null(f);
    fputs("one\ttt9999901\t28/1\t0/0\nlate\ttt9999901\t92/2\t60/0\t61/1\n", f);
    fclose(f);
    text = link_sample(path, 0, NULL, 1, &n);
    assert_int_equal(n, 2);
    round_trip("frames", text, strlen(text), 2);
    free(text);

    round_trip("hand-written", good, strlen(good), 1);

    assert_true(seen.between_edge);
    assert_true(seen.unnamed);
    assert_true(seen.same_cast_as);
    assert_true(seen.named_no_speaker);
    assert_true(seen.no_alignment);
    assert_true(seen.no_padding);
    assert_true(seen.not_in_order);
    assert_true(seen.speaker_block);
}

/* ------------------------------------------------ fields and lookups */

static void fields_and_lookups(void **state)
{
    (void)state;
    if (access(GOLDEN, R_OK) != 0)
        skip();
    sm_context_set set;
    sm_error err;
    assert_int_equal(sm_context_read_file(GOLDEN, &set, &err), 0);
    assert_int_equal(set.n_items, 2);
    const sm_context *c = sm_context_find(&set, "tt9999901_lamp_room");
    assert_non_null(c);
    assert_int_equal(c->line, 1);
    assert_string_equal(c->movie, "tt9999901");
    assert_string_equal(c->title, "The Lighthouse Keeper's Ledger (2026)");
    assert_true(c->fps == 23.976);
    assert_int_equal(c->n_frames, 6);
    assert_string_equal(c->frames[0].keyframe, "tt9999901/shot_0028_img_1.jpg");
    assert_int_equal(c->frames[0].frame, 2565);
    assert_true(c->frames[0].time == 106.982 && c->frames[0].shot_start == 104.646);
    assert_true(c->window.start == 104.646 && c->window.end == 166.667);
    assert_string_equal(c->window.padding, "shots");
    assert_string_equal(c->alignment, "ok");
    assert_string_equal(c->scenes[0].heading, "INT. LIGHTHOUSE - LAMP ROOM - DAY");

    const sm_context_segment *s = sm_context_find_segment(c, 17, 1);
    assert_non_null(s);
    assert_string_equal(s->speaker, "DANIEL");
    assert_string_equal(s->text, "Aunt Martha.");
    assert_true(s->confidence == 0.96);
    assert_int_equal(s->block, 20);
    assert_true(sm_context_on_image(&s->marks, 1));
    assert_false(sm_context_on_image(&s->marks, 2));
    assert_null(sm_context_find_segment(c, 17, 2));
    assert_null(sm_context_find_segment(c, 1, 1));
    const sm_context_block *b = sm_context_find_block(c, s->block);
    assert_non_null(b);
    assert_string_equal(b->speaker, "DANIEL");
    assert_string_equal(b->timing, "aligned");
    b = sm_context_find_block(c, 22);
    assert_int_equal(b->marks.n_frames, 0);
    assert_true(b->marks.has_between && b->marks.between[0] == 2 && b->marks.between[1] == 3);
    assert_null(sm_context_find_block(c, 1));

    assert_string_equal(sm_context_name(c, "char1"), "Martha Hale");
    assert_string_equal(sm_context_name(c, "char2"), "Daniel Hale");
    assert_null(sm_context_name(c, "char3"));
    const sm_context_character *ch = sm_context_find_character(c, "char2");
    assert_int_equal(ch->number, 2);
    assert_string_equal(ch->evidence.speaker, "DANIEL");
    assert_int_equal(ch->evidence.n_matched_frames, 4);
    assert_true(ch->evidence.has_iou && ch->evidence.iou_mean == 0.946);
    assert_string_equal(c->synopsis[0].id, "tt9999901_0000");

    const sm_context_segment *heard[64];
    assert_true(c->n_dialogue <= 64);
    assert_int_equal(sm_context_dialogue_by_time(c, heard), c->n_dialogue);
    for (size_t i = 1; i < c->n_dialogue; i++)
        assert_true(heard[i - 1]->start <= heard[i]->start);

    assert_null(sm_context_find(&set, "tt9999901"));
    assert_non_null(sm_context_find(&set, set.items[1].story_id));
    assert_int_equal(sm_context_find(&set, set.items[1].story_id)->line, 2);
    sm_context_set_free(&set);

    /* The hand-written record: the shapes the sample lacks. */
    assert_int_equal(sm_context_read_buffer("good.jsonl", good, strlen(good), &set, &err), 0);
    c = &set.items[0];
    assert_int_equal(c->dialogue[2].block, 0);
    assert_null(c->dialogue[2].speaker);
    assert_string_equal(c->dialogue[2].evidence, "turn");
    assert_null(c->dialogue[0].evidence);
    assert_int_equal(c->dialogue[1].marks.between[1], 0);
    assert_int_equal(sm_context_dialogue_by_time(c, heard), 3);
    assert_int_equal(heard[0]->cue, 5);
    assert_int_equal(heard[1]->cue, 3);
    assert_null(c->script[1].speaker);
    assert_int_equal(c->movienet_scenes[0].shot_last, 3);
    ch = sm_context_find_character(c, "char12");
    assert_int_equal(ch->number, 12);
    assert_null(ch->cot_name);
    assert_false(ch->evidence.has_iou);
    assert_false(ch->evidence.has_speaker_check);
    assert_string_equal(ch->unnamed, "no bounding box in the chain of thought");
    assert_int_equal(c->n_problems, 1);
    sm_context_set_free(&set);
}

/* ------------------------------------------------ what is not a record */

/* The text must fail with this line and a message containing want. */
static void refused(const char *what, const char *text, size_t len, long line, const char *want)
{
    sm_context_set set;
    sm_error err;
    memset(&err, 0, sizeof err);
    if (sm_context_read_buffer("out/context.jsonl", text, len, &set, &err) == 0)
        fail_msg("%s: read as context records", what);
    if (err.line != line || !strstr(err.message, want) || strcmp(err.file, "out/context.jsonl") != 0)
        fail_msg("%s: got %s:%ld: %s; want line %ld and '%s'", what, err.file, err.line, err.message,
                 line, want);
    assert_null(set.items);
    assert_int_equal(set.n_items, 0);
    assert_null(set.arena.head);
}

static void refused_text(const char *what, const char *text, long line, const char *want)
{
    refused(what, text, strlen(text), line, want);
}

/* good with one change. */
static void refused_change(const char *from, const char *to, const char *want)
{
    assert_non_null(strstr(good, from));
    char *bad = replace_all(good, from, to);
    refused(from, bad, strlen(bad), 1, want);
    free(bad);
}

static void not_context_records(void **state)
{
    (void)state;
    refused("empty", "", 0, 0, "empty file");
    refused("blank", "\n  \r\n\n", 6, 0, "empty file");
    refused_text("srt", "1\n00:00:01,000 --> 00:00:02,000\nHello.\n", 1, "not JSON");
    refused_text("prose", "hello world\n", 1, "not a context record: not JSON");
    refused_text("array", "[1,2]\n", 1, "not a context record: an array, not an object");
    refused_text("indented", "{\n  \"story_id\": \"s1\"\n}\n", 1, "an indented JSON document");
    refused_text("alignment",
            "{\"type\":\"segment\",\"cue\":1,\"segment\":1,\"start\":2.0,\"end\":3.0,\"text\":\"Hi.\","
            "\"speaker\":null,\"confidence\":0,\"block\":null}\n", 1,
            "no \"story_id\" (this looks like an alignment record: \"type\":\"segment\")");
    if (have_sample()) {
        size_t len;
        char *stories = slurp(SAMPLE "/stories.jsonl", &len);
        refused("stories", stories, len, 1, "no \"movie\" (this looks like a story record");
        free(stories);
    }

    /* Truncated: the second record cut short (a killed copy). */
    size_t n = strlen(good);
    char *two = malloc(2 * n + 2);
    assert_non_null(two);
    memcpy(two, good, n);
    two[n] = '\n';
    memcpy(two + n + 1, good, n / 2);
    refused("truncated", two, n + 1 + n / 2, 2, "not JSON");
    /* The same story twice names both lines. */
    memcpy(two + n + 1, good, n);
    two[2 * n + 1] = '\n';
    refused("duplicate", two, 2 * n + 2, 2, "story_id \"s1\" again: line 1 has it too");
    free(two);
    refused("nul byte", "{\"story_id\":\"a\0b\"}\n", 19, 1, "not JSON");

    refused_change("\"window\":{\"start\":4,\"end\":16,\"first_frame\":6,\"last_frame\":12.4,"
                   "\"padding\":\"shots\",\"images_in_film_order\":true},", "",
                   "not a context record: no \"window\"");
    refused_change("\"fps\":25", "\"fps\":\"25\"", ".fps is a string, want a number");
    refused_change("\"fps\":25", "\"fps\":0", ".fps is 0, want > 0");
    refused_change("\"time\":12.4", "\"time\":null", ".frames[1].time is null, want a number");
    refused_change("\"shot\":3,", "\"shot\":3.5,", ".frames[1].shot is a real number, want an integer");
    refused_change("\"shot\":3,", "\"shot\":99999999999,", ".frames[1].shot is 99999999999, want 0..");
    refused_change("\"image\":2", "\"image\":1", ".frames[1].image is 1, want 2");
    refused_change("\"frames\":[{\"image\":1", "\"frames\":[],\"x\":[{\"image\":1", ".frames is empty");
    refused_change("\"scenes\":[{", "\"scenes\":[7,{", ".scenes[0] is an integer, want an object");
    refused_change("\"frames\":[1,2]}]", "\"frames\":[1,3]}]", ".movienet_scenes[0].frames[1] is 3, want 1..2");
    refused_change("\"between\":[1,2]", "\"between\":[1,2,3]", ".script[1].between has 3 items, want 2");
    refused_change("\"between\":[1,null]", "\"between\":[0,null]", ".dialogue[1].between[0] is 0, want 1..2");
    refused_change("\"shots\":[0,3]", "\"shots\":[0]", ".movienet_scenes[0].shots has 1 items, want 2");
    refused_change("\"kind\":\"action\",", "", "no \"kind\" in .script[1]");
    refused_change("\"block\":5,\"kind\"", "\"block\":2,\"kind\"", ".script[1] is block 2, after block 3");
    refused_change("\"cue\":4,\"segment\":2", "\"cue\":3,\"segment\":1",
                   ".dialogue[1] is cue 3 segment 1, after cue 3 segment 1");
    refused_change("\"speaker\":null,\"confidence\":0,", "\"speaker\":false,\"confidence\":0,",
                   ".dialogue[2].speaker is a boolean, want a string or null");
    refused_change("\"problems\":[\"", "\"problems\":[3,\"", ".problems[0] is an integer, want a string");
    refused_change("\"id\":\"char12\"", "\"id\":\"bob\"", ".characters[1].id is \"bob\", want char<N>");
    refused_change("\"iou_min\":0.9,", "", "no \"iou_min\" in .characters[0].evidence");
    refused_change("\"matched_frames\":[1]", "\"matched_frames\":[7]",
                   ".characters[0].evidence.matched_frames[0] is 7, want 1..2");
    refused_change("\"images_in_film_order\":true", "\"images_in_film_order\":1",
                   ".window.images_in_film_order is an integer, want true or false");
    refused_change("\"story_id\":\"s1\"", "\"story_id\":\"\"", ".story_id is empty");
    refused_change("\"story_id\":\"s1\"", "\"story_id\":\"s1\",\"story_id\":\"s2\"", "duplicate object key");
    refused_change("\"evidence\":{\"boxes\":0,", "\"evidence\":[],\"x\":{\"boxes\":0,",
                   ".characters[1].evidence is an array, want an object");

    /* Unknown fields are for later versions: read past. */
    char *more = replace_all(good, "\"fps\":25,", "\"fps\":25,\"format\":{\"x\":[1]},");
    sm_context_set set;
    sm_error err;
    assert_int_equal(sm_context_read_buffer("more.jsonl", more, strlen(more), &set, &err), 0);
    sm_context_set_free(&set);
    free(more);

    /* A file that is not there, or a directory. */
    assert_int_equal(sm_context_read_file("/nonexistent/context.jsonl", &set, &err), -1);
    assert_non_null(strstr(err.message, "cannot read"));
    assert_string_equal(err.file, "/nonexistent/context.jsonl");
    assert_int_equal(sm_context_read_file("/", &set, &err), -1);
    assert_non_null(strstr(err.message, "cannot read"));
}

/* Many records: the index grows and still finds each, CRLF lines too. */
static void many_records(void **state)
{
    (void)state;
    size_t n = strlen(good), count = 1000;
    char *text = malloc(count * (n + 16));
    assert_non_null(text);
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        char id[32];
        snprintf(id, sizeof id, "\"story_id\":\"s%zu\"", i);
        char *rec = replace_all(good, "\"story_id\":\"s1\"", id);
        len += (size_t)sprintf(text + len, "%s\r\n", rec);
        free(rec);
    }
    sm_context_set set;
    sm_error err;
    assert_int_equal(sm_context_read_buffer("many.jsonl", text, len, &set, &err), 0);
    assert_int_equal(set.n_items, count);
    for (size_t i = 0; i < count; i++) {
        char id[32];
        snprintf(id, sizeof id, "s%zu", i);
        const sm_context *c = sm_context_find(&set, id);
        assert_non_null(c);
        assert_int_equal(c->line, (long)i + 1);
    }
    assert_null(sm_context_find(&set, "s1000"));
    sm_context_set_free(&set);

    /* The file reader gives the same. */
    char path[128];
    snprintf(path, sizeof path, "%s/many.jsonl", tmp);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fwrite(text, 1, len, f);
    fclose(f);
    assert_int_equal(sm_context_read_file(path, &set, &err), 0);
    assert_int_equal(set.n_items, count);
    assert_string_equal(set.items[999].story_id, "s999");
    sm_context_set_free(&set);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_sample),
        cmocka_unit_test(round_trip_other_shapes),
        cmocka_unit_test(fields_and_lookups),
        cmocka_unit_test(not_context_records),
        cmocka_unit_test(many_records),
    };
    return cmocka_run_group_tests(tests, make_tmp, remove_tmp);
}
