/* llm_responses.c - a Batch output file (--responses), read whole.
 *
 * The file is what vLLM's run_batch or a hosted batch API wrote for the
 * requests of an earlier --requests-out: one JSON line per request,
 * {"id","custom_id","response":{"status_code","request_id","body"},"error"}
 * in any order.  It is read and checked completely before anything else
 * happens, so a line that is not JSON, not such a record, or a custom_id
 * given twice stops the run at once with the file and line named.  At the
 * end of the run every line must have answered a request of the run
 * (llm_responses_check_used): an unknown custom_id means the file was made
 * for other inputs, another prompt or another model. */
#include "llm/llm_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct llm_responses {
    char *path;
    llm_table by_id;
};

static void free_response(void *p)
{
    llm_response *r = p;
    if (!r)
        return;
    free(r->body);
    free(r->message);
    free(r);
}

void llm_responses_free(llm_responses *rs)
{
    if (!rs)
        return;
    llm_table_free(&rs->by_id, free_response);
    free(rs->path);
    free(rs);
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

llm_responses *llm_responses_read(const char *path, sm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    llm_responses *rs = calloc(1, sizeof *rs);
    if (!rs || !(rs->path = strdup(path))) {
        free(rs);
        fclose(f);
        sm_fail(err, path, 0, "out of memory");
        return NULL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0, records = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (blank(line, (size_t)n))
            continue;
        char *id, *body, *message;
        long status;
        size_t body_len;
        sm_error e;
        if (sm_llm_read_batch_line(line, (size_t)n, &id, &status, &body, &body_len, &message, &e) != 0) {
            sm_fail(err, path, lineno, "%s", e.message);
            goto fail;
        }
        llm_response *prev = llm_table_get(&rs->by_id, id);
        if (prev) {
            sm_fail(err, path, lineno, "custom_id '%s' again (first on line %ld): a Batch file has one line "
                                       "per request", id, prev->line);
            free(id);
            free(body);
            free(message);
            goto fail;
        }
        llm_response *r = calloc(1, sizeof *r);
        if (!r || llm_table_put(&rs->by_id, id, r)) {
            free(r);
            free(id);
            free(body);
            free(message);
            sm_fail(err, path, lineno, "out of memory");
            goto fail;
        }
        r->line = lineno;
        r->status = status;
        r->body = body;
        r->body_len = body_len;
        r->message = message;
        free(id);
        records++;
    }
    if (ferror(f)) {
        sm_fail(err, path, 0, "cannot read: %s", strerror(errno));
        goto fail;
    }
    free(line);
    fclose(f);
    if (records == 0) {
        sm_fail(err, path, 0, "empty file");
        llm_responses_free(rs);
        return NULL;
    }
    return rs;
fail:
    free(line);
    fclose(f);
    llm_responses_free(rs);
    return NULL;
}

llm_response *llm_responses_find(llm_responses *rs, const char *custom_id)
{
    llm_response *r = llm_table_get(&rs->by_id, custom_id);
    if (r)
        r->used = 1;
    return r;
}

int llm_responses_check_used(llm_responses *rs, sm_error *err)
{
    const llm_table *t = &rs->by_id;
    const char *first_id = NULL;
    long first_line = 0, unknown = 0;
    for (size_t i = 0; i < t->cap; i++) {
        const llm_response *r = t->values[i];
        if (!t->keys[i] || r->used)
            continue;
        unknown++;
        if (!first_id || r->line < first_line) {
            first_id = t->keys[i];
            first_line = r->line;
        }
    }
    if (!unknown)
        return 0;
    return sm_fail(err, rs->path, first_line,
                   "custom_id '%s' answers no request of this run (%ld such line%s): the file was made "
                   "for other inputs, another prompt or another model",
                   first_id, unknown, unknown == 1 ? "" : "s");
}
