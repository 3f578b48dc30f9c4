#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the VM's initramfs: busybox-static, /init, the static tool, the test
# modules and i2c-stub.ko of the kernel tree, the scenario scripts.
#   tests/vm/mkinitramfs.sh KERNEL_TREE KMOD_DIR OUT.cpio.gz [EXTRA_DIR]
# EXTRA_DIR, if given, is copied over the root last (files for one boot:
# a script run with run-vm.sh --script, the benchmark's helpers).
set -euo pipefail
ktree=$1 kmods=$2 out=$3 extra=${4:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
tool=$top/build/i2c-atomic-guard.static

[ -x /bin/busybox ] || { echo "mkinitramfs: /bin/busybox missing (package busybox-static)" >&2; exit 1; }
case $(ldd /bin/busybox 2>&1) in *"not a dynamic"*) ;; *)
	echo "mkinitramfs: /bin/busybox is not static (install busybox-static)" >&2; exit 1 ;; esac
[ -x "$tool" ] || { echo "mkinitramfs: $tool missing: run make" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib/modules/iag,lib/iag,scenarios}
cp /bin/busybox "$root/bin/busybox"
cp "$top/tests/vm/guest/init" "$root/init"
cp "$top/tests/vm/guest/lib.sh" "$root/lib/iag/lib.sh"
cp "$tool" "$root/bin/i2c-atomic-guard"
cp "$top"/tests/vm/scenarios/*.sh "$root/scenarios/" 2>/dev/null || true
rm -f "$root"/scenarios/*.host.sh
[ -d "$top/tests/vm/guest/files" ] && cp -r "$top/tests/vm/guest/files/." "$root/etc/"
# bpftool, with the shared libraries it needs, to check from inside the
# guest what is loaded, attached and pinned.
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
if [ -x "$bpftool" ]; then
	cp "$bpftool" "$root/bin/bpftool"
	for lib in $(ldd "$bpftool" | grep -o '/[^ ]*\.so[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
fi
cp "$kmods"/*.ko "$root/lib/modules/iag/"
find "$ktree/drivers/i2c" -name 'i2c-stub.ko' -exec cp {} "$root/lib/modules/iag/" \;
# Each module shrinks by an order of magnitude without debug info.
for m in "$root"/lib/modules/iag/*.ko; do strip --strip-debug "$m"; done
[ -n "$extra" ] && cp -a "$extra/." "$root/"
chmod 0755 "$root" "$root/init" "$root"/bin/*
(cd "$root" && find . | cpio -o -H newc --quiet --owner=0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
