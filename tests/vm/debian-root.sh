#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A Debian 12 root file system with systemd as init, for the system VM
# scenarios (70-79), built with debootstrap or reused from the cache.
#
#   tests/vm/debian-root.sh [--status]
#
# The root (minbase, plus systemd, udev, kmod and the shared libraries the
# project's .deb depends on) is kept in
#   ${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard/debian-root-HASH/root
# where HASH covers the suite, the mirror, the package list and this script.
# As with the kernels, ".complete" is written last and older roots are
# deleted once a new one is complete. Prints the root's path on the last
# line of stdout. Needs root (debootstrap, chroot) and the network once.
set -euo pipefail

suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
# What the .deb needs at run time (its Depends:), what the scenario uses,
# nothing more: every megabyte is unpacked into the VM's memory at boot.
include=systemd,systemd-sysv,udev,kmod,libbpf1,libelf1,zlib1g,libzstd1,libyaml-0-2,libjansson4,libsystemd0
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard

die() { echo "debian-root: $*" >&2; exit 1; }

key=$(printf '%s\n' "$suite" "$mirror" "$include" | cat - "$0" | sha256sum | cut -c1-16)
dir=$cache/debian-root-$key

if [ "${1:-}" = --status ]; then
	if [ -f "$dir/.complete" ]; then echo "debian root: up to date ($dir)"; exit 0; fi
	echo "debian root: would build $dir"
	exit 1
fi

mkdir -p "$cache"
exec 9>"$cache/.lock-debian-root"
flock 9
if [ -f "$dir/.complete" ]; then
	echo "debian-root: up to date (cached, key $key)" >&2
	echo "$dir/root"
	exit 0
fi
[ "$(id -u)" = 0 ] || die "debootstrap needs root"
command -v debootstrap >/dev/null || die "debootstrap missing: run 'make deps'"

start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir"
echo "debian-root: debootstrap $suite (minbase + $include) into $dir (log: $dir/debootstrap.log)" >&2
nice -n 10 debootstrap --variant=minbase --include="$include" "$suite" "$dir/root" "$mirror" \
	>"$dir/debootstrap.log" 2>&1 || die "debootstrap failed, see $dir/debootstrap.log"

r=$dir/root
# Smaller is faster to unpack at every boot: no documentation, manuals,
# locales, package lists or caches (nothing here is installed later by apt).
rm -rf "$r"/usr/share/{doc,man,info,locale,lintian}/* "$r"/var/cache/apt/* \
	"$r"/var/lib/apt/lists/* "$r"/var/cache/debconf/*-old "$r"/var/log/*.log
# A machine that boots straight to multi-user, with its console on ttyS0 and
# nothing that waits for a network or a disk.
echo iag-vm >"$r/etc/hostname"
: >"$r/etc/machine-id"
: >"$r/etc/fstab"
ln -sf /lib/systemd/system/multi-user.target "$r/etc/systemd/system/default.target"
for u in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer getty@tty1.service \
	e2scrub_all.timer fstrim.timer systemd-timesyncd.service; do
	ln -sf /dev/null "$r/etc/systemd/system/$u"
done
# The journal lives in /run (volatile): nothing to flush to a disk.
mkdir -p "$r/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$r/etc/systemd/journald.conf.d/iag-vm.conf"

touch "$dir/.complete"
for old in "$cache"/debian-root-*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
echo "debian-root: done in $(($(date +%s) - start)) s, $(du -sh "$r" | cut -f1)" >&2
echo "$r"
