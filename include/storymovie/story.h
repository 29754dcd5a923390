/* story.h - StoryReasoning / StoryMovie story records: read, check, strip.
 *
 * A story record (SPEC "StoryReasoning / StoryMovie record format") is a
 * JSON object with story_id, images, frame_count, chain_of_thought and
 * story.  Model output is one string "<think>\n{cot}\n</think>\n{story}";
 * the reader accepts it as a whole file or as the `story` (or `output`)
 * field of a record without chain_of_thought, and splits it.
 *
 * The reader never fails on a messy record: it builds as much of the model
 * as it can and records every departure from the format as an issue (with
 * the field and byte offset where it was seen).  sm_story_check() adds the
 * rules that need the whole record (ids defined, counts, phases).  Only
 * I/O errors and allocation failures make the readers return -1.
 *
 * Every piece of text in the model is an sm_span: a byte range into the
 * record's chain_of_thought (tables) or story (tags) string, so nothing is
 * copied and offsets are exact. */
#ifndef STORYMOVIE_STORY_H
#define STORYMOVIE_STORY_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include "arena.h"
#include "error.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_span {
    uint32_t off, len;
} sm_span;

/* Where an issue was seen: which string its offset points into. */
typedef enum sm_story_field {
    SM_FIELD_RECORD = 0,        /* the JSON record as a whole (offset unused) */
    SM_FIELD_COT = 1,           /* chain_of_thought */
    SM_FIELD_STORY = 2          /* story */
} sm_story_field;

/* Entity ids: char#, obj#, lm# (landmark), bg# (background). */
typedef enum sm_entity_kind {
    SM_ENT_NONE = 0, SM_ENT_CHAR, SM_ENT_OBJ, SM_ENT_LM, SM_ENT_BG
} sm_entity_kind;

typedef struct sm_entity_id {
    uint32_t kind;              /* sm_entity_kind; SM_ENT_NONE when malformed */
    uint32_t number;
} sm_entity_id;

/* Parse "char12" etc. exactly (no spaces, lower case).  Returns 0 or -1. */
int sm_entity_id_parse(const char *s, size_t n, sm_entity_id *out);
/* "char12" into buf (at least 24 bytes); returns buf. */
char *sm_entity_id_format(sm_entity_id id, char *buf, size_t size);
const char *sm_entity_kind_name(sm_entity_kind k);  /* "character", "object", ... */

typedef enum sm_table_kind {
    SM_TABLE_CHARACTERS = 0, SM_TABLE_OBJECTS, SM_TABLE_SETTING, SM_TABLE_NARRATIVE,
    SM_TABLE_KINDS
} sm_table_kind;

/* The columns SPEC prescribes, NULL-terminated. */
const char *const *sm_story_table_columns(sm_table_kind kind);
const char *sm_story_table_name(sm_table_kind kind);   /* "Characters", ... */

typedef struct sm_story_row {
    sm_span line;               /* the whole row, in the chain of thought */
    sm_span *cells;             /* trimmed cells */
    uint32_t n_cells;
    sm_entity_id id;            /* Characters/Objects: the first cell */
    int has_box;                /* Characters/Objects: four numbers were read */
    int box_strict;             /* ... and written exactly as x1,y1,x2,y2 */
    int box_ints;               /* ... as four integers without brackets (spaces allowed):
                                   what the StoryReasoning code's int() parsing accepts */
    double box[4];              /* x1, y1, x2, y2 in pixels */
} sm_story_row;

typedef struct sm_story_table {
    int present;
    sm_span heading;            /* "### Characters" line */
    sm_span *header;            /* header cells as written */
    uint32_t n_header;
    int col_name, col_description, col_box, col_images; /* cell index or -1 */
    sm_story_row *rows;
    uint32_t n_rows, rows_cap;
} sm_story_table;

typedef struct sm_story_image {
    int number;                 /* N of "## Image N"; 0 when unreadable */
    sm_span heading;
    sm_story_table tables[3];   /* Characters, Objects, Setting */
} sm_story_image;

typedef enum sm_tag_kind {
    SM_TAG_GDI = 0, SM_TAG_GDO, SM_TAG_GDA, SM_TAG_GDL
} sm_tag_kind;

/* One element of the story: <gdi imageN>…</gdi>, <gdo ids>…</gdo>, … */
typedef struct sm_story_tag {
    uint32_t kind;              /* sm_tag_kind */
    sm_span open;               /* the opening tag, "<gdo char1>" */
    sm_span attr;               /* its attribute text, trimmed */
    sm_span content;            /* text between the tags (to where it was cut off) */
    sm_span close;              /* the closing tag; len 0 when unclosed */
    int closed;
    int image;                  /* GDI: its N; others: N of the enclosing <gdi>, 0 if none */
    int free_text;              /* attribute is not a list of ids (e.g. "location: dark") */
    sm_entity_id *ids;          /* the well-formed ids of the attribute */
    uint32_t n_ids;
} sm_story_tag;

typedef struct sm_story_issue {
    uint32_t field;             /* sm_story_field */
    uint32_t offset;            /* byte offset in that field */
    const char *code;           /* short stable name, e.g. "box-form" */
    const char *message;
} sm_story_issue;

#define SM_STORY_MAX_ISSUES 200 /* per record; the rest are only counted */

typedef struct sm_story {
    const char *story_id;       /* NULL when missing or not a string */
    long record_line;           /* line of the record in its file (1-based) */
    const char **images;
    uint32_t n_images;
    int has_images;
    long frame_count;
    int has_frame_count;
    const char *cot;            /* NUL-terminated; "" when missing */
    uint32_t cot_len;
    const char *text;           /* the story field; "" when missing */
    uint32_t text_len;
    int has_cot, has_text;
    int model_output;           /* cot and story were split from "<think>…</think>…" */
    int broken;                 /* the record could not be read at all (bad JSON) */
    /* Where each field's first byte sits (line, column; 1-based) in what the
     * user sees: 1,1 for a JSON string; its place in a raw model-output file. */
    long cot_line0, cot_col0, text_line0, text_col0;

    sm_story_image *image_sections;
    uint32_t n_image_sections, image_sections_cap;
    sm_story_table narrative;
    sm_story_tag *tags;
    uint32_t n_tags, tags_cap;

    sm_story_issue *issues;
    uint32_t n_issues, issues_cap;
    uint32_t issues_dropped;    /* beyond SM_STORY_MAX_ISSUES */
    int checked;
} sm_story;

/* A file of stories.  All memory of every story lives in `arena`. */
typedef struct sm_story_set {
    char *name;                 /* file name, for messages */
    char *data;                 /* the file text; JSON strings are decoded in place, so
                                   after reading it no longer holds the original lines */
    size_t len;
    sm_story *items;
    size_t n_items, cap;
    int raw_model_output;       /* the file was one "<think>…" output, not JSON Lines */
    int oom;                    /* an allocation failed: the model is incomplete */
    sm_arena arena;
} sm_story_set;

/* Read a JSON Lines file of records, or one raw model output (detected when
 * the file starts with "<think>" after white space; its story_id is the file
 * name without directory and extension).  Empty lines are skipped.  A line
 * that is not a JSON object becomes a `broken` story with an issue.  Returns
 * 0, or -1 (err set) when the file cannot be read. */
int sm_story_read_file(const char *path, sm_story_set *set, sm_error *err);
/* The same on bytes in memory (copied first). */
int sm_story_read_buffer(const char *name, const char *data, size_t len,
                         sm_story_set *set, sm_error *err);
/* Parse one record given as strings (copied into the set); cot may be NULL
 * when `story` is a whole model output.  Returns the story or NULL on OOM. */
sm_story *sm_story_add(sm_story_set *set, const char *story_id,
                       const char *cot, size_t cot_len,
                       const char *story, size_t story_len);
void sm_story_set_free(sm_story_set *set);
/* The first record of set that is not JSON, as an error ("FILE:LINE:
 * MESSAGE"): for commands that must not print some records and drop
 * others.  0 when every record was read. */
int sm_story_set_check_json(const sm_story_set *set, sm_error *err);

/* Tables and tags alone (used by the reader; exposed for tests and fuzzing). */
void sm_story_parse_cot(sm_story_set *set, sm_story *s);
void sm_story_parse_tags(sm_story_set *set, sm_story *s);

typedef struct sm_story_check_options {
    int image_width, image_height;   /* > 0: check boxes are at most 10% outside */
} sm_story_check_options;

/* Apply every SPEC rule that needs the whole record; adds issues to s.
 * Idempotent.  opt may be NULL. */
void sm_story_check(sm_story_set *set, sm_story *s, const sm_story_check_options *opt);

/* Line and column (1-based; column counts UTF-8 characters) of a byte offset
 * of a field.  For JSON Lines records they are relative to the field's
 * decoded string value (line 1 = its first line).  For a raw model-output
 * file they are positions in the file itself.  RECORD issues give 0:0. */
void sm_story_locate(const sm_story *s, const sm_story_issue *issue, long *line, long *col);

/* The problems of s, sorted by field then position, to f: one line each,
 * "STORY_ID:LINE:COL: FIELD: MESSAGE" (a story without story_id is named
 * FILE#RECORD_LINE), then a count of those beyond SM_STORY_MAX_ISSUES; or
 * with json one object per problem (file, record_line, story_id, field,
 * line, col, offset, code, message).  The output of `story check`.
 * Returns 0, or -1 on allocation failure. */
int sm_story_write_issues(FILE *f, const sm_story_set *set, const sm_story *s, int json);

/* Add an issue (printf-style).  Used by the reader and checker. */
void sm_story_issue_add(sm_story_set *set, sm_story *s, sm_story_field field, uint32_t offset,
                        const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* The text language metrics read: the story with every tag "<…>" removed
 * (as the regex <[^>]+> does) and runs of white space collapsed to one
 * space, trimmed.  out must hold len + 1 bytes; returns the length written. */
size_t sm_story_plain_text(const char *story, size_t len, char *out);

/* Intersection over union of two x1,y1,x2,y2 boxes (continuous coordinates,
 * no +1 pixel convention).  0 when either box has no area. */
double sm_box_iou(const double a[4], const double b[4]);

/* True when `id` is defined in some Characters/Objects table of s. */
int sm_story_defines(const sm_story *s, sm_entity_id id);

/* The record of `storymovie story entities` for s, appended to j (no
 * newline): {"story_id","images","entities":[...]}, an entity for every id
 * of a table row or a tag, ordered characters, objects, landmarks,
 * backgrounds by number, each with the images that describe it, box it,
 * mention it and ground it (mentioned and boxed), its names and its
 * mentions.  Returns 0, or -1 on allocation failure. */
int sm_story_entities_json(sm_json *j, const sm_story *s);

/* ------------------------------------------ the commands `story check|text|entities` */

/* "WxH" (e.g. 1280x720, both > 0): 0 with the two sizes, or -1. */
int sm_image_size_parse(const char *text, int *width, int *height);

typedef struct sm_story_check_totals {
    size_t records, bad_records, problems;
} sm_story_check_totals;

/* `story check` on one file: read it, check every record (opt may be
 * NULL), write each record's problems to f (sm_story_write_issues) and
 * add to *t.  0, or -1 with err when the file cannot be read or memory
 * runs out. */
int sm_story_check_file(const char *path, const sm_story_check_options *opt, int json, FILE *f,
                        sm_story_check_totals *t, sm_error *err);

/* What `story text` and `story entities` write: one line per story. */
typedef enum sm_story_lines {
    SM_STORY_TEXT,        /* {"story_id","text"}: the tag-free text */
    SM_STORY_TEXT_PLAIN,  /* the tag-free text alone */
    SM_STORY_ENTITIES     /* sm_story_entities_json */
} sm_story_lines;

/* Read the story records of `path` (refusing the file when a record is
 * not JSON: printing the others would be a silent partial output) and
 * write their lines to `out_path` (NULL or "-": standard output),
 * atomically.  0, or -1 with err. */
int sm_story_write_lines(const char *path, sm_story_lines what, const char *out_path, sm_error *err);

#ifdef __cplusplus
}
#endif
#endif
