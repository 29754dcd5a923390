/* utf8.h - encoding and checking UTF-8, once for the library. */
#ifndef SM_COMMON_UTF8_H
#define SM_COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Write code point cp (at most U+10FFFF) as UTF-8 into out (4 bytes of
 * room); returns the bytes written (1-4). */
size_t sm_utf8_encode(uint32_t cp, char *out);

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 when the bytes at s
 * (before end) are not one. */
size_t sm_utf8_sequence(const unsigned char *s, const unsigned char *end);

#endif
