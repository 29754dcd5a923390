/* trim.c - a story cut to fewer frames (export --max-images).
 *
 * GPU memory bounds how many frames a training sample may have.  A story
 * keeps the frames sm_pick_frames() chooses, and its text is cut to match,
 * byte for byte from the original (nothing is re-serialised, so tables keep
 * their formatting and the prose between them survives):
 *
 *  - chain of thought: the text before the first section, the "## Image k"
 *    sections of the kept frames (headings renumbered 1..N, in order) and
 *    the Narrative Structure section, whose Images cells are mapped to the
 *    new numbers (references to dropped frames removed; ranges such as
 *    "2-4" count as their members; a cell left with none becomes empty);
 *  - story: the text before the first <gdi> block, the kept blocks
 *    (<gdi imageK> renumbered) each with the text that preceded it, and the
 *    text after the last block;
 *  - a <gdo>/<gda>/<gdl> tag naming an id that only dropped frames described
 *    (its Characters/Objects rows were all in dropped sections) loses that
 *    id; a tag left with no id loses its markup and keeps its text.  Ids
 *    that were never defined are left alone: trimming does not fix input.
 *
 * The StoryReasoning training adapter keeps the first N frames and
 * re-serialises the tables; SM_PICK_FIRST reproduces its choice of frames. */
#include "dataset/dataset_internal.h"

#include <stdlib.h>
#include <string.h>

#include "common/array.h"

int sm_pick_frames(int n, int max, sm_frame_pick pick, int *keep)
{
    if (max <= 0 || n <= max) {
        for (int i = 0; i < n; i++)
            keep[i] = i;
        return n < 0 ? 0 : n;
    }
    for (int i = 0; i < max; i++) {
        if (pick == SM_PICK_FIRST || max == 1)
            keep[i] = i;
        else    /* round(i * (n-1) / (max-1)): first and last always kept */
            keep[i] = (int)((2LL * i * (n - 1) + (max - 1)) / (2LL * (max - 1)));
    }
    return max;
}

typedef struct buf {
    char *p;
    size_t len, cap;
    int failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->failed || n == 0)
        return;
    if (sm_grow(&b->p, &b->cap, b->len + n + 1, 1) != 0) {
        b->failed = 1;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void put_str(buf *b, const char *s) { put(b, s, strlen(s)); }

static void put_int(buf *b, long v)
{
    char t[24];
    int n = snprintf(t, sizeof t, "%ld", v);
    put(b, t, (size_t)n);
}

enum { EDIT_PLAIN = 0, EDIT_NARROW, EDIT_UNWRAP };

typedef struct edit {
    uint32_t off, len;
    char *text;         /* replacement (owned) */
    int kind;
} edit;

typedef struct edits {
    edit *items;
    size_t n_items, cap;
    int failed;
} edits;

static void add_edit(edits *e, uint32_t off, uint32_t len, char *text, int kind)
{
    if (!text) {
        e->failed = 1;
        return;
    }
    if (sm_grow(&e->items, &e->cap, e->n_items + 1, sizeof *e->items) != 0) {
        free(text);
        e->failed = 1;
        return;
    }
    e->items[e->n_items++] = (edit){off, len, text, kind};
}

static int cmp_edit(const void *a, const void *b)
{
    const edit *x = a, *y = b;
    return x->off < y->off ? -1 : x->off > y->off;
}

static void free_edits(edits *e)
{
    for (size_t i = 0; i < e->n_items; i++)
        free(e->items[i].text);
    free(e->items);
}

/* Copy text[a, b) with the edits that fall inside it applied. */
static void emit(buf *out, const char *text, uint32_t a, uint32_t b, const edits *e,
                 sm_trimmed *t)
{
    uint32_t cur = a;
    for (size_t i = 0; i < e->n_items; i++) {
        const edit *x = &e->items[i];
        if (x->off < a || x->off + x->len > b)
            continue;
        put(out, text + cur, x->off - cur);
        put_str(out, x->text);
        cur = x->off + x->len;
        if (x->kind == EDIT_NARROW)
            t->tags_narrowed++;
        else if (x->kind == EDIT_UNWRAP && x->len > 0 && x->text[0] == '\0' && text[x->off + 1] != '/')
            t->tags_unwrapped++;    /* counted once per tag, at its opening */
    }
    put(out, text + cur, b - cur);
}

/* n bytes and a NUL (the text may hold NUL bytes of its own) */
static char *copy_bytes(const char *p, size_t n)
{
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, p, n);
        c[n] = '\0';
    }
    return c;
}

static char *dup_buf(buf *b)
{
    if (b->failed)
        return NULL;
    char *s = b->p ? b->p : copy_bytes("", 0);
    b->p = NULL;
    return s;
}

/* ---- chain of thought --------------------------------------------------- */

typedef struct section {
    uint32_t start;
    int image;          /* index into image_sections, or -1 for the narrative */
} section;

static int cmp_section(const void *a, const void *b)
{
    const section *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Map a Narrative Structure Images cell. */
static char *map_images_cell(const char *v, uint32_t len, const int *new_of_old, int n)
{
    unsigned char *used = calloc((size_t)n + 2, 1);
    if (!used)
        return NULL;
    uint32_t first = len, last = 0;
    for (uint32_t i = 0; i < len;) {
        unsigned char c = (unsigned char)v[i];
        if (c < '0' || c > '9') {
            i++;
            continue;
        }
        if (first == len)
            first = i;
        long num = 0;
        while (i < len && v[i] >= '0' && v[i] <= '9' && num < 1000000)
            num = num * 10 + (v[i++] - '0');
        last = i;
        /* a range: "a-b" or "a–b" (en dash), spaces allowed */
        uint32_t j = i;
        while (j < len && v[j] == ' ')
            j++;
        int dash = 0;
        if (j < len && v[j] == '-')
            dash = 1, j++;
        else if (j + 3 <= len && memcmp(v + j, "\xe2\x80\x93", 3) == 0)
            dash = 1, j += 3;
        while (dash && j < len && v[j] == ' ')
            j++;
        if (dash && j < len && v[j] >= '0' && v[j] <= '9') {
            long hi = 0;
            while (j < len && v[j] >= '0' && v[j] <= '9' && hi < 1000000)
                hi = hi * 10 + (v[j++] - '0');
            for (long k = num; k <= hi && k <= n; k++)
                if (k >= 1)
                    used[k] = 1;
            i = last = j;
        } else if (num >= 1 && num <= n) {
            used[num] = 1;
        }
    }
    buf b = {0};
    if (first == len) {      /* no number: leave the cell as it is */
        put(&b, v, len);
    } else {
        int any = 0;
        for (int k = 1; k <= n; k++)
            if (used[k] && new_of_old[k - 1] > 0) {
                if (!any)
                    put(&b, v, first);       /* "Images " and the like */
                else
                    put_str(&b, ", ");
                put_int(&b, new_of_old[k - 1]);
                any = 1;
            }
        if (any)
            put(&b, v + last, len - last);
    }
    free(used);
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    return b.p ? b.p : strdup("");
}

static int trim_cot(const sm_story *s, const int *new_of_old, int n, sm_trimmed *t)
{
    size_t nsec = s->n_image_sections + 1, k = 0;
    section *secs = malloc(nsec * sizeof *secs);
    edits e = {0};
    if (!secs)
        return -1;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        secs[k++] = (section){s->image_sections[i].heading.off, (int)i};
    if (s->narrative.present)
        secs[k++] = (section){s->narrative.heading.off, -1};
    qsort(secs, k, sizeof *secs, cmp_section);

    /* Heading numbers of the kept sections. */
    for (uint32_t i = 0; i < s->n_image_sections; i++) {
        if (new_of_old[i] <= 0)
            continue;
        const sm_span *h = &s->image_sections[i].heading;
        uint32_t d = h->off + h->len;
        while (d > h->off && !(s->cot[d - 1] >= '0' && s->cot[d - 1] <= '9'))
            d--;
        uint32_t ds = d;
        while (ds > h->off && s->cot[ds - 1] >= '0' && s->cot[ds - 1] <= '9')
            ds--;
        char num[24];
        snprintf(num, sizeof num, "%d", new_of_old[i]);
        add_edit(&e, ds, d - ds, strdup(num), EDIT_PLAIN);
    }
    /* Narrative Structure image references. */
    const sm_story_table *nt = &s->narrative;
    for (uint32_t r = 0; nt->present && nt->col_images >= 0 && r < nt->n_rows; r++) {
        const sm_story_row *row = &nt->rows[r];
        if ((uint32_t)nt->col_images >= row->n_cells)
            continue;
        const sm_span *c = &row->cells[nt->col_images];
        add_edit(&e, c->off, c->len, map_images_cell(s->cot + c->off, c->len, new_of_old, n),
                 EDIT_PLAIN);
    }
    qsort(e.items, e.n_items, sizeof *e.items, cmp_edit);

    buf out = {0};
    uint32_t first = k ? secs[0].start : s->cot_len;
    emit(&out, s->cot, 0, first, &e, t);
    for (size_t i = 0; i < k; i++) {
        uint32_t end = i + 1 < k ? secs[i + 1].start : s->cot_len;
        if (secs[i].image >= 0 && new_of_old[secs[i].image] <= 0)
            continue;
        emit(&out, s->cot, secs[i].start, end, &e, t);
    }
    int failed = e.failed || out.failed;
    free_edits(&e);
    free(secs);
    if (failed) {
        free(out.p);
        return -1;
    }
    t->cot_len = out.len;
    t->cot = dup_buf(&out);
    return t->cot ? 0 : -1;
}

/* ---- story -------------------------------------------------------------- */

static uint64_t id_key(sm_entity_id id) { return (uint64_t)id.kind << 32 | id.number; }

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int has_key(const uint64_t *v, size_t n, uint64_t key)
{
    return bsearch(&key, v, n, sizeof *v, cmp_u64) != NULL;
}

/* Ids with a Characters/Objects row in the sections where keep(i). */
static uint64_t *defined_ids(const sm_story *s, const int *new_of_old, size_t *n)
{
    size_t cap = 1;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        cap += s->image_sections[i].tables[0].n_rows + s->image_sections[i].tables[1].n_rows;
    uint64_t *v = malloc(cap * sizeof *v);
    if (!v)
        return NULL;
    *n = 0;
    for (uint32_t i = 0; i < s->n_image_sections; i++) {
        if (new_of_old && new_of_old[i] <= 0)
            continue;
        for (int k = 0; k < 2; k++) {
            const sm_story_table *tab = &s->image_sections[i].tables[k];
            for (uint32_t r = 0; r < tab->n_rows; r++)
                if (tab->rows[r].id.kind != SM_ENT_NONE)
                    v[(*n)++] = id_key(tab->rows[r].id);
        }
    }
    qsort(v, *n, sizeof *v, cmp_u64);
    return v;
}

static char *rebuilt_open(const sm_story_tag *tag, const uint64_t *kept, size_t nkept,
                          const uint64_t *all, size_t nall, int *any_left)
{
    static const char *const names[] = {"<gdi", "<gdo", "<gda", "<gdl"};
    buf b = {0};
    put_str(&b, names[tag->kind <= SM_TAG_GDL ? tag->kind : 1]);
    *any_left = 0;
    for (uint32_t i = 0; i < tag->n_ids; i++) {
        uint64_t key = id_key(tag->ids[i]);
        if (has_key(all, nall, key) && !has_key(kept, nkept, key))
            continue;       /* only dropped frames described it */
        char id[24];
        put_str(&b, " ");
        put_str(&b, sm_entity_id_format(tag->ids[i], id, sizeof id));
        *any_left = 1;
    }
    put_str(&b, ">");
    return dup_buf(&b);
}

static int trim_story(const sm_story *s, const int *new_of_old, sm_trimmed *t)
{
    size_t nall = 0, nkept = 0;
    uint64_t *all = defined_ids(s, NULL, &nall);
    uint64_t *kept = defined_ids(s, new_of_old, &nkept);
    edits e = {0};
    if (!all || !kept) {
        free(all), free(kept);
        return -1;
    }
    for (uint32_t i = 0; i < s->n_tags; i++) {
        const sm_story_tag *tag = &s->tags[i];
        if (tag->kind == SM_TAG_GDI) {
            if (tag->image >= 1 && new_of_old[tag->image - 1] > 0) {
                char attr[32];
                snprintf(attr, sizeof attr, "image%d", new_of_old[tag->image - 1]);
                add_edit(&e, tag->attr.off, tag->attr.len, strdup(attr), EDIT_PLAIN);
            }
            continue;
        }
        if (tag->free_text || tag->n_ids == 0)
            continue;
        int dropped = 0;
        for (uint32_t k = 0; k < tag->n_ids; k++) {
            uint64_t key = id_key(tag->ids[k]);
            dropped += has_key(all, nall, key) && !has_key(kept, nkept, key);
        }
        if (!dropped)
            continue;
        int any_left;
        char *open = rebuilt_open(tag, kept, nkept, all, nall, &any_left);
        if (any_left) {
            add_edit(&e, tag->open.off, tag->open.len, open, EDIT_NARROW);
        } else {
            free(open);
            add_edit(&e, tag->open.off, tag->open.len, strdup(""), EDIT_UNWRAP);
            if (tag->closed)
                add_edit(&e, tag->close.off, tag->close.len, strdup(""), EDIT_UNWRAP);
        }
    }
    qsort(e.items, e.n_items, sizeof *e.items, cmp_edit);

    /* The blocks in text order. */
    buf out = {0};
    uint32_t prev_end = 0;
    int first_block = 1, emitted_any = 0;
    for (uint32_t i = 0; i < s->n_tags; i++) {
        const sm_story_tag *tag = &s->tags[i];
        if (tag->kind != SM_TAG_GDI)
            continue;
        uint32_t start = tag->open.off, end = tag->close.off + tag->close.len;
        if (first_block)
            emit(&out, s->text, 0, start, &e, t);             /* text before every block */
        int keep = new_of_old[tag->image - 1] > 0;
        if (keep) {
            if (!first_block && emitted_any)
                emit(&out, s->text, prev_end, start, &e, t);  /* the separator before it */
            emit(&out, s->text, start, end, &e, t);
            emitted_any = 1;
        }
        first_block = 0;
        prev_end = end;
    }
    emit(&out, s->text, prev_end, s->text_len, &e, t);         /* text after the last block */
    int failed = e.failed || out.failed;
    free_edits(&e);
    free(all), free(kept);
    if (failed) {
        free(out.p);
        return -1;
    }
    t->story_len = out.len;
    t->story = dup_buf(&out);
    return t->story ? 0 : -1;
}

int sm_story_trim(const sm_story *s, const int *keep, int nkeep, sm_trimmed *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    const char *id = s->story_id ? s->story_id : "story";
    int n = (int)s->n_image_sections;
    if (s->has_images && (int)s->n_images != n)
        return sm_fail(err, id, 0, "cannot cut to fewer frames: the chain of thought describes %d "
                       "images, the record has %u", n, s->n_images);
    for (int i = 0; i < n; i++)
        if (s->image_sections[i].number != i + 1)
            return sm_fail(err, id, 0, "cannot cut to fewer frames: image section %d is numbered %d",
                           i + 1, s->image_sections[i].number);
    int *block_of = calloc((size_t)n + 1, sizeof *block_of);
    int *new_of_old = calloc((size_t)n + 1, sizeof *new_of_old);
    if (!block_of || !new_of_old) {
        free(block_of), free(new_of_old);
        return sm_fail(err, id, 0, "out of memory");
    }
    int blocks = 0, rc = 0;
    for (uint32_t i = 0; rc == 0 && i < s->n_tags; i++) {
        const sm_story_tag *tag = &s->tags[i];
        if (tag->kind != SM_TAG_GDI)
            continue;
        if (!tag->closed || tag->image < 1 || tag->image > n || block_of[tag->image - 1])
            rc = sm_fail(err, id, 0, "cannot cut to fewer frames: the story needs one closed "
                         "<gdi imageK> block per frame, K = 1..%d", n);
        else
            block_of[tag->image - 1] = ++blocks;
    }
    if (rc == 0 && blocks != n)
        rc = sm_fail(err, id, 0, "cannot cut to fewer frames: the story has %d <gdi> blocks for %d "
                     "frames", blocks, n);
    for (int i = 0; rc == 0 && i < nkeep; i++) {
        if (keep[i] < 0 || keep[i] >= n || (i > 0 && keep[i] <= keep[i - 1]))
            rc = sm_fail(err, id, 0, "frames to keep must increase within 1..%d", n);
        else
            new_of_old[keep[i]] = i + 1;
    }
    if (rc == 0 && nkeep == n) {
        /* every frame kept: the text as it is */
        out->cot = copy_bytes(s->cot, s->cot_len);
        out->story = copy_bytes(s->text, s->text_len);
        out->cot_len = s->cot_len;
        out->story_len = s->text_len;
        if (!out->cot || !out->story) {
            sm_trimmed_free(out);
            rc = sm_fail(err, id, 0, "out of memory");
        }
    } else if (rc == 0 && (trim_cot(s, new_of_old, n, out) != 0 || trim_story(s, new_of_old, out) != 0)) {
        sm_trimmed_free(out);
        rc = sm_fail(err, id, 0, "out of memory");
    }
    free(block_of);
    free(new_of_old);
    return rc;
}

void sm_trimmed_free(sm_trimmed *t)
{
    free(t->cot);
    free(t->story);
    memset(t, 0, sizeof *t);
}
