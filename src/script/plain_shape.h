/* plain_shape.h - the shape reader (plain_shape.c): plain-text screenplays
 * whose indentation does not tell a cue from action, read by the shape of
 * their lines and their neighbours.  plain.c decides per file which reader
 * reads it. */
#ifndef SM_SCRIPT_PLAIN_SHAPE_H
#define SM_SCRIPT_PLAIN_SHAPE_H

#include "script/plain_lines.h"

/* The layout-free reader (plain_shape.c).  Whether a file the indentation
 * reader measured as `lay` is better read by shape: its columns failed, or
 * most of its cues stand a blank line above their speech where those
 * columns cannot see them. */
int sm_plain_wants_shape(const pline *L, size_t n, const layout *lay);
/* Mark the lines shaped like a cue L_NAME, before page headers are sought:
 * where a blank line stands under every cue, "AGENT #3" is as isolated
 * and as repeated as a page header. */
void sm_plain_mark_names(pline *lines, size_t n);
/* Infer the layout, read every block, name the layout in the script
 * (script->layout) and in a warning.  `lines` are r->L, which this reader
 * may mark as dropped.  Returns 0, or -1 out of memory. */
int sm_plain_read_by_shape(reader *r, pline *lines);

#endif
