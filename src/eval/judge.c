/* judge.c - the pairwise judge's pieces that need no model: criteria, the
 * references, the prompt (judge-v1), the verdict parser, how the two orders
 * combine, and the tally with its bootstrap interval.  judge_run.c asks. */
#include "storymovie/eval_judge.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/eval_stats.h"
#include "eval/eval_internal.h"

static const char *const criterion_names[SM_JUDGE_CRITERIA] = {"subtitle", "synopsis", "description"};

const char *sm_judge_criterion_name(int criterion)
{
    return criterion >= 0 && criterion < SM_JUDGE_CRITERIA ? criterion_names[criterion] : "?";
}

int sm_judge_criterion_parse(const char *s, size_t n)
{
    return eval_name_index(criterion_names, SM_JUDGE_CRITERIA, s, n);
}

/* ---- verdicts ------------------------------------------------------------ */

sm_judge_verdict sm_judge_parse(const char *text, size_t len)
{
    const char *p = eval_after_think(text, len), *end = text + len;
    unsigned seen = 0;
    while ((p = memchr(p, '[', (size_t)(end - p))) != NULL) {
        if (end - p >= 5 && p[1] == '[' && p[3] == ']' && p[4] == ']' && p[2] >= 'A' && p[2] <= 'C') {
            seen |= 1u << (p[2] - 'A');
            p += 5;
        } else {
            p++;
        }
    }
    switch (seen) {
    case 1: return SM_VERDICT_A;
    case 2: return SM_VERDICT_B;
    case 4: return SM_VERDICT_TIE;
    default: return SM_VERDICT_INVALID;
    }
}

const char *sm_judge_verdict_name(sm_judge_verdict v)
{
    switch (v) {
    case SM_VERDICT_A: return "A";
    case SM_VERDICT_B: return "B";
    case SM_VERDICT_TIE: return "C";
    default: return "invalid";
    }
}

/* What a verdict says of the --a story: +1 better, -1 worse, 0 tie. */
static int favours_a(sm_judge_verdict v, int a_first)
{
    if (v == SM_VERDICT_TIE)
        return 0;
    return (v == SM_VERDICT_A) == a_first ? 1 : -1;
}

sm_judge_outcome sm_judge_combine(sm_judge_verdict ab, sm_judge_verdict ba, int *inconsistent)
{
    *inconsistent = 0;
    if (ab == SM_VERDICT_INVALID || ba == SM_VERDICT_INVALID)
        return SM_OUTCOME_INVALID;
    int x = favours_a(ab, 1), y = favours_a(ba, 0);
    if (x != y) {
        *inconsistent = 1;
        return SM_OUTCOME_TIE;
    }
    return x > 0 ? SM_OUTCOME_WIN : x < 0 ? SM_OUTCOME_LOSS : SM_OUTCOME_TIE;
}

const char *sm_judge_outcome_name(sm_judge_outcome o)
{
    switch (o) {
    case SM_OUTCOME_WIN: return "win";
    case SM_OUTCOME_TIE: return "tie";
    case SM_OUTCOME_LOSS: return "loss";
    default: return "invalid";
    }
}

void sm_judge_tally_add(sm_judge_tally *t, sm_judge_outcome o, int inconsistent, uint8_t *points)
{
    switch (o) {
    case SM_OUTCOME_WIN: t->wins++; points[t->n++] = 2; break;
    case SM_OUTCOME_TIE:
        t->ties++;
        t->inconsistent += inconsistent != 0;
        points[t->n++] = 1;
        break;
    case SM_OUTCOME_LOSS: t->losses++; points[t->n++] = 0; break;
    default: t->invalid++; break;
    }
}

int sm_judge_tally_finish(sm_judge_tally *t, const uint8_t *points, size_t resamples, uint64_t seed)
{
    t->has_rate = t->n > 0;
    if (!t->has_rate)
        return 0;
    t->win_rate = ((double)t->wins + (double)t->ties / 2) / (double)t->n;
    return sm_bootstrap_mean(points, t->n, 2, resamples, seed, &t->ci[0], &t->ci[1]) ? -1 : 0;
}

/* ---- references ---------------------------------------------------------- */

static void put_text(FILE *f, const char *s)
{
    /* one line per item: line breaks inside an item become spaces */
    for (; s && *s; s++)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static const sm_context_scene *scene_of(const sm_context *c, int scene)
{
    for (size_t i = 0; i < c->n_scenes; i++)
        if (c->scenes[i].scene == scene)
            return &c->scenes[i];
    return NULL;
}

char *sm_judge_reference(const sm_context *c, int criterion, int *oom)
{
    char *buf = NULL;
    size_t len = 0, items = 0;
    *oom = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        *oom = 1;
        return NULL;
    }
    if (criterion == SM_JUDGE_SUBTITLE) {
        const sm_context_segment **by_time = malloc((c->n_dialogue ? c->n_dialogue : 1) * sizeof *by_time);
        if (!by_time) {
            fclose(f);
            free(buf);
            *oom = 1;
            return NULL;
        }
        size_t n = sm_context_dialogue_by_time(c, by_time);
        for (size_t i = 0; i < n; i++) {
            if (!by_time[i]->text)
                continue;
            fputs(by_time[i]->speaker ? by_time[i]->speaker : "(speaker unknown)", f);
            fputs(": ", f);
            put_text(f, by_time[i]->text);
            fputc('\n', f);
            items++;
        }
        free(by_time);
    } else if (criterion == SM_JUDGE_SYNOPSIS) {
        for (size_t i = 0; i < c->n_synopsis; i++)
            if (c->synopsis[i].description) {
                fprintf(f, "%s", items ? "\n" : "");
                put_text(f, c->synopsis[i].description);
                fputc('\n', f);
                items++;
            }
    } else {
        /* Each scene's heading before its first action line; the heading
         * blocks themselves are not repeated. */
        int last_scene = -1;
        for (size_t i = 0; i < c->n_script; i++) {
            const sm_context_block *b = &c->script[i];
            if (!b->text || strcmp(b->kind, "action") != 0)
                continue;
            if (b->scene != last_scene) {
                const sm_context_scene *s = scene_of(c, b->scene);
                if (s && s->heading) {
                    fputs(s->heading, f);
                    fputc('\n', f);
                }
                last_scene = b->scene;
            }
            put_text(f, b->text);
            fputc('\n', f);
            items++;
        }
        /* a window with headings and no action: the headings alone */
        size_t headings = 0;
        for (size_t i = 0; items == 0 && i < c->n_scenes; i++)
            if (c->scenes[i].heading) {
                fputs(c->scenes[i].heading, f);
                fputc('\n', f);
                headings++;
            }
        if (items == 0)
            items = headings;
    }
    if (fclose(f) != 0) {
        free(buf);
        *oom = 1;
        return NULL;
    }
    if (items == 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- the prompt (judge-v1) ----------------------------------------------- */

const char sm_judge_system_prompt[] =
    "You judge stories written about a sequence of frames from a film. You compare two "
    "stories with a reference taken from the film itself and say which of the two agrees "
    "with it better. You are impartial: the order in which the stories are shown, their "
    "length and their style do not matter, only agreement with the reference on the "
    "criterion you are given.";

static const char *const criterion_text[SM_JUDGE_CRITERIA][2] = {
    {"Subtitle alignment: does the story use the dialogue that is really spoken in this part "
     "of the film, given to the character who really says it, without inventing dialogue "
     "or speakers?",
     "The dialogue spoken in this part of the film, in order, each line with its speaker "
     "(from the subtitles, speakers from the screenplay):"},
    {"Synopsis alignment: do the events, relationships, motives and feelings in the story "
     "agree with the synopsis of this part of the film, without contradicting it or adding "
     "what it does not support?",
     "The synopsis of this part of the film:"},
    {"Description alignment: do the places, people and actions in the story agree with "
     "the screenplay's scene headings and action lines for this part of the film?",
     "The screenplay's scene headings and action lines for this part of the film:"},
};

char *sm_judge_prompt(int criterion, const char *reference, const char *first, const char *second)
{
    if (criterion < 0 || criterion >= SM_JUDGE_CRITERIA)
        return NULL;
    return eval_format("Criterion. %s\n\n"
                       "Reference. %s\n%s\n"
                       "Story A:\n%s\n\n"
                       "Story B:\n%s\n\n"
                       "Which story agrees better with the reference on this criterion? Write one or two "
                       "sentences of reasons, then the verdict alone on the last line: [[A]] if Story A is "
                       "better, [[B]] if Story B is better, [[C]] if they are equally good. Do not write "
                       "these marks anywhere else.",
                       criterion_text[criterion][0], criterion_text[criterion][1], reference ? reference : "",
                       first && *first ? first : "(no story)", second && *second ? second : "(no story)");
}
