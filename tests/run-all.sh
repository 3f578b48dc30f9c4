#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run every test and print one KTAP report, ending with the line
#   check: N passed, N failed, N skipped
# Exit status is non-zero if anything failed.
#
#   tests/run-all.sh [--unit-only|--vm-only] [--flavor F] [--scenarios a,b] [UNIT_BINARY...]
#
# Sections: the cmocka unit binaries given on the command line (run with TAP
# output), the fuzz smoke run (tests/fuzz/run.sh --smoke), and the VM
# scenarios of tests/vm/scenarios (one boot each, tests/vm/run-vm.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
do_unit=1 do_vm=1 flavor=test only=
while [ $# -gt 0 ]; do
	case $1 in
	--unit-only) do_vm=0; shift ;;
	--vm-only) do_unit=0; shift ;;
	--flavor) flavor=$2; shift 2 ;;
	--scenarios) only=$2; shift 2 ;;
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

# section NAME CMD...: run CMD, indent its output as a KTAP subtest.
section() {
	local name=$1 out rc
	shift
	idx=$((idx + 1))
	echo "# running $name" >&2
	out=$("$@" 2>>"$log")
	rc=$?
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

run_unit() { CMOCKA_MESSAGE_OUTPUT=TAP "$1"; }

echo "KTAP version 1"
if [ "$do_unit" = 1 ]; then
	for u in "${units[@]}"; do
		section "unit/$(basename "$u")" run_unit "$u"
	done
	if [ -x "$top/tests/fuzz/run.sh" ]; then
		section "fuzz-smoke" "$top/tests/fuzz/run.sh" --smoke
	fi
fi

# vm_initrd FLAVOR: the test modules and the initramfs for FLAVOR's kernel,
# built once per run; prints the initramfs path.
vm_initrd() {
	local f=$1 ktree initrd=$top/build/initramfs-$1.cpio.gz
	# Resolve the cache's "current" link once: the modules and the boots of
	# this run must use the same tree, whatever a concurrent build does.
	ktree=$(readlink -f "${KDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard/kernel-$f-current}")
	echo "$ktree" >"$top/build/ktree-$f"
	if [ ! -f "$initrd.fresh" ]; then
		KDIR=$ktree "$top/tests/kmod/build.sh" "$f" >/dev/null 2>>"$log" || return 1
		"$top/tests/vm/mkinitramfs.sh" "$ktree" "$top/build/kmod-$f" "$initrd" 2>>"$log" || return 1
		touch "$initrd.fresh"
	fi
	echo "$initrd"
}

if [ "$do_vm" = 1 ]; then
	rm -f "$top"/build/initramfs-*.fresh
	for s in "$top"/tests/vm/scenarios/*.sh; do
		case $s in *.host.sh) continue ;; esac
		name=$(basename "$s" .sh)
		if [ -n "$only" ] && ! echo ",$only," | grep -q ",$name,"; then continue; fi
		# "# kernel: stock" in a scenario picks the unpatched kernel.
		f=$(sed -n 's/^# kernel: //p' "$s" | head -1)
		[ "$f" = stock ] || f=$flavor
		if ! initrd=$(vm_initrd "$f"); then
			idx=$((idx + 1)) fail=$((fail + 1))
			echo "not ok $idx vm/$name # the $f kernel's test modules or initramfs did not build (see $log)"
			continue
		fi
		KDIR=$(cat "$top/build/ktree-$f") section "vm/$name" "$top/tests/vm/run-vm.sh" --flavor "$f" --initrd "$initrd" "$name"
	done
fi

echo "1..$idx"
echo "check: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
