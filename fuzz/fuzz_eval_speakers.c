/* fuzz_eval_speakers.c - the readers of speaker labels (gold TSV; a
 * prediction as `storymovie align` JSON Lines or TSV) and the scorer, on
 * arbitrary bytes.  The input is the gold file and the prediction file
 * separated by the first NUL byte (without one, the same bytes are both).
 * The readers take paths, so the bytes go into in-memory files (memfd)
 * opened by their /proc names.  A refusal names a line of its file; what
 * is read is scored, and the score keeps its own arithmetic: correct <=
 * answered <= total, and so for each confidence bin. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "storymovie/eval_speakers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An in-memory file holding data[0..size); its path in path. */
static int memfile(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    int fd = memfd_create("labels", 0);
    if (fd < 0)
        return -1;
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n <= 0) {
            close(fd);
            return -1;
        }
        data += n;
        size -= (size_t)n;
    }
    snprintf(path, path_size, "/proc/self/fd/%d", fd);
    return fd;
}

/* The most lines the text layer can see: it ends lines at LF, CRLF and a
 * lone CR. */
static long count_lines(const uint8_t *data, size_t size)
{
    long lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n' || data[i] == '\r';
    return lines;
}

static void check_refusal(const sm_error *err, long lines)
{
    if (!err->message[0] || strchr(err->message, '\n') || err->line < 0 || err->line > lines) {
        fprintf(stderr, "fuzz_eval_speakers: refusal at line %ld of %ld: %s\n", err->line, lines, err->message);
        __builtin_trap();
    }
}

static void check_labels(const sm_speaker_labels *l)
{
    for (size_t i = 0; i < l->n_items; i++)
        if (l->items[i].speaker)
            (void)strlen(l->items[i].speaker);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t gold_len = nul ? (size_t)(nul - data) : size;
    const uint8_t *pred_data = nul ? nul + 1 : data;
    size_t pred_len = nul ? size - gold_len - 1 : size;
    char gold_path[64], pred_path[64];
    int gold_fd = memfile(data, gold_len, gold_path, sizeof gold_path);
    int pred_fd = memfile(pred_data, pred_len, pred_path, sizeof pred_path);
    if (gold_fd < 0 || pred_fd < 0) {
        if (gold_fd >= 0)
            close(gold_fd);
        if (pred_fd >= 0)
            close(pred_fd);
        return 0;
    }
    sm_speaker_labels gold, pred;
    sm_error err;
    memset(&err, 0, sizeof err);
    int have_gold = sm_speaker_labels_read_gold(gold_path, &gold, &err) == 0;
    if (!have_gold)
        check_refusal(&err, count_lines(data, gold_len));
    memset(&err, 0, sizeof err);
    int have_pred = sm_speaker_labels_read_pred(pred_path, &pred, &err) == 0;
    if (!have_pred)
        check_refusal(&err, count_lines(pred_data, pred_len));
    if (have_gold) {
        check_labels(&gold);
        sm_speaker_score score;
        memset(&score, 0, sizeof score);
        sm_speaker_labels none = {0};   /* no prediction: every segment abstained */
        if (sm_speaker_score_add(&score, &gold, have_pred ? &pred : &none) == 0) {
            if (score.correct > score.answered || score.answered > score.total ||
                score.high_correct > score.high_answered)
                __builtin_trap();
            for (int b = 0; b < SM_CALIBRATION_BINS; b++)
                if (score.bin_correct[b] > score.bin_answered[b])
                    __builtin_trap();
        }
        sm_speaker_score_free(&score);
        sm_speaker_labels_free(&gold);
    }
    if (have_pred) {
        check_labels(&pred);
        sm_speaker_labels_free(&pred);
    }
    close(gold_fd);
    close(pred_fd);
    return 0;
}
