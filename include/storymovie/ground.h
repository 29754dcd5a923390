/* ground.h - a script-grounded story checked against its script context.
 *
 * `storymovie generate ground` has a model rewrite a StoryReasoning story
 * with the film's real names and dialogue; this module decides, without a
 * model, whether the rewrite may be kept (SPEC "Writing script-grounded
 * stories", docs/generate.md).  It also holds the prompt that asks for the
 * rewrite and writes the StoryMovie record of a story that passed.
 *
 * The quotation finder (sm_quotes_find) is the one implementation of "what
 * does this story quote, is it said in the window, and by whom does the story
 * say it is said": verification uses it, and so does `eval dialogue`.
 *
 * Nothing here calls a model; the LLM layer (llm.h) is not needed to link
 * it. */
#ifndef STORYMOVIE_GROUND_H
#define STORYMOVIE_GROUND_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "context.h"
#include "error.h"
#include "json.h"
#include "story.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Quotations ----------------------------------------------------------
 *
 * A quotation is text between double quotation marks, straight ("…") or
 * curly (“…”; either closing mark closes either opening one), in the story
 * with its tags set aside (a tag's '"' is not a mark).  A quotation does not
 * run across a <gdi> block boundary: one still open there is unclosed.
 * Quotations without a word ("" or "…") are not counted.
 *
 * Where it is said: its words (src/text tokens, normalised) are compared
 * with the subtitle speech of the window (the context's `dialogue`).  A span
 * is one segment, or consecutive segments in subtitle order that the aligner
 * gave to one and the same speaker (at most 16).  The quotation is found
 * when at least 80% of its words occur in a span in the same order (the
 * longest common subsequence of the two word lists); the best span has the
 * most words in common, then the fewest segments, then a speaker who agrees
 * with the attribution, then comes first.
 *
 * Who says it, according to the story: the speaking subject of the
 * quotation's sentence (docs/generate.md "Attribution" has the rule and
 * examples).  A reference to a person is a <gdo charN> mention with one char
 * id, or a capitalised name outside <gdo> tags: a word (or the first and
 * last words) of a character's real name, or of a speaker of the window's
 * dialogue or script. */

typedef enum sm_quote_attribution {
    SM_ATTR_NONE = 0,   /* no speaking subject found: not attributed */
    SM_ATTR_LEAD,       /* Martha says, "…" / Martha, quietly: "…" */
    SM_ATTR_TAIL,       /* "…," Martha says. / "…," says Martha. */
    SM_ATTR_ACTION,     /* a <gda charN> action tag holding a speech verb names its subject */
    SM_ATTR_CONTINUED   /* "…," Martha says. "…": nothing else in its sentence, it goes on
                           the quotation before it (same image block) */
} sm_quote_attribution;

typedef struct sm_quote {
    uint32_t open;              /* byte offset of the opening mark in the story text */
    uint32_t off, len;          /* the quoted text as written (between the marks) */
    int closed;                 /* 0: no closing mark before the block (or story) ended */
    const char *text;           /* the quoted text without tags, white space collapsed */
    uint32_t words;             /* its words */

    /* Where it is said in the window's subtitles. */
    int found;                  /* >= 80% of its words, in order, in one span */
    uint32_t matched;           /* words of it in the best span (in order) */
    const sm_context_segment *segment;  /* the best span's first segment; NULL when there is none */
    int segments;               /* segments in that span */
    const char *speaker;        /* the span's aligned speaker; NULL: abstained, or not found */

    /* Who says it, according to the story. */
    sm_quote_attribution how;
    const char *attributed_to;  /* the person's name: a char's real name, or a speaker's
                                   name as the script writes it; NULL when not attributed
                                   or the char has no name */
    const char *attributed_id;  /* "char3" when the person is one of the story's chars */
    uint32_t attributed_at;     /* byte offset of the reference in the story */
    int checkable;              /* found, attributed to a person with a name, and the
                                   span has an aligned speaker */
    int correct;                /* checkable, and that speaker is the person */
} sm_quote;

typedef struct sm_quotes {
    sm_quote *items;            /* in story order */
    size_t n_items;
    sm_arena arena;             /* every string above lives here (or in the inputs) */
} sm_quotes;

/* Find, match and attribute every quotation of a story.  s has its tags
 * parsed (as the story reader leaves it); c is its context record (which may
 * have no alignment: then nothing is found).  The results point into s and c,
 * which must outlive q.  0, or -1 when out of memory. */
int sm_quotes_find(const sm_story *s, const sm_context *c, sm_quotes *q);
void sm_quotes_free(sm_quotes *q);

/* ---- Verification ---------------------------------------------------------
 *
 * A rewritten story passes when it has no problem.  Each problem has a
 * stable code, the SPEC rule it breaks, and one readable line (the re-ask
 * lists those lines):
 *
 *   rule 1  check:CODE       a `story check` rule (CODE as that command prints it)
 *                            broken by the answer and not already by the source
 *           tag-dropped      a grounding tag of the source story (image, kind, id)
 *                            is not in the answer
 *   rule 2  name-missing     a named char the source story mentions is never called
 *                            by its name (full, first or last) inside its <gdo> tags
 *           name-wrong       a <gdo> tag calls its char by another person's name
 *   rule 3  quote-invented   a quotation is not found in the window's subtitles
 *           quote-unclosed   a quotation mark is never closed
 *   rule 4  quote-speaker    a quotation is attributed to someone other than its
 *                            aligned speaker
 *   rule 5  truncated        the answer was cut off (finish_reason "length")
 *           empty            the answer holds no story */

typedef struct sm_ground_problem {
    const char *code;
    int rule;                   /* 1..5 */
    const char *message;        /* one line */
} sm_ground_problem;

/* The names the story was asked to use: a context char with a real name that
 * the source story mentions in a <gdo> tag. */
typedef struct sm_ground_name {
    const sm_context_character *character;
    int called;                 /* the answer calls it by its name at least once */
} sm_ground_name;

typedef struct sm_ground_verdict {
    int passed;
    sm_ground_problem *problems;
    size_t n_problems, cap;
    sm_ground_name *names;
    size_t n_names;
    sm_quotes quotes;
    sm_story_set answer;        /* the answer read as a story with the source's chain of thought */
    const sm_story *story;      /* that story (in `answer`) */
    const char *text;           /* the cleaned answer (the story text) */
    size_t text_len;
    sm_arena arena;             /* messages */
} sm_ground_verdict;

/* What the model said, cleaned: white space around it, a leading
 * <think>…</think> block and a ``` code fence around the story are dropped.
 * Returns the story's length and its start in *start (text[*start..]). */
size_t sm_ground_clean_answer(const char *text, size_t len, size_t *start);

/* Verify an answer (as the model gave it; it is cleaned first) for the
 * source story s (with its chain of thought) and its context c.  truncated:
 * the server said the answer was cut off.  v is filled (free it with
 * sm_ground_verdict_free, also on failure).  0, or -1 when out of memory. */
int sm_ground_verify(const sm_story *s, const sm_context *c, const char *answer, size_t len,
                     int truncated, sm_ground_verdict *v);
void sm_ground_verdict_free(sm_ground_verdict *v);

/* ---- The prompt ------------------------------------------------------------
 *
 * Versioned: the version is written into every record, and any change of
 * the text must change it. */

#define SM_GROUND_PROMPT_VERSION "ground-v1"

extern const char sm_ground_system_prompt[];

/* The first request's user message: chain of thought, original story, the
 * real names, the window's script context and the rules.  malloc'd; NULL
 * when out of memory. */
char *sm_ground_prompt(const sm_story *s, const sm_context *c);

/* The re-ask after a failed answer: its problems, one line each, and what
 * to do.  malloc'd; NULL when out of memory. */
char *sm_ground_retry_prompt(const sm_ground_verdict *v);

/* ---- Records ----------------------------------------------------------------
 * (docs/generate.md) */

/* The chain of thought with the Name cell of every Characters row whose char
 * has a real name replaced by that name.  malloc'd (length in *len), NULL
 * when out of memory. */
char *sm_ground_named_cot(const sm_story *s, const sm_context *c, size_t *len);

/* One StoryMovie record (a story that passed) as one JSON object into j. */
int sm_ground_write_record(sm_json *j, const sm_story *s, const sm_context *c,
                           const sm_ground_verdict *v, const char *model, int attempts);

/* A verdict's problems as a JSON array of {"code","rule","message"}. */
void sm_ground_write_problems(sm_json *j, const sm_ground_verdict *v);

#ifdef __cplusplus
}
#endif
#endif
