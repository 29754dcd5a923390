/* text_stub.c - TEMPORARY minimal text layer so that the tree links while
 * the real one (encoding.c, normalise.c, tokenize.c) is written.  Delete this
 * file when those land. */
#include "storymovie/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sm_text_decode(const char *name, const unsigned char *bytes, size_t n, sm_text *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) {
        bytes += 3;
        n -= 3;
    }
    out->data = malloc(n + 1);
    if (!out->data)
        return sm_fail(err, name, 0, "out of memory");
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (bytes[i] == 0)
            return free(out->data), out->data = NULL, sm_fail(err, name, 0, "binary file (NUL byte)");
        if (bytes[i] == '\r') {
            out->data[j++] = '\n';
            if (i + 1 < n && bytes[i + 1] == '\n')
                i++;
        } else
            out->data[j++] = (char)bytes[i];
    }
    out->data[j] = 0;
    out->len = j;
    strcpy(out->encoding, "UTF-8");
    return 0;
}

int sm_text_read_file(const char *path, sm_text *out, sm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "%s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            b = realloc(b, cap *= 2);
    }
    int bad = ferror(f);
    fclose(f);
    if (!b || bad)
        return free(b), sm_fail(err, path, 0, "cannot read");
    int rc = sm_text_decode(path, b, n, out, err);
    free(b);
    return rc;
}

void sm_text_free(sm_text *t)
{
    free(t->data);
    t->data = NULL;
}

char *sm_normalise(const char *s, size_t len, size_t *out_len)
{
    char *o = malloc(len + 1);
    if (!o)
        return NULL;
    for (size_t i = 0; i < len; i++)
        o[i] = (char)tolower((unsigned char)s[i]);
    o[len] = 0;
    if (out_len)
        *out_len = len;
    return o;
}

int sm_tokenize(const char *text, size_t len, uint32_t base, sm_tokens *out)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && !isalnum((unsigned char)text[i]) && !((unsigned char)text[i] & 0x80))
            i++;
        size_t s = i;
        while (i < len && (isalnum((unsigned char)text[i]) || ((unsigned char)text[i] & 0x80) ||
                           (text[i] == '\'' && i > s && i + 1 < len && isalnum((unsigned char)text[i + 1]))))
            i++;
        if (i == s)
            continue;
        if (out->count == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->items = realloc(out->items, out->cap * sizeof *out->items);
        }
        if (out->norm_len + (i - s) + 1 > out->norm_cap) {
            while (out->norm_len + (i - s) + 1 > out->norm_cap)
                out->norm_cap = out->norm_cap ? out->norm_cap * 2 : 1024;
            out->norm = realloc(out->norm, out->norm_cap);
        }
        sm_token *t = &out->items[out->count++];
        t->offset = base + (uint32_t)s;
        t->length = (uint32_t)(i - s);
        t->norm_offset = (uint32_t)out->norm_len;
        t->norm_length = (uint32_t)(i - s);
        for (size_t k = s; k < i; k++)
            out->norm[out->norm_len++] = (char)tolower((unsigned char)text[k]);
        out->norm[out->norm_len++] = 0;
    }
    return 0;
}

void sm_tokens_clear(sm_tokens *t)
{
    t->count = 0;
    t->norm_len = 0;
}

void sm_tokens_free(sm_tokens *t)
{
    free(t->items);
    free(t->norm);
    memset(t, 0, sizeof *t);
}
