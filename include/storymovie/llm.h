/* llm.h - every model call of storymovie goes through here.
 *
 * A caller (generate ground, generate tell, eval judge, eval qa) builds
 * request bodies, gives each an id, submits them, and takes the answers as
 * they come.  Where an answer comes from is this layer's business, in this
 * order:
 *
 *   1. the cache (SQLite, one row per answered request, committed as each
 *      answer arrives, so a killed run loses at most what was in flight);
 *   2. a responses file (--responses: the output of an OpenAI-style Batch
 *      run, e.g. vLLM's run_batch or a hosted batch API);
 *   3. with --requests-out: nothing - the request is written to that file
 *      (a Batch input file) and answered SM_LLM_WRITTEN;
 *   4. the live server (--api-base), N requests in flight from one thread,
 *      with retries (see docs/llm.md for the policy).
 *
 * Whatever the source, the answer goes through one code path: the response
 * body is read by one reader (sm_llm_read_completion), tokens are counted,
 * failures get one line on stderr, and the caller receives an sm_llm_answer.
 *
 * A typical caller (the re-ask loop of `generate ground`):
 *
 *     sm_llm *llm = sm_llm_open(&opts, &err);
 *     sm_llm_expect(llm, n_stories);
 *     size_t next = 0;
 *     for (;;) {
 *         while (next < n_stories && sm_llm_wants_more(llm))
 *             sm_llm_submit(llm, build_request(next++, 1), &err);     // attempt 1
 *         sm_llm_answer *a;
 *         int r = sm_llm_next(llm, &a, &err);
 *         if (r < 0) goto fatal;                     // one line in err: print it, write no outputs
 *         if (r == 0) { if (next < n_stories) continue; break; }
 *         if (a->status == SM_LLM_OK && verify(a->text)) { keep(a); sm_llm_verdict(llm, 1); }
 *         else if (a->status == SM_LLM_WRITTEN) { pending(a); }
 *         else if (a->request->attempt < 3) {
 *             sm_llm_verdict(llm, 0);
 *             sm_llm_submit(llm, build_request(story_of(a), a->request->attempt + 1), &err);
 *         } else { fail(a); sm_llm_verdict(llm, 0); }
 *         sm_llm_answer_free(a);
 *     }
 *     sm_llm_write_summary(llm, "OUT/summary.json", &err);
 *     sm_llm_close(llm, &err);                        // checks the responses file, commits --requests-out
 *
 * or the same with callbacks through sm_llm_run().
 *
 * The API key is read from the environment (STORYMOVIE_API_KEY, else
 * OPENAI_API_KEY) inside this layer and sent only as "Authorization: Bearer";
 * it never passes through these structures, and it is removed from anything
 * a server sends back before that is printed, cached or returned.
 *
 * Not thread-safe: one sm_llm per thread (it runs its transfers itself). */
#ifndef STORYMOVIE_LLM_H
#define STORYMOVIE_LLM_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "json.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Request bodies ---------------------------------------------------- */

/* How frames go into a request (--images). */
typedef enum sm_llm_images {
    SM_LLM_IMAGES_DATA,   /* data:image/jpeg;base64,... (any server) */
    SM_LLM_IMAGES_FILE,   /* file:///abs/path.jpg (vLLM with --allowed-local-media-path) */
    SM_LLM_IMAGES_NONE    /* image parts left out */
} sm_llm_images;

/* The parameters every body carries, in this order after the messages:
 * {"model":…,"messages":[…],"temperature":…,"max_tokens":…,"seed":…}. */
typedef struct sm_llm_params {
    const char *model;         /* required */
    int has_temperature;
    double temperature;
    long max_tokens;           /* <= 0: left out */
    int has_seed;
    long seed;
    sm_llm_images images;
} sm_llm_params;

/* One part of a message: text, or a frame (a JPEG file). */
typedef struct sm_llm_part {
    const char *text;          /* a text part, or NULL */
    const char *image;         /* else: the path of a JPEG frame */
} sm_llm_part;

typedef struct sm_llm_body sm_llm_body;   /* a body being written */

/* Start a body: {"model":"…","messages":[.  NULL when out of memory.  The
 * params are copied. */
sm_llm_body *sm_llm_body_new(const sm_llm_params *p);
/* Append one message.  Its content is a plain string when it is a single
 * text part (after image parts are left out by SM_LLM_IMAGES_NONE), else a
 * list of {"type":"text","text":…} and {"type":"image_url","image_url":
 * {"url":…}} parts in the order given.  An image that cannot be read (data)
 * or does not exist (file) fails with the file named in err. */
int sm_llm_body_message(sm_llm_body *b, const char *role, const sm_llm_part *parts, size_t n,
                        sm_error *err);
/* Shorthand: a message with one text part. */
int sm_llm_body_text(sm_llm_body *b, const char *role, const char *text, sm_error *err);
void sm_llm_body_free(sm_llm_body *b);

/* A request: a custom_id and the body exactly as it is sent and hashed. */
typedef struct sm_llm_request {
    char *custom_id;           /* TASK:STORY_ID[:EXTRA]:<first 12 hex of SHA-256(body)> */
    char *body;                /* JSON, one line */
    size_t body_len;
    char *model;               /* the body's model (for the cache), or NULL */
    char sha256[65];           /* SHA-256 of the body, hex */
    void *user;                /* the caller's, returned with the answer */
    int attempt;               /* the caller's (e.g. which re-ask), returned as is */
} sm_llm_request;

/* Finish body b (consumed, also on failure) and make its request:
 * custom_id = task ":" story_id [":" extra] ":" sha12.  task and story_id
 * must be non-empty, and story_id may not hold ':' (the id would be
 * ambiguous); extra may be NULL.  NULL with err on failure. */
sm_llm_request *sm_llm_request_new(sm_llm_body *b, const char *task, const char *story_id,
                                   const char *extra, sm_error *err);
/* A request whose id and body are given as they are (a Batch input line). */
sm_llm_request *sm_llm_request_raw(const char *custom_id, const char *body, size_t body_len,
                                   const char *model, sm_error *err);
void sm_llm_request_free(sm_llm_request *r);
/* The request as one Batch input line (no newline), appended to j:
 * {"custom_id":…,"method":"POST","url":"/v1/chat/completions","body":…}. */
void sm_llm_request_line(const sm_llm_request *r, sm_json *j);

/* ---- Answers ------------------------------------------------------------ */

typedef enum sm_llm_status {
    SM_LLM_OK,          /* a whole answer: text */
    SM_LLM_TRUNCATED,   /* finish_reason "length": text is what came, never a whole answer */
    SM_LLM_HTTP_ERROR,  /* the server refused: http_status and message (retries used up where allowed) */
    SM_LLM_TRANSPORT,   /* no HTTP answer: connection dropped, timed out (after retries), batch error */
    SM_LLM_MALFORMED,   /* an HTTP 200 that is not a chat completion with text */
    SM_LLM_MISSING,     /* --responses given, no answer for this custom_id in it */
    SM_LLM_WRITTEN      /* --requests-out: written for a batch run, no answer in this run */
} sm_llm_status;

typedef enum sm_llm_source {
    SM_LLM_FROM_CACHE,
    SM_LLM_FROM_RESPONSES,
    SM_LLM_FROM_SERVER,
    SM_LLM_FROM_NOWHERE       /* SM_LLM_MISSING, SM_LLM_WRITTEN */
} sm_llm_source;

typedef struct sm_llm_answer {
    sm_llm_request *request;  /* the request it answers (owned by the answer) */
    sm_llm_status status;
    sm_llm_source source;
    char *text;               /* OK and TRUNCATED: the message content, NUL-terminated; else NULL */
    size_t text_len;
    char *finish_reason;      /* as the server said, or NULL */
    char *message;            /* the failure in one line, or NULL */
    long http_status;         /* 0: no HTTP answer */
    long prompt_tokens;       /* -1: not reported */
    long completion_tokens;
    double latency;           /* seconds of the attempt that answered (as cached, for a cached answer) */
    int attempts;             /* HTTP attempts made for it in this run */
    char *response;           /* the response body as received (JSON), or NULL */
    size_t response_len;
} sm_llm_answer;

void sm_llm_answer_free(sm_llm_answer *a);
const char *sm_llm_status_name(sm_llm_status s);  /* "ok", "truncated", "http_error", ... */
const char *sm_llm_source_name(sm_llm_source s);  /* "cache", "responses", "server", "none" */

/* The one reader of a chat-completion response.  Fills a's status, text,
 * finish_reason, message, tokens from an HTTP status and body: blank
 * keep-alive lines (and ':' comment lines) before the JSON are skipped;
 * errors in either shape, {"error":{"message":…}} and {"object":"error",
 * "message":…}, give their message; finish_reason "length" is TRUNCATED.
 * Never fails: a body it cannot read is SM_LLM_MALFORMED (or HTTP_ERROR
 * when the status says so). */
void sm_llm_read_completion(long http_status, const char *body, size_t len, sm_llm_answer *a);

/* One line of a Batch output (results) file, read:
 * {"id":…,"custom_id":…,"response":{"status_code":…,"request_id":…,"body":{…}}|null,"error":…|null}.
 * On success *custom_id is set (malloc'd), *status to the response's status
 * code (0 when there is no response), *body (malloc'd, compact JSON) to the
 * response body or NULL, *message (malloc'd) to the error, if any.
 * Returns -1 with a one-line reason in err->message when the line is not
 * such a record. */
int sm_llm_read_batch_line(const char *line, size_t len, char **custom_id, long *status, char **body,
                           size_t *body_len, char **message, sm_error *err);

/* ---- A run -------------------------------------------------------------- */

typedef struct sm_llm_options {
    const char *api_base;     /* live server, OpenAI-style base such as http://localhost:8000/v1;
                                 requests go to API_BASE/chat/completions; NULL: no live server */
    long jobs;                /* requests in flight (>= 1) */
    double timeout;           /* seconds per HTTP attempt */
    long retries;             /* further attempts after the first (SPEC: 4) */
    const char *cache;        /* SQLite file; NULL: no cache */
    const char *requests_out; /* write requests without an answer here instead of sending them */
    const char *responses;    /* read answers from this Batch output file */
    int progress;             /* draw a progress line on stderr (the caller checks for a terminal) */
    int quiet;                /* no failure lines on stderr */
    const char *label;        /* the command, for stderr lines ("generate ground") */
} sm_llm_options;

/* Defaults: jobs 8, timeout 600 s, retries 4; the rest NULL/0. */
void sm_llm_options_init(sm_llm_options *o);

typedef struct sm_llm_stats {
    long requests;            /* submitted */
    long cached;              /* answered from the cache */
    long from_responses;      /* answered from the responses file */
    long sent;                /* sent to the live server (each request once) */
    long retries;             /* further HTTP attempts */
    long written;             /* written to --requests-out */
    long answered;            /* with text: OK + TRUNCATED, any source */
    long truncated;
    long failed_transport;    /* no usable answer: transport, HTTP error, malformed, missing */
    long failed_http, failed_connection, failed_malformed, failed_missing;   /* its parts */
    long failed_verification; /* the caller's verdicts (sm_llm_verdict) */
    long passed;
    long prompt_tokens;       /* over every answer used, cached ones too */
    long completion_tokens;
    long live_prompt_tokens;  /* spent in this run on the live server */
    long live_completion_tokens;
    double seconds;           /* since sm_llm_open */
    int peak_in_flight;
} sm_llm_stats;

typedef struct sm_llm sm_llm;

/* Open a run: the cache (created if missing), the responses file (read and
 * checked whole: a line that is not JSON or not a Batch output line fails
 * here), the --requests-out file (written atomically at sm_llm_close).  The
 * options' strings must outlive the run. */
sm_llm *sm_llm_open(const sm_llm_options *o, sm_error *err);

/* How many requests the caller expects to submit (for the progress line). */
void sm_llm_expect(sm_llm *llm, size_t total);

/* Hand a request over (always taken, also on failure).  A cached or
 * responses-file answer is ready at once; otherwise it is written
 * (--requests-out) or queued for the server.  -1 only on a fatal problem
 * (cache or --requests-out unwritable, no way to answer). */
int sm_llm_submit(sm_llm *llm, sm_llm_request *r, sm_error *err);

/* True while fewer than `jobs` requests wait to be sent and fewer than
 * `jobs` answers wait to be taken: submit more now.  Keeps memory bounded
 * (bodies with frames are large) while the server stays busy. */
int sm_llm_wants_more(const sm_llm *llm);

/* Submitted requests not yet returned by sm_llm_next. */
size_t sm_llm_pending(const sm_llm *llm);

/* The next answer, in the order they arrive (not the order submitted):
 * 1 and *out set (free with sm_llm_answer_free); 0 when nothing is pending;
 * -1 on a fatal problem, err holding one line (the server cannot be reached,
 * refuses the key (401/403) or the URL/model (404), the cache failed).
 * Blocks while transfers run. */
int sm_llm_next(sm_llm *llm, sm_llm_answer **out, sm_error *err);

/* The caller's verdict on an answer it checked (summary: passed,
 * failed_verification). */
void sm_llm_verdict(sm_llm *llm, int passed);

/* The callback form of the loop above.  next_request: 1 and *out set, 0 no
 * more requests, -1 error (err).  on_answer: look at the answer, maybe
 * sm_llm_submit() a re-ask; return 0, or -1 to stop (err).  The answer is
 * freed after on_answer returns unless it set *keep.  Returns 0 when every
 * request is answered, -1 on error. */
typedef struct sm_llm_callbacks {
    int (*next_request)(void *ctx, sm_llm_request **out, sm_error *err);
    int (*on_answer)(void *ctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err);
} sm_llm_callbacks;
int sm_llm_run(sm_llm *llm, const sm_llm_callbacks *cb, void *ctx, sm_error *err);

const sm_llm_stats *sm_llm_get_stats(sm_llm *llm);

/* The summary keys (requests, cached, sent, retries, failed_transport,
 * failed_verification, passed, prompt_tokens, completion_tokens, seconds,
 * and the finer counts) into the object being written in j, so a command
 * can add its own keys around them. */
void sm_llm_summary_json(sm_llm *llm, sm_json *j);
/* {<the keys above>} to path, atomically. */
int sm_llm_write_summary(sm_llm *llm, const char *path, sm_error *err);
/* One human line for stderr: "120 requests: 80 cached, 40 sent (3 retries), 2 failed". */
void sm_llm_print_summary(sm_llm *llm, FILE *f);

/* End the run: check that every line of the responses file answered a
 * request of this run (an unknown custom_id means the file belongs to other
 * inputs or another prompt: an error), commit --requests-out, close the
 * cache, free.  -1 with err on a problem; llm is freed either way. */
int sm_llm_close(sm_llm *llm, sm_error *err);
/* End the run after a failure: nothing is committed (the --requests-out
 * temporary is removed); what the cache holds stays. */
void sm_llm_abort(sm_llm *llm);

/* ---- Pieces, for tests and benchmarks ----------------------------------- */

/* Base64 (RFC 4648, no line breaks) of n bytes into out, which has room for
 * sm_llm_base64_len(n) + 1 bytes; returns the length written.  OpenSSL. */
size_t sm_llm_base64_len(size_t n);
size_t sm_llm_base64(const unsigned char *in, size_t n, char *out);
/* SHA-256 of n bytes as 64 hex digits + NUL.  OpenSSL. */
void sm_llm_sha256_hex(const void *data, size_t n, char hex[65]);

#ifdef __cplusplus
}
#endif
#endif
