/* fuzz_movienet_keyframe.c - libFuzzer target for keyframe names and JPEG
 * frame headers.
 *
 * The first byte picks the reader: even, sm_keyframe_parse() on the rest
 * as a NUL-terminated name (cut at the first NUL, as a C string is);
 * odd, sm_jpeg_size_mem() on the rest as the bytes of a JPEG file.
 * Successful results are checked against the header's promises: a
 * keyframe's movie is "tt" + digits and its img 0..2, and rebuilding the
 * canonical name from them parses back to the same keyframe; a JPEG size
 * is positive and fits the 16-bit fields of the frame header. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storymovie/movienet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_keyframe(const uint8_t *data, size_t size)
{
    char *name = malloc(size + 1);
    if (!name)
        return;
    memcpy(name, data, size);
    name[size] = '\0';
    sm_keyframe k;
    sm_error err;
    if (sm_keyframe_parse(name, &k, &err) == 0) {
        size_t len = strnlen(k.movie, sizeof k.movie);
        if (len < 3 || len >= sizeof k.movie || k.movie[0] != 't' || k.movie[1] != 't')
            abort();
        for (size_t i = 2; i < len; i++)
            if (k.movie[i] < '0' || k.movie[i] > '9')
                abort();
        if (k.shot < 0 || k.img < 0 || k.img > 2)
            abort();
        char canon[64];
        sm_keyframe back;
        snprintf(canon, sizeof canon, "%s/shot_%04d_img_%d.jpg", k.movie, k.shot, k.img);
        if (sm_keyframe_parse(canon, &back, &err) != 0 || strcmp(back.movie, k.movie) != 0 ||
            back.shot != k.shot || back.img != k.img)
            abort();
    }
    free(name);
}

static void check_jpeg(const uint8_t *data, size_t size)
{
    /* A copy of exactly `size` bytes, so ASan sees any read past the end. */
    unsigned char *copy = malloc(size ? size : 1);
    if (!copy)
        return;
    memcpy(copy, data, size);
    int w = -1, h = -1;
    sm_error err;
    if (sm_jpeg_size_mem("fuzz.jpg", copy, size, &w, &h, &err) == 0 &&
        (w <= 0 || h <= 0 || w > 65535 || h > 65535))
        abort();
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        check_jpeg(data + 1, size - 1);
    else
        check_keyframe(data + 1, size - 1);
    return 0;
}
