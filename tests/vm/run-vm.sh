#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot the test VM for one scenario, or several in one boot, and judge each:
# x86-64 (q35) or arm64 (virt, cortex-a57), TCG, on a project kernel or one
# of Debian's.
#
#   tests/vm/run-vm.sh [--flavor F] [--initrd FILE] [--logdir DIR] [--outdir DIR] SCENARIO...
#   tests/vm/run-vm.sh [--flavor F] [--initrd FILE] [--logdir DIR] --script PATH [NAME]
#
# SCENARIO is tests/vm/scenarios/SCENARIO.sh (run inside the guest) and,
# optionally, SCENARIO.host.sh (run here afterwards on the console log, for
# what only the console can show: the last phase of power-off).
# --script runs a script kept elsewhere (the benchmarks, which `make check`
# must not run) under NAME (default: its basename without .sh), with
# PATH-minus-.sh.host.sh as its host part; without --initrd the script is
# added to a separate initramfs, build/initramfs-F-NAME.cpio.
#
# Several SCENARIOs share one boot (tests/vm/run-queue.sh groups those
# that say "# group: LABEL"): /init runs them in turn, putting the guest
# back as it was at boot between them (tests/vm/guest/isolate.sh). They
# must boot alike: the same "# memory:" and "# append:", no
# "# expect-panic:", no host part. Each still gets its own KTAP subtest and
# verdict on its own part of the logs (tests/vm/verdict.sh), printed one
# after the other; with --outdir DIR each also goes to DIR/NAME.out and its
# status to DIR/NAME.rc. The hard timeout is the sum of theirs; the whole
# boot's logs are LOGDIR/FIRST+N.{console,results}.log.
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
flavor=test initrd= logdir=$top/build/vm-logs script= outdir=
while [ $# -gt 0 ]; do
	case $1 in
	--flavor) flavor=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--logdir) logdir=$2; shift 2 ;;
	--script) script=$(realpath -m "$2"); shift 2 ;;
	--outdir) outdir=$2; shift 2 ;;
	*) break ;;
	esac
done
if [ -n "$script" ]; then
	name=${1:-$(basename "$script" .sh)}
else
	name=${1:?usage: run-vm.sh [--flavor F] [--initrd FILE] SCENARIO...}
	script=$top/tests/vm/scenarios/$name.sh
fi
names=("$name") scripts=("$script")
if [ $# -gt 1 ] && [ "$script" = "$top/tests/vm/scenarios/$name.sh" ]; then
	names=("$@") scripts=()
	for s in "$@"; do scripts+=("$top/tests/vm/scenarios/$s.sh"); done
fi
for s in "${scripts[@]}"; do [ -f "$s" ] || { echo "run-vm: no scenario $s" >&2; exit 2; }; done

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
	initrd=$top/build/initramfs-$flavor-$name.cpio
	extra=$(mktemp -d)
	mkdir -p "$extra/scenarios"
	cp "$script" "$extra/scenarios/$name.sh"
	"$top/tests/vm/mkinitramfs.sh" "$ktree" "$top/build/kmod-$flavor" "$initrd" "$extra" || exit 2
	rm -rf "$extra"
elif [ -z "$initrd" ]; then
	initrd=$top/build/initramfs-$flavor.cpio
	"$top/tests/vm/mkinitramfs.sh" "$ktree" "$top/build/kmod-$flavor" "$initrd" || exit 2
fi

# hdr KEY [SCRIPT]: a header line's value (default: the first scenario's).
hdr() { sed -n "s/^# $1: //p" "${2:-$script}" | head -1; }
multi=0 timeout_s=0
for s in "${scripts[@]}"; do
	t=$(hdr timeout "$s")
	timeout_s=$((timeout_s + ${t:-150}))
done
# arm64 under TCG emulates a foreign instruction set: about twice as slow.
[ "$karch" = arm64 ] && timeout_s=$((timeout_s * 2))
append=$(hdr append)
expect_panic=$(hdr expect-panic)
memory=$(hdr memory)
memory=${memory:-1024}
if [ ${#names[@]} -gt 1 ]; then
	multi=1
	for s in "${scripts[@]}"; do
		if [ "$(hdr append "$s")" != "$append" ] || [ "$(hdr memory "$s")" != "$(hdr memory)" ] ||
			[ -n "$(hdr expect-panic "$s")" ] || [ -f "${s%.sh}.host.sh" ]; then
			echo "run-vm: $(basename "$s" .sh) cannot share a boot with ${names[0]} (append, memory, expect-panic or a host part)" >&2
			exit 2
		fi
	done
fi

mkdir -p "$logdir"
boot=$name
[ "$multi" = 1 ] && boot=${names[0]}+$((${#names[@]} - 1))
bootcon=$logdir/$boot.console.log
bootres=$logdir/$boot.results.log
rm -f "$bootcon" "$bootres"

accel=tcg
# no_timer_check: on a loaded host, TCG can be slow enough for the kernel's
# IO-APIC timer check to fail and panic at boot ("IO-APIC + timer doesn't
# work"); the emulated timer is fine, the check is not meant for emulators.
cmdline="panic=-1 oops=panic loglevel=7 iag_scenarios=$(IFS=,; echo "${names[*]}") $append"
if [ "$karch" = arm64 ]; then
	# virt has one PL011 (the console); the results go to a virtio serial
	# port named iag.results, which only userspace writes to (/init finds it
	# by name). PSCI is QEMU's own (no firmware): power-off ends the run.
	qemu=(qemu-system-aarch64 -machine virt -cpu cortex-a57 -smp 2
		-device virtio-serial-pci
		-chardev "file,id=iagres,path=$bootres"
		-device virtserialport,chardev=iagres,name=iag.results
		-serial "file:$bootcon")
	cmdline="console=ttyAMA0 $cmdline"
else
	[ "$("$top/tests/vm/probe-kvm.sh" "$kernel" 2>/dev/null)" = kvm ] && accel=kvm
	qemu=(qemu-system-x86_64 -machine "q35,accel=$accel" -smp 2
		-serial "file:$bootcon" -serial "file:$bootres")
	cmdline="console=ttyS0 no_timer_check $cmdline"
fi
boot() {
	start=$(date +%s.%N)
	timeout --kill-after=10 "$timeout_s" "${qemu[@]}" -m "$memory" \
		-display none -monitor none -nic none -no-reboot \
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
		>/dev/null 2>"$logdir/$boot.qemu.err"
	qrc=$?
	# Serial lines end in CR LF.
	sed -i 's/\r$//' "$bootcon" "$bootres" 2>/dev/null
	secs=$(echo "$(date +%s.%N) - $start" | bc | cut -d. -f1)
}
boot
# A kernel that panics before any scenario began (seen once: Debian's
# 6.12-rt under TCG, an int3 Oops in early idle, before /init) is booted
# once more; the verdict says so, and keeps the first console. A panic the
# kernel makes every time fails as before.
boot_retried=
if [ -z "$expect_panic" ] && grep -q "Kernel panic" "$bootcon" 2>/dev/null &&
	! grep -q "^# iag-scenario .* begin" "$bootres" 2>/dev/null; then
	boot_retried=$logdir/$boot.first-panic.console.log
	mv "$bootcon" "$boot_retried"
	rm -f "$bootres"
	boot
fi

# --- the verdict: one subtest per scenario ---
. "$top/tests/vm/verdict.sh"
rc=0
[ -n "$outdir" ] && mkdir -p "$outdir"
for ((k = 0; k < ${#names[@]}; k++)); do
	out=$(judge "$k")
	r=$?
	[ "$r" = 0 ] || rc=1
	echo "$out"
	if [ -n "$outdir" ]; then
		echo "$out" >"$outdir/${names[k]}.out"
		echo "$r" >"$outdir/${names[k]}.rc"
	fi
done
exit "$rc"
