/* link_story.c - one story's record: frame times, window, script context,
 * synopsis, and real names for its char# ids (see include/storymovie/link.h). */
#include "storymovie/link.h"
#include "storymovie/script.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"

void sm_link_options_init(sm_link_options *o)
{
    o->iou_min = 0.5;
    o->pad_to_shots = 1;
}

int sm_link_story_movie(const sm_link_input *in, char movie[16], sm_error *err)
{
    const char *src = in->source ? in->source : "";
    if (in->n_images == 0)
        return sm_fail(err, src, in->line, "story %s: no images", in->story_id ? in->story_id : "?");
    for (size_t i = 0; i < in->n_images; i++) {
        sm_keyframe k;
        sm_error kerr;
        if (sm_keyframe_parse(in->images[i] ? in->images[i] : "", &k, &kerr) != 0)
            return sm_fail(err, src, in->line, "story %s: image %zu '%s': %s", in->story_id, i + 1,
                           in->images[i] ? in->images[i] : "", kerr.message);
        if (i == 0)
            memcpy(movie, k.movie, sizeof k.movie);
        else if (strcmp(movie, k.movie) != 0)
            return sm_fail(err, src, in->line, "story %s: image %zu is from %s, image 1 from %s "
                           "(a story's frames come from one film)", in->story_id, i + 1, k.movie, movie);
    }
    return 0;
}

/* ------------------------------------------------------------- frames */

typedef struct frame_info {
    sm_keyframe key;
    long frame;
    double time, shot_start, shot_end;
    size_t lines;             /* subtitle segments on this frame's shot */
    int width, height;        /* keyframe JPEG size; 0 when unknown */
    int size_tried;
} frame_info;

typedef struct story_ctx {
    const sm_link_input *in;
    const sm_movie *movie;
    const sm_film_alignment *al;
    const sm_link_options *opt;
    frame_info *frames;
    size_t n;
    size_t *by_time;          /* image indices sorted by shot start */
    double win_start, win_end;
} story_ctx;

/* An item spanning [s, e] is "on" image i when it overlaps the shot span
 * [shot_start, shot_end) (a point item at s counts when inside). */
static int on_frame(const frame_info *f, double s, double e)
{
    return s < f->shot_end && e >= f->shot_start;
}

static void write_frame_marks(sm_json *j, const story_ctx *c, double s, double e)
{
    int any = 0;
    sm_json_key(j, "frames");
    sm_json_begin_array(j);
    for (size_t k = 0; k < c->n; k++) {
        size_t i = c->by_time[k];
        if (on_frame(&c->frames[i], s, e)) {
            sm_json_int(j, (long long)i + 1);
            any = 1;
        }
    }
    sm_json_end_array(j);
    if (any)
        return;
    /* Between: the last image whose shot ended before the item and the
     * first whose shot starts after it (null at either edge). */
    long before = -1, after = -1;
    for (size_t k = 0; k < c->n; k++) {
        size_t i = c->by_time[k];
        if (c->frames[i].shot_end <= s)
            before = (long)i;
        if (after < 0 && c->frames[i].shot_start > e)
            after = (long)i;
    }
    sm_json_key(j, "between");
    sm_json_begin_array(j);
    if (before >= 0)
        sm_json_int(j, before + 1);
    else
        sm_json_null(j);
    if (after >= 0)
        sm_json_int(j, after + 1);
    else
        sm_json_null(j);
    sm_json_end_array(j);
}

static int in_window(const story_ctx *c, double s, double e)
{
    return s < c->win_end && e >= c->win_start;
}

/* Insertion sort by (shot_start, image index): stories have at most a few
 * dozen images, and it keeps the sort thread-safe without qsort_r. */
static void sort_by_time(story_ctx *c)
{
    for (size_t i = 0; i < c->n; i++)
        c->by_time[i] = i;
    for (size_t i = 1; i < c->n; i++) {
        size_t v = c->by_time[i];
        size_t k = i;
        while (k > 0) {
            const frame_info *prev = &c->frames[c->by_time[k - 1]];
            const frame_info *cur = &c->frames[v];
            if (prev->shot_start < cur->shot_start ||
                (prev->shot_start == cur->shot_start && c->by_time[k - 1] < v))
                break;
            c->by_time[k] = c->by_time[k - 1];
            k--;
        }
        c->by_time[k] = v;
    }
}

/* ------------------------------------------------------------- names */

typedef struct char_box {
    uint32_t number;          /* N of charN */
    size_t image;             /* 0-based */
    const sm_story_row *row;
} char_box;

typedef struct vote {
    const char *pid;
    size_t frames;            /* images where the char's box matched this pid */
    double iou_sum, iou_min;
    unsigned long image_mask_lo;  /* images 1..64 (stories have at most 22) */
} vote;

typedef struct char_result {
    uint32_t number;
    const char *cot_name;     /* first Name cell seen (pointer into cot) */
    size_t cot_name_len;
    size_t boxes;             /* images with a box for it */
    size_t candidates;        /* of those, images whose shot/img has annotated persons */
    vote *votes;
    size_t n_votes, votes_cap;
    const vote *best;         /* the pid it takes, or NULL */
} char_result;

static char_result *find_char(char_result *cs, size_t n, uint32_t number)
{
    for (size_t i = 0; i < n; i++)
        if (cs[i].number == number)
            return &cs[i];
    return NULL;
}

static void keyframe_size(const story_ctx *c, frame_info *f)
{
    if (f->size_tried)
        return;
    f->size_tried = 1;
    char path[1200];
    const char *given = c->in->images[f - c->frames];
    /* An absolute image path in the record is the picture the boxes were
     * drawn on: prefer it to the corpus's copy. */
    if (given && given[0] == '/' && strlen(given) < sizeof path) {
        memcpy(path, given, strlen(given) + 1);
        FILE *probe = fopen(path, "rb");
        if (probe)
            fclose(probe);
        else if (sm_movienet_keyframe_path(c->movie->root, &f->key, path, sizeof path) != 0)
            return;
    } else if (sm_movienet_keyframe_path(c->movie->root, &f->key, path, sizeof path) != 0) {
        return;
    }
    sm_error err;
    int w, h;
    if (sm_jpeg_size(path, &w, &h, &err) == 0) {
        f->width = w;
        f->height = h;
    }
}

/* Greedy one-to-one matching per image by IoU, descending. */
typedef struct pair {
    double iou;
    size_t box;               /* index into the image's char boxes */
    size_t person;            /* index into movie->persons */
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->iou != y->iou)
        return x->iou < y->iou ? 1 : -1;
    if (x->box != y->box)
        return x->box < y->box ? -1 : 1;
    return x->person < y->person ? -1 : (x->person > y->person);
}

static int add_vote(char_result *cr, const char *pid, size_t image, double v)
{
    vote *hit = NULL;
    for (size_t i = 0; i < cr->n_votes; i++)
        if (strcmp(cr->votes[i].pid, pid) == 0)
            hit = &cr->votes[i];
    if (!hit) {
        if (sm_grow(&cr->votes, &cr->votes_cap, cr->n_votes + 1, sizeof *cr->votes) != 0)
            return -1;
        hit = &cr->votes[cr->n_votes++];
        memset(hit, 0, sizeof *hit);
        hit->pid = pid;
        hit->iou_min = 1.0;
    }
    hit->frames++;
    hit->iou_sum += v;
    if (v < hit->iou_min)
        hit->iou_min = v;
    if (image < 64)
        hit->image_mask_lo |= 1UL << image;
    return 0;
}

typedef struct speaker_count {
    const char *speaker;
    size_t lines;
} speaker_count;

/* The char ids of a story's Characters tables, with their votes. */
typedef struct char_set {
    char_result *items;
    size_t n, cap;
} char_set;

static void char_set_free(char_set *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        free(cs->items[i].votes);
    free(cs->items);
}

/* The speakers of the window's dialogue (subtitle segments) and their lines. */
static int window_speakers(const story_ctx *c, speaker_count **out, size_t *n_out)
{
    speaker_count *spk = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; c->al && i < c->al->n_segments; i++) {
        const sm_film_segment *s = &c->al->segments[i];
        if (!s->speaker || !in_window(c, s->start, s->end))
            continue;
        size_t k = 0;
        while (k < n && strcmp(spk[k].speaker, s->speaker) != 0)
            k++;
        if (k == n) {
            if (sm_grow(&spk, &cap, n + 1, sizeof *spk) != 0) {
                free(spk);
                return -1;
            }
            spk[n].speaker = s->speaker;
            spk[n].lines = 0;
            n++;
        }
        spk[k].lines++;
    }
    *out = spk;
    *n_out = n;
    return 0;
}

/* The char rows of one image's Characters table: each char id gets its
 * entry (and its Name cell, the first time), and the rows with a box go
 * to rows[0..*n_boxes). */
static int collect_char_rows(const sm_story *st, const sm_story_table *t, char_set *cs,
                             const sm_story_row **rows, size_t *n_boxes)
{
    *n_boxes = 0;
    for (uint32_t r = 0; r < t->n_rows; r++) {
        const sm_story_row *row = &t->rows[r];
        if (row->id.kind != SM_ENT_CHAR)
            continue;
        char_result *cr = find_char(cs->items, cs->n, row->id.number);
        if (!cr) {
            if (sm_grow(&cs->items, &cs->cap, cs->n + 1, sizeof *cs->items) != 0)
                return -1;
            cr = &cs->items[cs->n++];
            memset(cr, 0, sizeof *cr);
            cr->number = row->id.number;
        }
        if (!cr->cot_name && t->col_name >= 0 && (uint32_t)t->col_name < row->n_cells) {
            cr->cot_name = st->cot + row->cells[t->col_name].off;
            cr->cot_name_len = row->cells[t->col_name].len;
        }
        if (row->has_box) {
            rows[(*n_boxes)++] = row;
            cr->boxes++;
        }
    }
    return 0;
}

/* Every (char box, annotated person of this shot/img) pair with IoU above
 * the threshold, the person box scaled from the annotation's resolution to
 * the keyframe's.  *have_persons: the shot/img has annotated persons. */
static int person_pairs(story_ctx *c, frame_info *f, const sm_story_row **rows, size_t n_boxes,
                        pair **out, size_t *n_out, int *have_persons, int *scaled_all)
{
    const sm_movie *m = c->movie;
    pair *pairs = NULL;
    size_t n = 0, cap = 0;
    *have_persons = 0;
    for (size_t p = 0; p < m->n_persons && n_boxes > 0; p++) {
        const sm_mn_person *pe = &m->persons[p];
        if (pe->shot != f->key.shot || pe->img != f->key.img || !pe->pid)
            continue;
        *have_persons = 1;
        keyframe_size(c, f);
        double sx = 1.0, sy = 1.0;
        if (f->width > 0 && pe->res_w > 0) {
            sx = (double)f->width / pe->res_w;
            sy = (double)f->height / pe->res_h;
        } else {
            *scaled_all = 0;
        }
        double pb[4] = {pe->x1 * sx, pe->y1 * sy, pe->x2 * sx, pe->y2 * sy};
        for (size_t b = 0; b < n_boxes; b++) {
            double v = sm_box_iou(rows[b]->box, pb);
            if (v < c->opt->iou_min)
                continue;
            if (sm_grow(&pairs, &cap, n + 1, sizeof *pairs) != 0) {
                free(pairs);
                return -1;
            }
            pairs[n++] = (pair){v, b, p};
        }
    }
    *out = pairs;
    *n_out = n;
    return 0;
}

/* One image: its char boxes matched one-to-one to its annotated persons,
 * greedily by IoU descending; each match is a vote of that image for the
 * person's cast pid. */
static int match_image(story_ctx *c, size_t image, const sm_story_table *t, char_set *cs, int *scaled_all)
{
    const sm_movie *m = c->movie;
    size_t n_boxes, n_pairs = 0;
    pair *pairs = NULL;
    int have_persons = 0, rc = 0;
    const sm_story_row **rows = calloc(t->n_rows + 1, sizeof *rows);
    if (!rows || collect_char_rows(c->in->story, t, cs, rows, &n_boxes) != 0 ||
        person_pairs(c, &c->frames[image], rows, n_boxes, &pairs, &n_pairs, &have_persons, scaled_all) != 0) {
        free(rows);
        return -1;
    }
    if (have_persons)
        for (size_t b = 0; b < n_boxes; b++)
            find_char(cs->items, cs->n, rows[b]->id.number)->candidates++;
    if (n_pairs > 1)
        qsort(pairs, n_pairs, sizeof *pairs, cmp_pair);
    unsigned char *box_used = calloc(n_boxes + 1, 1);
    unsigned char *person_used = calloc(m->n_persons + 1, 1);
    for (size_t k = 0; k < n_pairs && box_used && person_used; k++) {
        if (box_used[pairs[k].box] || person_used[pairs[k].person])
            continue;
        box_used[pairs[k].box] = person_used[pairs[k].person] = 1;
        char_result *cr = find_char(cs->items, cs->n, rows[pairs[k].box]->id.number);
        if (add_vote(cr, m->persons[pairs[k].person].pid, image, pairs[k].iou) != 0)
            rc = -1;
    }
    if (!box_used || !person_used)
        rc = -1;
    free(box_used);
    free(person_used);
    free(pairs);
    free(rows);
    return rc;
}

/* The best cast pid per char: most images, then the higher IoU sum;
 * "others" (uncredited people) can win, and then the char has no name. */
static void choose_best(char_set *cs)
{
    for (size_t i = 0; i < cs->n; i++) {
        char_result *cr = &cs->items[i];
        for (size_t v = 0; v < cr->n_votes; v++) {
            const vote *x = &cr->votes[v];
            const vote *b = cr->best;
            if (!b || x->frames > b->frames || (x->frames == b->frames && x->iou_sum > b->iou_sum) ||
                (x->frames == b->frames && x->iou_sum == b->iou_sum && strcmp(x->pid, b->pid) < 0))
                cr->best = x;
        }
    }
}

/* Two char ids that take the same cast member: the chain of thought split
 * one person in two (or the boxes are ambiguous). */
static void write_same_cast(sm_json *j, const char_set *cs, size_t i)
{
    const vote *best = cs->items[i].best;
    int opened = 0;
    for (size_t k = 0; k < cs->n; k++) {
        if (k == i || !cs->items[k].best || strcmp(cs->items[k].best->pid, best->pid) != 0)
            continue;
        if (!opened) {
            sm_json_key(j, "same_cast_as");
            sm_json_begin_array(j);
            opened = 1;
        }
        char other[24];
        snprintf(other, sizeof other, "char%u", cs->items[k].number);
        sm_json_string(j, other);
    }
    if (opened)
        sm_json_end_array(j);
}

/* The window's speaker a name agrees with (most lines), and how many of
 * its lines fall on the char's matched images: the strongest agreement
 * between the two sources. */
static void write_speaker_agreement(sm_json *j, const story_ctx *c, const char *name, const vote *best,
                                    const speaker_count *spk, size_t n_spk)
{
    const speaker_count *agree = NULL;
    for (size_t s = 0; s < n_spk; s++)
        if (sm_speaker_agrees(name, spk[s].speaker) && (!agree || spk[s].lines > agree->lines))
            agree = &spk[s];
    sm_json_kv_string(j, "speaker", agree ? agree->speaker : NULL);
    sm_json_kv_int(j, "speaker_lines", agree ? (long long)agree->lines : 0);
    sm_json_kv_bool(j, "speaks_in_window", agree != NULL);
    size_t on_its = 0;
    for (size_t s = 0; agree && best && s < c->al->n_segments; s++) {
        const sm_film_segment *seg = &c->al->segments[s];
        if (!seg->speaker || strcmp(seg->speaker, agree->speaker) != 0)
            continue;
        for (size_t im = 0; im < 64 && im < c->n; im++)
            if ((best->image_mask_lo & (1UL << im)) && on_frame(&c->frames[im], seg->start, seg->end)) {
                on_its++;
                break;
            }
    }
    sm_json_kv_int(j, "lines_on_its_frames", (long long)on_its);
}

static void write_evidence(sm_json *j, const story_ctx *c, const char_set *cs, size_t i, int cast_known,
                           const char *name, const speaker_count *spk, size_t n_spk)
{
    const char_result *cr = &cs->items[i];
    const vote *best = cr->best;
    sm_json_key(j, "evidence");
    sm_json_begin_object(j);
    sm_json_kv_int(j, "boxes", (long long)cr->boxes);
    sm_json_kv_int(j, "annotated", (long long)cr->candidates);
    sm_json_key(j, "matched_frames");
    sm_json_begin_array(j);
    if (best)
        for (size_t im = 0; im < 64 && im < c->n; im++)
            if (best->image_mask_lo & (1UL << im))
                sm_json_int(j, (long long)im + 1);
    sm_json_end_array(j);
    if (best) {
        sm_json_kv_fixed(j, "iou_mean", best->iou_sum / (double)best->frames, 3);
        sm_json_kv_fixed(j, "iou_min", best->iou_min, 3);
    }
    /* Other pids its box matched in other images: a disagreement a
     * reviewer should see. */
    size_t others = 0;
    for (size_t v = 0; v < cr->n_votes; v++)
        if (&cr->votes[v] != best)
            others += cr->votes[v].frames;
    sm_json_kv_int(j, "conflicting_frames", (long long)others);
    if (cast_known)
        write_same_cast(j, cs, i);
    if (name)
        write_speaker_agreement(j, c, name, best, spk, n_spk);
    sm_json_end_object(j);
}

static const char *unnamed_reason(const char_result *cr, const sm_movie *m)
{
    const vote *best = cr->best;
    if (best && strcmp(best->pid, "others") == 0)
        return "matched an uncredited person ('others')";
    if (best)
        return "matched a cast id that meta does not list";
    if (cr->boxes == 0)
        return "no bounding box in the chain of thought";
    if (!(m->have & SM_MN_ANNOTATION))
        return "no annotation for this film";
    if (cr->candidates == 0)
        return "no annotated person boxes on its images";
    return "no annotated person box overlaps enough (IoU below threshold)";
}

/* One char id's entry of "characters"; returns whether it got a name. */
static int write_character(sm_json *j, const story_ctx *c, const char_set *cs, size_t i,
                           const speaker_count *spk, size_t n_spk)
{
    const char_result *cr = &cs->items[i];
    const vote *best = cr->best;
    const sm_mn_cast *cast = best ? sm_movie_cast(c->movie, best->pid) : NULL;
    const char *name = cast ? (cast->character ? cast->character : NULL) : NULL;
    char id[24];
    snprintf(id, sizeof id, "char%u", cr->number);
    sm_json_begin_object(j);
    sm_json_kv_string(j, "id", id);
    sm_json_key(j, "cot_name");
    if (cr->cot_name)
        sm_json_stringn(j, cr->cot_name, cr->cot_name_len);
    else
        sm_json_null(j);
    sm_json_kv_string(j, "name", name);
    sm_json_kv_string(j, "actor", cast ? cast->name : NULL);
    sm_json_kv_string(j, "pid", best ? best->pid : NULL);
    write_evidence(j, c, cs, i, cast != NULL, name, spk, n_spk);
    if (!name)
        sm_json_kv_string(j, "unnamed", unnamed_reason(cr, c->movie));
    sm_json_end_object(j);
    return name != NULL;
}

/* "characters": real names for the chain of thought's char ids. */
static int write_characters(sm_json *j, story_ctx *c, sm_link_stats *stats, int *scaled_all)
{
    const sm_story *st = c->in->story;
    char_set cs = {0};
    speaker_count *spk = NULL;
    size_t n_spk = 0;
    *scaled_all = 1;
    int rc = window_speakers(c, &spk, &n_spk);
    for (uint32_t sec = 0; rc == 0 && st && sec < st->n_image_sections; sec++) {
        const sm_story_image *im = &st->image_sections[sec];
        if (im->number < 1 || (size_t)im->number > c->n || !im->tables[SM_TABLE_CHARACTERS].present)
            continue;
        rc = match_image(c, (size_t)im->number - 1, &im->tables[SM_TABLE_CHARACTERS], &cs, scaled_all);
    }
    if (rc == 0) {
        choose_best(&cs);
        sm_json_key(j, "characters");
        sm_json_begin_array(j);
        for (size_t i = 0; i < cs.n; i++) {
            stats->characters++;
            stats->characters_named += (size_t)write_character(j, c, &cs, i, spk, n_spk);
        }
        sm_json_end_array(j);
    }
    char_set_free(&cs);
    free(spk);
    return rc;
}

/* --------------------------------------------------------- the record */

/* Each frame's time and the span of its shot.  0, or -1 with err naming
 * the story and image. */
static int time_frames(story_ctx *c, sm_error *err)
{
    const sm_link_input *in = c->in;
    const sm_movie *m = c->movie;
    for (size_t i = 0; i < c->n; i++) {
        frame_info *f = &c->frames[i];
        sm_error e2;
        if (sm_keyframe_parse(in->images[i], &f->key, &e2) != 0 ||
            sm_movie_keyframe_frame(m, f->key.shot, f->key.img, &f->frame, &e2) != 0)
            return sm_fail(err, in->source ? in->source : "", in->line, "story %s: image %zu (%s): %s%s%s",
                           in->story_id ? in->story_id : "?", i + 1, in->images[i],
                           e2.file[0] ? e2.file : "", e2.file[0] ? ": " : "", e2.message);
        const sm_shot *shot = &m->shots[f->key.shot];
        f->time = sm_frame_seconds(f->frame, m->fps);
        f->shot_start = sm_frame_seconds(shot->start, m->fps);
        f->shot_end = sm_frame_seconds(shot->end + 1, m->fps);   /* end is inclusive */
    }
    return 0;
}

/* The window (see link.h), and the subtitle lines on each frame's shot. */
static void frame_window(story_ctx *c)
{
    sort_by_time(c);
    c->win_start = INFINITY;
    c->win_end = -INFINITY;
    for (size_t i = 0; i < c->n; i++) {
        double s = c->opt->pad_to_shots ? c->frames[i].shot_start : c->frames[i].time;
        double e = c->opt->pad_to_shots ? c->frames[i].shot_end : c->frames[i].time;
        c->win_start = fmin(c->win_start, s);
        c->win_end = fmax(c->win_end, e);
    }
    for (size_t s = 0; c->al && s < c->al->n_segments; s++)
        for (size_t i = 0; i < c->n; i++)
            if (on_frame(&c->frames[i], c->al->segments[s].start, c->al->segments[s].end))
                c->frames[i].lines++;
}

static void write_frames(sm_json *j, const story_ctx *c, sm_link_stats *stats)
{
    sm_json_key(j, "frames");
    sm_json_begin_array(j);
    for (size_t i = 0; i < c->n; i++) {
        const frame_info *f = &c->frames[i];
        sm_json_begin_object(j);
        sm_json_kv_int(j, "image", (long long)i + 1);
        sm_json_kv_string(j, "keyframe", c->in->images[i]);
        sm_json_kv_int(j, "shot", f->key.shot);
        sm_json_kv_int(j, "img", f->key.img);
        sm_json_kv_int(j, "frame", f->frame);
        sm_json_kv_fixed(j, "time", f->time, 3);
        sm_json_kv_fixed(j, "shot_start", f->shot_start, 3);
        sm_json_kv_fixed(j, "shot_end", f->shot_end, 3);
        sm_json_kv_int(j, "lines", (long long)f->lines);
        sm_json_end_object(j);
        stats->frames++;
        if (f->lines > 0)
            stats->frames_with_dialogue++;
    }
    sm_json_end_array(j);
}

static void write_window(sm_json *j, const story_ctx *c)
{
    sm_json_key(j, "window");
    sm_json_begin_object(j);
    sm_json_kv_fixed(j, "start", c->win_start, 3);
    sm_json_kv_fixed(j, "end", c->win_end, 3);
    sm_json_kv_fixed(j, "first_frame", c->frames[c->by_time[0]].time, 3);
    double last = c->frames[0].time;
    for (size_t i = 1; i < c->n; i++)
        last = fmax(last, c->frames[i].time);
    sm_json_kv_fixed(j, "last_frame", last, 3);
    sm_json_kv_string(j, "padding", c->opt->pad_to_shots ? "shots" : "none");
    int in_order = 1;
    for (size_t i = 0; i < c->n; i++)
        if (c->by_time[i] != i)
            in_order = 0;
    sm_json_kv_bool(j, "images_in_film_order", in_order);
    sm_json_end_object(j);
}

/* "scenes": the screenplay's scenes in the window, each spanning its timed
 * blocks.  -1 on OOM (the array is then left empty). */
static int write_scenes(sm_json *j, const story_ctx *c)
{
    const sm_film_alignment *al = c->al;
    int rc = 0;
    sm_json_key(j, "scenes");
    sm_json_begin_array(j);
    if (al && al->n_blocks > 0) {
        int max_scene = 0;
        for (size_t b = 0; b < al->n_blocks; b++)
            if (al->blocks[b].scene > max_scene)
                max_scene = al->blocks[b].scene;
        typedef struct scene_span { double start, end; int timed; const char *heading; } scene_span;
        scene_span *sc = calloc((size_t)max_scene + 1, sizeof *sc);
        for (size_t b = 0; sc && b < al->n_blocks; b++) {
            const sm_film_block *blk = &al->blocks[b];
            if (blk->scene < 0)
                continue;
            scene_span *s = &sc[blk->scene];
            if (!s->heading && blk->kind && strcmp(blk->kind, "scene_heading") == 0)
                s->heading = blk->text;
            if (!blk->timed)
                continue;
            if (!s->timed || blk->start < s->start)
                s->start = blk->start;
            if (!s->timed || blk->end > s->end)
                s->end = blk->end;
            s->timed = 1;
        }
        for (int s = 0; sc && s <= max_scene; s++) {
            if (!sc[s].timed || !in_window(c, sc[s].start, sc[s].end))
                continue;
            sm_json_begin_object(j);
            sm_json_kv_int(j, "scene", s);
            sm_json_kv_string(j, "heading", sc[s].heading);
            sm_json_kv_fixed(j, "start", sc[s].start, 3);
            sm_json_kv_fixed(j, "end", sc[s].end, 3);
            write_frame_marks(j, c, sc[s].start, sc[s].end);
            sm_json_end_object(j);
        }
        rc = sc ? 0 : -1;
        free(sc);
    }
    sm_json_end_array(j);
    return rc;
}

/* "movienet_scenes": MovieNet's own scene boundaries (annotation "scene",
 * by shots). */
static void write_movienet_scenes(sm_json *j, const story_ctx *c)
{
    const sm_movie *m = c->movie;
    sm_json_key(j, "movienet_scenes");
    sm_json_begin_array(j);
    for (size_t s = 0; s < m->n_scenes; s++) {
        const sm_mn_scene *sc = &m->scenes[s];
        double start = sm_frame_seconds(sc->frame_first, m->fps);
        double end = sm_frame_seconds(sc->frame_last + 1, m->fps);
        if (!in_window(c, start, end) || end <= c->win_start)
            continue;
        sm_json_begin_object(j);
        sm_json_kv_string(j, "id", sc->id);
        sm_json_key(j, "shots");
        sm_json_begin_array(j);
        sm_json_int(j, sc->shot_first);
        sm_json_int(j, sc->shot_last);
        sm_json_end_array(j);
        sm_json_kv_fixed(j, "start", start, 3);
        sm_json_kv_fixed(j, "end", end, 3);
        write_frame_marks(j, c, start, end - 1e-9);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
}

/* "script": the script blocks in the window, in script order. */
static void write_script_blocks(sm_json *j, const story_ctx *c)
{
    sm_json_key(j, "script");
    sm_json_begin_array(j);
    for (size_t b = 0; c->al && b < c->al->n_blocks; b++) {
        const sm_film_block *blk = &c->al->blocks[b];
        if (!blk->timed || !in_window(c, blk->start, blk->end))
            continue;
        if (blk->kind && strcmp(blk->kind, "page_break") == 0)
            continue;
        sm_json_begin_object(j);
        sm_json_kv_int(j, "block", blk->block);
        sm_json_kv_string(j, "kind", blk->kind);
        sm_json_kv_int(j, "scene", blk->scene);
        if (blk->speaker)
            sm_json_kv_string(j, "speaker", blk->speaker);
        sm_json_kv_string(j, "text", blk->text);
        sm_json_kv_fixed(j, "start", blk->start, 3);
        sm_json_kv_fixed(j, "end", blk->end, 3);
        sm_json_kv_string(j, "timing", blk->timing);
        write_frame_marks(j, c, blk->start, blk->end);
        sm_json_end_object(j);
    }
    sm_json_end_array(j);
}

/* "dialogue": what is said on screen, the subtitle lines with their speakers. */
static void write_dialogue(sm_json *j, const story_ctx *c, sm_link_stats *stats)
{
    sm_json_key(j, "dialogue");
    sm_json_begin_array(j);
    for (size_t s = 0; c->al && s < c->al->n_segments; s++) {
        const sm_film_segment *seg = &c->al->segments[s];
        if (!in_window(c, seg->start, seg->end))
            continue;
        sm_json_begin_object(j);
        sm_json_kv_int(j, "cue", seg->cue);
        sm_json_kv_int(j, "segment", seg->segment);
        sm_json_kv_fixed(j, "start", seg->start, 3);
        sm_json_kv_fixed(j, "end", seg->end, 3);
        sm_json_kv_string(j, "speaker", seg->speaker);
        sm_json_kv_fixed(j, "confidence", seg->confidence, 3);
        sm_json_kv_string(j, "text", seg->text);
        if (seg->block > 0)
            sm_json_kv_int(j, "block", seg->block);
        else
            sm_json_kv_null(j, "block");
        write_frame_marks(j, c, seg->start, seg->end);
        sm_json_end_object(j);
        stats->dialogue_lines++;
        if (seg->speaker)
            stats->attributed_lines++;
    }
    sm_json_end_array(j);
}

static void write_synopsis(sm_json *j, const story_ctx *c, sm_link_stats *stats)
{
    const sm_movie *m = c->movie;
    sm_json_key(j, "synopsis");
    sm_json_begin_array(j);
    for (size_t s = 0; s < m->n_synopsis; s++) {
        const sm_mn_synopsis *syn = &m->synopsis[s];
        if (!in_window(c, syn->start, syn->end))
            continue;
        double overlap = fmin(syn->end, c->win_end) - fmax(syn->start, c->win_start);
        sm_json_begin_object(j);
        sm_json_kv_string(j, "id", syn->id);
        sm_json_kv_fixed(j, "start", syn->start, 3);
        sm_json_kv_fixed(j, "end", syn->end, 3);
        sm_json_kv_fixed(j, "overlap", overlap > 0 ? overlap : 0.0, 3);
        sm_json_kv_string(j, "description", syn->description);
        sm_json_end_object(j);
        stats->synopsis++;
    }
    sm_json_end_array(j);
}

static void write_problems(sm_json *j, const story_ctx *c, const char *align_problem, int scaled_all)
{
    sm_json_key(j, "problems");
    sm_json_begin_array(j);
    if (!c->al) {
        char msg[700];
        snprintf(msg, sizeof msg, "no alignment: %s", align_problem ? align_problem : "none given");
        sm_json_string(j, msg);
    } else if (c->al->mismatch) {
        sm_json_string(j, c->al->note ? c->al->note
                       : "the script and subtitles share too little to be one film: no speakers, no times");
    }
    if (!c->in->story)
        sm_json_string(j, "no chain of thought: characters not named");
    else if (!(c->movie->have & SM_MN_META))
        sm_json_string(j, "no meta for this film: cast ids cannot be named");
    if (!scaled_all)
        sm_json_string(j, "keyframe image or annotation resolution missing: boxes compared unscaled");
    sm_json_end_array(j);
}

int sm_link_story(sm_json *j, const sm_link_input *in, const sm_movie *m,
                  const sm_film_alignment *al, const char *align_problem,
                  const sm_link_options *opt, sm_link_stats *stats, sm_error *err)
{
    sm_link_options defaults;
    if (!opt) {
        sm_link_options_init(&defaults);
        opt = &defaults;
    }
    memset(stats, 0, sizeof *stats);
    const char *src = in->source ? in->source : "";
    const char *sid = in->story_id ? in->story_id : "?";
    if (!(m->have & SM_MN_FPS))
        return sm_fail(err, src, in->line, "story %s: film %s has no fps (see its problems)", sid, m->id);
    if (!(m->have & SM_MN_SHOTS))
        return sm_fail(err, src, in->line, "story %s: film %s has no usable shot file", sid, m->id);
    if (in->n_images == 0)
        return sm_fail(err, src, in->line, "story %s: no images", sid);

    story_ctx c = {in, m, al, opt, calloc(in->n_images, sizeof(frame_info)), in->n_images,
                   calloc(in->n_images, sizeof(size_t)), 0, 0};
    int rc = !c.frames || !c.by_time ? sm_fail(err, src, in->line, "out of memory") : time_frames(&c, err);
    if (rc != 0) {
        free(c.frames);
        free(c.by_time);
        return rc;
    }
    frame_window(&c);

    sm_json_begin_object(j);
    sm_json_kv_string(j, "story_id", in->story_id);
    sm_json_kv_string(j, "movie", m->id);
    sm_json_kv_string(j, "title", m->title);
    sm_json_kv_double(j, "fps", m->fps);
    write_frames(j, &c, stats);
    write_window(j, &c);
    sm_json_kv_string(j, "alignment", al ? (al->mismatch ? "mismatch" : "ok") : NULL);
    if (write_scenes(j, &c) != 0)
        rc = sm_fail(err, src, in->line, "out of memory");
    write_movienet_scenes(j, &c);
    write_script_blocks(j, &c);
    write_dialogue(j, &c, stats);
    write_synopsis(j, &c, stats);
    int scaled_all = 1;
    if (rc == 0 && write_characters(j, &c, stats, &scaled_all) != 0)
        rc = sm_fail(err, src, in->line, "out of memory");
    write_problems(j, &c, align_problem, scaled_all);
    sm_json_end_object(j);

    free(c.frames);
    free(c.by_time);
    if (rc == 0 && j->failed)
        rc = sm_fail(err, src, in->line, "out of memory");
    return rc;
}
