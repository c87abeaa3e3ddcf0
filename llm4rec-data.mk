# llm4rec-data.mk — datasets as make targets.  In an experiment's Makefile:
#
#   include /usr/local/share/llm4rec-data/llm4rec-data.mk   # (make install puts it there)
#   L4R_CONVERT_FLAGS = --split seq
#   L4R_OPTS_amazon-2018-Video_Games_5 = --kcore 5
#   train: data/movielens-ml-1m/manifest.json data/amazon-2018-Video_Games_5/manifest.json
#
# A target L4R_OUT/NAME/manifest.json, NAME being llm4rec-data's default output name
# (DATASET-VARIANT, '/' in the variant written '-'), fetches the variant when it is not fetched
# and converts it into L4R_OUT/NAME with L4R_CONVERT_FLAGS and L4R_OPTS_NAME.  The convert runs on
# every make and decides itself: when L4R_OUT/NAME/manifest.json records the same inputs (by
# SHA-256) and options, it does nothing and says so, and the files keep their mtime; a changed
# option or input converts again.  `make L4R_DRY_RUN=1` prints what would run.
#
#   $(eval $(call l4r_convert,NAME,DATASET/VARIANT,OPTIONS)) gives any NAME its own rule, with the
#   fetch as a separate prerequisite (the stamp L4R_DATA_DIR/DATASET/VARIANT/.l4r-fetched.json).
#
# Variables (set them before or after the include; ?= keeps yours):
l4r_saved_goal := $(.DEFAULT_GOAL)
L4R               ?= llm4rec-data
L4R_FLAGS         ?=
L4R_CONVERT_FLAGS ?=
L4R_FETCH_FLAGS   ?=
L4R_OUT           ?= data
L4R_DATA_DIR      ?= $(or $(LLM4REC_DATA_HOME),$(or $(XDG_CACHE_HOME),$(HOME)/.cache)/llm4rec-data)
L4R_DRY_RUN       ?=

l4r_run = $(L4R) --data-dir '$(L4R_DATA_DIR)' $(L4R_FLAGS)
l4r_dry = $(if $(L4R_DRY_RUN),--dry-run)
# the output directory convert prints is not make's output; a dry run's plan is
l4r_out = $(if $(L4R_DRY_RUN),,>/dev/null)

.PHONY: l4r-always
l4r-always:

# NAME -> DATASET/VARIANT, asked from the binary's own list (dataset names may hold '-').
l4r_which = $$($(l4r_run) list | awk -F"\t" -v n="$(1)" '{ v = $$2; gsub("/", "-", v); if ($$1 "-" v == n) print $$1 "/" $$2 }')

$(L4R_OUT)/%/manifest.json: l4r-always
	@dv=$(call l4r_which,$*); \
	if [ -z "$$dv" ]; then echo "llm4rec-data.mk: no dataset variant is named '$*' ('$(L4R) list')" >&2; exit 2; fi; \
	echo "$(L4R) convert $$dv -o $(@D) $(L4R_CONVERT_FLAGS) $(L4R_OPTS_$*)"; \
	$(l4r_run) convert "$${dv%%/*}" --variant "$${dv#*/}" -o '$(@D)' $(l4r_dry) $(L4R_CONVERT_FLAGS) $(L4R_OPTS_$*) $(l4r_out)

# $(call l4r_convert,NAME,DATASET/VARIANT,OPTIONS): L4R_OUT/NAME/manifest.json from DATASET/VARIANT.
define l4r_convert
$(L4R_DATA_DIR)/$(2)/.l4r-fetched.json:
	$$(l4r_run) fetch $(firstword $(subst /, ,$(2))) --variant '$(patsubst $(firstword $(subst /, ,$(2)))/%,%,$(2))' $$(l4r_dry) $$(L4R_FETCH_FLAGS) $$(l4r_out)

$(L4R_OUT)/$(1)/manifest.json: $(if $(L4R_DRY_RUN),,$(L4R_DATA_DIR)/$(2)/.l4r-fetched.json) l4r-always
	$$(l4r_run) convert $(firstword $(subst /, ,$(2))) --variant '$(patsubst $(firstword $(subst /, ,$(2)))/%,%,$(2))' -o '$$(@D)' $$(l4r_dry) $$(L4R_CONVERT_FLAGS) $(3) $$(l4r_out)
endef

# the including Makefile's first target stays its default goal
.DEFAULT_GOAL := $(l4r_saved_goal)
