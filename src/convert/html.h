/*
 * html.h — the recipe field option "clean": "html" (docs/recipes.md): text that a source stores as
 * an HTML fragment (Amazon 2018 metadata titles such as <span class="a-size-medium">Title</span>)
 * made plain.  Safe on any thread.
 */
#ifndef L4R_HTML_H
#define L4R_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Append the plain text of the UTF-8 fragment p[0, n) to b: tags and comments removed (a tag
 * becomes a blank), the content of <script> and <style> dropped, character references decoded once
 * (named: the HTML 4 Latin-1 set, amp lt gt quot apos and common typography; numeric &#NNN; and
 * &#xHH;), so "&amp;amp;" is "&amp;"; then runs of blanks (and &nbsp;) collapsed to one space, none
 * leading or trailing.  A '<' that does not open a tag and an unknown or unterminated reference stay
 * as they are.  Returns whether the text changed. */
bool l4r_html_clean(l4r_buf *b, const char *p, size_t n);

#endif
