/* film_alignment.c - a film's alignment as link needs it: read back from
 * the JSON Lines of `storymovie align`, or computed in-process. */
#define _POSIX_C_SOURCE 200809L
#include "storymovie/link.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"
#include "storymovie/align.h"
#include "storymovie/io.h"
#include "storymovie/script.h"
#include "storymovie/subtitle.h"

void sm_film_alignment_free(sm_film_alignment *a)
{
    free(a->segments);
    free(a->blocks);
    sm_arena_free(&a->arena);
    memset(a, 0, sizeof *a);
}

static const char *dup_string(sm_arena *a, json_t *v)
{
    return json_is_string(v) ? sm_arena_strdup(a, json_string_value(v)) : NULL;
}

/* One record's fields, whichever parser read them. */
typedef struct line_rec {
    char type[16];
    int has_cue, has_segment, has_block, has_scene;       /* integers */
    long long cue, segment, block, scene;
    int has_start, has_end, has_confidence;               /* numbers */
    double start, end, confidence;
    const char *text, *speaker, *kind, *timing;           /* strings in the arena, or NULL */
} line_rec;

/* --- the fast path: the flat objects `storymovie align` writes --------
 *
 * Reading a thousand films' alignments back (a resumed build) parses some
 * 3 million records; building a jansson tree for each costs more than
 * aligning the film again.  The records are flat objects of strings,
 * numbers and literals, so a scanner for exactly that reads them several
 * times faster.  Anything else (a nested value, malformed JSON) returns
 * FALLBACK and the line goes to jansson, which also words the errors. */
enum { SCAN_OK = 0, SCAN_FALLBACK = 1, SCAN_OOM = 2 };

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

static int hex4(const char *p, const char *e, unsigned *out)
{
    if (e - p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 when it is not one.
 * jansson refuses such bytes; so must the scanner, or a damaged file
 * would pass invalid UTF-8 on into link's JSON records. */
static size_t utf8_sequence(const unsigned char *s, const unsigned char *e)
{
    unsigned c = s[0], cp;
    size_t n;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if ((size_t)(e - s) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Raw length of the valid escape at q (a backslash): 2, 6 for \uXXXX, 12
 * for a surrogate pair; 0 for what jansson refuses (an unknown escape, a
 * lone surrogate, \u0000).  Checked even for strings the scanner skips,
 * since jansson refuses the whole line for any of them. */
static size_t escape_length(const char *q, const char *e)
{
    unsigned cp, lo;
    if (e - q < 2)
        return 0;
    switch (q[1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return 2;
    case 'u':
        if (hex4(q + 2, e, &cp) != 0 || cp == 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
            return 0;
        if (cp < 0xD800 || cp > 0xDBFF)
            return 6;
        if (e - q < 12 || q[6] != '\\' || q[7] != 'u' || hex4(q + 8, e, &lo) != 0 ||
            lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        return 12;
    default:
        return 0;
    }
}

/* *pp at the opening quote.  Decodes into the arena when a is not NULL
 * (*out), else only skips.  Decoded text is never longer than raw. */
static int scan_string(const char **pp, const char *e, sm_arena *a, const char **out)
{
    const char *p = *pp + 1;
    const char *q = p;
    while (q < e && *q != '"') {
        unsigned char c = (unsigned char)*q;
        if (c < 0x20)
            return SCAN_FALLBACK;
        if (c == '\\') {
            size_t n = escape_length(q, e);
            if (n == 0)
                return SCAN_FALLBACK;
            q += n;
        } else if (c < 0x80) {
            q++;
        } else {
            size_t n = utf8_sequence((const unsigned char *)q, (const unsigned char *)e);
            if (n == 0)
                return SCAN_FALLBACK;
            q += n;
        }
    }
    if (q >= e)
        return SCAN_FALLBACK;
    *pp = q + 1;
    if (!a)
        return SCAN_OK;
    char *dst = sm_arena_alloc(a, (size_t)(q - p) + 1);
    if (!dst)
        return SCAN_OOM;
    size_t n = 0;
    while (p < q) {
        if (*p != '\\') {
            dst[n++] = *p++;
            continue;
        }
        p++;
        switch (*p++) {
        case '"': dst[n++] = '"'; break;
        case '\\': dst[n++] = '\\'; break;
        case '/': dst[n++] = '/'; break;
        case 'b': dst[n++] = '\b'; break;
        case 'f': dst[n++] = '\f'; break;
        case 'n': dst[n++] = '\n'; break;
        case 'r': dst[n++] = '\r'; break;
        case 't': dst[n++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (hex4(p, q, &cp) != 0)
                return SCAN_FALLBACK;
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (q - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, q, &lo) != 0 ||
                    lo < 0xDC00 || lo > 0xDFFF)
                    return SCAN_FALLBACK;
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return SCAN_FALLBACK;
            }
            if (cp == 0)
                return SCAN_FALLBACK;   /* a NUL inside: let jansson decide */
            /* \uXXXX is 6 bytes raw, at most 4 decoded: it fits. */
            if (cp < 0x80) {
                dst[n++] = (char)cp;
            } else if (cp < 0x800) {
                dst[n++] = (char)(0xC0 | (cp >> 6));
                dst[n++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                dst[n++] = (char)(0xE0 | (cp >> 12));
                dst[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                dst[n++] = (char)(0x80 | (cp & 0x3F));
            } else {
                dst[n++] = (char)(0xF0 | (cp >> 18));
                dst[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                dst[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                dst[n++] = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default:
            return SCAN_FALLBACK;
        }
    }
    dst[n] = '\0';
    *out = dst;
    return SCAN_OK;
}

/* Whether buf is a number by JSON's grammar:
 * -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * strtod alone also takes "01", "1." and "-.5", which jansson refuses. */
static int json_number_syntax(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return 0;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* A JSON number; *is_int as jansson decides it (no '.', 'e' or 'E').
 * What jansson refuses (bad syntax, an integer beyond long long, a real
 * that overflows to infinity) falls back to it for the error message. */
static int scan_number(const char **pp, const char *e, double *v, long long *iv, int *is_int)
{
    const char *p = *pp;
    char buf[64];
    size_t n = 0;
    *is_int = 1;
    while (p < e && n < sizeof buf - 1 &&
           ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E')) {
        if (*p == '.' || *p == 'e' || *p == 'E')
            *is_int = 0;
        buf[n++] = *p++;
    }
    buf[n] = '\0';
    if (n == 0 || n == sizeof buf - 1 || !json_number_syntax(buf))
        return SCAN_FALLBACK;
    char *stop;
    errno = 0;
    if (*is_int) {
        *iv = strtoll(buf, &stop, 10);
        *v = (double)*iv;
        if (errno == ERANGE)
            return SCAN_FALLBACK;
    } else {
        *v = strtod(buf, &stop);
        if (!isfinite(*v))
            return SCAN_FALLBACK;
    }
    if (*stop != '\0')
        return SCAN_FALLBACK;
    *pp = p;
    return SCAN_OK;
}

static int key_is(const char *k, size_t n, const char *want)
{
    return strlen(want) == n && memcmp(k, want, n) == 0;
}

/* The keys the reader uses.  jansson keeps the last of duplicate keys
 * whatever their types, the scanner only fills slots: a record that
 * repeats one of these goes to jansson so both read it the same way. */
static const char *const used_keys[] = {"type", "text", "speaker", "kind", "timing", "start",
                                        "end", "confidence", "cue", "segment", "block", "scene"};

static int repeats_used_key(const char *k, size_t n, unsigned *seen)
{
    for (unsigned i = 0; i < sizeof used_keys / sizeof *used_keys; i++) {
        if (key_is(k, n, used_keys[i])) {
            if (*seen & (1u << i))
                return 1;
            *seen |= 1u << i;
            return 0;
        }
    }
    return 0;
}

static int scan_record(const char *p, const char *e, sm_arena *a, line_rec *r)
{
    memset(r, 0, sizeof *r);
    p = skip_ws(p, e);
    if (p == e || *p != '{')
        return SCAN_FALLBACK;
    p = skip_ws(p + 1, e);
    if (p < e && *p == '}')
        return skip_ws(p + 1, e) == e ? SCAN_OK : SCAN_FALLBACK;
    unsigned seen = 0;
    for (;;) {
        if (p == e || *p != '"')
            return SCAN_FALLBACK;
        const char *key = p + 1;
        int rc = scan_string(&p, e, NULL, NULL);
        if (rc != SCAN_OK)
            return rc;
        size_t klen = (size_t)(p - 1 - key);
        if (memchr(key, '\\', klen) || repeats_used_key(key, klen, &seen))
            return SCAN_FALLBACK;
        p = skip_ws(p, e);
        if (p == e || *p != ':')
            return SCAN_FALLBACK;
        p = skip_ws(p + 1, e);
        if (p == e)
            return SCAN_FALLBACK;
        if (*p == '"') {
            const char **slot = NULL;
            if (key_is(key, klen, "text"))
                slot = &r->text;
            else if (key_is(key, klen, "speaker"))
                slot = &r->speaker;
            else if (key_is(key, klen, "kind"))
                slot = &r->kind;
            else if (key_is(key, klen, "timing"))
                slot = &r->timing;
            if (key_is(key, klen, "type")) {
                const char *t0 = p + 1;
                if ((rc = scan_string(&p, e, NULL, NULL)) != SCAN_OK)
                    return rc;
                size_t tlen = (size_t)(p - 1 - t0);
                if (tlen >= sizeof r->type || memchr(t0, '\\', tlen))
                    return SCAN_FALLBACK;
                memcpy(r->type, t0, tlen);
                r->type[tlen] = '\0';
            } else if ((rc = scan_string(&p, e, slot ? a : NULL, slot)) != SCAN_OK) {
                return rc;
            }
        } else if ((*p >= '0' && *p <= '9') || *p == '-') {
            double v;
            long long iv = 0;
            int is_int;
            if ((rc = scan_number(&p, e, &v, &iv, &is_int)) != SCAN_OK)
                return rc;
            if (key_is(key, klen, "start"))
                r->has_start = 1, r->start = v;
            else if (key_is(key, klen, "end"))
                r->has_end = 1, r->end = v;
            else if (key_is(key, klen, "confidence"))
                r->has_confidence = 1, r->confidence = v;
            else if (key_is(key, klen, "cue"))
                r->has_cue = is_int, r->cue = iv;
            else if (key_is(key, klen, "segment"))
                r->has_segment = is_int, r->segment = iv;
            else if (key_is(key, klen, "block"))
                r->has_block = is_int, r->block = iv;
            else if (key_is(key, klen, "scene"))
                r->has_scene = is_int, r->scene = iv;
        } else if (e - p >= 4 && memcmp(p, "null", 4) == 0) {
            p += 4;
        } else if (e - p >= 4 && memcmp(p, "true", 4) == 0) {
            p += 4;
        } else if (e - p >= 5 && memcmp(p, "false", 5) == 0) {
            p += 5;
        } else {
            return SCAN_FALLBACK;   /* nested value or not JSON */
        }
        p = skip_ws(p, e);
        if (p < e && *p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        if (p < e && *p == '}')
            return skip_ws(p + 1, e) == e ? SCAN_OK : SCAN_FALLBACK;
        return SCAN_FALLBACK;
    }
}

/* --- the general path ------------------------------------------------ */

static int jansson_record(const char *name, long line, const char *text, size_t n, sm_arena *a,
                          line_rec *r, sm_error *err)
{
    memset(r, 0, sizeof *r);
    json_error_t jerr;
    json_t *o = json_loadb(text, n, 0, &jerr);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return sm_fail(err, name, line, "not a JSON object%s%s", o ? "" : ": ", o ? "" : jerr.text);
    }
    const char *type = json_string_value(json_object_get(o, "type"));
    if (type)
        snprintf(r->type, sizeof r->type, "%s", type);
    json_t *v;
    if (json_is_integer(v = json_object_get(o, "cue")))
        r->has_cue = 1, r->cue = json_integer_value(v);
    if (json_is_integer(v = json_object_get(o, "segment")))
        r->has_segment = 1, r->segment = json_integer_value(v);
    if (json_is_integer(v = json_object_get(o, "block")))
        r->has_block = 1, r->block = json_integer_value(v);
    if (json_is_integer(v = json_object_get(o, "scene")))
        r->has_scene = 1, r->scene = json_integer_value(v);
    if (json_is_number(v = json_object_get(o, "start")))
        r->has_start = 1, r->start = json_number_value(v);
    if (json_is_number(v = json_object_get(o, "end")))
        r->has_end = 1, r->end = json_number_value(v);
    if (json_is_number(v = json_object_get(o, "confidence")))
        r->has_confidence = 1, r->confidence = json_number_value(v);
    r->text = dup_string(a, json_object_get(o, "text"));
    r->speaker = dup_string(a, json_object_get(o, "speaker"));
    r->kind = dup_string(a, json_object_get(o, "kind"));
    r->timing = dup_string(a, json_object_get(o, "timing"));
    json_decref(o);
    return 0;
}

int sm_film_alignment_parse(const char *name, const char *text, size_t len,
                            sm_film_alignment *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    size_t seg_cap = 0, blk_cap = 0;
    const char *p = text, *end = text + len;
    long line = 0;
    sm_arena *a = &out->arena;
    while (p < end) {
        line++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        size_t n = (size_t)(eol - p);
        const char *rec = p;
        p = eol < end ? eol + 1 : end;
        size_t k = 0;
        while (k < n && (rec[k] == ' ' || rec[k] == '\t' || rec[k] == '\r'))
            k++;
        if (k == n)
            continue;
        line_rec r;
        int rc = scan_record(rec, rec + n, a, &r);
        if (rc == SCAN_OOM) {
            sm_film_alignment_free(out);
            return sm_fail(err, name, line, "out of memory");
        }
        if (rc == SCAN_FALLBACK && jansson_record(name, line, rec, n, a, &r, err) != 0) {
            sm_film_alignment_free(out);
            return -1;
        }
        if (strcmp(r.type, "segment") == 0) {
            if (!r.has_start || !r.has_end || !r.has_cue) {
                sm_film_alignment_free(out);
                return sm_fail(err, name, line, "a segment record without its required fields");
            }
            if (sm_grow(&out->segments, &seg_cap, out->n_segments + 1, sizeof *out->segments)) {
                sm_film_alignment_free(out);
                return sm_fail(err, name, line, "out of memory");
            }
            sm_film_segment *s = &out->segments[out->n_segments++];
            s->cue = (int)r.cue;
            s->segment = (int)r.segment;
            s->start = r.start;
            s->end = r.end;
            s->text = r.text;
            s->speaker = r.speaker;
            s->confidence = r.confidence;
            s->block = r.has_block ? (long)r.block : 0;
        } else if (strcmp(r.type, "block") == 0) {
            if (!r.has_block || !r.kind) {
                sm_film_alignment_free(out);
                return sm_fail(err, name, line, "a block record without its required fields");
            }
            if (sm_grow(&out->blocks, &blk_cap, out->n_blocks + 1, sizeof *out->blocks)) {
                sm_film_alignment_free(out);
                return sm_fail(err, name, line, "out of memory");
            }
            sm_film_block *b = &out->blocks[out->n_blocks++];
            memset(b, 0, sizeof *b);
            b->block = (long)r.block;
            b->kind = r.kind;
            b->scene = (int)r.scene;
            b->speaker = r.speaker;
            b->text = r.text;
            b->timing = r.timing;
            if (r.has_start && r.has_end) {
                b->timed = 1;
                b->start = r.start;
                b->end = r.end;
            }
        }
        /* Other record types may be added to the contract: skipped. */
    }
    return 0;
}

int sm_film_alignment_read(const char *path, sm_film_alignment *out, sm_error *err)
{
    memset(out, 0, sizeof *out);
    char *buf;
    size_t n;
    if (sm_read_file(path, SIZE_MAX, &buf, &n, err) != 0)
        return -1;
    int rc = sm_film_alignment_parse(path, buf, n, out, err);
    free(buf);
    return rc;
}

/* The in-process path builds the same model straight from the aligner's
 * structures (no JSON round trip), so `link` without --align-dir and
 * `build` give identical records to reading the files back. */
static int from_alignment(const sm_script *script, const sm_subtitles *subs,
                          const sm_alignment *al, sm_film_alignment *out)
{
    memset(out, 0, sizeof *out);
    sm_arena *a = &out->arena;
    out->segments = calloc(subs->n_segments + 1, sizeof *out->segments);
    out->blocks = calloc(script->n_blocks + 1, sizeof *out->blocks);
    if (!out->segments || !out->blocks)
        return -1;
    for (size_t i = 0; i < subs->n_segments; i++) {
        const sm_segment *s = &subs->segments[i];
        const sm_segment_speaker *r = &al->segments[i];
        sm_film_segment *d = &out->segments[i];
        d->cue = s->cue;
        d->segment = s->index;
        /* The JSON Lines carry times with 3 decimals; round the same way so
         * both paths produce identical records. */
        d->start = (double)(long long)(s->start * 1000.0 + 0.5) / 1000.0;
        d->end = (double)(long long)(s->end * 1000.0 + 0.5) / 1000.0;
        d->text = sm_arena_strdup(a, s->display ? s->display : (s->text ? s->text : ""));
        d->speaker = r->speaker ? sm_arena_strdup(a, r->speaker) : NULL;
        d->confidence = (double)(long long)(r->confidence * 1000.0 + 0.5) / 1000.0;
        d->block = r->block >= 0 ? r->block + 1 : 0;
        if (!d->text || (r->speaker && !d->speaker))
            return -1;
    }
    out->n_segments = subs->n_segments;
    for (size_t b = 0; b < script->n_blocks; b++) {
        const sm_block *blk = &script->blocks[b];
        const sm_block_time *t = &al->blocks[b];
        sm_film_block *d = &out->blocks[b];
        d->block = (long)b + 1;
        d->kind = sm_block_kind_name(blk->kind);
        d->scene = blk->scene;
        d->speaker = blk->kind == SM_BLOCK_DIALOGUE && blk->speaker ? sm_arena_strdup(a, blk->speaker) : NULL;
        d->text = sm_arena_strdup(a, blk->text ? blk->text : "");
        if (t->timing != SM_TIMING_NONE) {
            d->timed = 1;
            d->start = (double)(long long)(t->start * 1000.0 + 0.5) / 1000.0;
            d->end = (double)(long long)(t->end * 1000.0 + 0.5) / 1000.0;
            d->timing = t->timing == SM_TIMING_ALIGNED ? "aligned" : "interpolated";
        }
        if (!d->text)
            return -1;
    }
    out->n_blocks = script->n_blocks;
    return 0;
}

int sm_film_align(const char *script_path, const char *subtitle_path,
                  sm_film_alignment *out, char **jsonl, size_t *jsonl_len,
                  sm_film_align_stats *stats, sm_error *err)
{
    memset(out, 0, sizeof *out);
    if (jsonl) {
        *jsonl = NULL;
        *jsonl_len = 0;
    }
    if (stats)
        memset(stats, 0, sizeof *stats);
    sm_script script;
    sm_subtitles subs;
    if (sm_script_read_file(script_path, &script, err))
        return -1;
    if (sm_subtitles_read_file(subtitle_path, &subs, err)) {
        sm_script_free(&script);
        return -1;
    }
    sm_align_options opt;
    sm_align_options_init(&opt);
    sm_alignment al;
    int rc = sm_align(&script, &subs, &opt, &al, err);
    if (rc == 0) {
        if (stats) {
            stats->segments = al.n_segments;
            stats->answered = al.answered;
            stats->dialogue_blocks = al.dialogue_blocks;
            stats->matched_blocks = al.matched_blocks;
            snprintf(stats->note, sizeof stats->note, "%s", al.note);
        }
        if (jsonl) {
            FILE *mem = open_memstream(jsonl, jsonl_len);
            if (!mem) {
                rc = sm_fail(err, subtitle_path, 0, "out of memory");
            } else {
                if (sm_alignment_write_jsonl(mem, &script, &subs, &al) != 0)
                    rc = sm_fail(err, subtitle_path, 0, "out of memory writing the alignment");
                if (fclose(mem) != 0 && rc == 0)
                    rc = sm_fail(err, subtitle_path, 0, "out of memory writing the alignment");
            }
        }
        if (rc == 0 && from_alignment(&script, &subs, &al, out) != 0)
            rc = sm_fail(err, subtitle_path, 0, "out of memory");
        sm_alignment_free(&al);
    }
    sm_subtitles_free(&subs);
    sm_script_free(&script);
    if (rc != 0) {
        sm_film_alignment_free(out);
        if (jsonl) {
            free(*jsonl);
            *jsonl = NULL;
            *jsonl_len = 0;
        }
    }
    return rc;
}
