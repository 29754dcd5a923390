/* transcript.c - fan transcripts: "Name: line" paragraphs.
 *
 *     The One With the Sonogram at the End        <- title field "Title"
 *     Written by: Marta Kauffman & David Crane     <- title field "Written by"
 *     [Scene: Central Perk, everyone's there.]     <- scene_heading
 *     Monica: What you guys don't understand ...   <- dialogue, speaker "Monica"
 *     Ross: (trying to ignore her) No. No.         <- parenthetical moved out
 *     (Carol has entered behind them.)             <- action
 *     Opening Credits                              <- action
 *
 * A paragraph is a run of non-blank lines; a line that itself starts with a
 * speaker or a bracketed scene opens a new paragraph, so transcripts without
 * blank lines between speeches read the same.  Lines that continue a speech
 * are joined to it with a space. */
#include "script/script_internal.h"

#include <string.h>

typedef struct line_ref {
    const char *s;
    size_t n;
    long no;
} line_ref;

/* Length of the speaker name when the line has the "Name: text" shape, else
 * 0.  Names may hold spaces, dots, apostrophes, digits, commas and a
 * parenthesised note ("BOTH (but to different babies)"), but not sentence
 * punctuation, and are short. */
static size_t speaker_prefix(const char *s, size_t n)
{
    if (n < 2 || !sm_is_upper((unsigned char)s[0]))
        return 0;
    int words = 1, depth = 0;
    for (size_t i = 1; i < n && i <= 60; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '(')
            depth++;
        else if (c == ')' && depth)
            depth--;
        else if (depth)
            continue;
        else if (c == ':')
            return i <= 45 ? i : 0;
        else if (c == ' ')
            words += s[i - 1] != ' ';
        else if (c == '!' || c == '?' || c == '"' || c == '[' || c == ']' || c == ';')
            return 0;
        if (words > 6)
            return 0;
    }
    return 0;
}

static int is_scene_line(const char *s, size_t n)
{
    return sm_ascii_prefix_ci(s, n, "[Scene") || sm_ascii_prefix_ci(s, n, "(Scene:");
}

/* "(At Monica and Rachel's)": some transcripts mark a change of place this
 * way instead of [Scene: ...]. */
static int is_place_line(const char *s, size_t n)
{
    return n <= 60 && (sm_ascii_prefix_ci(s, n, "(At ") || sm_ascii_prefix_ci(s, n, "[At ")) &&
           (s[n - 1] == ')' || s[n - 1] == ']');
}

/* Is there a word "by" or "from" among the first words of [s, s+n)?
 * Returns the length up to and including it, else 0. */
static size_t credit_word(const char *s, size_t n, int max_words)
{
    int words = 0;
    for (size_t i = 0; i < n && words < max_words; i++) {
        if (i > 0 && s[i - 1] != ' ')
            continue;
        if (s[i] == ' ')
            continue;
        words++;
        size_t w = 0;
        if (sm_ascii_prefix_ci(s + i, n - i, "by"))
            w = 2;
        else if (sm_ascii_prefix_ci(s + i, n - i, "from"))
            w = 4;
        if (w && (i + w == n || s[i + w] == ' ' || s[i + w] == ':'))
            return i + w;
    }
    return 0;
}

/* A header credit such as "Written by: X", "Transcribed by X",
 * "With Help From: X".  On success the key and value spans are set. */
static int header_field(const char *s, size_t n, size_t name_len, const char **key, size_t *kn,
                        const char **val, size_t *vn)
{
    size_t k = name_len ? credit_word(s, name_len, 6) : credit_word(s, n, 5);
    if (!k)
        return 0;
    *key = s;
    *kn = k;
    const char *v = s + k;
    size_t vl = n - k;
    sm_trim(&v, &vl);
    if (vl && v[0] == ':') {
        v++, vl--;
        sm_trim(&v, &vl);
    }
    *val = v;
    *vn = vl;
    return vl > 0;
}

/* Move (...) and [...] groups of a speech into `paren`, the rest into
 * `speech`, with runs of spaces collapsed. */
static void split_speech(const char *s, size_t n, sm_sbuf *speech, sm_sbuf *paren)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '(' || c == '[') {
            /* A direction is a group closed before any other group opens.
             * An opening bracket without its close (common in drafts and
             * hand-typed transcripts) is kept as text: swallowing the rest
             * of the speech would lose the very words the aligner needs. */
            char close = c == '(' ? ')' : ']';
            size_t j = i + 1;
            while (j < n && s[j] != close && s[j] != '(' && s[j] != '[')
                j++;
            if (j < n && s[j] == close) {
                const char *in = s + i + 1;
                size_t inl = j - i - 1;
                sm_trim(&in, &inl);
                sm_sbuf_join(paren, ' ', in, inl);
                i = j + 1;
                continue;
            }
            i++;   /* unclosed: drop the bracket itself, keep what follows */
            continue;
        }
        if (sm_is_space(c)) {
            if (speech->len && speech->p[speech->len - 1] != ' ')
                sm_sbuf_putc(speech, ' ');
            i++;
            continue;
        }
        size_t j = i;
        while (j < n && s[j] != '(' && s[j] != '[' && !sm_is_space((unsigned char)s[j]))
            j++;
        sm_sbuf_put(speech, s + i, j - i);
        i = j;
    }
    while (speech->len && speech->p[speech->len - 1] == ' ')
        speech->p[--speech->len] = '\0';
}

typedef struct pending {
    sm_block_kind kind;
    int open;                 /* a block is being assembled */
    long line, end_line;
    const char *speaker;      /* name span of a dialogue */
    size_t speaker_len;
} pending;

/* Emit the block being assembled, if any. */
static void flush(sm_builder *b, pending *pd, sm_sbuf *speech, sm_sbuf *paren, sm_sbuf *para)
{
    if (!pd->open)
        return;
    pd->open = 0;
    sm_block *blk = sm_builder_add(b, pd->kind, pd->line, pd->end_line);
    if (!blk)
        return;
    if (pd->kind == SM_BLOCK_DIALOGUE) {
        sm_builder_speaker(b, blk, pd->speaker, pd->speaker_len);
        /* A note on the name ("BOTH (but to different babies)") is a
         * direction, not an extension like (V.O.). */
        if (blk->extension) {
            size_t en = strlen(blk->extension);
            if (paren->len) {
                sm_sbuf tmp = {0};
                sm_sbuf_put(&tmp, blk->extension, en);
                sm_sbuf_join(&tmp, ' ', paren->p, paren->len);
                blk->parenthetical = sm_builder_str(b, tmp.p, tmp.len, 1);
                if (tmp.failed)
                    b->failed = 1;
                sm_sbuf_free(&tmp);
            } else {
                blk->parenthetical = blk->extension;
            }
            blk->extension = NULL;
        } else {
            blk->parenthetical = sm_builder_str(b, paren->p, paren->len, 1);
        }
        blk->text = sm_builder_str(b, speech->p, speech->len, 0);
    } else {
        blk->text = sm_builder_str(b, para->p, para->len, 0);
    }
    speech->len = paren->len = para->len = 0;
}

int sm_parse_transcript(const char *name, const char *text, size_t len, sm_builder *b, sm_error *err)
{
    (void)name;
    (void)err;
    sm_sbuf speech = {0}, paren = {0}, para = {0};
    const char *p = text, *end = text + len;
    long line_no = 0;
    int in_header = 1, have_title = 0;
    pending pd = {0};

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line_no++;
        const char *s = p;
        size_t n = (size_t)(e - p);
        p = nl ? nl + 1 : end;
        sm_trim(&s, &n);
        if (n == 0) {
            flush(b, &pd, &speech, &paren, &para);
            continue;
        }
        size_t name_len = speaker_prefix(s, n);
        const char *key, *val;
        size_t kn, vn;
        if (in_header && header_field(s, n, name_len, &key, &kn, &val, &vn)) {
            flush(b, &pd, &speech, &paren, &para);
            sm_builder_title(b, key, kn, val, vn);
            continue;
        }
        if (is_scene_line(s, n)) {
            flush(b, &pd, &speech, &paren, &para);
            in_header = 0;
            /* "[Scene: Central Perk, ...]" -> "Central Perk, ...".  A long
             * description may wrap: it runs to the closing bracket. */
            char close = s[0] == '[' ? ']' : ')';
            long first_line = line_no;
            para.len = 0;
            sm_sbuf_put(&para, s + 6, n - 6);
            while (para.len && para.p[para.len - 1] != close && p < end) {
                const char *nl2 = memchr(p, '\n', (size_t)(end - p));
                const char *t = p;
                size_t tn = (size_t)((nl2 ? nl2 : end) - p);
                sm_trim(&t, &tn);
                if (tn == 0 || t[0] == '[' || t[0] == '(' || speaker_prefix(t, tn))
                    break;
                sm_sbuf_join(&para, ' ', t, tn);
                line_no++;
                p = nl2 ? nl2 + 1 : end;
            }
            const char *in = para.p ? para.p : "";
            size_t inl = para.len;
            if (inl && in[inl - 1] == close)
                inl--;
            if (inl && in[0] == ':')
                in++, inl--;
            sm_trim(&in, &inl);
            sm_block *blk = sm_builder_add(b, SM_BLOCK_SCENE_HEADING, first_line, line_no);
            if (blk)
                blk->text = sm_builder_str(b, in, inl, 0);
            para.len = 0;
            continue;
        }
        if (is_place_line(s, n)) {
            flush(b, &pd, &speech, &paren, &para);
            in_header = 0;
            sm_block *blk = sm_builder_add(b, SM_BLOCK_SCENE_HEADING, line_no, line_no);
            if (blk)
                blk->text = sm_builder_str(b, s + 1, n - 2, 0);
            continue;
        }
        if (name_len) {
            flush(b, &pd, &speech, &paren, &para);
            in_header = 0;
            pd = (pending){.kind = SM_BLOCK_DIALOGUE, .open = 1, .line = line_no,
                           .end_line = line_no, .speaker = s, .speaker_len = name_len};
            split_speech(s + name_len + 1, n - name_len - 1, &speech, &paren);
            continue;
        }
        if (pd.open && pd.kind == SM_BLOCK_DIALOGUE) {
            /* A speech wrapped over several lines. */
            if (speech.len)
                sm_sbuf_putc(&speech, ' ');
            split_speech(s, n, &speech, &paren);
            pd.end_line = line_no;
            continue;
        }
        if (in_header && !have_title && b->script->n_blocks == 0 && !pd.open) {
            sm_builder_title(b, "Title", 5, s, n);
            have_title = 1;
            continue;
        }
        if (pd.open) {
            sm_sbuf_join(&para, '\n', s, n);
            pd.end_line = line_no;
            continue;
        }
        pd = (pending){.kind = SM_BLOCK_ACTION, .open = 1, .line = line_no, .end_line = line_no};
        sm_sbuf_put(&para, s, n);
    }
    flush(b, &pd, &speech, &paren, &para);
    if (speech.failed || paren.failed || para.failed)
        b->failed = 1;
    sm_sbuf_free(&speech);
    sm_sbuf_free(&paren);
    sm_sbuf_free(&para);
    return 0;
}
