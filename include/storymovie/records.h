/* records.h - the records of storymovie's commands as text in memory.
 *
 * For programs and bindings (the Python module, python/storymovie) that
 * want what `storymovie subs`, `script`, `align`, `link` and `eval
 * speakers|grounding|language` write, from files or from bytes in memory,
 * without a process or an output file.  Each function writes the JSON Lines
 * of its command with the command's own writer, so the records are the
 * command's, byte for byte (the summaries a command prints on standard
 * error are not part of them, nor is the provenance record `align` puts
 * first in a file: records in memory have no file to describe).
 *
 * An input is a file (data NULL: the file `name` is read) or bytes in
 * memory (`len` bytes at `data`, named `name` in messages, "-" when NULL).
 * Bytes are read as a file's are: any common encoding, BOMs, line ends; at
 * most SM_TEXT_MAX_FILE of them (text.h).
 *
 * Each function returns the records, NUL-terminated, in memory of its own
 * (free it with sm_free()), with their length in *len (may be NULL); or
 * NULL with err filled with the one-line message the command prints
 * (sm_error_format() makes "FILE:LINE: MESSAGE" of it).  The functions hold
 * no state between calls and may run in several threads at once. */
#ifndef STORYMOVIE_RECORDS_H
#define STORYMOVIE_RECORDS_H

#include <stddef.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_input {
    const char *name;         /* the file, or what to call the bytes */
    const void *data;         /* NULL: read the file `name` */
    size_t len;
} sm_input;

/* `storymovie subs FILE`: one record per subtitle segment. */
char *sm_subtitles_records(const sm_input *subtitles, size_t *len, sm_error *err);

/* `storymovie script [--format FORMAT] FILE`: the title record when there
 * is one, then one record per block.  format: "plain", "fountain",
 * "transcript", or NULL to detect it. */
char *sm_script_records(const sm_input *script, const char *format, size_t *len, sm_error *err);

/* `storymovie align SCRIPT SUBTITLES`: the segment records, then the block
 * records (tsv: the --format tsv lines instead).  min_confidence below 0
 * means the default (0.5); use_hints 0 is --no-hints. */
char *sm_align_records(const sm_input *script, const sm_input *subtitles, double min_confidence,
                       int use_hints, int tsv, size_t *len, sm_error *err);

/* `storymovie link MOVIENET_DIR --stories STORIES`: one context record per
 * story linked, in input order.  align_dir: --align-dir (NULL: align each
 * film in-process); iou_min below 0: the default (0.5); padding 0 is
 * --no-padding; jobs: films in parallel (below 1: one).  A story that
 * cannot be linked (the command exits 1 and names it) is counted in
 * *n_failed and the first one's reason is in err; the records of the
 * others are still returned.  NULL only when nothing could be linked for
 * a reason that stops the whole run (the corpus or the stories unreadable). */
char *sm_link_records(const char *movienet_dir, const sm_input *stories, const char *align_dir,
                      double iou_min, int padding, int jobs, size_t *n_failed, size_t *len,
                      sm_error *err);

/* `storymovie eval speakers --json GOLD PRED`: one JSON object (and its
 * newline). */
char *sm_eval_speakers_records(const sm_input *gold, const sm_input *pred, size_t *len, sm_error *err);

/* `storymovie eval grounding --pred PRED --ref REF`: with per_story one
 * record per pair first, then the summary record.  reference_quirks is
 * --reference-quirks; image_width and image_height (0: none) --image-size. */
char *sm_eval_grounding_records(const sm_input *pred, const sm_input *ref, int reference_quirks,
                                int image_width, int image_height, int per_story, size_t *len,
                                sm_error *err);

/* `storymovie eval language --pred PRED --ref REF`, as grounding. */
char *sm_eval_language_records(const sm_input *pred, const sm_input *ref, int per_story, size_t *len,
                               sm_error *err);

/* Free what the functions above return (and NULL). */
void sm_free(void *p);

#ifdef __cplusplus
}
#endif
#endif
