/* qa.c - QA's pieces that need no model: categories, evidence ids, the
 * questions file reader, the prompts (qa-make-v1, qa-run-v1), the reader
 * and checker of proposed questions, the grade parser, the tally.
 * qa_run.c asks. */
#include "storymovie/eval_qa.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/kind.h"
#include "storymovie/eval_stats.h"
#include "eval/eval_internal.h"
#include "storymovie/script.h"
#include "common/array.h"
#include "storymovie/io.h"

static const char *const category_names[SM_QA_CATEGORIES] = {"relationships", "actions", "emotions", "dialogue"};

const char *sm_qa_category_name(int category)
{
    return category >= 0 && category < SM_QA_CATEGORIES ? category_names[category] : "?";
}

int sm_qa_category_parse(const char *s, size_t n)
{
    return eval_name_index(category_names, SM_QA_CATEGORIES, s, n);
}

/* ---- evidence ids ---------------------------------------------------------- */

static size_t skip_space(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static int read_number(const char *s, size_t n, size_t *i, long *out)
{
    long v = 0;
    size_t start = *i;
    while (*i < n && isdigit((unsigned char)s[*i]) && *i - start < 9)
        v = v * 10 + (s[(*i)++] - '0');
    if (*i == start || (*i < n && isdigit((unsigned char)s[*i])))
        return -1;
    *out = v;
    return 0;
}

static int word_at(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    if (n - i < k)
        return 0;
    for (size_t j = 0; j < k; j++)
        if (tolower((unsigned char)s[i + j]) != w[j])
            return 0;
    return 1;
}

int sm_qa_evidence_parse(const char *s, size_t n, sm_qa_evidence *out)
{
    size_t i = skip_space(s, n, 0);
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == ']'))
        n--;
    if (i < n && s[i] == '[')
        i = skip_space(s, n, i + 1);
    memset(out, 0, sizeof *out);
    long a, b;
    if (word_at(s, n, i, "block")) {
        i = skip_space(s, n, i + 5);
        if (i < n && s[i] == ':')
            i = skip_space(s, n, i + 1);
        if (read_number(s, n, &i, &a) || a <= 0 || skip_space(s, n, i) != n)
            return -1;
        out->block = a;
        return 0;
    }
    if (word_at(s, n, i, "cue")) {
        i = skip_space(s, n, i + 3);
        if (i < n && s[i] == ':')
            i = skip_space(s, n, i + 1);
        if (read_number(s, n, &i, &a) || a <= 0)
            return -1;
        if (i < n && (s[i] == '.' || s[i] == ':'))
            i++;
        else {
            i = skip_space(s, n, i);
            if (i < n && s[i] == ',')
                i = skip_space(s, n, i + 1);
            if (!word_at(s, n, i, "segment"))
                return -1;
            i = skip_space(s, n, i + 7);
        }
        if (read_number(s, n, &i, &b) || b <= 0 || skip_space(s, n, i) != n)
            return -1;
        out->cue = (int)a;
        out->segment = (int)b;
        return 0;
    }
    return -1;
}

/* An evidence item of a JSON file or answer: "block 20", "cue 17.1", or
 * {"block":20} / {"cue":17,"segment":1}. */
static int evidence_from_json(json_t *v, sm_qa_evidence *out)
{
    if (json_is_string(v))
        return sm_qa_evidence_parse(json_string_value(v), json_string_length(v), out);
    if (!json_is_object(v))
        return -1;
    json_t *blk = json_object_get(v, "block"), *cue = json_object_get(v, "cue"),
           *seg = json_object_get(v, "segment");
    memset(out, 0, sizeof *out);
    if (json_is_integer(blk) && !cue && !seg && json_integer_value(blk) > 0 &&
        json_integer_value(blk) < 1000000000) {
        out->block = (long)json_integer_value(blk);
        return 0;
    }
    if (!blk && json_is_integer(cue) && json_is_integer(seg) && json_integer_value(cue) > 0 &&
        json_integer_value(seg) > 0 && json_integer_value(cue) < 1000000000 &&
        json_integer_value(seg) < 1000000000) {
        out->cue = (int)json_integer_value(cue);
        out->segment = (int)json_integer_value(seg);
        return 0;
    }
    return -1;
}

/* ---- the questions file ---------------------------------------------------- */

static int set_push(sm_qa_set *set)
{
    return sm_grow(&set->items, &set->cap, set->n_items + 1, sizeof *set->items);
}

static const char *need_string(json_t *o, const char *key, int required, const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? "missing" : NULL;
    if (!json_is_string(v))
        return "not a string";
    if (required && json_string_length(v) == 0)
        return "empty";
    *out = json_string_value(v);
    return NULL;
}

static int read_question(sm_qa_set *set, long line, json_t *o, sm_error *err)
{
    static const char *const keys[] = {"id", "story_id", "category", "question", "answer"};
    const char *val[5];
    if (!json_is_object(o))
        return sm_fail(err, set->name, line, "not a JSON object");
    if (json_object_get(o, "chain_of_thought"))
        return sm_fail(err, set->name, line, "a story record, not a question (want a file of 'eval qa make')");
    if (json_object_get(o, "frames") && json_object_get(o, "window"))
        return sm_fail(err, set->name, line, "a context record, not a question (want a file of 'eval qa make')");
    for (int k = 0; k < 5; k++) {
        const char *why = need_string(o, keys[k], 1, &val[k]);
        if (why)
            return sm_fail(err, set->name, line, ".%s %s%s", keys[k], why,
                           k == 0 && !strcmp(why, "missing") ? ": not a question record" : "");
    }
    int cat = sm_qa_category_parse(val[2], strlen(val[2]));
    if (cat < 0)
        return sm_fail(err, set->name, line, ".category '%s' is not relationships, actions, emotions or dialogue",
                       val[2]);
    json_t *ev = json_object_get(o, "evidence");
    if (!json_is_array(ev) || json_array_size(ev) == 0)
        return sm_fail(err, set->name, line, ".evidence %s", !ev ? "missing" : json_is_array(ev) ? "is empty"
                                                                                                 : "is not an array");
    const char *model, *version, *why;
    if ((why = need_string(o, "model", 0, &model)) || (why = need_string(o, "prompt_version", 0, &version)))
        return sm_fail(err, set->name, line, ".%s %s", model ? "prompt_version" : "model", why);
    if (set_push(set))
        return sm_fail(err, set->name, line, "out of memory");
    sm_qa_question *q = &set->items[set->n_items];
    memset(q, 0, sizeof *q);
    q->line = line;
    q->category = cat;
    q->n_evidence = json_array_size(ev);
    q->evidence = sm_arena_alloc(&set->arena, q->n_evidence * sizeof *q->evidence);
    if (!q->evidence)
        return sm_fail(err, set->name, line, "out of memory");
    for (size_t i = 0; i < q->n_evidence; i++)
        if (evidence_from_json(json_array_get(ev, i), &q->evidence[i]))
            return sm_fail(err, set->name, line, ".evidence[%zu] is not {\"block\":N} or {\"cue\":C,\"segment\":S}", i);
    const char **dst[] = {&q->id, &q->story_id, NULL, &q->question, &q->answer};
    for (int k = 0; k < 5; k++)
        if (dst[k] && !(*dst[k] = sm_arena_strdup(&set->arena, val[k])))
            return sm_fail(err, set->name, line, "out of memory");
    if ((model && !(q->model = sm_arena_strdup(&set->arena, model))) ||
        (version && !(q->prompt_version = sm_arena_strdup(&set->arena, version))))
        return sm_fail(err, set->name, line, "out of memory");
    set->n_items++;
    return 0;
}

static int cmp_question_id(const void *x, const void *y)
{
    const sm_qa_question *a = *(const sm_qa_question *const *)x, *b = *(const sm_qa_question *const *)y;
    int d = strcmp(a->id, b->id);
    return d ? d : (a->line > b->line) - (a->line < b->line);
}

static int check_unique(sm_qa_set *set, sm_error *err)
{
    const sm_qa_question **ix = malloc((set->n_items ? set->n_items : 1) * sizeof *ix);
    if (!ix)
        return sm_fail(err, set->name, 0, "out of memory");
    for (size_t i = 0; i < set->n_items; i++)
        ix[i] = &set->items[i];
    qsort(ix, set->n_items, sizeof *ix, cmp_question_id);
    int rc = 0;
    for (size_t i = 1; i < set->n_items && rc == 0; i++)
        if (strcmp(ix[i]->id, ix[i - 1]->id) == 0)
            rc = sm_fail(err, set->name, ix[i]->line, "question id '%s' again (first on line %ld)", ix[i]->id,
                         ix[i - 1]->line);
    free(ix);
    return rc;
}

int sm_qa_read_buffer(const char *name, const char *data, size_t len, sm_qa_set *set, sm_error *err)
{
    memset(set, 0, sizeof *set);
    if (!(set->name = strdup(name ? name : "")))
        return sm_fail(err, name, 0, "out of memory");
    long line = 0;
    size_t i = 0;
    while (i < len) {
        const char *start = data + i;
        const char *nl = memchr(start, '\n', len - i);
        size_t n = nl ? (size_t)(nl - start) : len - i;
        i += n + (nl != NULL);
        line++;
        size_t k = 0;
        while (k < n && (start[k] == ' ' || start[k] == '\t' || start[k] == '\r'))
            k++;
        if (k == n)
            continue;
        json_error_t jerr;
        json_t *o = json_loadb(start, n, 0, &jerr);
        if (!o) {
            sm_fail(err, set->name, line, "not JSON: %s%s", jerr.text,
                    start[k] == '{' && n - k < 3 ? " (an indented JSON document? want JSON Lines)" : "");
            sm_qa_set_free(set);
            return -1;
        }
        /* Another of our files (verdicts, answers, context, stories) is
         * named as what it is, once, on its first record. */
        sm_kind kind = set->n_items == 0 ? sm_kind_guess(start, n) : SM_KIND_QUESTIONS;
        int rc = kind != SM_KIND_UNKNOWN && kind != SM_KIND_QUESTIONS
                     ? sm_kind_fail(err, set->name, line, "questions (the output of 'eval qa make')", kind, NULL)
                     : read_question(set, line, o, err);
        json_decref(o);
        if (rc) {
            sm_qa_set_free(set);
            return -1;
        }
    }
    if (set->n_items == 0) {
        sm_fail(err, set->name, 0, "empty file");
        sm_qa_set_free(set);
        return -1;
    }
    if (check_unique(set, err)) {
        sm_qa_set_free(set);
        return -1;
    }
    return 0;
}

int sm_qa_read_file(const char *path, sm_qa_set *set, sm_error *err)
{
    memset(set, 0, sizeof *set);
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    char *buf = NULL;
    size_t len = 0;
    int rc = sm_read_stream(f, path, SIZE_MAX, &buf, &len, err);
    fclose(f);
    if (rc == 0)
        rc = sm_qa_read_buffer(path, buf ? buf : "", len, set, err);
    free(buf);
    return rc;
}

void sm_qa_set_free(sm_qa_set *set)
{
    free(set->name);
    free(set->items);
    sm_arena_free(&set->arena);
    memset(set, 0, sizeof *set);
}

/* ---- prompts ----------------------------------------------------------------- */

const char sm_qa_make_system_prompt[] =
    "You write short reading-comprehension questions about one part of a film, from what its "
    "screenplay and subtitles say. Every question has a short answer that the material states "
    "plainly, and names the items it rests on.";

static void put_line(FILE *f, const char *s)
{
    for (; s && *s; s++)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    fputc('\n', f);
}

char *sm_qa_make_prompt(const sm_context *c, int per_category)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    fprintf(f, "Below is what the screenplay and the subtitles say about one part of the film %s. "
               "Every item has its id in square brackets.\n\n",
            c->title ? c->title : c->movie);
    fprintf(f, "People (real names; how the screenplay names them when they speak):\n");
    size_t people = 0;
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        int seen = 0;
        for (size_t k = 0; k < i && ch->name; k++)
            seen |= c->characters[k].name && strcmp(c->characters[k].name, ch->name) == 0;
        if (!ch->name || seen)
            continue;
        fprintf(f, "- %s", ch->name);
        if (ch->evidence.speaker)
            fprintf(f, " (speaks as %s)", ch->evidence.speaker);
        fputc('\n', f);
        people++;
    }
    if (!people)
        fprintf(f, "- (none named)\n");
    fprintf(f, "\nScreenplay:\n");
    for (size_t i = 0; i < c->n_script; i++) {
        const sm_context_block *b = &c->script[i];
        fprintf(f, "[block %ld] ", b->block);
        if (b->speaker)
            fprintf(f, "%s: ", b->speaker);
        else if (strcmp(b->kind, "action") != 0)
            fprintf(f, "(%s) ", b->kind);
        put_line(f, b->text ? b->text : "");
    }
    if (!c->n_script)
        fprintf(f, "(nothing)\n");
    fprintf(f, "\nSubtitles (who says each line, from the alignment with the screenplay):\n");
    for (size_t i = 0; i < c->n_dialogue; i++) {
        const sm_context_segment *s = &c->dialogue[i];
        fprintf(f, "[cue %d.%d] %s: ", s->cue, s->segment, s->speaker ? s->speaker : "(speaker unknown)");
        put_line(f, s->text ? s->text : "");
    }
    if (!c->n_dialogue)
        fprintf(f, "(nothing)\n");
    fprintf(f,
            "\nWrite questions that someone who has only read a story about this part of the film "
            "could answer, each with an answer of a few words that the items above state plainly. "
            "Up to %d questions in each category:\n"
            "- relationships: what two people are to each other (family, work, history)\n"
            "- actions: what a person does\n"
            "- emotions: how a person feels or reacts\n"
            "- dialogue: who says a line (quote the line in the question; the answer is the "
            "speaker's real name)\n"
            "Use the people's real names, never ids. Give as evidence the ids of the items each "
            "answer rests on (\"block 12\", \"cue 7.1\"). Ask nothing the items do not state; "
            "fewer questions are better than guessed ones.\n"
            "Reply with a JSON array and nothing else, for example:\n"
            "[{\"category\":\"dialogue\",\"question\":\"Who says \\\"Mind the step.\\\"?\","
            "\"answer\":\"Anna Berg\",\"evidence\":[\"cue 3.1\"]}]",
            per_category);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

const char sm_qa_answer_system_prompt[] =
    "You answer questions about a story. You use only what the story says, never what you "
    "might know or guess about the film.";

const char sm_qa_grade_system_prompt[] =
    "You grade short answers to questions about a film scene against an answer key.";

char *sm_qa_answer_prompt(const char *story, const char *question)
{
    return eval_format("Story:\n%s\n\nQuestion: %s\n\n"
                       "Answer in a few words, from the story alone. If the story does not say, answer "
                       "exactly: not stated",
                       story && *story ? story : "(no story)", question);
}

char *sm_qa_grade_prompt(const char *question, const char *key, const char *answer)
{
    return eval_format("Question: %s\nAnswer key: %s\nAnswer given: %s\n\n"
                       "Does the answer given say what the key says? Wording may differ and a person may be "
                       "called by a first or last name only. An answer that names another person, says "
                       "something the key contradicts, or says the story does not tell is wrong. Reply with "
                       "[[CORRECT]] or [[WRONG]] and nothing else.",
                       question, key, answer);
}

/* ---- parsers ----------------------------------------------------------------- */

sm_qa_grade sm_qa_parse_grade(const char *text, size_t len)
{
    const char *p = eval_after_think(text, len), *end = text + len;
    int correct = 0, wrong = 0;
    while ((p = memchr(p, '[', (size_t)(end - p))) != NULL) {
        if ((size_t)(end - p) >= 11 && memcmp(p, "[[CORRECT]]", 11) == 0) {
            correct = 1;
            p += 11;
        } else if ((size_t)(end - p) >= 9 && memcmp(p, "[[WRONG]]", 9) == 0) {
            wrong = 1;
            p += 9;
        } else {
            p++;
        }
    }
    return correct == wrong ? SM_GRADE_INVALID : correct ? SM_GRADE_CORRECT : SM_GRADE_WRONG;
}

int sm_qa_not_stated(const char *text, size_t len)
{
    static const char want[] = "notstated";
    const char *p = eval_after_think(text, len), *end = text + len;
    size_t k = 0;
    for (; p < end; p++) {
        unsigned char c = (unsigned char)*p;
        if (!isalnum(c))
            continue;
        if (k == sizeof want - 1 || tolower(c) != want[k])
            return 0;
        k++;
    }
    return k == sizeof want - 1;
}

void sm_qa_tally_finish(sm_qa_tally *t)
{
    t->n = t->correct + t->wrong;
    t->has_rate = t->n > 0;
    if (t->has_rate) {
        t->accuracy = (double)t->correct / (double)t->n;
        sm_wilson(t->correct, t->n, SM_Z95, &t->ci[0], &t->ci[1]);
    }
}

/* ---- proposed questions -------------------------------------------------------- */

/* A dialogue key names a speaker when the speaker agrees with it as with a
 * name (sm_speaker_agrees, the rule verification uses: "Daniel Hale" and
 * "Daniel" name DANIEL), or when the key names the character the context
 * found speaking as that speaker ("Martha" for MRS. HALE when Martha Hale's
 * lines are MRS. HALE's). */
static int key_names_speaker(const sm_context *c, const char *key, const char *speaker)
{
    char sk[128], ck[128];
    if (sm_speaker_agrees(key, speaker))
        return 1;
    if (sm_speaker_key(speaker, sk, sizeof sk) == 0)
        return 0;
    for (size_t i = 0; i < c->n_characters; i++) {
        const sm_context_character *ch = &c->characters[i];
        if (ch->name && ch->evidence.speaker && sm_speaker_key(ch->evidence.speaker, ck, sizeof ck) > 0 &&
            strcmp(ck, sk) == 0 && sm_speaker_agrees(ch->name, key))
            return 1;
    }
    return 0;
}

static char *dup_json_string(json_t *v)
{
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return n ? strndup(s, n) : NULL;
}

static int drop(sm_qa_candidate *q, const char *code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int drop(sm_qa_candidate *q, const char *code, const char *fmt, ...)
{
    va_list ap;
    char buf[512];
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    q->drop = code;
    q->why = strdup(buf);
    return q->why ? 0 : -1;
}

static int same_text(const char *a, const char *b)
{
    for (;; a++, b++) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
        if (!*a)
            return 1;
    }
}

static int check_candidate(const sm_context *c, json_t *item, sm_qa_candidate *q, const sm_qa_candidates *kept)
{
    q->category = -1;
    q->raw = json_dumps(item, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (!q->raw)
        return -1;
    if (!json_is_object(item))
        return drop(q, "not-an-object", "not a {category, question, answer, evidence} object");
    json_t *cat = json_object_get(item, "category");
    q->question = dup_json_string(json_object_get(item, "question"));
    q->answer = dup_json_string(json_object_get(item, "answer"));
    if (json_is_string(cat))
        q->category = sm_qa_category_parse(json_string_value(cat), json_string_length(cat));
    if (q->category < 0)
        return drop(q, "category", "category is not relationships, actions, emotions or dialogue");
    if (!q->question)
        return drop(q, "no-question", "no question");
    if (!q->answer)
        return drop(q, "no-answer", "no answer key");
    json_t *ev = json_object_get(item, "evidence");
    if (json_is_string(ev) || json_is_object(ev)) {        /* one id, not in a list: fine */
        json_t *one = json_array();
        if (!one || json_array_append(one, ev)) {
            json_decref(one);
            return -1;
        }
        ev = one;
    } else {
        json_incref(ev);
    }
    int rc = 0;
    size_t n = json_array_size(ev);
    if (n == 0)
        rc = drop(q, "no-evidence", "no evidence ids");
    else if (!(q->evidence = calloc(n, sizeof *q->evidence)))
        rc = -1;
    for (size_t i = 0; i < n && rc == 0 && !q->drop; i++) {
        sm_qa_evidence *e = &q->evidence[q->n_evidence++];
        if (evidence_from_json(json_array_get(ev, i), e))
            rc = drop(q, "evidence-form", "evidence %zu is not an id such as \"block 12\" or \"cue 7.1\"", i + 1);
        else if (e->block && !sm_context_find_block(c, e->block))
            rc = drop(q, "evidence-missing", "block %ld is not in the story's context", e->block);
        else if (e->cue && !sm_context_find_segment(c, e->cue, e->segment))
            rc = drop(q, "evidence-missing", "cue %d.%d is not in the story's context", e->cue, e->segment);
    }
    json_decref(ev);
    if (rc || q->drop)
        return rc;
    if (q->category == SM_QA_DIALOGUE) {
        const char *first = NULL;
        int named = 0;
        for (size_t i = 0; i < q->n_evidence && !named; i++) {
            const sm_qa_evidence *e = &q->evidence[i];
            const char *spk = e->cue ? sm_context_find_segment(c, e->cue, e->segment)->speaker
                                     : sm_context_find_block(c, e->block)->speaker;
            if (!spk)
                continue;
            first = first ? first : spk;
            named = key_names_speaker(c, q->answer, spk);
        }
        if (!first)
            return drop(q, "dialogue-no-speaker", "none of the lines it cites has a speaker");
        if (!named)
            return drop(q, "dialogue-speaker", "the key '%s' does not name the speaker of the cited line (%s)",
                        q->answer, first);
    }
    for (size_t i = 0; i < kept->n_items; i++)
        if (!kept->items[i].drop && kept->items[i].question && same_text(kept->items[i].question, q->question))
            return drop(q, "duplicate", "the same question again");
    return 0;
}

int sm_qa_parse_questions(const char *text, size_t len, const sm_context *c, sm_qa_candidates *out,
                          const char **why)
{
    memset(out, 0, sizeof *out);
    *why = NULL;
    const char *p = eval_after_think(text, len), *end = text + len;
    const char *open = memchr(p, '[', (size_t)(end - p)), *close = NULL;
    for (const char *k = end; open && k > open; k--)
        if (k[-1] == ']') {
            close = k;
            break;
        }
    json_t *arr = open && close ? json_loadb(open, (size_t)(close - open), 0, NULL) : NULL;
    if (!json_is_array(arr)) {
        json_decref(arr);
        *why = open ? "the answer holds no readable JSON array of questions"
                    : "the answer holds no JSON array of questions";
        return 1;
    }
    size_t n = json_array_size(arr);
    out->items = calloc(n ? n : 1, sizeof *out->items);
    if (!out->items) {
        json_decref(arr);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        sm_qa_candidate *q = &out->items[out->n_items];
        int rc = check_candidate(c, json_array_get(arr, i), q, out);
        out->n_items++;
        if (rc) {
            json_decref(arr);
            return -1;
        }
    }
    json_decref(arr);
    return 0;
}

void sm_qa_candidates_free(sm_qa_candidates *q)
{
    for (size_t i = 0; i < q->n_items; i++) {
        free(q->items[i].question);
        free(q->items[i].answer);
        free(q->items[i].evidence);
        free(q->items[i].why);
        free(q->items[i].raw);
    }
    free(q->items);
    memset(q, 0, sizeof *q);
}
