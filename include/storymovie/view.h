/* view.h - one self-contained HTML page to look at stories and alignments
 * (`storymovie view`, SPEC "Looking at it").
 *
 * The page is a single file that works opened from disk, with no network:
 * its data is embedded as JSON, its style and script are inline and pinned
 * by a Content-Security-Policy (by their SHA-256), and the keyframes are
 * referred to by paths relative to the page (or embedded as data: URIs).
 *
 * It shows, per story (from its context record): the frames in film order
 * with their times and the chain of thought's boxes drawn over them, the
 * story with its grounding tags coloured by kind and linked to their boxes,
 * the real names, the window's dialogue with speakers and confidence (each
 * quotation of a StoryMovie record linked to its subtitle), and the
 * verification problems, judge verdicts and QA results when given.  Per
 * film (from an alignment): subtitle segments against script blocks on one
 * timeline, a colour per speaker, abstentions and low confidence marked, a
 * filter by speaker.  With more than one story or film, an index comes
 * first.
 *
 * Every piece of text in the inputs (subtitles, scripts, stories, model
 * answers) is untrusted: the embedded JSON escapes '<', '>', '&', U+2028
 * and U+2029 so it cannot end its <script> element, and the page's script
 * builds every element with textContent, never from markup.
 * docs/view.md describes the page and the options. */
#ifndef STORYMOVIE_VIEW_H
#define STORYMOVIE_VIEW_H

#include <stddef.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_view_options {
    const char *context_path;       /* context records (link/build); NULL: films only */
    const char *stories_path;       /* StoryReasoning or StoryMovie records, or NULL */
    const char *failures_path;      /* generate's failures.jsonl, or NULL */
    const char *verdicts_path;      /* eval judge's verdicts.jsonl, or NULL */
    const char *qa_path;            /* eval qa's answers (JSON Lines), or NULL */
    const char *const *alignments;  /* `storymovie align` outputs, one film each */
    size_t n_alignments;
    const char *const *only;        /* show only these story ids (all when n_only is 0) */
    size_t n_only;
    const char *movienet_root;      /* finds the keyframes; NULL: frames drawn without images */
    const char *out_path;           /* the HTML file, written atomically */
    int embed_images;               /* keyframes as data: URIs instead of relative paths */
} sm_view_options;

typedef struct sm_view_stats {
    size_t stories;                 /* story pages written */
    size_t with_story;              /* ... with a story record (boxes and tags) */
    size_t films;                   /* alignment pages */
    size_t frames;                  /* frames shown */
    size_t images_found;            /* keyframes found under movienet_root */
    size_t images_missing;          /* ... not found (drawn as an empty frame) */
    size_t image_bytes;             /* bytes of keyframes embedded */
    size_t boxes;                   /* boxes drawn */
    size_t html_bytes;              /* size of the page */
    size_t stories_without_context; /* story records left out: no context record */
    size_t results_unmatched;       /* failure/verdict/QA records of stories not shown */
} sm_view_stats;

void sm_view_options_init(sm_view_options *o);

/* Read the inputs and write the page.  Fails (-1, err naming the file and
 * line) on an input that cannot be read or is of the wrong kind, on a story
 * record whose images are not those of its context record, on an alignment
 * whose subtitle lines differ from the context records of its film, and
 * when nothing would be shown. */
int sm_view_write(const sm_view_options *o, sm_view_stats *stats, sm_error *err);

#ifdef __cplusplus
}
#endif
#endif
