/* llm_cache_log.c - the records of the cache's log (see llm_cache.c).
 *
 * A record is one answer, as it will become a row of the table:
 *
 *   "SMA1"              mark, 4 bytes
 *   u32 size            bytes after this field, up to and including the end mark
 *   i64 status, i64 prompt_tokens, i64 completion_tokens (-1: none)
 *   f64 latency         IEEE 754 bits
 *   6 strings           custom_id, body_sha256, model, created, source,
 *                       response: each u32 length (0xFFFFFFFF: none), the
 *                       bytes, then a NUL
 *   "END\n"             end mark
 *
 * Integers are little-endian whatever the machine.  The log is only ever
 * appended to, so a run killed in the middle of a write leaves at most one
 * torn record at the end: reading stops at the first record that is short
 * or whose marks or lengths do not hold, and everything before it is whole.
 * The strings end in NUL so that a decoded row points into the buffer. */
#include "llm/llm_internal.h"

#include <stdint.h>
#include <string.h>

#define LOG_END "END\n"
#define LOG_NONE 0xFFFFFFFFu

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static unsigned char *put_string(unsigned char *p, const char *s, size_t n)
{
    if (!s) {
        put_u32(p, LOG_NONE);
        return p + 4;
    }
    put_u32(p, (uint32_t)n);
    memcpy(p + 4, s, n);
    p[4 + n] = '\0';
    return p + 5 + n;
}

int llm_log_append(llm_buf *b, const llm_row *row)
{
    const char *s[6] = {row->custom_id, row->sha256, row->model, row->created, row->source, row->response};
    size_t n[6], size = 8 * 4 + 4;
    for (int i = 0; i < 6; i++) {
        n[i] = !s[i] ? 0 : i == 5 ? row->response_len : strlen(s[i]);
        if (n[i] >= LOG_NONE - 64)
            return -1;
        size += 4 + (s[i] ? n[i] + 1 : 0);
    }
    if (size >= LOG_NONE - 64 || llm_buf_reserve(b, 8 + size))
        return -1;
    unsigned char *p = (unsigned char *)b->data + b->len;
    memcpy(p, LOG_RECORD_MARK, 4);
    put_u32(p + 4, (uint32_t)size);
    p += 8;
    put_u64(p, (uint64_t)(int64_t)row->status);
    put_u64(p + 8, (uint64_t)(int64_t)row->prompt_tokens);
    put_u64(p + 16, (uint64_t)(int64_t)row->completion_tokens);
    uint64_t bits;
    memcpy(&bits, &row->latency, sizeof bits);
    put_u64(p + 24, bits);
    p += 32;
    for (int i = 0; i < 6; i++)
        p = put_string(p, s[i], n[i]);
    memcpy(p, LOG_END, 4);
    b->len += 8 + size;
    b->data[b->len] = '\0';
    return 0;
}

/* A string of the record; text (every field but the response) holds no NUL
 * of its own, as it goes to SQLite as a C string. */
static const char *get_string(const unsigned char **p, const unsigned char *end, size_t *len, int text, int *bad)
{
    if (end - *p < 4) {
        *bad = 1;
        return NULL;
    }
    uint32_t n = get_u32(*p);
    *p += 4;
    if (n == LOG_NONE) {
        *len = 0;
        return NULL;
    }
    if ((size_t)(end - *p) < (size_t)n + 1 || (*p)[n] != '\0' || (text && memchr(*p, '\0', n))) {
        *bad = 1;
        return NULL;
    }
    const char *s = (const char *)*p;
    *p += n + 1;
    *len = n;
    return s;
}

int llm_log_next(const char *data, size_t n, size_t *used, llm_row *row)
{
    const unsigned char *p = (const unsigned char *)data;
    if (n < 8 || memcmp(p, LOG_RECORD_MARK, 4) != 0)
        return 0;
    uint32_t size = get_u32(p + 4);
    if (size < 8 * 4 + 4 || size > n - 8)
        return 0;
    const unsigned char *q = p + 8, *end = p + 8 + size - 4;
    if (memcmp(end, LOG_END, 4) != 0)
        return 0;
    memset(row, 0, sizeof *row);
    row->status = (long)(int64_t)get_u64(q);
    row->prompt_tokens = (long)(int64_t)get_u64(q + 8);
    row->completion_tokens = (long)(int64_t)get_u64(q + 16);
    uint64_t bits = get_u64(q + 24);
    memcpy(&row->latency, &bits, sizeof bits);
    q += 32;
    int bad = 0;
    size_t len;
    row->custom_id = get_string(&q, end, &len, 1, &bad);
    row->sha256 = get_string(&q, end, &len, 1, &bad);
    if (!bad && (!row->sha256 || len != 64))
        bad = 1;
    row->model = get_string(&q, end, &len, 1, &bad);
    row->created = get_string(&q, end, &len, 1, &bad);
    row->source = get_string(&q, end, &len, 1, &bad);
    row->response = get_string(&q, end, &row->response_len, 0, &bad);
    if (bad || q != end || !row->custom_id || !row->created || !row->source || !row->response)
        return 0;
    *used = 8 + (size_t)size;
    return 1;
}
