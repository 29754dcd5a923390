/* test_text_decode.c - reading files into UTF-8: BOMs, UTF-16/32, legacy
 * 8-bit conversion, line ends, and the refusals (binary, invalid UTF-8,
 * over-long lines, missing files, directories). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "storymovie/text.h"

static void expect_text(const char *bytes, size_t n, const char *want, const char *encoding)
{
    sm_text t;
    sm_error err;
    int rc = sm_text_decode("in.txt", (const unsigned char *)bytes, n, &t, &err);
    if (rc != 0)
        fail_msg("decode failed: %s:%ld: %s", err.file, err.line, err.message);
    assert_string_equal(t.data, want);
    assert_int_equal(t.len, strlen(want));
    assert_string_equal(t.encoding, encoding);
    sm_text_free(&t);
}

static void expect_error(const char *bytes, size_t n, long line, const char *message_part)
{
    sm_text t;
    sm_error err;
    assert_int_equal(sm_text_decode("in.txt", (const unsigned char *)bytes, n, &t, &err), -1);
    assert_null(t.data);
    assert_string_equal(err.file, "in.txt");
    assert_int_equal(err.line, line);
    if (!strstr(err.message, message_part))
        fail_msg("message \"%s\" lacks \"%s\"", err.message, message_part);
}

/* Polish may be WINDOWS-1250 or ISO-8859-2: the same text either way. */
static void expect_text_any_encoding_(const char *bytes, size_t n, const char *want)
{
    sm_text t;
    sm_error err;
    if (sm_text_decode("in.txt", (const unsigned char *)bytes, n, &t, &err) != 0)
        fail_msg("decode failed: %s:%ld: %s", err.file, err.line, err.message);
    assert_string_equal(t.data, want);
    sm_text_free(&t);
}

#define expect_text_any_encoding(lit, want) expect_text_any_encoding_((lit), sizeof(lit) - 1, (want))
#define EXPECT_TEXT(lit, want, enc) expect_text((lit), sizeof(lit) - 1, (want), (enc))
#define EXPECT_ERROR(lit, line, part) expect_error((lit), sizeof(lit) - 1, (line), (part))

static void plain_utf8(void **state)
{
    (void)state;
    EXPECT_TEXT("hello\nworld", "hello\nworld", "UTF-8");
    EXPECT_TEXT("caf\xC3\xA9 \xE2\x80\x9Cok\xE2\x80\x9D \xF0\x9F\x98\x80",
                "caf\xC3\xA9 \xE2\x80\x9Cok\xE2\x80\x9D \xF0\x9F\x98\x80", "UTF-8");
    EXPECT_TEXT("", "", "UTF-8");
}

static void byte_order_marks(void **state)
{
    (void)state;
    EXPECT_TEXT("\xEF\xBB\xBFh\xC3\xA9\r\n", "h\xC3\xA9\n", "UTF-8-BOM");
    EXPECT_TEXT("\xEF\xBB\xBF", "", "UTF-8-BOM");
    EXPECT_TEXT("\xFF\xFEh\0\xE9\0\r\0\n\0!\0", "h\xC3\xA9\n!", "UTF-16LE");
    EXPECT_TEXT("\xFE\xFF\0h\0\xE9\0\r\0\n\0!", "h\xC3\xA9\n!", "UTF-16BE");
    /* U+1F600 as a surrogate pair */
    EXPECT_TEXT("\xFF\xFEh\0\x3D\xD8\x00\xDE", "h\xF0\x9F\x98\x80", "UTF-16LE");
    EXPECT_TEXT("\xFF\xFE\0\0h\0\0\0\x00\xF6\x01\0\n\0\0\0", "h\xF0\x9F\x98\x80\n", "UTF-32LE");
    EXPECT_TEXT("\0\0\xFE\xFF\0\0\0h\0\x01\xF6\x00\0\0\0\r", "h\xF0\x9F\x98\x80\n", "UTF-32BE");
}

static void utf16_without_bom(void **state)
{
    (void)state;
    EXPECT_TEXT("H\0e\0l\0l\0o\0\r\0\n\0W\0\xE9\0", "Hello\nW\xC3\xA9", "UTF-16LE");
    EXPECT_TEXT("\0H\0e\0l\0l\0o\0\r\0\n\0W\0\xE9", "Hello\nW\xC3\xA9", "UTF-16BE");
}

static void broken_wide_encodings(void **state)
{
    (void)state;
    /* an unpaired high surrogate on line 2 */
    EXPECT_ERROR("\xFF\xFEo\0k\0\n\0\x3D\xD8x\0", 2, "unpaired surrogate");
    EXPECT_ERROR("\xFF\xFEo\0k\0\n\0x", 2, "truncated UTF-16");
    EXPECT_ERROR("\xFF\xFE\0\0\0\0\x11\0", 1, "above U+10FFFF");
    EXPECT_ERROR("\xFF\xFEo\0\0\0k\0", 0, "binary file");
}

static void legacy_8bit(void **state)
{
    (void)state;
    /* WINDOWS-1252: curly quotes at 0x93/0x94, an ellipsis at 0x85, and
     * Latin-1 letters; CRLF line ends. */
    EXPECT_TEXT("Le caf\xE9 \x93na\xEFve\x94 du se\xF1or\x85\r\n"
                "C'est d\xE9j\xE0 l\xE0, tr\xE8s \xE9l\xE9gant.\r\n",
                "Le caf\xC3\xA9 \xE2\x80\x9Cna\xC3\xAFve\xE2\x80\x9D du se\xC3\xB1or\xE2\x80\xA6\n"
                "C'est d\xC3\xA9j\xC3\xA0 l\xC3\xA0, tr\xC3\xA8s \xC3\xA9l\xC3\xA9gant.\n",
                "WINDOWS-1252");
    /* ISO-8859-1 text is read as WINDOWS-1252 */
    EXPECT_TEXT("Je suis all\xE9 \xE0 la f\xEAte avec ma fianc\xE9""e, \xE7""a m'a plu.\n",
                "Je suis all\xC3\xA9 \xC3\xA0 la f\xC3\xAAte avec ma fianc\xC3\xA9""e, "
                "\xC3\xA7""a m'a plu.\n",
                "WINDOWS-1252");
}

static void legacy_guesses(void **state)
{
    (void)state;
    /* English with a few accented letters: uchardet guesses IBM852 or
     * ISO-8859-10 for these, which would garble them */
    EXPECT_TEXT("I don't know where she went, but it worries me.\r\nSay hello to my fi"
                "anc\xE9, se\xF1or.\r\nAnd to Zo\xEB!\r\n",
                "I don't know where she went, but it worries me.\nSay hello to my fianc\xC3"
                "\xA9, se\xC3\xB1or.\nAnd to Zo\xC3\xAB!\n",
                "WINDOWS-1252");
    /* Cyrillic in WINDOWS-1251 and Polish in WINDOWS-1250 are trusted */
    EXPECT_TEXT("\xDF \xED\xE5 \xE7\xED\xE0\xFE, \xEA\xF3\xE4\xE0 \xEE\xED\xE0 \xF3\xF8\xEB"
                "\xE0, \xED\xEE \xEC\xE5\xED\xFF \xFD\xF2\xEE \xE1\xE5\xF1\xEF\xEE\xEA\xEE"
                "\xE8\xF2.\n\xC1\xFB\xEB\xEE \xF3\xE6\xE5 \xF1\xEB\xE8\xF8\xEA\xEE\xEC \xEF"
                "\xEE\xE7\xE4\xED\xEE, \xEA\xEE\xE3\xE4\xE0 \xEE\xED \xEF\xF0\xE8\xE5\xF5"
                "\xE0\xEB \xE2 \xE1\xEE\xEB\xFC\xED\xE8\xF6\xF3.\n",
                "\xD0\xAF \xD0\xBD\xD0\xB5 \xD0\xB7\xD0\xBD\xD0\xB0\xD1\x8E, \xD0\xBA\xD1"
                "\x83\xD0\xB4\xD0\xB0 \xD0\xBE\xD0\xBD\xD0\xB0 \xD1\x83\xD1\x88\xD0\xBB\xD0"
                "\xB0, \xD0\xBD\xD0\xBE \xD0\xBC\xD0\xB5\xD0\xBD\xD1\x8F \xD1\x8D\xD1\x82"
                "\xD0\xBE \xD0\xB1\xD0\xB5\xD1\x81\xD0\xBF\xD0\xBE\xD0\xBA\xD0\xBE\xD0\xB8"
                "\xD1\x82.\n\xD0\x91\xD1\x8B\xD0\xBB\xD0\xBE \xD1\x83\xD0\xB6\xD0\xB5 \xD1"
                "\x81\xD0\xBB\xD0\xB8\xD1\x88\xD0\xBA\xD0\xBE\xD0\xBC \xD0\xBF\xD0\xBE\xD0"
                "\xB7\xD0\xB4\xD0\xBD\xD0\xBE, \xD0\xBA\xD0\xBE\xD0\xB3\xD0\xB4\xD0\xB0 "
                "\xD0\xBE\xD0\xBD \xD0\xBF\xD1\x80\xD0\xB8\xD0\xB5\xD1\x85\xD0\xB0\xD0\xBB"
                " \xD0\xB2 \xD0\xB1\xD0\xBE\xD0\xBB\xD1\x8C\xD0\xBD\xD0\xB8\xD1\x86\xD1\x83"
                ".\n",
                "WINDOWS-1251");
    expect_text_any_encoding("Nie wiem, dok\xB9" "d posz\xB3" "a, ale to mnie niepokoi.\nBy\xB3o ju\xBF"
                             " za p\xF3\x9Fno, kiedy przyjecha\xB3 do szpitala. \xAF\xF3\xB3\xE6.\n",
                             "Nie wiem, dok\xC4\x85" "d posz\xC5\x82" "a, ale to mnie niepokoi.\nBy\xC5"
                             "\x82o ju\xC5\xBC za p\xC3\xB3\xC5\xBAno, kiedy przyjecha\xC5\x82 do szp"
                             "itala. \xC5\xBB\xC3\xB3\xC5\x82\xC4\x87.\n");
}

static void line_ends_fold_and_keep_numbers(void **state)
{
    (void)state;
    EXPECT_TEXT("a\r\nb\rc\nd\r", "a\nb\nc\nd\n", "UTF-8");
    EXPECT_TEXT("\r\r\n\n", "\n\n\n", "UTF-8");
    /* Line 1 ends with CR, line 2 with CRLF, line 3 with LF: the bad byte
     * is on line 4 either way. */
    EXPECT_ERROR("\xC3\xA9\rb\r\nc\nbad \xC3( here\n", 4, "invalid UTF-8");
}

static void invalid_utf8_names_its_line(void **state)
{
    (void)state;
    EXPECT_ERROR("line one \xC3\xA9\nline two\nbad \xC3( here\n", 3, "invalid UTF-8");
    EXPECT_ERROR("\xE2\x80\x9Cquote\xE2\x80\x9D\n\xFF\n", 2, "invalid UTF-8");
    /* overlong encoding and a UTF-16 surrogate encoded in UTF-8 */
    EXPECT_ERROR("\xC3\xA9\n\xC0\xAF\n", 2, "invalid UTF-8");
    EXPECT_ERROR("\xC3\xA9\n\n\xED\xA0\x80\n", 3, "invalid UTF-8");
    /* bytes that are neither UTF-8 nor Windows-1252 text: undefined in the
     * code page, or accented letters standing alone ("\xFF\xFE" is a UTF-16
     * byte-order mark, not "ÿþ") */
    EXPECT_ERROR("\xEF\xBB\xBF" "abc \xC3\xA9\nx \x81 y\n", 2, "not Windows-1252 text either");
    EXPECT_ERROR("caf\xC3\xA9\nbad \xFF\xFE bytes\n", 2, "invalid UTF-8 (byte 0xFF)");
}

/* The decoding of one text, with its warnings. */
static void expect_warned(const char *bytes, size_t n, const char *want, const char *encoding, long line,
                          const char *warning_part)
{
    sm_text t;
    sm_error err;
    if (sm_text_decode("in.txt", (const unsigned char *)bytes, n, &t, &err) != 0)
        fail_msg("decode failed: %s:%ld: %s", err.file, err.line, err.message);
    assert_string_equal(t.data, want);
    assert_string_equal(t.encoding, encoding);
    assert_int_equal(t.warnings.n_items, 1);
    assert_int_equal(t.warnings.items[0].line, line);
    if (!strstr(t.warnings.items[0].message, warning_part))
        fail_msg("warning \"%s\" lacks \"%s\"", t.warnings.items[0].message, warning_part);
    sm_text_free(&t);
}

#define EXPECT_WARNED(lit, want, enc, line, part) expect_warned((lit), sizeof(lit) - 1, (want), (enc), (line), (part))

/* A UTF-8 file with a few Windows-1252 bytes (a line typed in an older
 * editor, a credit pasted in) is read whole: those bytes as Windows-1252
 * where they read as text, with one warning for the file. */
static void utf8_with_windows_1252_bytes(void **state)
{
    (void)state;
    EXPECT_WARNED("D\xC3\xA9j\xC3\xA0 vu \xE2\x80\x94 yes.\nIt\x92s the caf\xE9, \x93really\x94\x85\n"
                  "\xE0 bient\xF4t, A\xC7\xC3O\n",
                  "D\xC3\xA9j\xC3\xA0 vu \xE2\x80\x94 yes.\nIt\xE2\x80\x99s the caf\xC3\xA9, "
                  "\xE2\x80\x9Creally\xE2\x80\x9D\xE2\x80\xA6\n\xC3\xA0 bient\xC3\xB4t, A\xC3\x87\xC3\x83O\n",
                  "UTF-8+WINDOWS-1252", 2, "9 bytes on 2 lines not UTF-8: read as Windows-1252 (the first, 0x92, here as");
    /* after a BOM too */
    EXPECT_WARNED("\xEF\xBB\xBF" "abc\n\xE9t\xE9\n", "abc\n\xC3\xA9t\xC3\xA9\n", "UTF-8-BOM+WINDOWS-1252", 2,
                  "2 bytes on 1 line not UTF-8");
}

/* A legacy file's bytes that its code page leaves undefined become U+FFFD,
 * and the file says so. */
static void undefined_bytes_are_said(void **state)
{
    (void)state;
    EXPECT_WARNED("It\x92s the caf\xE9 \x93na\xEFve\x94 du se\xF1or\x85\r\nC'est d\xE9j\xE0 l\xE0, tr\xE8s "
                  "\xE9l\xE9gant.\r\nA stray \x81 byte.\r\n",
                  "It\xE2\x80\x99s the caf\xC3\xA9 \xE2\x80\x9Cna\xC3\xAFve\xE2\x80\x9D du se\xC3\xB1or\xE2\x80\xA6\n"
                  "C'est d\xC3\xA9j\xC3\xA0 l\xC3\xA0, tr\xC3\xA8s \xC3\xA9l\xC3\xA9gant.\nA stray \xEF\xBF\xBD byte.\n",
                  "WINDOWS-1252", 3, "1 byte undefined in WINDOWS-1252 (0x81 the first, here) read as U+FFFD");
}

static void binary_is_refused(void **state)
{
    (void)state;
    EXPECT_ERROR("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 0, "binary file, not text");
    EXPECT_ERROR("\xFF\xD8\xFF\xE0\0\x10JFIF", 0, "binary file, not text");
    EXPECT_ERROR("some text\0with a NUL byte in the middle of it", 0, "binary file, not text");
    EXPECT_ERROR("\x01\x02\x03\x04\x05 abc \x06\x07", 0, "binary file, not text");
    EXPECT_ERROR("\xEF\xBB\xBF" "abc\0", 0, "binary file, not text");
    /* NULs in alternate positions, but what they spell is control codes */
    EXPECT_ERROR("\x01\0\x02\0\x03\0\x04\0\x05\0\x06\0\x07\0\x08\0", 0, "binary file, not text");
}

static void overlong_line(void **state)
{
    (void)state;
    size_t n = 2u << 20;
    char *bytes = malloc(n + 16);
    assert_non_null(bytes);
    memcpy(bytes, "short\r\n", 7);
    memset(bytes + 7, 'a', n);
    memcpy(bytes + 7 + n, "\nok\n", 4);
    expect_error(bytes, n + 11, 2, "line 2 is longer than 1 MiB");
    /* exactly the limit is fine */
    memset(bytes, 'b', SM_TEXT_MAX_LINE);
    bytes[SM_TEXT_MAX_LINE] = '\n';
    memset(bytes + SM_TEXT_MAX_LINE + 1, 'c', 10);
    sm_text t;
    sm_error err;
    assert_int_equal(sm_text_decode("big", (unsigned char *)bytes, SM_TEXT_MAX_LINE + 11, &t,
                                    &err), 0);
    assert_int_equal(t.len, SM_TEXT_MAX_LINE + 11);
    sm_text_free(&t);
    free(bytes);
}

static void write_file(const char *path, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void files(void **state)
{
    (void)state;
    char dir[] = "/tmp/sm_test_text_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[600];
    sm_text t;
    sm_error err;

    /* a directory */
    assert_int_equal(sm_text_read_file(dir, &t, &err), -1);
    assert_string_equal(err.file, dir);
    assert_string_equal(err.message, "is a directory");

    /* a missing file */
    snprintf(path, sizeof path, "%s/missing.srt", dir);
    assert_int_equal(sm_text_read_file(path, &t, &err), -1);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.message, "No such file"));

    /* an empty file is fine here: the readers decide what empty means */
    snprintf(path, sizeof path, "%s/empty.srt", dir);
    write_file(path, "", 0);
    assert_int_equal(sm_text_read_file(path, &t, &err), 0);
    assert_int_equal(t.len, 0);
    assert_string_equal(t.data, "");
    sm_text_free(&t);
    unlink(path);

    /* a CP1252 file with CRLF */
    snprintf(path, sizeof path, "%s/latin.srt", dir);
    const char latin[] = "1\r\n00:00:01,000 --> 00:00:02,000\r\nVoil\xE0 mon fianc\xE9.\r\n";
    write_file(path, latin, sizeof latin - 1);
    assert_int_equal(sm_text_read_file(path, &t, &err), 0);
    assert_string_equal(t.data, "1\n00:00:01,000 --> 00:00:02,000\nVoil\xC3\xA0 mon fianc\xC3\xA9.\n");
    assert_string_equal(t.encoding, "WINDOWS-1252");
    sm_text_free(&t);
    unlink(path);

    /* an image */
    snprintf(path, sizeof path, "%s/image.png", dir);
    write_file(path, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    assert_int_equal(sm_text_read_file(path, &t, &err), -1);
    assert_string_equal(err.file, path);
    assert_string_equal(err.message, "binary file, not text");
    unlink(path);

    /* a file over the limit is refused before it is read (sparse: no disk) */
    snprintf(path, sizeof path, "%s/huge.srt", dir);
    write_file(path, "", 0);
    assert_int_equal(truncate(path, (off_t)SM_TEXT_MAX_FILE + 1), 0);
    assert_int_equal(sm_text_read_file(path, &t, &err), -1);
    assert_string_equal(err.message, "file is larger than 512 MiB");
    unlink(path);

    /* a pipe (no size to know in advance): read until the end */
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], "pipe\r\ntext", 10), 10);
    close(fds[1]);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[0]);
    if (access(path, R_OK) == 0) {
        assert_int_equal(sm_text_read_file(path, &t, &err), 0);
        assert_string_equal(t.data, "pipe\ntext");
        sm_text_free(&t);
    }
    close(fds[0]);

    assert_int_equal(rmdir(dir), 0);
}

static void real_latin1_subtitle(void **state)
{
    (void)state;
    const char *path = SM_SHARED_DATA "/movies/birthday_girl/subtitles.srt";
    if (access(path, R_OK) != 0) {
        printf("skipped: %s is absent\n", path);
        skip();
    }
    sm_text t;
    sm_error err;
    if (sm_text_read_file(path, &t, &err) != 0)
        fail_msg("%s:%ld: %s", err.file, err.line, err.message);
    assert_string_equal(t.encoding, "WINDOWS-1252");
    assert_non_null(strstr(t.data, "to say to your fianc\xC3\xA9""e?"));
    assert_non_null(strstr(t.data, "\xC2\xA3""90,000"));
    assert_null(memchr(t.data, '\r', t.len));
    sm_text_free(&t);
}

static void real_files_all_decode(void **state)
{
    (void)state;
    const char *paths[] = {
        SM_SHARED_DATA "/movies/the_assignment/screenplay.txt",
        SM_SHARED_DATA "/movies/the_assignment/subtitles.srt",
        SM_SHARED_DATA "/friends/friends-s01e02/subtitles.srt",
        SM_SHARED_DATA "/friends/friends-s01e02/transcript.txt",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        if (access(paths[i], R_OK) != 0) {
            printf("skipped: %s is absent\n", paths[i]);
            continue;
        }
        sm_text t;
        sm_error err;
        if (sm_text_read_file(paths[i], &t, &err) != 0)
            fail_msg("%s:%ld: %s", err.file, err.line, err.message);
        assert_true(strncmp(t.encoding, "UTF-8", 5) == 0);
        assert_null(memchr(t.data, '\r', t.len));
        assert_true(t.len > 1000);
        sm_text_free(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_utf8),
        cmocka_unit_test(byte_order_marks),
        cmocka_unit_test(utf16_without_bom),
        cmocka_unit_test(broken_wide_encodings),
        cmocka_unit_test(legacy_8bit),
        cmocka_unit_test(legacy_guesses),
        cmocka_unit_test(line_ends_fold_and_keep_numbers),
        cmocka_unit_test(invalid_utf8_names_its_line),
        cmocka_unit_test(utf8_with_windows_1252_bytes),
        cmocka_unit_test(undefined_bytes_are_said),
        cmocka_unit_test(binary_is_refused),
        cmocka_unit_test(overlong_line),
        cmocka_unit_test(files),
        cmocka_unit_test(real_latin1_subtitle),
        cmocka_unit_test(real_files_all_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
