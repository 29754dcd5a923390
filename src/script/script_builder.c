/* script_builder.c - what the three screenplay readers share: the block
 * builder, text buffers and line helpers (see script_builder.h), and the
 * speaker key every block's speaker gets. */
#include "script/script_builder.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "common/array.h"

/* ---- buffers ------------------------------------------------------------ */

static int sbuf_reserve(sm_sbuf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (sm_grow(&b->p, &b->cap, b->len + extra + 1, 1) != 0) {
        b->failed = 1;
        return -1;
    }
    return 0;
}

void sm_sbuf_put(sm_sbuf *b, const char *s, size_t n)
{
    if (n == 0 || sbuf_reserve(b, n) < 0)
        return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sm_sbuf_putc(sm_sbuf *b, char c)
{
    if (sbuf_reserve(b, 1) < 0)
        return;
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void sm_sbuf_join(sm_sbuf *b, char sep, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (b->len)
        sm_sbuf_putc(b, sep);
    sm_sbuf_put(b, s, n);
}

void sm_sbuf_free(sm_sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

/* ---- text helpers ------------------------------------------------------- */

int sm_fountain_title_key(const char *s, size_t n)
{
    static const char *const keys[] = {
        "Title:", "Credit:", "Author:", "Authors:", "Source:", "Draft date:",
        "Contact:", "Copyright:", "Notes:", "Revision:", "Date:", "Episode:", "Format:",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (sm_ascii_prefix_ci(s, n, keys[i]))
            return 1;
    return 0;
}


void sm_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t len = *n;
    /* spaces, tabs and the no-break space (U+00A0) that web copies carry */
    for (;;) {
        if (len && sm_is_space((unsigned char)p[0]))
            p++, len--;
        else if (len >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
            p += 2, len -= 2;
        else
            break;
    }
    for (;;) {
        if (len && sm_is_space((unsigned char)p[len - 1]))
            len--;
        else if (len >= 2 && (unsigned char)p[len - 2] == 0xC2 && (unsigned char)p[len - 1] == 0xA0)
            len -= 2;
        else
            break;
    }
    *s = p;
    *n = len;
}

int sm_all_caps(const char *s, size_t n, int skip_parens)
{
    int letters = 0, depth = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (skip_parens && c == '(')
            depth++;
        else if (skip_parens && c == ')' && depth)
            depth--;
        else if (depth)
            continue;
        else if (sm_is_lower(c))
            return 0;
        else if (sm_is_upper(c))
            letters++;
    }
    return letters > 0;
}

size_t sm_heading_prefix(const char *s, size_t n, int upper_only)
{
    /* Longest first, so "INT./EXT." wins over "INT.". */
#define P(x) {x, sizeof x - 1}
    static const struct { const char *text; size_t len; } prefixes[] = {
        P("INT./EXT."), P("INT/EXT."), P("INT./EXT"), P("INT/EXT"), P("INT. / EXT."), P("INT / EXT"),
        P("EXT./INT."), P("EXT/INT."), P("EXT./INT"), P("EXT/INT"), P("EXT. / INT."), P("EXT / INT"),
        P("I/E."), P("I/E"), P("E/I."), P("E/I"), P("INT."), P("EXT."), P("EST."), P("INT"), P("EXT"), P("EST"),
    };
#undef P
    /* Every line of a script comes through here: most leave at once. */
    if (n < 3)
        return 0;
    unsigned char c0 = (unsigned char)s[0];
    if (c0 != 'I' && c0 != 'E' && (upper_only || (c0 != 'i' && c0 != 'e')))
        return 0;
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        const char *pre = prefixes[i].text;
        size_t k = prefixes[i].len;
        if (n < k || !sm_ascii_prefix_ci(s, n, pre))
            continue;
        if (upper_only) {
            int lower = 0;
            for (size_t j = 0; j < k; j++)
                lower |= sm_is_lower((unsigned char)s[j]);
            if (lower)
                continue;
        }
        /* The prefix must end the word: "INTERCUT" and "EXTREME" are not
         * headings, "INT. HOUSE", "INT HOUSE" and a bare "INT." are. */
        if (k == n)
            return pre[k - 1] == '.' ? k : 0;
        unsigned char next = (unsigned char)s[k];
        if (pre[k - 1] == '.' || next == ' ' || next == '\t' || next == '.' || next == '/' || next == '-') {
            size_t j = k;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '.'))
                j++;
            return j;
        }
    }
    return 0;
}

/* ---- builder ------------------------------------------------------------ */

sm_block *sm_builder_add(sm_builder *b, sm_block_kind kind, long line, long end_line)
{
    sm_script *s = b->script;
    if (s->n_blocks >= SM_SCRIPT_MAX_BLOCKS) {
        /* 88 bytes a block: a file of one-character lines would need ~40
         * times its size; refuse instead of exhausting memory. */
        b->too_many = 1;
        return NULL;
    }
    /* The first capacity is the hint (the line count bounds the blocks). */
    size_t need = b->blocks_cap ? s->n_blocks + 1 : (b->blocks_hint > 256 ? b->blocks_hint : 256);
    if (sm_grow(&s->blocks, &b->blocks_cap, need, sizeof *s->blocks) != 0) {
        b->failed = 1;
        return NULL;
    }
    if (kind == SM_BLOCK_SCENE_HEADING)
        b->scene++;
    sm_block *blk = &s->blocks[s->n_blocks++];
    memset(blk, 0, sizeof *blk);
    blk->kind = kind;
    blk->text = "";             /* never NULL, even for a page break */
    blk->scene = b->scene;
    blk->line = line;
    blk->end_line = end_line < line ? line : end_line;
    return blk;
}

const char *sm_builder_str(sm_builder *b, const char *s, size_t n, int empty_is_null)
{
    if (n == 0 && empty_is_null)
        return NULL;
    char *p = sm_arena_strndup(&b->script->arena, s ? s : "", s ? n : 0);
    if (!p)
        b->failed = 1;
    return p;
}

void sm_builder_title(sm_builder *b, const char *key, size_t key_len,
                      const char *value, size_t value_len)
{
    sm_script *s = b->script;
    if (sm_grow(&s->title, &b->title_cap, s->n_title + 1, sizeof *s->title) != 0) {
        b->failed = 1;
        return;
    }
    sm_title_field *f = &s->title[s->n_title++];
    f->key = sm_builder_str(b, key, key_len, 0);
    f->value = sm_builder_str(b, value, value_len, 0);
}

void sm_builder_speaker(sm_builder *b, sm_block *blk, const char *cue, size_t n)
{
    sm_trim(&cue, &n);
    /* The name is everything before the first '('; each (...) group after it
     * is an extension: "MAURA (O.S.; THRU PHONE)", "JOHN (V.O.) (CONT'D)". */
    size_t name_len = 0;
    while (name_len < n && cue[name_len] != '(')
        name_len++;
    const char *name = cue;
    size_t nl = name_len;
    sm_trim(&name, &nl);
    char ext[256];
    size_t ext_len = 0;
    size_t i = name_len;
    while (i < n) {
        if (cue[i] != '(') {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && cue[j] != ')')
            j++;
        const char *e = cue + i + 1;
        size_t el = j - i - 1;
        sm_trim(&e, &el);
        if (el && ext_len + el + 2 < sizeof ext) {
            if (ext_len)
                ext[ext_len++] = ' ';
            memcpy(ext + ext_len, e, el);
            ext_len += el;
        }
        i = j + 1;
    }
    /* Extensions without parentheses: "JOHN CONT'D", "CHER V.O.". */
    static const struct { const char *bare, *ext; } bare[] = {
        {" CONT'D", "CONT'D"}, {" CONT’D", "CONT'D"}, {" CONT.", "CONT'D"},
        {" V.O.", "V.O."}, {" O.S.", "O.S."}, {" O.C.", "O.C."},
    };
    for (size_t k = 0; k < sizeof bare / sizeof bare[0]; k++) {
        size_t bl = strlen(bare[k].bare), el = strlen(bare[k].ext);
        if (nl > bl && sm_ascii_prefix_ci(name + nl - bl, bl, bare[k].bare)) {
            nl -= bl;
            sm_trim(&name, &nl);
            if (ext_len + el + 2 < sizeof ext) {
                if (ext_len)
                    ext[ext_len++] = ' ';
                memcpy(ext + ext_len, bare[k].ext, el);
                ext_len += el;
            }
            k = (size_t)-1;      /* "CHER V.O. CONT'D": look again */
        }
    }
    if (nl == 0) {          /* "(VOICE)" alone: keep what is written */
        name = cue;
        nl = n;
        ext_len = 0;
    }
    blk->speaker = sm_builder_str(b, name, nl, 0);
    char key[256];
    size_t kl = sm_speaker_key(blk->speaker ? blk->speaker : "", key, sizeof key);
    blk->speaker_key = sm_builder_str(b, key, kl, 0);
    blk->extension = sm_builder_str(b, ext, ext_len, 1);
}

/* ---- speaker keys ------------------------------------------------------- */

size_t sm_speaker_key(const char *name, char *buf, size_t size)
{
    size_t out = 0;
    if (size == 0)
        return 0;
    int depth = 0;
    const unsigned char *p = (const unsigned char *)name;
    while (*p) {
        unsigned char c = *p;
        if (c < 0x80) {
            p++;
            if (c == '(' || c == '[')
                depth++;
            else if ((c == ')' || c == ']') && depth)
                depth--;
            else if (!depth && (sm_is_alpha(c) || sm_is_digit(c)) && out + 1 < size)
                buf[out++] = (char)(sm_is_upper(c) ? c + 32 : c);
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0) {           /* invalid byte: skip it */
            p++;
            continue;
        }
        p += k;
        if (depth)
            continue;
        utf8proc_category_t cat = utf8proc_category(cp);
        int keep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                   (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
        if (!keep)
            continue;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t el = utf8proc_encode_char(utf8proc_tolower(cp), enc);
        if (el <= 0 || out + (size_t)el + 1 > size)
            continue;
        memcpy(buf + out, enc, (size_t)el);
        out += (size_t)el;
    }
    buf[out] = '\0';
    return out;
}

/* Script speakers are written "MARTHA", "PRICE", "DR. HALE (V.O.)"; cast
 * characters "Martha Hale", "Owen Price": a speaker is a person when its key
 * equals the key of the whole name or of one of its words. */
int sm_speaker_agrees(const char *name, const char *speaker)
{
    char sk[128], ck[128], word[128];
    if (!name || !speaker || sm_speaker_key(speaker, sk, sizeof sk) == 0)
        return 0;
    if (sm_speaker_key(name, ck, sizeof ck) > 0 && strcmp(sk, ck) == 0)
        return 1;
    const char *p = name;
    while (*p) {
        while (*p == ' ' || *p == '-' || *p == '/' || *p == '"')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '-' && *p != '/' && *p != '"')
            p++;
        size_t n = (size_t)(p - w);
        if (n == 0 || n >= sizeof word)
            continue;
        memcpy(word, w, n);
        word[n] = '\0';
        if (sm_speaker_key(word, ck, sizeof ck) >= 2 && strcmp(sk, ck) == 0)
            return 1;
    }
    return 0;
}
