/* generate_internal.h - what generate ground and generate tell share: the
 * input stories, the frames of a request, and the output files. */
#ifndef STORYMOVIE_GENERATE_INTERNAL_H
#define STORYMOVIE_GENERATE_INTERNAL_H

#include <stddef.h>

#include "storymovie/generate.h"
#include "storymovie/json.h"
#include "storymovie/io.h"
#include "storymovie/story.h"

/* Needs of a command from its stories. */
enum { GEN_NEED_TEXT = 1, GEN_NEED_IMAGES = 2 };

/* Read the stories file whole and check what the command needs of every
 * record (a line that is not a story record, a story_id twice, no chain of
 * thought ...): the first problem fails with FILE:LINE.  Then check that
 * every id of o->only is a story of the file. */
int gen_read_stories(const char *path, unsigned need, const sm_generate_options *o,
                     sm_story_set *set, sm_error *err);

/* Whether a story is in the run (o->only). */
int gen_selected(const sm_generate_options *o, const char *story_id);

/* The user message of a request: the story's frames (when o->params.images
 * is not NONE) and then the text.  -1 with err naming a frame that is
 * missing. */
int gen_user_message(sm_llm_body *b, const sm_generate_options *o, const sm_story *s,
                     const char *text, sm_error *err);

/* The story's images as a JSON array. */
void gen_write_images(sm_json *j, const sm_story *s);

/* An output file of JSON lines: the non-NULL entries of lines[0..n). */
typedef struct gen_file {
    const char *name;          /* under OUT */
    char *const *lines;
    size_t n;
} gen_file;

/* The end of a run: the summary (the LLM layer's counts and the command's
 * own, written by `extra`), then close the LLM run (which checks the
 * responses file), then the files and OUT/summary.json, each whole before
 * the first is renamed into place.  r gets the request counts.  On failure
 * nothing is written. */
int gen_finish(sm_llm *llm, const sm_generate_options *o, const gen_file *files, size_t n_files,
               void (*extra)(sm_json *j, void *ctx), void *ctx, sm_generate_result *r,
               sm_error *err);

/* The keys every summary starts its own part with: command, model,
 * prompt_version. */
void gen_summary_head(sm_json *j, const char *command, const sm_generate_options *o,
                      const char *prompt_version);

/* A JSON object into a malloc'd string (NULL on OOM); frees j's buffer. */
char *gen_take(sm_json *j);

#endif
