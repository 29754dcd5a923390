/* text.h - reading any input file into UTF-8, normalising and tokenising it.
 *
 * Every reader in storymovie works on UTF-8 text produced here, so encoding
 * problems are solved once: BOMs (UTF-8/16/32) are honoured and removed,
 * UTF-16 without a BOM is recognised when evident, legacy 8-bit files
 * (Windows-1252, Latin-1, ...) are detected with uchardet and converted with
 * iconv.  Line endings are unified to "\n" (CRLF and lone CR), which keeps
 * line numbers as the user's editor shows them.
 *
 * A UTF-8 file with a few bytes that are not UTF-8 (a line typed in a
 * Windows-1252 editor) has those bytes read as Windows-1252 where they read
 * as text, with one warning; a legacy file's bytes that its code page does
 * not define (0x81 in Windows-1252) become U+FFFD, with one warning.
 *
 * Inputs that are not text are refused with a one-line error naming the file
 * and line: NUL bytes / binary data, UTF-8 with bytes that are neither UTF-8
 * nor Windows-1252 text where the rest of the file is clearly UTF-8, lines
 * longer than SM_TEXT_MAX_LINE bytes, and files larger than SM_TEXT_MAX_FILE. */
#ifndef STORYMOVIE_TEXT_H
#define STORYMOVIE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SM_TEXT_MAX_LINE (1u << 20)        /* 1 MiB: no real subtitle/script line is near this */
#define SM_TEXT_MAX_FILE (512u << 20)      /* 512 MiB */

typedef struct sm_text {
    char *data;          /* UTF-8, "\n" line ends, NUL-terminated; owned */
    size_t len;          /* bytes, without the terminating NUL */
    char encoding[32];   /* what the input was: "UTF-8", "UTF-8-BOM", "UTF-16LE", "WINDOWS-1252",
                          * "UTF-8+WINDOWS-1252" (a few bytes that are not UTF-8), ... */
    sm_warnings warnings;/* what the decoding repaired, once per kind (a reader passes them on) */
} sm_text;

/* Read and decode a whole file.  Errors: missing file, directory, binary,
 * invalid encoding, over-long line (with its line number). */
int sm_text_read_file(const char *path, sm_text *out, sm_error *err);

/* Decode bytes already in memory; `name` is used in error messages. */
int sm_text_decode(const char *name, const unsigned char *bytes, size_t n,
                   sm_text *out, sm_error *err);

void sm_text_free(sm_text *t);   /* the data and the warnings */

/* ---- normalisation for matching ------------------------------------------
 * NFKC + case folding (utf8proc), typographic quotes and apostrophes to ' and ",
 * dashes to '-', the ellipsis character to "...".  Returns a malloc'd,
 * NUL-terminated string and its length in *out_len (may be NULL), or NULL
 * on allocation failure.  Pure ASCII input takes a fast path. */
char *sm_normalise(const char *s, size_t len, size_t *out_len);

/* ---- tokenisation ---------------------------------------------------------
 * A token is a maximal run of letters/digits, with internal apostrophes kept
 * ("I'm" is one token: "i'm"; "y'know" is "y'know").  Hyphens, dashes and all
 * other punctuation separate tokens ("and-and" is "and", "and").  Each token
 * keeps its byte span in the source text and its normalised form. */
typedef struct sm_token {
    uint32_t offset;        /* byte offset in the source text */
    uint32_t length;        /* byte length in the source text */
    uint32_t norm_offset;   /* into sm_tokens.norm */
    uint32_t norm_length;
} sm_token;

typedef struct sm_tokens {
    sm_token *items;
    size_t n_items, cap;
    char *norm;             /* the normalised forms, each NUL-terminated */
    size_t norm_len, norm_cap;
} sm_tokens;

/* Append the tokens of text[0..len) to out.  base is added to every offset
 * (for tokenising a slice of a larger text).  Returns 0, or -1 on allocation
 * failure. */
int sm_tokenize(const char *text, size_t len, uint32_t base, sm_tokens *out);

static inline const char *sm_token_norm(const sm_tokens *t, size_t i)
{
    return t->norm + t->items[i].norm_offset;
}

void sm_tokens_clear(sm_tokens *t);   /* keep the memory, drop the tokens */
void sm_tokens_free(sm_tokens *t);

/* ---- stemming -------------------------------------------------------------
 * Porter (1980) stemmer on a lower-case ASCII word (METEOR's stem module,
 * the aligner's word evidence); writes the stem into out (at least len + 1
 * bytes) and returns its length.  Words with non-ASCII bytes are returned
 * unchanged. */
size_t sm_porter_stem(const char *word, size_t len, char *out);

#ifdef __cplusplus
}
#endif
#endif
