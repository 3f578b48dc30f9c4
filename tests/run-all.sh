#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every test and print one KTAP report, ending with the line
#   check: N passed, N failed, N skipped
# Exit status is non-zero if anything failed.
#
#   tests/run-all.sh [--unit-only|--vm-only] [--flavor F] [--scenarios a,b] [--jobs N] [UNIT_BINARY...]
#
# Sections: the layout check (scripts/check-layout.py), the cmocka unit
# binaries given on the command line (run with TAP output), the fuzz smoke run (tests/fuzz/run.sh --smoke; next to the VMs
# when both run), and the VM
# scenarios of tests/vm/scenarios (tests/vm/run-vm.sh), N VMs at a time
# (--jobs, or IAG_VM_JOBS; default 2: TCG keeps about one host core busy per
# guest). Results are printed in scenario order whatever order they end in.
#
# Header lines of a scenario that choose where it runs:
#   # kernel: stock            the unpatched project kernel instead of --flavor
#   # kernels: K1 K2 ...       the kernel matrix: one run per kernel, reported
#                              as vm/NAME@K; "default" is --flavor's kernel
#                              (reported as vm/NAME); a Debian kernel
#                              (debian-*) is fetched and cached
#                              (scripts/fetch-debian-kernel.sh); project
#                              flavors (stock, arm64, test-6.1) come from the
#                              cache (kernel-patch/build-kernel.sh)
#   # runner: PATH             a runner of its own (called with --flavor F NAME)
#   # group: LABEL             may share one boot with the other scenarios of
#                              LABEL on the same kernel (tests/vm/run-queue.sh:
#                              not with a runner, a host part, an expected
#                              panic, or another append or memory); each is
#                              still judged and reported as its own vm/NAME
#                              (IAG_VM_GROUP=0: every run a boot of its own)
# A matrix kernel that is not there (not fetched: offline; the arm64 kernel
# not built) makes its runs SKIP with that reason.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
do_unit=1 do_vm=1 flavor=test only= jobs=${IAG_VM_JOBS:-2}
while [ $# -gt 0 ]; do
	case $1 in
	--unit-only) do_vm=0; shift ;;
	--vm-only) do_unit=0; shift ;;
	--flavor) flavor=$2; shift 2 ;;
	--scenarios) only=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	*) break ;;
	esac
done
units=("$@")

pass=0 fail=0 skipped=0 idx=0
log=$top/build/check.log
mkdir -p "$top/build"
: >"$log"

# tally OUTPUT: count the indented KTAP/TAP result lines of one section.
tally() {
	local p f s
	p=$(grep -cE '^\s*ok [0-9]+ ' <<<"$1" || true)
	s=$(grep -cE '^\s*ok [0-9]+ .*# SKIP' <<<"$1" || true)
	f=$(grep -cE '^\s*not ok [0-9]+ ' <<<"$1" || true)
	pass=$((pass + p - s)) skipped=$((skipped + s)) fail=$((fail + f))
	[ "$f" = 0 ]
}

# print_section NAME OUTPUT RC: indent OUTPUT as a KTAP subtest, count it.
print_section() {
	local name=$1 out=$2 rc=$3
	idx=$((idx + 1))
	echo "$out" | sed 's/^\(\s*\)\(ok\|not ok\|1\.\.\|KTAP\)/    \1\2/'
	if tally "$out" && [ "$rc" = 0 ]; then
		echo "ok $idx $name"
	else
		if [ "$rc" != 0 ] && ! grep -qE '^\s*not ok ' <<<"$out"; then
			fail=$((fail + 1)) # crashed, or failed outside any test
			echo "    # $name exited $rc without a failing test: counted as a failure (see $log)"
		fi
		echo "not ok $idx $name"
	fi
}

# section NAME CMD...: run CMD now, print it as a KTAP subtest.
section() {
	local name=$1 out rc
	shift
	echo "# running $name" >&2
	out=$("$@" 2>>"$log")
	rc=$?
	print_section "$name" "$out" "$rc"
}

# skip_section NAME REASON: a section that could not run, said so.
skip_section() {
	idx=$((idx + 1)) skipped=$((skipped + 1))
	echo "ok $idx $1 # SKIP $2"
}

run_unit() { CMOCKA_MESSAGE_OUTPUT=TAP "$1"; }

echo "KTAP version 1"
if [ "$do_vm" = 1 ]; then
	. "$top/tests/vm/run-queue.sh"
	rm -f "$top"/build/initramfs-*.fresh
	# The kernels' test modules and initramfs build while the unit tests run.
	vm_prebuild 2>>"$log" &
	prebuild=$!
fi
if [ "$do_unit" = 1 ]; then
	# The layout rules of docs/ARCHITECTURE.md: no file over 600 lines, no
	# function over 80, in userspace/ and bpf/.
	section "layout" "$top/scripts/check-layout.py"
	for u in "${units[@]}"; do
		section "unit/$(basename "$u")" run_unit "$u"
	done
fi
fuzz_bg=
if [ "$do_unit" = 1 ] && [ -x "$top/tests/fuzz/run.sh" ]; then
	if [ "$do_vm" = 1 ]; then
		# The smoke run fuzzes for a fixed time: next to the VMs it costs
		# them a little CPU instead of a core idle for its whole length.
		rm -f "$top/build/fuzz-smoke.rc"
		("$top/tests/fuzz/run.sh" --smoke >"$top/build/fuzz-smoke.out" 2>"$top/build/fuzz-smoke.err"
			echo $? >"$top/build/fuzz-smoke.rc") &
		fuzz_bg=$!
	else
		section "fuzz-smoke" "$top/tests/fuzz/run.sh" --smoke
	fi
fi

if [ "$do_vm" = 1 ]; then
	wait "$prebuild"
	vm_queue_build
	vm_queue_run
fi
if [ -n "$fuzz_bg" ]; then
	wait "$fuzz_bg"
	cat "$top/build/fuzz-smoke.err" >>"$log"
	print_section "fuzz-smoke" "$(cat "$top/build/fuzz-smoke.out")" "$(cat "$top/build/fuzz-smoke.rc" 2>/dev/null || echo 1)"
fi
[ "$do_vm" = 1 ] && vm_queue_print

echo "1..$idx"
echo "check: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
