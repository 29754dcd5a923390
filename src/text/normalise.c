/* normalise.c - the form of text that matching compares (see text.h).
 *
 * Subtitles and screenplays spell the same words differently: curly or
 * straight apostrophes, "..." or the ellipsis character, en dashes or
 * hyphens, upper or lower case, ligatures from PDF conversions, full-width
 * letters.  Matching sees past all of that by comparing the normalised form:
 * NFKC + Unicode case folding (utf8proc), with every apostrophe-like
 * character turned into ', every double quote into ", every dash into -.
 *
 * Almost every string is ASCII, and for ASCII the whole transformation is
 * "lower-case, and ` becomes '", so that is done without utf8proc. */
#include "storymovie/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/text_internal.h"

int32_t sm_text_unify_punctuation(int32_t cp)
{
    switch (cp) {
    case 0x0060: /* grave accent, used as an apostrophe on old keyboards */
    case 0x00B4: /* acute accent, likewise (NFKC would make it space + mark) */
    case 0x02BC: /* modifier letter apostrophe */
    case 0x2018: case 0x2019: case 0x201A: case 0x201B:   /* single quotes */
    case 0x2032: /* prime */
    case 0xFF07: /* full-width apostrophe */
        return '\'';
    case 0x00AB: case 0x00BB:                             /* guillemets */
    case 0x201C: case 0x201D: case 0x201E: case 0x201F:   /* double quotes */
    case 0x2033: /* double prime (NFKC would make it two primes) */
    case 0xFF02: /* full-width quotation mark */
        return '"';
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: /* minus sign */
    case 0x2E3A: case 0x2E3B: /* two- and three-em dashes */
    case 0xFE58: case 0xFE63: case 0xFF0D:
        return '-';
    default:
        return cp;
    }
}

static utf8proc_int32_t unify_callback(utf8proc_int32_t cp, void *data)
{
    (void)data;
    return sm_text_unify_punctuation(cp);
}

int sm_text_is_ascii(const char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & UINT64_C(0x8080808080808080))
            return 0;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] & 0x80)
            return 0;
    return 1;
}

void sm_text_ascii_lower(char *dst, const char *src, size_t len)
{
    /* Branch-free so that it vectorises; backticks are rare, so they are
     * looked for afterwards rather than tested for in the loop. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[i] = (char)(c + (((unsigned char)(c - 'A') < 26) << 5));
    }
    char *tick = memchr(dst, '`', len);
    while (tick) {
        *tick = '\'';
        tick = memchr(tick + 1, '`', len - (size_t)(tick + 1 - dst));
    }
}

/* A copy of s where every invalid UTF-8 byte is U+FFFD, so that utf8proc
 * (which refuses invalid input) can take it. */
static char *replace_invalid_utf8(const char *s, size_t len, size_t *out_len)
{
    char *copy = malloc(len * 3 + 1);
    if (!copy)
        return NULL;
    size_t i = 0, j = 0;
    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k > 0) {
            memcpy(copy + j, s + i, (size_t)k);
            j += (size_t)k;
            i += (size_t)k;
        } else {
            memcpy(copy + j, "\xEF\xBF\xBD", 3);
            j += 3;
            i++;
        }
    }
    copy[j] = 0;
    *out_len = j;
    return copy;
}

/* NFKC can produce characters that the pre-mapping would have changed (a
 * compatibility form decomposing to U+2032, say); a second pass over the
 * result catches them.  Every replacement is ASCII and every original is
 * multibyte, so the rewrite is in place. */
static size_t unify_after_nfkc(char *s, size_t len)
{
    size_t i = 0, j = 0;
    while (i < len) {
        if (!((unsigned char)s[i] & 0x80)) {
            s[j++] = s[i++];
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(len - i), &cp);
        if (k <= 0) {   /* cannot happen: utf8proc wrote it; keep the byte */
            s[j++] = s[i++];
            continue;
        }
        int32_t mapped = sm_text_unify_punctuation(cp);
        if (mapped != cp) {
            s[j++] = (char)mapped;
        } else {
            memmove(s + j, s + i, (size_t)k);
            j += (size_t)k;
        }
        i += (size_t)k;
    }
    s[j] = 0;
    return j;
}

char *sm_normalise(const char *s, size_t len, size_t *out_len)
{
    if (sm_text_is_ascii(s, len)) {
        char *o = malloc(len + 1);
        if (!o)
            return NULL;
        sm_text_ascii_lower(o, s, len);
        o[len] = 0;
        if (out_len)
            *out_len = len;
        return o;
    }

    /* IGNORE drops default-ignorable characters (soft hyphens, zero-width
     * spaces and joiners) that would otherwise split or change words. */
    const utf8proc_option_t options = UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                      UTF8PROC_STABLE | UTF8PROC_IGNORE;
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                             &mapped, options, unify_callback, NULL);
    if (n == UTF8PROC_ERROR_INVALIDUTF8) {
        size_t clean_len;
        char *clean = replace_invalid_utf8(s, len, &clean_len);
        if (!clean)
            return NULL;
        n = utf8proc_map_custom((const utf8proc_uint8_t *)clean, (utf8proc_ssize_t)clean_len,
                                &mapped, options, unify_callback, NULL);
        free(clean);
    }
    if (n < 0)
        return NULL;
    size_t result_len = unify_after_nfkc((char *)mapped, (size_t)n);
    if (out_len)
        *out_len = result_len;
    return (char *)mapped;
}
