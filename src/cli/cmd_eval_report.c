/* cmd_eval_report.c - storymovie eval report: one table per kind of score for
 * a set of models (library: src/eval/report.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/help_texts.h"
#include "storymovie/eval_report.h"
#include "storymovie/io.h"


static int write_file(const char *dir, const char *name, const char *text, sm_error *err)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path)
        return sm_fail(err, dir, 0, "out of memory");
    snprintf(path, n, "%s/%s", dir, name);
    sm_output o;
    int rc = sm_output_open(&o, path, err);
    if (rc == 0 && fputs(text, o.fp) < 0) {
        rc = sm_output_fail(&o, err);
    } else if (rc == 0) {
        rc = sm_output_commit(&o, err);
    }
    free(path);
    return rc;
}

int cmd_eval_report(int argc, char **argv)
{
    const char *out = NULL;
    int quiet = 0;
    const char **dirs = calloc((size_t)argc, sizeof *dirs);
    size_t n = 0;
    if (!dirs) {
        cli_errorf("eval report: out of memory");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            fputs(cli_help_eval_report, stdout);
            free(dirs);
            return 0;
        }
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "-q"))
            quiet = 1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            cli_errorf("eval report: unknown option or missing value '%s' (see --help)", argv[i]);
            free(dirs);
            return 2;
        } else
            dirs[n++] = argv[i];
    }
    if (n == 0) {
        cli_errorf("eval report: name at least one model directory (see --help)");
        free(dirs);
        return 2;
    }
    sm_error err;
    int status = 1;
    char *md = NULL, *json = NULL, *svg = NULL;
    size_t md_len = 0;
    sm_report *r = sm_report_load(dirs, n, &err);
    if (!r) {
        cli_report(&err);
        goto done;
    }
    FILE *mf = open_memstream(&md, &md_len);
    int oom = 0;
    if (!mf || sm_report_markdown(r, mf) || fclose(mf) || !(json = sm_report_json(r)) ||
        (!(svg = sm_report_svg(r, &oom)) && oom)) {
        cli_errorf("eval report: out of memory");
        goto done;
    }
    if (out) {
        size_t jl = strlen(json);
        char *jn = realloc(json, jl + 2);
        if (!jn) {
            cli_errorf("eval report: out of memory");
            goto done;
        }
        json = jn;
        memcpy(json + jl, "\n", 2);
        if (sm_mkdir_p(out, &err) || write_file(out, "report.md", md, &err) ||
            write_file(out, "report.json", json, &err) || (svg && write_file(out, "report.svg", svg, &err))) {
            cli_report(&err);
            goto done;
        }
    }
    if (!quiet)
        fputs(md, stdout);
    status = 0;
done:
    sm_report_free(r);
    free(md);
    free(json);
    free(svg);
    free(dirs);
    return status;
}
