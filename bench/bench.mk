# CPU benchmarks, included by the top Makefile. `make bench` builds every
# kernel natively and to wasm under $(BUILD)/bench/ and prints a table of
# native, node and wisp times; see bench/README.md for the knobs.

BENCH_KERNELS ?= fib matmul sha256 nbody sort interp memory
BENCH_REPEAT ?= 3
BENCH_QUICK ?= 0
BENCH_WASM_CC ?= clang
BENCH_NODE ?= node
BENCH_WISP ?= $(WISP)
BENCH_TIMEOUT ?= 300
BENCH_KERNEL ?= fib
BENCH_CALLGRIND_FULL ?= 0

# Both builds use the same flags: -ffp-contract=off keeps the compiler from
# fusing a*b+c (which rounds once instead of twice) on hosts with FMA, so the
# floating-point kernels give bit-identical checksums everywhere;
# -fno-math-errno lets sqrt be one instruction instead of a libm call.
BENCH_CFLAGS_COMMON := -std=gnu11 -O2 -Wall -Wextra -ffp-contract=off -fno-math-errno $(BENCH_CFLAGS)
# No crt and no entry point: the module is run() and its data, with no imports.
BENCH_WASM_FLAGS := --target=wasm32-wasi --sysroot=/usr -nostartfiles \
                    -Wl,--no-entry -Wl,--export=run -Wl,--strip-debug

BENCH_FULL_DIR := $(BUILD)/bench/full
BENCH_QUICK_DIR := $(BUILD)/bench/quick
ifeq ($(BENCH_QUICK),1)
BENCH_DIR := $(BENCH_QUICK_DIR)
else
BENCH_DIR := $(BENCH_FULL_DIR)
endif
ifeq ($(BENCH_CALLGRIND_FULL),1)
BENCH_CG_DIR := $(BENCH_FULL_DIR)
else
BENCH_CG_DIR := $(BENCH_QUICK_DIR)
endif

# SCALE_<kernel>=N overrides one kernel's size, e.g. `make bench SCALE_fib=30`.
bench_scale = $(if $(SCALE_$(1)),-DSCALE="$(SCALE_$(1))")

# Rules for one output directory: $(1) the directory, $(2) extra defines.
# Each kernel's flags are kept in a .flags file that is rewritten only when
# they change, so a new SCALE_x or compiler rebuilds exactly what it must.
define BENCH_RULES
$(1)/%.flags: bench-force
	@mkdir -p $(1)
	@f='$$(BENCH_WASM_CC) $$(CC) $$(BENCH_CFLAGS_COMMON) $(2) $$(call bench_scale,$$*)'; \
	  echo "$$$$f" | cmp -s - $$@ || echo "$$$$f" > $$@

$(1)/%.wasm: bench/kernels/%.c bench/kernels/kernel.h $(1)/%.flags
	$$(BENCH_WASM_CC) $$(BENCH_WASM_FLAGS) $$(BENCH_CFLAGS_COMMON) $(2) $$(call bench_scale,$$*) -o $$@ $$<
	@if command -v wasm-objdump >/dev/null && wasm-objdump -x -j Import $$@ 2>/dev/null | grep -q '^Import\['; then \
	  echo "$$@: the kernel must not import anything:"; wasm-objdump -x -j Import $$@; rm -f $$@; exit 1; fi

$(1)/%.native: bench/kernels/%.c bench/kernels/kernel.h bench/native_main.c $(1)/%.flags
	$$(CC) $$(BENCH_CFLAGS_COMMON) $(2) $$(call bench_scale,$$*) -o $$@ $$< bench/native_main.c -lm
endef
$(eval $(call BENCH_RULES,$(BENCH_FULL_DIR),))
$(eval $(call BENCH_RULES,$(BENCH_QUICK_DIR),-DBENCH_QUICK=1))

.PHONY: bench-force bench-build bench-callgrind
# The exact target patterns, or make deletes the .flags files as intermediates.
.PRECIOUS: $(BENCH_FULL_DIR)/%.flags $(BENCH_QUICK_DIR)/%.flags
bench-force:

bench_outputs = $(foreach k,$(BENCH_KERNELS),$(1)/$(k).wasm $(1)/$(k).native)

bench-build: $(call bench_outputs,$(BENCH_DIR))

# wisp is built first only when it is ours; BENCH_WISP=/other/wisp runs that.
bench: $(call bench_outputs,$(BENCH_DIR)) $(filter $(WISP),$(BENCH_WISP))
	@BENCH_REPEAT='$(BENCH_REPEAT)' BENCH_NODE='$(BENCH_NODE)' BENCH_TIMEOUT='$(BENCH_TIMEOUT)' \
	  BENCH_LABEL='$(if $(filter 1,$(BENCH_QUICK)),quick,full) sizes' \
	  bash bench/run.sh '$(BENCH_DIR)' '$(BENCH_WISP)' $(BENCH_KERNELS)

# Instruction counts are repeatable where wall time on a shared machine is not.
# Counts one kernel (BENCH_KERNEL) under wisp and natively, at the quick sizes
# unless BENCH_CALLGRIND_FULL=1 (callgrind runs some 50x slower than native).
bench-callgrind: $(BENCH_CG_DIR)/$(BENCH_KERNEL).wasm $(BENCH_CG_DIR)/$(BENCH_KERNEL).native $(filter $(WISP),$(BENCH_WISP))
	@bash bench/callgrind.sh '$(BENCH_CG_DIR)' '$(BENCH_WISP)' '$(BENCH_KERNEL)'
