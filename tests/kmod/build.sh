#!/bin/bash
# Build the test modules against the cached test kernel of FLAVOR.
#   tests/kmod/build.sh [FLAVOR]   -> build/kmod-FLAVOR/*.ko
# KDIR=... overrides the kernel tree.
set -euo pipefail
flavor=${1:-test}
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
kdir=${KDIR:-$cache/kernel-$flavor-current}
out=$top/build/kmod-$flavor

[ -f "$kdir/.complete" ] || [ -n "${KDIR:-}" ] ||
	{ echo "kmod: no $flavor kernel in the cache: run 'make kernel KERNEL_FLAVOR=$flavor'" >&2; exit 1; }
mkdir -p "$out"
# Kbuild writes its objects next to the sources: build in a copy.
cp "$top"/tests/kmod/Makefile "$top"/tests/kmod/*.c "$out"/
make -s -C "$kdir" M="$out" modules >&2
ls "$out"/*.ko
