/* llm_internal.h - the pieces of the LLM layer, shared between its files.
 *
 *   llm_request.c    bodies, custom_ids, Batch input lines, base64/SHA-256
 *   llm_answer.c     the one reader of answers: chat completions, Batch output lines
 *   llm_cache.c      the cache: an SQLite table, and the log of the live run
 *   llm_cache_log.c  the records of that log
 *   llm_responses.c  a Batch output file, read whole and looked up by custom_id
 *   llm_http.c       the live client: libcurl multi, retries
 *   llm.c            a run: sources in order, the one path after an answer arrives,
 *                    counts, progress, summary */
#ifndef STORYMOVIE_LLM_INTERNAL_H
#define STORYMOVIE_LLM_INTERNAL_H

#include <stddef.h>

#include "storymovie/llm.h"

/* A growable byte buffer, always NUL-terminated when data != NULL. */
typedef struct llm_buf {
    char *data;
    size_t len, cap;
} llm_buf;

int llm_buf_reserve(llm_buf *b, size_t extra);
int llm_buf_add(llm_buf *b, const void *p, size_t n);
void llm_buf_free(llm_buf *b);

/* A string -> pointer table (open addressing), for custom_ids. */
typedef struct llm_table {
    char **keys;
    void **values;
    size_t cap, n_keys;
} llm_table;

void *llm_table_get(const llm_table *t, const char *key);
/* Insert or replace; the key is copied.  -1 when out of memory. */
int llm_table_put(llm_table *t, const char *key, void *value);
void llm_table_free(llm_table *t, void (*free_value)(void *));

/* Seconds on a monotonic clock. */
double llm_now(void);

/* Replace every occurrence of key in s[0..*len) with "[redacted]" (the
 * buffer may grow: s is realloc'd).  Keys shorter than 8 bytes are left
 * alone (they would match ordinary text). */
void llm_redact(const char *key, char **s, size_t *len);

/* Make s one printable line of at most max bytes (controls -> spaces,
 * trailing space trimmed, "..." when cut). */
void llm_one_line(char *s, size_t max);

/* ---- the cache ---- */
typedef struct llm_cache llm_cache;

typedef struct llm_cached {
    long status;
    char *response;           /* malloc'd */
    size_t response_len;
    double latency;
} llm_cached;

llm_cache *llm_cache_open(const char *path, sm_error *err);
/* 1 found (out filled), 0 not found, -1 error. */
int llm_cache_get(llm_cache *c, const sm_llm_request *r, llm_cached *out, sm_error *err);
int llm_cache_put(llm_cache *c, const sm_llm_request *r, const sm_llm_answer *a, const char *source,
                  sm_error *err);
/* Between llm_cache_hold and llm_cache_release (one wake-up of the live
 * client), puts go to the cache's log; release writes them there, in one
 * write, before any of them is handed on (-1 and err when it cannot), and
 * moves the log into the table now and then.  Both accept NULL (no cache). */
void llm_cache_hold(llm_cache *c);
int llm_cache_release(llm_cache *c, sm_error *err);
/* Move what the log holds into the table (-1 and err when it cannot; the log
 * then stays for the next run to move in).  Accepts NULL. */
int llm_cache_flush(llm_cache *c, sm_error *err);
void llm_cache_close(llm_cache *c);

/* One row of the cache's table, or one record of its log.  Only model may
 * be NULL; tokens are -1 when the answer had none. */
typedef struct llm_row {
    const char *custom_id, *sha256, *model, *created, *source, *response;
    size_t response_len;
    long status, prompt_tokens, completion_tokens;
    double latency;
} llm_row;

/* Every record of the log starts with this mark. */
#define LOG_RECORD_MARK "SMA1"

/* Append one record to b (-1: out of memory, or a field too large). */
int llm_log_append(llm_buf *b, const llm_row *row);
/* Decode the record at data[0..n): 1 with *used and row pointing into data;
 * 0 at the end, or at a torn or damaged record (nothing after it is read). */
int llm_log_next(const char *data, size_t n, size_t *used, llm_row *row);

/* ---- the responses file ---- */
typedef struct llm_responses llm_responses;

typedef struct llm_response {
    long line;
    long status;              /* the response's status_code; 0 when it has none */
    char *body;               /* compact JSON of response.body, or NULL */
    size_t body_len;
    char *message;            /* the line's error, or NULL */
    int used;
} llm_response;

llm_responses *llm_responses_read(const char *path, sm_error *err);
llm_response *llm_responses_find(llm_responses *rs, const char *custom_id);
/* -1 with err naming the first line whose custom_id no request asked for. */
int llm_responses_check_used(llm_responses *rs, sm_error *err);
void llm_responses_free(llm_responses *rs);

/* ---- the live client ---- */
typedef struct llm_http llm_http;

/* What became of a request sent live, after the retries it was allowed. */
typedef struct llm_http_result {
    long http_status;          /* 0: no HTTP answer */
    char *body;                /* the response body (malloc'd), or NULL */
    size_t body_len;
    char *message;             /* transport failure, or NULL */
    int attempts;
    double latency;            /* of the last attempt */
    int fatal;                 /* the whole run cannot go on (message says why) */
} llm_http_result;

typedef void (*llm_http_done)(void *ctx, sm_llm_request *r, llm_http_result *res);

llm_http *llm_http_open(const sm_llm_options *o, const char *api_key, sm_llm_stats *stats,
                        sm_error *err);
int llm_http_add(llm_http *h, sm_llm_request *r);   /* -1: out of memory (r not taken) */
size_t llm_http_waiting(const llm_http *h);   /* queued, not yet started */
size_t llm_http_active(const llm_http *h);    /* in flight or waiting to retry */
/* Run transfers for up to wait_ms (less when one finishes); every request
 * that is done is handed to done().  -1 on a libcurl failure (err). */
int llm_http_step(llm_http *h, int wait_ms, llm_http_done done, void *ctx, sm_error *err);
/* Stop everything: in-flight and queued requests are freed. */
void llm_http_close(llm_http *h);
const char *llm_http_url(const llm_http *h);

#endif
