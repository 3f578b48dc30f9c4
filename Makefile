# SPDX-License-Identifier: GPL-2.0-only
# i2c-atomic-guard: the one entry point.
#
#   make            BPF objects, skeletons, the command (dynamic and static)
#   make deps       install the Debian packages (as root)
#   make kernel     build (or reuse from the cache) the patched test kernel
#   make check      unit tests, fuzz smoke, VM scenarios; ends "N passed, N failed"
#   make demo       boot the VM and show the tool on a scenario
#   make bench      benchmarks into tests/bench/RESULTS.md
#   make fuzz       libFuzzer harnesses for FUZZ_SECONDS each
#   make ARCH=arm64 the same command for arm64 (Debian's cross toolchain and
#                   :arm64 libraries), in build/arm64/
#
# ARCH is the kernel's name of the target architecture (x86, arm64); it
# defaults to the host's. A target other than the host is cross-built with
# CROSS_COMPILE (aarch64-linux-gnu- for arm64) into build/ARCH/.

HOST_ARCH  := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
ARCH       ?= $(HOST_ARCH)
override ARCH := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(ARCH)))
ifneq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?= $(patsubst arm64,aarch64,$(patsubst x86,x86_64,$(ARCH)))-linux-gnu-
BUILD      ?= build/$(ARCH)
endif
ifneq ($(CROSS_COMPILE),)
CC         := $(CROSS_COMPILE)gcc
endif
BUILD      ?= build
CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
ARCH_INC   := /usr/include/$(shell $(CC) -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
KERNEL_FLAVOR ?= test
FUZZ_SECONDS  ?= 60

CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wshadow \
	      -Wformat=2 -D_GNU_SOURCE -Iinclude -I$(BUILD) -Iuserspace
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) \
	      -I$(ARCH_INC) -Iinclude -Ibpf
LIBS       := -lbpf -lelf -lz -lzstd -lyaml -ljansson
STATIC_LIBS := -Wl,-Bstatic -lbpf -lelf -lz -lzstd -lyaml -ljansson

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/%.bpf.o,$(BPF_SRCS))
SKELS      := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
US_SRCS    := $(wildcard userspace/*.c)
US_OBJS    := $(patsubst userspace/%.c,$(BUILD)/us/%.o,$(US_SRCS))
LIB_OBJS   := $(filter-out $(BUILD)/us/main.o,$(US_OBJS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))
TOOL       := $(BUILD)/i2c-atomic-guard
TOOL_STATIC := $(BUILD)/i2c-atomic-guard.static

# Keep the BPF object and the skeleton (make would delete them as
# intermediates of the command's objects).
.SECONDARY: $(BPF_OBJS) $(SKELS)

.PHONY: all deps kernel kmod cross-arm64 check check-unit check-vm check-debug demo bench fuzz clean

all: $(TOOL) $(TOOL_STATIC)

deps:
	@scripts/deps.sh

$(BUILD)/.deps-ok: scripts/deps.sh
	@mkdir -p $(BUILD)
	@scripts/deps.sh --check || scripts/deps.sh
	@touch $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) include/i2c_atomic_guard.h $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/us/%.o: userspace/%.c $(wildcard userspace/*.h) include/i2c_atomic_guard.h $(SKELS) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(TOOL): $(US_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

# The VM has no shared libraries: one static binary goes into the initramfs.
$(TOOL_STATIC): $(US_OBJS)
	$(CC) $(CFLAGS) -static -o $@ $^ $(STATIC_LIBS)

$(BUILD)/unit/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $^ $(LIBS) -lcmocka

kernel: $(BUILD)/.deps-ok
	@kernel-patch/build-kernel.sh $(KERNEL_FLAVOR)

kmod: kernel
	@tests/kmod/build.sh $(KERNEL_FLAVOR)

# The scenarios need the patched test kernel and, for the fallback on an
# unpatched kernel, the same configuration without the series ("stock").
# The kernel matrix adds Debian's own kernels (fetched into the cache by
# tests/run-all.sh) and arm64, whose initramfs needs the arm64 command.
check: all $(UNIT_BINS) kernel cross-arm64
	@kernel-patch/build-kernel.sh stock >/dev/null
	@tests/run-all.sh --flavor $(KERNEL_FLAVOR) $(UNIT_BINS)

cross-arm64:
	@$(MAKE) --no-print-directory ARCH=arm64 BUILD=build/arm64 all

check-unit: $(UNIT_BINS)
	@tests/run-all.sh --unit-only $(UNIT_BINS)

check-vm: all kernel cross-arm64
	@kernel-patch/build-kernel.sh stock >/dev/null
	@tests/run-all.sh --vm-only --flavor $(KERNEL_FLAVOR)

check-debug:
	@$(MAKE) check KERNEL_FLAVOR=debug

demo: all kernel
	@tests/vm/demo.sh

bench: all
	@$(MAKE) kernel KERNEL_FLAVOR=bench
	@tests/bench/run.sh

fuzz: $(BUILD)/.deps-ok
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)
