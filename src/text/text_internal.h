/* text_internal.h - helpers shared by the files of the text layer only. */
#ifndef STORYMOVIE_TEXT_INTERNAL_H
#define STORYMOVIE_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* The ASCII stand-in for a typographic apostrophe, quote or dash code
 * point ('\'', '"' or '-'), or cp itself. */
int32_t sm_text_unify_punctuation(int32_t cp);

/* 1 when s[0..len) has no byte >= 0x80. */
int sm_text_is_ascii(const char *s, size_t len);

/* dst[i] = the ASCII lower case of src[i], with ` turned into '
 * (dst may be src). */
void sm_text_ascii_lower(char *dst, const char *src, size_t len);

#endif
