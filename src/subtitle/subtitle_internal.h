/* subtitle_internal.h - the three subtitle readers, as subtitle.c calls
 * them (each in its own file, over the builder of subtitle_builder.h). */
#ifndef STORYMOVIE_SUBTITLE_INTERNAL_H
#define STORYMOVIE_SUBTITLE_INTERNAL_H

#include "subtitle/subtitle_builder.h"

/* Reader entry points: parse the whole text into b->out.  0 or -1 (err set). */
int sub_parse_srt(sub_builder *b, const char *text, size_t len);
int sub_parse_vtt(sub_builder *b, const char *text, size_t len);
int sub_parse_ass(sub_builder *b, const char *text, size_t len);

#endif
