# witxgen: the witx parser and C generator, and the WASI sources it writes.
# Included by the top Makefile after LIB_OBJ/CLI_OBJ are defined; also usable
# alone for the tests: make -f tools/witxgen/witxgen.mk BUILD=build witx-gen
#
#   $(WITXGEN)          the tool                          ($(BUILD)/witxgen)
#   witx-gen            generate $(WITX_GEN_DIR)/*        ($(BUILD)/gen)
#   $(WITX_GEN_OBJ)     wasi_glue.o and wasi_trace.o, part of libwisp

BUILD ?= build
CC ?= cc
CFLAGS_ALL ?= -std=gnu11 -O2 -g -Wall -Wextra -Iinclude -Isrc -I$(BUILD)/gen $(CFLAGS)
LDFLAGS_ALL ?= $(LDFLAGS)

WITXGEN := $(BUILD)/witxgen
WITXGEN_SRC := $(sort $(wildcard tools/witxgen/*.c))
WITXGEN_OBJ := $(WITXGEN_SRC:%.c=$(BUILD)/obj/%.o)

# The project's witx: preview1 plus every extension, in a fixed order.
WITX_MAIN := witx/wasi_snapshot_preview1.witx
WITX_EXT := $(sort $(wildcard witx/ext/*.witx))
WITX_ALL := $(WITX_MAIN) $(WITX_EXT)
WITX_DEPS := $(wildcard witx/*.witx) $(WITX_EXT)

WITX_GEN_DIR := $(BUILD)/gen
WITX_GEN_STAMP := $(WITX_GEN_DIR)/.witx-stamp
WITX_GEN_H := $(addprefix $(WITX_GEN_DIR)/,wasi_types.h wasi_impl.h wasi_glue.h wasi_trace.h)
WITX_GEN_C := $(addprefix $(WITX_GEN_DIR)/,wasi_glue.c wasi_trace.c)
WITX_GEN_OBJ := $(WITX_GEN_C:$(WITX_GEN_DIR)/%.c=$(BUILD)/obj/gen/%.o)

$(WITXGEN_OBJ): $(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(WITXGEN): $(WITXGEN_OBJ)
	$(CC) $(LDFLAGS_ALL) -o $@ $(WITXGEN_OBJ)

# One run writes every output (via temporary names), so one stamp stands for
# all of them.
$(WITX_GEN_STAMP): $(WITXGEN) $(WITX_DEPS)
	@mkdir -p $(WITX_GEN_DIR)
	$(WITXGEN) --out $(WITX_GEN_DIR) $(WITX_ALL)
	@touch $@

$(WITX_GEN_H) $(WITX_GEN_C): $(WITX_GEN_STAMP)

$(WITX_GEN_OBJ): $(BUILD)/obj/gen/%.o: $(WITX_GEN_DIR)/%.c $(WITX_GEN_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

.PHONY: witx-gen
witx-gen: $(WITX_GEN_STAMP)

# Sources that include generated headers must wait for them.
ifneq ($(strip $(LIB_OBJ) $(CLI_OBJ)),)
$(LIB_OBJ) $(CLI_OBJ): | $(WITX_GEN_STAMP)
endif

-include $(WITXGEN_OBJ:.o=.d) $(WITX_GEN_OBJ:.o=.d)
