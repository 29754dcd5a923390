/* structure.c - well-structured answers, pronoun grounding, persistence of
 * ids across images (the definitions are in eval_structure.h).
 *
 * Everything is read from the story model src/story builds (tables, tags,
 * issues); the only text work here is the pronoun count, which uses the
 * word tokenizer of `eval language`, so "a word" means the same thing in
 * every metric. */
#include "storymovie/eval_structure.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/array.h"
#include "eval/eval_internal.h"

const char *const sm_pronoun_names[SM_PRONOUNS] = {"he", "she", "they", "it", "its", "his", "her", "them"};

int sm_structure_init(sm_structure *st)
{
    memset(st, 0, sizeof *st);
    return 0;
}

void sm_structure_free(sm_structure *st)
{
    free(st->plain);
    free(st->ids);
    free(st->why_not);
    memset(st, 0, sizeof *st);
}

static int grow_plain(sm_structure *st, size_t need)
{
    return sm_grow(&st->plain, &st->plain_cap, need, 1);
}

/* ---- pronouns ------------------------------------------------------------- */

static size_t utf8_decode(const char *s, size_t n, size_t i, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
    if (r <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return (size_t)r;
}

/* Start of the code point that ends just before byte i. */
static size_t utf8_back(const char *s, size_t i)
{
    size_t k = i - 1;
    while (k > 0 && i - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

/* Skip <...> runs forwards from i (as the plain text drops them). */
static size_t skip_tags_forward(const char *t, size_t n, size_t i)
{
    while (i < n && t[i] == '<') {
        const char *gt = i + 1 < n ? memchr(t + i + 1, '>', n - i - 1) : NULL;
        if (!gt || gt == t + i + 1)
            break;
        i = (size_t)(gt - t) + 1;
    }
    return i;
}

/* ... and backwards from i (exclusive end). */
static size_t skip_tags_backward(const char *t, size_t i)
{
    while (i > 0 && t[i - 1] == '>') {
        size_t k = i - 1;
        while (k > 0 && t[k - 1] != '<' && t[k - 1] != '>')
            k--;
        if (k == 0 || t[k - 1] != '<' || k == i - 1)
            break;
        i = k - 1;
    }
    return i;
}

static int is_apostrophe(int32_t c) { return c == '\'' || c == 0x2019; }

/* A word continues across position i of the story (forwards: after i). */
static int joined_after(const char *t, size_t n, size_t i)
{
    i = skip_tags_forward(t, n, i);
    if (i >= n)
        return 0;
    int32_t c, next;
    size_t step = utf8_decode(t, n, i, &c);
    if (sm_word_char(c))
        return 1;
    if (!is_apostrophe(c))
        return 0;
    size_t j = skip_tags_forward(t, n, i + step);
    return j < n && (utf8_decode(t, n, j, &next), sm_word_char(next));
}

static int joined_before(const char *t, size_t n, size_t i)
{
    i = skip_tags_backward(t, i);
    if (i == 0)
        return 0;
    int32_t c;
    utf8_decode(t, n, utf8_back(t, i), &c);
    return sm_word_char(c);
}

/* Which pronoun a tag's whole text is, or -1. */
static int tag_pronoun(const sm_story *s, const sm_story_tag *tag)
{
    if (tag->kind != SM_TAG_GDO || !tag->closed || tag->free_text || tag->n_ids == 0 || tag->content.len > 64)
        return -1;
    for (uint32_t k = 0; k < tag->n_ids; k++)
        if (tag->ids[k].kind != SM_ENT_CHAR)
            return -1;
    char buf[72];
    size_t n = sm_story_plain_text(s->text + tag->content.off, tag->content.len, buf);
    for (int p = 0; p < SM_PRONOUNS; p++) {
        const char *w = sm_pronoun_names[p];
        size_t wl = strlen(w), i = 0;
        if (wl != n)
            continue;
        while (i < n && (buf[i] | 0x20) == w[i])
            i++;
        if (i == n)
            return p;
    }
    return -1;
}

/* A word of the story's text: one more of its pronoun, if it is one.  Every
 * word of every story comes here, so the names' lengths are known ahead
 * (what eval_name_index would measure each time). */
static int count_pronoun(void *ctx, const char *word, size_t n)
{
    static const unsigned char length[SM_PRONOUNS] = {2, 3, 4, 2, 3, 3, 3, 4};
    sm_structure_story *r = ctx;
    if (n < 2 || n > 4)
        return 0;
    for (int p = 0; p < SM_PRONOUNS; p++)
        if (length[p] == n && memcmp(sm_pronoun_names[p], word, n) == 0) {
            r->pronoun_total[p]++;
            break;
        }
    return 0;
}

static int count_pronouns(sm_structure *st, const sm_story *s, sm_structure_story *r)
{
    if (grow_plain(st, (size_t)s->text_len + 1))
        return -1;
    size_t n = sm_story_plain_text(s->text, s->text_len, st->plain);
    if (eval_words_each(st->plain, n, count_pronoun, r))
        return -1;
    for (uint32_t i = 0; i < s->n_tags; i++) {
        const sm_story_tag *tag = &s->tags[i];
        int p = tag_pronoun(s, tag);
        if (p < 0)
            continue;
        size_t close_end = (size_t)tag->close.off + tag->close.len;
        if (!joined_before(s->text, s->text_len, tag->open.off) &&
            !joined_after(s->text, s->text_len, close_end))
            r->pronoun_grounded[p]++;
    }
    return 0;
}

/* ---- persistence ---------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Distinct (id, image) pairs sorted by id: the run length of an id is the
 * number of images that list it. */
static int persistence(sm_structure *st, const sm_story *s, sm_structure_story *r)
{
    size_t n = 0;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        n += s->image_sections[i].tables[SM_TABLE_CHARACTERS].n_rows +
             s->image_sections[i].tables[SM_TABLE_OBJECTS].n_rows;
    if (n > st->ids_cap) {
        uint64_t *p = realloc(st->ids, n * sizeof *p);
        if (!p)
            return -1;
        st->ids = p;
        st->ids_cap = n;
    }
    size_t k = 0;
    for (uint32_t i = 0; i < s->n_image_sections; i++)
        for (int t = 0; t < 2; t++) {
            const sm_story_table *tab = &s->image_sections[i].tables[t];
            for (uint32_t row = 0; row < tab->n_rows; row++) {
                sm_entity_id id = tab->rows[row].id;
                if (id.kind != SM_ENT_CHAR && id.kind != SM_ENT_OBJ && id.kind != SM_ENT_LM)
                    continue;
                /* kind (3 bits) | number (32 bits) | section (20 bits) */
                st->ids[k++] = ((uint64_t)id.kind << 61) | ((uint64_t)id.number << 20) | (i & 0xFFFFF);
            }
        }
    qsort(st->ids, k, sizeof *st->ids, cmp_u64);
    for (size_t a = 0; a < k;) {
        uint64_t who = st->ids[a] >> 20;
        size_t images = 0, b = a;
        uint64_t last = UINT64_MAX;
        for (; b < k && st->ids[b] >> 20 == who; b++)
            if (st->ids[b] != last) {
                images++;
                last = st->ids[b];
            }
        int is_char = (who >> 41) == SM_ENT_CHAR;
        size_t *in = is_char ? r->char_in : r->obj_in;
        if (is_char)
            r->characters++;
        else
            r->objects++;
        for (size_t nn = 2; nn <= SM_PERSIST_MAX; nn++)
            if (images >= nn)
                in[nn]++;
        a = b;
    }
    return 0;
}

/* ---- per story ------------------------------------------------------------ */

static int count_reason(sm_structure *st, const char *code)
{
    for (size_t i = 0; i < st->n_why_not; i++)
        if (strcmp(st->why_not[i].code, code) == 0) {
            st->why_not[i].stories++;
            return 0;
        }
    if (sm_grow(&st->why_not, &st->why_not_cap, st->n_why_not + 1, sizeof *st->why_not) != 0)
        return -1;
    st->why_not[st->n_why_not++] = (sm_structure_count){code, 1};
    return 0;
}

static int has_text(const char *t, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r')
            return 1;
    return 0;
}

const char *sm_structure_problem(const sm_story *s, size_t *problems)
{
    const char *problem = NULL;
    size_t n = 0;
    if (s->broken || !s->has_cot || !has_text(s->cot, s->cot_len))
        problem = "no-chain-of-thought";
    else if (!s->has_text || !has_text(s->text, s->text_len))
        problem = "no-story";
    for (uint32_t i = 0; i < s->n_issues; i++)
        if (s->issues[i].field != SM_FIELD_RECORD) {
            n++;
            if (!problem)
                problem = s->issues[i].code;
        }
    n += s->issues_dropped;
    if (!problem && s->issues_dropped)
        problem = "issues";
    if (problems)
        *problems = n;
    return problem;
}

int sm_structure_add(sm_structure *st, sm_story_set *set, sm_story *s, sm_structure_story *out)
{
    sm_structure_story r;
    memset(&r, 0, sizeof r);
    sm_story_check(set, s, NULL);
    if (set->oom)
        return -1;
    r.problem = sm_structure_problem(s, &r.problems);
    r.well_structured = r.problem == NULL;
    if (count_pronouns(st, s, &r) || persistence(st, s, &r))
        return -1;

    st->stories++;
    if (r.well_structured)
        st->well_structured++;
    else if (count_reason(st, r.problem))
        return -1;
    for (int p = 0; p < SM_PRONOUNS; p++) {
        st->pronoun_total[p] += r.pronoun_total[p];
        st->pronoun_grounded[p] += r.pronoun_grounded[p];
    }
    if (r.characters) {
        st->char_stories++;
        for (int nn = 2; nn <= SM_PERSIST_MAX; nn++)
            st->char_share[nn] += (double)r.char_in[nn] / (double)r.characters;
    }
    if (r.objects) {
        st->obj_stories++;
        for (int nn = 2; nn <= SM_PERSIST_MAX; nn++)
            st->obj_share[nn] += (double)r.obj_in[nn] / (double)r.objects;
    }
    if (out)
        *out = r;
    return 0;
}

void sm_structure_finish(sm_structure *st)
{
    for (int nn = 2; nn <= SM_PERSIST_MAX; nn++) {
        st->char_share[nn] = st->char_stories ? st->char_share[nn] / (double)st->char_stories : 0;
        st->obj_share[nn] = st->obj_stories ? st->obj_share[nn] / (double)st->obj_stories : 0;
    }
}

/* ---- records -------------------------------------------------------------- */

static void pronouns_json(sm_json *j, const size_t *total, const size_t *grounded)
{
    sm_json_key(j, "pronouns");
    sm_json_begin_object(j);
    for (int p = 0; p < SM_PRONOUNS; p++) {
        sm_json_key(j, sm_pronoun_names[p]);
        sm_json_begin_object(j);
        sm_json_kv_int(j, "total", (long long)total[p]);
        sm_json_kv_int(j, "grounded", (long long)grounded[p]);
        sm_json_end_object(j);
    }
    sm_json_end_object(j);
}

static void counts_json(sm_json *j, const char *key, const size_t *in)
{
    sm_json_key(j, key);
    sm_json_begin_object(j);
    for (int nn = 2; nn <= SM_PERSIST_MAX; nn++) {
        char k[4] = {(char)('0' + nn), 0};
        sm_json_kv_int(j, k, (long long)in[nn]);
    }
    sm_json_end_object(j);
}

static void shares_json(sm_json *j, const char *key, const double *share, size_t stories)
{
    sm_json_key(j, key);
    sm_json_begin_object(j);
    for (int nn = 2; nn <= SM_PERSIST_MAX; nn++) {
        char k[4] = {(char)('0' + nn), 0};
        if (stories)
            sm_json_kv_double(j, k, share[nn]);
        else
            sm_json_kv_null(j, k);
    }
    sm_json_end_object(j);
}

void sm_structure_story_json(sm_json *j, const sm_story *s, const sm_structure_story *r)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "story");
    sm_json_kv_string(j, "story_id", s->story_id);
    sm_json_kv_bool(j, "well_structured", r->well_structured);
    sm_json_kv_string(j, "problem", r->problem);
    sm_json_kv_int(j, "problems", (long long)r->problems);
    pronouns_json(j, r->pronoun_total, r->pronoun_grounded);
    sm_json_kv_int(j, "characters", (long long)r->characters);
    sm_json_kv_int(j, "objects", (long long)r->objects);
    counts_json(j, "characters_in", r->char_in);
    counts_json(j, "objects_in", r->obj_in);
    sm_json_end_object(j);
}

void sm_structure_summary_json(sm_json *j, const sm_structure *st, const char *story_set)
{
    sm_json_begin_object(j);
    sm_json_kv_string(j, "type", "summary");
    sm_json_kv_int(j, "stories", (long long)st->stories);
    if (story_set)
        sm_json_kv_string(j, "story_set", story_set);
    if (st->stories)
        sm_json_kv_double(j, "well_structured", (double)st->well_structured / (double)st->stories);
    else
        sm_json_kv_null(j, "well_structured");
    sm_json_kv_int(j, "well_structured_stories", (long long)st->well_structured);
    sm_json_key(j, "not_well_structured");
    sm_json_begin_object(j);
    for (size_t i = 0; i < st->n_why_not; i++)
        sm_json_kv_int(j, st->why_not[i].code, (long long)st->why_not[i].stories);
    sm_json_end_object(j);
    pronouns_json(j, st->pronoun_total, st->pronoun_grounded);
    sm_json_key(j, "persistence");
    sm_json_begin_object(j);
    shares_json(j, "characters", st->char_share, st->char_stories);
    shares_json(j, "objects", st->obj_share, st->obj_stories);
    sm_json_kv_int(j, "character_stories", (long long)st->char_stories);
    sm_json_kv_int(j, "object_stories", (long long)st->obj_stories);
    sm_json_end_object(j);
    sm_json_end_object(j);
}
