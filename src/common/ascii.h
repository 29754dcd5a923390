/* ascii.h - ASCII case-insensitive comparisons, once for the library.
 *
 * Format keywords (INT., [Scene, Dialogue:, ## Image, column names) are
 * ASCII; comparing them needs no Unicode case folding, and a byte >= 0x80
 * only ever equals itself. */
#ifndef SM_COMMON_ASCII_H
#define SM_COMMON_ASCII_H

#include <stddef.h>

static inline unsigned char sm_ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* s[0..n) starts with the C string `prefix`, ignoring ASCII case. */
static inline int sm_ascii_prefix_ci(const char *s, size_t n, const char *prefix)
{
    for (size_t i = 0; prefix[i]; i++)
        if (i >= n || sm_ascii_lower((unsigned char)s[i]) != sm_ascii_lower((unsigned char)prefix[i]))
            return 0;
    return 1;
}

/* s[0..n) is the C string `word`, ignoring ASCII case. */
static inline int sm_ascii_eq_ci(const char *s, size_t n, const char *word)
{
    size_t i = 0;
    for (; i < n && word[i]; i++)
        if (sm_ascii_lower((unsigned char)s[i]) != sm_ascii_lower((unsigned char)word[i]))
            return 0;
    return i == n && word[i] == '\0';
}

#endif
