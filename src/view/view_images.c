/* view_images.c - where the page finds its keyframes.
 *
 * By default a keyframe is a URL relative to the page's own directory, so
 * the page opened from disk (file://) loads it without any server and the
 * page stays small; it keeps working as long as the page and the corpus
 * keep their places.  --embed-images puts each keyframe into the page as a
 * data: URI instead (base64), for a page that travels alone.
 * Either way every keyframe is written once, however many stories show it.
 *
 * The boxes are drawn in the keyframe's own pixels, so its size is read
 * from the JPEG header (src/movienet); the page scales the boxes with the
 * image. */
#define _XOPEN_SOURCE 700   /* realpath */
#include "view/view_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "storymovie/io.h"
#include "storymovie/llm.h"
#include "storymovie/movienet.h"

#define MAX_EMBEDDED_IMAGE (64u << 20)  /* a keyframe is kilobytes; anything this big is not one */

int view_images_init(view_images *im, const sm_view_options *o, sm_json *list,
                     sm_view_stats *stats, sm_error *err)
{
    memset(im, 0, sizeof *im);
    im->root = o->movienet_root;
    im->embed = o->embed_images;
    im->list = list;
    im->stats = stats;
    im->seen = json_object();
    if (!im->seen)
        return sm_fail(err, o->out_path, 0, "out of memory");
    if (!im->root || im->embed)
        return 0;
    char *dir = sm_path_dir(o->out_path);
    if (!dir)
        return sm_fail(err, o->out_path, 0, "out of memory");
    im->page_dir = realpath(dir, NULL);
    int e = errno;
    free(dir);
    if (!im->page_dir)
        return sm_fail(err, o->out_path, 0, "cannot resolve the page's directory: %s", strerror(e));
    return 0;
}

void view_images_free(view_images *im)
{
    json_decref(im->seen);
    free(im->page_dir);
    memset(im, 0, sizeof *im);
}

static int url_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

/* Length of the path component starting at p (up to '/' or the end). */
static size_t component(const char *p)
{
    size_t n = 0;
    while (p[n] && p[n] != '/')
        n++;
    return n;
}

char *view_relative_url(const char *from, const char *target)
{
    /* Skip the directories both share, by whole components. */
    const char *f = from, *t = target;
    while (*f == '/')
        f++;
    while (*t == '/')
        t++;
    for (;;) {
        size_t nf = component(f), nt = component(t);
        if (nf == 0 || nf != nt || memcmp(f, t, nf) != 0 || t[nt] != '/')
            break;
        f += nf;
        t += nt;
        while (*f == '/')
            f++;
        while (*t == '/')
            t++;
    }
    /* One "../" for each directory of `from` left over. */
    size_t ups = 0;
    for (const char *p = f; *p;) {
        size_t n = component(p);
        ups += n > 0;
        p += n;
        while (*p == '/')
            p++;
    }
    char *out = malloc(ups * 3 + strlen(t) * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t k = 0; k < ups; k++) {
        memcpy(out + o, "../", 3);
        o += 3;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        if (url_safe(*p)) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
    return out;
}

/* The whole file, for embedding. */
static int read_image(const char *path, unsigned char **data, size_t *len, sm_error *err)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f)
        return sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
        (unsigned long long)st.st_size > MAX_EMBEDDED_IMAGE) {
        fclose(f);
        return sm_fail(err, path, 0, "not a keyframe image (not a regular file, or over %u MB)",
                       MAX_EMBEDDED_IMAGE >> 20);
    }
    *len = (size_t)st.st_size;
    *data = malloc(*len ? *len : 1);
    if (!*data) {
        fclose(f);
        return sm_fail(err, path, 0, "out of memory");
    }
    size_t got = fread(*data, 1, *len, f);
    int bad = got != *len || ferror(f);
    fclose(f);
    if (bad) {
        free(*data);
        return sm_fail(err, path, 0, "read error");
    }
    return 0;
}

/* "data:image/jpeg;base64,…" as a JSON string. */
static int write_data_uri(view_images *im, const char *path, int *w, int *h, sm_error *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    if (read_image(path, &data, &len, err) != 0)
        return -1;
    if (sm_jpeg_size_mem(path, data, len, w, h, NULL) != 0)
        *w = *h = 0;
    const char *ext = strrchr(path, '.');
    const char *prefix = ext && strcmp(ext, ".png") == 0 ? "data:image/png;base64,"
                                                         : "data:image/jpeg;base64,";
    size_t plen = strlen(prefix), blen = sm_llm_base64_len(len);
    char *uri = malloc(plen + blen + 1);
    if (!uri) {
        free(data);
        return sm_fail(err, path, 0, "out of memory");
    }
    memcpy(uri, prefix, plen);
    size_t out = plen + sm_llm_base64(data, len, uri + plen);
    sm_json_stringn(im->list, uri, out);
    im->stats->image_bytes += len;
    free(uri);
    free(data);
    return 0;
}

int view_images_add(view_images *im, const char *keyframe, long *index, int *w, int *h,
                    sm_error *err)
{
    *index = -1;
    *w = *h = 0;
    if (!im->root)
        return 0;
    sm_keyframe k;
    char found[4096];
    if (sm_keyframe_parse(keyframe, &k, NULL) != 0 ||
        sm_movienet_keyframe_path(im->root, &k, found, sizeof found) != 0) {
        im->stats->images_missing++;
        return 0;
    }
    char *path = realpath(found, NULL);
    if (!path) {
        im->stats->images_missing++;
        return 0;
    }
    im->stats->images_found++;
    json_t *known = json_object_get(im->seen, path);
    if (known) {
        *index = (long)json_integer_value(json_array_get(known, 0));
        *w = (int)json_integer_value(json_array_get(known, 1));
        *h = (int)json_integer_value(json_array_get(known, 2));
        free(path);
        return 0;
    }
    int status = 0;
    if (im->embed) {
        status = write_data_uri(im, path, w, h, err);
    } else {
        char *url = view_relative_url(im->page_dir, path);
        if (!url) {
            status = sm_fail(err, keyframe, 0, "out of memory");
        } else {
            sm_json_string(im->list, url);
            free(url);
            if (sm_jpeg_size(path, w, h, NULL) != 0)
                *w = *h = 0;
        }
    }
    if (status == 0 &&
        json_object_set_new_nocheck(im->seen, path, json_pack("[Iii]", (json_int_t)im->n, *w, *h)) != 0)
        status = sm_fail(err, keyframe, 0, "out of memory");
    free(path);
    if (status == 0)
        *index = (long)im->n++;
    return status;
}
