/* test_movienet.c - shot files, keyframe names, frame -> seconds, JPEG
 * sizes, and loading a film whose pieces are missing or broken. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storymovie/movienet.h"

static char root[64];

static void write_file(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mkdir_rel(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    mkdir(path, 0755);
}

/* A corpus of three films:
 *   tt0000001  complete (fps 23.976)
 *   tt0000002  no subtitle, broken meta JSON, empty shot file
 *   tt0000003  not in video_info, shot file with a bad line, no annotation */
static int make_corpus(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/sm_test_movienet_XXXXXX");
    if (!mkdtemp(root))
        return -1;
    const char *dirs[] = {"shot", "meta", "annotation", "script", "subtitle", "tt0000001"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
        mkdir_rel(dirs[i]);
    write_file("movie1K.video_info.v1.json",
               "{\"tt0000001\": {\"fps\": 23.976, \"resolution\": [1280, 720]},\n"
               " \"tt0000002\": {\"fps\": 25.0},\n"
               " \"bogus\": {\"fps\": 24}, \"tt0000009\": {\"fps\": -1}}\n");
    write_file("shot/tt0000001.txt",
               "0 999 100 500 900\r\n"
               "1000 1000 1000 1000 1000\r\n"
               "\n"
               "1001 2399 1100 1700 2300\r\n");
    write_file("shot/tt0000002.txt", "\n\n");
    write_file("shot/tt0000003.txt", "0 10 1 5 9\n11 20 12 15\n");
    write_file("meta/tt0000001.json",
               "{\"imdb_id\": \"tt0000001\", \"title\": \"Sample (2001)\",\n"
               " \"cast\": [{\"id\": \"nm1\", \"name\": \"Ann Actor\", \"character\": \"Rose\"},\n"
               "          {\"id\": \"nm2\", \"name\": \"Bo Actor\", \"character\": null}]}\n");
    write_file("meta/tt0000002.json", "{\"imdb_id\": \"tt0000002\",\n \"cast\": [\n");
    write_file("annotation/tt0000001.json",
               "{\"imdb_id\": \"tt0000001\",\n"
               " \"cast\": [\n"
               "  {\"id\": \"a\", \"shot_idx\": 0, \"img_idx\": 1, \"resolution\": [1280, 720],\n"
               "   \"body\": {\"type\": \"detected\", \"bbox\": [100, 50, 400, 700]}, \"pid\": \"nm1\"},\n"
               "  {\"id\": \"b\", \"shot_idx\": 0, \"img_idx\": 1, \"resolution\": [1280, 720],\n"
               "   \"body\": {\"bbox\": [600, 60, 900, 710]}, \"pid\": \"others\"},\n"
               "  {\"id\": \"c\", \"shot_idx\": 2, \"img_idx\": 0, \"face\": {\"bbox\": [1, 2, 3, 4]}}\n"
               " ],\n"
               " \"scene\": [{\"id\": \"s0\", \"shot\": [0, 1], \"frame\": [0, 1000],\n"
               "             \"place_tag\": null, \"action_tag\": null}],\n"
               " \"story\": [{\"id\": \"p0\", \"shot\": [0, 2], \"frame\": [0, 2399],\n"
               "   \"duration\": [0.0, 100.05], \"description\": \"Rose meets Bo.\",\n"
               "   \"subtitle\": [{\"shot\": 0, \"duration\": [1.5, 3.25], \"sentences\": [\"Hello.\", \"Who are you?\"]}]}]\n"
               "}\n");
    write_file("script/tt0000001.script", "INT. ROOM - DAY\n\n          ROSE\n     Hello.\n");
    write_file("subtitle/tt0000001.srt", "1\n00:00:01,500 --> 00:00:03,250\nHello.\n");
    write_file("script/tt0000002.script", "INT. ROOM - DAY\n");
    write_file("script/tt0000003.script", "");
    write_file("subtitle/tt0000003.srt", "1\n00:00:01,500 --> 00:00:03,250\nHi.\n");
    /* A 640x360 keyframe: SOI, an APP0 segment, then SOF0. */
    static const unsigned char jpeg[] = {
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x68, 0x02, 0x80, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        0xFF, 0xD9};
    char path[256];
    snprintf(path, sizeof path, "%s/tt0000001/shot_0000_img_1.jpg", root);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    fwrite(jpeg, 1, sizeof jpeg, f);
    fclose(f);
    return 0;
}

static int remove_corpus(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void shots_end_inclusive(void **state)
{
    (void)state;
    const char *text = "0 99 10 50 90\n100 199 110 150 190\n200 200 200 200 200";
    sm_shot *shots;
    size_t n;
    sm_error err;
    assert_int_equal(sm_shots_parse("x.txt", text, strlen(text), &shots, &n, &err), 0);
    assert_int_equal(n, 3);
    /* Shot 0 covers frames 0..99 inclusive: 100 frames, and shot 1 starts at 100. */
    assert_int_equal(shots[0].end - shots[0].start + 1, 100);
    assert_int_equal(shots[1].start, shots[0].end + 1);
    assert_int_equal(shots[1].key[2], 190);
    /* A one-frame shot is legal. */
    assert_int_equal(shots[2].start, shots[2].end);
    free(shots);
}

static void shots_bad_lines(void **state)
{
    (void)state;
    sm_shot *shots;
    size_t n;
    sm_error err;
    const char *four = "0 99 10 50 90\n100 199 110 150\n";
    assert_int_equal(sm_shots_parse("s.txt", four, strlen(four), &shots, &n, &err), -1);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.file, "s.txt");
    const char *backwards = "50 10 1 2 3\n";
    assert_int_equal(sm_shots_parse("s.txt", backwards, strlen(backwards), &shots, &n, &err), -1);
    assert_non_null(strstr(err.message, "ends"));
    const char *trailing = "0 9 1 2 3 x\n";
    assert_int_equal(sm_shots_parse("s.txt", trailing, strlen(trailing), &shots, &n, &err), -1);
    const char *negative = "0 9 -1 2 3\n";
    assert_int_equal(sm_shots_parse("s.txt", negative, strlen(negative), &shots, &n, &err), -1);
    assert_int_equal(sm_shots_parse("s.txt", " \n\n", 3, &shots, &n, &err), -1);
    assert_non_null(strstr(err.message, "no shots"));
    assert_null(shots);
}

static void keyframe_names(void **state)
{
    (void)state;
    sm_keyframe k;
    sm_error err;
    assert_int_equal(sm_keyframe_parse("tt0120338/shot_0123_img_1.jpg", &k, &err), 0);
    assert_string_equal(k.movie, "tt0120338");
    assert_int_equal(k.shot, 123);
    assert_int_equal(k.img, 1);
    assert_int_equal(sm_keyframe_parse("/data/keyf/tt0120338/shot_1999_img_2.jpg", &k, &err), 0);
    assert_int_equal(k.shot, 1999);
    assert_int_equal(k.img, 2);
    assert_int_equal(sm_keyframe_parse("tt0120338/shot_12345_img_0", &k, &err), 0);
    assert_int_equal(k.shot, 12345);
    const char *bad[] = {"shot_0001_img_0.jpg", "tt0120338/shot_0001_img_3.jpg",
                         "tt0120338/shot_abcd_img_0.jpg", "tt0120338/frame_0001.jpg",
                         "movie/shot_0001_img_0.jpg", "tt0120338/shot_0001_img_0.gif",
                         "tt0120338/shot__img_0.jpg", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.message[0] = '\0';
        assert_int_equal(sm_keyframe_parse(bad[i], &k, &err), -1);
        assert_true(err.message[0] != '\0');
    }
}

static void frame_to_seconds_worked_examples(void **state)
{
    (void)state;
    /* 1000 / 23.976 = 41.7083...: NTSC film rate, not 24. */
    assert_true(fabs(sm_frame_seconds(1000, 23.976) - 41.708375) < 1e-6);
    assert_true(fabs(sm_frame_seconds(1000, 24.0) - 41.666667) < 1e-6);
    assert_true(fabs(sm_frame_seconds(44851, 23.976) - 1870.662329) < 1e-6);
    assert_true(sm_frame_seconds(0, 25.0) == 0.0);
    assert_true(fabs(sm_frame_seconds(2500, 25.0) - 100.0) < 1e-12);
    assert_true(sm_frame_seconds(100, 0.0) == 0.0);   /* unknown fps: no division by zero */
}

static void complete_film(void **state)
{
    (void)state;
    sm_movienet mn;
    sm_error err;
    assert_int_equal(sm_movienet_open(root, &mn, &err), 0);
    assert_string_equal(mn.fps_problem, "");
    assert_int_equal(mn.n_fps, 2);    /* "bogus" and the negative fps are dropped */
    assert_true(sm_movienet_fps(&mn, "tt0000001") == 23.976);
    assert_true(sm_movienet_fps(&mn, "tt0000404") == 0.0);

    sm_movie m;
    assert_int_equal(sm_movie_load(&mn, "tt0000001", SM_MN_ALL, &m, &err), 0);
    assert_int_equal(m.problems.n_items, 1);   /* the cast entry with a face box only */
    assert_non_null(strstr(m.problems.items[0].message, "1 cast entries"));
    assert_int_equal(m.have, SM_MN_FPS | SM_MN_SHOTS | SM_MN_META | SM_MN_ANNOTATION |
                                 SM_MN_SCRIPT | SM_MN_SUBTITLE);
    assert_int_equal(m.n_shots, 3);
    assert_string_equal(m.title, "Sample (2001)");
    assert_int_equal(m.n_cast, 2);
    assert_string_equal(sm_movie_cast(&m, "nm1")->character, "Rose");
    assert_null(sm_movie_cast(&m, "nm2")->character);
    assert_null(sm_movie_cast(&m, "others"));
    assert_int_equal(m.n_persons, 2);
    assert_string_equal(m.persons[0].pid, "nm1");
    assert_int_equal(m.persons[0].res_w, 1280);
    assert_true(m.persons[1].x2 == 900);
    assert_int_equal(m.n_scenes, 1);
    assert_int_equal(m.scenes[0].frame_last, 1000);
    assert_int_equal(m.n_synopsis, 1);
    assert_true(m.synopsis[0].end == 100.05);
    assert_string_equal(m.synopsis[0].description, "Rose meets Bo.");
    assert_int_equal(m.synopsis[0].n_subtitles, 1);
    assert_string_equal(m.synopsis[0].subtitles[0].text, "Hello. Who are you?");

    /* shot_0001_img_2: the one-frame shot 1 -> frame 1000 -> 41.708 s at 23.976. */
    long frame = -1;
    assert_int_equal(sm_movie_keyframe_frame(&m, 1, 2, &frame, &err), 0);
    assert_int_equal(frame, 1000);
    assert_true(fabs(sm_frame_seconds(frame, m.fps) - 41.708) < 0.0005);
    assert_int_equal(sm_movie_keyframe_frame(&m, 2, 0, &frame, &err), 0);
    assert_int_equal(frame, 1100);

    /* A keyframe beyond the shot file is a clear error naming the file. */
    assert_int_equal(sm_movie_keyframe_frame(&m, 3, 0, &frame, &err), -1);
    assert_non_null(strstr(err.file, "shot/tt0000001.txt"));
    assert_non_null(strstr(err.message, "shot_0003_img_0 is outside the shot file (3 shots: 0..2)"));
    assert_int_equal(sm_movie_keyframe_frame(&m, 0, 3, &frame, &err), -1);
    assert_int_equal(sm_movie_keyframe_frame(&m, -1, 0, &frame, &err), -1);

    sm_keyframe k = {"tt0000001", 0, 1};
    char path[512];
    assert_int_equal(sm_movienet_keyframe_path(root, &k, path, sizeof path), 0);
    int w = 0, h = 0;
    assert_int_equal(sm_jpeg_size(path, &w, &h, &err), 0);
    assert_int_equal(w, 640);
    assert_int_equal(h, 360);
    k.img = 2;
    assert_int_equal(sm_movienet_keyframe_path(root, &k, path, sizeof path), -1);
    assert_int_equal(sm_jpeg_size(path, &w, &h, &err), -1);
    assert_non_null(strstr(err.message, "cannot read"));
    sm_movie_free(&m);
    sm_movienet_close(&mn);
}

static int has_problem(const sm_movie *m, const char *a, const char *b)
{
    for (size_t i = 0; i < m->problems.n_items; i++)
        if (strstr(m->problems.items[i].message, a) && strstr(m->problems.items[i].message, b))
            return 1;
    return 0;
}

static void broken_films_report_each_piece(void **state)
{
    (void)state;
    sm_movienet mn;
    sm_error err;
    assert_int_equal(sm_movienet_open(root, &mn, &err), 0);
    sm_movie m;
    assert_int_equal(sm_movie_load(&mn, "tt0000002", SM_MN_ALL, &m, &err), 0);
    assert_int_equal(m.have, SM_MN_FPS | SM_MN_SCRIPT);
    assert_true(has_problem(&m, "shot/tt0000002.txt", "no shots (empty shot file)"));
    assert_true(has_problem(&m, "meta/tt0000002.json:", "broken JSON"));
    assert_true(has_problem(&m, "annotation/tt0000002.json", "missing"));
    assert_true(has_problem(&m, "subtitle/tt0000002.srt", "missing"));
    assert_int_equal(m.problems.n_items, 4);
    long frame;
    assert_int_equal(sm_movie_keyframe_frame(&m, 0, 0, &frame, &err), -1);
    assert_non_null(strstr(err.message, "no shots loaded"));
    sm_movie_free(&m);

    assert_int_equal(sm_movie_load(&mn, "tt0000003", SM_MN_ALL, &m, &err), 0);
    assert_int_equal(m.have, SM_MN_SUBTITLE);
    assert_true(has_problem(&m, "no fps for tt0000003", ""));
    assert_true(has_problem(&m, "shot/tt0000003.txt:2:", "5 non-negative integers"));
    assert_true(has_problem(&m, "script/tt0000003.script", "empty file"));
    sm_movie_free(&m);

    /* Only the pieces asked for are looked at. */
    assert_int_equal(sm_movie_load(&mn, "tt0000002", SM_MN_SCRIPT, &m, &err), 0);
    assert_int_equal(m.problems.n_items, 0);
    sm_movie_free(&m);

    assert_int_equal(sm_movie_load(&mn, "../etc", SM_MN_ALL, &m, &err), -1);
    sm_movienet_close(&mn);

    assert_int_equal(sm_movienet_open("/nonexistent/corpus", &mn, &err), -1);
}

static void missing_video_info(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/movie1K.video_info.v1.json", root);
    char saved[300];
    snprintf(saved, sizeof saved, "%s.saved", path);
    assert_int_equal(rename(path, saved), 0);
    sm_movienet mn;
    sm_error err;
    assert_int_equal(sm_movienet_open(root, &mn, &err), 0);
    assert_non_null(strstr(mn.fps_problem, "missing"));
    sm_movie m;
    assert_int_equal(sm_movie_load(&mn, "tt0000001", SM_MN_FPS, &m, &err), 0);
    assert_int_equal(m.have, 0);
    assert_true(has_problem(&m, "video_info", "missing"));
    sm_movie_free(&m);
    sm_movienet_close(&mn);
    write_file("movie1K.video_info.v1.json", "{\"tt0000001\": {\"fps\": 23.976},");
    assert_int_equal(sm_movienet_open(root, &mn, &err), 0);
    assert_non_null(strstr(mn.fps_problem, "broken JSON"));
    sm_movienet_close(&mn);
    assert_int_equal(rename(saved, path), 0);
}

static void jpeg_headers(void **state)
{
    (void)state;
    int w = 0, h = 0;
    sm_error err;
    /* Progressive (SOF2) after a fill byte and an APP1 segment. */
    static const unsigned char prog[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x04, 0xAA, 0xBB, 0xFF, 0xFF,
                                         0xC2, 0x00, 0x0B, 0x08, 0x02, 0xD0, 0x05, 0x00, 0x01, 1, 0x11, 0};
    assert_int_equal(sm_jpeg_size_mem("p.jpg", prog, sizeof prog, &w, &h, &err), 0);
    assert_int_equal(w, 1280);
    assert_int_equal(h, 720);
    /* DHT (C4) is not a frame header. */
    static const unsigned char dht_only[] = {0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x03, 0x00, 0xFF, 0xD9};
    assert_int_equal(sm_jpeg_size_mem("d.jpg", dht_only, sizeof dht_only, &w, &h, &err), -1);
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', 0, 0};
    assert_int_equal(sm_jpeg_size_mem("x.png", png, sizeof png, &w, &h, &err), -1);
    assert_non_null(strstr(err.message, "not a JPEG"));
    static const unsigned char truncated[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x40, 0x00, 0x00};
    assert_int_equal(sm_jpeg_size_mem("t.jpg", truncated, sizeof truncated, &w, &h, &err), -1);
    assert_non_null(strstr(err.message, "past the end"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shots_end_inclusive),
        cmocka_unit_test(shots_bad_lines),
        cmocka_unit_test(keyframe_names),
        cmocka_unit_test(frame_to_seconds_worked_examples),
        cmocka_unit_test(complete_film),
        cmocka_unit_test(broken_films_report_each_piece),
        cmocka_unit_test(missing_video_info),
        cmocka_unit_test(jpeg_headers),
    };
    return cmocka_run_group_tests(tests, make_corpus, remove_corpus);
}
