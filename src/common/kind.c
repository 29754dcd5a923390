/* kind.c - what kind of file this is (see kind.h). */
#include "common/kind.h"

#include <string.h>

#include "common/ascii.h"
#include "common/json_scan.h"
#include "storymovie/arena.h"

/* The keys that tell our JSON Lines records apart. */
enum { K_TYPE, K_STORY_ID, K_COT, K_STORY, K_OUTPUT, K_FRAMES, K_WINDOW, K_CUSTOM_ID, K_BODY,
       K_RESPONSE, K_VERDICT, K_CRITERION, K_QUESTION, K_CATEGORY, K_GRADE, K_MESSAGES,
       K_FILE_NAMES, K_SYNTHETIC, K_SAMPLE, K_PARSE, K_TIMING, K_END_LINE, K_DISPLAY, K_CUE,
       K_REWARD, K_ATTEMPT, K_MADE_BY, N_KEYS };

static const sm_json_field keys[N_KEYS] = {
    [K_TYPE] = {"type", SM_JSON_STRING},           [K_STORY_ID] = {"story_id", SM_JSON_STRING},
    [K_COT] = {"chain_of_thought", SM_JSON_STRING}, [K_STORY] = {"story", SM_JSON_STRING},
    [K_OUTPUT] = {"output", SM_JSON_STRING},       [K_FRAMES] = {"frames", SM_JSON_STRING},
    [K_WINDOW] = {"window", SM_JSON_STRING},       [K_CUSTOM_ID] = {"custom_id", SM_JSON_STRING},
    [K_BODY] = {"body", SM_JSON_STRING},           [K_RESPONSE] = {"response", SM_JSON_STRING},
    [K_VERDICT] = {"verdict", SM_JSON_STRING},     [K_CRITERION] = {"criterion", SM_JSON_STRING},
    [K_QUESTION] = {"question", SM_JSON_STRING},   [K_CATEGORY] = {"category", SM_JSON_STRING},
    [K_GRADE] = {"grade", SM_JSON_STRING},         [K_MESSAGES] = {"messages", SM_JSON_STRING},
    [K_FILE_NAMES] = {"file_names", SM_JSON_STRING}, [K_SYNTHETIC] = {"synthetic", SM_JSON_STRING},
    [K_SAMPLE] = {"sample", SM_JSON_STRING},       [K_PARSE] = {"parse", SM_JSON_STRING},
    [K_TIMING] = {"timing", SM_JSON_STRING},       [K_END_LINE] = {"end_line", SM_JSON_STRING},
    [K_DISPLAY] = {"display", SM_JSON_STRING},     [K_CUE] = {"cue", SM_JSON_STRING},
    [K_REWARD] = {"reward", SM_JSON_STRING},       [K_ATTEMPT] = {"attempt", SM_JSON_STRING},
    [K_MADE_BY] = {"made_by", SM_JSON_STRING},
};

static const char *const kind_names[] = {
    [SM_KIND_UNKNOWN] = "an unknown kind of file",
    [SM_KIND_ALIGNMENT] = "an alignment (the output of 'storymovie align')",
    [SM_KIND_PROVENANCE] = "a provenance record",
    [SM_KIND_SCRIPT_RECORDS] = "screenplay records (the output of 'storymovie script')",
    [SM_KIND_SCORES] = "scores (the output of 'storymovie eval')",
    [SM_KIND_SUBTITLE_RECORDS] = "subtitle records (the output of 'storymovie subs')",
    [SM_KIND_CONTEXT] = "context records (the output of 'storymovie link' or 'build')",
    [SM_KIND_REQUESTS] = "model requests (an OpenAI Batch input file)",
    [SM_KIND_ANSWERS] = "model answers (an OpenAI Batch output file)",
    [SM_KIND_VERDICTS] = "judge verdicts (the output of 'eval judge')",
    [SM_KIND_GRADED] = "graded answers (the output of 'eval qa run')",
    [SM_KIND_QUESTIONS] = "questions (the output of 'eval qa make')",
    [SM_KIND_TRAINING_ROWS] = "training rows (the output of 'storymovie export')",
    [SM_KIND_REWARDS] = "rewards (the output of 'export dpo')",
    [SM_KIND_ATTEMPTS] = "attempts (the output of 'generate ground')",
    [SM_KIND_NEGATIVES] = "synthetic sequences (the output of 'dataset negatives')",
    [SM_KIND_TOLD] = "told stories (the output of 'generate tell')",
    [SM_KIND_DATASET_ROWS] = "dataset rows (the metadata of 'storymovie dataset')",
    [SM_KIND_STORIES] = "story records",
    [SM_KIND_GOLD_TSV] = "a gold TSV of speakers (the input of 'eval speakers')",
    [SM_KIND_FAILURES_TSV] = "a failures table (build's failures.tsv)",
    [SM_KIND_PREDICTIONS_TSV] = "speaker predictions (cue<TAB>segment<TAB>speaker)",
    [SM_KIND_TSV] = "a TSV table",
    [SM_KIND_BINARY] = "a binary file",
    [SM_KIND_JSON_DOCUMENT] = "an indented JSON document (not JSON Lines: one record per line)",
    [SM_KIND_JSON_ARRAY] = "a JSON array (not JSON Lines: one record per line)",
    [SM_KIND_WEBVTT] = "WebVTT subtitles",
    [SM_KIND_ASS] = "ASS/SSA subtitles",
    [SM_KIND_MODEL_ANSWER] = "a model's answer (<think>...</think> and a story)",
    [SM_KIND_SRT] = "SRT subtitles",
    [SM_KIND_SCREENPLAY] = "a screenplay",
};

const char *sm_kind_name(sm_kind kind)
{
    return (size_t)kind < sizeof kind_names / sizeof kind_names[0] && kind_names[kind] ? kind_names[kind]
                                                                                : kind_names[0];
}

static int has(const sm_json_value *v, int k) { return v[k].state != SM_JSON_ABSENT; }

static int type_is(const sm_json_value *v, const char *t)
{
    return v[K_TYPE].state == SM_JSON_OK && strcmp(v[K_TYPE].string, t) == 0;
}

static sm_kind record_kind(const sm_json_value *v)
{
    if (type_is(v, "provenance"))
        return v[K_MADE_BY].state == SM_JSON_OK && strcmp(v[K_MADE_BY].string, "align") == 0
                   ? SM_KIND_ALIGNMENT
                   : SM_KIND_PROVENANCE;
    /* A screenplay's block records carry end_line, an alignment's do not. */
    if (type_is(v, "title") || (type_is(v, "block") && has(v, K_END_LINE)))
        return SM_KIND_SCRIPT_RECORDS;
    if (type_is(v, "segment") || type_is(v, "block"))
        return SM_KIND_ALIGNMENT;
    if (type_is(v, "story") || type_is(v, "summary"))
        return SM_KIND_SCORES;
    if (has(v, K_CUE) && has(v, K_DISPLAY))
        return SM_KIND_SUBTITLE_RECORDS;
    if (has(v, K_WINDOW) && has(v, K_FRAMES))
        return SM_KIND_CONTEXT;
    if (has(v, K_CUSTOM_ID) && has(v, K_BODY))
        return SM_KIND_REQUESTS;
    if (has(v, K_CUSTOM_ID) && has(v, K_RESPONSE))
        return SM_KIND_ANSWERS;
    if (has(v, K_VERDICT) && has(v, K_CRITERION))
        return SM_KIND_VERDICTS;
    if (has(v, K_GRADE))
        return SM_KIND_GRADED;
    if (has(v, K_QUESTION) && has(v, K_CATEGORY))
        return SM_KIND_QUESTIONS;
    if (has(v, K_MESSAGES))
        return SM_KIND_TRAINING_ROWS;
    if (has(v, K_REWARD))
        return SM_KIND_REWARDS;
    if (has(v, K_ATTEMPT))
        return SM_KIND_ATTEMPTS;
    if (has(v, K_SYNTHETIC))
        return SM_KIND_NEGATIVES;
    if (has(v, K_SAMPLE) && has(v, K_PARSE))
        return SM_KIND_TOLD;
    if (has(v, K_COT) || has(v, K_STORY) || has(v, K_OUTPUT))
        return has(v, K_FILE_NAMES) ? SM_KIND_DATASET_ROWS : SM_KIND_STORIES;
    return SM_KIND_UNKNOWN;
}

static sm_kind json_kind(const char *line, size_t n)
{
    sm_arena arena = {0};
    sm_json_scan sc;
    sm_json_scan_init(&sc, &arena);
    sm_json_value v[N_KEYS];
    sm_kind kind = SM_KIND_UNKNOWN;
    if (sm_json_scan_object(&sc, line, n, keys, N_KEYS, v) == SM_JSON_SCAN_OK)
        kind = record_kind(v);
    sm_arena_free(&arena);
    return kind;
}

static int starts_with_ci(const char *p, const char *end, const char *word)
{
    return sm_ascii_prefix_ci(p, (size_t)(end - p), word);
}

/* A first line of digits and tabs ("12<TAB>1<TAB>Ross"), a header. */
static sm_kind tsv_kind(const char *line, const char *eol)
{
    if (starts_with_ci(line, eol, "cue\tsegment\t"))
        return SM_KIND_GOLD_TSV;
    if (starts_with_ci(line, eol, "kind\tid\treason"))
        return SM_KIND_FAILURES_TSV;
    const char *p = line;
    while (p < eol && *p >= '0' && *p <= '9')
        p++;
    if (p > line && p < eol && *p == '\t') {
        const char *q = ++p;
        while (p < eol && *p >= '0' && *p <= '9')
            p++;
        if (p > q && (p == eol || *p == '\t'))
            return SM_KIND_PREDICTIONS_TSV;
    }
    return SM_KIND_TSV;
}

static size_t count_tabs(const char *p, const char *e)
{
    size_t n = 0;
    for (; p < e; p++)
        n += *p == '\t';
    return n;
}

/* A table: the first line has at least three tab-separated fields (not
 * tabs that indent, as plain-text screenplays have, nor a Fountain title
 * page's "Title:<TAB>..."), and the next line as many. */
static int tab_table(const char *p, const char *eol, const char *end)
{
    size_t tabs = count_tabs(p, eol);
    if (tabs < 2 || *p == '\t' || *p == ' ')
        return 0;
    if (eol == end)
        return 1;
    const char *q = eol + 1;
    while (q < end && (*q == '\n' || *q == '\r'))
        q++;
    if (q == end)
        return 1;
    const char *e = memchr(q, '\n', (size_t)(end - q));
    return count_tabs(q, e ? e : end) == tabs && *q != '\t' && *q != ' ';
}

sm_kind sm_kind_guess(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    size_t probe = len < 4096 ? len : 4096;
    if (memchr(text, '\0', probe))
        return SM_KIND_BINARY;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    if (p == end)
        return SM_KIND_UNKNOWN;
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol)
        eol = end;
    if (*p == '{') {
        sm_kind kind = json_kind(p, (size_t)(eol - p));
        if (kind != SM_KIND_UNKNOWN)
            return kind;
        const char *q = p + 1;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        return q == eol ? SM_KIND_JSON_DOCUMENT : SM_KIND_UNKNOWN;
    }
    if (*p == '[') {
        /* A JSON array of records, not a transcript's "[Scene: ...]" or a
         * Fountain note "[[...]]". */
        const char *q = p + 1;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
            q++;
        if (q < end && (*q == '{' || *q == '"'))
            return SM_KIND_JSON_ARRAY;
    }
    if (starts_with_ci(p, eol, "WEBVTT"))
        return SM_KIND_WEBVTT;
    if (starts_with_ci(p, eol, "[Script Info]"))
        return SM_KIND_ASS;
    if (starts_with_ci(p, eol, "<think>"))
        return SM_KIND_MODEL_ANSWER;
    if (tab_table(p, eol, end))
        return tsv_kind(p, eol);
    /* SRT: a timing line "00:00:01,000 --> 00:00:03,000" among the first
     * lines; a screenplay: scene headings. */
    const char *q = p;
    for (int line = 0; line < 200 && q < end; line++) {
        const char *e = memchr(q, '\n', (size_t)(end - q));
        if (!e)
            e = end;
        const char *arrow = line < 4 ? memchr(q, '-', (size_t)(e - q)) : NULL;
        if (arrow && e - arrow >= 3 && memcmp(arrow, "-->", 3) == 0 && arrow > q && arrow[-1] == ' ' &&
            q[0] >= '0' && q[0] <= '9')
            return SM_KIND_SRT;
        const char *s = q;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (starts_with_ci(s, e, "INT.") || starts_with_ci(s, e, "EXT.") || starts_with_ci(s, e, "INT ") ||
            starts_with_ci(s, e, "EXT "))
            return SM_KIND_SCREENPLAY;
        q = e < end ? e + 1 : end;
    }
    return SM_KIND_UNKNOWN;
}

int sm_kind_fail(sm_error *err, const char *name, long line, const char *want, sm_kind kind,
                 const char *detail)
{
    if (kind != SM_KIND_UNKNOWN)
        return sm_fail(err, name, line, "not %s: this looks like %s", want, sm_kind_name(kind));
    if (detail && *detail)
        return sm_fail(err, name, line, "not %s: %s", want, detail);
    return sm_fail(err, name, line, "not %s", want);
}
