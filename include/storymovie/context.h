/* context.h - reading context records, the output of `storymovie link` and
 * `storymovie build` (OUT/context.jsonl): one JSON object per story with its
 * frames and their times, its window, the script scenes, action and
 * dialogue blocks, the subtitle lines with speakers, the synopsis
 * paragraphs and the real names of its char# ids.
 *
 * Everything after link starts from these records, so they are read here
 * once, typed, with every field the writer (src/link/link_story.c) writes;
 * docs/context.md is the format's reference.  The field names below are the
 * JSON keys.  Times are seconds; image numbers are 1-based, as in the chain
 * of thought's "## Image N".
 *
 * A file is read whole or not at all: the first line that is not a context
 * record (another kind of file, broken JSON, a missing field, a wrong type,
 * an image number the record does not have, a story_id already seen) fails
 * the read with FILE:LINE and what is wrong.  Every image number the reader
 * returns is checked to be in 1..n_frames, so it can index frames[]. */
#ifndef STORYMOVIE_CONTEXT_H
#define STORYMOVIE_CONTEXT_H

#include <stddef.h>
#include "arena.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where an item falls among the story's images. */
typedef struct sm_context_marks {
    const int *frames;        /* images whose shot span the item overlaps, in film order */
    size_t n_frames;
    int has_between;          /* written when it is on no image: */
    int between[2];           /* the image just before it and just after; 0 at an edge */
} sm_context_marks;

typedef struct sm_context_frame {
    int image;                /* its number, = index + 1 */
    const char *keyframe;     /* "tt0120338/shot_0028_img_1.jpg" */
    int shot, img;            /* MovieNet shot (from 0) and keyframe of the shot */
    long frame;               /* video frame */
    double time;              /* frame / fps */
    double shot_start, shot_end;  /* the shot on screen (end exclusive) */
    int lines;                /* subtitle segments overlapping the shot */
} sm_context_frame;

typedef struct sm_context_window {
    double start, end;        /* the story's time span */
    double first_frame, last_frame;  /* earliest and latest keyframe time */
    const char *padding;      /* "shots": window padded to shot bounds; "none" */
    int images_in_film_order;
} sm_context_window;

/* "scenes": the screenplay's scenes overlapping the window. */
typedef struct sm_context_scene {
    int scene;                /* script scene number (0: before the first heading) */
    const char *heading;      /* NULL when the scene has none */
    double start, end;        /* span of its timed blocks */
    sm_context_marks marks;
} sm_context_scene;

/* "movienet_scenes": MovieNet's scene annotation overlapping the window. */
typedef struct sm_context_mn_scene {
    const char *id;           /* "tt0120338_0003"; NULL when the annotation has none */
    int shot_first, shot_last;  /* "shots": [first, last] */
    double start, end;
    sm_context_marks marks;
} sm_context_mn_scene;

/* "script": timed script blocks in the window, in script order (block
 * numbers strictly increase). */
typedef struct sm_context_block {
    long block;               /* 1-based script block, as in the alignment */
    const char *kind;         /* "scene_heading", "action", "dialogue", "transition", ... */
    int scene;
    const char *speaker;      /* dialogue blocks; NULL otherwise */
    const char *text;         /* NULL only when the alignment had none */
    double start, end;
    const char *timing;       /* "aligned", "interpolated"; NULL when untold */
    sm_context_marks marks;
} sm_context_block;

/* "dialogue": subtitle segments in the window, in subtitle order ((cue,
 * segment) strictly increase). */
typedef struct sm_context_segment {
    int cue, segment;         /* cue ordinal from 1; segment 1..k in its cue */
    double start, end;
    const char *speaker;      /* NULL: the aligner abstained */
    double confidence;        /* in [0,1], calibrated */
    const char *text;         /* NULL only when the alignment had none */
    long block;               /* the script block it says; 0 when none (null) */
    const char *evidence;     /* why the speaker ("match", ...); NULL when not written */
    sm_context_marks marks;
} sm_context_segment;

/* "synopsis": MovieNet synopsis paragraphs overlapping the window. */
typedef struct sm_context_synopsis {
    const char *id;           /* NULL when the annotation has none */
    double start, end;
    double overlap;           /* seconds shared with the window */
    const char *description;  /* NULL when the annotation has none */
} sm_context_synopsis;

/* Why a char# got (or did not get) its name. */
typedef struct sm_context_evidence {
    int boxes;                /* images where the char has a box */
    int annotated;            /* ... of those, with MovieNet person boxes */
    const int *matched_frames;  /* images where its box matched the chosen pid */
    size_t n_matched_frames;
    int has_iou;              /* a pid was chosen: */
    double iou_mean, iou_min;
    int conflicting_frames;   /* images where its box matched another pid */
    const char *const *same_cast_as;  /* other char ids given the same cast member */
    size_t n_same_cast_as;
    int has_speaker_check;    /* written for a named char: */
    const char *speaker;      /* the window's speaker the name agrees with, or NULL */
    int speaker_lines;        /* ... and its lines in the window */
    int speaks_in_window;
    int lines_on_its_frames;  /* its lines while its matched images are on screen */
} sm_context_evidence;

typedef struct sm_context_character {
    const char *id;           /* "char3" */
    int number;               /* 3 */
    const char *cot_name;     /* the Name column of the chain of thought, or NULL */
    const char *name;         /* the real character name, or NULL */
    const char *actor;        /* the cast member playing it, or NULL */
    const char *pid;          /* the matched MovieNet person id ("nm...", "others"), or NULL */
    sm_context_evidence evidence;
    const char *unnamed;      /* why it has no name; NULL when named */
} sm_context_character;

typedef struct sm_context {
    long line;                /* its line in the file */
    const char *story_id;
    const char *movie;        /* "tt0120338" */
    const char *title;        /* NULL when the film has no meta */
    double fps;
    sm_context_frame *frames;           /* in story order; n_frames >= 1 */
    size_t n_frames;
    sm_context_window window;
    const char *alignment;    /* "ok"; "mismatch": the script and subtitles share too little
                                 to be one film (no speakers, no script blocks); or NULL: no
                                 alignment (problems say why) */
    sm_context_scene *scenes;
    size_t n_scenes;
    sm_context_mn_scene *movienet_scenes;
    size_t n_movienet_scenes;
    sm_context_block *script;
    size_t n_script;
    sm_context_segment *dialogue;
    size_t n_dialogue;
    sm_context_synopsis *synopsis;
    size_t n_synopsis;
    sm_context_character *characters;
    size_t n_characters;
    const char *const *problems;        /* one line each */
    size_t n_problems;
} sm_context;

/* A file of records, indexed by story_id.  All memory lives in `arena`
 * (except items and the index); free with sm_context_set_free(). */
typedef struct sm_context_set {
    char *name;               /* the file, for messages */
    sm_context *items;        /* in file order */
    size_t n_items;
    size_t *slots;            /* story_id hash index: item + 1, 0 = empty */
    size_t n_slots;           /* a power of two */
    size_t cap;
    sm_arena arena;
} sm_context_set;

/* Read a file of context records (blank lines skipped).  0, or -1 with err
 * naming the file and line; on failure the set is left empty.  A file
 * without a record is an error too: nothing downstream can use it. */
int sm_context_read_file(const char *path, sm_context_set *set, sm_error *err);
/* The same on bytes in memory; `name` is used in messages. */
int sm_context_read_buffer(const char *name, const char *data, size_t len,
                           sm_context_set *set, sm_error *err);
void sm_context_set_free(sm_context_set *set);

/* The record of a story, or NULL. */
const sm_context *sm_context_find(const sm_context_set *set, const char *story_id);

/* The character with that id ("char3"), or NULL. */
const sm_context_character *sm_context_find_character(const sm_context *c, const char *id);
/* Its real name, or NULL (unknown id, or no name found). */
const char *sm_context_name(const sm_context *c, const char *id);

/* The subtitle segment (cue, segment) or script block of the window, or NULL. */
const sm_context_segment *sm_context_find_segment(const sm_context *c, int cue, int segment);
const sm_context_block *sm_context_find_block(const sm_context *c, long block);

/* The window's dialogue in the order it is heard: by start time, then
 * subtitle order.  Fills out[0..n_dialogue) and returns n_dialogue. */
size_t sm_context_dialogue_by_time(const sm_context *c, const sm_context_segment **out);

/* Whether an item falls on image `image` (1-based). */
int sm_context_on_image(const sm_context_marks *m, int image);

#ifdef __cplusplus
}
#endif
#endif
