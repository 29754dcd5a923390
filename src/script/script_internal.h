/* script_internal.h - the three screenplay readers, as script.c calls
 * them (each in its own file, over the builder of script_builder.h). */
#ifndef SM_SCRIPT_INTERNAL_H
#define SM_SCRIPT_INTERNAL_H

#include "script/script_builder.h"

/* The readers.  Each appends blocks to b and returns 0, or -1 with err set. */
int sm_parse_plain(const char *name, const char *text, size_t len, sm_builder *b, sm_error *err);
int sm_parse_fountain(const char *name, const char *text, size_t len, sm_builder *b, sm_error *err);
int sm_parse_transcript(const char *name, const char *text, size_t len, sm_builder *b, sm_error *err);

#endif
