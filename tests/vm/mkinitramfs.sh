#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the VM's initramfs: busybox-static, /init, the static tool, the test
# modules and the kernel's own i2c-stub.ko and i2c-mux.ko (where they are
# modules), the scenario scripts.
#   tests/vm/mkinitramfs.sh KERNEL_TREE KMOD_DIR OUT.cpio [EXTRA_DIR]
# KERNEL_TREE is a kernel build tree or a distribution kernel's
# /lib/modules/RELEASE directory. The architecture is the test modules'
# (x86-64 or arm64): an arm64 initramfs gets build/arm64's static tool and
# busybox-static:arm64 (fetched once with apt-get download, cached).
# EXTRA_DIR, if given, is copied over the root last (files for one boot:
# a script run with run-vm.sh --script, the benchmark's helpers).
# IAG_TOOL=PATH puts that static binary in instead of this tree's (to run a
# scenario with an older build: the fail-before half of a bug fix's test).
set -euo pipefail
ktree=$1 kmods=$2 out=$3 extra=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard

# busybox_arm64: path of a static arm64 busybox, from busybox-static:arm64
# (not installable next to the amd64 one: unpacked into the cache instead).
busybox_arm64() {
	local ver dir
	ver=$(apt-cache policy busybox-static:arm64 | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
		{ echo "mkinitramfs: no busybox-static:arm64 (dpkg --add-architecture arm64; apt-get update)" >&2; return 1; }
	dir=$cache/busybox-arm64-$ver
	if [ ! -x "$dir/bin/busybox" ]; then
		mkdir -p "$dir.dl" && chmod 0777 "$dir.dl"
		(cd "$dir.dl" && apt-get download -q "busybox-static:arm64=$ver" >&2) || return 1
		dpkg-deb -x "$dir.dl"/busybox-static_*_arm64.deb "$dir"
		rm -rf "$dir.dl"
	fi
	echo "$dir/bin/busybox"
}

arch=x86 strip=strip tool=$top/build/i2c-atomic-guard.static busybox=/bin/busybox make_cmd=make
if readelf -h "$kmods/iag_test.ko" 2>/dev/null | grep -q AArch64; then
	arch=arm64 strip=aarch64-linux-gnu-strip make_cmd="make ARCH=arm64"
	tool=$top/build/arm64/i2c-atomic-guard.static
	busybox=$(busybox_arm64) || exit 1
fi
tool=${IAG_TOOL:-$tool}
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing (package busybox-static)" >&2; exit 1; }
if readelf -l "$busybox" | grep -q INTERP; then
	echo "mkinitramfs: $busybox is not static (install busybox-static)" >&2; exit 1
fi
[ -x "$tool" ] || { echo "mkinitramfs: $tool missing: run $make_cmd" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules/iag,lib/iag,scenarios}
cp "$busybox" "$root/bin/busybox"
cp "$top/tests/vm/guest/init" "$root/init"
cp "$top/tests/vm/guest/lib.sh" "$top/tests/vm/guest/isolate.sh" "$root/lib/iag/"
cp "$tool" "$root/bin/i2c-atomic-guard"
cp "$top"/tests/vm/scenarios/*.sh "$root/scenarios/" 2>/dev/null || true
rm -f "$root"/scenarios/*.host.sh
[ -d "$top/tests/vm/guest/files" ] && cp -r "$top/tests/vm/guest/files/." "$root/etc/"
# bpftool (x86 only: the host's), with the shared libraries it needs, to
# check from inside the guest what is loaded, attached and pinned.
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
if [ "$arch" = x86 ] && [ -x "$bpftool" ]; then
	cp "$bpftool" "$root/bin/bpftool"
	for lib in $(ldd "$bpftool" | grep -o '/[^ ]*\.so[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi
cp "$kmods"/*.ko "$root/lib/modules/iag/"
# The kernel's own i2c-stub and i2c-mux, where they are modules (Debian
# compresses them from 6.12 on: busybox insmod takes them uncompressed).
for d in "$ktree/drivers/i2c" "$ktree/kernel/drivers/i2c"; do
	[ -d "$d" ] || continue
	for m in $(find "$d" -name 'i2c-stub.ko*' -o -name 'i2c-mux.ko*'); do
		base=$root/lib/modules/iag/$(basename "$m")
		case $m in
		*.ko.xz) xz -dc "$m" >"${base%.xz}" ;;
		*.ko.zst) zstd -qdc "$m" >"${base%.zst}" ;;
		*.ko.gz) gzip -dc "$m" >"${base%.gz}" ;;
		*) cp "$m" "$base" ;;
		esac
	done
done
# Each module shrinks by an order of magnitude without debug info.
for m in "$root"/lib/modules/iag/*.ko; do "$strip" --strip-debug "$m"; done
[ -n "$extra" ] && cp -a "$extra/." "$root/"
chmod 0755 "$root" "$root/init" "$root"/bin/*
# Plain, unless OUT ends in .gz: under TCG the kernel inflates gzip at about
# 10 MB/s before /init can start (0.8 s of every boot for this 8 MB), and
# reads a plain cpio about five times as fast.
(cd "$root" && find . | cpio -o -H newc --quiet --owner=0:0) |
	case $out in *.gz) gzip -1 ;; *) cat ;; esac >"$out.tmp"
mv "$out.tmp" "$out"
