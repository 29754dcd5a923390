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
 * subtitle file over one stray byte.  Returns -1 when iconv does not know
 * the charset, -2 when out of memory. */
static int iconv_to_utf8(const char *charset, const unsigned char *b, size_t n,
                         unsigned char **res, size_t *res_len)
{
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
    size_t len = 0;
    int rc = iconv_to_utf8(charset, b, n, &buf, &len);
    if (rc == -1) {   /* iconv does not know uchardet's name */
        snprintf(charset, sizeof charset, "%s", fallback);
        rc = iconv_to_utf8(charset, b, n, &buf, &len);
    }
    if (rc == 0 && strcmp(charset, fallback) != 0) {
        legacy_reading guess = judge_reading(buf, len);
        if (guess.other_letters <= guess.latin_letters) {
            unsigned char *alt = NULL;
            size_t alt_len = 0;
            rc = iconv_to_utf8(fallback, b, n, &alt, &alt_len);
            if (rc == 0 && judge_reading(alt, alt_len).oddities <= guess.oddities) {
                free(buf);
                buf = alt;
                len = alt_len;
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
    return finish_text(name, buf, buf, len, charset, out, err);
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
     * UTF-8) is legacy too.  Anything else is UTF-8 with damage in it, which
     * the user must fix: guessing would garble the text. */
    if (!bom && (valid_multibyte == 0 || valid_multibyte * 8 < invalid))
        return decode_legacy(name, b, n, out, err);
    return sm_fail(err, name, line_at(b, n, bad), "invalid UTF-8 (byte 0x%02X)", b[bad]);
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
    return decode_bytes(name, bytes, n, &no_spare, out, err);
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
    return rc;
}

void sm_text_free(sm_text *t)
{
    if (!t)
        return;
    free(t->data);
    t->data = NULL;
    t->len = 0;
}
