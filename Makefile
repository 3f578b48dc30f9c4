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
# The report's text table: libsmartcols in the dynamic binary where the
# target has it (its symbols are weak: the static binary and a cross build
# without libsmartcols-dev:ARCH align the columns themselves). Debian's gcc
# passes --as-needed, which would drop a library that only satisfies weak
# references.
ifneq ($(filter /%,$(shell $(CC) -print-file-name=libsmartcols.so 2>/dev/null)),)
LIBS       += -Wl,--push-state,--no-as-needed -lsmartcols -Wl,--pop-state
endif
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

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(wildcard include/*.h) $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $(subst -,_,$*)_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/us/%.o: userspace/%.c $(wildcard userspace/*.h) $(wildcard include/*.h) $(SKELS) $(BUILD)/.deps-ok
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
# A matrix kernel that does not build is said so here, and its scenarios
# SKIP with the reason.
check: all $(UNIT_BINS) kernel cross-arm64
	@kernel-patch/build-kernel.sh stock >/dev/null
	@$(foreach k,$(MATRIX_KERNELS),$(call matrix_kernel,$(k));)
	@tests/run-all.sh --flavor $(KERNEL_FLAVOR) $(UNIT_BINS)

# The project kernels of the matrix besides test and stock, built (or found
# in the cache) before the scenarios: the patched arm64 kernel and the 6.1
# backport. MATRIX_KERNELS= leaves them out; a scenario of a kernel that is
# not in the cache SKIPs, saying so.
MATRIX_KERNELS ?= arm64 test-6.1
matrix_kernel = { kernel-patch/build-kernel.sh $(1) >/dev/null || \
	echo "make check: the $(1) kernel did not build (see above): its scenarios SKIP" >&2; }

cross-arm64:
	@$(MAKE) --no-print-directory ARCH=arm64 BUILD=build/arm64 all

check-unit: $(UNIT_BINS)
	@tests/run-all.sh --unit-only $(UNIT_BINS)

check-vm: all kernel cross-arm64
	@kernel-patch/build-kernel.sh stock >/dev/null
	@$(foreach k,$(MATRIX_KERNELS),$(call matrix_kernel,$(k));)
	@tests/run-all.sh --vm-only --flavor $(KERNEL_FLAVOR)

check-debug:
	@$(MAKE) check KERNEL_FLAVOR=debug

demo: all kernel
	@tests/vm/demo.sh

bench: all $(BUILD)/bench/consumer
	@$(MAKE) kernel KERNEL_FLAVOR=bench
	@tests/bench/run.sh

# The consumer's instructions per record, counted on the host (run.sh).
$(BUILD)/bench/consumer: tests/bench/consumer.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

fuzz: $(BUILD)/.deps-ok
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)

# ---- install, version, journald (the packaging block) ----------------------
#
#   make install   [PREFIX=/usr/local] [DESTDIR=] [bindir= mandir= unitdir=
#                  udevdir= bashcompdir= zshcompdir= docdir= sysconfdir=]
#   make uninstall (same variables)
#
# Installs the dynamic binary, the manual page, the systemd units, the udev
# rule, shell completion, the example policy and, if absent, a policy file
# that is all comments. Debian's package calls it with PREFIX=/usr.

PREFIX      ?= /usr/local
bindir      ?= $(PREFIX)/sbin
datadir     ?= $(PREFIX)/share
mandir      ?= $(datadir)/man
docdir      ?= $(datadir)/doc/i2c-atomic-guard
sysconfdir  ?= /etc
pc_var       = $(shell pkg-config --variable=$(1) $(2) 2>/dev/null)
unitdir     ?= $(or $(call pc_var,systemdsystemunitdir,systemd),/lib/systemd/system)
udevdir     ?= $(or $(call pc_var,udevdir,udev),/lib/udev)
bashcompdir ?= $(datadir)/bash-completion/completions
zshcompdir  ?= $(datadir)/zsh/vendor-completions
INSTALL     ?= install
UNITS       := i2c-atomic-guard-enforce.service i2c-atomic-guard-audit.service \
	       i2c-atomic-guard-shutdown-audit.service
UDEV_RULE   := 60-i2c-atomic-guard.rules

# --version: `git describe` at build time, in a generated header that is
# rewritten only when the description changes (so nothing rebuilds for
# nothing). Outside a git tree (a release tarball) the base version.
# IAG_DESCRIBE from the environment wins (a package built from a copy of
# the tree without .git: tests/vm/run-system.sh).
VERSION_BASE := 0.1.0
ifndef IAG_DESCRIBE
IAG_DESCRIBE := $(shell git describe --tags --dirty --match 'v[0-9]*' 2>/dev/null | sed 's/^v//' || true)
IAG_DESCRIBE := $(or $(IAG_DESCRIBE),$(shell git rev-parse --short HEAD >/dev/null 2>&1 && \
	echo "$(VERSION_BASE)-g$$(git rev-parse --short HEAD)$$(git diff --quiet HEAD 2>/dev/null || echo -dirty)"),$(VERSION_BASE))
endif

print-version:
	@echo $(IAG_DESCRIBE)

$(BUILD)/version.h: FORCE
	@mkdir -p $(@D)
	@echo '#define IAG_VERSION "$(IAG_DESCRIBE)"' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/us/main.o: $(BUILD)/version.h
.PHONY: FORCE install uninstall print-version

# journald (audit --journal): sd_journal_sendv() from libsystemd in the
# dynamic binary. Debian ships no static libsystemd: the static VM binary
# links journal-static.o instead, whose sd_journal_sendv() says "no journald
# in this build" (ENOSYS), which `audit --journal` reports as such.
# A target without libsystemd (a cross build) gets the stand-in everywhere,
# as an archive, so that a definition of the test's own wins.
$(BUILD)/us-static/journal-static.o: userspace/static/journal_static.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@
$(BUILD)/us-static/libjournal-static.a: $(BUILD)/us-static/journal-static.o
	$(AR) rcs $@ $<
$(TOOL_STATIC): $(BUILD)/us-static/journal-static.o
ifneq ($(filter /%,$(shell $(CC) -print-file-name=libsystemd.so 2>/dev/null)),)
LIBS += -lsystemd
else
LIBS += $(BUILD)/us-static/libjournal-static.a
$(TOOL) $(UNIT_BINS): | $(BUILD)/us-static/libjournal-static.a
endif

# Distribution build flags (dpkg-buildflags: fortify, relro) where given.
CFLAGS += $(CPPFLAGS)
LIBS   += $(LDFLAGS)

define subst_paths
sed -e 's|@bindir@|$(bindir)|g' -e 's|@sysconfdir@|$(sysconfdir)|g' $(1) >$(2)
endef

install: $(TOOL)
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man8 $(DESTDIR)$(unitdir) \
		$(DESTDIR)$(udevdir)/rules.d $(DESTDIR)$(bashcompdir) $(DESTDIR)$(zshcompdir) \
		$(DESTDIR)$(docdir)/examples $(DESTDIR)$(sysconfdir)/i2c-atomic-guard
	$(INSTALL) -m 0755 $(TOOL) $(DESTDIR)$(bindir)/i2c-atomic-guard
	$(INSTALL) -m 0644 doc/i2c-atomic-guard.8 $(DESTDIR)$(mandir)/man8/
	for u in $(UNITS); do \
		$(call subst_paths,systemd/$$u.in,$(DESTDIR)$(unitdir)/$$u) && \
		chmod 0644 $(DESTDIR)$(unitdir)/$$u || exit 1; done
	$(call subst_paths,udev/$(UDEV_RULE).in,$(DESTDIR)$(udevdir)/rules.d/$(UDEV_RULE))
	chmod 0644 $(DESTDIR)$(udevdir)/rules.d/$(UDEV_RULE)
	$(INSTALL) -m 0644 completion/i2c-atomic-guard.bash $(DESTDIR)$(bashcompdir)/i2c-atomic-guard
	$(INSTALL) -m 0644 completion/_i2c-atomic-guard $(DESTDIR)$(zshcompdir)/_i2c-atomic-guard
	$(INSTALL) -m 0644 contrib/policy/example.yaml $(DESTDIR)$(docdir)/examples/policy.yaml
	# A policy the admin edits: never overwritten.
	[ -e $(DESTDIR)$(sysconfdir)/i2c-atomic-guard/policy.yaml ] || \
		$(INSTALL) -m 0600 contrib/policy/default.yaml \
			$(DESTDIR)$(sysconfdir)/i2c-atomic-guard/policy.yaml

# The policy in sysconfdir is the admin's: uninstall leaves it.
uninstall:
	rm -f $(DESTDIR)$(bindir)/i2c-atomic-guard $(DESTDIR)$(mandir)/man8/i2c-atomic-guard.8 \
		$(addprefix $(DESTDIR)$(unitdir)/,$(UNITS)) \
		$(DESTDIR)$(udevdir)/rules.d/$(UDEV_RULE) \
		$(DESTDIR)$(bashcompdir)/i2c-atomic-guard $(DESTDIR)$(zshcompdir)/_i2c-atomic-guard \
		$(DESTDIR)$(docdir)/examples/policy.yaml
	-rmdir $(DESTDIR)$(docdir)/examples $(DESTDIR)$(docdir) 2>/dev/null
