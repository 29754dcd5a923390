/* story_check.c - the SPEC rules that need a whole record: counts of images,
 * setting elements and narrative phases, box geometry, duplicate ids, and
 * that every id a story tag uses is defined in the chain of thought.
 *
 * The reader (story_read.c, story_cot.c, story_tags.c) has already reported
 * what is malformed where it stands; this pass only judges values. */
#include "story/story_internal.h"

#include <stdlib.h>

static const char *const setting_elements[] = {
    "Location", "Environment", "Lighting", "Weather", "Time Period", "Architecture",
    "Interior Design", "Atmosphere", "Background", NULL};
static const char *const narrative_phases[] = {
    "Introduction", "Development", "Conflict", "Turning Point", "Conclusion", NULL};

static int one_of(const char *t, const sm_span *cell, const char *const *words)
{
    for (int i = 0; words[i]; i++)
        if (sm_ascii_eq_ci(t + cell->off, cell->len, words[i]))
            return i;
    return -1;
}

static uint64_t id_key(sm_entity_id id) { return ((uint64_t)id.kind << 32) | id.number; }

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int sm_story_defines(const sm_story *s, sm_entity_id id)
{
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        for (int k = 0; k < 2; k++) {
            const sm_story_table *tab = &s->image_sections[i].tables[k];
            for (uint32_t r = 0; r < tab->n_rows; r++)
                if (tab->rows[r].id.kind == id.kind && tab->rows[r].id.number == id.number)
                    return 1;
        }
    return 0;
}

/* Fraction of the box's area outside a w x h image. */
static double outside_fraction(const double b[4], int w, int h)
{
    double area = (b[2] - b[0]) * (b[3] - b[1]);
    if (area <= 0)
        return 0;
    double ix = (b[2] < w ? b[2] : w) - (b[0] > 0 ? b[0] : 0);
    double iy = (b[3] < h ? b[3] : h) - (b[1] > 0 ? b[1] : 0);
    double inside = (ix > 0 && iy > 0) ? ix * iy : 0;
    return 1.0 - inside / area;
}

static void check_rows(sm_story_set *set, sm_story *s, const sm_story_image *img, int k,
                       const sm_story_check_options *opt)
{
    const sm_story_table *tab = &img->tables[k];
    for (uint32_t r = 0; r < tab->n_rows; r++) {
        const sm_story_row *row = &tab->rows[r];
        if (!row->has_box)
            continue;
        const double *b = row->box;
        uint32_t at = row->cells[tab->col_box >= 0 && (uint32_t)tab->col_box < row->n_cells
                                     ? (uint32_t)tab->col_box : row->n_cells - 1].off;
        if (!(b[0] < b[2]) || !(b[1] < b[3]))
            sm_story_issue_add(set, s, SM_FIELD_COT, at, "box-order",
                               "bounding box needs x1 < x2 and y1 < y2 (got %g,%g,%g,%g)",
                               b[0], b[1], b[2], b[3]);
        else if (opt && opt->image_width > 0 && opt->image_height > 0) {
            double out = outside_fraction(b, opt->image_width, opt->image_height);
            if (out > 0.10 + 1e-9)
                sm_story_issue_add(set, s, SM_FIELD_COT, at, "box-outside",
                                   "bounding box is %.0f%% outside the %dx%d image (at most 10%%)",
                                   out * 100, opt->image_width, opt->image_height);
        }
    }
}

typedef struct keyed_row {
    uint64_t key;
    uint32_t order;
    const sm_story_row *row;
} keyed_row;

static int cmp_keyed_row(const void *x, const void *y)
{
    const keyed_row *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

/* The same id twice in one image: a tag could not say which row it means.
 * Sorting keeps this linear-logarithmic on absurd inputs. */
static void check_duplicate_ids(sm_story_set *set, sm_story *s, const sm_story_image *img)
{
    uint32_t n = img->tables[0].n_rows + img->tables[1].n_rows, k = 0;
    if (n < 2)
        return;
    keyed_row *rows = malloc(n * sizeof *rows);
    if (!rows) {
        set->oom = 1;
        return;
    }
    for (int t = 0; t < 2; t++)
        for (uint32_t r = 0; r < img->tables[t].n_rows; r++)
            if (img->tables[t].rows[r].id.kind != SM_ENT_NONE) {
                rows[k].key = id_key(img->tables[t].rows[r].id);
                rows[k].order = k;
                rows[k].row = &img->tables[t].rows[r];
                k++;
            }
    qsort(rows, k, sizeof *rows, cmp_keyed_row);
    for (uint32_t i = 1; i < k; i++)
        if (rows[i].key == rows[i - 1].key) {
            const sm_span *c = &rows[i].row->cells[0];
            sm_story_issue_add(set, s, SM_FIELD_COT, c->off, "id-duplicate",
                               "%.*s is described twice in image %d", (int)c->len, s->cot + c->off,
                               img->number);
        }
    free(rows);
}

static void check_narrative(sm_story_set *set, sm_story *s, int n_images)
{
    const char *t = s->cot;
    const sm_story_table *tab = &s->narrative;
    if (!tab->present) {
        sm_story_issue_add(set, s, SM_FIELD_COT, s->cot_len, "narrative",
                           "no \"## Narrative Structure\" section");
        return;
    }
    unsigned seen = 0;
    for (uint32_t r = 0; r < tab->n_rows; r++) {
        const sm_story_row *row = &tab->rows[r];
        int phase = one_of(t, &row->cells[0], narrative_phases);
        if (phase < 0)
            sm_story_issue_add(set, s, SM_FIELD_COT, row->cells[0].off, "phase",
                               "\"%.*s\" is not a narrative phase (Introduction, Development, "
                               "Conflict, Turning Point, Conclusion)",
                               (int)(row->cells[0].len > 60 ? 60 : row->cells[0].len),
                               t + row->cells[0].off);
        else
            seen |= 1u << phase;
        int col = tab->col_images;
        if (col < 0 || (uint32_t)col >= row->n_cells || n_images <= 0)
            continue;
        /* Image references: numbers and ranges ("1, 2", "3-5", "Images 4-6"). */
        const sm_span *c = &row->cells[col];
        const char *v = t + c->off;
        for (uint32_t i = 0; i < c->len;) {
            if (!story_is_digit((unsigned char)v[i])) {
                i++;
                continue;
            }
            long num = 0;
            uint32_t d = i;
            while (i < c->len && story_is_digit((unsigned char)v[i]) && i - d < 9)
                num = num * 10 + (v[i++] - '0');
            while (i < c->len && story_is_digit((unsigned char)v[i]))
                i++;
            if (num < 1 || num > n_images) {
                sm_story_issue_add(set, s, SM_FIELD_COT, c->off + d, "phase-image",
                                   "narrative phase refers to image %ld; the story has %d",
                                   num, n_images);
                break;
            }
        }
    }
    for (int p = 0; narrative_phases[p]; p++)
        if (!(seen & (1u << p)))
            sm_story_issue_add(set, s, SM_FIELD_COT, tab->heading.off, "phase-missing",
                               "narrative phase \"%s\" is missing", narrative_phases[p]);
}

static void check_tags(sm_story_set *set, sm_story *s, int n_images, const uint64_t *defined,
                       size_t ndefined)
{
    const char *t = s->text;
    int gdi_count = 0, last_image = 0;
    unsigned char *seen = calloc((size_t)(n_images > 0 ? n_images : 0) + 1, 1);
    if (!seen) {
        set->oom = 1;
        return;
    }
    for (uint32_t i = 0; i < s->n_tags; i++) {
        const sm_story_tag *tag = &s->tags[i];
        int len = (int)(tag->open.len > 60 ? 60 : tag->open.len);
        const char *open = t + tag->open.off;
        if (tag->kind == SM_TAG_GDI) {
            gdi_count++;
            if (tag->image <= 0)
                continue;         /* malformed attribute: already reported */
            if (tag->image > n_images)
                sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "gdi-image",
                                   "%.*s: the story has %d images", len, open, n_images);
            else if (seen[tag->image])
                sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "gdi-duplicate",
                                   "%.*s: second block for image %d", len, open, tag->image);
            else {
                if (tag->image < last_image)
                    sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "gdi-order",
                                       "%.*s comes after image %d", len, open, last_image);
                seen[tag->image] = 1;
            }
            if (tag->image > last_image)
                last_image = tag->image;
            continue;
        }
        if (tag->attr.len == 0)
            sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "tag-ids",
                               "%.*s names no id", len, open);
        else if (tag->free_text)
            sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "free-text",
                               "%.*s: attribute is free text, not ids", len, open);
        if (tag->closed && tag->content.len == 0)
            sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "empty",
                               "%.*s encloses no text", len, open);
        for (uint32_t k = 0; k < tag->n_ids; k++) {
            sm_entity_id id = tag->ids[k];
            char idbuf[24];
            sm_entity_id_format(id, idbuf, sizeof idbuf);
            uint64_t key = id_key(id);
            if (!bsearch(&key, defined, ndefined, sizeof key, cmp_u64))
                sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "undefined-id",
                                   "%.*s: %s is not defined in the chain of thought", len, open,
                                   idbuf);
            int entity = id.kind == SM_ENT_CHAR || id.kind == SM_ENT_OBJ;
            if (tag->kind == SM_TAG_GDL && entity)
                sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "tag-kind",
                                   "%.*s: <gdl> is for landmarks and backgrounds, %s is a %s",
                                   len, open, idbuf, sm_entity_kind_name(id.kind));
            else if (tag->kind != SM_TAG_GDL && !entity)
                sm_story_issue_add(set, s, SM_FIELD_STORY, tag->open.off, "tag-kind",
                                   "%.*s: %s is a %s; use <gdl>", len, open, idbuf,
                                   sm_entity_kind_name(id.kind));
        }
    }
    if (n_images > 0 && gdi_count != n_images)
        sm_story_issue_add(set, s, SM_FIELD_STORY, 0, "gdi-count",
                           "story has %d <gdi> blocks for %d images", gdi_count, n_images);
    if (n_images > 0)
        for (int k = 1; k <= n_images && gdi_count == n_images; k++)
            if (!seen[k]) {
                sm_story_issue_add(set, s, SM_FIELD_STORY, 0, "gdi-missing",
                                   "no <gdi image%d> block", k);
                break;
            }
    free(seen);
}

void sm_story_check(sm_story_set *set, sm_story *s, const sm_story_check_options *opt)
{
    if (s->checked || s->broken)
        return;
    s->checked = 1;

    if (s->has_images && s->n_images == 0)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "images", "\"images\" is empty");
    if (s->has_images && s->has_frame_count && s->frame_count != (long)s->n_images)
        sm_story_issue_add(set, s, SM_FIELD_RECORD, 0, "frame-count",
                           "frame_count is %ld but \"images\" has %u entries", s->frame_count,
                           s->n_images);
    /* How many images the story has: the record says so; a bare model
     * output only has its own chain of thought to go by. */
    int n_images = s->has_images ? (int)s->n_images
                : s->has_frame_count && s->frame_count >= 0 && s->frame_count <= 100000
                ? (int)s->frame_count : (int)s->n_image_sections;

    if (s->has_cot) {
        if (s->n_image_sections == 0)
            sm_story_issue_add(set, s, SM_FIELD_COT, 0, "image-count",
                               "chain of thought has no \"## Image N\" section");
        else if ((int)s->n_image_sections != n_images)
            sm_story_issue_add(set, s, SM_FIELD_COT, 0, "image-count",
                               "chain of thought describes %u images; the story has %d",
                               s->n_image_sections, n_images);
        for (uint32_t i = 0; i < s->n_image_sections; i++) {
            const sm_story_image *img = &s->image_sections[i];
            if (img->number != 0 && img->number != (int)i + 1)
                sm_story_issue_add(set, s, SM_FIELD_COT, img->heading.off, "image-number",
                                   "image section %u is numbered %d", i + 1, img->number);
            if (!img->tables[SM_TABLE_SETTING].present)
                sm_story_issue_add(set, s, SM_FIELD_COT, img->heading.off, "setting-missing",
                                   "image %d has no Setting table", img->number);
            else if (img->tables[SM_TABLE_SETTING].n_rows == 0)
                sm_story_issue_add(set, s, SM_FIELD_COT, img->tables[SM_TABLE_SETTING].heading.off,
                                   "setting-missing", "image %d: Setting table has no rows",
                                   img->number);
            const sm_story_table *st = &img->tables[SM_TABLE_SETTING];
            for (uint32_t r = 0; r < st->n_rows; r++)
                if (one_of(s->cot, &st->rows[r].cells[0], setting_elements) < 0)
                    sm_story_issue_add(set, s, SM_FIELD_COT, st->rows[r].cells[0].off, "setting-element",
                                       "\"%.*s\" is not a setting element",
                                       (int)(st->rows[r].cells[0].len > 60 ? 60 : st->rows[r].cells[0].len),
                                       s->cot + st->rows[r].cells[0].off);
            check_duplicate_ids(set, s, img);
            check_rows(set, s, img, SM_TABLE_CHARACTERS, opt);
            check_rows(set, s, img, SM_TABLE_OBJECTS, opt);
        }
        check_narrative(set, s, n_images);
    }

    if (s->has_text) {
        size_t ndefined = 0, cap = 0;
        for (uint32_t i = 0; i < s->n_image_sections; i++)
            cap += s->image_sections[i].tables[0].n_rows + s->image_sections[i].tables[1].n_rows;
        uint64_t *defined = malloc((cap ? cap : 1) * sizeof *defined);
        if (!defined) {
            set->oom = 1;
            return;
        }
        for (uint32_t i = 0; i < s->n_image_sections; i++)
            for (int k = 0; k < 2; k++) {
                const sm_story_table *tab = &s->image_sections[i].tables[k];
                for (uint32_t r = 0; r < tab->n_rows; r++)
                    if (tab->rows[r].id.kind != SM_ENT_NONE)
                        defined[ndefined++] = id_key(tab->rows[r].id);
            }
        qsort(defined, ndefined, sizeof *defined, cmp_u64);
        uint32_t plain = 0;
        for (uint32_t i = 0; i < s->text_len && !plain; i++)
            plain = !story_is_space((unsigned char)s->text[i]);
        if (!plain)
            sm_story_issue_add(set, s, SM_FIELD_STORY, 0, "story-empty", "story is empty");
        else
            check_tags(set, s, n_images, defined, ndefined);
        free(defined);
    }
}
