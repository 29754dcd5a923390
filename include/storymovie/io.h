/* io.h - reading whole inputs, and atomic output files.
 *
 * Every file storymovie writes appears whole or not at all: we write to a
 * temporary file in the same directory and rename() it over the target on
 * success, so a killed run leaves no half files and a rerun can trust that
 * an existing output is complete. */
#ifndef STORYMOVIE_IO_H
#define STORYMOVIE_IO_H

#include <stdio.h>
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Read all of an open stream (a file, a pipe, standard input) into a
 * malloc'd buffer, NUL-terminated after the last byte (*len excludes it).
 * `name` names the stream in errors; more than `max` bytes is an error
 * ("file is larger than N MiB"). */
int sm_read_stream(FILE *f, const char *name, size_t max, char **data, size_t *len, sm_error *err);
/* The same for a file by path ("cannot open: REASON" when it cannot). */
int sm_read_file(const char *path, size_t max, char **data, size_t *len, sm_error *err);

typedef struct sm_output {
    FILE *fp;             /* write here */
    char *path;           /* final path; NULL for stdout */
    char *tmp_path;       /* temporary file */
    int direct;           /* a device or FIFO, written in place */
    const char *name;     /* for messages: the path given, or "standard output" */
} sm_output;

/* path NULL or "-" means stdout; a path that is not a regular file (a
 * device such as /dev/null, a FIFO) is written in place.  The temporary
 * file is PATH.tmp.HOST.PID; opening an output first removes such files of
 * killed runs of this host from its directory (once per directory). */
int sm_output_open(sm_output *o, const char *path, sm_error *err);
/* Flush, fsync, close and rename into place.  Returns 0 or -1. */
int sm_output_commit(sm_output *o, sm_error *err);
/* Close and delete the temporary file (on failure paths). */
void sm_output_abort(sm_output *o);
/* Writing to o failed (a write error, or no memory for a record): abort it
 * and say so the one way every command does (sm_fail_write).
 * Returns -1. */
int sm_output_fail(sm_output *o, sm_error *err);

/* The one wording of a failed write, for every output of every command:
 * "NAME: cannot write: REASON" (errnum 0: EIO).  Returns -1. */
int sm_fail_write(sm_error *err, const char *name, int errnum);
/* A process of this host with that id has ended (for stale temporaries). */
int sm_process_gone(long pid);

/* Process-wide set-up for long runs: keeps large freed buffers in the heap
 * for reuse instead of handing them back to the kernel after every file
 * (with glibc; elsewhere it does nothing).  A batch reads thousands of
 * files, and on virtual machines faulting fresh pages in again cost more than
 * parsing them (a 300 KB screenplay: 4.9 ms read+parse per file with the
 * default, 1.5 ms with this).  Call once, early in main(). */
void sm_process_init(void);

/* Make a directory and its parents (like mkdir -p). */
int sm_mkdir_p(const char *path, sm_error *err);

/* The directory part of a path: "a/b" for "a/b/c.jsonl", "." when it has
 * none, "/" for "/c".  malloc'd; NULL when out of memory. */
char *sm_path_dir(const char *path);

#ifdef __cplusplus
}
#endif
#endif
