/* movienet.h - reading a MovieNet-layout corpus (SPEC "MovieNet layout").
 *
 *   ROOT/movie1K.video_info.v1.json  {"tt...": {"fps": 23.976, ...}, ...}
 *   ROOT/shot/tt....txt              "start end k0 k1 k2" per shot, from shot 0,
 *                                    end inclusive, k0..k2 keyframe frame indices
 *   ROOT/tt.../shot_%04d_img_%d.jpg  keyframes (img 0..2 of that shot); also
 *                                    looked for under ROOT/keyframes/, frame/,
 *                                    240P/ and keyf_240p/
 *   ROOT/meta/tt....json             imdb_id, title, cast [{id,name,character}], ...
 *   ROOT/annotation/tt....json       cast (person boxes with pid), scene, story
 *   ROOT/script/tt....script         screenplay (plain text)
 *   ROOT/subtitle/tt....srt          subtitles
 *
 * A keyframe name maps to (movie, shot, img); the shot file gives that
 * keyframe's frame index; seconds = frame / fps.
 *
 * Real corpora have holes: a film without subtitles, a truncated JSON file,
 * an empty shot file.  sm_movie_load() therefore never fails because of a
 * single piece: it loads what it can and lists every missing or broken
 * piece in movie->problems (one line each, naming the file), and sets the
 * SM_MN_* bits of what it did load.  Callers decide what they need. */
#ifndef STORYMOVIE_MOVIENET_H
#define STORYMOVIE_MOVIENET_H

#include <stddef.h>
#include "arena.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One shot: frames start..end (inclusive) and its three keyframes. */
typedef struct sm_shot {
    long start, end;
    long key[3];
} sm_shot;

/* Parse a shot file's text.  Blank lines are ignored; anything else that
 * is not 5 non-negative integers with start <= end is an error naming the
 * line.  An empty file is an error ("no shots"). *out is malloc'ed. */
int sm_shots_parse(const char *name, const char *text, size_t len,
                   sm_shot **out, size_t *n_out, sm_error *err);

/* "tt0120338/shot_0123_img_1.jpg" (any leading directories; .jpg/.jpeg/.png). */
typedef struct sm_keyframe {
    char movie[16];          /* "tt0120338" */
    int shot;                /* from 0 */
    int img;                 /* 0..2 */
} sm_keyframe;

int sm_keyframe_parse(const char *name, sm_keyframe *out, sm_error *err);

/* frame / fps.  fps must be > 0. */
double sm_frame_seconds(long frame, double fps);

/* A person box of annotation/tt.json "cast": at (shot, img), in pixels of
 * an image of size res_w x res_h.  pid is a cast id ("nm0000138"),
 * "others", or NULL when unlabelled. */
typedef struct sm_mn_person {
    int shot, img;
    double x1, y1, x2, y2;
    int res_w, res_h;        /* 0 when the annotation gives no resolution */
    const char *pid;
} sm_mn_person;

/* meta/tt.json "cast". */
typedef struct sm_mn_cast {
    const char *id;          /* "nm0000138" */
    const char *name;        /* the actor: "Leonardo DiCaprio" */
    const char *character;   /* "Jack Dawson"; may be NULL */
} sm_mn_cast;

/* annotation "scene". */
typedef struct sm_mn_scene {
    const char *id;
    int shot_first, shot_last;
    long frame_first, frame_last;
} sm_mn_scene;

/* One subtitle item inside an annotation "story" segment. */
typedef struct sm_mn_sentence {
    int shot;
    double start, end;       /* seconds */
    const char *text;        /* the item's sentences joined by ' ' */
} sm_mn_sentence;

/* annotation "story": a synopsis paragraph and the segment it describes. */
typedef struct sm_mn_synopsis {
    const char *id;
    int shot_first, shot_last;
    long frame_first, frame_last;
    double start, end;       /* seconds ("duration"; from frames/fps when absent) */
    const char *description;
    sm_mn_sentence *subtitles;
    size_t n_subtitles;
} sm_mn_synopsis;

enum {
    SM_MN_FPS = 1 << 0,
    SM_MN_SHOTS = 1 << 1,
    SM_MN_META = 1 << 2,
    SM_MN_ANNOTATION = 1 << 3,
    SM_MN_SCRIPT = 1 << 4,     /* the file exists and is not empty */
    SM_MN_SUBTITLE = 1 << 5
};

typedef struct sm_movie {
    char id[16];
    unsigned have;           /* SM_MN_* bits of the pieces that loaded */
    double fps;              /* 0 when unknown */
    sm_shot *shots;
    size_t n_shots;
    const char *title;       /* meta; NULL when none */
    sm_mn_cast *cast;
    size_t n_cast;
    sm_mn_person *persons;
    size_t n_persons;
    sm_mn_scene *scenes;
    size_t n_scenes;
    sm_mn_synopsis *synopsis;
    size_t n_synopsis;
    const char *script_path;     /* ROOT/script/tt.script (even when missing) */
    const char *subtitle_path;   /* ROOT/subtitle/tt.srt (or .vtt/.ass when that exists) */
    const char *root;            /* the corpus root */
    sm_warnings problems;        /* "ROOT/meta/tt.json: broken JSON at line 3: ..." */
    sm_arena arena;              /* owns the strings and arrays above, except shots */
} sm_movie;

/* The corpus: its root and the fps table. */
typedef struct sm_movienet_fps_entry {
    char id[16];
    double fps;
} sm_movienet_fps_entry;

typedef struct sm_movienet {
    char *root;
    sm_movienet_fps_entry *fps;   /* sorted by id */
    size_t n_fps;
    char fps_problem[1400];   /* why video_info could not be read ("" when it could) */
} sm_movienet;

/* Fails only when root is not a directory.  A missing or broken
 * video_info file is recorded in fps_problem (every film then lacks fps). */
int sm_movienet_open(const char *root, sm_movienet *out, sm_error *err);
void sm_movienet_close(sm_movienet *mn);
/* 0 when the film is not in video_info. */
double sm_movienet_fps(const sm_movienet *mn, const char *id);

/* Pieces to load (SM_MN_* bits); SM_MN_ALL for everything. */
#define SM_MN_ALL 0xffu

/* Loads the pieces asked for; fails only for an id that is not tt + digits
 * or when out of memory.  Problems go to out->problems. */
int sm_movie_load(const sm_movienet *mn, const char *id, unsigned pieces,
                  sm_movie *out, sm_error *err);
void sm_movie_free(sm_movie *m);

/* Frame index of keyframe img (0..2) of shot.  A shot beyond the shot file
 * or an img outside 0..2 is an error naming the film's shot file. */
int sm_movie_keyframe_frame(const sm_movie *m, int shot, int img, long *frame, sm_error *err);

/* The actor and character for a cast id; NULL when not in meta. */
const sm_mn_cast *sm_movie_cast(const sm_movie *m, const char *pid);

/* Where the JPEG of a keyframe is: ROOT/<movie>/shot_..jpg, then
 * ROOT/keyframes/..., ROOT/frame/..., ROOT/240P/..., ROOT/keyf_240p/...  Writes the path into buf and returns
 * 0, or -1 when no candidate exists (buf then holds the first candidate). */
int sm_movienet_keyframe_path(const char *root, const sm_keyframe *k, char *buf, size_t size);

/* Width and height of a JPEG from its SOF header (no decoding). */
int sm_jpeg_size(const char *path, int *width, int *height, sm_error *err);
int sm_jpeg_size_mem(const char *name, const unsigned char *data, size_t len,
                     int *width, int *height, sm_error *err);

#ifdef __cplusplus
}
#endif
#endif
