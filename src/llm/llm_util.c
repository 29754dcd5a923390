/* llm_util.c - small helpers of the LLM layer: a byte buffer, a custom_id
 * table, the clock, and the two filters every server text passes through
 * (key redaction, one-line messages). */
#include "llm/llm_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/array.h"
#include "common/hash.h"

int llm_buf_reserve(llm_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return 0;
    return sm_grow(&b->data, &b->cap, b->len + extra + 1, 1);
}

int llm_buf_add(llm_buf *b, const void *p, size_t n)
{
    if (llm_buf_reserve(b, n))
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void llm_buf_free(llm_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static size_t find_slot(const llm_table *t, const char *key)
{
    size_t mask = t->cap - 1, i = (size_t)sm_fnv1a_str(key) & mask;
    while (t->keys[i] && strcmp(t->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

void *llm_table_get(const llm_table *t, const char *key)
{
    if (!t->cap)
        return NULL;
    size_t i = find_slot(t, key);
    return t->keys[i] ? t->values[i] : NULL;
}

static int grow(llm_table *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    char **keys = calloc(cap, sizeof *keys);
    void **values = calloc(cap, sizeof *values);
    if (!keys || !values) {
        free(keys);
        free(values);
        return -1;
    }
    llm_table bigger = {keys, values, cap, t->n_keys};
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i]) {
            size_t j = find_slot(&bigger, t->keys[i]);
            keys[j] = t->keys[i];
            values[j] = t->values[i];
        }
    free(t->keys);
    free(t->values);
    *t = bigger;
    return 0;
}

int llm_table_put(llm_table *t, const char *key, void *value)
{
    if ((t->n_keys + 1) * 2 > t->cap && grow(t))
        return -1;
    size_t i = find_slot(t, key);
    if (!t->keys[i]) {
        t->keys[i] = strdup(key);
        if (!t->keys[i])
            return -1;
        t->n_keys++;
    }
    t->values[i] = value;
    return 0;
}

void llm_table_free(llm_table *t, void (*free_value)(void *))
{
    for (size_t i = 0; i < t->cap; i++)
        if (t->keys[i]) {
            free(t->keys[i]);
            if (free_value)
                free_value(t->values[i]);
        }
    free(t->keys);
    free(t->values);
    memset(t, 0, sizeof *t);
}

double llm_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *find_bytes(const char *hay, size_t n, const char *needle, size_t m)
{
    if (m == 0 || n < m)
        return NULL;
    for (const char *p = hay, *end = hay + n - m + 1; p < end;) {
        const char *c = memchr(p, needle[0], (size_t)(end - p));
        if (!c)
            return NULL;
        if (memcmp(c, needle, m) == 0)
            return c;
        p = c + 1;
    }
    return NULL;
}

void llm_redact(const char *key, char **s, size_t *len)
{
    static const char mark[] = "[redacted]";
    size_t m = key ? strlen(key) : 0;
    if (m < 8 || !*s || !find_bytes(*s, *len, key, m))
        return;
    llm_buf out = {0};
    const char *p = *s, *end = *s + *len;
    for (;;) {
        const char *hit = find_bytes(p, (size_t)(end - p), key, m);
        if (!hit)
            break;
        if (llm_buf_add(&out, p, (size_t)(hit - p)) || llm_buf_add(&out, mark, sizeof mark - 1))
            goto oom;
        p = hit + m;
    }
    if (llm_buf_add(&out, p, (size_t)(end - p)))
        goto oom;
    free(*s);
    *s = out.data;
    *len = out.len;
    return;
oom:
    /* Never hand the key on: without memory for a copy, blank it in place. */
    llm_buf_free(&out);
    for (char *q = *s; (q = (char *)find_bytes(q, (size_t)(*s + *len - q), key, m)) != NULL; q += m)
        memset(q, '*', m);
}

void llm_one_line(char *s, size_t max)
{
    if (!s)
        return;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            s[i] = ' ';
    if (n > max && max > 3) {
        /* cut on a UTF-8 character boundary */
        size_t cut = max - 3;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(s + cut, "...", 4);
        n = cut + 3;
    }
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
}
