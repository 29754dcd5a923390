/* frames.c - shot files, keyframe names, frame -> seconds, JPEG sizes.
 *
 * The pieces that turn "tt0120338/shot_0123_img_1.jpg" into a time in the
 * film: the name gives (movie, shot 123, img 1); line 124 of the film's
 * shot file ("start end k0 k1 k2") gives k1, the frame index of that
 * keyframe; frame / fps gives seconds. */
#include "storymovie/movienet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"

/* ------------------------------------------------------------- shot files */

/* Reads a non-negative decimal at *p (after blanks); -1 when none. */
static int read_count(const char **p, const char *end, long *out)
{
    const char *s = *p;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    if (s == end || *s < '0' || *s > '9')
        return -1;
    long v = 0;
    while (s < end && *s >= '0' && *s <= '9') {
        if (v > 100000000000L)
            return -1;   /* no film has that many frames; refuse overflow */
        v = v * 10 + (*s - '0');
        s++;
    }
    *p = s;
    *out = v;
    return 0;
}

int sm_shots_parse(const char *name, const char *text, size_t len,
                   sm_shot **out, size_t *n_out, sm_error *err)
{
    *out = NULL;
    *n_out = 0;
    size_t cap = 0, n = 0;
    sm_shot *shots = NULL;
    const char *p = text, *end = text + len;
    long line = 0;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        const char *q = p;
        const char *stop = eol;
        if (stop > q && stop[-1] == '\r')
            stop--;
        const char *blank = q;
        while (blank < stop && (*blank == ' ' || *blank == '\t'))
            blank++;
        if (blank < stop) {
            long v[5];
            for (int k = 0; k < 5; k++) {
                if (read_count(&q, stop, &v[k]) != 0) {
                    free(shots);
                    return sm_fail(err, name, line,
                                   "expected 5 non-negative integers 'start end k0 k1 k2' (shot %zu)", n);
                }
            }
            while (q < stop && (*q == ' ' || *q == '\t'))
                q++;
            if (q != stop) {
                free(shots);
                return sm_fail(err, name, line, "unexpected text after 'start end k0 k1 k2' (shot %zu)", n);
            }
            if (v[0] > v[1]) {
                free(shots);
                return sm_fail(err, name, line, "shot %zu ends (frame %ld) before it starts (frame %ld)",
                               n, v[1], v[0]);
            }
            if (sm_grow(&shots, &cap, n + 1, sizeof *shots) != 0) {
                free(shots);
                return sm_fail(err, name, line, "out of memory");
            }
            sm_shot *s = &shots[n++];
            s->start = v[0];
            s->end = v[1];
            s->key[0] = v[2];
            s->key[1] = v[3];
            s->key[2] = v[4];
        }
        p = eol < end ? eol + 1 : end;
    }
    if (n == 0) {
        free(shots);
        return sm_fail(err, name, 0, "no shots (empty shot file)");
    }
    *out = shots;
    *n_out = n;
    return 0;
}

/* ---------------------------------------------------------- keyframe names */

static int parse_digits(const char *s, size_t n, long *out)
{
    if (n == 0 || n > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int is_movie_id(const char *s, size_t n)
{
    if (n < 3 || n > 15 || s[0] != 't' || s[1] != 't')
        return 0;
    for (size_t i = 2; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int sm_keyframe_parse(const char *name, sm_keyframe *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    /* shot_<digits>_img_<digit>.<ext> */
    const char *p = base;
    if (strncmp(p, "shot_", 5) != 0)
        return sm_fail(err, name, 0, "not a MovieNet keyframe name (expected ttXXXXXXX/shot_NNNN_img_N.jpg)");
    p += 5;
    const char *u = strchr(p, '_');
    long shot, img;
    if (!u || parse_digits(p, (size_t)(u - p), &shot) != 0 || strncmp(u, "_img_", 5) != 0)
        return sm_fail(err, name, 0, "not a MovieNet keyframe name (expected ttXXXXXXX/shot_NNNN_img_N.jpg)");
    p = u + 5;
    const char *dot = strchr(p, '.');
    size_t img_len = dot ? (size_t)(dot - p) : strlen(p);
    if (parse_digits(p, img_len, &img) != 0)
        return sm_fail(err, name, 0, "not a MovieNet keyframe name (expected ttXXXXXXX/shot_NNNN_img_N.jpg)");
    if (dot && strcmp(dot, ".jpg") != 0 && strcmp(dot, ".jpeg") != 0 && strcmp(dot, ".png") != 0)
        return sm_fail(err, name, 0, "keyframe extension '%s' is not .jpg", dot);
    if (img > 2)
        return sm_fail(err, name, 0, "keyframe img %ld: MovieNet has img 0, 1, 2 per shot", img);
    /* The movie is the directory that holds the keyframe. */
    if (base == name)
        return sm_fail(err, name, 0, "keyframe without its movie directory (expected ttXXXXXXX/%s)", base);
    const char *dir_end = base - 1;
    const char *dir = dir_end;
    while (dir > name && dir[-1] != '/')
        dir--;
    if (!is_movie_id(dir, (size_t)(dir_end - dir)))
        return sm_fail(err, name, 0, "keyframe directory '%.*s' is not a movie id (ttXXXXXXX)",
                       (int)(dir_end - dir), dir);
    memcpy(out->movie, dir, (size_t)(dir_end - dir));
    out->movie[dir_end - dir] = '\0';
    out->shot = (int)shot;
    out->img = (int)img;
    return 0;
}

double sm_frame_seconds(long frame, double fps)
{
    return fps > 0 ? (double)frame / fps : 0.0;
}

int sm_movie_keyframe_frame(const sm_movie *m, int shot, int img, long *frame, sm_error *err)
{
    char shot_file[700];
    snprintf(shot_file, sizeof shot_file, "%s/shot/%s.txt", m->root ? m->root : ".", m->id);
    if (!(m->have & SM_MN_SHOTS))
        return sm_fail(err, shot_file, 0, "no shots loaded for %s: cannot place shot_%04d_img_%d",
                       m->id, shot, img);
    if (img < 0 || img > 2)
        return sm_fail(err, shot_file, 0, "img %d of shot %d: keyframes are img 0, 1, 2", img, shot);
    if (shot < 0 || (size_t)shot >= m->n_shots)
        return sm_fail(err, shot_file, 0,
                       "keyframe shot_%04d_img_%d is outside the shot file (%zu shots: 0..%zu)",
                       shot, img, m->n_shots, m->n_shots - 1);
    *frame = m->shots[shot].key[img];
    return 0;
}

/* ------------------------------------------------------------------ JPEG */

/* A JPEG is a sequence of marker segments: FF xx [len_hi len_lo payload].
 * The frame header (SOF0..SOF15, except DHT C4, JPG C8 and DAC CC) holds
 * precision, height, width.  We walk the segments until we meet it. */
static int is_sof(int marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

int sm_jpeg_size_mem(const char *name, const unsigned char *data, size_t len,
                     int *width, int *height, sm_error *err)
{
    if (len < 4 || data[0] != 0xFF || data[1] != 0xD8)
        return sm_fail(err, name, 0, "not a JPEG (no SOI marker)");
    size_t at = 2;
    while (at + 4 <= len) {
        if (data[at] != 0xFF)
            return sm_fail(err, name, 0, "corrupt JPEG: expected a marker at byte %zu", at);
        int marker = data[at + 1];
        if (marker == 0xFF) {   /* fill byte */
            at++;
            continue;
        }
        at += 2;
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue;           /* no payload */
        if (marker == 0xD9 || marker == 0xDA)
            break;              /* end of image or start of scan: no frame header before it */
        size_t seg = ((size_t)data[at] << 8) | data[at + 1];
        if (seg < 2 || at + seg > len)
            return sm_fail(err, name, 0, "corrupt JPEG: segment at byte %zu runs past the end", at - 2);
        if (is_sof(marker)) {
            if (seg < 7)
                return sm_fail(err, name, 0, "corrupt JPEG: short frame header");
            *height = (data[at + 3] << 8) | data[at + 4];
            *width = (data[at + 5] << 8) | data[at + 6];
            if (*width <= 0 || *height <= 0)
                return sm_fail(err, name, 0, "JPEG frame header gives size %dx%d", *width, *height);
            return 0;
        }
        at += seg;
    }
    return sm_fail(err, name, 0, "no JPEG frame header (SOF) found");
}

int sm_jpeg_size(const char *path, int *width, int *height, sm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    /* The frame header follows the APPn segments (EXIF thumbnails can make
     * those large), so read segment by segment instead of a fixed prefix. */
    unsigned char head[4];
    int rc = -1;
    if (fread(head, 1, 2, f) != 2 || head[0] != 0xFF || head[1] != 0xD8) {
        sm_fail(err, path, 0, "not a JPEG (no SOI marker)");
        goto done;
    }
    for (;;) {
        int c = fgetc(f);
        if (c == EOF)
            break;
        if (c != 0xFF) {
            sm_fail(err, path, 0, "corrupt JPEG: expected a marker at byte %ld", ftell(f) - 1);
            goto done;
        }
        int marker;
        do
            marker = fgetc(f);
        while (marker == 0xFF);
        if (marker == EOF)
            break;
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue;
        if (marker == 0xD9 || marker == 0xDA)
            break;
        if (fread(head, 1, 2, f) != 2)
            break;
        long seg = ((long)head[0] << 8) | head[1];
        if (seg < 2) {
            sm_fail(err, path, 0, "corrupt JPEG: bad segment length");
            goto done;
        }
        if (is_sof(marker)) {
            unsigned char sof[5];
            if (seg < 7 || fread(sof, 1, 5, f) != 5) {
                sm_fail(err, path, 0, "corrupt JPEG: short frame header");
                goto done;
            }
            *height = (sof[1] << 8) | sof[2];
            *width = (sof[3] << 8) | sof[4];
            if (*width <= 0 || *height <= 0) {
                sm_fail(err, path, 0, "JPEG frame header gives size %dx%d", *width, *height);
                goto done;
            }
            rc = 0;
            goto done;
        }
        if (fseek(f, seg - 2, SEEK_CUR) != 0)
            break;
    }
    sm_fail(err, path, 0, "no JPEG frame header (SOF) found");
done:
    fclose(f);
    return rc;
}
