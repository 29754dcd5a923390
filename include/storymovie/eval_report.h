/* eval_report.h - the papers' tables for a set of models (`storymovie eval
 * report`; docs/eval.md "Report").
 *
 * Each model is a directory holding what the eval commands wrote for it,
 * under fixed names (any of them may be missing):
 *
 *   grounding.jsonl   eval grounding -o      language.jsonl   eval language -o
 *   dialogue.jsonl    eval dialogue -o       structure.jsonl  eval structure -o
 *   judge/ or judge-NAME/   eval judge --out (one per comparison)
 *   qa/               eval qa run --out
 *
 * The model's name is the directory's name.  Scores are only put side by
 * side when they were computed over the same stories (story counts and
 * story-set fingerprints agree, and for QA the same questions); a summary
 * of a run that is not complete (requests failed or pending) is refused. */
#ifndef STORYMOVIE_EVAL_REPORT_H
#define STORYMOVIE_EVAL_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sm_report sm_report;

/* Read the model directories.  NULL with err (file and problem) when a file
 * is not what its name says, a run is incomplete, two models were scored
 * on different stories, or no directory holds anything to report. */
sm_report *sm_report_load(const char *const *dirs, size_t n, sm_error *err);
void sm_report_free(sm_report *r);

/* The tables as Markdown (a section per kind of score, models as rows;
 * percentages with one decimal, 95% intervals in brackets).  -1 on a
 * write error. */
int sm_report_markdown(const sm_report *r, FILE *f);
/* {"models":[{"name","dir","grounding":{summary},...,"judge":[...],"qa":{...}}]}
 * - the summaries as read.  malloc'd, NULL on memory. */
char *sm_report_json(const sm_report *r);
/* An SVG picture (written here, no library): judge win rates with their
 * intervals, and QA accuracy by category with theirs.  NULL when there is
 * neither, or on memory (*oom). */
char *sm_report_svg(const sm_report *r, int *oom);
/* All three at once, as `eval report` gives them: with out_dir, report.md,
 * report.json and report.svg (when there is a picture) written into it
 * (made when missing; each file atomically); with markdown, the Markdown
 * (malloc'd) for the caller to print.  0, or -1 with err (nothing in
 * *markdown). */
int sm_report_write(const sm_report *r, const char *out_dir, char **markdown, sm_error *err);

#ifdef __cplusplus
}
#endif
#endif
