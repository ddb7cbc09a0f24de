# wisp build. `make` builds build/wisp and build/libwisp.a; `make test` runs
# every test; `make SAN=1 test` does so under AddressSanitizer and UBSan.

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
SAN ?= 0
OPT ?= -O2

BUILD := build
ifeq ($(SAN),1)
BUILD := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
endif

CFLAGS_ALL := -std=gnu11 $(OPT) -g -Wall -Wextra \
              -Iinclude -Isrc -I$(BUILD)/gen $(SANFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)
LDLIBS := -lm -pthread

LIB_SRC := $(sort $(wildcard src/base/*.c src/binary/*.c src/valid/*.c src/text/*.c \
                             src/wast/*.c src/compile/*.c src/exec/*.c src/wasi/*.c src/api/*.c))
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

$(WISP): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# CPU benchmarks: `make bench` (bench/bench.mk).
-include bench/bench.mk

# WASI: witx files and the generator that turns them into C.
-include tools/witxgen/witxgen.mk
# The generated glue is part of the library.
$(LIB): $(WITX_GEN_OBJ)

test: all
	@CC="$(CC)" SAN=$(SAN) BUILD=$(BUILD) bash tests/run.sh

demo: all
	@bash examples/demo.sh $(BUILD)

clean:
	rm -rf build

# Fuzzing: libFuzzer targets built with clang over the library sources.
# `make fuzz` builds them; `make fuzz-run FUZZ_SECONDS=600` runs each one.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Iinclude -Isrc -Ibuild/fuzz/gen
FUZZ_TARGETS := build/fuzz/fuzz_decode build/fuzz/fuzz_wat
fuzz: $(FUZZ_TARGETS)
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(wildcard src/*/*.h src/*.h include/*.h src/binary/opcodes.def) $(WITX_DEPS) | $(WITXGEN)
	@mkdir -p $(dir $@) build/fuzz/gen
	$(WITXGEN) --out build/fuzz/gen $(WITX_ALL)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) build/fuzz/gen/wasi_glue.c build/fuzz/gen/wasi_trace.c -lm -pthread
# The text fuzzer's dictionary: every instruction name plus the keywords.
build/fuzz/wat.dict: src/binary/opcodes.def tests/fuzz/keywords.txt
	@mkdir -p $(dir $@)
	{ sed -n 's/^OP([a-z0-9_]*, *\("[^"]*"\).*/\1/p' src/binary/opcodes.def; \
	  sed 's/.*/"&"/' tests/fuzz/keywords.txt; } | sort -u > $@
fuzz-run: $(FUZZ_TARGETS) build/fuzz/wat.dict
	@for t in decode wat; do \
	  mkdir -p build/fuzz/corpus-$$t && \
	  echo "== fuzz_$$t for $(FUZZ_SECONDS)s" && \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -print_final_stats=1 \
	    $$( [ $$t = wat ] && echo -dict=build/fuzz/wat.dict ) \
	    build/fuzz/corpus-$$t tests/fuzz/seeds/$$t 2>&1 | tail -12 || exit 1; \
	done

# Load throughput (decode + validate MB/s) on the largest modules we build.
bench-load: all
	@BUILD=$(BUILD) CC=$(CC) bash bench/load/run.sh

# `make install [PREFIX=/usr/local] [DESTDIR=...]`: the header, the static
# library and the tool, for programs that embed wisp (see examples/embed.c).
PREFIX ?= /usr/local
.PHONY: install embed-test
install: $(WISP) $(LIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib
	install -m 755 $(WISP) $(DESTDIR)$(PREFIX)/bin/wisp
	install -m 644 include/wisp.h $(DESTDIR)$(PREFIX)/include/wisp.h
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libwisp.a

# Installs into a temporary root and builds examples/embed.c against it.
embed-test: all
	@CC="$(CC)" SAN=$(SAN) BUILD=$(BUILD) bash tests/embed/run.sh
