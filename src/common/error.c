/* error.c - error and warning reporting (see include/storymovie/error.h). */
#include "storymovie/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/array.h"

/* Errors and warnings are one line each (the rule every command keeps), but a
 * message may quote input bytes (jansson's error text does): a newline, tab or
 * other control byte there becomes a space. */
static void one_line(char *msg)
{
    for (; *msg; msg++)
        if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
            *msg = ' ';
}

int sm_fail(sm_error *err, const char *file, long line, const char *fmt, ...)
{
    if (!err)
        return -1;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    one_line(err->message);
    one_line(err->file);
    return -1;
}

void sm_error_format(const sm_error *err, char *buf, size_t size)
{
    if (err->line > 0)
        snprintf(buf, size, "%s:%ld: %s", err->file, err->line, err->message);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, err->message);
    else
        snprintf(buf, size, "%s", err->message);
}

void sm_warn(sm_warnings *w, long line, const char *fmt, ...)
{
    if (sm_grow(&w->items, &w->cap, w->n_items + 1, sizeof *w->items) != 0)
        return;   /* a lost warning is better than a lost parse */
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    one_line(msg);
    char *copy = strdup(msg);
    if (!copy)
        return;
    w->items[w->n_items].line = line;
    w->items[w->n_items].message = copy;
    w->n_items++;
}

void sm_warnings_free(sm_warnings *w)
{
    for (size_t i = 0; i < w->n_items; i++)
        free(w->items[i].message);
    free(w->items);
    w->items = NULL;
    w->n_items = w->cap = 0;
}

int sm_warnings_prepend(sm_warnings *to, sm_warnings *from)
{
    if (from->n_items == 0)
        return 0;
    if (sm_grow(&to->items, &to->cap, to->n_items + from->n_items, sizeof *to->items) != 0)
        return -1;
    memmove(to->items + from->n_items, to->items, to->n_items * sizeof *to->items);
    memcpy(to->items, from->items, from->n_items * sizeof *to->items);
    to->n_items += from->n_items;
    free(from->items);
    from->items = NULL;
    from->n_items = from->cap = 0;
    return 0;
}
