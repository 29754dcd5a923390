/* view_internal.h - the pieces of `storymovie view` (include/storymovie/view.h).
 *
 *   view.c          reads the inputs, matches them by story id, writes the page
 *   view_story.c    one story's data: frames, boxes, dialogue, names, results
 *   view_tags.c     a story's text as a tree of tags, with its quotations marked
 *   view_film.c     one film's alignment: segments and blocks on one timeline
 *   view_records.c  JSON Lines of stage-two results (StoryMovie fields, failures,
 *                   verdicts, QA), kept as they are and grouped by story id
 *   view_images.c   keyframes: relative URLs from the page, or data: URIs
 *   view_page.c     the HTML: embedded JSON that cannot end its element, the
 *                   page's style and script pinned by a Content-Security-Policy
 *   page.css, page.js  the page's style and script (embedded at build time)
 *
 * The data goes to the page as one JSON object written with sm_json; the
 * page's script draws everything from it. */
#ifndef SM_VIEW_INTERNAL_H
#define SM_VIEW_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "storymovie/context.h"
#include "storymovie/error.h"
#include "storymovie/json.h"
#include "storymovie/story.h"
#include "storymovie/view.h"

/* ------------------------------------------------------------ records */

/* One JSON Lines record of a stage-two file, parsed by jansson. */
typedef struct view_record {
    long line;
    const char *story_id;     /* "story_id" (or "story"), inside obj */
    json_t *obj;
    int used;                 /* shown on a page */
} view_record;

typedef struct view_records {
    char *name;               /* the file, for messages */
    view_record *items;       /* in file order */
    size_t n_items;
    size_t *by_id;            /* indices sorted by story_id, then line */
} view_records;

/* Read a JSON Lines file of objects that each name their story ("story_id",
 * or "story" when it is a string) and have at least one of the keys
 * `any_of` (NULL-terminated; NULL: no such rule), which tell a file of this
 * kind from others.  `what` names the kind for the messages ("verdicts").
 * Blank lines are skipped; any other line that is not such an object fails
 * the read. */
int view_records_read(const char *path, const char *what, const char *const *any_of,
                      view_records *r, sm_error *err);
void view_records_free(view_records *r);
/* The records of a story: *first is the first index into r->by_id; returns
 * how many (0 when none). */
size_t view_records_find(const view_records *r, const char *story_id, size_t *first);
/* The record on that line, or NULL. */
view_record *view_records_at_line(const view_records *r, long line);
/* Append each record of the story, as it is, to the array being written. */
void view_records_emit(view_records *r, const char *story_id, sm_json *j);
size_t view_records_unused(const view_records *r);

/* ------------------------------------------------------------ images */

/* The keyframes of the page, each written once (stories share them). */
typedef struct view_images {
    const char *root;         /* MovieNet root, or NULL */
    char *page_dir;           /* the page's directory, resolved; NULL when embedding */
    int embed;
    json_t *seen;             /* resolved file -> [index, width, height] */
    size_t n;                 /* keyframes in the list */
    sm_json *list;            /* the "images" array being built: URL or data: URI */
    sm_view_stats *stats;
} view_images;

int view_images_init(view_images *im, const sm_view_options *o, sm_json *list,
                     sm_view_stats *stats, sm_error *err);
void view_images_free(view_images *im);
/* The keyframe's index in the images list (adding it when new), and its
 * pixel size from the JPEG header.  -1 (and 0 x 0) when there is no root or
 * the file is not there; fails only on a file that cannot be read. */
int view_images_add(view_images *im, const char *keyframe, long *index, int *w, int *h,
                    sm_error *err);
/* The URL of `target` relative to the directory `from` (both absolute and
 * resolved), with every byte that is not safe in a URL path percent-encoded.
 * malloc'ed; NULL when out of memory. */
char *view_relative_url(const char *from, const char *target);

/* ------------------------------------------------------------ stories */

typedef struct view_story_inputs {
    const sm_context *context;
    sm_story *story;                  /* NULL: context only */
    sm_story_set *story_set;          /* the set it belongs to (for checks) */
    json_t *record;                   /* the story's JSON record (StoryMovie fields), or NULL */
    view_records *failures, *verdicts, *qa;   /* each may be NULL */
} view_story_inputs;

/* Append the story's object to the "stories" array being written. */
int view_story_emit(sm_json *j, const view_story_inputs *in, view_images *im,
                    sm_view_stats *stats, sm_error *err);

/* A quotation of a StoryMovie record found in the story text. */
typedef struct view_quote_span {
    size_t start, end;                /* byte range in the story text */
    size_t quote;                     /* its index in the record's "quotes" */
} view_quote_span;

/* The story text as a tree: text runs (strings), quotation pieces
 * ({"q":index,"t":text}) and tags ({"k":"o"|"a"|"l"|"i","ids":[...],"n":image,
 * "at":free-text attribute,"c":[children]}).  Tags that do not parse stay
 * text.  quotes sorted by start, not overlapping. */
void view_tags_emit(sm_json *j, const sm_story *s, const view_quote_span *quotes, size_t n_quotes);

/* ------------------------------------------------------------ films */

/* Append the film object of an alignment file to the "films" array; with
 * contexts, check that the film's context records were made from it. */
int view_film_emit(sm_json *j, const char *path, const sm_context_set *contexts,
                   sm_view_stats *stats, sm_error *err);

/* ------------------------------------------------------------ page */

/* Write the page around `data` (a JSON object).  Returns 0 or -1 with err
 * on a write error or when out of memory. */
int view_page_write(FILE *f, const char *name, const char *data, size_t len, size_t *written,
                    sm_error *err);
/* The JSON escaped for a <script> element: '<', '>', '&', U+2028, U+2029
 * as \u escapes, bytes that are not UTF-8 as \ufffd.  Writes to f. */
int view_write_script_json(FILE *f, const char *data, size_t len, size_t *written);

/* The page's style and script, from page.css and page.js (view_assets.c,
 * generated at build time). */
extern const char sm_view_page_css[];
extern const size_t sm_view_page_css_len;
extern const char sm_view_page_js[];
extern const size_t sm_view_page_js_len;

#endif
