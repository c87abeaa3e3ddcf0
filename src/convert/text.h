/*
 * text.h — transcoding of source fields into the output's UTF-8.  Safe on any thread.
 */
#ifndef L4R_TEXT_H
#define L4R_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "recipe.h"
#include "util.h"

/* Append src (in encoding enc) to b as UTF-8, replacing TAB, CR and LF with a space.  Returns false
 * when a UTF-8 source holds an invalid sequence, or when the text holds a NUL byte (in any
 * encoding: no output field may). */
bool l4r_append_text(l4r_buf *b, const char *p, size_t n, l4r_encoding enc);

#endif
