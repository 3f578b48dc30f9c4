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
kmods="iag_test iag_bench iag_stub"

case $flavor in
debian-*)
	ktree=$("$top/scripts/fetch-debian-kernel.sh" "$flavor")
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
cross=()
if grep -qs '^CONFIG_ARM64=y' "$kdir/.config"; then
	cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
fi
rm -rf "$out"
mkdir -p "$out"
# Kbuild writes its objects next to the sources: build in a copy.
cp "$top"/tests/kmod/Makefile "$top"/tests/kmod/*.c "$out"/
make -s -C "$kdir" M="$out" IAG_KMODS="$kmods" "${cross[@]}" modules >&2
ls "$out"/*.ko
