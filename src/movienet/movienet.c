/* movienet.c - a MovieNet-layout corpus: fps table and per-film pieces.
 *
 * Every piece of a film is optional here: a piece that is missing or
 * broken becomes one line in movie->problems naming the file and the
 * reason, and the bit for it stays clear in movie->have.  Whether the film
 * is still usable is the caller's decision (link needs shots and fps;
 * align needs script and subtitles; names need meta and annotation). */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/movienet.h"
#include "storymovie/io.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define VIDEO_INFO "movie1K.video_info.v1.json"

/* -------------------------------------------------------------- helpers */

static int valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 3 || n > 15 || id[0] != 't' || id[1] != 't')
        return 0;
    for (size_t i = 2; i < n; i++)
        if (id[i] < '0' || id[i] > '9')
            return 0;
    return 1;
}

static const char *astr(sm_arena *a, json_t *v)
{
    return json_is_string(v) ? sm_arena_strdup(a, json_string_value(v)) : NULL;
}

static double num(json_t *v, double dflt)
{
    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* [a, b] of numbers into *a, *b; 0 when it is one. */
static int pair(json_t *v, double *a, double *b)
{
    if (!json_is_array(v) || json_array_size(v) != 2 ||
        !json_is_number(json_array_get(v, 0)) || !json_is_number(json_array_get(v, 1)))
        return -1;
    *a = json_number_value(json_array_get(v, 0));
    *b = json_number_value(json_array_get(v, 1));
    return 0;
}

static json_t *load_json(const char *path, sm_warnings *problems)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        struct stat st;
        if (stat(path, &st) != 0)
            sm_warn(problems, 0, "%s: missing", path);
        else if (jerr.line > 0)
            sm_warn(problems, 0, "%s:%d: broken JSON: %s", path, jerr.line, jerr.text);
        else
            sm_warn(problems, 0, "%s: broken JSON: %s", path, jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        sm_warn(problems, 0, "%s: expected a JSON object at the top", path);
        json_decref(root);
        return NULL;
    }
    return root;
}

/* --------------------------------------------------------------- corpus */

static int cmp_fps(const void *a, const void *b)
{
    return strcmp(((const sm_movienet_fps_entry *)a)->id, ((const sm_movienet_fps_entry *)b)->id);
}

int sm_movienet_open(const char *root, sm_movienet *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
        return sm_fail(err, root, 0, "not a directory (expected a MovieNet-layout corpus)");
    size_t rlen = strlen(root);
    while (rlen > 1 && root[rlen - 1] == '/')
        rlen--;
    out->root = strndup(root, rlen);
    if (!out->root)
        return sm_fail(err, root, 0, "out of memory");

    char path[1024];
    /* A directory with none of the corpus's pieces is not a corpus with
     * every film missing: it is the wrong directory. */
    static const char *const pieces[] = {VIDEO_INFO, "shot", "meta", "annotation", "script", "subtitle"};
    int found = 0;
    for (size_t i = 0; i < sizeof pieces / sizeof pieces[0] && !found; i++) {
        snprintf(path, sizeof path, "%s/%s", out->root, pieces[i]);
        found = stat(path, &st) == 0;
    }
    if (!found) {
        sm_movienet_close(out);
        return sm_fail(err, root, 0, "not a MovieNet corpus: it has none of " VIDEO_INFO
                       ", shot/, meta/, annotation/, script/, subtitle/ (docs/movienet.md)");
    }
    snprintf(path, sizeof path, "%s/" VIDEO_INFO, out->root);
    json_error_t jerr;
    json_t *info = json_load_file(path, 0, &jerr);
    if (!info) {
        if (stat(path, &st) != 0)
            snprintf(out->fps_problem, sizeof out->fps_problem, "%s: missing (no film has an fps)", path);
        else
            snprintf(out->fps_problem, sizeof out->fps_problem, "%s:%d: broken JSON: %s", path,
                     jerr.line, jerr.text);
        return 0;
    }
    if (!json_is_object(info)) {
        snprintf(out->fps_problem, sizeof out->fps_problem, "%s: expected {\"tt...\": {\"fps\": ...}}", path);
        json_decref(info);
        return 0;
    }
    out->fps = calloc(json_object_size(info) + 1, sizeof *out->fps);
    if (!out->fps) {
        json_decref(info);
        sm_movienet_close(out);
        return sm_fail(err, path, 0, "out of memory");
    }
    const char *key;
    json_t *value;
    json_object_foreach(info, key, value) {
        double fps = num(json_object_get(value, "fps"), 0.0);
        if (!valid_id(key) || !(fps > 0.0) || fps > 1000.0)
            continue;   /* a bad entry costs that film its fps, nothing more */
        snprintf(out->fps[out->n_fps].id, sizeof out->fps[out->n_fps].id, "%s", key);
        out->fps[out->n_fps].fps = fps;
        out->n_fps++;
    }
    json_decref(info);
    qsort(out->fps, out->n_fps, sizeof *out->fps, cmp_fps);
    return 0;
}

void sm_movienet_close(sm_movienet *mn)
{
    free(mn->root);
    free(mn->fps);
    memset(mn, 0, sizeof *mn);
}

double sm_movienet_fps(const sm_movienet *mn, const char *id)
{
    sm_movienet_fps_entry key;
    snprintf(key.id, sizeof key.id, "%s", id);
    const sm_movienet_fps_entry *hit = mn->n_fps
        ? bsearch(&key, mn->fps, mn->n_fps, sizeof *mn->fps, cmp_fps) : NULL;
    return hit ? hit->fps : 0.0;
}

/* ------------------------------------------------------------- one film */

static void load_shots(sm_movie *m, const char *root)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/shot/%s.txt", root, m->id);
    char *text;
    size_t len;
    sm_error err;
    FILE *f = fopen(path, "rb");
    if (!f) {
        sm_warn(&m->problems, 0, "%s: %s", path, errno == ENOENT ? "missing" : strerror(errno));
        return;
    }
    int rc = sm_read_stream(f, path, SIZE_MAX, &text, &len, &err);
    fclose(f);
    if (rc != 0) {
        char msg[1200];
        sm_error_format(&err, msg, sizeof msg);
        sm_warn(&m->problems, 0, "%s", msg);
        return;
    }
    if (sm_shots_parse(path, text, len, &m->shots, &m->n_shots, &err) != 0) {
        char msg[1200];
        sm_error_format(&err, msg, sizeof msg);
        sm_warn(&m->problems, 0, "%s", msg);
    } else {
        m->have |= SM_MN_SHOTS;
    }
    free(text);
}

static void load_meta(sm_movie *m, const char *root)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/meta/%s.json", root, m->id);
    json_t *meta = load_json(path, &m->problems);
    if (!meta)
        return;
    sm_arena *a = &m->arena;
    m->title = astr(a, json_object_get(meta, "title"));
    json_t *cast = json_object_get(meta, "cast");
    if (json_is_array(cast) && json_array_size(cast) > 0) {
        m->cast = sm_arena_alloc(a, json_array_size(cast) * sizeof *m->cast);
        if (!m->cast) {
            sm_warn(&m->problems, 0, "%s: out of memory", path);
            json_decref(meta);
            return;
        }
        size_t i;
        json_t *c;
        json_array_foreach(cast, i, c) {
            const char *id = astr(a, json_object_get(c, "id"));
            if (!id)
                continue;
            sm_mn_cast *dst = &m->cast[m->n_cast++];
            dst->id = id;
            dst->name = astr(a, json_object_get(c, "name"));
            dst->character = astr(a, json_object_get(c, "character"));
        }
    }
    m->have |= SM_MN_META;
    json_decref(meta);
}

/* annotation "cast": person boxes per shot/img with their cast pid. */
static void load_persons(sm_movie *m, json_t *cast, const char *path)
{
    if (!json_is_array(cast) || json_array_size(cast) == 0)
        return;
    sm_arena *a = &m->arena;
    size_t i, skipped = 0;
    json_t *v;
    m->persons = sm_arena_alloc(a, json_array_size(cast) * sizeof *m->persons);
    json_array_foreach(cast, i, v) {
        if (!m->persons)
            break;
        json_t *body = json_object_get(v, "body");
        json_t *bbox = json_object_get(body, "bbox");
        if (!json_is_integer(json_object_get(v, "shot_idx")) || !json_is_integer(json_object_get(v, "img_idx")) ||
            !json_is_array(bbox) || json_array_size(bbox) != 4) {
            skipped++;
            continue;
        }
        sm_mn_person *p = &m->persons[m->n_persons];
        p->shot = (int)json_integer_value(json_object_get(v, "shot_idx"));
        p->img = (int)json_integer_value(json_object_get(v, "img_idx"));
        p->x1 = num(json_array_get(bbox, 0), 0);
        p->y1 = num(json_array_get(bbox, 1), 0);
        p->x2 = num(json_array_get(bbox, 2), 0);
        p->y2 = num(json_array_get(bbox, 3), 0);
        if (!(p->x2 > p->x1 && p->y2 > p->y1)) {
            skipped++;
            continue;
        }
        double w, h;
        if (pair(json_object_get(v, "resolution"), &w, &h) == 0 && w > 0 && h > 0) {
            p->res_w = (int)w;
            p->res_h = (int)h;
        }
        p->pid = astr(a, json_object_get(v, "pid"));
        m->n_persons++;
    }
    if (skipped)
        sm_warn(&m->problems, 0, "%s: %zu cast entries without shot_idx/img_idx/body.bbox skipped", path,
                skipped);
}

/* annotation "scene": MovieNet's scenes as shot and frame ranges. */
static void load_scenes(sm_movie *m, json_t *scenes)
{
    if (!json_is_array(scenes) || json_array_size(scenes) == 0)
        return;
    size_t i;
    json_t *v;
    m->scenes = sm_arena_alloc(&m->arena, json_array_size(scenes) * sizeof *m->scenes);
    json_array_foreach(scenes, i, v) {
        if (!m->scenes)
            break;
        double s0, s1, f0, f1;
        if (pair(json_object_get(v, "shot"), &s0, &s1) != 0 || pair(json_object_get(v, "frame"), &f0, &f1) != 0)
            continue;
        sm_mn_scene *s = &m->scenes[m->n_scenes++];
        s->id = astr(&m->arena, json_object_get(v, "id"));
        s->shot_first = (int)s0;
        s->shot_last = (int)s1;
        s->frame_first = (long)f0;
        s->frame_last = (long)f1;
    }
}

/* A synopsis paragraph's "sentences", joined with spaces (arena). */
static char *join_sentences(sm_arena *a, json_t *sent)
{
    size_t total = 1, q;
    json_t *x;
    json_array_foreach(sent, q, x)
        if (json_is_string(x))
            total += strlen(json_string_value(x)) + 1;
    char *text = sm_arena_alloc(a, total);
    if (!text)
        return NULL;
    text[0] = '\0';
    size_t at = 0;
    json_array_foreach(sent, q, x) {
        if (!json_is_string(x))
            continue;
        const char *t = json_string_value(x);
        size_t n = strlen(t);
        if (at > 0)
            text[at++] = ' ';
        memcpy(text + at, t, n);
        at += n;
        text[at] = '\0';
    }
    return text;
}

/* A synopsis paragraph's "subtitle" entries: timed sentences. */
static void load_synopsis_subtitles(sm_arena *a, sm_mn_synopsis *s, json_t *subs)
{
    if (!json_is_array(subs) || json_array_size(subs) == 0)
        return;
    size_t k;
    json_t *sub;
    s->subtitles = sm_arena_alloc(a, json_array_size(subs) * sizeof *s->subtitles);
    json_array_foreach(subs, k, sub) {
        if (!s->subtitles)
            break;
        double t0, t1;
        json_t *sent = json_object_get(sub, "sentences");
        if (pair(json_object_get(sub, "duration"), &t0, &t1) != 0 || !json_is_array(sent))
            continue;
        char *text = join_sentences(a, sent);
        if (!text)
            continue;
        sm_mn_sentence *dst = &s->subtitles[s->n_subtitles++];
        dst->shot = (int)num(json_object_get(sub, "shot"), -1);
        dst->start = t0;
        dst->end = t1;
        dst->text = text;
    }
}

/* One paragraph of annotation "story" into s: 0, or -1 when it has no
 * shots or no time at all (it cannot be placed). */
static int load_paragraph(sm_movie *m, json_t *v, sm_mn_synopsis *s)
{
    double s0, s1, f0 = -1, f1 = -1, d0, d1;
    if (pair(json_object_get(v, "shot"), &s0, &s1) != 0)
        return -1;
    memset(s, 0, sizeof *s);
    s->id = astr(&m->arena, json_object_get(v, "id"));
    s->shot_first = (int)s0;
    s->shot_last = (int)s1;
    if (pair(json_object_get(v, "frame"), &f0, &f1) == 0) {
        s->frame_first = (long)f0;
        s->frame_last = (long)f1;
    } else {
        s->frame_first = s->frame_last = -1;
    }
    if (pair(json_object_get(v, "duration"), &d0, &d1) == 0) {
        s->start = d0;
        s->end = d1;
    } else if (f0 >= 0 && m->fps > 0) {
        s->start = f0 / m->fps;
        s->end = (f1 + 1) / m->fps;
    } else {
        return -1;
    }
    s->description = astr(&m->arena, json_object_get(v, "description"));
    load_synopsis_subtitles(&m->arena, s, json_object_get(v, "subtitle"));
    return 0;
}

/* annotation "story": the synopsis paragraphs with their times. */
static void load_synopsis(sm_movie *m, json_t *story)
{
    if (!json_is_array(story) || json_array_size(story) == 0)
        return;
    size_t i;
    json_t *v;
    m->synopsis = sm_arena_alloc(&m->arena, json_array_size(story) * sizeof *m->synopsis);
    json_array_foreach(story, i, v) {
        if (!m->synopsis)
            break;
        if (load_paragraph(m, v, &m->synopsis[m->n_synopsis]) == 0)
            m->n_synopsis++;
    }
}

static void load_annotation(sm_movie *m, const char *root)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/annotation/%s.json", root, m->id);
    json_t *ann = load_json(path, &m->problems);
    if (!ann)
        return;
    load_persons(m, json_object_get(ann, "cast"), path);
    load_scenes(m, json_object_get(ann, "scene"));
    load_synopsis(m, json_object_get(ann, "story"));
    m->have |= SM_MN_ANNOTATION;
    json_decref(ann);
}

/* A text piece (script, subtitles) counts when it exists and is not empty;
 * parsing it is the aligner's business, with its own line-level errors. */
static int check_text(sm_movie *m, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        sm_warn(&m->problems, 0, "%s: missing", path);
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        sm_warn(&m->problems, 0, "%s: not a regular file", path);
        return 0;
    }
    if (st.st_size == 0) {
        sm_warn(&m->problems, 0, "%s: empty file", path);
        return 0;
    }
    return 1;
}

int sm_movie_load(const sm_movienet *mn, const char *id, unsigned pieces,
                  sm_movie *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (!valid_id(id))
        return sm_fail(err, id, 0, "not a movie id (expected tt followed by digits)");
    snprintf(out->id, sizeof out->id, "%s", id);
    const char *root = mn->root;
    out->root = sm_arena_strdup(&out->arena, root);

    char path[1024];
    snprintf(path, sizeof path, "%s/script/%s.script", root, id);
    out->script_path = sm_arena_strdup(&out->arena, path);
    /* Subtitles: .srt as MovieNet ships them; WebVTT or ASS when that is what exists. */
    static const char *const exts[] = {"srt", "vtt", "ass", "ssa"};
    snprintf(path, sizeof path, "%s/subtitle/%s.srt", root, id);
    for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++) {
        char alt[1024];
        snprintf(alt, sizeof alt, "%s/subtitle/%s.%s", root, id, exts[k]);
        struct stat st;
        if (stat(alt, &st) == 0) {
            memcpy(path, alt, sizeof path);
            break;
        }
    }
    out->subtitle_path = sm_arena_strdup(&out->arena, path);
    if (!out->root || !out->script_path || !out->subtitle_path) {
        sm_movie_free(out);
        return sm_fail(err, id, 0, "out of memory");
    }

    if (pieces & SM_MN_FPS) {
        out->fps = sm_movienet_fps(mn, id);
        if (out->fps > 0)
            out->have |= SM_MN_FPS;
        else if (mn->fps_problem[0])
            sm_warn(&out->problems, 0, "%s", mn->fps_problem);
        else
            sm_warn(&out->problems, 0, "%s/" VIDEO_INFO ": no fps for %s", root, id);
    }
    if (pieces & SM_MN_SHOTS)
        load_shots(out, root);
    if (pieces & SM_MN_META)
        load_meta(out, root);
    if (pieces & SM_MN_ANNOTATION)
        load_annotation(out, root);
    if ((pieces & SM_MN_SCRIPT) && check_text(out, out->script_path))
        out->have |= SM_MN_SCRIPT;
    if ((pieces & SM_MN_SUBTITLE) && check_text(out, out->subtitle_path))
        out->have |= SM_MN_SUBTITLE;
    return 0;
}

void sm_movie_free(sm_movie *m)
{
    free(m->shots);
    sm_warnings_free(&m->problems);
    sm_arena_free(&m->arena);
    memset(m, 0, sizeof *m);
}

const sm_mn_cast *sm_movie_cast(const sm_movie *m, const char *pid)
{
    if (!pid)
        return NULL;
    for (size_t i = 0; i < m->n_cast; i++)
        if (strcmp(m->cast[i].id, pid) == 0)
            return &m->cast[i];
    return NULL;
}

int sm_movienet_keyframe_path(const char *root, const sm_keyframe *k, char *buf, size_t size)
{
    /* The layout of SPEC first, then the folder names MovieNet's keyframe
     * downloads unpack to. */
    static const char *const dirs[] = {"", "keyframes/", "frame/", "240P/", "keyf_240p/"};
    struct stat st;
    for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
        snprintf(buf, size, "%s/%s%s/shot_%04d_img_%d.jpg", root, dirs[d], k->movie, k->shot, k->img);
        if (stat(buf, &st) == 0 && S_ISREG(st.st_mode))
            return 0;
    }
    snprintf(buf, size, "%s/%s/shot_%04d_img_%d.jpg", root, k->movie, k->shot, k->img);
    return -1;
}
