# llm4rec-data — one GNU Makefile.
#
#   make            build ./llm4rec-data (installs missing -dev packages on Debian/Ubuntu)
#   make test       build and run the whole test suite (unit, CLI, fetch); ends "N passed, N failed"
#   make demo       offline end-to-end demo: fetch a generated MovieLens sample via a local mirror, convert
#   make bench      benchmark against peers (not part of test); see docs/PERFORMANCE.md
#   make example    build $(BUILD)/examples/convert_one from docs/examples/convert_one.c (docs/LIBRARY.md)
#   make check-asan / check-tsan   the test suite under sanitizers
#   make SANITIZER=address|undefined|thread   sanitizer build
#   make BUILD=dir  put objects in another directory (default: build)
#   make WERROR=1   warnings are errors (CI)

CC       ?= cc
BUILD    ?= build
PKGS     := libcurl libarchive jansson zlib libcrypto libzstd
DEBPKGS  := libcurl4-openssl-dev libarchive-dev libjansson-dev zlib1g-dev libssl-dev libzstd-dev pkg-config
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

# ISA-L is optional: used for .gz inflation when present (HAVE_ISAL), zlib otherwise.
# NO_ISAL=1 forces the zlib path.
ifeq ($(NO_ISAL),)
HAVE_ISAL := $(shell pkg-config --exists libisal 2>/dev/null && echo 1)
endif
ifeq ($(HAVE_ISAL),1)
PKGS += libisal
ISAL_DEF := -DL4R_HAVE_ISAL=1
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is not linked: fetch loads it when a download starts (src/fetch/curl_api.c).
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null) -ldl

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
        -Wpointer-arith -Wcast-qual -Wundef -Wwrite-strings -Wno-unused-parameter
ifneq ($(WERROR),)
WARN += -Werror
endif

OPT     ?= -O2 -g
CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE -pthread $(OPT) $(WARN) -Iinclude -Isrc $(PKG_CFLAGS) $(ISAL_DEF) \
           -DL4R_VERSION='"$(VERSION)"'
LDLIBS  += $(PKG_LIBS) -pthread -lm

ifneq ($(SANITIZER),)
ifeq ($(SANITIZER),address)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
CFLAGS  += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer
LDFLAGS += -fsanitize=$(SANITIZER)
endif
endif

LIB_SRC  := $(wildcard src/*.c src/scan/*.c src/fetch/*.c src/convert/*.c)
LIB_SRC  := $(filter-out src/main.c src/cmd_%.c,$(LIB_SRC))
CLI_SRC  := src/main.c $(wildcard src/cmd_*.c)
RECIPES  := $(sort $(wildcard recipes/*.json))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/recipes_embedded.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
GEN_BIN  := $(BUILD)/l4r-gen
LIB      := $(BUILD)/libllm4rec_data.a
BIN      := llm4rec-data

# Quiet rules by default ("CC src/util.c"); V=1 shows the full commands.
ifeq ($(V),)
Q := @
E := @echo
else
Q :=
E := @:
endif

.PHONY: all build deps test unit example run-tests demo bench check-asan check-tsan clean format check-format

# Every user-facing target first installs missing build dependencies (never prompts; skipped when
# everything is present), then re-enters make so pkg-config sees what was just installed.
all: deps
	@$(MAKE) --no-print-directory build

build: $(BIN) $(GEN_BIN)

deps:
	@scripts/deps.sh $(PKGS) libisal

$(BIN): $(BUILD)/$(BIN)
	@cp $< $@

$(BUILD)/$(BIN): $(CLI_OBJ) $(LIB)
	$(E) "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	$(E) "  AR      $@"
	$(Q)$(AR) rcs $@ $^

$(BUILD)/embed: scripts/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O1 -o $@ $<

$(BUILD)/recipes_embedded.c: $(BUILD)/embed $(RECIPES)
	$(E) "  EMBED   $(RECIPES)"
	$(Q)$(BUILD)/embed $@ $(RECIPES)

$(BUILD)/recipes_embedded.o: $(BUILD)/recipes_embedded.c
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(E) "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c tests/unit/tap.h $(LIB)
	@mkdir -p $(dir $@)
	$(E) "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The library's example program: the public header and the static library only (no -Isrc), with
# the build's sanitizer flags so that it links a sanitized library.  tests/cli/test_example.sh runs it.
EXAMPLE_BIN := $(BUILD)/examples/convert_one
example: $(EXAMPLE_BIN)

$(EXAMPLE_BIN): docs/examples/convert_one.c include/llm4rec_data.h $(LIB)
	@mkdir -p $(dir $@)
	$(E) "  CCLD    $@"
	$(Q)$(CC) -std=c11 $(OPT) $(WARN) $(filter -fsanitize% -fno-sanitize% -fno-omit-frame-pointer,$(CFLAGS)) \
	  -Iinclude $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The fixture generator: main and the family table in l4r-gen.c, shared code in gen_common.c, one
# gen_<family>.c per dataset family; every tests/gen/*.c is part of it (see l4r-gen.c's top comment).
GEN_SRC := $(sort $(wildcard tests/gen/*.c))
$(GEN_BIN): $(GEN_SRC) tests/gen/gen.h
	@mkdir -p $(dir $@)
	$(E) "  CCLD    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(GEN_SRC) $(LDLIBS)

# The fault tests' LD_PRELOAD shim (tests/fault/shim.c): a full disk, a stop before a write or a
# rename.  Built without the sanitizer flags, so it can be preloaded into any build.
FAULT_SHIM := $(BUILD)/tests/fault/shim.so
unit: $(UNIT_BIN) $(FAULT_SHIM) $(EXAMPLE_BIN)

$(FAULT_SHIM): tests/fault/shim.c
	@mkdir -p $(dir $@)
	$(E) "  CCLD    $@"
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE -O2 -fPIC -shared $(WARN) -o $@ $< -ldl

# The README's test command. tests/run.sh prints "N passed, N failed" and exits non-zero on failure.
test: deps
	@scripts/test-deps.sh
	@$(MAKE) --no-print-directory run-tests

run-tests: build unit
	@BUILD=$(BUILD) tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) bench/run.sh

# How convert --split seq grows from 1M to 1B rows (bench/scale.sh; ~60 GB of disk at 1B rows)
bench-scale: deps
	@$(MAKE) --no-print-directory build
	@BUILD=$(BUILD) bench/scale.sh

check-asan:
	$(MAKE) --no-print-directory BUILD=build-asan SANITIZER=address OPT='-O1 -g' test

check-tsan:
	$(MAKE) --no-print-directory BUILD=build-tsan SANITIZER=thread OPT='-O1 -g' L4R_TSAN=1 test

format:
	clang-format -i $(LIB_SRC) $(CLI_SRC) $(wildcard src/*.h src/*/*.h include/*.h tests/unit/*.[ch] tests/gen/*.[ch] tests/fault/*.c docs/examples/*.c)

check-format:
	clang-format --dry-run --Werror $(LIB_SRC) $(CLI_SRC) $(wildcard src/*.h src/*/*.h include/*.h tests/unit/*.[ch] tests/gen/*.[ch] tests/fault/*.c docs/examples/*.c)

clean:
	rm -rf build build-* $(BIN)

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# ---- fuzzers and the scanner micro-benchmark (not part of `make test`) ----
# make fuzz                   build the libFuzzer harnesses (clang) into $(BUILD)/fuzz/
# make fuzz FUZZ_SECONDS=N    build them, then run each N seconds on its corpus: tests/fuzz/corpus/NAME
#                             (seeds, read only) plus $(BUILD)/fuzz/corpus/NAME, where new inputs
#                             go (never into git); a crash leaves $(BUILD)/fuzz/crash/NAME-* and
#                             fails the target.  One harness by hand:
#                             $(BUILD)/fuzz/fuzz_json -max_total_time=60 tests/fuzz/corpus/json
# make bench-scan             $(BUILD)/bench_scan: MB/s of each scanner, the cutter and both gzip inflaters
# The library is compiled once with coverage instrumentation (fuzzer-no-link), ASan and UBSan into
# $(BUILD)/fuzz/libl4r.a; each harness links it with libFuzzer's main.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?=
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -pthread -g -O1 -fno-omit-frame-pointer \
                -fsanitize=address,undefined -fno-sanitize-recover=undefined -Iinclude -Isrc \
                $(PKG_CFLAGS) $(ISAL_DEF) -DL4R_VERSION='"$(VERSION)"'
FUZZ_OBJ     := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o) $(BUILD)/fuzz/obj/recipes_embedded.o
FUZZ_LIB     := $(BUILD)/fuzz/libl4r.a

.PHONY: fuzz bench-scan bench-scale
fuzz: $(FUZZ_BIN)
ifneq ($(FUZZ_SECONDS),)
	@fail=0; for b in $(FUZZ_BIN); do \
	  n=$${b##*/fuzz_}; mkdir -p $(BUILD)/fuzz/corpus/$$n $(BUILD)/fuzz/crash tests/fuzz/corpus/$$n; \
	  dict=; [ -f tests/fuzz/$$n.dict ] && dict=-dict=tests/fuzz/$$n.dict; \
	  echo "  FUZZ    $$b $(FUZZ_SECONDS) s"; \
	  if $$b -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/crash/$$n- \
	       $$dict $(BUILD)/fuzz/corpus/$$n tests/fuzz/corpus/$$n > $(BUILD)/fuzz/$$n.log 2>&1; then \
	    grep -h -E 'Done [0-9]+ runs' $(BUILD)/fuzz/$$n.log | tr '\n' ' '; echo; \
	  else \
	    echo "FAIL fuzz_$$n found a crash (log $(BUILD)/fuzz/$$n.log):"; tail -n 40 $(BUILD)/fuzz/$$n.log; fail=1; \
	  fi; \
	done; exit $$fail
endif

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(E) "  CC      $< (fuzz)"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(BUILD)/fuzz/obj/recipes_embedded.o: $(BUILD)/recipes_embedded.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	@rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(E) "  CCLD    $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(PKG_LIBS) -pthread -lm

-include $(FUZZ_OBJ:.o=.d)

bench-scan: $(BUILD)/bench_scan

$(BUILD)/bench_scan: tests/bench_scan.c $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# ---- install (README "Install") ----
# make install PREFIX=/usr/local DESTDIR=   the binary, the man page, bash and zsh completion, the
# public header, the static library, llm4rec-data.pc, the recipes and llm4rec-data.mk.
# make uninstall (same PREFIX and DESTDIR) removes exactly those files.  The recipes are built into
# the binary, so an installed binary finds them from any directory; the copies under
# share/llm4rec-data/recipes are for reading and for --recipes.
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
MANDIR     := $(PREFIX)/share/man/man1
INCDIR     := $(PREFIX)/include
LIBDIR     := $(PREFIX)/lib
PCDIR      := $(LIBDIR)/pkgconfig
SHAREDIR   := $(PREFIX)/share/llm4rec-data
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR := $(PREFIX)/share/zsh/site-functions
INSTALL    ?= install
# Libs.private: what the static library needs at link time, as this build links it (the shared
# libarchive, jansson, zlib, libcrypto and ISA-L; libcurl is loaded at run time, hence -ldl).  Not
# Requires.private: `pkg-config --static` would then ask for libarchive's own static dependencies
# (libacl, ...), which a system with the shared libraries need not have.
PC_LIBS_PRIVATE := $(PKG_LIBS) -pthread -lm

INSTALLED := $(BINDIR)/$(BIN) $(MANDIR)/llm4rec-data.1 $(BASHCOMPDIR)/llm4rec-data \
             $(ZSHCOMPDIR)/_llm4rec-data $(INCDIR)/llm4rec_data.h $(LIBDIR)/libllm4rec_data.a \
             $(PCDIR)/llm4rec-data.pc $(SHAREDIR)/llm4rec-data.mk $(RECIPES:%=$(SHAREDIR)/%)

.PHONY: install uninstall
install: build $(LIB)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(PCDIR) \
	  $(DESTDIR)$(SHAREDIR)/recipes $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	$(INSTALL) -m 755 $(BUILD)/$(BIN) $(DESTDIR)$(BINDIR)/$(BIN)
	$(INSTALL) -m 644 docs/llm4rec-data.1 $(DESTDIR)$(MANDIR)/llm4rec-data.1
	$(INSTALL) -m 644 scripts/completion/llm4rec-data.bash $(DESTDIR)$(BASHCOMPDIR)/llm4rec-data
	$(INSTALL) -m 644 scripts/completion/_llm4rec-data $(DESTDIR)$(ZSHCOMPDIR)/_llm4rec-data
	$(INSTALL) -m 644 include/llm4rec_data.h $(DESTDIR)$(INCDIR)/llm4rec_data.h
	$(INSTALL) -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libllm4rec_data.a
	@printf '%s\n' 'prefix=$(PREFIX)' 'exec_prefix=$${prefix}' 'libdir=$${prefix}/lib' \
	  'includedir=$${prefix}/include' '' 'Name: llm4rec-data' \
	  'Description: fetch and convert LLM-for-recommendation datasets (static library)' \
	  'Version: $(VERSION)' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -lllm4rec_data' 'Libs.private: $(strip $(PC_LIBS_PRIVATE))' \
	  > $(DESTDIR)$(PCDIR)/llm4rec-data.pc
	$(INSTALL) -m 644 llm4rec-data.mk $(DESTDIR)$(SHAREDIR)/llm4rec-data.mk
	$(INSTALL) -m 644 $(RECIPES) $(DESTDIR)$(SHAREDIR)/recipes/

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(SHAREDIR)/recipes $(DESTDIR)$(SHAREDIR) 2>/dev/null || true
