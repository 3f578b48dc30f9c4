#!/bin/bash
# Build the test modules against a kernel of the matrix.
#   tests/kmod/build.sh [FLAVOR]   -> build/kmod-FLAVOR/*.ko
# FLAVOR is a project kernel (test, stock, ..., built by
# kernel-patch/build-kernel.sh; KDIR=... overrides its tree) or a Debian
# kernel (debian-*, fetched by scripts/fetch-debian-kernel.sh: its
# linux-headers package builds the modules). An arm64 kernel is built for
# with Debian's cross compiler.
set -euo pipefail
flavor=${1:-test}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
out=$top/build/kmod-$flavor
kmods="iag_test iag_bench iag_stub iag_slow"

case $flavor in
debian-*)
	ktree=$("$top/scripts/fetch-debian-kernel.sh" "$flavor" --status ||
		"$top/scripts/fetch-debian-kernel.sh" "$flavor")
	kdir=$(. "$ktree/kernel.env" && echo "$HEADERS")
	# iag_bench measures the project's kernels only.
	kmods="iag_test iag_stub"
	;;
*)
	kdir=${KDIR:-$cache/kernel-$flavor-current}
	[ -f "$kdir/.complete" ] || [ -n "${KDIR:-}" ] ||
		{ echo "kmod: no $flavor kernel in the cache: run 'make kernel KERNEL_FLAVOR=$flavor'" >&2; exit 1; }
	;;
esac
# iag_stuck (the stuck-bus scenario's GPIO chip and i2c-gpio adapters)
# needs GPIO support, which only some project kernels have.
case $flavor in debian-*) ;; *)
	grep -qs '^CONFIG_GPIOLIB=y' "$kdir/.config" && kmods="$kmods iag_stuck" ;;
esac
cross=()
if grep -qs '^CONFIG_ARM64=y' "$kdir/.config"; then
	cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
fi
# Kbuild writes its objects next to the sources: build in a copy, kept
# between runs so that an unchanged module is not rebuilt (make check runs
# this for every kernel of the matrix). Another kernel tree starts afresh.
if [ "$(cat "$out/.kdir" 2>/dev/null)" != "$(readlink -f "$kdir")" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	readlink -f "$kdir" >"$out/.kdir"
fi
changed=0
for f in "$top"/tests/kmod/Makefile "$top"/tests/kmod/*.c; do
	cmp -s "$f" "$out/${f##*/}" || { cp "$f" "$out/"; changed=1; }
done
for m in $kmods; do [ -f "$out/$m.ko" ] || changed=1; done
# Even with nothing to do, Kbuild takes 5 to 20 s per kernel (modpost): ask
# it only when a source changed or a module is missing.
if [ "$changed" = 1 ]; then
	make -s -C "$kdir" M="$out" IAG_KMODS="$kmods" "${cross[@]}" modules >&2
fi
for m in $kmods; do ls "$out/$m.ko"; done
