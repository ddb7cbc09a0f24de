# wisp build. `make` builds build/wisp, build/libwisp.a and build/libwisp.so; `make test` runs
# every test; `make SAN=1 test` does so under AddressSanitizer and UBSan.

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
SAN ?= 0
OPT ?= -O2

# The compiled tier needs LLVM 19 (llvm-config-19, or LLVM_CONFIG=...);
# `make LLVM=0` builds without it, in a build directory of its own.
LLVM ?= 1
LLVM_CONFIG ?= llvm-config-19
BUILD := build
ifeq ($(SAN),1)
BUILD := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif
ifeq ($(LLVM),1)
LLVM_FOUND := $(shell command -v $(LLVM_CONFIG) 2>/dev/null)
else
BUILD := $(BUILD)/nollvm
endif

# -ffp-contract=off: wasm rounds every float operation on its own, so a
# multiply and an add must never become one FMA (GCC's default for GNU C
# fuses them on targets with FMA, say with -march=native in CFLAGS).
# -fasynchronous-unwind-tables (x86-64's default, said here): an exception
# unwinds through the runtime helpers that compiled code calls.
CFLAGS_ALL := -std=gnu11 $(OPT) -g -Wall -Wextra -ffp-contract=off -fasynchronous-unwind-tables \
              -Iinclude -Isrc -I$(BUILD)/gen $(SANFLAGS) $(CFLAGS)
# libgcc's unwinder (exceptions through compiled code, src/runtime/native_eh.c)
# linked in: loading libgcc_s.so at start-up cost every process, interpreted
# or not, 23,000 instructions (callgrind, an empty module).
LDFLAGS_ALL := $(SANFLAGS) -static-libgcc $(LDFLAGS)
LDLIBS := -lm -pthread

LIB_SRC := $(sort $(wildcard src/base/*.c src/binary/*.c src/valid/*.c src/text/*.c \
                             src/wast/*.c src/runtime/*.c src/interp/*.c src/wasi/*.c src/api/*.c \
                             src/capi/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)

WISP := $(BUILD)/wisp
LIB := $(BUILD)/libwisp.a

.PHONY: all clean test demo fuzz fuzz-run bench bench-load
all: $(WISP) $(LIB)

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# --as-needed: the tool records only the libraries it calls, each of which
# the dynamic loader would map and relocate at every start (libm is not
# called on x86-64: see num_f64_sqrt).
$(WISP): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIB) -Wl,--as-needed $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# The compiled tier: a plugin that the runtime opens on first use
# (src/runtime/tier_plugin.h says why), with its own copies of the few
# library files it reads modules with. Its objects are PIC, with hidden
# visibility: it exports only wisp_tier_plugin.
PLUGIN_SRC := $(sort $(wildcard src/llvm/*.c)) src/base/common.c src/binary/instr.c src/binary/types.c
PLUGIN_OBJ := $(PLUGIN_SRC:%.c=$(BUILD)/plugin/%.o)
PLUGIN := $(BUILD)/libwisp-llvm.so
ifneq ($(LLVM_FOUND),)
LLVM_CFLAGS := -I$(shell $(LLVM_CONFIG) --includedir)
LLVM_LIBS := -L$(shell $(LLVM_CONFIG) --libdir) $(shell $(LLVM_CONFIG) --libs)
all: $(PLUGIN)
$(PLUGIN): $(PLUGIN_OBJ)
	$(CC) -shared $(if $(SANFLAGS),,-Wl,--no-undefined) $(LDFLAGS_ALL) -o $@ $(PLUGIN_OBJ) $(LLVM_LIBS) $(LDLIBS)
$(PLUGIN_OBJ): $(BUILD)/plugin/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(LLVM_CFLAGS) -fPIC -fvisibility=hidden -MMD -MP -c -o $@ $<
-include $(PLUGIN_OBJ:.o=.d)
endif
# Where an installed wisp looks for the plugin (src/runtime/tier.c).
$(BUILD)/obj/src/runtime/tier.o $(BUILD)/pic/src/runtime/tier.o: CFLAGS_ALL += -DWISP_PLUGIN_DIR='"$(LIBDIR)/wisp"'

# CPU benchmarks: `make bench` (bench/bench.mk).
-include bench/bench.mk

# WASI: witx files and the generator that turns them into C.
-include tools/witxgen/witxgen.mk
# The generated glue is part of the library.
$(LIB): $(WITX_GEN_OBJ)

# The packages first (LLVM among them, unless LLVM=0), then a build that
# sees them.
test:
	@LLVM=$(LLVM) bash tests/deps.sh
	@$(MAKE) --no-print-directory all
	@CC="$(CC)" SAN=$(SAN) LLVM=$(LLVM) BUILD=$(BUILD) bash tests/run.sh

demo: all
	@bash examples/demo.sh $(BUILD)

clean:
	rm -rf build

# Fuzzing: libFuzzer targets built with clang over the library sources.
# `make fuzz` builds them; `make fuzz-run FUZZ_SECONDS=600` runs each one.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Iinclude -Isrc -Ibuild/fuzz/gen
FUZZ_TARGETS := build/fuzz/fuzz_decode build/fuzz/fuzz_wat build/fuzz/fuzz_exec build/fuzz/fuzz_gen build/fuzz/fuzz_tiers
# The execution targets link helpers: the shared run harness, and for
# fuzz_gen and fuzz_tiers the generator of valid modules (tests/fuzz/wasm_gen.c).
# fuzz_tiers runs each module in both tiers and compares them: it opens the
# plugin, build/libwisp-llvm.so (or WISP_LLVM_PLUGIN), so build `all` first.
FUZZ_EXTRA_exec := tests/fuzz/exec_harness.c
FUZZ_EXTRA_gen := tests/fuzz/exec_harness.c tests/fuzz/wasm_gen.c
FUZZ_EXTRA_tiers := tests/fuzz/exec_harness.c tests/fuzz/wasm_gen.c
FUZZ_HELPERS := $(wildcard tests/fuzz/*.h) tests/fuzz/exec_harness.c tests/fuzz/wasm_gen.c
fuzz: $(FUZZ_TARGETS) build/fuzz/gen_tool
# Writes generated modules to files (tests/fuzz/gen_tool.c).
build/fuzz/gen_tool: tests/fuzz/gen_tool.c tests/fuzz/wasm_gen.c tests/fuzz/wasm_gen.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -o $@ tests/fuzz/gen_tool.c tests/fuzz/wasm_gen.c -lm
# The library is compiled once for every target (interp.c alone takes
# minutes under the fuzzer's instrumentation).
FUZZ_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o) build/fuzz/obj/gen/wasi_glue.o build/fuzz/obj/gen/wasi_trace.o
build/fuzz/gen/.witx-stamp: $(WITX_DEPS) | $(WITXGEN)
	@mkdir -p build/fuzz/gen
	$(WITXGEN) --out build/fuzz/gen $(WITX_ALL)
	@touch $@
build/fuzz/gen/wasi_glue.c build/fuzz/gen/wasi_trace.c: build/fuzz/gen/.witx-stamp
build/fuzz/obj/%.o: %.c | build/fuzz/gen/.witx-stamp
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<
build/fuzz/obj/gen/%.o: build/fuzz/gen/%.c build/fuzz/gen/.witx-stamp
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<
-include $(FUZZ_OBJ:.o=.d)
# Made by a pattern rule for a pattern rule: keep them (make would delete
# them as intermediate files).
.SECONDARY: $(FUZZ_OBJ)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HELPERS) $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_EXTRA_$*) $(FUZZ_OBJ) -lm -pthread
# The text fuzzer's dictionary: every instruction name plus the keywords.
build/fuzz/wat.dict: src/binary/opcodes.def tests/fuzz/keywords.txt
	@mkdir -p $(dir $@)
	{ sed -n 's/^OP([a-z0-9_]*, *\("[^"]*"\).*/\1/p' src/binary/opcodes.def; \
	  sed 's/.*/"&"/' tests/fuzz/keywords.txt; } | sort -u > $@
fuzz-run: $(FUZZ_TARGETS) build/fuzz/wat.dict
	@for t in decode wat exec gen tiers; do \
	  mkdir -p build/fuzz/corpus-$$t && \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS)s" && \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=$$(case $$t in exec|gen|tiers) echo 16384;; *) echo 8192;; esac) \
	    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    $$( [ $$t = wat ] && echo -dict=build/fuzz/wat.dict ) \
	    build/fuzz/corpus-$$t tests/fuzz/seeds/$$t 2>&1 | tail -12 || exit 1; \
	done

# Load throughput (decode + validate MB/s) on the largest modules we build.
bench-load: all
	@BUILD=$(BUILD) CC=$(CC) bash bench/load/run.sh

# ---- wisp as an installed library ----------------------------------------
# `make` also builds the shared library $(BUILD)/libwisp.so.X.Y.Z, X.Y.Z being
# WISP_VERSION from include/wisp.h, with the soname libwisp.so.X. Its objects
# are compiled with -fPIC in $(BUILD)/pic/, apart from the ones of libwisp.a
# and the wisp tool, which stay non-PIC. The version script
# src/api/libwisp.map exports the public API (wisp_*, later wasm_*) and
# keeps every other symbol local.
# `make install [PREFIX=/usr/local] [DESTDIR=...]` installs the headers,
# libwisp.a, libwisp.so.X.Y.Z with its links libwisp.so.X and libwisp.so,
# wisp.pc for pkg-config (written with this PREFIX) and the wisp tool;
# `make uninstall` with the same PREFIX and DESTDIR removes exactly those.
WISP_VERSION := $(shell sed -n 's/^.define WISP_VERSION "\([^"]*\)".*/\1/p' include/wisp.h)
SONAME := libwisp.so.$(word 1,$(subst ., ,$(WISP_VERSION)))
SOLIB := $(BUILD)/libwisp.so.$(WISP_VERSION)
SO_MAP := src/api/libwisp.map
PIC_OBJ := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
PIC_GEN_OBJ := $(WITX_GEN_C:$(WITX_GEN_DIR)/%.c=$(BUILD)/pic/gen/%.o)
# Every symbol must resolve in the library itself (-lm, -pthread), except
# under the sanitizers, whose runtime the program brings.
SO_NOUNDEF := $(if $(SANFLAGS),,-Wl,--no-undefined)

all: $(SOLIB) $(BUILD)/$(SONAME) $(BUILD)/libwisp.so

$(SOLIB): $(PIC_OBJ) $(PIC_GEN_OBJ) $(SO_MAP)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(SO_MAP) $(SO_NOUNDEF) \
	  $(LDFLAGS_ALL) -o $@ $(PIC_OBJ) $(PIC_GEN_OBJ) $(LDLIBS)
# The links, so that -L$(BUILD) -lwisp and LD_LIBRARY_PATH=$(BUILD) work in the tree.
$(BUILD)/$(SONAME): $(SOLIB)
	ln -sf $(notdir $(SOLIB)) $@
$(BUILD)/libwisp.so: $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $@

$(PIC_OBJ): $(BUILD)/pic/%.o: %.c | $(WITX_GEN_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -MMD -MP -c -o $@ $<
$(PIC_GEN_OBJ): $(BUILD)/pic/gen/%.o: $(WITX_GEN_DIR)/%.c $(WITX_GEN_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -fPIC -MMD -MP -c -o $@ $<
-include $(PIC_OBJ:.o=.d) $(PIC_GEN_OBJ:.o=.d)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR ?= $(PREFIX)/lib
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
PUBLIC_HEADERS := include/wisp.h include/wasm.h
# A directory under PREFIX, written relative to ${prefix} in wisp.pc.
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
INSTALLED := $(DESTDIR)$(BINDIR)/wisp $(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(notdir $(PUBLIC_HEADERS))) \
             $(addprefix $(DESTDIR)$(LIBDIR)/,libwisp.a $(notdir $(SOLIB)) $(SONAME) libwisp.so) \
             $(DESTDIR)$(PKGCONFIGDIR)/wisp.pc $(if $(LLVM_FOUND),$(DESTDIR)$(LIBDIR)/wisp/libwisp-llvm.so)
.PHONY: install uninstall embed-test
install: $(WISP) $(LIB) $(SOLIB) $(if $(LLVM_FOUND),$(PLUGIN))
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	$(if $(LLVM_FOUND),install -d $(DESTDIR)$(LIBDIR)/wisp && install -m 644 $(PLUGIN) $(DESTDIR)$(LIBDIR)/wisp/)
	install -m 755 $(WISP) $(DESTDIR)$(BINDIR)/wisp
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libwisp.a
	install -m 644 $(SOLIB) $(DESTDIR)$(LIBDIR)/$(notdir $(SOLIB))
	ln -sf $(notdir $(SOLIB)) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libwisp.so
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(call pc_dir,$(LIBDIR))' \
	  'includedir=$(call pc_dir,$(INCLUDEDIR))' '' 'Name: wisp' \
	  'Description: A small, fast, embeddable WebAssembly runtime' 'Version: $(WISP_VERSION)' \
	  'Libs: -L$${libdir} -lwisp' 'Libs.private: -lm -pthread' 'Cflags: -I$${includedir}' \
	  > $(DESTDIR)$(PKGCONFIGDIR)/wisp.pc
	chmod 644 $(DESTDIR)$(PKGCONFIGDIR)/wisp.pc
uninstall:
	rm -f $(INSTALLED)
	$(if $(LLVM_FOUND),rmdir $(DESTDIR)$(LIBDIR)/wisp 2>/dev/null || true)

# Installs into a temporary root and builds examples/embed.c against it.
embed-test: all
	@CC="$(CC)" SAN=$(SAN) BUILD=$(BUILD) bash tests/embed/run.sh
