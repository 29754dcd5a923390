/* fuzz_text_decode.c - arbitrary bytes through the whole text layer.
 *
 * Decoding must either fail with a message or produce NUL-terminated UTF-8
 * with no CR; normalising and tokenising must cope with anything, including
 * the raw (possibly invalid) bytes, and every token must lie inside the
 * text it came from.  A broken invariant aborts, which libFuzzer reports. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "storymovie/text.h"

static void check(int ok)
{
    if (!ok)
        abort();
}

static void check_utf8(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        check(k > 0);
        i += (size_t)k;
    }
}

static void tokenize_and_check(const char *s, size_t n, uint32_t base)
{
    sm_tokens tokens = {0};
    check(sm_tokenize(s, n, base, &tokens) == 0);
    for (size_t i = 0; i < tokens.n_items; i++) {
        const sm_token *t = &tokens.items[i];
        check(t->offset >= base && t->length > 0 && t->offset - base + t->length <= n);
        check(t->norm_offset + t->norm_length < tokens.norm_len);
        check(tokens.norm[t->norm_offset + t->norm_length] == 0);
        check(strlen(sm_token_norm(&tokens, i)) <= t->norm_length);
    }
    sm_tokens_free(&tokens);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_text text;
    sm_error err;
    if (sm_text_decode("fuzz", data, size, &text, &err) == 0) {
        check(text.data != NULL && text.data[text.len] == 0);
        check(memchr(text.data, '\r', text.len) == NULL);
        check_utf8(text.data, text.len);
        tokenize_and_check(text.data, text.len, 0);
        size_t norm_len;
        char *norm = sm_normalise(text.data, text.len, &norm_len);
        check(norm != NULL);
        check_utf8(norm, norm_len);
        free(norm);
        sm_text_free(&text);
    } else {
        check(err.message[0] != 0 && strcmp(err.file, "fuzz") == 0);
    }

    /* The raw bytes, valid or not. */
    tokenize_and_check((const char *)data, size, 1000);
    size_t norm_len;
    char *norm = sm_normalise((const char *)data, size, &norm_len);
    check(norm != NULL);
    free(norm);
    return 0;
}
