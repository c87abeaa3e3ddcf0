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
    /* A table of several files ("paths"): each one, in reading order (path, member and label above
     * are then the first's, label the list of all); n_parts 0 for a table of one file. */
    struct l4r_input *parts;
    size_t n_parts;
    char *rel;        /* a part: its path in the variant directory (fetched data; for the stamp) */
    bool glob;        /* a part: member is a glob inside the --raw archive, its entries read in turn */
    uint64_t members; /* ... and how many it read */
    char sha256[65];  /* a part, once read: the SHA-256 and size of the file it was read from */
    uint64_t bytes;
    /* one pass over an archive (l4r_passkeep): the next table reads a later member of the same
     * archive, so the source stays open for it; deferred: sha256 and bytes (and the manifest's
     * inputs.ROLE.bytes and .sha256) come when that pass ends */
    bool share_next;
    bool deferred;
} l4r_input;

/* Find the file of table t: under fetched_dir when raw is NULL, else in what --raw names (a
 * directory, the table itself, or an archive holding it).  Fills *in (owned by the caller, freed
 * with l4r_input_free).  is_items: a missing table is not an error, *in stays empty (path NULL).
 * Errors: L4R_EIO naming the path and how to fix it. */
l4r_status l4r_locate(const char *raw, const char *fetched_dir, const l4r_variant *v, const l4r_table *t,
                      bool is_items, l4r_input *in, l4r_error *e);
/* Whether tables a and b are read from the same file or files (path, member, paths). */
bool l4r_table_same_file(const l4r_table *a, const l4r_table *b);
/* Frees the strings of *in and zeroes it; accepts a zeroed struct. */
void l4r_input_free(l4r_input *in);

#endif
