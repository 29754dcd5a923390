/* language.c - BLEU, ROUGE-L and METEOR on tag-stripped story text.
 *
 * Tokenisation (the same for all three): the text is split into words, a
 * word being a maximal run of Unicode letters, marks and digits; an
 * apostrophe (' or U+2019) between two such characters stays inside the
 * word, as "'" ("don't", "sarah's").  Everything else (punctuation, quotes,
 * dashes, symbols, white space) separates words and is dropped.  Words are
 * lower-cased (Unicode simple lower case).  This is close to what
 * coco-caption's PTB tokenizer + punctuation removal gives, except that
 * PTB splits clitics ("do n't").
 *
 * Words become integer ids in an sm_vocab, so n-gram and LCS work compare
 * integers; each word's Porter stem gets an id of its own for METEOR. */
#include "storymovie/eval.h"
#include "storymovie/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/array.h"
#include "common/hash.h"
#include "eval/eval_internal.h"

/* ---- string table --------------------------------------------------------- */

typedef struct strtab {
    char *chars;              /* all strings, NUL-separated */
    size_t chars_len, chars_cap;
    uint32_t *offsets;        /* id -> offset in chars */
    uint32_t n_strings;
    size_t cap;
    uint32_t *slots;          /* hash -> id + 1 (0 = empty) */
    uint32_t n_slots;
} strtab;

static int strtab_rehash(strtab *t, uint32_t nslots)
{
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots)
        return -1;
    for (uint32_t id = 0; id < t->n_strings; id++) {
        const char *s = t->chars + t->offsets[id];
        uint32_t k = (uint32_t)sm_fnv1a(s, strlen(s)) & (nslots - 1);
        while (slots[k])
            k = (k + 1) & (nslots - 1);
        slots[k] = id + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = nslots;
    return 0;
}

/* Id of s[0..n), added when new; *is_new says so.  UINT32_MAX on OOM. */
static uint32_t strtab_intern(strtab *t, const char *s, size_t n, int *is_new)
{
    *is_new = 0;
    if (t->n_slots == 0 && strtab_rehash(t, 1024) != 0)
        return UINT32_MAX;
    uint32_t k = (uint32_t)sm_fnv1a(s, n) & (t->n_slots - 1);
    while (t->slots[k]) {
        const char *e = t->chars + t->offsets[t->slots[k] - 1];
        if (strncmp(e, s, n) == 0 && e[n] == '\0')
            return t->slots[k] - 1;
        k = (k + 1) & (t->n_slots - 1);
    }
    if (sm_grow(&t->offsets, &t->cap, (size_t)t->n_strings + 1, sizeof *t->offsets) != 0 ||
        sm_grow(&t->chars, &t->chars_cap, t->chars_len + n + 1, 1) != 0)
        return UINT32_MAX;
    memcpy(t->chars + t->chars_len, s, n);
    t->chars[t->chars_len + n] = '\0';
    uint32_t id = t->n_strings++;
    t->offsets[id] = (uint32_t)t->chars_len;
    t->chars_len += n + 1;
    t->slots[k] = id + 1;
    *is_new = 1;
    if (t->n_strings * 2 > t->n_slots && strtab_rehash(t, t->n_slots * 2) != 0)
        return UINT32_MAX;
    return id;
}

static void strtab_free(strtab *t)
{
    free(t->chars);
    free(t->offsets);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

struct sm_vocab {
    strtab words, stems;
    uint32_t *stem_of;        /* word id -> stem id */
    size_t stem_cap;
};

sm_vocab *sm_vocab_new(void) { return calloc(1, sizeof(sm_vocab)); }

void sm_vocab_free(sm_vocab *v)
{
    if (!v)
        return;
    strtab_free(&v->words);
    strtab_free(&v->stems);
    free(v->stem_of);
    free(v);
}

const char *sm_vocab_word(const sm_vocab *v, uint32_t id)
{
    return id < v->words.n_strings ? v->words.chars + v->words.offsets[id] : "";
}

static uint32_t vocab_add(sm_vocab *v, const char *w, size_t n)
{
    int is_new;
    uint32_t id = strtab_intern(&v->words, w, n, &is_new);
    if (id == UINT32_MAX || !is_new)
        return id;
    if (sm_grow(&v->stem_of, &v->stem_cap, (size_t)id + 1, sizeof *v->stem_of) != 0)
        return UINT32_MAX;
    char stem[256];
    size_t sn = n < sizeof stem ? sm_porter_stem(w, n, stem) : 0;
    int stem_new;
    uint32_t sid = sn ? strtab_intern(&v->stems, stem, sn, &stem_new)
                      : strtab_intern(&v->stems, w, n, &stem_new);
    if (sid == UINT32_MAX)
        return UINT32_MAX;
    v->stem_of[id] = sid;
    return id;
}

/* ---- tokenisation --------------------------------------------------------- */

/* The test inlined where it runs per character (an exported function is
 * called through the PLT, even from this file). */
static inline int word_char(int32_t c)
{
    if (c < 128)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

int sm_word_char(int32_t c)
{
    return word_char(c);
}

static int push_word(sm_words *out, uint32_t id)
{
    if (sm_grow(&out->ids, &out->cap, out->n_ids + 1, sizeof *out->ids) != 0)
        return -1;
    out->ids[out->n_ids++] = id;
    return 0;
}

/* Decode one code point at s[i]; invalid bytes read as U+FFFD, one byte.
 * ASCII, most of any text, is read here without a call. */
static size_t decode(const char *s, size_t n, size_t i, utf8proc_int32_t *cp)
{
    if ((unsigned char)s[i] < 0x80) {
        *cp = (unsigned char)s[i];
        return 1;
    }
    utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                          (utf8proc_ssize_t)(n - i), cp);
    if (r <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)r;
}

int eval_words_each(const char *text, size_t len, eval_word_fn fn, void *ctx)
{
    char word[256];
    size_t wn = 0, i = 0;
    int in_word = 0;
    while (i <= len) {
        /* An ASCII letter or digit, most of any text: straight in. */
        unsigned char b = i < len ? (unsigned char)text[i] : 0;
        if ((unsigned char)((b | 0x20) - 'a') < 26 || (unsigned char)(b - '0') < 10) {
            if (wn + 1 < sizeof word)
                word[wn++] = (char)(b >= 'A' && b <= 'Z' ? b + 32 : b);
            in_word = 1;
            i++;
            continue;
        }
        utf8proc_int32_t c = 0;
        size_t step = 1;
        if (i < len)
            step = decode(text, len, i, &c);
        int wc = i < len && word_char(c);
        if (!wc && in_word && i < len && (c == '\'' || c == 0x2019)) {
            /* Apostrophe inside a word: keep it when a word character follows. */
            utf8proc_int32_t next = 0;
            if (i + step < len) {
                decode(text, len, i + step, &next);
                if (word_char(next)) {
                    if (wn + 1 < sizeof word)
                        word[wn++] = '\'';
                    i += step;
                    continue;
                }
            }
        }
        if (wc && c < 128) {
            if (wn + 1 < sizeof word)
                word[wn++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            in_word = 1;
        } else if (wc) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t el = utf8proc_encode_char(utf8proc_tolower(c), enc);
            /* An absurdly long "word" is truncated, still one token. */
            if (wn + (size_t)el < sizeof word) {
                memcpy(word + wn, enc, (size_t)el);
                wn += (size_t)el;
            }
            in_word = 1;
        } else if (in_word) {
            if (fn(ctx, word, wn) != 0)
                return -1;
            wn = 0;
            in_word = 0;
        }
        i += step;
    }
    return 0;
}

typedef struct intern_ctx {
    sm_vocab *v;
    sm_words *out;
} intern_ctx;

static int intern_word(void *vctx, const char *word, size_t n)
{
    intern_ctx *x = vctx;
    uint32_t id = vocab_add(x->v, word, n);
    return id == UINT32_MAX || push_word(x->out, id) != 0 ? -1 : 0;
}

int sm_words_tokenize(sm_vocab *v, const char *text, size_t len, sm_words *out)
{
    intern_ctx x = {v, out};
    return eval_words_each(text, len, intern_word, &x);
}

void sm_words_free(sm_words *w)
{
    free(w->ids);
    memset(w, 0, sizeof *w);
}

/* ---- BLEU ------------------------------------------------------------------ */

typedef struct ngram_slot {
    uint32_t start;           /* position in the reference; UINT32_MAX = empty */
    uint32_t count, used;
} ngram_slot;

static uint64_t hash_ngram(const uint32_t *ids, int n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < n; i++)
        h = (h ^ ids[i]) * 0xff51afd7ed558ccdull, h ^= h >> 29;
    return h;
}

/* Clipped matches of cand's n-grams in ref: each candidate n-gram counts at
 * most as often as it occurs in the reference. */
static int clipped_matches(const sm_words *cand, const sm_words *ref, int n, size_t *matches)
{
    *matches = 0;
    if (cand->n_ids < (size_t)n || ref->n_ids < (size_t)n)
        return 0;
    size_t nref = ref->n_ids - (size_t)n + 1, nslots = sm_table_size(nref, 16);
    ngram_slot *slots = malloc(nslots * sizeof *slots);
    if (!slots)
        return -1;
    for (size_t i = 0; i < nslots; i++)
        slots[i].start = UINT32_MAX;
    for (size_t i = 0; i < nref; i++) {
        const uint32_t *g = ref->ids + i;
        size_t k = (size_t)hash_ngram(g, n) & (nslots - 1);
        while (slots[k].start != UINT32_MAX &&
               memcmp(ref->ids + slots[k].start, g, (size_t)n * sizeof *g) != 0)
            k = (k + 1) & (nslots - 1);
        if (slots[k].start == UINT32_MAX)
            slots[k] = (ngram_slot){(uint32_t)i, 0, 0};
        slots[k].count++;
    }
    size_t ncand = cand->n_ids - (size_t)n + 1;
    for (size_t i = 0; i < ncand; i++) {
        const uint32_t *g = cand->ids + i;
        size_t k = (size_t)hash_ngram(g, n) & (nslots - 1);
        while (slots[k].start != UINT32_MAX &&
               memcmp(ref->ids + slots[k].start, g, (size_t)n * sizeof *g) != 0)
            k = (k + 1) & (nslots - 1);
        if (slots[k].start != UINT32_MAX && slots[k].used < slots[k].count) {
            slots[k].used++;
            (*matches)++;
        }
    }
    free(slots);
    return 0;
}

int sm_bleu_add(sm_bleu *b, const sm_words *cand, const sm_words *ref)
{
    for (int n = 1; n <= 4; n++) {
        size_t m;
        if (clipped_matches(cand, ref, n, &m) != 0)
            return -1;
        b->match[n - 1] += (double)m;
        b->total[n - 1] += cand->n_ids >= (size_t)n ? (double)(cand->n_ids - (size_t)n + 1) : 0;
    }
    b->cand_len += (double)cand->n_ids;
    b->ref_len += (double)ref->n_ids;
    return 0;
}

double sm_bleu_brevity_penalty(const sm_bleu *b)
{
    return b->cand_len <= 0 ? 0.0
         : b->cand_len < b->ref_len ? exp(1.0 - b->ref_len / b->cand_len) : 1.0;
}

void sm_bleu_score(const sm_bleu *b, double out[4])
{
    /* The brevity penalty is over the corpus, not per story. */
    double bp = sm_bleu_brevity_penalty(b);
    double log_sum = 0;
    int zero = 0;
    for (int n = 1; n <= 4; n++) {
        if (b->match[n - 1] <= 0 || b->total[n - 1] <= 0)
            zero = 1;
        else
            log_sum += log(b->match[n - 1] / b->total[n - 1]);
        out[n - 1] = zero ? 0.0 : bp * exp(log_sum / n);
    }
}

/* ---- ROUGE-L ---------------------------------------------------------------- */

/* Hyyrö's bit-vector LCS: one machine word covers 64 positions of `a`, so a
 * 1000 x 1000 pair costs 16 x 1000 word operations instead of a million
 * cells.  V starts all ones; for each b_j, U = V & M[b_j] and
 * V = (V + U) | (V - U), where V - U = V & ~U since U is a subset of V.
 * The LCS length is the number of zero bits of V among the |a| positions. */
size_t sm_lcs_length(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    if (na == 0 || nb == 0)
        return 0;
    size_t words = (na + 63) / 64;
    /* Local alphabet: distinct symbols of a, via open addressing. */
    size_t nslots = sm_table_size(na, 16);
    uint32_t *keys = malloc(nslots * sizeof *keys);
    uint32_t *index = malloc(nslots * sizeof *index);
    uint64_t *masks = calloc(na * words, sizeof *masks);
    uint64_t *v = malloc(words * sizeof *v);
    size_t result = (size_t)-1;
    if (!keys || !index || !masks || !v)
        goto done;
    for (size_t i = 0; i < nslots; i++)
        keys[i] = UINT32_MAX;
    size_t nsym = 0;
    for (size_t i = 0; i < na; i++) {
        size_t k = (size_t)(a[i] * 2654435761u) & (nslots - 1);
        while (keys[k] != UINT32_MAX && keys[k] != a[i])
            k = (k + 1) & (nslots - 1);
        if (keys[k] == UINT32_MAX)
            keys[k] = a[i], index[k] = (uint32_t)nsym++;
        masks[index[k] * words + i / 64] |= 1ull << (i % 64);
    }
    for (size_t w = 0; w < words; w++)
        v[w] = ~0ull;
    for (size_t j = 0; j < nb; j++) {
        size_t k = (size_t)(b[j] * 2654435761u) & (nslots - 1);
        while (keys[k] != UINT32_MAX && keys[k] != b[j])
            k = (k + 1) & (nslots - 1);
        if (keys[k] == UINT32_MAX)
            continue;           /* symbol not in a: V unchanged */
        const uint64_t *m = masks + (size_t)index[k] * words;
        uint64_t carry = 0;
        for (size_t w = 0; w < words; w++) {
            uint64_t u = v[w] & m[w];
            uint64_t sum = v[w] + u;
            uint64_t c1 = sum < v[w];
            uint64_t sum2 = sum + carry;
            uint64_t c2 = sum2 < sum;
            v[w] = sum2 | (v[w] & ~u);
            carry = c1 | c2;
        }
    }
    result = 0;
    for (size_t i = 0; i < na; i++)
        result += !((v[i / 64] >> (i % 64)) & 1);
done:
    free(keys), free(index), free(masks), free(v);
    return result;
}

double sm_rouge_l(const sm_words *cand, const sm_words *ref, double beta)
{
    if (cand->n_ids == 0 || ref->n_ids == 0)
        return 0.0;
    size_t lcs = sm_lcs_length(cand->ids, cand->n_ids, ref->ids, ref->n_ids);
    if (lcs == (size_t)-1)
        return -1.0;
    if (lcs == 0)
        return 0.0;
    double p = (double)lcs / (double)cand->n_ids, r = (double)lcs / (double)ref->n_ids;
    double b2 = beta * beta;
    return (1 + b2) * p * r / (r + b2 * p);
}

/* ---- METEOR ------------------------------------------------------------------ */

const sm_meteor_params sm_meteor_default = {0.85, 0.20, 0.60, 0.60};

/* ---- matching: few chunks ----
 *
 * Each stage (exact words, then Porter stems) matches still-unmatched
 * candidate words with still-unmatched reference words of the same key.
 * As in METEOR, the matching is as large as it can be (every word pair
 * that can be matched is), and among such matchings one with few chunks is
 * wanted: "the cat sat on the mat" against itself is one chunk, however
 * many "the" there are.  The fewest chunks is a hard problem in general
 * (minimum common string partition); METEOR approximates it with a beam
 * search, which on stories of a thousand words costs sixty times the rest
 * of the scoring.  Here, left to right over the candidate: a word that
 * continues the previous word's chunk does; otherwise it starts the match
 * whose run of equal, free words ahead is the longest (ties: the first
 * after the previous match, then the first).  That finds the one chunk of
 * a text against itself and the two of "a b a c" against "a c a b", where
 * taking each word's first free match finds four. */

typedef struct keyed {
    uint32_t key, pos;
} keyed;

static int cmp_keyed(const void *x, const void *y)
{
    const keyed *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

enum { RUN_LOOKAHEAD = 64 };   /* runs longer than this are all "long" */

/* How many words from (c, r) on match: same keys, both still free. */
static size_t run_length(const uint32_t *ckey, size_t nc, const uint32_t *rkey, size_t nr,
                         const int32_t *cand_to_ref, const unsigned char *ref_used, size_t c, size_t r)
{
    size_t n = 0;
    while (c + n < nc && r + n < nr && n < RUN_LOOKAHEAD && cand_to_ref[c + n] < 0 && !ref_used[r + n] &&
           ckey[c + n] == rkey[r + n])
        n++;
    return n;
}

/* First entry of idx[0..n) with this key. */
static size_t key_first(const keyed *idx, size_t n, uint32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (idx[mid].key < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* One stage.  cand_to_ref and ref_used hold the earlier stages' matches
 * and receive this stage's.  Returns matches made, or SIZE_MAX on OOM. */
static size_t match_stage(const uint32_t *ckey, size_t nc, const uint32_t *rkey, size_t nr,
                          int32_t *cand_to_ref, unsigned char *ref_used)
{
    keyed *idx = malloc((nr ? nr : 1) * sizeof *idx), *cidx = malloc((nc ? nc : 1) * sizeof *cidx);
    if (!idx || !cidx) {
        free(idx), free(cidx);
        return SIZE_MAX;
    }
    size_t ni = 0, nci = 0;
    for (size_t r = 0; r < nr; r++)
        if (!ref_used[r])
            idx[ni++] = (keyed){rkey[r], (uint32_t)r};
    for (size_t c = 0; c < nc; c++)
        if (cand_to_ref[c] < 0)
            cidx[nci++] = (keyed){ckey[c], (uint32_t)c};
    qsort(idx, ni, sizeof *idx, cmp_keyed);
    qsort(cidx, nci, sizeof *cidx, cmp_keyed);
    size_t made = 0;
    for (size_t c = 0; c < nc; c++) {
        if (cand_to_ref[c] >= 0)
            continue;
        long prev = c > 0 && cand_to_ref[c - 1] >= 0 ? cand_to_ref[c - 1] : -1;
        if (prev >= 0 && (size_t)prev + 1 < nr && !ref_used[prev + 1] && rkey[prev + 1] == ckey[c]) {
            cand_to_ref[c] = (int32_t)(prev + 1);   /* the chunk goes on */
            ref_used[prev + 1] = 1;
            made++;
            continue;
        }
        long pick = -1;
        size_t best_run = 0, free_r = 0;
        int best_after = 0;
        for (size_t i = key_first(idx, ni, ckey[c]); i < ni && idx[i].key == ckey[c]; i++) {
            long r = idx[i].pos;
            if (ref_used[r])
                continue;
            free_r++;
            size_t run = run_length(ckey, nc, rkey, nr, cand_to_ref, ref_used, c, (size_t)r);
            int after = r > prev;
            if (pick < 0 || run > best_run || (run == best_run && after && !best_after)) {
                pick = r;
                best_run = run;
                best_after = after;
            }
        }
        if (pick < 0)
            continue;
        /* More words of this key to come than free reference words for
         * them: leave this one unmatched when a later one starts a longer
         * run at the same place ("the the the cat" / "the cat"). */
        size_t later = 0, later_run = 0;
        for (size_t i = key_first(cidx, nci, ckey[c]); i < nci && cidx[i].key == ckey[c]; i++) {
            size_t c2 = cidx[i].pos;
            if (c2 <= c || cand_to_ref[c2] >= 0)
                continue;
            later++;
            size_t run = run_length(ckey, nc, rkey, nr, cand_to_ref, ref_used, c2, (size_t)pick);
            if (run > later_run)
                later_run = run;
        }
        if (later >= free_r && later_run > best_run)
            continue;
        cand_to_ref[c] = (int32_t)pick;
        ref_used[pick] = 1;
        made++;
    }
    free(idx), free(cidx);
    return made;
}

double sm_meteor(const sm_vocab *v, const sm_words *cand, const sm_words *ref,
                 const sm_meteor_params *p, sm_meteor_detail *detail)
{
    sm_meteor_detail d;
    memset(&d, 0, sizeof d);
    if (!p)
        p = &sm_meteor_default;
    size_t nc = cand->n_ids, nr = ref->n_ids;
    if (nc == 0 || nr == 0) {
        if (detail)
            *detail = d;
        return 0.0;
    }
    int32_t *c2r = malloc(nc * sizeof *c2r);
    unsigned char *ref_used = calloc(nr, 1);
    uint32_t *cstem = malloc(nc * sizeof *cstem), *rstem = malloc(nr * sizeof *rstem);
    if (!c2r || !ref_used || !cstem || !rstem) {
        free(c2r), free(ref_used), free(cstem), free(rstem);
        return -1.0;
    }
    for (size_t i = 0; i < nc; i++)
        c2r[i] = -1, cstem[i] = v->stem_of[cand->ids[i]];
    for (size_t i = 0; i < nr; i++)
        rstem[i] = v->stem_of[ref->ids[i]];
    size_t exact = match_stage(cand->ids, nc, ref->ids, nr, c2r, ref_used);
    size_t stem = exact == SIZE_MAX ? SIZE_MAX : match_stage(cstem, nc, rstem, nr, c2r, ref_used);
    free(ref_used), free(cstem), free(rstem);
    if (stem == SIZE_MAX) {
        free(c2r);
        return -1.0;
    }
    size_t m = exact + stem, chunks = 0;
    long prev_c = -2, prev_r = -2;
    for (size_t c = 0; c < nc; c++) {
        if (c2r[c] < 0)
            continue;
        if (!((long)c == prev_c + 1 && c2r[c] == prev_r + 1))
            chunks++;
        prev_c = (long)c, prev_r = c2r[c];
    }
    free(c2r);
    d.exact = exact, d.stem = stem, d.chunks = chunks;
    if (m > 0) {
        double weighted = (double)exact + p->stem_weight * (double)stem;
        d.precision = weighted / (double)nc;
        d.recall = weighted / (double)nr;
        d.fmean = d.precision * d.recall / (p->alpha * d.precision + (1 - p->alpha) * d.recall);
        /* METEOR 1.5: every word of both matched, in one chunk, is no
         * fragmentation at all (a text against itself scores 1). */
        double frag = m == nc && m == nr && chunks == 1 ? 0.0 : (double)chunks / (double)m;
        d.penalty = p->gamma * pow(frag, p->beta);
        d.score = d.fmean * (1 - d.penalty);
        if (!(d.score > 0))
            d.score = 0;
    }
    if (detail)
        *detail = d;
    return d.score;
}
