/* test_llm_batch.c - sm_llm_batch_run (what `storymovie llm run`
 * does): a Batch input file answered from a responses file (no network),
 * results in input order with bodies and errors as Batch output lines, the
 * summary, --requests-out, and every bad input refused before anything is
 * written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sm_test.h"
#include "storymovie/llm_batch.h"

/* The text of a file, or NULL when there is none. */
static char *read_all(const char *path)
{
    char *text;
    size_t n;
    sm_error err;
    return sm_read_file(path, (size_t)1 << 24, &text, &n, &err) == 0 ? text : NULL;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; (p = strchr(p, '\n')) != NULL; p++)
        n++;
    return n;
}

#define REQUEST(id, body) \
    "{\"custom_id\":\"" id "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":" body "}\n"
#define BODY(text) "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" text "\"}]}"
#define COMPLETION(content)                                                                              \
    "{\"id\":\"chatcmpl-" content "\",\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":[{\"index\":0," \
    "\"message\":{\"role\":\"assistant\",\"content\":\"" content "\"},\"finish_reason\":\"stop\"}],"           \
    "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5,\"total_tokens\":17}}"
#define ANSWER(id, body) \
    "{\"id\":\"b\",\"custom_id\":\"" id "\",\"response\":{\"status_code\":200,\"request_id\":\"r\",\"body\":" body "},\"error\":null}\n"

/* Run requests (text) against a responses file (text, or NULL) into
 * OUT=sm_test_dir/name; returns sm_llm_batch_run's status. */
static int run(const char *name, const char *requests, const char *responses, const char *requests_out,
               sm_llm_batch_result *res, sm_error *err, FILE *log)
{
    char rel[64], out[256];
    snprintf(rel, sizeof rel, "%s.requests.jsonl", name);
    const char *in = sm_test_file(rel, requests);
    snprintf(rel, sizeof rel, "%s.responses.jsonl", name);
    const char *resp = sm_test_file(rel, responses ? responses : "");
    snprintf(out, sizeof out, "%s/%s", sm_test_dir, name);
    sm_llm_options o;
    sm_llm_options_init(&o);
    o.responses = responses ? resp : NULL;
    o.requests_out = requests_out;
    o.quiet = 1;
    o.label = "llm run";
    sm_llm_batch_request req = {in, out, &o, log};
    return sm_llm_batch_run(&req, res, err);
}

static char *out_file(const char *name, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", sm_test_dir, name, file);
    return read_all(path);
}

/* Every request answered from the responses file: results in input order
 * (not answer order), one Batch output line each, the summary written, and
 * the human line only once it is all written. */
static void answers_in_input_order(void **state)
{
    (void)state;
    sm_llm_batch_result res;
    sm_error err;
    char *human = NULL;
    size_t human_len = 0;
    FILE *log = open_memstream(&human, &human_len);
    assert_non_null(log);
    const char *requests = REQUEST("b", BODY("two")) "\n" REQUEST("a", BODY("one"));
    const char *responses = ANSWER("a", COMPLETION("first")) ANSWER("b", COMPLETION("second"));
    assert_int_equal(run("ok", requests, responses, NULL, &res, &err, log), 0);
    fclose(log);
    assert_int_equal(res.requests, 2);
    assert_int_equal(res.failed, 0);
    char *results = out_file("ok", "results.jsonl");
    assert_non_null(results);
    assert_int_equal(count_lines(results), 2);
    char *first = strstr(results, "\"custom_id\":\"b\""), *second = strstr(results, "\"custom_id\":\"a\"");
    assert_non_null(first);
    assert_non_null(second);
    assert_true(first < second);
    assert_non_null(strstr(results, "{\"id\":\"sm-b\",\"custom_id\":\"b\",\"response\":{\"status_code\":200,"
                                    "\"request_id\":\"chatcmpl-second\",\"body\":{"));
    assert_non_null(strstr(results, "\"error\":null}\n"));
    char *summary = out_file("ok", "summary.json");
    assert_non_null(summary);
    assert_non_null(strstr(summary, "\"requests\":2,\"cached\":0,\"from_responses\":2,\"sent\":0"));
    assert_non_null(strstr(human, "llm run: 2 requests"));
    free(results);
    free(summary);
    free(human);
}

/* A request the responses file does not answer goes to --requests-out
 * (no results line for it); an answer that is an error is a results line
 * with the error, counted as failed. */
static void written_and_failed(void **state)
{
    (void)state;
    sm_llm_batch_result res;
    sm_error err;
    char again[256];
    snprintf(again, sizeof again, "%s/again.jsonl", sm_test_dir);
    const char *requests = REQUEST("a", BODY("one")) REQUEST("b", BODY("two")) REQUEST("c", BODY("three"));
    const char *responses =
        ANSWER("a", COMPLETION("fine"))
        "{\"id\":\"b\",\"custom_id\":\"b\",\"response\":null,\"error\":{\"code\":\"batch_expired\","
        "\"message\":\"not executed in time\"}}\n";
    assert_int_equal(run("mixed", requests, responses, again, &res, &err, NULL), 0);
    assert_int_equal(res.requests, 3);
    assert_int_equal(res.failed, 1);
    char *results = out_file("mixed", "results.jsonl");
    assert_non_null(results);
    assert_int_equal(count_lines(results), 2);
    assert_non_null(strstr(results, "\"custom_id\":\"b\",\"response\":null,\"error\":{\"code\":"));
    assert_null(strstr(results, "\"custom_id\":\"c\""));
    char *written = read_all(again);
    assert_non_null(written);
    assert_int_equal(count_lines(written), 1);
    assert_non_null(strstr(written, "\"custom_id\":\"c\""));
    free(results);
    free(written);
}

/* Each bad input: one line naming the file and line; nothing written. */
static void bad_inputs_refused_first(void **state)
{
    (void)state;
    static const struct {
        const char *name, *requests;
        long line;
        const char *says;
    } cases[] = {
        {"empty", "\n\n", 0, "empty file"},
        {"notjson", REQUEST("a", BODY("one")) "{broken\n", 2, "not JSON"},
        {"twice", REQUEST("a", BODY("one")) REQUEST("a", BODY("two")), 2, "custom_id 'a' again (first on line 1)"},
        {"url", "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}\n", 1,
         "url must be /v1/chat/completions"},
        {"method", "{\"custom_id\":\"a\",\"method\":\"GET\",\"url\":\"/v1/chat/completions\",\"body\":{}}\n", 1,
         "method must be POST"},
        {"noid", "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{}}\n", 1, "no custom_id"},
        {"output", ANSWER("a", COMPLETION("x")), 1, "a Batch output line (an answer), not a request"},
        {"array", "[1]\n", 1, "not a JSON object"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        sm_llm_batch_result res;
        sm_error err;
        assert_int_equal(run(cases[k].name, cases[k].requests, NULL, NULL, &res, &err, NULL), -1);
        assert_int_equal(err.line, cases[k].line);
        if (!strstr(err.message, cases[k].says))
            fail_msg("%s: '%s' does not say '%s'", cases[k].name, err.message, cases[k].says);
        char *results = out_file(cases[k].name, "results.jsonl");
        assert_null(results);
    }
}

/* No way to answer (no server, no responses file, no cache): an error, and
 * no results file. */
static void no_source_is_an_error(void **state)
{
    (void)state;
    sm_llm_batch_result res;
    sm_error err;
    assert_int_equal(run("nosource", REQUEST("a", BODY("one")), NULL, NULL, &res, &err, NULL), -1);
    assert_non_null(strstr(err.message, "--api-base"));
    assert_null(out_file("nosource", "results.jsonl"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_in_input_order),
        cmocka_unit_test(written_and_failed),
        cmocka_unit_test(bad_inputs_refused_first),
        cmocka_unit_test(no_source_is_an_error),
    };
    return cmocka_run_group_tests(tests, sm_test_dir_make, sm_test_dir_remove);
}
