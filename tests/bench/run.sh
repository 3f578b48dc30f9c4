#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The benchmarks (`make bench`): one VM boot with the bench kernel, every
# measurement in that boot, then tests/bench/RESULTS.md and the plot
# tests/bench/per-transfer.png, both generated here from the guest's figures.
#
#   tests/bench/run.sh [--flavor F] [--quick] [--no-bpftrace]
#
#   --flavor F      kernel flavor (default bench: the patched test kernel
#                   without lockdep / DEBUG_ATOMIC_SLEEP); `make kernel
#                   KERNEL_FLAVOR=F` must have built it
#   --quick         one round, a short rate ladder (development)
#   --no-bpftrace   do not try to put bpftrace into the VM
#   --report-only   no build, no boot: the report from the last run's logs
#
# The guest part is tests/bench/bench.sh, booted with tests/vm/run-vm.sh
# --script (it is not a `make check` scenario). Helpers built here into
# build/bench/: floor (an empty fentry/kprobe program on __i2c_smbus_xfer,
# static, bpftool skeleton) and benchutil (start-up timing, event sink, BPF
# objects and their run counts, SIGINT-to-exit timing). The report is
# tests/bench/report.sh; the exit status is non-zero when a configuration
# could not prove it was attached for its whole measured loop or a tool took
# over 1 s to stop on SIGINT ("not met (no proof)"). bpftrace, if installed here, goes into the initramfs with the
# shared libraries it needs; whether it runs there is reported either way.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cmdline="tests/bench/run.sh${*:+ $*}"
flavor=bench quick=0 want_bpftrace=1 report_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--flavor) flavor=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	--no-bpftrace) want_bpftrace=0; shift ;;
	--report-only) report_only=1; shift ;;
	*) echo "usage: tests/bench/run.sh [--flavor F] [--quick] [--no-bpftrace] [--report-only]" >&2; exit 2 ;;
	esac
done
[ -n "${MAKELEVEL:-}" ] && [ "$cmdline" = tests/bench/run.sh ] && cmdline="make bench"

out=$top/build/bench
logdir=$out/logs
results_md=$top/tests/bench/RESULTS.md
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
ktree=$(readlink -f "${KDIR:-$cache/kernel-$flavor-current}")
CC=${CC:-gcc} CLANG=${CLANG:-clang} BPFTOOL=${BPFTOOL:-bpftool}
say() { echo "bench: $*" >&2; }
t_start=$(date +%s)

if [ $report_only = 1 ]; then
	# What the last run left: its settings and timings are in its files.
	[ -f "$out/run.env" ] || { say "no previous run in $out"; exit 2; }
	# shellcheck disable=SC1091
	. "$out/run.env"
else
[ -f "$ktree/arch/x86/boot/bzImage" ] ||
	{ say "no $flavor kernel at $ktree: run 'make kernel KERNEL_FLAVOR=$flavor'"; exit 2; }
[ -x "$top/build/i2c-atomic-guard.static" ] || { say "run 'make' first"; exit 2; }
mkdir -p "$out" "$logdir"

# ---- helpers: floor (BPF skeleton, static) and benchutil ----
say "building the helpers into $out"
arch_inc=/usr/include/$($CC -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
$CLANG -g -O2 -Wall -target bpf -D__TARGET_ARCH_x86 -I"$arch_inc" \
	-c "$top/tests/bench/floor.bpf.c" -o "$out/floor.bpf.o"
$BPFTOOL gen skeleton "$out/floor.bpf.o" name floor_bpf >"$out/floor.skel.h.tmp"
mv "$out/floor.skel.h.tmp" "$out/floor.skel.h"
$CC -O2 -Wall -Wextra -I"$out" -static -o "$out/floor" "$top/tests/bench/floor.c" \
	-lbpf -lelf -lz -lzstd
$CC -O2 -Wall -Wextra -static -o "$out/benchutil" "$top/tests/bench/benchutil.c"

# ---- the consumer's instructions per record, on the host ----
# callgrind counts instructions, not seconds: the same figure whatever else
# the host does. Two runs, 1000 and 3000 records: their difference over
# 2000 is one record's cost, start-up and exit cancelled out.
consumer_instr=
if command -v valgrind >/dev/null && [ -x "$top/build/bench/consumer" ]; then
	say "counting the consumer's instructions per record (callgrind)"
	cg_ir() {
		valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$top/build/bench/consumer" "$1" 2>&1 |
			sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
	}
	ir1=$(cg_ir 1000) ir3=$(cg_ir 3000)
	[ -n "$ir1" ] && [ -n "$ir3" ] && consumer_instr=$(((ir3 - ir1) / 2000))
fi

# ---- test modules (iag_bench.ko) for this kernel ----
say "building the test modules for the $flavor kernel"
KDIR=$ktree "$top/tests/kmod/build.sh" "$flavor" >/dev/null

# ---- the initramfs: the usual one plus the bench script and helpers ----
extra=$out/extra
rm -rf "$extra"
mkdir -p "$extra/bin" "$extra/scenarios"
cp "$out/floor" "$out/benchutil" "$extra/bin/"
if [ $quick = 1 ]; then
	append="iag_bench_rounds=1 iag_bench_rates=200,1000,10000 iag_bench_secs=2"
else
	append="iag_bench_rounds=3 iag_bench_rates=100,200,500,1000,5000,10000,50000 iag_bench_secs=3"
fi
# The kernel command line carries the parameters (init gets them as
# environment variables).
sed "s/^# timeout: .*/&\n# append: $append/" "$top/tests/bench/bench.sh" >"$out/bench.sh"
cp "$out/bench.sh" "$extra/scenarios/bench.sh"

bpftrace_note=
bt=$(command -v bpftrace || true)
if [ $want_bpftrace = 1 ] && [ -n "$bt" ]; then
	# A dynamically linked program: its loader and every library ldd names.
	say "adding $bt and its shared libraries to the initramfs"
	cp -L "$bt" "$extra/bin/bpftrace"
	ldd "$bt" | awk '/=> \// { print $3 } /^[ \t]*\/.*ld-linux/ { print $1 }' | while read -r lib; do
		mkdir -p "$extra$(dirname "$lib")"
		cp -L "$lib" "$extra$lib"
	done
	mkdir -p "$extra/lib64"
	[ -e "$extra/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$extra/lib64/"
	bpftrace_note="bpftrace $($bt --version 2>/dev/null | head -1) added with $(find "$extra" -name '*.so*' | wc -l) shared libraries ($(du -sm "$extra" | cut -f1) MB)"
elif [ $want_bpftrace = 1 ]; then
	bpftrace_note="bpftrace is not installed on the host (apt-get install bpftrace): not tried"
else
	bpftrace_note="bpftrace not tried (--no-bpftrace)"
fi
say "$bpftrace_note"
initrd=$out/initramfs-$flavor.cpio.gz
"$top/tests/vm/mkinitramfs.sh" "$ktree" "$top/build/kmod-$flavor" "$initrd" "$extra"

# ---- the boot ----
say "booting the $flavor kernel (timeout in bench.sh's header; log: $logdir)"
t_vm=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
set +e
KDIR=$ktree "$top/tests/vm/run-vm.sh" --flavor "$flavor" --initrd "$initrd" --logdir "$logdir" \
	--script "$out/bench.sh" bench >"$out/bench.ktap"
vm_rc=$?
set -e
vm_secs=$(($(date +%s) - t_vm))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$out/bench.ktap" >&2
printf '%s=%q\n' cmdline "$cmdline" flavor "$flavor" ktree "$ktree" append "$append" \
	bpftrace_note "$bpftrace_note" vm_rc "$vm_rc" vm_secs "$vm_secs" \
	load_before "$load_before" load_after "$load_after" t_start "$t_start" \
	consumer_instr "$consumer_instr" \
	t_done "$(date +%s)" >"$out/run.env"
fi
res=$logdir/bench.results.log
[ -s "$res" ] || { say "no results from the VM (see $logdir)"; exit 1; }
accel=$(sed -n 's/.*# bench: accel=\([a-z]*\),.*/\1/p' "$out/bench.ktap" | head -1)

# ---- the report ----
# shellcheck source=tests/bench/report.sh
. "$top/tests/bench/report.sh"
[ "$vm_rc" = 0 ] || bench_rc=$vm_rc
exit "$bench_rc"
