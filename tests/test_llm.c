/* test_llm.c - the LLM layer: bodies and custom_ids, the answer reader, the
 * Batch output reader, the cache, the responses file, and a run against the
 * local test server (tests/llm_server.py, started here on 127.0.0.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "storymovie/llm.h"
#include "llm/llm_internal.h"
#include "llm_server_spawn.h"

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sm_test_llm_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void tmp_path(char *buf, size_t n, const char *name) { snprintf(buf, n, "%s/%s", tmpdir, name); }

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    return b;
}

static sm_llm_params params(void)
{
    sm_llm_params p = {0};
    p.model = "qwen";
    p.has_temperature = 1;
    p.temperature = 0.3;
    p.max_tokens = 4096;
    p.has_seed = 1;
    p.seed = 7;
    p.images = SM_LLM_IMAGES_NONE;
    return p;
}

static sm_llm_request *text_request(const sm_llm_params *p, const char *story, const char *text, const char *extra)
{
    sm_error err;
    sm_llm_body *b = sm_llm_body_new(p);
    assert_int_equal(sm_llm_body_text(b, "system", "You write stories.", &err), 0);
    assert_int_equal(sm_llm_body_text(b, "user", text, &err), 0);
    sm_llm_request *r = sm_llm_request_new(b, "ground", story, extra, &err);
    assert_non_null(r);
    return r;
}

static pid_t server_pid;
static int server_port;

/* ---- bodies and ids ---- */

static void body_is_spec_line_with_fixed_key_order(void **state)
{
    (void)state;
    sm_llm_params p = params();
    sm_llm_request *r = text_request(&p, "tt0071315_12", "Tell \"it\".\n", NULL);
    assert_string_equal(r->body, "{\"model\":\"qwen\",\"messages\":[{\"role\":\"system\",\"content\":\"You write "
                                 "stories.\"},{\"role\":\"user\",\"content\":\"Tell \\\"it\\\".\\n\"}],"
                                 "\"temperature\":0.3,\"max_tokens\":4096,\"seed\":7}");
    char hex[65];
    sm_llm_sha256_hex(r->body, r->body_len, hex);
    assert_string_equal(hex, r->sha256);
    char want[128];
    snprintf(want, sizeof want, "ground:tt0071315_12:%.12s", hex);
    assert_string_equal(r->custom_id, want);

    /* same inputs, same id; any change, another id */
    sm_llm_request *same = text_request(&p, "tt0071315_12", "Tell \"it\".\n", NULL);
    assert_string_equal(same->custom_id, r->custom_id);
    p.temperature = 0.7;
    sm_llm_request *other = text_request(&p, "tt0071315_12", "Tell \"it\".\n", NULL);
    assert_string_not_equal(other->custom_id, r->custom_id);
    sm_llm_request *extra = text_request(&p, "tt0071315_12", "x", "subtitle:AB");
    assert_memory_equal(extra->custom_id, "ground:tt0071315_12:subtitle:AB:", 32);
    assert_int_equal(strlen(extra->custom_id), 32 + 12);

    sm_json j;
    sm_json_init(&j);
    sm_llm_request_line(r, &j);
    assert_memory_equal(j.buf, "{\"custom_id\":\"ground:tt0071315_12:", 34);
    assert_non_null(strstr(j.buf, "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\""));
    sm_json_free(&j);
    sm_llm_request_free(r);
    sm_llm_request_free(same);
    sm_llm_request_free(other);
    sm_llm_request_free(extra);

    /* optional parameters left out */
    sm_llm_params bare = {0};
    bare.model = "m";
    bare.images = SM_LLM_IMAGES_NONE;
    sm_llm_request *b = text_request(&bare, "s", "hi", NULL);
    assert_string_equal(b->body, "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"You write "
                                 "stories.\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
    sm_llm_request_free(b);
}

static const unsigned char tiny_jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0xFF, 0xD9};

static void images_as_data_file_or_none(void **state)
{
    (void)state;
    char frame[256], spaced[256], notimg[256];
    tmp_path(frame, sizeof frame, "shot_0001_img_0.jpg");
    tmp_path(spaced, sizeof spaced, "a frame+1.jpg");
    tmp_path(notimg, sizeof notimg, "notes.txt");
    write_file(frame, tiny_jpeg, sizeof tiny_jpeg);
    write_file(spaced, tiny_jpeg, sizeof tiny_jpeg);
    write_file(notimg, "hello", 5);
    sm_llm_part parts[] = {{NULL, frame}, {"Image 1", NULL}, {NULL, spaced}};
    sm_error err;
    char b64[64];
    sm_llm_base64(tiny_jpeg, sizeof tiny_jpeg, b64);

    sm_llm_params p = params();
    p.images = SM_LLM_IMAGES_DATA;
    sm_llm_body *b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_message(b, "user", parts, 3, &err), 0);
    sm_llm_request *r = sm_llm_request_new(b, "tell", "s1", NULL, &err);
    assert_non_null(r);
    char want[256];
    snprintf(want, sizeof want, "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/jpeg;base64,%s\"}},"
                                "{\"type\":\"text\",\"text\":\"Image 1\"},", b64);
    assert_non_null(strstr(r->body, want));
    sm_llm_request_free(r);

    p.images = SM_LLM_IMAGES_FILE;
    b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_message(b, "user", parts, 3, &err), 0);
    r = sm_llm_request_new(b, "tell", "s1", NULL, &err);
    assert_non_null(r);
    assert_non_null(strstr(r->body, "\"url\":\"file:///"));
    assert_non_null(strstr(r->body, "/a%20frame%2B1.jpg\"}}"));
    sm_llm_request_free(r);

    /* a relative path is made absolute against the working directory */
    char old[4096], want_url[512];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir(tmpdir), 0);
    sm_llm_part rel[] = {{NULL, "shot_0001_img_0.jpg"}};
    b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_message(b, "user", rel, 1, &err), 0);
    r = sm_llm_request_new(b, "tell", "s1", NULL, &err);
    snprintf(want_url, sizeof want_url, "\"url\":\"file://%s/shot_0001_img_0.jpg\"", tmpdir);
    assert_non_null(strstr(r->body, want_url));
    sm_llm_request_free(r);
    assert_int_equal(chdir(old), 0);

    /* none: only the text is left, so the content is a plain string */
    p.images = SM_LLM_IMAGES_NONE;
    b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_message(b, "user", parts, 3, &err), 0);
    r = sm_llm_request_new(b, "tell", "s1", NULL, &err);
    assert_non_null(strstr(r->body, "{\"role\":\"user\",\"content\":\"Image 1\"}"));
    sm_llm_request_free(r);

    /* a ':' in a story id would make the custom_id ambiguous: refused */
    b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_text(b, "user", "x", &err), 0);
    assert_null(sm_llm_request_new(b, "tell", "tt1:2", NULL, &err));
    assert_non_null(strstr(err.message, "story_id 'tt1:2' holds ':'"));

    /* a frame that is missing, or not an image: the file is named */
    p.images = SM_LLM_IMAGES_DATA;
    sm_llm_part missing[] = {{NULL, "/nonexistent/frame.jpg"}};
    b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_message(b, "user", missing, 1, &err), -1);
    assert_string_equal(err.file, "/nonexistent/frame.jpg");
    assert_null(sm_llm_request_new(b, "tell", "s1", NULL, &err));
    sm_llm_part text_file[] = {{NULL, notimg}};
    b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_message(b, "user", text_file, 1, &err), -1);
    assert_non_null(strstr(err.message, "not a JPEG"));
    sm_llm_body_free(b);
    p.images = SM_LLM_IMAGES_FILE;
    b = sm_llm_body_new(&p);
    assert_int_equal(sm_llm_body_message(b, "user", missing, 1, &err), -1);
    sm_llm_body_free(b);
}

static void base64_and_sha256_known_values(void **state)
{
    (void)state;
    static const char *in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char buf[32];
    for (size_t i = 0; i < 7; i++) {
        size_t n = sm_llm_base64((const unsigned char *)in[i], strlen(in[i]), buf);
        assert_int_equal(n, sm_llm_base64_len(strlen(in[i])));
        assert_string_equal(buf, out[i]);
    }
    char hex[65];
    sm_llm_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* ---- the answer reader ---- */

static sm_llm_answer read_answer(long status, const char *body)
{
    sm_llm_answer a;
    memset(&a, 0, sizeof a);
    sm_llm_read_completion(status, body, body ? strlen(body) : 0, &a);
    return a;
}

static void clear_answer(sm_llm_answer *a)
{
    free(a->text);
    free(a->finish_reason);
    free(a->message);
}

#define COMPLETION(content, finish)                                                                        \
    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0,"       \
    "\"message\":{\"role\":\"assistant\",\"content\":" content "},\"finish_reason\":\"" finish "\"}],"        \
    "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}"

static void reads_completions_and_every_error_shape(void **state)
{
    (void)state;
    sm_llm_answer a = read_answer(200, COMPLETION("\"Hello <gdo char1>Ann</gdo>.\"", "stop"));
    assert_int_equal(a.status, SM_LLM_OK);
    assert_string_equal(a.text, "Hello <gdo char1>Ann</gdo>.");
    assert_string_equal(a.finish_reason, "stop");
    assert_int_equal(a.prompt_tokens, 12);
    assert_int_equal(a.completion_tokens, 5);
    assert_null(a.message);
    clear_answer(&a);

    a = read_answer(200, COMPLETION("\"cut he\"", "length"));
    assert_int_equal(a.status, SM_LLM_TRUNCATED);
    assert_string_equal(a.text, "cut he");
    assert_non_null(strstr(a.message, "length"));
    clear_answer(&a);

    /* keep-alive blank lines and SSE comments before the body */
    a = read_answer(200, "\n\n \r\n: OPENROUTER PROCESSING\n\n" COMPLETION("\"ok\"", "stop"));
    assert_int_equal(a.status, SM_LLM_OK);
    assert_string_equal(a.text, "ok");
    clear_answer(&a);

    /* content as a list of parts */
    a = read_answer(200, COMPLETION("[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]", "stop"));
    assert_int_equal(a.status, SM_LLM_OK);
    assert_string_equal(a.text, "ab");
    clear_answer(&a);

    /* every token spent thinking: truncated, empty */
    a = read_answer(200, COMPLETION("null", "length"));
    assert_int_equal(a.status, SM_LLM_TRUNCATED);
    assert_string_equal(a.text, "");
    clear_answer(&a);

    a = read_answer(400, "{\"error\":{\"message\":\"context too long\",\"type\":\"invalid_request_error\","
                         "\"param\":null,\"code\":\"context_length_exceeded\"}}");
    assert_int_equal(a.status, SM_LLM_HTTP_ERROR);
    assert_int_equal(a.http_status, 400);
    assert_string_equal(a.message, "HTTP 400: context_length_exceeded: context too long");
    clear_answer(&a);

    a = read_answer(400, "{\"object\":\"error\",\"message\":\"old shape\",\"type\":\"BadRequestError\","
                         "\"param\":null,\"code\":400}");
    assert_int_equal(a.status, SM_LLM_HTTP_ERROR);
    assert_string_equal(a.message, "HTTP 400: old shape");
    clear_answer(&a);

    a = read_answer(422, "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"field required\"}]}");
    assert_string_equal(a.message, "HTTP 422: field required");
    clear_answer(&a);

    a = read_answer(502, "<html>\n<title>502 Bad Gateway</title></html>");
    assert_int_equal(a.status, SM_LLM_HTTP_ERROR);
    assert_string_equal(a.message, "HTTP 502: <html> <title>502 Bad Gateway</title></html>");
    clear_answer(&a);

    a = read_answer(503, "");
    assert_string_equal(a.message, "HTTP 503");
    clear_answer(&a);

    /* an error body with status 200 (some proxies) */
    a = read_answer(200, "{\"object\":\"error\",\"message\":\"overloaded\"}");
    assert_int_equal(a.status, SM_LLM_HTTP_ERROR);
    assert_non_null(strstr(a.message, "overloaded"));
    clear_answer(&a);

    const char *bad[] = {"{\"choices\": [", "", "[1,2]", "{\"choices\":[]}", "{\"id\":\"x\"}",
                         "{\"choices\":[{\"message\":{\"content\":42}}]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = read_answer(200, bad[i]);
        assert_int_equal(a.status, SM_LLM_MALFORMED);
        assert_null(a.text);
        assert_non_null(a.message);
        assert_null(strchr(a.message, '\n'));
        clear_answer(&a);
    }
}

static void reads_batch_output_lines(void **state)
{
    (void)state;
    char *id, *body, *msg;
    long status;
    size_t len;
    sm_error err;
    /* vLLM run_batch: success */
    const char *ok = "{\"id\":\"vllm-1\",\"custom_id\":\"ground:s:abc\",\"response\":{\"status_code\":200,"
                     "\"request_id\":\"vllm-batch-1\",\"body\":" COMPLETION("\"hi\"", "stop") "},\"error\":null}";
    assert_int_equal(sm_llm_read_batch_line(ok, strlen(ok), &id, &status, &body, &len, &msg, &err), 0);
    assert_string_equal(id, "ground:s:abc");
    assert_int_equal(status, 200);
    assert_null(msg);
    sm_llm_answer a = read_answer(status, body);
    assert_int_equal(a.status, SM_LLM_OK);
    assert_string_equal(a.text, "hi");
    clear_answer(&a);
    free(id);
    free(body);

    /* vLLM run_batch: an ErrorResponse in error, no body */
    const char *verr = "{\"id\":\"vllm-2\",\"custom_id\":\"x\",\"response\":{\"status_code\":400,\"request_id\":"
                       "\"r\",\"body\":null},\"error\":{\"error\":{\"message\":\"bad image\",\"type\":"
                       "\"BadRequestError\",\"param\":null,\"code\":400}}}";
    assert_int_equal(sm_llm_read_batch_line(verr, strlen(verr), &id, &status, &body, &len, &msg, &err), 0);
    assert_int_equal(status, 400);
    assert_null(body);
    assert_string_equal(msg, "bad image");
    free(id);
    free(msg);

    /* OpenAI: a request that never ran */
    const char *expired = "{\"id\":\"batch_req_1\",\"custom_id\":\"y\",\"response\":null,\"error\":{\"code\":"
                          "\"batch_expired\",\"message\":\"not executed in time\"}}";
    assert_int_equal(sm_llm_read_batch_line(expired, strlen(expired), &id, &status, &body, &len, &msg, &err), 0);
    assert_int_equal(status, 0);
    assert_string_equal(msg, "batch_expired: not executed in time");
    free(id);
    free(msg);

    const char *request = "{\"custom_id\":\"z\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{}}";
    assert_int_equal(sm_llm_read_batch_line(request, strlen(request), &id, &status, &body, &len, &msg, &err), -1);
    assert_non_null(strstr(err.message, "request line"));
    assert_int_equal(sm_llm_read_batch_line("nope", 4, &id, &status, &body, &len, &msg, &err), -1);
    assert_non_null(strstr(err.message, "not JSON"));
    const char *noid = "{\"response\":{\"status_code\":200,\"body\":{}}}";
    assert_int_equal(sm_llm_read_batch_line(noid, strlen(noid), &id, &status, &body, &len, &msg, &err), -1);
    assert_non_null(strstr(err.message, "custom_id"));
}

/* ---- runs without the network: cache, responses file, requests-out ---- */

static void write_batch_results(const char *path, sm_llm_request **rs, size_t n, const char *extra_line)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "{\"id\":\"b%zu\",\"custom_id\":\"%s\",\"response\":{\"status_code\":200,\"request_id\":\"r\","
                   "\"body\":" COMPLETION("\"answer %zu\"", "stop") "},\"error\":null}\n",
                i, rs[i]->custom_id, i);
    if (extra_line)
        fputs(extra_line, f);
    fclose(f);
}

static int drain(sm_llm *llm, sm_llm_answer **got, size_t max)
{
    size_t n = 0;
    sm_llm_answer *a;
    sm_error err;
    int rc;
    while ((rc = sm_llm_next(llm, &a, &err)) == 1) {
        assert_true(n < max);
        got[n++] = a;
    }
    assert_int_equal(rc, 0);
    return (int)n;
}

/* A responses file with a line that is not JSON, or an id twice, is
 * refused at open. */
static void broken_responses_refused(sm_llm_options *o, sm_llm_request **r)
{
    sm_error err;
    char broken[256];
    tmp_path(broken, sizeof broken, "broken.jsonl");
    write_batch_results(broken, r, 2, "this is not json\n");
    o->responses = broken;
    assert_null(sm_llm_open(o, &err));
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "not JSON"));
    sm_llm_request *twice[] = {r[0], r[1], r[0]};
    write_batch_results(broken, twice, 3, NULL);
    assert_null(sm_llm_open(o, &err));
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.message, "first on line 1"));
}

static void responses_cache_and_requests_out(void **state)
{
    (void)state;
    char cache[256], results[256], reqout[256], summary[256];
    tmp_path(cache, sizeof cache, "c1.sqlite");
    tmp_path(results, sizeof results, "results.jsonl");
    tmp_path(reqout, sizeof reqout, "again.jsonl");
    tmp_path(summary, sizeof summary, "summary.json");
    sm_llm_params p = params();
    sm_llm_request *r[3];
    r[0] = text_request(&p, "s0", "zero", NULL);
    r[1] = text_request(&p, "s1", "one", NULL);
    r[2] = text_request(&p, "s2", "two", NULL);
    write_batch_results(results, r, 2, NULL);

    /* run 1: two answers from the batch results, the third written out */
    sm_llm_options o;
    sm_llm_options_init(&o);
    o.cache = cache;
    o.responses = results;
    o.requests_out = reqout;
    o.quiet = 1;
    sm_error err;
    sm_llm *llm = sm_llm_open(&o, &err);
    assert_non_null(llm);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sm_llm_submit(llm, text_request(&p, i == 0 ? "s0" : i == 1 ? "s1" : "s2",
                                                          i == 0 ? "zero" : i == 1 ? "one" : "two", NULL),
                                       &err),
                         0);
    sm_llm_answer *got[8];
    int n = drain(llm, got, 8);
    assert_int_equal(n, 3);
    int ok = 0, written = 0;
    for (int i = 0; i < n; i++) {
        if (got[i]->status == SM_LLM_OK) {
            assert_int_equal(got[i]->source, SM_LLM_FROM_RESPONSES);
            ok++;
        } else {
            assert_int_equal(got[i]->status, SM_LLM_WRITTEN);
            assert_string_equal(got[i]->request->custom_id, r[2]->custom_id);
            written++;
        }
        sm_llm_answer_free(got[i]);
    }
    assert_int_equal(ok, 2);
    assert_int_equal(written, 1);
    const sm_llm_stats *s = sm_llm_get_stats(llm);
    assert_int_equal(s->from_responses, 2);
    assert_int_equal(s->written, 1);
    assert_int_equal(s->sent, 0);
    assert_int_equal(s->prompt_tokens, 24);
    assert_int_equal(sm_llm_write_summary(llm, summary, &err), 0);
    assert_int_equal(sm_llm_close(llm, &err), 0);
    char *text = read_all(reqout);
    assert_non_null(strstr(text, r[2]->custom_id));
    assert_null(strstr(text, r[0]->custom_id));
    assert_non_null(strchr(text, '\n'));
    assert_null(strchr(strchr(text, '\n') + 1, '\n'));   /* one line */
    free(text);
    text = read_all(summary);
    assert_non_null(strstr(text, "\"requests\":3,\"cached\":0,\"from_responses\":2,\"sent\":0"));
    free(text);

    /* run 2: the same requests, no responses file: two from the cache; the
     * third has no source at all - one fatal line naming it */
    o.responses = NULL;
    o.requests_out = NULL;
    llm = sm_llm_open(&o, &err);
    assert_non_null(llm);
    assert_int_equal(sm_llm_submit(llm, text_request(&p, "s0", "zero", NULL), &err), 0);
    assert_int_equal(sm_llm_submit(llm, text_request(&p, "s1", "one", NULL), &err), 0);
    assert_int_equal(sm_llm_submit(llm, text_request(&p, "s2", "two", NULL), &err), -1);
    assert_non_null(strstr(err.message, r[2]->custom_id));
    assert_non_null(strstr(err.message, "--api-base"));
    sm_llm_answer *a;
    assert_int_equal(sm_llm_next(llm, &a, &err), -1);
    s = sm_llm_get_stats(llm);
    assert_int_equal(s->cached, 2);
    sm_llm_abort(llm);

    /* run 3: a responses file with an id no request asked for, and one line
     * that answers nothing known: an error at the end, naming the line */
    char stale[256];
    tmp_path(stale, sizeof stale, "stale.jsonl");
    write_batch_results(stale, r, 3,
                        "{\"id\":\"b9\",\"custom_id\":\"ground:gone:000000000000\",\"response\":{\"status_code\":"
                        "200,\"body\":{}},\"error\":null}\n");
    o.responses = stale;
    o.cache = NULL;
    llm = sm_llm_open(&o, &err);
    assert_non_null(llm);
    for (int i = 0; i < 3; i++)
        assert_int_equal(sm_llm_submit(llm, text_request(&p, i == 0 ? "s0" : i == 1 ? "s1" : "s2",
                                                          i == 0 ? "zero" : i == 1 ? "one" : "two", NULL),
                                       &err),
                         0);
    n = drain(llm, got, 8);
    assert_int_equal(n, 3);
    for (int i = 0; i < n; i++)
        sm_llm_answer_free(got[i]);
    assert_int_equal(sm_llm_close(llm, &err), -1);
    assert_int_equal(err.line, 4);
    assert_non_null(strstr(err.message, "ground:gone:000000000000"));

    broken_responses_refused(&o, r);
    for (int i = 0; i < 3; i++)
        sm_llm_request_free(r[i]);
}

static void cache_refuses_other_files(void **state)
{
    (void)state;
    char path[256];
    tmp_path(path, sizeof path, "not-a-db.sqlite");
    write_file(path, "hello, this is text and not a database at all\n", 47);
    sm_llm_options o;
    sm_llm_options_init(&o);
    o.cache = path;
    sm_error err;
    assert_null(sm_llm_open(&o, &err));
    assert_string_equal(err.file, path);
    char cmd[1200];
    tmp_path(path, sizeof path, "other.sqlite");
    const char *py = llm_server_python();
    snprintf(cmd, sizeof cmd,
             "%s -c \"import sqlite3; c=sqlite3.connect('%s'); c.execute('create table t(x)'); c.commit()\"",
             py ? py : "false", path);
    if (py && system(cmd) == 0) {
        assert_null(sm_llm_open(&o, &err));
        assert_non_null(strstr(err.message, "not a storymovie LLM cache"));
    }
}

/* ---- against the local server ---- */

static int start_server(void **state)
{
    if (make_tmpdir(state))
        return -1;
    setenv("LLM_SERVER_EXPECT_KEY", "sk-test-0123456789abcdef", 1);
    server_pid = llm_server_start(tmpdir, NULL, &server_port);
    unsetenv("LLM_SERVER_EXPECT_KEY");
    return server_pid < 0 ? -1 : 0;   /* 0: no python3, the live tests skip */
}

static int stop_server(void **state)
{
    llm_server_stop(server_pid);
    return remove_tmpdir(state);
}

typedef struct reask_ctx {
    sm_llm_params p;
    int next, n;
    int whole, reasked;
} reask_ctx;

static sm_llm_request *story_request(reask_ctx *c, int i, int attempt)
{
    char text[128], story[32];
    /* story 3's first attempt is cut at max_tokens; its re-ask is not */
    snprintf(text, sizeof text, "Story %d, attempt %d.%s", i, attempt,
             i == 3 && attempt == 1 ? " [[length]]" : "");
    snprintf(story, sizeof story, "tt0000001_%d", i);
    sm_llm_request *r = text_request(&c->p, story, text, NULL);
    r->user = (void *)(intptr_t)i;
    r->attempt = attempt;
    return r;
}

static int next_story(void *vctx, sm_llm_request **out, sm_error *err)
{
    (void)err;
    reask_ctx *c = vctx;
    if (c->next >= c->n)
        return 0;
    *out = story_request(c, c->next++, 1);
    return 1;
}

static int on_story_answer(void *vctx, sm_llm *llm, sm_llm_answer *a, int *keep, sm_error *err)
{
    (void)keep;
    reask_ctx *c = vctx;
    if (a->status == SM_LLM_OK) {
        c->whole++;
        sm_llm_verdict(llm, 1);
        return 0;
    }
    assert_int_equal(a->status, SM_LLM_TRUNCATED);
    sm_llm_verdict(llm, 0);
    c->reasked++;
    return sm_llm_submit(llm, story_request(c, (int)(intptr_t)a->request->user, a->request->attempt + 1), err);
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    FILE *f = ud;
    return fwrite(p, size, n, f);
}

/* GET /stats: how many requests the server has received. */
static long server_requests(void)
{
    char url[64], *buf = NULL;
    size_t len = 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/stats", server_port);
    FILE *mem = open_memstream(&buf, &len);
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, mem);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(e);
    curl_easy_cleanup(e);
    fclose(mem);
    long n = -1;
    json_t *o = rc == CURLE_OK ? json_loads(buf, 0, NULL) : NULL;
    if (json_is_integer(json_object_get(o, "requests")))
        n = (long)json_integer_value(json_object_get(o, "requests"));
    json_decref(o);
    free(buf);
    return n;
}

/* The live tests' set-up: the local server's URL into base, the key it
 * expects, no proxy. */
static void live_setup(char *base, size_t n)
{
    snprintf(base, n, "http://127.0.0.1:%d/v1", server_port);
    setenv("STORYMOVIE_API_KEY", "sk-test-0123456789abcdef", 1);
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
}

/* The live tests' options: the local server, 3 in flight, quiet. */
static void live_options(sm_llm_options *o, const char *base, const char *cache)
{
    sm_llm_options_init(o);
    o->api_base = base;
    o->jobs = 3;
    o->timeout = 60;
    o->cache = cache;
    o->quiet = 1;
}

static void live_run_with_reasks_then_all_from_cache(void **state)
{
    (void)state;
    if (server_pid <= 0)
        skip();
    char base[64], cache[256];
    live_setup(base, sizeof base);
    tmp_path(cache, sizeof cache, "live.sqlite");
    long before = server_requests();

    sm_llm_options o;
    live_options(&o, base, cache);
    sm_error err;
    reask_ctx c = {params(), 0, 10, 0, 0};
    sm_llm *llm = sm_llm_open(&o, &err);
    assert_non_null(llm);
    sm_llm_callbacks cb = {next_story, on_story_answer};
    assert_int_equal(sm_llm_run(llm, &cb, &c, &err), 0);
    assert_int_equal(c.whole, 10);
    assert_int_equal(c.reasked, 1);
    const sm_llm_stats *s = sm_llm_get_stats(llm);
    assert_int_equal(s->requests, 11);
    assert_int_equal(s->sent, 11);
    assert_int_equal(s->retries, 0);
    assert_int_equal(s->truncated, 1);
    assert_int_equal(s->passed, 10);
    assert_int_equal(s->failed_verification, 1);
    assert_true(s->peak_in_flight <= 3);
    assert_int_equal(server_requests() - before, 11);
    assert_int_equal(sm_llm_close(llm, &err), 0);

    /* the same run again: every answer from the cache, nothing sent */
    before = server_requests();
    c = (reask_ctx){params(), 0, 10, 0, 0};
    llm = sm_llm_open(&o, &err);
    assert_int_equal(sm_llm_run(llm, &cb, &c, &err), 0);
    s = sm_llm_get_stats(llm);
    assert_int_equal(s->cached, 11);
    assert_int_equal(s->sent, 0);
    assert_int_equal(c.whole, 10);
    assert_int_equal(server_requests() - before, 0);
    assert_int_equal(sm_llm_close(llm, &err), 0);

    /* a wrong key stops the run with one message that does not hold it */
    setenv("STORYMOVIE_API_KEY", "sk-wrong-key-0000000000", 1);
    o.cache = NULL;
    llm = sm_llm_open(&o, &err);
    assert_int_equal(sm_llm_submit(llm, story_request(&c, 1, 1), &err), 0);
    sm_llm_answer *a;
    assert_int_equal(sm_llm_next(llm, &a, &err), -1);
    assert_non_null(strstr(err.message, "refused the API key"));
    assert_null(strstr(err.message, "sk-wrong"));
    sm_llm_abort(llm);
    unsetenv("STORYMOVIE_API_KEY");
}

/* ---- the cache's log ---- */

static void log_records_round_trip_and_stop_at_a_tear(void **state)
{
    (void)state;
    llm_buf b = {0};
    llm_row in = {"ground-tt0071315_1-0123456789ab", "", NULL, "2026-11-30T04:00:00Z", "server",
                  "{\"choices\":[]}\0tail", 19, 200, 2500, -1, 0.25};
    char sha[65];
    memset(sha, 'a', 64);
    sha[64] = '\0';
    in.sha256 = sha;
    assert_int_equal(llm_log_append(&b, &in), 0);
    in.model = "qwen";
    in.custom_id = "request-2";
    in.response = "";
    in.response_len = 0;
    assert_int_equal(llm_log_append(&b, &in), 0);
    size_t whole = b.len;

    llm_row out;
    size_t used, at = 0;
    assert_int_equal(llm_log_next(b.data, b.len, &used, &out), 1);
    assert_string_equal(out.custom_id, "ground-tt0071315_1-0123456789ab");
    assert_string_equal(out.sha256, sha);
    assert_null(out.model);
    assert_int_equal(out.response_len, 19);
    assert_memory_equal(out.response, "{\"choices\":[]}\0tail", 19);   /* bytes, NUL and all */
    assert_int_equal(out.status, 200);
    assert_int_equal(out.prompt_tokens, 2500);
    assert_int_equal(out.completion_tokens, -1);
    assert_true(out.latency == 0.25);
    at += used;
    assert_int_equal(llm_log_next(b.data + at, b.len - at, &used, &out), 1);
    assert_string_equal(out.model, "qwen");
    assert_string_equal(out.custom_id, "request-2");
    assert_int_equal(out.response_len, 0);
    at += used;
    assert_int_equal(at, whole);
    assert_int_equal(llm_log_next(b.data + at, b.len - at, &used, &out), 0);

    /* every cut of the last record, and a damaged one, reads as the end */
    size_t second = whole - used;
    for (size_t cut = second; cut < whole; cut++)
        assert_int_equal(llm_log_next(b.data + second, cut - second, &used, &out), 0);
    b.data[second + 40] ^= 0x40;   /* the length of its custom_id */
    assert_int_equal(llm_log_next(b.data + second, whole - second, &used, &out), 0);
    memset(b.data + second, 0, whole - second);   /* a tail of zeros (power failure) */
    assert_int_equal(llm_log_next(b.data + second, whole - second, &used, &out), 0);
    llm_buf_free(&b);
}

/* The logs beside a cache (name starts with "live2.sqlite.log."). */
static int count_logs(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static int ask_six(const char *base, const char *cache, long *cached, long *sent)
{
    sm_llm_options o;
    live_options(&o, base, cache);
    sm_error err;
    sm_llm *llm = sm_llm_open(&o, &err);
    if (!llm)
        return -1;
    reask_ctx c = {params(), 0, 6, 0, 0};
    for (int i = 0; i < 6; i++)
        if (sm_llm_submit(llm, story_request(&c, 10 + i, 1), &err))
            return -1;
    sm_llm_answer *a;
    int got = 0;
    while (sm_llm_next(llm, &a, &err) == 1) {
        got++;
        sm_llm_answer_free(a);
    }
    if (cached) {
        *cached = sm_llm_get_stats(llm)->cached;
        *sent = sm_llm_get_stats(llm)->sent;
        return sm_llm_close(llm, &err) ? -1 : got;
    }
    raise(SIGKILL);   /* every answer taken, none moved into the table yet */
    return got;
}

/* A run killed with kill -9 leaves its log; the next run to open the cache
 * moves it in (a torn record at its end left out) and removes it, and
 * leaves alone the log of a run that is still going. */
static void killed_runs_log_is_moved_in_by_the_next_run(void **state)
{
    (void)state;
    if (server_pid <= 0)
        skip();
    char base[64], cache[256], alive[320];
    live_setup(base, sizeof base);
    tmp_path(cache, sizeof cache, "live2.sqlite");

    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        ask_six(base, cache, NULL, NULL);
        _exit(1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_int_equal(count_logs(tmpdir, "live2.sqlite.log."), 1);

    /* a torn record after the dead run's six */
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char dead[320] = "";
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "live2.sqlite.log.", 17) == 0)
            snprintf(dead, sizeof dead, "%s/%s", tmpdir, e->d_name);
    closedir(d);
    FILE *f = fopen(dead, "ab");
    assert_non_null(f);
    fwrite("SMA1\x90\x01\0\0half a record", 1, 22, f);
    fclose(f);

    /* the log of a run still going: one record, held */
    snprintf(alive, sizeof alive, "%s.log.1.0000abcd", cache);
    int fd = open(alive, O_RDWR | O_CREAT, 0600);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
    llm_buf b = {0};
    llm_row row = {"other-run-1", "0000000000000000000000000000000000000000000000000000000000000000", NULL,
                   "2026-11-30T04:00:00Z", "server", "{}", 2, 200, -1, -1, 0.1};
    assert_int_equal(llm_log_append(&b, &row), 0);
    assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
    llm_buf_free(&b);

    long cached = -1, sent = -1;
    long before = server_requests();
    assert_int_equal(ask_six(base, cache, &cached, &sent), 6);
    assert_int_equal(cached, 6);
    assert_int_equal(sent, 0);
    assert_int_equal(server_requests() - before, 0);
    assert_int_equal(count_logs(tmpdir, "live2.sqlite.log."), 1);   /* only the live one */
    assert_int_equal(access(dead, F_OK), -1);
    assert_int_equal(access(alive, F_OK), 0);

    /* its run ends without moving it in: the next open does.  A file of
     * another name beside the cache is never touched; one with a log's name
     * that holds no log stops the run with its name, and stays. */
    close(fd);
    char notes[320], stray[320];
    snprintf(notes, sizeof notes, "%s.log.notes", cache);
    snprintf(stray, sizeof stray, "%s.log.7.0badf00d", cache);
    write_file(notes, "my notes\n", 9);
    write_file(stray, "not a log\n", 10);
    sm_llm_options o;
    live_options(&o, base, cache);
    sm_error err;
    assert_null(sm_llm_open(&o, &err));
    assert_string_equal(err.file, stray);
    assert_non_null(strstr(err.message, "not a log of this cache's runs"));
    assert_int_equal(access(stray, F_OK), 0);
    unlink(stray);
    assert_int_equal(ask_six(base, cache, &cached, &sent), 6);
    assert_int_equal(cached, 6);
    assert_int_equal(count_logs(tmpdir, "live2.sqlite.log."), 1);   /* the notes */
    assert_int_equal(access(alive, F_OK), -1);
    assert_int_equal(access(notes, F_OK), 0);
    unsetenv("STORYMOVIE_API_KEY");
}

int main(void)
{
    const struct CMUnitTest offline[] = {
        cmocka_unit_test(body_is_spec_line_with_fixed_key_order),
        cmocka_unit_test(images_as_data_file_or_none),
        cmocka_unit_test(base64_and_sha256_known_values),
        cmocka_unit_test(reads_completions_and_every_error_shape),
        cmocka_unit_test(reads_batch_output_lines),
        cmocka_unit_test(responses_cache_and_requests_out),
        cmocka_unit_test(cache_refuses_other_files),
        cmocka_unit_test(log_records_round_trip_and_stop_at_a_tear),
    };
    const struct CMUnitTest live[] = {
        cmocka_unit_test(live_run_with_reasks_then_all_from_cache),
        cmocka_unit_test(killed_runs_log_is_moved_in_by_the_next_run),
    };
    int failed = cmocka_run_group_tests_name("llm", offline, make_tmpdir, remove_tmpdir);
    failed += cmocka_run_group_tests_name("llm_live", live, start_server, stop_server);
    return failed;
}
