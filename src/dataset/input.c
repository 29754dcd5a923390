/* input.c - the story records a dataset is made of, checked before anything
 * is written.
 *
 * The records are read by the story reader (src/story), which knows the
 * format and its problems; this file adds what a dataset needs on top: the
 * StoryMovie fields passed through (names, quotes, ...), the film of each
 * story (for the split), and the image file of every frame.  Problems that
 * would make the dataset wrong stop the run with one line naming the file,
 * line and story; the rest ('story check' findings such as a free-text tag
 * attribute) are counted for the dataset card. */
#include "dataset/dataset_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "storymovie/movienet.h"
#include "storymovie/text.h"

int ds_image_movie(const char *name, char movie[16])
{
    sm_keyframe k;
    if (sm_keyframe_parse(name, &k, NULL) != 0)
        return -1;
    memcpy(movie, k.movie, 16);
    return 0;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int ds_find_image(const char *root, const char *name, char *buf, size_t size)
{
    if (name[0] == '/')
        snprintf(buf, size, "%s", name);
    else
        snprintf(buf, size, "%s/%s", root, name);
    if (is_file(buf))
        return 0;
    sm_keyframe k;
    if (sm_keyframe_parse(name, &k, NULL) == 0) {
        char alt[4096];
        if (sm_movienet_keyframe_path(root, &k, alt, sizeof alt) == 0) {
            snprintf(buf, size, "%s", alt);
            return 0;
        }
    }
    return -1;
}

int ds_safe_dir_name(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 200 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
            return 0;
    return 1;
}

const char *ds_image_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    if (!dot || (slash && dot < slash))
        return ".jpg";
    if (strcasecmp(dot, ".png") == 0)
        return ".png";
    return ".jpg";
}

/* The problems that make a record unusable for a dataset; the others are
 * counted, not fatal. */
static int fatal_code(const char *code, int need_text)
{
    static const char *const always[] = {"json", "duplicate-id", NULL};
    static const char *const text[] = {"field", "frame-count", "images", "image-count",
                                       "image-number", "gdi-count", NULL};
    for (int i = 0; always[i]; i++)
        if (strcmp(code, always[i]) == 0)
            return 1;
    if (need_text)
        for (int i = 0; text[i]; i++)
            if (strcmp(code, text[i]) == 0)
                return 1;
    return 0;
}

static const char *keep_string(ds_input *in, json_t *v)
{
    return sm_arena_strndup(&in->arena, json_string_value(v), json_string_length(v));
}

/* The StoryMovie fields of one record line. */
static int read_extras(ds_input *in, ds_story *d, const char *file, long line, const char *text,
                       size_t len, sm_error *err)
{
    json_error_t jerr;
    json_t *rec = json_loadb(text, len, 0, &jerr);
    if (!rec || !json_is_object(rec)) {
        json_decref(rec);
        return sm_fail(err, file, line, "not a JSON object");
    }
    const char *id = d->s->story_id ? d->s->story_id : "?";
    int rc = 0;
    static const struct { const char *key; unsigned bit; } strings[] = {
        {"source_story", DS_HAS_SOURCE_STORY}, {"model", DS_HAS_MODEL},
        {"prompt_version", DS_HAS_PROMPT_VERSION},
    };
    json_t *v = json_object_get(rec, "movie");
    if (v && !json_is_null(v)) {
        if (!json_is_string(v))
            rc = sm_fail(err, file, line, "story %s: \"movie\" is not a string", id);
        else
            d->movie = keep_string(in, v);
    }
    for (size_t i = 0; rc == 0 && i < sizeof strings / sizeof strings[0]; i++) {
        v = json_object_get(rec, strings[i].key);
        if (!v || json_is_null(v))
            continue;
        if (!json_is_string(v)) {
            rc = sm_fail(err, file, line, "story %s: \"%s\" is not a string", id, strings[i].key);
            break;
        }
        const char *s = keep_string(in, v);
        if (strings[i].bit == DS_HAS_SOURCE_STORY)
            d->source_story = s;
        else if (strings[i].bit == DS_HAS_MODEL)
            d->model = s;
        else
            d->prompt_version = s;
        d->extras |= strings[i].bit;
    }
    v = json_object_get(rec, "names");
    if (rc == 0 && v && !json_is_null(v)) {
        if (!json_is_object(v))
            rc = sm_fail(err, file, line, "story %s: \"names\" is not an object", id);
        else {
            char *dump = json_dumps(v, JSON_COMPACT);
            d->names_json = dump ? sm_arena_strdup(&in->arena, dump) : NULL;
            free(dump);
            d->nnames = json_object_size(v);
            d->extras |= DS_HAS_NAMES;
        }
    }
    v = json_object_get(rec, "quotes");
    if (rc == 0 && v && !json_is_null(v)) {
        if (!json_is_array(v))
            rc = sm_fail(err, file, line, "story %s: \"quotes\" is not an array", id);
        else {
            char *dump = json_dumps(v, JSON_COMPACT);
            d->quotes_json = dump ? sm_arena_strdup(&in->arena, dump) : NULL;
            free(dump);
            d->nquotes = json_array_size(v);
            for (size_t i = 0; i < d->nquotes; i++) {
                json_t *to = json_object_get(json_array_get(v, i), "attributed_to");
                d->nattributed += to && json_is_string(to);
            }
            d->extras |= DS_HAS_QUOTES;
        }
    }
    v = json_object_get(rec, "attempts");
    if (rc == 0 && v && !json_is_null(v)) {
        if (!json_is_integer(v))
            rc = sm_fail(err, file, line, "story %s: \"attempts\" is not an integer", id);
        else {
            d->attempts = (long)json_integer_value(v);
            d->extras |= DS_HAS_ATTEMPTS;
        }
    }
    json_decref(rec);
    if (rc == 0 && (((d->extras & DS_HAS_NAMES) && !d->names_json) ||
                    ((d->extras & DS_HAS_QUOTES) && !d->quotes_json)))
        return sm_fail(err, file, line, "out of memory");
    return rc;
}

/* Film of the story, and every frame's film agreeing with it. */
static int find_movie(ds_input *in, ds_story *d, const char *file, sm_error *err)
{
    const sm_story *s = d->s;
    char first[16] = "";
    for (uint32_t i = 0; i < s->n_images; i++) {
        char m[16];
        if (ds_image_movie(s->images[i], m) != 0)
            continue;
        if (!first[0])
            memcpy(first, m, sizeof m);
        const char *film = d->movie ? d->movie : first;
        if (strcmp(m, film) != 0)
            return sm_fail(err, file, s->record_line,
                           "story %s: image %u \"%s\" is from %s, the story's film is %s "
                           "(a story's frames come from one film)",
                           s->story_id, i + 1, s->images[i], m, film);
    }
    if (!d->movie && first[0])
        d->movie = sm_arena_strdup(&in->arena, first);
    if (!d->movie)
        return sm_fail(err, file, s->record_line,
                       "story %s: cannot tell its film: no \"movie\" field and its images are "
                       "not MovieNet keyframe names (ttXXXXXXX/shot_NNNN_img_N.jpg)",
                       s->story_id);
    return 0;
}

static int find_frames(ds_input *in, ds_story *d, const char *movienet, const char *file,
                       sm_error *err)
{
    const sm_story *s = d->s;
    d->frames = sm_arena_alloc(&in->arena, (s->n_images + 1) * sizeof *d->frames);
    if (!d->frames)
        return sm_fail(err, file, s->record_line, "out of memory");
    char buf[4096];
    for (uint32_t i = 0; i < s->n_images; i++) {
        if (ds_find_image(movienet, s->images[i], buf, sizeof buf) != 0)
            return sm_fail(err, file, s->record_line, "story %s: image %u \"%s\" not found (looked for %s)",
                           s->story_id, i + 1, s->images[i], buf);
        d->frames[i] = sm_arena_strdup(&in->arena, buf);
        if (!d->frames[i])
            return sm_fail(err, file, s->record_line, "out of memory");
    }
    return 0;
}

int ds_input_read(const char *path, const char *movienet, int need_text, ds_input *in,
                  sm_error *err)
{
    memset(in, 0, sizeof *in);
    sm_text text;
    if (sm_text_read_file(path, &text, err) != 0)
        return -1;
    if (sm_story_read_buffer(path, text.data, text.len, &in->set, err) != 0) {
        sm_text_free(&text);
        return -1;
    }
    int rc = 0;
    if (in->set.raw_model_output)
        rc = sm_fail(err, path, 0, "is one model output, not JSON Lines story records");
    else if (in->set.n_items == 0)
        rc = sm_fail(err, path, 0, "empty file");
    in->items = calloc(in->set.n_items + 1, sizeof *in->items);
    if (rc == 0 && !in->items)
        rc = sm_fail(err, path, 0, "out of memory");
    in->n_items = in->set.n_items;

    /* Every record's structure first: a broken record anywhere stops the
     * run before any image is looked up. */
    for (size_t i = 0; rc == 0 && i < in->n_items; i++) {
        sm_story *s = &in->set.items[i];
        in->items[i].s = s;
        sm_story_check(&in->set, s, NULL);
        if (!need_text) {
            if (s->broken)
                rc = sm_fail(err, path, s->record_line, "%s", s->n_issues ? s->issues[0].message : "not JSON");
            else if (!s->story_id)
                rc = sm_fail(err, path, s->record_line, "record has no \"story_id\"");
            else if (!s->has_images || s->n_images == 0)
                rc = sm_fail(err, path, s->record_line, "story %s: no images", s->story_id);
        }
        for (uint32_t k = 0; rc == 0 && k < s->n_issues; k++) {
            const sm_story_issue *is = &s->issues[k];
            if (!fatal_code(is->code, need_text))
                continue;
            if (s->story_id)
                rc = sm_fail(err, path, s->record_line, "story %s: %s", s->story_id, is->message);
            else
                rc = sm_fail(err, path, s->record_line, "%s", is->message);
        }
        if (rc == 0 && !ds_safe_dir_name(s->story_id))
            rc = sm_fail(err, path, s->record_line,
                         "story_id \"%s\" cannot name a directory (no '/', '\\', control "
                         "characters, \".\" or \"..\"; at most 200 bytes)", s->story_id);
    }

    /* The StoryMovie fields, read from the original lines (the story
     * reader decodes its copy in place). */
    size_t pos = 0, next = 0;
    long line = 0;
    while (rc == 0 && pos < text.len && next < in->n_items) {
        const char *eol = memchr(text.data + pos, '\n', text.len - pos);
        size_t end = eol ? (size_t)(eol - text.data) : text.len;
        size_t a = pos;
        line++;
        pos = eol ? end + 1 : text.len;
        if (in->items[next].s->record_line != line)
            continue;
        rc = read_extras(in, &in->items[next], path, line, text.data + a, end - a, err);
        in->extras |= in->items[next].extras;
        next++;
    }
    sm_text_free(&text);

    for (size_t i = 0; rc == 0 && i < in->n_items; i++) {
        if (need_text)
            rc = find_movie(in, &in->items[i], path, err);
        else if (!in->items[i].movie) {
            char m[16];
            /* negatives only need each frame's film, looked up per frame */
            if (in->items[i].s->n_images && ds_image_movie(in->items[i].s->images[0], m) == 0)
                in->items[i].movie = sm_arena_strdup(&in->arena, m);
        }
        if (rc == 0)
            rc = find_frames(in, &in->items[i], movienet, path, err);
    }
    if (rc == 0 && in->set.oom)
        rc = sm_fail(err, path, 0, "out of memory");
    if (rc != 0)
        ds_input_free(in);
    return rc;
}

void ds_input_free(ds_input *in)
{
    sm_story_set_free(&in->set);
    free(in->items);
    sm_arena_free(&in->arena);
    memset(in, 0, sizeof *in);
}
