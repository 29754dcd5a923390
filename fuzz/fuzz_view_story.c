/* fuzz_view_story.c - a story as the view page gets it: the tag tree (with
 * quotation spans taken from the input) and the JSON escaped for a
 * <script> element.  Whatever the bytes, the escaped JSON must parse and
 * hold no '<', '>' or '&'. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/view_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sm_story_set set;
    sm_error err;
    if (size < 2 || sm_story_read_buffer("fuzz", "", 0, &set, &err) != 0)
        return 0;
    const char *text = (const char *)data + 2;
    size_t n = size - 2;
    sm_story *s = sm_story_add(&set, "f", "", 0, text, n);
    if (s) {
        /* Two quotation spans, placed by the first two bytes. */
        view_quote_span q[2];
        size_t nq = 0;
        if (n > 0) {
            size_t a = data[0] % (n + 1), b = a + data[1] % (n - a + 1);
            if (b > a)
                q[nq++] = (view_quote_span){a, b, 0};
            if (b < n)
                q[nq++] = (view_quote_span){b, n, 1};
        }
        sm_json j;
        sm_json_init(&j);
        view_tags_emit(&j, s, q, nq);
        if (!j.failed) {
            char *out = NULL;
            size_t out_len = 0, written = 0;
            FILE *f = open_memstream(&out, &out_len);
            if (f) {
                int rc = view_write_script_json(f, j.buf, j.len, &written);
                fclose(f);
                if (rc != 0 || written != out_len || memchr(out, '<', out_len) ||
                    memchr(out, '>', out_len) || memchr(out, '&', out_len))
                    __builtin_trap();
                json_error_t je;
                json_t *v = json_loadb(out, out_len, JSON_ALLOW_NUL, &je);  /* \u0000 is JSON */
                if (!json_is_array(v))
                    __builtin_trap();
                json_decref(v);
                free(out);
            }
        }
        sm_json_free(&j);
    }
    sm_story_set_free(&set);
    return 0;
}
