/* fuzz_llm_responses.c - the reader of a Batch output file (--responses),
 * on arbitrary bytes as the file.
 *
 * The reader takes a path, so the bytes go into an in-memory file
 * (memfd) that it opens by its /proc name: no disk traffic per input.  It
 * must read the file whole or refuse it with one line naming a line of it.
 * What it accepts must be what sm_llm_read_batch_line reads line by line:
 * each custom_id found with its line, status and body; and once every id
 * is looked up, none is left unused (while before, any is). */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "llm/llm_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int write_all(int fd, const uint8_t *data, size_t size)
{
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n <= 0)
            return -1;
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("responses.jsonl", 0);
    if (fd < 0 || write_all(fd, data, size) != 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    sm_error err;
    memset(&err, 0, sizeof err);
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    llm_responses *rs = llm_responses_read(path, &err);
    if (!rs) {
        if (!err.message[0] || strchr(err.message, '\n') || err.line < 0 || err.line > lines)
            __builtin_trap();
        close(fd);
        return 0;
    }
    /* Every line again, through the line reader: the file kept each one. */
    size_t pos = 0, records = 0;
    long line = 0;
    while (pos < size) {
        const uint8_t *eol = memchr(data + pos, '\n', size - pos);
        size_t end = eol ? (size_t)(eol - data) + 1 : size;
        line++;
        char *id, *body, *message;
        long status;
        size_t body_len;
        sm_error e;
        if (sm_llm_read_batch_line((const char *)data + pos, end - pos, &id, &status, &body, &body_len, &message,
                                   &e) == 0) {
            llm_response *r = llm_responses_find(rs, id);
            if (!r || r->line != line || r->status != status || !body != !r->body ||
                (body && (r->body_len != body_len || memcmp(r->body, body, body_len) != 0)) ||
                !message != !r->message || (message && strcmp(message, r->message) != 0))
                __builtin_trap();
            records++;
            free(id);
            free(body);
            free(message);
        }
        pos = end;
    }
    if (records == 0 || llm_responses_check_used(rs, &err) != 0)
        __builtin_trap();
    llm_responses_free(rs);
    close(fd);
    return 0;
}
