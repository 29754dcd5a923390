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
/* Open an output (NULL or "-": standard output); reports a failure.
 * Returns 0 or -1. */
int cli_open_output(sm_output *o, const char *path);
/* Finish an output: commit it, or, when writing it failed, abort it with
 * the one wording every command uses (sm_output_fail).  Reports any
 * problem; returns the exit status (0 or 1). */
int cli_finish_output(sm_output *o, int failed);
/* A command with subcommands (eval, story): argv[1] names one of subs,
 * which runs on argv + 1.  No argument, -h or --help (anywhere, when
 * help_anywhere) prints usage.  Returns the exit status. */
typedef struct cli_sub {
    const char *name;
    int (*run)(int argc, char **argv);
} cli_sub;
int cli_dispatch(int argc, char **argv, const cli_sub *subs, size_t n_subs, void (*usage)(FILE *f),
                 int help_anywhere, const char *unknown);
/* The value of option argv[*i] (the next argument, *i advanced past it);
 * without one print "CMD: OPTION needs WHAT" and return -1. */
int cli_option_value(const char *cmd, int argc, char **argv, int *i, const char *what, const char **out);
/* True when argv[i] is -h or --help. */
int cli_is_help(const char *arg);
/* The last step of every command: standard output flushed and closed.  A
 * write error there that nothing reported yet (status 0: the command
 * thought it succeeded) is reported the one way (sm_fail_write) and makes
 * the status 1.  Returns the status. */
int cli_close_stdout(int status);
/* stderr is a terminal: progress output is allowed. */
int cli_stderr_is_tty(void);

#endif
