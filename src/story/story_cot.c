/* story_cot.c - the chain of thought: image sections and their Markdown
 * tables (Characters, Objects, Setting), and the Narrative Structure table.
 *
 * The chain of thought is read line by line.  A line starting with '#' is a
 * heading that says which table the following rows belong to; a line
 * starting with '|' is a table line (the first one of a table is its header,
 * "|---|" lines are separators); anything else is prose and ignored.  The
 * reader records structure only (what is where, cell counts, id and box
 * forms); the rules that look at values across the record live in
 * story_check.c. */
#include "story/story_internal.h"

#include <stdio.h>

static const char *const characters_columns[] = {
    "Character ID", "Name", "Description", "Emotions", "Actions", "Narrative Function",
    "Bounding Box", NULL};
static const char *const objects_columns[] = {
    "Object ID", "Description", "Function", "Interaction", "Narrative Function",
    "Bounding Box", NULL};
static const char *const setting_columns[] = {
    "Setting Element", "Description", "Mood", "Time", "Narrative Function", NULL};
static const char *const narrative_columns[] = {
    "Narrative Phase", "Description", "Key Events", "Images", NULL};

const char *const *sm_story_table_columns(sm_table_kind kind)
{
    switch (kind) {
    case SM_TABLE_CHARACTERS: return characters_columns;
    case SM_TABLE_OBJECTS: return objects_columns;
    case SM_TABLE_SETTING: return setting_columns;
    default: return narrative_columns;
    }
}

const char *sm_story_table_name(sm_table_kind kind)
{
    static const char *const names[] = {"Characters", "Objects", "Setting", "Narrative Structure"};
    return kind < SM_TABLE_KINDS ? names[kind] : "?";
}

static uint32_t column_count(sm_table_kind kind)
{
    uint32_t n = 0;
    for (const char *const *c = sm_story_table_columns(kind); *c; c++)
        n++;
    return n;
}

/* A number: -?digits(.digits)?  Returns bytes consumed, 0 if none. */
static size_t parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i] == '-', i++;
    size_t digits = i;
    double v = 0;
    while (i < n && story_is_digit((unsigned char)s[i]) && i - digits < 15)
        v = v * 10 + (s[i++] - '0');
    if (i == digits)
        return 0;
    if (i < n && story_is_digit((unsigned char)s[i]))
        return 0;     /* absurdly long: not a pixel coordinate */
    if (i < n && s[i] == '.') {
        double scale = 0.1;
        i++;
        while (i < n && story_is_digit((unsigned char)s[i]) && scale > 1e-12)
            v += (s[i++] - '0') * scale, scale /= 10;
        while (i < n && story_is_digit((unsigned char)s[i]))
            i++;
    }
    *out = neg ? -v : v;
    return i;
}

double sm_box_iou(const double a[4], const double b[4])
{
    double aw = a[2] - a[0], ah = a[3] - a[1], bw = b[2] - b[0], bh = b[3] - b[1];
    if (!(aw > 0 && ah > 0 && bw > 0 && bh > 0))
        return 0.0;
    double iw = (a[2] < b[2] ? a[2] : b[2]) - (a[0] > b[0] ? a[0] : b[0]);
    double ih = (a[3] < b[3] ? a[3] : b[3]) - (a[1] > b[1] ? a[1] : b[1]);
    if (iw <= 0 || ih <= 0)
        return 0.0;
    double inter = iw * ih;
    return inter / (aw * ah + bw * bh - inter);
}

/* Read "x1,y1,x2,y2".  Tolerated (and flagged through *strict = 0): white
 * space anywhere, surrounding [] or (), decimals, a sign.  Returns 0 when
 * four numbers were read and nothing else is left. */
int story_parse_box(const char *s, size_t n, double box[4], int *strict, int *ints)
{
    size_t i = 0;
    int tidy = 1, integers = 1;
    while (n > 0 && story_is_space((unsigned char)s[n - 1]))
        n--, tidy = 0;
    while (i < n && story_is_space((unsigned char)s[i]))
        i++, tidy = 0;
    if (i < n && (s[i] == '[' || s[i] == '(')) {
        char want = s[i] == '[' ? ']' : ')';
        if (n == 0 || s[n - 1] != want)
            return -1;
        i++, n--, tidy = 0, integers = 0;
    }
    for (int k = 0; k < 4; k++) {
        while (i < n && story_is_space((unsigned char)s[i]))
            i++, tidy = 0;
        if (k > 0) {
            if (i >= n || s[i] != ',')
                return -1;
            i++;
            while (i < n && story_is_space((unsigned char)s[i]))
                i++, tidy = 0;
        }
        size_t used = parse_number(s + i, n - i, &box[k]);
        if (used == 0)
            return -1;
        for (size_t j = i; j < i + used; j++) {
            if (s[j] == '.' || s[j] == '+')
                tidy = 0;
            if (s[j] == '.')
                integers = 0;
        }
        i += used;
    }
    while (i < n && story_is_space((unsigned char)s[i]))
        i++, tidy = 0;
    if (i != n)
        return -1;
    *strict = tidy;
    *ints = integers;
    return 0;
}

/* Split a table line into trimmed cells.  The outer pipes are optional;
 * "\|" is a literal pipe inside a cell (GitHub Markdown). */
static uint32_t split_cells(sm_story_set *set, const char *t, uint32_t a, uint32_t b, sm_span **out)
{
    if (a < b && t[a] == '|')
        a++;
    if (b > a && t[b - 1] == '|' && !(b - 1 > a && t[b - 2] == '\\'))
        b--;
    /* A '|' not escaped by a backslash before it cuts a cell; memchr finds
     * the candidates (every row of every table comes here). */
    uint32_t count = 1;
    for (const char *p = t + a, *e = t + b; (p = memchr(p, '|', (size_t)(e - p))) != NULL; p++)
        if (!(p > t + a && p[-1] == '\\'))
            count++;
    sm_span *cells = sm_arena_alloc(&set->arena, count * sizeof *cells);
    if (!cells) {
        set->oom = 1;
        *out = NULL;
        return 0;
    }
    uint32_t k = 0, start = a;
    for (const char *p = t + a, *e = t + b;; p++) {
        p = memchr(p, '|', (size_t)(e - p));
        if (p && p > t + a && p[-1] == '\\')
            continue;
        uint32_t ca = start, cb = p ? (uint32_t)(p - t) : b;
        story_trim(t, &ca, &cb);
        cells[k].off = ca;
        cells[k].len = cb - ca;
        k++;
        if (!p)
            break;
        start = (uint32_t)(p - t) + 1;
    }
    *out = cells;
    return k;
}

static int is_separator(const char *t, const sm_span *cells, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        const char *c = t + cells[i].off;
        uint32_t len = cells[i].len, dashes = 0;
        for (uint32_t j = 0; j < len; j++) {
            if (c[j] == '-')
                dashes++;
            else if (!(c[j] == ':' && (j == 0 || j + 1 == len)))
                return 0;
        }
        if (dashes == 0)
            return 0;
    }
    return 1;
}

static int find_column(const char *t, const sm_story_table *tab, const char *name, int fallback)
{
    for (uint32_t i = 0; i < tab->n_header; i++)
        if (sm_ascii_eq_ci(t + tab->header[i].off, tab->header[i].len, name))
            return (int)i;
    return fallback < (int)tab->n_header ? fallback : -1;
}

static void read_header(sm_story_set *set, sm_story *s, sm_story_table *tab, sm_table_kind kind,
                        uint32_t line_off, sm_span *cells, uint32_t n)
{
    const char *t = s->cot;
    const char *const *want = sm_story_table_columns(kind);
    uint32_t nwant = column_count(kind);
    tab->header = cells;
    tab->n_header = n;
    int same = n == nwant;
    for (uint32_t i = 0; same && i < n; i++)
        if (!sm_ascii_eq_ci(t + cells[i].off, cells[i].len, want[i]))
            same = 0;
    if (!same) {
        char expected[200] = "";
        size_t used = 0;
        for (uint32_t i = 0; i < nwant && used < sizeof expected; i++)
            used += (size_t)snprintf(expected + used, sizeof expected - used, "%s%s",
                                     i ? " | " : "", want[i]);
        sm_story_issue_add(set, s, SM_FIELD_COT, line_off, "header",
                           "%s table header has %u columns that differ from SPEC: expected | %s |",
                           sm_story_table_name(kind), n, expected);
    }
    switch (kind) {
    case SM_TABLE_CHARACTERS:
        tab->col_name = find_column(t, tab, "Name", 1);
        tab->col_description = find_column(t, tab, "Description", 2);
        tab->col_box = find_column(t, tab, "Bounding Box", 6);
        break;
    case SM_TABLE_OBJECTS:
        tab->col_name = -1;
        tab->col_description = find_column(t, tab, "Description", 1);
        tab->col_box = find_column(t, tab, "Bounding Box", 5);
        break;
    case SM_TABLE_SETTING:
        tab->col_description = find_column(t, tab, "Description", 1);
        tab->col_name = tab->col_box = -1;
        break;
    default:
        tab->col_description = find_column(t, tab, "Description", 1);
        tab->col_images = find_column(t, tab, "Images", 3);
        tab->col_name = tab->col_box = -1;
        break;
    }
}

static void read_row(sm_story_set *set, sm_story *s, sm_story_table *tab, sm_table_kind kind,
                     uint32_t line_off, uint32_t line_len, sm_span *cells, uint32_t n)
{
    const char *t = s->cot;
    sm_story_row *rows = tab->rows;
    if (tab->n_rows == tab->rows_cap) {
        /* Tables are short (a handful of rows), so start small: every byte
         * of the model is memory touched for the first time. */
        if (tab->rows_cap == 0) {
            rows = story_alloc_array(set, 4, sizeof *rows);
            if (rows)
                tab->rows_cap = 4;
        } else {
            rows = story_grow(set, tab->rows, tab->n_rows, &tab->rows_cap, sizeof *rows);
        }
        if (!rows)
            return;
        tab->rows = rows;
    }
    sm_story_row *r = &rows[tab->n_rows++];
    memset(r, 0, sizeof *r);
    r->line.off = line_off;
    r->line.len = line_len;
    r->cells = cells;
    r->n_cells = n;
    uint32_t columns = tab->n_header ? tab->n_header : column_count(kind);
    if (n != columns)
        sm_story_issue_add(set, s, SM_FIELD_COT, line_off, "cells",
                           "%s row has %u cells; the table has %u columns",
                           sm_story_table_name(kind), n, columns);
    if (kind != SM_TABLE_CHARACTERS && kind != SM_TABLE_OBJECTS)
        return;

    const char *idtext = t + cells[0].off;
    if (sm_entity_id_parse(idtext, cells[0].len, &r->id) != 0) {
        sm_story_issue_add(set, s, SM_FIELD_COT, cells[0].off, "id",
                           "\"%.*s\" is not a %s", (int)(cells[0].len > 60 ? 60 : cells[0].len),
                           idtext, kind == SM_TABLE_CHARACTERS ? "character id (charN)"
                                                              : "object id (objN, lmN or bgN)");
    } else if ((kind == SM_TABLE_CHARACTERS) != (r->id.kind == SM_ENT_CHAR)) {
        sm_story_issue_add(set, s, SM_FIELD_COT, cells[0].off, "id-table",
                           "%.*s belongs in the %s table, not in %s", (int)cells[0].len, idtext,
                           r->id.kind == SM_ENT_CHAR ? "Characters" : "Objects",
                           sm_story_table_name(kind));
    }

    int col = tab->col_box >= 0 ? tab->col_box : (int)columns - 1;
    if (col >= (int)n || cells[col].len == 0) {
        sm_story_issue_add(set, s, SM_FIELD_COT, line_off, "box", "%s row has no bounding box",
                           sm_story_table_name(kind));
        return;
    }
    const sm_span *bc = &cells[col];
    if (story_parse_box(t + bc->off, bc->len, r->box, &r->box_strict, &r->box_ints) != 0) {
        sm_story_issue_add(set, s, SM_FIELD_COT, bc->off, "box",
                           "bounding box \"%.*s\" is not four numbers x1,y1,x2,y2",
                           (int)(bc->len > 60 ? 60 : bc->len), t + bc->off);
        return;
    }
    r->has_box = 1;
    if (!r->box_strict)
        sm_story_issue_add(set, s, SM_FIELD_COT, bc->off, "box-form",
                           "bounding box \"%.*s\" is not written as x1,y1,x2,y2 (integers, no "
                           "spaces or brackets)", (int)(bc->len > 60 ? 60 : bc->len), t + bc->off);
}

enum heading_kind { H_OTHER, H_IMAGE, H_NARRATIVE, H_CHARACTERS, H_OBJECTS, H_SETTING };

static enum heading_kind classify(const char *t, uint32_t a, uint32_t b, int *number, int *has_number)
{
    uint32_t n = b - a;
    *has_number = 0;
    *number = 0;
    if (n >= 5 && sm_ascii_eq_ci(t + a, 5, "image") && (n == 5 || story_is_space((unsigned char)t[a + 5]))) {
        uint32_t i = a + 5;
        while (i < b && story_is_space((unsigned char)t[i]))
            i++;
        long v = 0;
        uint32_t d = i;
        while (i < b && story_is_digit((unsigned char)t[i]) && i - d < 6)
            v = v * 10 + (t[i++] - '0');
        if (i > d) {
            *has_number = 1;
            *number = (int)v;
        }
        return H_IMAGE;
    }
    if (sm_ascii_eq_ci(t + a, n, "narrative structure"))
        return H_NARRATIVE;
    if (sm_ascii_eq_ci(t + a, n, "characters"))
        return H_CHARACTERS;
    if (sm_ascii_eq_ci(t + a, n, "objects"))
        return H_OBJECTS;
    if (sm_ascii_eq_ci(t + a, n, "setting"))
        return H_SETTING;
    return H_OTHER;
}

void sm_story_parse_cot(sm_story_set *set, sm_story *s)
{
    const char *t = s->cot;
    uint32_t n = s->cot_len, pos = 0;
    sm_story_image *image = NULL;        /* the current ## Image section */
    sm_story_table *table = NULL;        /* where table lines go */
    sm_table_kind table_kind = SM_TABLE_SETTING;
    int orphan_reported = 0;

    while (pos < n) {
        const char *eol = memchr(t + pos, '\n', n - pos);
        uint32_t ls = pos, le = eol ? (uint32_t)(eol - t) : n;
        pos = eol ? le + 1 : n;
        uint32_t a = ls, b = le;
        story_trim(t, &a, &b);
        if (a == b)
            continue;

        if (t[a] == '#') {
            uint32_t h = 0;
            while (a + h < b && t[a + h] == '#')
                h++;
            uint32_t ta = a + h, tb = b;
            story_trim(t, &ta, &tb);
            int number, has_number;
            enum heading_kind kind = classify(t, ta, tb, &number, &has_number);
            uint32_t want = kind == H_IMAGE || kind == H_NARRATIVE ? 2 : 3;
            orphan_reported = 0;
            table = NULL;
            if (kind != H_OTHER && h != want)
                sm_story_issue_add(set, s, SM_FIELD_COT, a, "heading",
                                   "heading \"%.*s\" should start with %u '#'",
                                   (int)(b - a > 60 ? 60 : b - a), t + a, want);
            if (kind == H_IMAGE) {
                sm_story_image *imgs = story_grow(set, s->image_sections, s->n_image_sections,
                                                  &s->image_sections_cap, sizeof *imgs);
                if (!imgs)
                    return;
                s->image_sections = imgs;
                image = &imgs[s->n_image_sections++];
                memset(image, 0, sizeof *image);
                image->number = number;
                image->heading.off = a;
                image->heading.len = b - a;
                if (!has_number)
                    sm_story_issue_add(set, s, SM_FIELD_COT, a, "image-heading",
                                       "image heading \"%.*s\" has no image number",
                                       (int)(b - a > 60 ? 60 : b - a), t + a);
            } else if (kind == H_NARRATIVE) {
                image = NULL;
                if (s->narrative.present)
                    sm_story_issue_add(set, s, SM_FIELD_COT, a, "narrative-duplicate",
                                       "second Narrative Structure section (its rows are added to the first)");
                s->narrative.present = 1;
                s->narrative.heading.off = a;
                s->narrative.heading.len = b - a;
                s->narrative.n_header = 0;
                table = &s->narrative;
                table_kind = SM_TABLE_NARRATIVE;
            } else if (kind == H_CHARACTERS || kind == H_OBJECTS || kind == H_SETTING) {
                table_kind = kind == H_CHARACTERS ? SM_TABLE_CHARACTERS
                           : kind == H_OBJECTS ? SM_TABLE_OBJECTS : SM_TABLE_SETTING;
                if (!image) {
                    sm_story_issue_add(set, s, SM_FIELD_COT, a, "table-outside",
                                       "%s table is not inside an \"## Image N\" section",
                                       sm_story_table_name(table_kind));
                    orphan_reported = 1;   /* its rows are ignored without more noise */
                } else {
                    table = &image->tables[table_kind];
                    if (table->present)
                        sm_story_issue_add(set, s, SM_FIELD_COT, a, "table-duplicate",
                                           "second %s table for image %d (its rows are added to the first)",
                                           sm_story_table_name(table_kind), image->number);
                    table->present = 1;
                    table->heading.off = a;
                    table->heading.len = b - a;
                    table->n_header = 0;
                }
            } else {
                sm_story_issue_add(set, s, SM_FIELD_COT, a, "heading",
                                   "unexpected heading \"%.*s\"", (int)(b - a > 60 ? 60 : b - a),
                                   t + a);
            }
            continue;
        }

        if (t[a] != '|')
            continue;     /* prose between tables is allowed */
        if (!table) {
            if (!orphan_reported)
                sm_story_issue_add(set, s, SM_FIELD_COT, a, "table-outside",
                                   "table row without a table heading before it");
            orphan_reported = 1;
            continue;
        }
        sm_span *cells;
        uint32_t n_cells = split_cells(set, t, a, b, &cells);
        if (!cells)
            return;
        if (is_separator(t, cells, n_cells)) {
            if (table->n_header == 0)
                sm_story_issue_add(set, s, SM_FIELD_COT, a, "header",
                                   "%s table has a separator line before its header",
                                   sm_story_table_name(table_kind));
            continue;
        }
        if (table->n_header == 0)
            read_header(set, s, table, table_kind, a, cells, n_cells);
        else
            read_row(set, s, table, table_kind, a, b - a, cells, n_cells);
    }
}
