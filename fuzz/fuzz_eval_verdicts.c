/* fuzz_eval_verdicts.c - the readers of model answers that score: the
 * judge's verdict parser, the grader's grade parser and the "not stated"
 * test, on arbitrary bytes.  Besides memory errors it checks them against
 * a plain reference implementation of their rule: the verdict is the one
 * mark among [[A]], [[B]], [[C]] present after the last "</think>", else
 * invalid; the same for [[CORRECT]] / [[WRONG]]; "not stated" is an answer
 * whose letters and digits are those two words. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/eval_judge.h"
#include "storymovie/eval_qa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int contains(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, w, k) == 0)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t start = 0;
    for (size_t i = 0; i + 8 <= size; i++)
        if (memcmp(s + i, "</think>", 8) == 0)
            start = i + 8;
    const char *t = s + start;
    size_t n = size - start;

    int a = contains(t, n, "[[A]]"), b = contains(t, n, "[[B]]"), c = contains(t, n, "[[C]]");
    sm_judge_verdict want = a + b + c != 1 ? SM_VERDICT_INVALID : a ? SM_VERDICT_A : b ? SM_VERDICT_B : SM_VERDICT_TIE;
    if (sm_judge_parse(s, size) != want)
        __builtin_trap();

    int ok = contains(t, n, "[[CORRECT]]"), wrong = contains(t, n, "[[WRONG]]");
    sm_qa_grade g = ok == wrong ? SM_GRADE_INVALID : ok ? SM_GRADE_CORRECT : SM_GRADE_WRONG;
    if (sm_qa_parse_grade(s, size) != g)
        __builtin_trap();

    /* "not stated": its letters and digits, case folded, are exactly these */
    char letters[16];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof letters; i++) {
        unsigned char ch = (unsigned char)t[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
            letters[k++] = (char)ch;
        else if (ch >= 'A' && ch <= 'Z')
            letters[k++] = (char)(ch + 32);
    }
    int stated = k == 9 && memcmp(letters, "notstated", 9) == 0;
    if (sm_qa_not_stated(s, size) != stated)
        __builtin_trap();
    return 0;
}
