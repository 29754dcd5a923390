/* story_set.c - a fingerprint of the stories a score was computed over, so
 * that scores of different models are only put side by side when they
 * cover the same stories. */
#include "storymovie/eval_structure.h"

#include <stdlib.h>
#include <string.h>

#include "storymovie/llm.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sm_eval_story_set(const char *const *ids, size_t n, char out[13])
{
    const char **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    size_t total = 0, k = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i]) {
            sorted[k++] = ids[i];
            total += strlen(ids[i]) + 1;
        }
    qsort(sorted, k, sizeof *sorted, cmp_str);
    char *buf = malloc(total + 1), *p = buf;
    if (!buf) {
        free(sorted);
        return -1;
    }
    for (size_t i = 0; i < k; i++) {
        if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
            continue;
        size_t len = strlen(sorted[i]);
        memcpy(p, sorted[i], len);
        p += len;
        *p++ = '\n';
    }
    char hex[65];
    sm_llm_sha256_hex(buf, (size_t)(p - buf), hex);
    memcpy(out, hex, 12);
    out[12] = '\0';
    free(buf);
    free(sorted);
    return 0;
}
