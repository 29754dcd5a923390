/* cli.h - small helpers shared by the subcommands. */
#ifndef STORYMOVIE_CLI_H
#define STORYMOVIE_CLI_H

#include <stdio.h>
#include "storymovie/error.h"
#include "storymovie/io.h"

extern const char *sm_progname;   /* "storymovie" */

/* Print "storymovie: FILE:LINE: MESSAGE" to stderr. */
void cli_report(const sm_error *err);
/* Print "storymovie: <formatted>" to stderr. */
void cli_errorf(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* Print warnings as "storymovie: warning: FILE:LINE: MESSAGE", at most
 * `limit` of them, then a count of the rest. */
void cli_print_warnings(const char *file, const sm_warnings *w, size_t limit);
/* Option values: a whole number in [lo, hi], or a number in [lo, hi]
 * (lo excluded when lo_open).  On a bad value print
 * "storymovie: CMD: OPT 'VALUE': need ..." and return -1. */
int cli_option_long(const char *cmd, const char *opt, const char *value, long lo, long hi,
                    long *out);
int cli_option_double(const char *cmd, const char *opt, const char *value, double lo, int lo_open,
                      double hi, double *out);
/* Finish an output: commit it, or, when writing it failed, abort it with
 * the one wording every command uses (sm_output_fail).  Reports any
 * problem; returns the exit status (0 or 1). */
int cli_finish_output(sm_output *o, int failed);
/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);
/* stderr is a terminal: progress output is allowed. */
int cli_stderr_is_tty(void);

#endif
