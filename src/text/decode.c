/* decode.c - turning the bytes of any input file into UTF-8 with "\n" line
 * ends (see include/storymovie/text.h).
 *
 * The order of the checks matters, because each encoding is recognised by
 * what the others cannot look like:
 *
 *   1. Well-known binary headers (PNG, JPEG, PDF, ZIP, ...) are refused first,
 *      so that an image passed by mistake gets the error the user expects.
 *   2. A BOM is the strongest signal there is; it is honoured and removed.
 *   3. NUL bytes never occur in 8-bit or UTF-8 text.  When they sit in
 *      alternate positions the file is BOM-less UTF-16; otherwise binary.
 *   4. Bytes that validate as UTF-8 ARE UTF-8: a legacy 8-bit text almost
 *      never forms valid multibyte sequences by accident.  This is the fast
 *      path (validate + copy), taken by nearly every real file.
 *   5. A mix of valid multibyte sequences and invalid bytes is a broken
 *      UTF-8 file and is refused, naming the line of the first bad byte.
 *   6. Otherwise the file is legacy 8-bit: uchardet guesses the charset and
 *      iconv converts it.  ISO-8859-1 is read as its superset WINDOWS-1252,
 *      whose curly quotes in 0x80-0x9F subtitles use all the time, and a
 *      guess of another Latin code page must read better than WINDOWS-1252
 *      to be believed (see judge_reading).
 *
 * Every path ends in finish_text(), which folds CRLF/CR to LF and applies the
 * checks that concern the decoded text (control characters, line length). */
#define _DEFAULT_SOURCE   /* madvise, MADV_HUGEPAGE */
#include "storymovie/text.h"
#include "storymovie/io.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <uchardet/uchardet.h>
#include <utf8proc.h>

#include "common/array.h"
#include "common/utf8.h"
#include "text/text_internal.h"

#define BINARY_MESSAGE "binary file, not text"

/* ---- small helpers ------------------------------------------------------- */

/* A buffer for a whole file.  For big files the first touch of each fresh
 * page costs more than decoding it (page faults: 118 MB/s measured in a VM,
 * against 4 GB/s for the decode itself), so buffers of several MiB ask for
 * transparent huge pages, which need 512 times fewer faults.  Either way the
 * result is freed with free(). */
static void *alloc_text_buffer(size_t size)
{
#ifdef MADV_HUGEPAGE
    const size_t huge = (size_t)2 << 20;
    if (size >= 4 * huge) {
        void *p = NULL;
        if (posix_memalign(&p, huge, size) == 0) {
            (void)madvise(p, size - size % huge, MADV_HUGEPAGE);   /* only a hint */
            return p;
        }
    }
#endif
    return malloc(size ? size : 1);
}

/* 1-based line number of byte offset `off` in b[0..n), counting line ends the
 * way the decoded text will: LF, CRLF and lone CR each end one line. */
static long line_at(const unsigned char *b, size_t n, size_t off)
{
    long line = 1;
    for (size_t i = 0; i < off && i < n; i++) {
        if (b[i] == '\n')
            line++;
        else if (b[i] == '\r' && !(i + 1 < n && b[i + 1] == '\n'))
            line++;
    }
    return line;
}

/* Offset of the first invalid UTF-8 byte in s[0..n), or n when all of it is
 * valid.  ASCII is skipped eight bytes at a time: that is what makes the
 * common case (English text) run at memory speed. */
static size_t utf8_first_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i + 16 <= n) {
            uint64_t a, b;
            memcpy(&a, s + i, 8);
            memcpy(&b, s + i + 8, 8);
            if ((a | b) & UINT64_C(0x8080808080808080))
                break;
            i += 16;
        }
        while (i < n && s[i] < 0x80)
            i++;
        if (i >= n)
            break;
        size_t k = sm_utf8_sequence(s + i, s + n);
        if (!k)
            return i;
        i += k;
    }
    return n;
}

/* Counts, over the whole input, the valid multibyte sequences and the
 * invalid bytes: only used once the fast path has found an invalid byte. */
static void utf8_census(const unsigned char *s, size_t n, size_t *valid_multibyte,
                        size_t *invalid)
{
    size_t i = 0;
    *valid_multibyte = *invalid = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = sm_utf8_sequence(s + i, s + n);
        if (k) {
            ++*valid_multibyte;
            i += k;
        } else {
            ++*invalid;
            i++;
        }
    }
}

/* ---- binary detection ---------------------------------------------------- */

/* Headers of the binary formats a user is most likely to pass by mistake
 * (images, documents, archives, executables, video containers). */
static int has_binary_header(const unsigned char *b, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
    } headers[] = {
        {"\x89PNG\r\n\x1a\n", 8}, {"\xFF\xD8\xFF", 3}, {"GIF87a", 6}, {"GIF89a", 6},
        {"%PDF-", 5},             {"PK\x03\x04", 4},   {"\x7F" "ELF", 4},
        {"\x1F\x8B", 2},          {"\x1A\x45\xDF\xA3", 4}, {"7z\xBC\xAF\x27\x1C", 6},
    };
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
        if (n >= headers[i].len && memcmp(b, headers[i].magic, headers[i].len) == 0)
            return 1;
    return 0;
}

/* Text has no control characters besides tab, line ends and form feed; a
 * file where more than a tenth of the first 16 KiB are controls is data.
 * The test is branch-free so that the compiler can vectorise it. */
static int mostly_control_characters(const unsigned char *b, size_t n)
{
    size_t sample = n < 16384 ? n : 16384, controls = 0;
    for (size_t i = 0; i < sample; i++) {
        unsigned c = b[i];
        /* bits 9-13 of 0x3E00: \t \n \v \f \r */
        controls += ((c < 0x20) & !((0x3E00u >> (c & 31)) & 1)) | (c == 0x7F);
    }
    return controls > 0 && controls * 10 > sample;
}

/* BOM-less UTF-16 is "evident" when, in the first 8 KiB, at least 40% of the
 * code units have a zero high byte (ASCII characters) and almost none a zero
 * low byte.  Returns 1 for little endian, 2 for big endian, 0 for neither. */
static int guess_utf16(const unsigned char *b, size_t n)
{
    size_t sample = (n < 8192 ? n : 8192) & ~(size_t)1;
    size_t pairs = sample / 2, zero_even = 0, zero_odd = 0;
    if (pairs == 0)
        return 0;
    for (size_t i = 0; i < sample; i += 2) {
        zero_even += b[i] == 0;
        zero_odd += b[i + 1] == 0;
    }
    if (zero_odd * 10 >= pairs * 4 && zero_even * 20 <= pairs)
        return 1;
    if (zero_even * 10 >= pairs * 4 && zero_odd * 20 <= pairs)
        return 2;
    return 0;
}

/* ---- the common ending --------------------------------------------------- */

/* Copies src[0..n) to dst turning CRLF and lone CR into LF; dst may be src
 * (the output is never longer).  memchr finds the CRs, so files without any
 * cost one memcpy. */
static size_t fold_line_ends(unsigned char *dst, const unsigned char *src, size_t n)
{
    size_t i = 0, j = 0;
    while (i < n) {
        const unsigned char *cr = memchr(src + i, '\r', n - i);
        size_t run = cr ? (size_t)(cr - (src + i)) : n - i;
        if (dst + j != src + i)
            memmove(dst + j, src + i, run);
        i += run;
        j += run;
        if (!cr)
            break;
        dst[j++] = '\n';
        i++;
        if (i < n && src[i] == '\n')
            i++;
    }
    return j;
}

/* Finishes a decode: src[0..n) is UTF-8.  dst is either NULL (the result
 * gets a new buffer) or a malloc'd buffer of at least n + 1 bytes that may
 * be src itself or lie just before it in the same allocation; it becomes
 * out->data, or is freed on error. */
static int finish_text(const char *name, unsigned char *dst, const unsigned char *src, size_t n,
                       const char *encoding, sm_text *out, sm_error *err)
{
    if (mostly_control_characters(src, n)) {
        free(dst);
        return sm_fail(err, name, 0, BINARY_MESSAGE);
    }
    if (!dst)
        dst = alloc_text_buffer(n + 1);
    if (!dst)
        return sm_fail(err, name, 0, "out of memory");
    size_t len = n ? fold_line_ends(dst, src, n) : 0;
    dst[len] = 0;

    /* A file shorter than the limit cannot hold a line longer than it, so
     * only big files pay for the scan. */
    if (len > SM_TEXT_MAX_LINE) {
        long line = 1;
        size_t start = 0;
        while (start <= len) {
            const unsigned char *nl = memchr(dst + start, '\n', len - start);
            size_t end = nl ? (size_t)(nl - dst) : len;
            if (end - start > SM_TEXT_MAX_LINE) {
                free(dst);
                return sm_fail(err, name, line, "line %ld is longer than %u MiB", line,
                               SM_TEXT_MAX_LINE >> 20);
            }
            if (!nl)
                break;
            start = end + 1;
            line++;
        }
    }
    out->data = (char *)dst;
    out->len = len;
    snprintf(out->encoding, sizeof out->encoding, "%s", encoding);
    return 0;
}

/* ---- UTF-16 and UTF-32 --------------------------------------------------- */

static uint32_t read_unit(const unsigned char *b, size_t width, int big_endian)
{
    if (width == 2)
        return big_endian ? (uint32_t)b[0] << 8 | b[1] : (uint32_t)b[1] << 8 | b[0];
    return big_endian ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
                      : (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* Decodes UTF-16 (width 2) or UTF-32 (width 4) into a new UTF-8 buffer.
 * Unpaired surrogates, values above U+10FFFF and a truncated final unit are
 * errors with their line; U+0000 means binary data. */
static int decode_wide(const char *name, const unsigned char *b, size_t n, size_t width,
                       int big_endian, const char *encoding, sm_text *out, sm_error *err)
{
    size_t units = n / width;
    /* A UTF-16 unit becomes at most 3 UTF-8 bytes (a surrogate pair: 4 for
     * two units); a UTF-32 unit at most 4. */
    unsigned char *buf = alloc_text_buffer(units * (width == 2 ? 3 : 4) + 1);
    if (!buf)
        return sm_fail(err, name, 0, "out of memory");
    const char *what = width == 2 ? "UTF-16" : "UTF-32";
    size_t j = 0;
    long line = 1;
    for (size_t u = 0; u < units; u++) {
        uint32_t cp = read_unit(b + u * width, width, big_endian);
        if (width == 2 && cp >= 0xD800 && cp <= 0xDBFF && u + 1 < units) {
            uint32_t low = read_unit(b + (u + 1) * width, width, big_endian);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                u++;
            }
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            free(buf);
            return sm_fail(err, name, line, "invalid %s (%s)", what,
                           cp > 0x10FFFF ? "value above U+10FFFF" : "unpaired surrogate");
        }
        if (cp == 0) {
            free(buf);
            return sm_fail(err, name, 0, BINARY_MESSAGE);
        }
        if (cp == '\n' ||
            (cp == '\r' && !(u + 1 < units && read_unit(b + (u + 1) * width, width,
                                                        big_endian) == '\n')))
            line++;
        j += sm_utf8_encode(cp, (char *)buf + j);
    }
    if (n % width) {
        free(buf);
        return sm_fail(err, name, line, "truncated %s (the file ends inside a character)",
                       what);
    }
    return finish_text(name, buf, buf, j, encoding, out, err);
}

/* ---- legacy 8-bit -------------------------------------------------------- */

/* Asks uchardet for the charset of b[0..n) (which is not UTF-8) and writes
 * an iconv name into charset. */
static void detect_legacy_charset(const unsigned char *b, size_t n, char *charset, size_t size)
{
    snprintf(charset, size, "WINDOWS-1252");
    uchardet_t ud = uchardet_new();
    if (!ud)
        return;
    /* Only lines with non-ASCII bytes tell 8-bit charsets apart, and in a
     * mostly English subtitle file they are few: feeding just those lines
     * (whole, for their context) makes detection many times faster without
     * changing what is detected.  The first MiB of them is plenty. */
    size_t fed = 0;
    int rc = 0;
    for (size_t i = 0; i < n && fed < (1u << 20) && rc == 0;) {
        const unsigned char *nl = memchr(b + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - b) + 1 : n;
        size_t k = i;
        while (k < end && b[k] < 0x80)
            k++;
        if (k < end) {
            rc = uchardet_handle_data(ud, (const char *)b + i, end - i);
            fed += end - i;
        }
        i = end;
    }
    if (rc == 0) {
        uchardet_data_end(ud);
        const char *guess = uchardet_get_charset(ud);
        /* ISO-8859-1 is read as WINDOWS-1252, its superset for printable
         * text; "ASCII", an empty answer or a Unicode name (impossible for
         * bytes that are not UTF-8) leave the WINDOWS-1252 fallback. */
        if (guess && guess[0] && strcmp(guess, "ASCII") != 0 &&
            strcmp(guess, "ISO-8859-1") != 0 && strncmp(guess, "UTF", 3) != 0 &&
            strlen(guess) < size)
            snprintf(charset, size, "%s", guess);
    }
    uchardet_delete(ud);
}

/* Converts b[0..n) from charset to UTF-8 with iconv.  Bytes the charset does
 * not define (0x81 in WINDOWS-1252, say) become U+FFFD rather than failing a
 * subtitle file over one stray byte; *undefined counts them and
 * *first_undefined is the offset of the first (the caller says so).
 * Returns -1 when iconv does not know the charset, -2 when out of memory. */
static int iconv_to_utf8(const char *charset, const unsigned char *b, size_t n,
                         unsigned char **res, size_t *res_len, size_t *undefined, size_t *first_undefined)
{
    *undefined = 0;
    *first_undefined = 0;
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return -1;
    size_t cap = n * 3 + 64;
    char *buf = malloc(cap);
    if (!buf) {
        iconv_close(cd);
        return -2;
    }
    char *in = (char *)b, *o = buf;
    size_t in_left = n, out_left = cap - 1;   /* keep a byte for the NUL */
    int flushing = 0;
    for (;;) {
        size_t r = flushing ? iconv(cd, NULL, NULL, &o, &out_left)
                            : iconv(cd, &in, &in_left, &o, &out_left);
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = 1;   /* reset stateful encodings (ISO-2022-*) */
            continue;
        }
        int e = errno;
        if (e == E2BIG || out_left < 4) {
            size_t used = cap - 1 - out_left;   /* not o - buf: gcc 12 misreads that */
            if (sm_grow(&buf, &cap, cap + 1, 1) != 0) {
                free(buf);
                iconv_close(cd);
                return -2;
            }
            o = buf + used;
            out_left = cap - 1 - used;
            if (e == E2BIG)
                continue;
        }
        if (flushing)   /* a flush fails only for lack of room */
            break;
        /* EILSEQ or EINVAL: one undecodable byte */
        if ((*undefined)++ == 0)
            *first_undefined = (size_t)((const unsigned char *)in - b);
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        out_left -= 3;
        in++;
        in_left--;
    }
    iconv_close(cd);
    *res = (unsigned char *)buf;
    *res_len = (size_t)(o - buf);
    return 0;
}

/* How a candidate decoding of a legacy file reads.  uchardet is reliable
 * for non-Latin scripts (Cyrillic, Greek, CJK...), whose byte statistics
 * are distinctive, but English text with a handful of accented letters
 * often gets an exotic Latin code page: "fianc\xE9" comes back as IBM852
 * ("fiancÚ"), "se\xF1or" as ISO-8859-10 ("seņor").  So a Latin-script
 * guess is only taken when it reads better than WINDOWS-1252, by counting
 * characters that no real text has where they are. */
typedef struct legacy_reading {
    size_t latin_letters, other_letters, oddities;
} legacy_reading;

static int is_letter(utf8proc_int32_t cp)
{
    if (cp < 0x80)
        return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
    utf8proc_category_t c = utf8proc_category(cp);
    return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static legacy_reading judge_reading(const unsigned char *s, size_t n)
{
    legacy_reading r = {0, 0, 0};
    utf8proc_int32_t prev = ' ', cp = ' ', next;
    size_t i = 0;
    utf8proc_ssize_t k = 0;
    /* cp is the code point at i (length k); prev the one before it. */
    while (i < n) {
        k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) {   /* cannot happen: iconv wrote it */
            i++;
            continue;
        }
        if (cp >= 0x80) {
            next = ' ';
            if (i + (size_t)k < n &&
                utf8proc_iterate(s + i + k, (utf8proc_ssize_t)(n - i - (size_t)k), &next) <= 0)
                next = ' ';
            utf8proc_category_t c = utf8proc_category(cp);
            int letter_before = is_letter(prev), letter_after = is_letter(next);
            if (is_letter(cp)) {
                if ((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF))
                    r.latin_letters++;
                else
                    r.other_letters++;
                /* an upper-case letter right after a lower-case one: "fiancÚ" */
                if (c == UTF8PROC_CATEGORY_LU && letter_before &&
                    utf8proc_category(prev) == UTF8PROC_CATEGORY_LL)
                    r.oddities++;
            } else if (cp == 0xFFFD || (cp >= 0x80 && cp <= 0x9F)) {
                r.oddities++;   /* undefined byte or C1 control */
            } else if ((c >= UTF8PROC_CATEGORY_SM && c <= UTF8PROC_CATEGORY_SO) ||
                       c == UTF8PROC_CATEGORY_NO || c >= UTF8PROC_CATEGORY_CC) {
                /* a symbol, superscript or control touching a word: "posz³a" */
                if (letter_before || letter_after)
                    r.oddities++;
            } else if (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO &&
                       c != UTF8PROC_CATEGORY_PD && cp != 0x2026 &&
                       sm_text_unify_punctuation(cp) != '\'') {
                /* punctuation inside a word ("mo¿e"); dashes, ellipses and
                 * apostrophes do sit between letters in real text */
                if (letter_before && letter_after)
                    r.oddities++;
            }
        }
        prev = cp;
        i += (size_t)k;
    }
    return r;
}

static int decode_legacy(const char *name, const unsigned char *b, size_t n, sm_text *out,
                         sm_error *err)
{
    static const char fallback[] = "WINDOWS-1252";
    char charset[sizeof out->encoding];
    detect_legacy_charset(b, n, charset, sizeof charset);
    unsigned char *buf = NULL;
    size_t len = 0, undefined = 0, first_undefined = 0;
    int rc = iconv_to_utf8(charset, b, n, &buf, &len, &undefined, &first_undefined);
    if (rc == -1) {   /* iconv does not know uchardet's name */
        snprintf(charset, sizeof charset, "%s", fallback);
        rc = iconv_to_utf8(charset, b, n, &buf, &len, &undefined, &first_undefined);
    }
    if (rc == 0 && strcmp(charset, fallback) != 0) {
        legacy_reading guess = judge_reading(buf, len);
        if (guess.other_letters <= guess.latin_letters) {
            unsigned char *alt = NULL;
            size_t alt_len = 0, alt_undefined = 0, alt_first = 0;
            rc = iconv_to_utf8(fallback, b, n, &alt, &alt_len, &alt_undefined, &alt_first);
            if (rc == 0 && judge_reading(alt, alt_len).oddities <= guess.oddities) {
                free(buf);
                buf = alt;
                len = alt_len;
                undefined = alt_undefined;
                first_undefined = alt_first;
                snprintf(charset, sizeof charset, "%s", fallback);
            } else {
                free(alt);
            }
            if (rc == -1)
                rc = 0;   /* keep the guess */
        }
    }
    if (rc == -1)
        return sm_fail(err, name, 0, "cannot convert from %s (iconv does not know it)", charset);
    if (rc < 0) {
        free(buf);
        return sm_fail(err, name, 0, "out of memory");
    }
    /* Said, not hidden: a byte the code page leaves undefined (0x81, 0x8D,
     * 0x8F, 0x90, 0x9D in WINDOWS-1252) is no character at all. */
    if (undefined)
        sm_warn(&out->warnings, line_at(b, n, first_undefined),
                "%zu byte%s undefined in %s (0x%02X the first, here) read as U+FFFD, the replacement character",
                undefined, undefined == 1 ? "" : "s", charset, b[first_undefined]);
    return finish_text(name, buf, buf, len, charset, out, err);
}

/* ---- UTF-8 with a few Windows-1252 bytes --------------------------------- */

/* A file that is UTF-8 throughout but for a few bytes that are not (a line
 * typed in a Windows-1252 editor, a credit pasted from an older release)
 * is common in real subtitle releases.  Those bytes are read as
 * Windows-1252, and the file says so once, when what they make reads as
 * text: any punctuation or symbol (curly quotes, dashes, the ellipsis,
 * NBSP, £, °...), and letters inside a word that has other letters too
 * ("caf\xE9", "\xE9t\xE9", "A\xC7\xC3O") or on their own as the one-letter
 * words à, è, é.  Anything else is damage to refuse: bytes Windows-1252
 * leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), or accented letters
 * standing alone ("\xFF\xFE", a UTF-16 byte-order mark, reads "ÿþ"). */

typedef struct cp1252_reader {
    iconv_t cd;
    char out[8];     /* the last character read, UTF-8 */
    size_t len;
} cp1252_reader;

/* Reads byte c as Windows-1252 into r->out; 0 when the code page leaves it
 * undefined. */
static int cp1252_read(cp1252_reader *r, unsigned char c)
{
    char in[1] = {(char)c}, *ip = in, *op = r->out;
    size_t in_left = 1, out_left = sizeof r->out;
    iconv(r->cd, NULL, NULL, NULL, NULL);
    if (iconv(r->cd, &ip, &in_left, &op, &out_left) == (size_t)-1 || in_left)
        return 0;
    r->len = sizeof r->out - out_left;
    return r->len > 0;
}

static utf8proc_int32_t code_point(const char *s, size_t n)
{
    utf8proc_int32_t cp = -1;
    if (utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp) <= 0)
        return -1;
    return cp;
}

/* The character of valid UTF-8 that ends just before b + at (0 when none). */
static utf8proc_int32_t char_before(const unsigned char *b, size_t at)
{
    for (size_t k = 1; k <= 4 && k <= at; k++)
        if (sm_utf8_sequence(b + at - k, b + at) == k)
            return code_point((const char *)b + at - k, k);
    return 0;
}

/* Reads the run b[a..z) of bytes that are not UTF-8 as Windows-1252 into
 * o (room for 3 bytes each), when it reads as text (see above): the bytes
 * written, or (size_t)-1 when it does not. */
static size_t cp1252_run(cp1252_reader *r, const unsigned char *b, size_t n, size_t a, size_t z, char *o)
{
    size_t w = 0, letters = 0;
    utf8proc_int32_t only = 0;
    for (size_t i = a; i < z; i++) {
        if (!cp1252_read(r, b[i]))
            return (size_t)-1;
        utf8proc_int32_t cp = code_point(r->out, r->len);
        if (is_letter(cp)) {
            letters++;
            only = cp;
        }
        memcpy(o + w, r->out, r->len);
        w += r->len;
    }
    if (letters == 0)
        return w;
    utf8proc_int32_t after = 0;
    if (z < n) {
        size_t k = sm_utf8_sequence(b + z, b + n);
        after = k ? code_point((const char *)b + z, k) : 0;
    }
    if (is_letter(char_before(b, a)) || is_letter(after))
        return w;
    if (z - a == 1 && letters == 1 &&
        (only == 0xE0 || only == 0xC0 || only == 0xE8 || only == 0xC8 || only == 0xE9 || only == 0xC9))
        return w;   /* à, è, é: words of their own */
    return (size_t)-1;
}

/* Decodes b[0..n), UTF-8 with a few bytes that are not, into a new buffer
 * (see above); refuses the file at the first byte that does not read as
 * Windows-1252 text. */
static int decode_utf8_with_cp1252(const char *name, const unsigned char *b, size_t n, const char *encoding,
                                   sm_text *out, sm_error *err)
{
    cp1252_reader r;
    r.cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (r.cd == (iconv_t)-1)
        return sm_fail(err, name, line_at(b, n, utf8_first_invalid(b, n)), "invalid UTF-8 (byte 0x%02X)",
                       b[utf8_first_invalid(b, n)]);
    unsigned char *buf = malloc(n * 3 + 1);
    if (!buf) {
        iconv_close(r.cd);
        return sm_fail(err, name, 0, "out of memory");
    }
    size_t i = 0, j = 0, bytes = 0, lines = 0, first = n, first_out = 0;
    long line = 1, last_line = 0;
    while (i < n) {
        unsigned char c = b[i];
        size_t k = c < 0x80 ? 1 : sm_utf8_sequence(b + i, b + n);
        if (k) {
            line += c == '\n' || (c == '\r' && !(i + 1 < n && b[i + 1] == '\n'));
            memcpy(buf + j, b + i, k);
            i += k;
            j += k;
            continue;
        }
        size_t z = i + 1;
        while (z < n && b[z] >= 0x80 && sm_utf8_sequence(b + z, b + n) == 0)
            z++;
        size_t w = cp1252_run(&r, b, n, i, z, (char *)buf + j);
        if (w == (size_t)-1) {
            iconv_close(r.cd);
            free(buf);
            return sm_fail(err, name, line, "invalid UTF-8 (byte 0x%02X), and not Windows-1252 text either", c);
        }
        if (first == n) {
            first = i;
            first_out = j;
        }
        bytes += z - i;
        lines += line != last_line;
        last_line = line;
        j += w;
        i = z;
    }
    iconv_close(r.cd);
    size_t shown = sm_utf8_sequence(buf + first_out, buf + j);
    sm_warn(&out->warnings, line_at(b, n, first),
            "%zu byte%s on %zu line%s not UTF-8: read as Windows-1252 (the first, 0x%02X, here as '%.*s')",
            bytes, bytes == 1 ? "" : "s", lines, lines == 1 ? "" : "s", b[first], (int)shown,
            (const char *)buf + first_out);
    char enc[sizeof out->encoding];
    snprintf(enc, sizeof enc, "%s+WINDOWS-1252", encoding);
    return finish_text(name, buf, buf, j, enc, out, err);
}

/* ---- entry points -------------------------------------------------------- */

/* `spare`: see decode_bytes. */
static int decode_utf8(const char *name, const unsigned char *b, size_t n, const char *encoding,
                       int bom, unsigned char **spare, sm_text *out, sm_error *err)
{
    size_t bad = utf8_first_invalid(b, n);
    if (bad == n) {
        unsigned char *dst = *spare;
        *spare = NULL;
        return finish_text(name, dst, b, n, encoding, out, err);
    }

    size_t valid_multibyte, invalid;
    utf8_census(b, n, &valid_multibyte, &invalid);
    /* No multibyte sequence at all: legacy 8-bit.  A handful of accidental
     * ones among many invalid bytes ("É…" in WINDOWS-1252 is C9 85, valid
     * UTF-8) is legacy too.  Anything else is UTF-8 with a few bytes that
     * are not: Windows-1252 where they read as text, else damage the user
     * must fix (guessing would garble the text). */
    if (!bom && (valid_multibyte == 0 || valid_multibyte * 8 < invalid))
        return decode_legacy(name, b, n, out, err);
    return decode_utf8_with_cp1252(name, b, n, encoding, out, err);
}

/* Decodes bytes[0..n).  *spare is NULL or the malloc'd buffer holding the
 * bytes (with room for n + 1): a UTF-8 file is then decoded in place,
 * which for a big file saves allocating and touching a second copy.  When
 * the buffer is used, *spare becomes NULL; the caller frees what is left. */
static int decode_bytes(const char *name, const unsigned char *bytes, size_t n,
                        unsigned char **spare, sm_text *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!name)
        name = "(input)";
    if (n > SM_TEXT_MAX_FILE)
        return sm_fail(err, name, 0, "file is larger than %u MiB", SM_TEXT_MAX_FILE >> 20);
    if (n == 0) {
        static const unsigned char nothing[1] = {0};
        return finish_text(name, NULL, nothing, 0, "UTF-8", out, err);
    }
    if (has_binary_header(bytes, n))
        return sm_fail(err, name, 0, BINARY_MESSAGE);

    /* UTF-32LE's BOM starts like UTF-16LE's, so it is tested first. */
    if (n >= 4 && memcmp(bytes, "\xFF\xFE\0\0", 4) == 0)
        return decode_wide(name, bytes + 4, n - 4, 4, 0, "UTF-32LE", out, err);
    if (n >= 4 && memcmp(bytes, "\0\0\xFE\xFF", 4) == 0)
        return decode_wide(name, bytes + 4, n - 4, 4, 1, "UTF-32BE", out, err);
    if (n >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0) {
        if (memchr(bytes + 3, 0, n - 3))
            return sm_fail(err, name, 0, BINARY_MESSAGE);
        return decode_utf8(name, bytes + 3, n - 3, "UTF-8-BOM", 1, spare, out, err);
    }
    if (n >= 2 && memcmp(bytes, "\xFF\xFE", 2) == 0)
        return decode_wide(name, bytes + 2, n - 2, 2, 0, "UTF-16LE", out, err);
    if (n >= 2 && memcmp(bytes, "\xFE\xFF", 2) == 0)
        return decode_wide(name, bytes + 2, n - 2, 2, 1, "UTF-16BE", out, err);

    if (memchr(bytes, 0, n)) {
        int endian = guess_utf16(bytes, n);
        if (endian)
            return decode_wide(name, bytes, n, 2, endian == 2,
                               endian == 2 ? "UTF-16BE" : "UTF-16LE", out, err);
        return sm_fail(err, name, 0, BINARY_MESSAGE);
    }
    return decode_utf8(name, bytes, n, "UTF-8", 0, spare, out, err);
}

int sm_text_decode(const char *name, const unsigned char *bytes, size_t n, sm_text *out,
                   sm_error *err)
{
    unsigned char *no_spare = NULL;
    int rc = decode_bytes(name, bytes, n, &no_spare, out, err);
    if (rc)
        sm_warnings_free(&out->warnings);
    return rc;
}

int sm_text_read_file(const char *path, sm_text *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return sm_fail(err, path, 0, "cannot stat: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        return sm_fail(err, path, 0, "is a directory");
    }

    unsigned char *buf = NULL;
    size_t n = 0;
    if (S_ISREG(st.st_mode)) {
        /* The size is known: one allocation, one read. */
        if ((unsigned long long)st.st_size > SM_TEXT_MAX_FILE) {
            fclose(f);
            return sm_fail(err, path, 0, "file is larger than %u MiB", SM_TEXT_MAX_FILE >> 20);
        }
        size_t size = (size_t)st.st_size;
        buf = alloc_text_buffer(size + 1);   /* + 1: room for the NUL when decoded in place */
        if (!buf) {
            fclose(f);
            return sm_fail(err, path, 0, "out of memory");
        }
        n = size ? fread(buf, 1, size, f) : 0;
        if (ferror(f)) {
            int e = errno;
            free(buf);
            fclose(f);
            return sm_fail(err, path, 0, "read error: %s", strerror(e));
        }
    } else {
        /* A pipe or device (/dev/stdin): the size is found by reading. */
        char *all;
        if (sm_read_stream(f, path, SM_TEXT_MAX_FILE, &all, &n, err) != 0) {
            fclose(f);
            return -1;
        }
        buf = (unsigned char *)all;
    }
    fclose(f);
    unsigned char *spare = buf;
    int rc = decode_bytes(path, buf, n, &spare, out, err);
    free(spare);
    if (rc)
        sm_warnings_free(&out->warnings);
    return rc;
}

void sm_text_free(sm_text *t)
{
    if (!t)
        return;
    free(t->data);
    t->data = NULL;
    t->len = 0;
    sm_warnings_free(&t->warnings);
}
