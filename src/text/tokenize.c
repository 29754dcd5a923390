/* tokenize.c - words with their place in the source text (see text.h).
 *
 * A token is a maximal run of letters, marks and digits.  An apostrophe
 * (straight, curly, or one of its look-alikes) stays inside a token when
 * letters or digits follow it directly and the token has already begun, so
 * "I'm", "y'know" and "rock'n'roll" are single tokens while "'cause" and
 * "goin'" lose their outer apostrophes.  Everything else separates tokens.
 *
 * The tokenizer runs over every line of every screenplay and subtitle, so
 * ASCII is classified with a table and its normal form (lower case) written
 * directly; only tokens containing other characters go through utf8proc. */
#include "storymovie/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/array.h"
#include "text/text_internal.h"

enum char_class { SEPARATOR = 0, WORD = 1, APOSTROPHE = 2, NON_ASCII = 3 };

/* Classes of the ASCII bytes; 0x80 and above are looked at as code points. */
#define W WORD
#define A APOSTROPHE
#define N NON_ASCII
static const unsigned char byte_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    0, 0, 0, 0, 0, 0, 0, A, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20  '  */
    W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, 0, 0, /* 0x30 digits */
    0, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, /* 0x40 A-O */
    W, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, 0, /* 0x50 P-Z */
    A, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, /* 0x60 `  a-o */
    W, W, W, W, W, W, W, W, W, W, W, 0, 0, 0, 0, 0, /* 0x70 p-z */
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
    N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N,
};
#undef W
#undef A
#undef N

/* Class and byte length of the character at s[i].  Bytes that are not valid
 * UTF-8 are one-byte separators. */
static int classify(const unsigned char *s, size_t len, size_t i, size_t *char_len)
{
    int cls = byte_class[s[i]];
    if (cls != NON_ASCII) {
        *char_len = 1;
        return cls;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
    if (k <= 0) {
        *char_len = 1;
        return SEPARATOR;
    }
    *char_len = (size_t)k;
    if (sm_text_unify_punctuation(cp) == '\'')
        return APOSTROPHE;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return WORD;
    default:
        return SEPARATOR;
    }
}

static int reserve_norm(sm_tokens *out, size_t extra)
{
    if (out->norm_len + extra <= out->norm_cap)
        return 0;
    if (out->norm_len + extra > UINT32_MAX)   /* offsets are 32-bit */
        return -1;
    return sm_grow(&out->norm, &out->norm_cap, out->norm_len + extra, 1);
}

static inline char ascii_lower(unsigned char c)
{
    return (char)(c + (((unsigned char)(c - 'A') < 26) << 5));
}

/* Appends the token text[start..end).  `ascii` says it holds only ASCII
 * letters, digits and straight apostrophes, whose normal form is just the
 * lower case: sm_tokenize has written it already, at the end of norm. */
static int add_token(sm_tokens *out, const char *text, size_t start, size_t end,
                     uint32_t base, int ascii)
{
    /* Grown only when full: a call per token was a tenth of the work. */
    if (out->n_items == out->cap && sm_grow(&out->items, &out->cap, out->n_items + 1, sizeof *out->items) != 0)
        return -1;
    size_t length = end - start, norm_length;
    if (ascii) {
        out->norm[out->norm_len + length] = 0;
        norm_length = length;
    } else {
        char *norm = sm_normalise(text + start, length, &norm_length);
        if (!norm)
            return -1;
        if (reserve_norm(out, norm_length + 1) != 0) {
            free(norm);
            return -1;
        }
        memcpy(out->norm + out->norm_len, norm, norm_length + 1);
        free(norm);
    }
    sm_token *t = &out->items[out->n_items++];
    t->offset = base + (uint32_t)start;
    t->length = (uint32_t)length;
    t->norm_offset = (uint32_t)out->norm_len;
    t->norm_length = (uint32_t)norm_length;
    out->norm_len += norm_length + 1;
    return 0;
}

int sm_tokenize(const char *text, size_t len, uint32_t base, sm_tokens *out)
{
    if (len > UINT32_MAX - base)
        return -1;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        /* Separators: ASCII ones are skipped without classifying. */
        while (i < len && byte_class[s[i]] == SEPARATOR)
            i++;
        if (i >= len)
            break;
        size_t char_len;
        if (classify(s, len, i, &char_len) != WORD) {
            i += char_len;   /* a leading apostrophe or other separator */
            continue;
        }
        size_t start = i, end;
        int ascii = 1;
        /* The lower case is written as the token is read, into room for
         * the rest of the text (no token is longer); a token that turns
         * out not to be plain ASCII is normalised over it. */
        if (reserve_norm(out, len - start + 1) != 0)
            return -1;
        char *o = out->norm + out->norm_len;   /* o[i - start]: byte i's lower case */
        for (;;) {
            /* The run of letters and digits, ASCII first and fast. */
            while (i < len && byte_class[s[i]] == WORD) {
                o[i - start] = ascii_lower(s[i]);
                i++;
            }
            int cls = SEPARATOR;
            if (i < len) {
                cls = classify(s, len, i, &char_len);
                if (cls == WORD) {
                    ascii = 0;
                    i += char_len;
                    continue;
                }
            }
            end = i;
            if (cls != APOSTROPHE)
                break;
            /* An apostrophe continues the token only when a letter or digit
             * follows; otherwise it is trailing ("goin'") and left out. */
            size_t next = i + char_len, next_len;
            if (next >= len || classify(s, len, next, &next_len) != WORD)
                break;
            if (s[i] != '\'')
                ascii = 0;   /* ` or a typographic apostrophe: normalise it */
            else
                o[i - start] = '\'';
            i = next;
        }
        if (add_token(out, text, start, end, base, ascii) != 0)
            return -1;
        i = end;
    }
    return 0;
}

void sm_tokens_clear(sm_tokens *t)
{
    t->n_items = 0;
    t->norm_len = 0;
}

void sm_tokens_free(sm_tokens *t)
{
    free(t->items);
    free(t->norm);
    memset(t, 0, sizeof *t);
}
