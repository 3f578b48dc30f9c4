#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Print "kvm" if a probe boot of KERNEL under KVM reaches the kernel's own
# end of boot within 20 s, else "tcg". KERNEL-NOTES: KVM exists on these
# machines but nested guests hang early, so TCG is the default and KVM is
# used only after this proof. The answer is cached per kernel image.
# IAG_VM_ACCEL=tcg|kvm skips the probe.
set -u
kernel=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
case ${IAG_VM_ACCEL:-} in tcg | kvm) echo "$IAG_VM_ACCEL"; exit 0 ;; esac
[ -w /dev/kvm ] || { echo tcg; exit 0; }
stamp=$top/build/kvm-probe.$(sha256sum "$kernel" | cut -c1-16)
if [ ! -f "$stamp" ]; then
	log=$(mktemp)
	# No initrd: a kernel that boots fully panics on the missing root fs.
	timeout --kill-after=5 20 qemu-system-x86_64 -machine q35,accel=kvm -m 512 \
		-display none -monitor none -nic none -no-reboot -kernel "$kernel" \
		-append "console=ttyS0 panic=-1" -serial "file:$log" >/dev/null 2>&1
	if grep -q "VFS: Unable to mount root" "$log"; then echo kvm >"$stamp"; else echo tcg >"$stamp"; fi
	rm -f "$log"
fi
cat "$stamp"
