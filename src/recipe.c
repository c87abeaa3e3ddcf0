/* recipe.c — placeholder until the loader lands. */
#include "recipe.h"

#include <stdlib.h>

#include "util.h"

l4r_status l4r_registry_load(l4r_registry **out, const char *dir, l4r_error *e)
{
    (void)dir;
    *out = NULL;
    return l4r_err(e, L4R_EINTERNAL, "recipe loader not implemented yet");
}

void l4r_registry_free(l4r_registry *reg)
{
    free(reg);
}

l4r_status l4r_registry_find(const l4r_registry *reg, const char *dataset, const char *variant,
                             const l4r_recipe **r, const l4r_variant **v, l4r_error *e)
{
    (void)reg;
    (void)dataset;
    (void)variant;
    *r = NULL;
    *v = NULL;
    return l4r_err(e, L4R_EINTERNAL, "recipe loader not implemented yet");
}
