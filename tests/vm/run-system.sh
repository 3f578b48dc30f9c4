#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot a system VM scenario (70-79): a Debian 12 root with systemd as init
# and the project's .deb installed, instead of the busybox initramfs.
#
#   tests/vm/run-system.sh [--flavor F] [--logdir DIR] SCENARIO
#
# 1. the test modules for F's kernel (tests/kmod/build.sh);
# 2. the Debian root from the cache (tests/vm/debian-root.sh);
# 3. the .deb, built with dpkg-buildpackage from a copy of this tree;
# 4. a copy of the root with, offline as an image builder would: the .deb
#    installed (dpkg -i in a chroot), the scenario's policy in /etc, the
#    units enabled (systemctl --root), the test modules in
#    /lib/modules/VERSION/extra and a unit that runs the scenario's guest
#    script, as a plain cpio initramfs (no block layer needed; gzip cost
#    12 s of guest time to inflate under TCG);
# 5. the boot and the verdict: tests/vm/run-vm.sh --initrd, unchanged (KTAP
#    from the guest's second serial port, SCENARIO.host.sh on the console).
#
# Scenario header lines used here (besides run-vm.sh's):
#   # policy: FILE   tests/vm/system/FILE becomes /etc/i2c-atomic-guard/policy.yaml
#   # enable: UNIT.. units to enable
#   # end: poweroff|reboot   how the guest ends once the scenario ran
#                    (default poweroff); QEMU runs with -no-reboot, so a
#                    reboot ends the run as a power-off does
# SCENARIO.host.sh gets IAG_SYSTEM_ROOT (the assembled root) and IAG_DEB.
# Prints KTAP like run-vm.sh; anything that fails before the boot is one
# "not ok" with the reason.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
flavor=test logdir=$top/build/vm-logs
while [ $# -gt 0 ]; do
	case $1 in
	--flavor) flavor=$2; shift 2 ;;
	--logdir) logdir=$2; shift 2 ;;
	*) break ;;
	esac
done
name=${1:?usage: run-system.sh [--flavor F] SCENARIO}
script=$top/tests/vm/scenarios/$name.sh
[ -f "$script" ] || { echo "run-system: no scenario $script" >&2; exit 2; }
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
# A project kernel tree, or one of Debian's own kernels (the matrix's
# debian-* flavors: no patch series, so enforcement is refused there).
case $flavor in
debian-*)
	dtree=$("$top/scripts/fetch-debian-kernel.sh" "$flavor" --status 2>/dev/null) || dtree=
	# shellcheck disable=SC1091
	[ -n "$dtree" ] && . "$dtree/kernel.env"
	kimage=${VMLINUZ:-/nonexistent} kconfig=${CONFIG:-/nonexistent} kver=${KREL:-}
	kmoddir=${MODULES:-/nonexistent}/kernel/drivers/i2c
	ktree= ;;
*)
	ktree=$(readlink -f "${KDIR:-$cache/kernel-$flavor-current}")
	kimage=$ktree/arch/x86/boot/bzImage kconfig=$ktree/.config
	kver=$(cat "$ktree/include/config/kernel.release" 2>/dev/null)
	kmoddir=$ktree/drivers/i2c ;;
esac
work=$top/build/system-$flavor
mkdir -p "$logdir" "$work"
log=$logdir/$name.setup.log
: >"$log"

# fail_setup WHY: the one result of a run that never booted.
fail_setup() {
	echo "    KTAP version 1"
	echo "    # $name: setup failed, log: $log"
	echo "    not ok 1 $name: system VM set up"
	echo "$1" | sed 's/^/    # /'
	tail -5 "$log" | sed 's/^/    # /'
	echo "    1..1"
	exit 1
}
# skip_run WHY: this machine cannot run it at all (said, not failed).
skip_run() {
	echo "    KTAP version 1"
	echo "    ok 1 $name # SKIP $1"
	echo "    1..1"
	exit 0
}
hdr() { sed -n "s/^# $1: //p" "$script" | head -1; }

[ -f "$kimage" ] || fail_setup "no $flavor kernel ($kimage): run 'make kernel' (or fetch it)"
# The root needs the options of config-system.fragment (cgroups, fhandle...).
missing=$(grep -E '^CONFIG_' "$top/kernel-patch/config-system.fragment" | while read -r opt; do
	grep -qE "^${opt%=y}=[ym]$" "$kconfig" || echo "$opt"; done)
# A kernel built before config-system.fragment existed cannot boot systemd.
[ -z "$missing" ] || skip_run "the $flavor kernel lacks what systemd needs ($(echo $missing | cut -c1-60)...): rebuild it (make kernel)"
[ "$(id -u)" = 0 ] || skip_run "assembling the root needs root (debootstrap, chroot, dpkg)"

# The test modules for this kernel tree: build.sh rebuilds only what
# changed, and starts afresh when the cache's tree is another one (modules
# left from a replaced tree must not be booted; seen when the test kernel
# was rebuilt between two runs). Other VMs may boot meanwhile: build.sh
# only replaces build/kmod-FLAVOR, and only when something changed.
KDIR=$ktree "$top/tests/kmod/build.sh" "$flavor" >>"$log" 2>&1 ||
	fail_setup "the test modules did not build"
base=$("$top/tests/vm/debian-root.sh" 2>>"$log" | tail -1)
[ -d "$base" ] || fail_setup "no Debian root (tests/vm/debian-root.sh)"

# The .deb of this tree as it is (uncommitted changes included), built in
# a copy: dpkg-buildpackage writes to the parent directory and cleans.
debdir=$work/deb
rm -rf "$debdir" && mkdir -p "$debdir/src"
rsync -a --exclude=/build --exclude=/.git "$top/" "$debdir/src/" >>"$log" 2>&1 ||
	fail_setup "copying the tree for the package build failed"
IAG_DESCRIBE=$(make -s -C "$top" print-version 2>/dev/null)
export IAG_DESCRIBE
(cd "$debdir/src" && dpkg-buildpackage -us -uc -b) >>"$log" 2>&1 ||
	fail_setup "dpkg-buildpackage failed"
deb=$(ls "$debdir"/i2c-atomic-guard_*.deb 2>/dev/null | head -1)
[ -f "$deb" ] || fail_setup "dpkg-buildpackage made no .deb"

root=$work/root
rm -rf "$root"
cp -a "$base" "$root" || fail_setup "copying the Debian root failed"
cp "$deb" "$root/tmp/"
chroot "$root" dpkg -i "/tmp/$(basename "$deb")" >>"$log" 2>&1 || fail_setup "dpkg -i in the root failed"
rm -f "$root/tmp/$(basename "$deb")"

policy=$(hdr policy)
if [ -n "$policy" ]; then
	install -m 0644 "$top/tests/vm/system/$policy" "$root/etc/i2c-atomic-guard/policy.yaml"
fi
units=$(hdr enable)
if [ -n "$units" ]; then
	# shellcheck disable=SC2086
	systemctl --root="$root" enable $units >>"$log" 2>&1 || fail_setup "systemctl enable $units failed"
fi

mkdir -p "$root/lib/modules/$kver/extra"
cp "$top/build/kmod-$flavor"/*.ko "$root/lib/modules/$kver/extra/"
# i2c-stub and, where they are modules (Debian's kernels), the I2C core's
# own: the kernel's drivers/i2c modules, as built.
find "$kmoddir" -name '*.ko*' -exec cp {} "$root/lib/modules/$kver/extra/" \;
for m in "$root/lib/modules/$kver/extra"/*.ko; do strip --strip-debug "$m"; done
depmod -b "$root" "$kver" >>"$log" 2>&1 || fail_setup "depmod failed"

# The guest half: the scenario and lib.sh, run by a unit once the system is
# up; it ends the boot itself (powers the machine off or reboots it, as
# the scenario's "# end:" says).
mkdir -p "$root/lib/iag" "$root/scenarios"
cp "$top/tests/vm/guest/lib.sh" "$root/lib/iag/lib.sh"
cp "$script" "$root/scenarios/$name.sh"
cp -r "$top/tests/vm/system/guest/." "$root/"
systemctl --root="$root" enable iag-vm-modules.service iag-vm-scenario.service >>"$log" 2>&1 ||
	fail_setup "enabling the scenario unit failed"
# The root is an initramfs, not an ext4 file system: e2fsprogs'
# e2scrub_reap.service has nothing to scrub there and fails, which leaves the
# system "degraded" for a reason that is not ours (seen in scenario 70).
systemctl --root="$root" mask e2scrub_reap.service >>"$log" 2>&1 ||
	fail_setup "masking e2scrub_reap.service failed"
echo "$name" >"$root/etc/iag-scenario"
end=$(hdr end)
case ${end:=poweroff} in
poweroff | reboot) echo "$end" >"$root/etc/iag-scenario-end" ;;
*) fail_setup "'# end: $end': poweroff or reboot" ;;
esac

initrd=$work/initramfs-$name.cpio
(cd "$root" && find . | cpio -o -H newc --quiet --owner=0:0) >"$initrd.tmp" &&
	mv "$initrd.tmp" "$initrd" || fail_setup "the initramfs did not build"
echo "run-system: root $(du -sh "$root" | cut -f1), initramfs $(du -h "$initrd" | cut -f1)" >>"$log"

[ -n "$ktree" ] && export KDIR=$ktree
IAG_SYSTEM_ROOT=$root IAG_DEB=$deb \
	exec "$top/tests/vm/run-vm.sh" --flavor "$flavor" --initrd "$initrd" --logdir "$logdir" "$name"
