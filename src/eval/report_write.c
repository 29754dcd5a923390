/* report_write.c - `eval report`'s files: the Markdown, JSON and SVG of a
 * loaded report (report.c) written side by side. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_internal.h"
#include "storymovie/eval_report.h"
#include "storymovie/io.h"

static int write_file(const char *dir, const char *name, const char *text, int newline, sm_error *err)
{
    char *path = eval_join_path(dir, name);
    if (!path)
        return sm_fail(err, dir, 0, "out of memory");
    int rc = eval_write_text(path, text, newline, err);
    free(path);
    return rc;
}

int sm_report_write(const sm_report *r, const char *out_dir, char **markdown, sm_error *err)
{
    char *md = NULL, *json = NULL, *svg = NULL;
    size_t md_len = 0;
    int rc = -1, oom = 0;
    FILE *mf = open_memstream(&md, &md_len);
    if (!mf || sm_report_markdown(r, mf) || fclose(mf) || !(json = sm_report_json(r)) ||
        (!(svg = sm_report_svg(r, &oom)) && oom)) {
        sm_fail(err, "eval report", 0, "out of memory");
        goto done;
    }
    if (out_dir && (sm_mkdir_p(out_dir, err) || write_file(out_dir, "report.md", md, 0, err) ||
                    write_file(out_dir, "report.json", json, 1, err) ||
                    (svg && write_file(out_dir, "report.svg", svg, 0, err))))
        goto done;
    rc = 0;
    if (markdown) {
        *markdown = md;
        md = NULL;
    }
done:
    free(md);
    free(json);
    free(svg);
    return rc;
}
