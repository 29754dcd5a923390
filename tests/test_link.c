/* test_link.c - one story's record: frame times, window, frame marks, box
 * matching with scaling, names, speakers.  (Reading alignments back is
 * tested in test_align_read.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "storymovie/link.h"
#include "sm_test.h"

static char root[64];

static int make_root(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/sm_test_link_XXXXXX");
    if (!mkdtemp(root))
        return -1;
    char path[160];
    snprintf(path, sizeof path, "%s/tt0000001", root);
    mkdir(path, 0755);
    /* Keyframe shot 1 img 1 is 500x250: half the annotation's 1000x500. */
    static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0xFA,
                                         0x01, 0xF4, 0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9};
    snprintf(path, sizeof path, "%s/tt0000001/shot_0001_img_1.jpg", root);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fwrite(jpeg, 1, sizeof jpeg, f);
    fclose(f);
    return 0;
}

static int remove_root(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* A film at 25 fps with four 100-frame shots; a story on shot 1 img 1
 * (frame 150 = 6.0 s, shot on screen 4.0-8.0 s) and shot 3 img 0
 * (frame 310 = 12.4 s, 12.0-16.0 s). */
static void make_movie(sm_movie *m, sm_shot *shots, sm_mn_person *persons, sm_mn_cast *cast)
{
    memset(m, 0, sizeof *m);
    snprintf(m->id, sizeof m->id, "tt0000001");
    m->root = root;
    m->have = SM_MN_FPS | SM_MN_SHOTS | SM_MN_META | SM_MN_ANNOTATION;
    m->fps = 25.0;
    for (int s = 0; s < 4; s++)
        shots[s] = (sm_shot){s * 100, s * 100 + 99, {s * 100 + 10, s * 100 + 50, s * 100 + 90}};
    m->shots = shots;
    m->n_shots = 4;
    /* annotation at 1000x500; the keyframe is 500x250 */
    persons[0] = (sm_mn_person){1, 1, 100, 100, 300, 400, 1000, 500, "nm1"};
    persons[1] = (sm_mn_person){1, 1, 600, 100, 800, 400, 1000, 500, "others"};
    persons[2] = (sm_mn_person){2, 1, 100, 100, 300, 400, 1000, 500, "nm2"};   /* other shot */
    m->persons = persons;
    m->n_persons = 3;
    cast[0] = (sm_mn_cast){"nm1", "Ann Actor", "Martha Hale"};
    cast[1] = (sm_mn_cast){"nm2", "Bo Actor", "Daniel Hale"};
    m->cast = cast;
    m->n_cast = 2;
    m->title = "Test (2026)";
}

static const char cot[] =
    "## Image 1\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char1 | Woman | An older woman | Calm | Stands | Protagonist | 50,50,150,200 |\n"
    "| char2 | Man | A passer-by | Calm | Walks | Extra | 300,50,400,200 |\n"
    "| char3 | Boy | Far away | Calm | Runs | Extra | 0,0,10,10 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Location | A room | Calm | Day | Place |\n"
    "\n"
    "## Image 2\n"
    "### Characters\n"
    "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
    "|---|---|---|---|---|---|---|\n"
    "| char1 | Woman | An older woman | Calm | Sits | Protagonist | 50,50,150,200 |\n"
    "### Setting\n"
    "| Setting Element | Description | Mood | Time | Narrative Function |\n"
    "|---|---|---|---|---|\n"
    "| Location | A room | Calm | Day | Place |\n";

static json_t *find_by(json_t *array, const char *key, json_int_t value)
{
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v)
        if (json_integer_value(json_object_get(v, key)) == value)
            return v;
    return NULL;
}

static void assert_ints(json_t *array, const long *want, size_t n)
{
    assert_non_null(array);
    assert_int_equal(json_array_size(array), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(json_integer_value(json_array_get(array, i)), want[i]);
}

/* The record's "characters" for make_movie's film and the test story. */
static void check_characters(json_t *rec)
{
    long one[] = {1};
    /* Names: char1 matches nm1 (scaled by 0.5: IoU 1) on image 1 only
     * (image 2's shot has no annotation); char2 matches "others"; char3
     * overlaps nothing. */
    json_t *chars = json_object_get(rec, "characters");
    assert_int_equal(json_array_size(chars), 3);
    json_t *c1 = json_array_get(chars, 0);
    assert_string_equal(json_string_value(json_object_get(c1, "id")), "char1");
    assert_string_equal(json_string_value(json_object_get(c1, "cot_name")), "Woman");
    assert_string_equal(json_string_value(json_object_get(c1, "name")), "Martha Hale");
    assert_string_equal(json_string_value(json_object_get(c1, "actor")), "Ann Actor");
    json_t *ev = json_object_get(c1, "evidence");
    assert_int_equal(json_integer_value(json_object_get(ev, "boxes")), 2);
    assert_int_equal(json_integer_value(json_object_get(ev, "annotated")), 1);
    assert_ints(json_object_get(ev, "matched_frames"), one, 1);
    assert_true(fabs(json_number_value(json_object_get(ev, "iou_mean")) - 1.0) < 1e-9);
    assert_string_equal(json_string_value(json_object_get(ev, "speaker")), "MARTHA");
    assert_int_equal(json_integer_value(json_object_get(ev, "speaker_lines")), 1);
    assert_true(json_is_true(json_object_get(ev, "speaks_in_window")));
    assert_int_equal(json_integer_value(json_object_get(ev, "lines_on_its_frames")), 1);
    json_t *c2 = json_array_get(chars, 1);
    assert_true(json_is_null(json_object_get(c2, "name")));
    assert_string_equal(json_string_value(json_object_get(c2, "pid")), "others");
    assert_non_null(strstr(json_string_value(json_object_get(c2, "unnamed")), "uncredited"));
    json_t *c3 = json_array_get(chars, 2);
    assert_non_null(strstr(json_string_value(json_object_get(c3, "unnamed")), "IoU"));
}

static void one_story_record(void **state)
{
    (void)state;
    sm_movie m;
    sm_shot shots[4];
    sm_mn_person persons[3];
    sm_mn_cast cast[2];
    make_movie(&m, shots, persons, cast);
    sm_film_alignment al;
    sm_error err;
    size_t len;
    char *alignment_jsonl = sm_test_fixture("link/alignment.jsonl", &len);
    assert_int_equal(sm_film_alignment_parse("a.jsonl", alignment_jsonl, len, &al, &err), 0);
    free(alignment_jsonl);

    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *story = sm_story_add(&set, "s1", cot, strlen(cot), "", 0);
    assert_non_null(story);
    const char *images[] = {"tt0000001/shot_0001_img_1.jpg", "tt0000001/shot_0003_img_0.jpg"};
    sm_link_input in = {"s1", images, 2, story, "stories.jsonl", 7, NULL};
    char movie[16];
    assert_int_equal(sm_link_story_movie(&in, movie, &err), 0);
    assert_string_equal(movie, "tt0000001");

    sm_link_options opt;
    sm_link_options_init(&opt);
    sm_link_stats stats;
    sm_json j;
    sm_json_init(&j);
    assert_int_equal(sm_link_story(&j, &in, &m, &al, NULL, &opt, &stats, &err), 0);
    json_error_t jerr;
    json_t *rec = json_loads(j.buf, 0, &jerr);
    assert_non_null(rec);

    json_t *frames = json_object_get(rec, "frames");
    assert_int_equal(json_array_size(frames), 2);
    json_t *f1 = json_array_get(frames, 0);
    assert_int_equal(json_integer_value(json_object_get(f1, "frame")), 150);
    assert_true(json_real_value(json_object_get(f1, "time")) == 6.0 ||
                json_integer_value(json_object_get(f1, "time")) == 6);
    assert_true(fabs(json_number_value(json_object_get(f1, "shot_end")) - 8.0) < 1e-9);
    json_t *f2 = json_array_get(frames, 1);
    assert_true(fabs(json_number_value(json_object_get(f2, "time")) - 12.4) < 1e-9);

    json_t *win = json_object_get(rec, "window");
    assert_true(fabs(json_number_value(json_object_get(win, "start")) - 4.0) < 1e-9);
    assert_true(fabs(json_number_value(json_object_get(win, "end")) - 16.0) < 1e-9);

    /* Dialogue: cue 1 is outside the window; 2 overlaps its start (on image 1);
     * 3 on image 1; 4 between images 1 and 2; 5 on image 2. */
    json_t *dia = json_object_get(rec, "dialogue");
    assert_int_equal(json_array_size(dia), 4);
    assert_null(find_by(dia, "cue", 1));
    long one[] = {1}, two[] = {2}, between[] = {1, 2};
    assert_ints(json_object_get(find_by(dia, "cue", 2), "frames"), one, 1);
    assert_ints(json_object_get(find_by(dia, "cue", 3), "frames"), one, 1);
    assert_ints(json_object_get(find_by(dia, "cue", 4), "frames"), NULL, 0);
    assert_ints(json_object_get(find_by(dia, "cue", 4), "between"), between, 2);
    assert_ints(json_object_get(find_by(dia, "cue", 5), "frames"), two, 1);
    assert_true(json_is_null(json_object_get(find_by(dia, "cue", 5), "speaker")));

    /* Script: the untimed action and the later scene heading are left out. */
    json_t *script = json_object_get(rec, "script");
    assert_int_equal(json_array_size(script), 3);
    assert_null(find_by(script, "block", 2));
    assert_null(find_by(script, "block", 6));
    json_t *scenes = json_object_get(rec, "scenes");
    assert_int_equal(json_array_size(scenes), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(scenes, 0), "heading")),
                        "INT. ROOM - DAY");

    check_characters(rec);
    assert_int_equal(json_array_size(json_object_get(rec, "problems")), 0);

    assert_int_equal(stats.frames, 2);
    assert_int_equal(stats.frames_with_dialogue, 2);
    assert_int_equal(stats.dialogue_lines, 4);
    assert_int_equal(stats.attributed_lines, 3);
    assert_int_equal(stats.characters, 3);
    assert_int_equal(stats.characters_named, 1);
    json_decref(rec);

    /* Without an alignment: no context, the reason in problems. */
    sm_json_reset(&j);
    assert_int_equal(sm_link_story(&j, &in, &m, NULL, "subtitle missing", &opt, &stats, &err), 0);
    rec = json_loads(j.buf, 0, &jerr);
    assert_true(json_is_null(json_object_get(rec, "alignment")));
    assert_int_equal(json_array_size(json_object_get(rec, "dialogue")), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "problems"), 0)),
                        "no alignment: subtitle missing");
    /* The names still come from the boxes; nobody speaks. */
    json_t *ev1 = json_object_get(json_array_get(json_object_get(rec, "characters"), 0), "evidence");
    assert_true(json_is_false(json_object_get(ev1, "speaks_in_window")));
    json_decref(rec);

    /* A keyframe beyond the shot file. */
    const char *beyond[] = {"tt0000001/shot_0001_img_1.jpg", "tt0000001/shot_0004_img_0.jpg"};
    sm_link_input bad = {"s2", beyond, 2, NULL, "stories.jsonl", 9, NULL};
    sm_json_reset(&j);
    assert_int_equal(sm_link_story(&j, &bad, &m, &al, NULL, &opt, &stats, &err), -1);
    assert_int_equal(err.line, 9);
    assert_non_null(strstr(err.message, "story s2: image 2"));
    assert_non_null(strstr(err.message, "outside the shot file (4 shots: 0..3)"));

    sm_json_free(&j);
    sm_story_set_free(&set);
    sm_film_alignment_free(&al);
}

/* char1 on image 1 and char4 on image 2 both match Martha's boxes: each
 * gets the name, and each points at the other. */
static void split_character_flagged(void **state)
{
    (void)state;
    sm_movie m;
    sm_shot shots[4];
    sm_mn_person persons[4];
    sm_mn_cast cast[2];
    make_movie(&m, shots, persons, cast);
    persons[3] = (sm_mn_person){3, 0, 100, 100, 300, 400, 1000, 500, "nm1"};
    m.n_persons = 4;
    static const char split_cot[] =
        "## Image 1\n### Characters\n"
        "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
        "|---|---|---|---|---|---|---|\n"
        "| char1 | Woman | A woman | Calm | Stands | Protagonist | 50,50,150,200 |\n"
        "## Image 2\n### Characters\n"
        "| Character ID | Name | Description | Emotions | Actions | Narrative Function | Bounding Box |\n"
        "|---|---|---|---|---|---|---|\n"
        "| char4 | Lady | A woman in a coat | Calm | Sits | Stranger | 100,100,300,400 |\n";
    sm_story_set set;
    memset(&set, 0, sizeof set);
    sm_story *story = sm_story_add(&set, "s3", split_cot, strlen(split_cot), "", 0);
    const char *images[] = {"tt0000001/shot_0001_img_1.jpg", "tt0000001/shot_0003_img_0.jpg"};
    sm_link_input in = {"s3", images, 2, story, "stories.jsonl", 1, NULL};
    sm_link_options opt;
    sm_link_options_init(&opt);
    sm_link_stats stats;
    sm_error err;
    sm_json j;
    sm_json_init(&j);
    assert_int_equal(sm_link_story(&j, &in, &m, NULL, "none", &opt, &stats, &err), 0);
    json_t *rec = json_loads(j.buf, 0, NULL);
    json_t *chars = json_object_get(rec, "characters");
    assert_int_equal(json_array_size(chars), 2);
    for (size_t k = 0; k < 2; k++) {
        json_t *c = json_array_get(chars, k);
        assert_string_equal(json_string_value(json_object_get(c, "name")), "Martha Hale");
        json_t *same = json_object_get(json_object_get(c, "evidence"), "same_cast_as");
        assert_int_equal(json_array_size(same), 1);
        assert_string_equal(json_string_value(json_array_get(same, 0)), k == 0 ? "char4" : "char1");
    }
    /* No keyframe JPEG for shot 3 and image 2's annotation resolution is
     * known: image 2 is compared unscaled, and that is reported. */
    json_t *problems = json_object_get(rec, "problems");
    assert_int_equal(json_array_size(problems), 2);
    assert_non_null(strstr(json_string_value(json_array_get(problems, 1)), "unscaled"));
    json_decref(rec);
    sm_json_free(&j);
    sm_story_set_free(&set);
}

static void story_movie_errors(void **state)
{
    (void)state;
    sm_error err;
    char movie[16];
    const char *two[] = {"tt0000001/shot_0001_img_1.jpg", "tt0000002/shot_0001_img_1.jpg"};
    sm_link_input in = {"x", two, 2, NULL, "s.jsonl", 4, NULL};
    assert_int_equal(sm_link_story_movie(&in, movie, &err), -1);
    assert_non_null(strstr(err.message, "one film"));
    assert_int_equal(err.line, 4);
    const char *bad[] = {"picture.png"};
    sm_link_input in2 = {"y", bad, 1, NULL, "s.jsonl", 5, NULL};
    assert_int_equal(sm_link_story_movie(&in2, movie, &err), -1);
    assert_non_null(strstr(err.message, "not a MovieNet keyframe"));
    sm_link_input none = {"z", NULL, 0, NULL, "s.jsonl", 6, NULL};
    assert_int_equal(sm_link_story_movie(&none, movie, &err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_story_record),
        cmocka_unit_test(split_character_flagged),
        cmocka_unit_test(story_movie_errors),
    };
    return cmocka_run_group_tests(tests, make_root, remove_root);
}
