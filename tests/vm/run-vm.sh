#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the test VM for one scenario and judge it: x86-64 (q35) or arm64
# (virt, cortex-a57), TCG, on a project kernel or one of Debian's.
#
#   tests/vm/run-vm.sh [--flavor F] [--initrd FILE] [--logdir DIR] SCENARIO
#   tests/vm/run-vm.sh [--flavor F] [--initrd FILE] [--logdir DIR] --script PATH [NAME]
#
# SCENARIO is tests/vm/scenarios/SCENARIO.sh (run inside the guest) and,
# optionally, SCENARIO.host.sh (run here afterwards on the console log, for
# what only the console can show: the last phase of power-off).
# --script runs a script kept elsewhere (the benchmarks, which `make check`
# must not run) under NAME (default: its basename without .sh), with
# PATH-minus-.sh.host.sh as its host part; without --initrd the script is
# added to a separate initramfs, build/initramfs-F-NAME.cpio.gz.
#
# Header lines of SCENARIO.sh tune the boot:
#   # timeout: SECONDS        hard limit for the whole boot (default 150;
#                             doubled on arm64, which TCG emulates)
#   # memory: MB              guest memory (default 1024)
#   # append: ARGS            extra kernel command line
#   # allow-kernel: REGEX     kernel splats this scenario provokes on purpose
#   # expect-panic: REGEX     the scenario ends the guest with a panic on
#                             purpose: "Kernel panic - not syncing: " followed
#                             by REGEX is its planned end, not a failure (the
#                             guest writes "# iag-done" itself before it)
#
# The verdict comes from KTAP on the guest's results port (x86: the second
# serial port; arm64: a virtio serial port), which only userspace writes to; a hang (timeout), a panic, a missing "# iag-done"
# marker, fewer results than planned, or a kernel splat not allowed by the
# scenario each fail it. Prints KTAP (one subtest per scenario) on stdout;
# exits 0 when every result passed or was skipped.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
flavor=test initrd= logdir=$top/build/vm-logs script=
while [ $# -gt 0 ]; do
	case $1 in
	--flavor) flavor=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--logdir) logdir=$2; shift 2 ;;
	--script) script=$(realpath -m "$2"); shift 2 ;;
	*) break ;;
	esac
done
if [ -n "$script" ]; then
	name=${1:-$(basename "$script" .sh)}
else
	name=${1:?usage: run-vm.sh [--flavor F] [--initrd FILE] SCENARIO}
	script=$top/tests/vm/scenarios/$name.sh
fi
[ -f "$script" ] || { echo "run-vm: no scenario $script" >&2; exit 2; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
# The kernel: a project kernel tree (bzImage, or Image for arm64) or one of
# Debian's (scripts/fetch-debian-kernel.sh; its modules directory stands in
# for the tree when the initramfs is built).
case $flavor in
debian-*)
	dtree=$("$top/scripts/fetch-debian-kernel.sh" "$flavor" --status) ||
		{ echo "run-vm: $flavor not fetched: scripts/fetch-debian-kernel.sh $flavor" >&2; exit 2; }
	kernel=$(. "$dtree/kernel.env" && echo "$VMLINUZ")
	karch=$(. "$dtree/kernel.env" && echo "$ARCH")
	ktree=$(. "$dtree/kernel.env" && echo "$MODULES")
	;;
*)
	ktree=${KDIR:-$cache/kernel-$flavor-current}
	karch=x86 kernel=$ktree/arch/x86/boot/bzImage
	[ -f "$ktree/arch/arm64/boot/Image" ] && karch=arm64 kernel=$ktree/arch/arm64/boot/Image
	;;
esac
[ -f "$kernel" ] || { echo "run-vm: no kernel at $kernel: run 'make kernel'" >&2; exit 2; }
if [ -z "$initrd" ] && [ "$script" != "$top/tests/vm/scenarios/$name.sh" ]; then
	initrd=$top/build/initramfs-$flavor-$name.cpio.gz
	extra=$(mktemp -d)
	mkdir -p "$extra/scenarios"
	cp "$script" "$extra/scenarios/$name.sh"
	"$top/tests/vm/mkinitramfs.sh" "$ktree" "$top/build/kmod-$flavor" "$initrd" "$extra" || exit 2
	rm -rf "$extra"
elif [ -z "$initrd" ]; then
	initrd=$top/build/initramfs-$flavor.cpio.gz
	"$top/tests/vm/mkinitramfs.sh" "$ktree" "$top/build/kmod-$flavor" "$initrd" || exit 2
fi

hdr() { sed -n "s/^# $1: //p" "$script" | head -1; }
timeout_s=$(hdr timeout)
timeout_s=${timeout_s:-150}
# arm64 under TCG emulates a foreign instruction set: about twice as slow.
[ "$karch" = arm64 ] && timeout_s=$((timeout_s * 2))
append=$(hdr append)
allow=$(hdr allow-kernel)
expect_panic=$(hdr expect-panic)
memory=$(hdr memory)
memory=${memory:-1024}

mkdir -p "$logdir"
console=$logdir/$name.console.log
results=$logdir/$name.results.log
rm -f "$console" "$results"

accel=tcg
# no_timer_check: on a loaded host, TCG can be slow enough for the kernel's
# IO-APIC timer check to fail and panic at boot ("IO-APIC + timer doesn't
# work"); the emulated timer is fine, the check is not meant for emulators.
cmdline="panic=-1 oops=panic loglevel=7 iag_scenarios=$name $append"
if [ "$karch" = arm64 ]; then
	# virt has one PL011 (the console); the results go to a virtio serial
	# port named iag.results, which only userspace writes to (/init finds it
	# by name). PSCI is QEMU's own (no firmware): power-off ends the run.
	qemu=(qemu-system-aarch64 -machine virt -cpu cortex-a57 -smp 2
		-device virtio-serial-pci
		-chardev "file,id=iagres,path=$results"
		-device virtserialport,chardev=iagres,name=iag.results
		-serial "file:$console")
	cmdline="console=ttyAMA0 $cmdline"
else
	[ "$("$top/tests/vm/probe-kvm.sh" "$kernel" 2>/dev/null)" = kvm ] && accel=kvm
	qemu=(qemu-system-x86_64 -machine "q35,accel=$accel" -smp 2
		-serial "file:$console" -serial "file:$results")
	cmdline="console=ttyS0 no_timer_check $cmdline"
fi
start=$(date +%s.%N)
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" -m "$memory" \
	-display none -monitor none -nic none -no-reboot \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	>/dev/null 2>"$logdir/$name.qemu.err"
qrc=$?
# Serial lines end in CR LF.
sed -i 's/\r$//' "$console" "$results" 2>/dev/null
secs=$(echo "$(date +%s.%N) - $start" | bc | cut -d. -f1)

# --- the verdict ---
n=0 failed=0
emit() { # emit ok|not-ok DESC [DETAIL]
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "    ok $n $2"
	else
		failed=$((failed + 1))
		echo "    not ok $n $2"
		[ -n "${3:-}" ] && echo "$3" | sed 's/^/    # /'
	fi
}

echo "    KTAP version 1"
echo "    # $name: accel=$accel, ${secs}s, console log: $console"
# Results the guest reported, renumbered into this subtest.
planned=$(grep -m1 -E '^1\.\.[0-9]+$' "$results" 2>/dev/null | cut -d. -f3)
got=0 in_fail=0
while IFS= read -r line; do
	case $line in
	"ok "* | "not ok "*)
		got=$((got + 1))
		desc=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ //')
		case $line in
		"ok "*) emit ok "$desc"; in_fail=0 ;;
		*) emit not-ok "$desc"; in_fail=1 ;;
		esac
		;;
	"#"*) [ "$in_fail" = 1 ] && echo "    $line" ;;
	*) in_fail=0 ;;
	esac
done < <(cat "$results" 2>/dev/null)

if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	emit not-ok "$name: VM finished by itself" "QEMU was killed after ${timeout_s}s (hang); last console lines:
$(tail -15 "$console")"
elif grep -q "Kernel panic" "$console" &&
	! { [ -n "$expect_panic" ] && grep -Eq "Kernel panic - not syncing: ($expect_panic)" "$console"; }; then
	emit not-ok "$name: no kernel panic" "$(grep -A15 'Kernel panic' "$console" | head -20)"
elif ! grep -q "^# iag-done" "$results" 2>/dev/null; then
	emit not-ok "$name: guest reached the end marker" "no '# iag-done' on the results port (qemu rc $qrc); see $console"
else
	emit ok "$name: VM booted, ran and powered off"
fi
if [ -z "$planned" ] || [ "$got" != "$planned" ]; then
	emit not-ok "$name: guest reported all planned results" "planned ${planned:-nothing}, got $got"
fi

splat_re='(WARNING:|BUG:|Oops|UBSAN:|INFO: task|Invalid wait context|possible circular locking|inconsistent lock state)'
splats=$(grep -E "$splat_re" "$console" | { if [ -n "$allow" ]; then grep -Ev "$allow"; else cat; fi; })
if [ -n "$splats" ]; then
	emit not-ok "$name: no unexpected kernel warnings" "$(echo "$splats" | head -10)"
else
	emit ok "$name: no unexpected kernel warnings"
fi

host=${script%.sh}.host.sh
if [ -f "$host" ]; then
	while IFS= read -r line; do
		case $line in
		"ok "*) emit ok "${line#ok }" ;;
		"not ok "*) emit not-ok "${line#not ok }" ;;
		"skip "*) n=$((n + 1)); echo "    ok $n ${line#skip } # SKIP" ;;
		"#"*) echo "    $line" ;;
		esac
	done < <(CONSOLE=$console RESULTS_LOG=$results bash "$host" 2>&1)
fi
echo "    1..$n"
[ "$failed" = 0 ]
