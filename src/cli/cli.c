/* cli.c - helpers shared by the subcommands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *sm_progname = "storymovie";

void cli_report(const sm_error *err)
{
    char buf[1200];
    sm_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", sm_progname, buf);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", sm_progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_print_warnings(const char *file, const sm_warnings *w, size_t limit)
{
    size_t n = w->n_items < limit ? w->n_items : limit;
    for (size_t i = 0; i < n; i++) {
        if (w->items[i].line > 0)
            fprintf(stderr, "%s: warning: %s:%ld: %s\n", sm_progname, file,
                    w->items[i].line, w->items[i].message);
        else
            fprintf(stderr, "%s: warning: %s: %s\n", sm_progname, file, w->items[i].message);
    }
    if (w->n_items > n)
        fprintf(stderr, "%s: warning: %s: %zu more warnings\n", sm_progname, file, w->n_items - n);
}

int cli_open_output(sm_output *o, const char *path)
{
    sm_error err;
    if (sm_output_open(o, path, &err) != 0) {
        cli_report(&err);
        return -1;
    }
    return 0;
}

int cli_finish_output(sm_output *o, int failed)
{
    sm_error err;
    if ((failed ? sm_output_fail(o, &err) : sm_output_commit(o, &err)) != 0) {
        cli_report(&err);
        return 1;
    }
    return 0;
}

int cli_dispatch(int argc, char **argv, const cli_sub *subs, size_t n_subs, void (*usage)(FILE *f),
                 int help_anywhere, const char *unknown)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    for (int i = 1; i < (help_anywhere ? argc : 2); i++)
        if (cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        }
    for (size_t i = 0; i < n_subs; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    cli_errorf(unknown, argv[1]);
    return 2;
}

int cli_option_value(const char *cmd, int argc, char **argv, int *i, const char *what, const char **out)
{
    if (*i + 1 >= argc) {
        cli_errorf("%s: %s needs %s", cmd, argv[*i], what);
        return -1;
    }
    *out = argv[++*i];
    return 0;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cli_stderr_is_tty(void) { return isatty(STDERR_FILENO); }

int cli_close_stdout(int status)
{
    errno = 0;
    int failed = fflush(stdout) != 0;
    int e = errno;
    if (ferror(stdout))
        failed = 1;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        e = errno;
    }
    if (failed && status == 0) {
        sm_error err;
        sm_fail_write(&err, "standard output", e);
        cli_report(&err);
        return 1;
    }
    return status;
}

int cli_option_long(const char *cmd, const char *opt, const char *value, long lo, long hi,
                    long *out)
{
    char *end;
    long v = strtol(value, &end, 10);
    if (end == value || *end || v < lo || v > hi) {
        cli_errorf("%s: %s '%s': need a whole number from %ld to %ld", cmd, opt, value, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_option_double(const char *cmd, const char *opt, const char *value, double lo, int lo_open,
                      double hi, double *out)
{
    char *end;
    double v = strtod(value, &end);
    if (end == value || *end || !(lo_open ? v > lo : v >= lo) || !(v <= hi)) {
        cli_errorf("%s: %s '%s': need a number in %c%g, %g]", cmd, opt, value, lo_open ? '(' : '[',
                   lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* The table entry spelled like arg (up to len bytes of it), or NULL. */
static const cli_opt *find_option(const cli_opt *opts, const char *arg, size_t len)
{
    for (const cli_opt *o = opts; o && o->names; o++)
        for (const char *n = o->names; *n;) {
            size_t nl = strcspn(n, "|");
            if (nl == len && strncmp(n, arg, len) == 0)
                return o;
            n += nl + (n[nl] == '|');
        }
    return NULL;
}

/* The number of value among choices ("a|b|c"); else "need a, b or c". */
static int choose(const char *cmd, const char *name, const char *choices, const char *value, int *out)
{
    char need[256] = "";
    int k = 0;
    for (const char *c = choices; *c; k++) {
        size_t n = strcspn(c, "|");
        if (strlen(value) == n && strncmp(c, value, n) == 0) {
            *out = k;
            return 0;
        }
        int last = c[n] == '\0';
        size_t used = strlen(need);
        snprintf(need + used, sizeof need - used, "%s%.*s", k == 0 ? "" : last ? " or " : ", ", (int)n, c);
        c += n + !last;
    }
    cli_errorf("%s: %s '%s': need %s", cmd, name, value, need);
    return -1;
}

static int takes_value(const cli_opt *o) { return o->kind != CLI_FLAG && o->kind != CLI_UNSET; }

/* Store value (NULL for a flag) where option o puts it; -1 once reported. */
static int store(const char *cmd, const char *name, const cli_opt *o, const char *value)
{
    long l;
    switch (o->kind) {
    case CLI_FLAG:
    case CLI_UNSET:
        *(int *)o->dst = o->kind == CLI_FLAG;
        return 0;
    case CLI_STRING:
        *(const char **)o->dst = value;
        return 0;
    case CLI_LONG:
        return cli_option_long(cmd, name, value, (long)o->lo, (long)o->hi, (long *)o->dst);
    case CLI_INT:
        if (cli_option_long(cmd, name, value, (long)o->lo, (long)o->hi, &l))
            return -1;
        *(int *)o->dst = (int)l;
        return 0;
    case CLI_NUMBER:
    case CLI_POSITIVE:
        return cli_option_double(cmd, name, value, o->lo, o->kind == CLI_POSITIVE, o->hi, (double *)o->dst);
    case CLI_CALL:
        return o->call(cmd, name, value, o->dst);
    case CLI_CHOICE:
        return choose(cmd, name, o->choices, value, (int *)o->dst);
    case CLI_LIST: {
        cli_list *list = o->dst;
        const char **grown = realloc(list->items, (list->n + 1) * sizeof *grown);
        if (!grown) {
            cli_errorf("%s: out of memory", cmd);
            return -1;
        }
        grown[list->n++] = value;
        list->items = grown;
        return 0;
    }
    }
    return -1;
}

/* The length of the option's name in a: "--name=value" is "--name value". */
static size_t option_name_len(const char *a)
{
    const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
    return eq ? (size_t)(eq - a) : strlen(a);
}

int cli_take(const char *cmd, const cli_opt *opts, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    size_t len = option_name_len(a);
    const char *eq = a[len] == '=' ? a + len : NULL;
    const cli_opt *o = find_option(opts, a, len);
    if (!o)
        return 0;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)len, a);
    const char *value = NULL;
    if (takes_value(o)) {
        if (eq)
            value = eq + 1;
        else if (*i + 1 < argc)
            value = argv[++*i];
        else {
            cli_errorf("%s: %s needs a value; see 'storymovie %s --help'", cmd, name, cmd);
            return -1;
        }
    } else if (eq) {
        cli_errorf("%s: %s takes no value", cmd, name);
        return -1;
    }
    return store(cmd, name, o, value) ? -1 : 1;
}

int cli_parse(const char *cmd, const char *help, const cli_opt *opts, cli_rest *rest, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0)
            break;
        else if (cli_is_help(argv[i])) {
            fputs(help, stdout);
            return 0;
        }
    int operands_only = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!operands_only && strcmp(a, "--") == 0) {
            operands_only = 1;
            continue;
        }
        if (operands_only || a[0] != '-' || a[1] == '\0') {
            if (!rest || rest->n >= rest->max) {
                cli_errorf("%s: unexpected argument '%s'; see 'storymovie %s --help'", cmd, a, cmd);
                return 2;
            }
            rest->operands[rest->n++] = a;
            continue;
        }
        int took = cli_take(cmd, opts, argc, argv, &i);
        if (!took && rest && rest->more)
            took = rest->more(rest->ctx, cmd, argc, argv, &i);
        if (took < 0)
            return 2;
        if (took)
            continue;
        cli_errorf("%s: unknown option '%.*s'; see 'storymovie %s --help'", cmd, (int)option_name_len(a), a, cmd);
        return 2;
    }
    return -1;
}
