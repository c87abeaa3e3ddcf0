/*
 * locate.h — find the file (and archive member) a recipe table is read from.
 */
#ifndef L4R_LOCATE_H
#define L4R_LOCATE_H

#include <stdbool.h>

#include "llm4rec_data.h"
#include "recipe.h"

typedef struct l4r_input {
    char *path;   /* file to open */
    char *member; /* archive member or NULL */
    char *label;  /* for the manifest: "PATH" or "PATH:MEMBER" */
} l4r_input;

/* Find the file of table t: under fetched_dir when raw is NULL, else in what --raw names (a
 * directory, the table itself, or an archive holding it).  Fills *in (owned by the caller, freed
 * with l4r_input_free).  is_items: a missing table is not an error, *in stays empty (path NULL).
 * Errors: L4R_EIO naming the path and how to fix it. */
l4r_status l4r_locate(const char *raw, const char *fetched_dir, const l4r_variant *v, const l4r_table *t,
                      bool is_items, l4r_input *in, l4r_error *e);
/* Frees the strings of *in and zeroes it; accepts a zeroed struct. */
void l4r_input_free(l4r_input *in);

#endif
