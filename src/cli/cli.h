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
/* The options of a command, as a table, read by cli_parse: one way to read
 * a command line, so that every command takes "--name=value" as well as
 * "--name value", "--" before operands that start with '-', -h/--help
 * anywhere, and says what is wrong in the same words.
 *
 *     const char *stories = NULL; int quiet = 0; long jobs = 8;
 *     const cli_opt opts[] = {
 *         CLI_OPT("--stories", CLI_STRING, &stories),
 *         CLI_RANGE("-j|--jobs", CLI_LONG, &jobs, 1, 1024),
 *         CLI_OPT("-q|--quiet", CLI_FLAG, &quiet),
 *         CLI_END};
 *     int rc = cli_parse("eval dialogue", cli_help_eval_dialogue, opts, NULL, argc, argv);
 *     if (rc >= 0) return rc;      // help shown (0) or a usage error (2)
 */
typedef enum cli_kind {
    CLI_FLAG,        /* int *: set to 1 */
    CLI_UNSET,       /* int *: set to 0 (--no-hints) */
    CLI_STRING,      /* const char **: the value (the last one given wins) */
    CLI_LONG,        /* long *: a whole number in [lo, hi] */
    CLI_INT,         /* int *: a whole number in [lo, hi] */
    CLI_NUMBER,      /* double *: a number in [lo, hi] */
    CLI_POSITIVE,    /* double *: a number in (lo, hi] */
    CLI_CALL,        /* call(cmd, option, value, dst): 0, or -1 once reported */
    CLI_LIST,        /* cli_list *: the value appended (an option given again
                        for more); free(list.items) after */
    CLI_CHOICE       /* int * (or an enum's, valued 0, 1, ... as the choices):
                        the number of the value in choices ("data|file|none") */
} cli_kind;
typedef struct cli_list {
    const char **items;
    size_t n;
} cli_list;
typedef struct cli_opt {
    const char *names;   /* "-o|--output": the spellings, '|' between them */
    cli_kind kind;
    void *dst;
    double lo, hi;
    int (*call)(const char *cmd, const char *opt, const char *value, void *dst);
    const char *choices;
} cli_opt;
#define CLI_OPT(names, kind, dst) {names, kind, dst, 0, 0, NULL, NULL}
#define CLI_RANGE(names, kind, dst, lo, hi) {names, kind, dst, lo, hi, NULL, NULL}
#define CLI_CALLBACK(names, call, dst) {names, CLI_CALL, dst, 0, 0, call, NULL}
#define CLI_CHOICES(names, choices, dst) {names, CLI_CHOICE, dst, 0, 0, NULL, choices}
#define CLI_END {NULL, CLI_FLAG, NULL, 0, 0, NULL, NULL}
/* What is not in the table: the operands (at most max of them; more is a
 * usage error), and a family of options another reader takes (the model
 * options: cli_llm_more): more(ctx, cmd, argc, argv, &i) returns 1 when it
 * took argv[i] (and its value), 0 when it is not its, -1 when it reported
 * a bad value. */
typedef struct cli_rest {
    const char **operands;
    size_t max, n;
    int (*more)(void *ctx, const char *cmd, int argc, char **argv, int *i);
    void *ctx;
} cli_rest;
/* Read argv[1..] by opts (ended by CLI_END).  Returns -1 when the command
 * is to run, 0 after printing help on standard output, 2 after a usage
 * error on standard error. */
int cli_parse(const char *cmd, const char *help, const cli_opt *opts, cli_rest *rest, int argc, char **argv);
/* One option argv[*i] by opts (its value too, *i advanced past it): 1 when
 * taken, 0 when opts has no such option, -1 after reporting a missing or
 * bad value.  What cli_parse does for each option; a family of options
 * kept in a table of its own (cli_llm) reads its own with it. */
int cli_take(const char *cmd, const cli_opt *opts, int argc, char **argv, int *i);

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
