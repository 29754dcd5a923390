/* llm_request.c - request bodies, custom_ids and Batch input lines.
 *
 * A body is written once, by the streaming JSON writer, keys in a fixed
 * order: {"model","messages","temperature","max_tokens","seed"}.  The
 * custom_id ends in the first 12 hex digits of the SHA-256 of exactly those
 * bytes, so the same inputs always give the same line, and the cache and a
 * batch run's results find their request again by id.
 *
 * Frames are the bulk of a body with --images data (22 frames of ~100 KB
 * make a 3 MB body): the file is read into a reused buffer and encoded by
 * OpenSSL straight into the body, with no intermediate copies per part. */
#include "llm/llm_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "storymovie/provenance.h"

struct sm_llm_body {
    sm_json j;
    sm_llm_params params;
    char *model;              /* owned copy of params.model */
    llm_buf file;             /* the last frame read (reused) */
    llm_buf url;              /* the last image URL built (reused) */
    int failed;
};

size_t sm_llm_base64_len(size_t n) { return (n + 2) / 3 * 4; }

size_t sm_llm_base64(const unsigned char *in, size_t n, char *out)
{
    /* EVP_EncodeBlock takes an int length: encode in large whole-triple
     * chunks so any size works. */
    const size_t chunk = (size_t)3 << 28;
    size_t written = 0;
    while (n > 0) {
        size_t take = n < chunk ? n : chunk;
        written += (size_t)EVP_EncodeBlock((unsigned char *)out + written, in, (int)take);
        in += take;
        n -= take;
    }
    out[written] = '\0';
    return written;
}

/* The one SHA-256 of the library is in common (provenance.h). */
void sm_llm_sha256_hex(const void *data, size_t n, char hex[65]) { sm_sha256_hex(data, n, hex); }

sm_llm_body *sm_llm_body_new(const sm_llm_params *p)
{
    sm_llm_body *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->params = *p;
    b->model = strdup(p->model ? p->model : "");
    if (!b->model) {
        free(b);
        return NULL;
    }
    b->params.model = b->model;
    sm_json_init(&b->j);
    sm_json_begin_object(&b->j);
    sm_json_kv_string(&b->j, "model", b->model);
    sm_json_key(&b->j, "messages");
    sm_json_begin_array(&b->j);
    return b;
}

void sm_llm_body_free(sm_llm_body *b)
{
    if (!b)
        return;
    sm_json_free(&b->j);
    llm_buf_free(&b->file);
    llm_buf_free(&b->url);
    free(b->model);
    free(b);
}

static int read_whole(const char *path, llm_buf *out, sm_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return sm_fail(err, path, 0, "cannot read frame: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sm_fail(err, path, 0, "cannot read frame: not a regular file");
    }
    out->len = 0;
    if (llm_buf_reserve(out, (size_t)st.st_size)) {
        close(fd);
        return sm_fail(err, path, 0, "out of memory");
    }
    for (;;) {
        if (llm_buf_reserve(out, 65536)) {
            close(fd);
            return sm_fail(err, path, 0, "out of memory");
        }
        ssize_t k = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            close(fd);
            return sm_fail(err, path, 0, "cannot read frame: %s", strerror(e));
        }
        if (k == 0)
            break;
        out->len += (size_t)k;
    }
    close(fd);
    out->data[out->len] = '\0';
    return 0;
}

/* The media type from the file's first bytes: frames are JPEG (MovieNet),
 * but a PNG or WebP must not go out labelled as one. */
static const char *image_type(const unsigned char *d, size_t n)
{
    if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
        return "image/jpeg";
    if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (n >= 12 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
        return "image/webp";
    return NULL;
}

/* "data:image/jpeg;base64,…" (quoted, as a JSON string) into b->url. */
static int data_url(sm_llm_body *b, const char *path, sm_error *err)
{
    if (read_whole(path, &b->file, err))
        return -1;
    const char *type = image_type((const unsigned char *)b->file.data, b->file.len);
    if (!type)
        return sm_fail(err, path, 0, "not a JPEG, PNG or WebP image");
    b->url.len = 0;
    size_t need = sm_llm_base64_len(b->file.len);
    if (llm_buf_add(&b->url, "\"data:", 6) || llm_buf_add(&b->url, type, strlen(type)) ||
        llm_buf_add(&b->url, ";base64,", 8) || llm_buf_reserve(&b->url, need + 2))
        return sm_fail(err, path, 0, "out of memory");
    b->url.len += sm_llm_base64((const unsigned char *)b->file.data, b->file.len, b->url.data + b->url.len);
    return llm_buf_add(&b->url, "\"", 1) ? sm_fail(err, path, 0, "out of memory") : 0;
}

/* "file:///abs/path" with every byte outside [A-Za-z0-9-._~/] percent-
 * encoded (vLLM turns the URL back into a path with url2pathname).  A
 * relative path is made absolute against the working directory; symbolic
 * links and ".." are left for the server, which resolves the path itself
 * before checking it against --allowed-local-media-path.  One access()
 * per frame: realpath() would cost a system call per path component. */
static int file_url(sm_llm_body *b, const char *path, sm_error *err)
{
    static const char hex[] = "0123456789ABCDEF";
    if (access(path, R_OK) != 0)
        return sm_fail(err, path, 0, "cannot read frame: %s", strerror(errno));
    char cwd[PATH_MAX];
    if (path[0] != '/' && !getcwd(cwd, sizeof cwd))
        return sm_fail(err, path, 0, "cannot make the path absolute: %s", strerror(errno));
    b->url.len = 0;
    int bad = llm_buf_add(&b->url, "\"file://", 8);
    for (int part = path[0] == '/' ? 1 : 0; part < 2 && !bad; part++) {
        const unsigned char *p = (const unsigned char *)(part == 0 ? cwd : path);
        for (; *p && !bad; p++) {
            unsigned char c = *p;
            int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
            if (plain) {
                bad = llm_buf_add(&b->url, p, 1);
            } else {
                char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
                bad = llm_buf_add(&b->url, esc, 3);
            }
        }
        if (part == 0 && !bad && (cwd[0] == '\0' || cwd[strlen(cwd) - 1] != '/'))
            bad = llm_buf_add(&b->url, "/", 1);
    }
    if (bad || llm_buf_add(&b->url, "\"", 1))
        return sm_fail(err, path, 0, "out of memory");
    return 0;
}

int sm_llm_body_message(sm_llm_body *b, const char *role, const sm_llm_part *parts, size_t n,
                        sm_error *err)
{
    if (b->failed)
        return sm_fail(err, "", 0, "request body: an earlier part failed");
    int with_images = b->params.images != SM_LLM_IMAGES_NONE;
    size_t kept = 0, texts = 0;
    for (size_t i = 0; i < n; i++) {
        if (parts[i].text)
            texts++;
        else if (!parts[i].image)
            return sm_fail(err, "", 0, "request body: a part with neither text nor image");
        if (parts[i].text || with_images)
            kept++;
    }
    sm_json *j = &b->j;
    sm_json_begin_object(j);
    sm_json_kv_string(j, "role", role);
    sm_json_key(j, "content");
    if (kept == 1 && texts >= 1) {
        for (size_t i = 0; i < n; i++)
            if (parts[i].text)
                sm_json_string(j, parts[i].text);
    } else {
        sm_json_begin_array(j);
        for (size_t i = 0; i < n; i++) {
            if (parts[i].text) {
                sm_json_begin_object(j);
                sm_json_kv_string(j, "type", "text");
                sm_json_kv_string(j, "text", parts[i].text);
                sm_json_end_object(j);
                continue;
            }
            if (!with_images)
                continue;
            int rc = b->params.images == SM_LLM_IMAGES_DATA ? data_url(b, parts[i].image, err)
                                                             : file_url(b, parts[i].image, err);
            if (rc) {
                b->failed = 1;
                return -1;
            }
            sm_json_begin_object(j);
            sm_json_kv_string(j, "type", "image_url");
            sm_json_key(j, "image_url");
            sm_json_begin_object(j);
            sm_json_key(j, "url");
            sm_json_raw(j, b->url.data, b->url.len);
            sm_json_end_object(j);
            sm_json_end_object(j);
        }
        sm_json_end_array(j);
    }
    sm_json_end_object(j);
    if (j->failed) {
        b->failed = 1;
        return sm_fail(err, "", 0, "request body: out of memory");
    }
    return 0;
}

int sm_llm_body_text(sm_llm_body *b, const char *role, const char *text, sm_error *err)
{
    sm_llm_part part = {text, NULL};
    return sm_llm_body_message(b, role, &part, 1, err);
}

/* A request around body (taken: malloc'd, len bytes + NUL). */
static sm_llm_request *request_alloc(char *body, size_t len, const char *model)
{
    sm_llm_request *r = calloc(1, sizeof *r);
    if (!r) {
        free(body);
        return NULL;
    }
    r->body = body;
    r->body_len = len;
    r->model = model ? strdup(model) : NULL;
    if (!r->body || (model && !r->model)) {
        sm_llm_request_free(r);
        return NULL;
    }
    sm_llm_sha256_hex(r->body, len, r->sha256);
    return r;
}

sm_llm_request *sm_llm_request_new(sm_llm_body *b, const char *task, const char *story_id,
                                   const char *extra, sm_error *err)
{
    if (!b) {
        sm_fail(err, "", 0, "request body: out of memory");
        return NULL;
    }
    if (b->failed || !task || !*task || !story_id || !*story_id) {
        sm_fail(err, "", 0, b->failed ? "request body: an earlier part failed"
                                      : "request: a task and a story id are required");
        sm_llm_body_free(b);
        return NULL;
    }
    /* custom_id = TASK:STORY_ID[:EXTRA]:SHA12, so a ':' in the story id
     * would make the id ambiguous ("a:b" with no extra, or "a" with extra
     * "b"): refused before anything is asked. */
    if (strchr(story_id, ':')) {
        sm_fail(err, "", 0, "story_id '%.200s' holds ':', which separates the parts of a custom_id "
                "(TASK:STORY_ID[:EXTRA]:HASH); give the story an id without ':'", story_id);
        sm_llm_body_free(b);
        return NULL;
    }
    sm_json *j = &b->j;
    sm_json_end_array(j);
    if (b->params.has_temperature)
        sm_json_kv_double(j, "temperature", b->params.temperature);
    if (b->params.max_tokens > 0)
        sm_json_kv_int(j, "max_tokens", b->params.max_tokens);
    if (b->params.has_seed)
        sm_json_kv_int(j, "seed", b->params.seed);
    sm_json_end_object(j);
    if (j->failed) {
        sm_fail(err, "", 0, "request body: out of memory");
        sm_llm_body_free(b);
        return NULL;
    }
    size_t len = j->len;
    char *body = j->buf;
    j->buf = NULL;
    j->len = j->cap = 0;
    sm_llm_request *r = request_alloc(body, len, b->model);
    sm_llm_body_free(b);
    if (!r) {
        sm_fail(err, "", 0, "request: out of memory");
        return NULL;
    }
    size_t idlen = strlen(task) + strlen(story_id) + (extra ? strlen(extra) + 1 : 0) + 16;
    r->custom_id = malloc(idlen);
    if (!r->custom_id) {
        sm_llm_request_free(r);
        sm_fail(err, "", 0, "request: out of memory");
        return NULL;
    }
    snprintf(r->custom_id, idlen, "%s:%s%s%s:%.12s", task, story_id, extra ? ":" : "", extra ? extra : "",
             r->sha256);
    return r;
}

sm_llm_request *sm_llm_request_raw(const char *custom_id, const char *body, size_t body_len,
                                   const char *model, sm_error *err)
{
    if (!custom_id || !*custom_id) {
        sm_fail(err, "", 0, "request: an empty custom_id");
        return NULL;
    }
    char *copy = malloc(body_len + 1);
    if (copy) {
        memcpy(copy, body, body_len);
        copy[body_len] = '\0';
    }
    sm_llm_request *r = copy ? request_alloc(copy, body_len, model) : NULL;
    if (r && !(r->custom_id = strdup(custom_id))) {
        sm_llm_request_free(r);
        r = NULL;
    }
    if (!r)
        sm_fail(err, "", 0, "request: out of memory");
    return r;
}

void sm_llm_request_free(sm_llm_request *r)
{
    if (!r)
        return;
    free(r->custom_id);
    free(r->body);
    free(r->model);
    free(r);
}

void sm_llm_request_line(const sm_llm_request *r, sm_json *j)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "custom_id", r->custom_id);
    sm_json_kv_string(j, "method", "POST");
    sm_json_kv_string(j, "url", "/v1/chat/completions");
    sm_json_key(j, "body");
    sm_json_raw(j, r->body, r->body_len);
    sm_json_end_object(j);
}
