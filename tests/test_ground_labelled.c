/* test_ground_labelled.c - verification agrees with a hand-labelled set of
 * model answers (tests/fixtures/ground/answers.txt): every answer gets
 * exactly the problem codes it was labelled with, or passes when it was
 * labelled "pass".  Prints how many answers of each kind the set holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "storymovie/ground.h"

#define FIXTURE SM_SOURCE_DIR "/tests/fixtures/ground/answers.txt"
#define CONTEXT SM_SOURCE_DIR "/tests/golden/build_sample.context.jsonl"
#define STORIES SM_SOURCE_DIR "/sample/stories.jsonl"

typedef struct labelled {
    char id[16], story[64], labels[256];
    int truncated;
    char *answer;
    size_t len;
} labelled;

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    fclose(f);
    *n = (size_t)size;
    return buf;
}

/* The fixture: "=== ID STORY FINISH LABELS", '#' lines, then the answer. */
static size_t read_fixture(labelled **out)
{
    size_t n;
    char *text = slurp(FIXTURE, &n);
    labelled *items = NULL;
    size_t count = 0;
    char *p = text;
    while (p && *p) {
        char *line = p;
        char *nl = strchr(p, '\n');
        p = nl ? nl + 1 : NULL;
        if (strncmp(line, "=== ", 4) != 0)
            continue;
        items = realloc(items, (count + 1) * sizeof *items);
        assert_non_null(items);
        labelled *l = &items[count++];
        memset(l, 0, sizeof *l);
        char finish[16];
        assert_int_equal(sscanf(line, "=== %15s %63s %15s %255s", l->id, l->story, finish, l->labels), 4);
        l->truncated = strcmp(finish, "length") == 0;
        while (p && *p == '#') {
            nl = strchr(p, '\n');
            p = nl ? nl + 1 : NULL;
        }
        char *start = p ? p : text + n;
        char *end = start;
        while (end < text + n && strncmp(end, "\n=== ", 5) != 0)
            end++;
        while (end > start && (end[-1] == '\n'))
            end--;
        l->len = (size_t)(end - start);
        l->answer = malloc(l->len + 1);
        assert_non_null(l->answer);
        memcpy(l->answer, start, l->len);
        l->answer[l->len] = '\0';
    }
    free(text);
    *out = items;
    return count;
}

static int has_label(const char *labels, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = labels; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && strncmp(p, code, n) == 0)
            return 1;
        p = c ? c + 1 : p + len;
    }
    return 0;
}

static void test_labelled_set(void **state)
{
    (void)state;
    sm_error err;
    sm_context_set ctx = {0};
    sm_story_set stories = {0};
    assert_int_equal(sm_context_read_file(CONTEXT, &ctx, &err), 0);
    assert_int_equal(sm_story_read_file(STORIES, &stories, &err), 0);
    labelled *items;
    size_t n = read_fixture(&items);
    assert_true(n >= 40);

    /* Kinds: pass, and each problem code. */
    const char *kinds[32];
    int counts[32] = {0}, n_kinds = 0, disagree = 0, n_pass = 0;
    for (size_t i = 0; i < n; i++) {
        labelled *l = &items[i];
        const sm_story *s = NULL;
        for (size_t k = 0; k < stories.n_items; k++)
            if (strcmp(stories.items[k].story_id, l->story) == 0)
                s = &stories.items[k];
        const sm_context *c = sm_context_find(&ctx, l->story);
        assert_non_null(s);
        assert_non_null(c);
        sm_ground_verdict v;
        assert_int_equal(sm_ground_verify(s, c, l->answer, l->len, l->truncated, &v), 0);

        int pass = strcmp(l->labels, "pass") == 0, ok = pass == v.passed;
        /* Every problem found was labelled, and every label was found. */
        for (size_t k = 0; k < v.n_problems && ok; k++)
            ok = has_label(l->labels, v.problems[k].code);
        for (const char *p = l->labels; ok && !pass && *p;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            int found = 0;
            for (size_t k = 0; k < v.n_problems && !found; k++)
                found = strlen(v.problems[k].code) == len && strncmp(v.problems[k].code, p, len) == 0;
            ok = found;
            p = comma ? comma + 1 : p + len;
        }
        if (!ok) {
            disagree++;
            printf("%s (%s): labelled %s, verification says", l->id, l->story, l->labels);
            if (v.passed)
                printf(" pass");
            for (size_t k = 0; k < v.n_problems; k++)
                printf(" [%s] %s", v.problems[k].code, v.problems[k].message);
            printf("\n");
        }
        /* Count kinds from the labels. */
        if (pass)
            n_pass++;
        for (const char *p = pass ? "" : l->labels; *p;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            int k = 0;
            while (k < n_kinds && !(strlen(kinds[k]) == len && strncmp(kinds[k], p, len) == 0))
                k++;
            if (k == n_kinds && n_kinds < 32) {
                char *name = malloc(len + 1);
                memcpy(name, p, len);
                name[len] = '\0';
                kinds[n_kinds++] = name;
            }
            if (k < 32)
                counts[k]++;
            p = comma ? comma + 1 : p + len;
        }
        sm_ground_verdict_free(&v);
    }
    printf("hand-labelled answers: %zu (%d pass, %zu fail); answers per problem kind:\n", n, n_pass,
           n - (size_t)n_pass);
    for (int k = 0; k < n_kinds; k++)
        printf("  %-22s %d\n", kinds[k], counts[k]);
    printf("verification agrees on %zu of %zu\n", n - (size_t)disagree, n);
    for (int k = 0; k < n_kinds; k++)
        free((void *)kinds[k]);
    for (size_t i = 0; i < n; i++)
        free(items[i].answer);
    free(items);
    sm_story_set_free(&stories);
    sm_context_set_free(&ctx);
    assert_int_equal(disagree, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labelled_set),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
