/* dataset_internal.h - what the files of src/dataset share. */
#ifndef STORYMOVIE_DATASET_INTERNAL_H
#define STORYMOVIE_DATASET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "storymovie/arena.h"
#include "storymovie/dataset.h"
#include "storymovie/io.h"
#include "storymovie/json.h"
#include "storymovie/story.h"

/* ---- outdir.c: a directory that appears whole or not at all ---------------- */

/* Output directories are built as DIR.tmp-PID-XXXXXX beside DIR and renamed
 * into place at the end.  An existing DIR is replaced only when it is empty
 * or holds our marker file (.storymovie, first line = `kind`), so a typo in
 * --out never deletes someone's directory.  Stale DIR.tmp-PID-* of processes
 * that no longer run (a killed earlier run) are removed on begin. */
typedef struct ds_outdir {
    char *final;                /* DIR */
    char *tmp;                  /* DIR.tmp-PID-XXXXXX, where everything is written */
} ds_outdir;

int ds_outdir_begin(ds_outdir *d, const char *path, const char *kind, sm_error *err);
int ds_outdir_commit(ds_outdir *d, sm_error *err);
void ds_outdir_abort(ds_outdir *d);      /* removes the temporary tree */

/* Remove a tree (never following symbolic links).  0 or -1. */
int ds_remove_tree(const char *path);

/* Hard-link src (following a symbolic link) to dst; copy it where a link
 * cannot be made (another filesystem, no permission) or when copy is set.
 * *copied is incremented for a copy.  0 or -1 (err names the file). */
int ds_link_or_copy(const char *src, const char *dst, int copy, size_t *copied, sm_error *err);

/* mkdir that accepts an existing directory.  0 or -1. */
int ds_make_dir(const char *path, sm_error *err);

/* Write a whole file (inside an output directory being built). */
int ds_write_file(const char *path, const char *data, size_t len, sm_error *err);

/* path + "/" + name into a malloc'd string (NULL on OOM). */
char *ds_join(const char *dir, const char *name);

/* ---- choices.c: deterministic choices ------------------------------------- */

/* 64-bit hash of (seed, text): FNV-1a over the text, mixed with the seed
 * through the splitmix64 finaliser.  Stable across platforms and runs. */
uint64_t ds_hash(uint64_t seed, const char *text);
/* streams: sm_rng (storymovie/rng.h) */

/* ---- input.c: story records with their extras and frames ------------------- */

enum {
    DS_HAS_SOURCE_STORY = 1 << 0, DS_HAS_NAMES = 1 << 1, DS_HAS_QUOTES = 1 << 2,
    DS_HAS_MODEL = 1 << 3, DS_HAS_PROMPT_VERSION = 1 << 4, DS_HAS_ATTEMPTS = 1 << 5
};

typedef struct ds_story {
    sm_story *s;                /* the parsed record (in in->set) */
    const char *movie;          /* film id: the record's "movie", else its keyframes' */
    unsigned extras;            /* DS_HAS_* present in this record */
    const char *source_story, *model, *prompt_version;
    const char *names_json, *quotes_json;   /* compact JSON text */
    long attempts;
    size_t nnames, nquotes, nattributed;
    char **frames;              /* the image files found, one per image */
    int split;                  /* 0 train, 1 test */
} ds_story;

typedef struct ds_input {
    sm_story_set set;
    ds_story *items;
    size_t n_items;
    unsigned extras;            /* union over the records */
    sm_arena arena;
} ds_input;

/* Read and check a stories file for `dataset` (need_text: chain of thought
 * and story required and consistent with the frames) or `negatives` (only
 * story_id and images).  Every image is looked up under movienet.  The first
 * problem found is the error.  Returns 0 or -1. */
int ds_input_read(const char *path, const char *movienet, int need_text, ds_input *in,
                  sm_error *err);
void ds_input_free(ds_input *in);

/* Find the file of one record image: a MovieNet keyframe name is looked up
 * as sm_movienet_keyframe_path() does, anything else as ROOT/NAME (or NAME
 * when absolute).  buf holds the path found (or the first tried). 0 / -1. */
int ds_find_image(const char *root, const char *name, char *buf, size_t size);

/* The film of an image name ("tt0120338/shot_0001_img_0.jpg" -> tt0120338);
 * 0 or -1 when the name is not a MovieNet keyframe. */
int ds_image_movie(const char *name, char movie[16]);

/* A story id usable as a directory name: not empty, not "." or "..", no
 * '/', '\\' or control characters, at most 200 bytes. */
int ds_safe_dir_name(const char *id);

/* Extension for a copied image: ".jpg" (also for .jpeg), ".png", else ".jpg". */
const char *ds_image_ext(const char *name);

/* ---- rows.c: reading a dataset directory back ----------------------------- */

typedef struct ds_row {
    const char *story_id, *movie;
    const char *cot, *story;
    size_t cot_len, story_len;
    const char **file_names;    /* as written, relative to the split directory */
    const char **source_images; /* the records' image names (may be NULL) */
    size_t nfiles, nsource;
    int split;                  /* 0 train, 1 test */
    long line;                  /* in its metadata.jsonl */
} ds_row;

typedef struct ds_rows {
    char *dir;                  /* the dataset directory */
    ds_row *items;
    size_t n_items;
    size_t *by_id;              /* indices sorted by story_id, for ds_rows_find */
    sm_arena arena;
} ds_rows;

int ds_rows_read(const char *dataset_dir, ds_rows *rows, sm_error *err);
void ds_rows_free(ds_rows *rows);
/* Index of a story_id, or -1. */
long ds_rows_find(const ds_rows *rows, const char *story_id);

/* ---- messages.c: the rows each trainer reads ------------------------------- */

typedef struct ds_prompt {
    const char *system, *instruction;
} ds_prompt;

/* "<think>\n" cot "\n</think>\n" story into a malloc'd string. */
char *ds_answer_text(const char *cot, size_t cot_len, const char *story, size_t story_len,
                     size_t *len_out);

/* Write the conversation parts of one row (keys without the enclosing
 * object).  TRL: content is a list of parts, one {"type":"image"} per image
 * before the instruction.  LLaMA-Factory: content is a string with one
 * "<image>" per image before the instruction. */
void ds_write_prompt_messages(sm_json *j, sm_export_format f, const ds_prompt *p, size_t n_images);
void ds_write_assistant(sm_json *j, sm_export_format f, const char *text, size_t len);

/* A text that trainers would misread: LLaMA-Factory counts "<image>",
 * "<video>" and "<audio>" anywhere in a message as media placeholders.
 * Returns the placeholder found, or NULL. */
const char *ds_placeholder_in(const char *text, size_t len);

/* "key": [v[0], ..., v[n-1]] */
void ds_write_string_list(sm_json *j, const char *key, const char *const *v, size_t n);

/* dataset_info.json stanza for one file. */
void ds_write_dataset_info_entry(sm_json *j, const char *name, const char *file, int ranking);

#endif
