/*
 * columns.h — the columns (name, type, nullable) and id maps of every output file, in
 * manifest.json's outputs[] entries (docs/FORMAT.md "manifest.json").
 */
#ifndef L4R_COLUMNS_H
#define L4R_COLUMNS_H

#include "output.h"

/* Add "columns" (and "user_map" / "item_map" for a renumbered file) to each outputs[] entry of m,
 * reading the header lines of the files in dir (the temporary output directory).  Types: string,
 * int64, float64, list<string>, list<int64>.  Call after the last file is closed. */
void l4r_describe_outputs(l4r_manifest *m, const char *dir);

#endif
