/* fuzz_llm_answer.c - the answer readers on arbitrary bytes: a response body
 * read as a chat completion (with a 200, a 400 and a 503), and read as a
 * line of a Batch output file.  Besides memory errors it checks what the
 * callers rely on:
 *   - a whole or truncated answer has text; a failure has a one-line message;
 *   - when jansson reads the body as a completion whose first choice has
 *     string content, the reader returned exactly that text, finish_reason
 *     and token counts (the reader's fast path does not use jansson's tree);
 *   - a Batch line's body, when there is one, is JSON again. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "storymovie/llm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(long status, const char *body, size_t size)
{
    sm_llm_answer a;
    memset(&a, 0, sizeof a);
    sm_llm_read_completion(status, body, size, &a);
    if ((a.status == SM_LLM_OK || a.status == SM_LLM_TRUNCATED) && !a.text)
        __builtin_trap();
    if (a.status != SM_LLM_OK && (!a.message || strchr(a.message, '\n') || strlen(a.message) > 600))
        __builtin_trap();
    if (status == 200 && (a.status == SM_LLM_OK || a.status == SM_LLM_TRUNCATED)) {
        /* differential: what jansson sees in the same bytes */
        size_t i = 0;
        while (i < size && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t'))
            i++;
        json_t *root = i < size && body[i] == '{' ? json_loadb(body + i, size - i, 0, NULL) : NULL;
        json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
        json_t *content = json_object_get(json_object_get(choice, "message"), "content");
        if (json_is_string(content) &&
            (json_string_length(content) != a.text_len || memcmp(json_string_value(content), a.text, a.text_len)))
            __builtin_trap();
        if (json_is_string(content)) {
            json_t *fr = json_object_get(choice, "finish_reason");
            const char *want = json_is_string(fr) ? json_string_value(fr) : NULL;
            if ((want == NULL) != (a.finish_reason == NULL) || (want && strcmp(want, a.finish_reason) != 0))
                __builtin_trap();
            if ((a.status == SM_LLM_TRUNCATED) != (want && strcmp(want, "length") == 0))
                __builtin_trap();
            json_t *usage = json_object_get(root, "usage");
            json_t *pt = json_object_get(usage, "prompt_tokens"), *ct = json_object_get(usage, "completion_tokens");
            long p = json_is_integer(pt) && json_integer_value(pt) >= 0 ? (long)json_integer_value(pt) : -1;
            long c = json_is_integer(ct) && json_integer_value(ct) >= 0 ? (long)json_integer_value(ct) : -1;
            if (!json_is_object(usage))
                p = c = -1;
            if (a.prompt_tokens != p || a.completion_tokens != c)
                __builtin_trap();
        }
        json_decref(root);
    }
    free(a.text);
    free(a.finish_reason);
    free(a.message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    check_answer(200, s, size);
    check_answer(400, s, size);
    check_answer(503, s, size);

    char *id, *body, *message;
    long status;
    size_t body_len;
    sm_error err;
    if (sm_llm_read_batch_line(s, size, &id, &status, &body, &body_len, &message, &err) == 0) {
        if (!id || !*id)
            __builtin_trap();
        if (body) {
            json_t *again = json_loadb(body, body_len, JSON_DECODE_ANY, NULL);
            if (!again)
                __builtin_trap();
            json_decref(again);
            check_answer(status, body, body_len);
        }
        if (message && strchr(message, '\n'))
            __builtin_trap();
        free(id);
        free(body);
        free(message);
    } else if (!err.message[0]) {
        __builtin_trap();
    }
    return 0;
}
