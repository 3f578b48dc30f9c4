#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the i2c-atomic-guard test kernel, or reuse it from the cache.
#
#   kernel-patch/build-kernel.sh [test|bench|debug|stock] [--status]
#
# --status only says whether the cached tree is up to date (exit 0) or would
# be built (exit 1).
#
# test: the scenarios' kernel; bench: without debug options; debug: with
# KASAN; stock: the test configuration WITHOUT the patch series, to prove the
# tool's fallback on an unpatched kernel.
#
# Untars Debian's linux-source-6.12, applies kernel-patch/series with
# patch -p1, merges config.fragment (and config-FLAVOR.fragment) on top of
# tinyconfig, and builds bzImage and modules. The tree is kept in
#   ${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard/kernel-FLAVOR-HASH/
# where HASH covers the source package version, the patches of the series
# and the fragments. A tree is complete only when its
# ".complete" marker exists; that is written last, so an interrupted or
# failed build is never taken for a finished one: it is built again.
# On success the path of the tree is printed on the last line of stdout and
# the symlink kernel-FLAVOR-current points at it.
set -euo pipefail

flavor=${1:-test}
status_only=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
tarball=/usr/src/linux-source-6.12.tar.xz
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
jobs=${KERNEL_JOBS:-$(($(nproc) + 1))}

die() { echo "build-kernel: $*" >&2; exit 1; }

case $flavor in
test) fragments=("$here/config.fragment") ;;
bench | debug) fragments=("$here/config.fragment" "$here/config-$flavor.fragment") ;;
stock) fragments=("$here/config.fragment") ;;
*) die "unknown flavor '$flavor' (test, bench, debug or stock)" ;;
esac

[ -f "$tarball" ] || die "$tarball missing: run 'make deps' (package linux-source-6.12)"

patches=()
if [ -f "$here/series" ] && [ "$flavor" != stock ]; then
	while read -r p; do
		case $p in '' | '#'*) continue ;; esac
		[ -f "$here/$p" ] || die "series names $p, which is not in kernel-patch/"
		patches+=("$here/$p")
	done <"$here/series"
fi

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || stat -c %s "$tarball")
key=$({
	echo "$srcver $flavor"
	cat "${fragments[@]}"
	[ ${#patches[@]} -gt 0 ] && cat "${patches[@]}"
	true
} | sha256sum | cut -c1-16)
tree=$cache/kernel-$flavor-$key

if [ "$status_only" = --status ]; then
	if [ -f "$tree/.complete" ]; then echo "$flavor: up to date ($tree)"; exit 0; fi
	echo "$flavor: would build $tree"
	exit 1
fi

mkdir -p "$cache"
exec 9>"$cache/.lock-$flavor"
flock 9

if [ -f "$tree/.complete" ]; then
	echo "build-kernel: $flavor kernel up to date (cached, key $key)" >&2
	ln -sfn "$tree" "$cache/kernel-$flavor-current"
	echo "$tree"
	exit 0
fi

start=$(date +%s)
rm -rf "$tree"
mkdir -p "$tree"
echo "build-kernel: $flavor kernel, key $key, in $tree" >&2
echo "build-kernel: untarring $tarball" >&2
tar -xf "$tarball" -C "$tree" --strip-components=1

for p in "${patches[@]}"; do
	echo "build-kernel: applying $(basename "$p")" >&2
	patch -d "$tree" -p1 --forward --quiet <"$p" || die "$(basename "$p") does not apply"
done

echo "build-kernel: configuring (tinyconfig + ${fragments[*]##*/})" >&2
make -C "$tree" -s tinyconfig >/dev/null
(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >/dev/null)
make -C "$tree" -s olddefconfig >/dev/null

# Every option the fragments ask for must have survived olddefconfig; where
# two fragments set the same option, the later one (as merged) counts.
declare -A want=() from=()
for f in "${fragments[@]}"; do
	while read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set") opt=${line#"# "}; opt=${opt%% *} ;;
		*) continue ;;
		esac
		want[$opt]=$line from[$opt]=$(basename "$f")
	done <"$f"
done
for opt in "${!want[@]}"; do
	line=${want[$opt]}
	case $line in
	CONFIG_*) grep -qx "$line" "$tree/.config" ||
		die "$line from ${from[$opt]} did not take (dependency missing?)" ;;
	*) ! grep -q "^$opt=" "$tree/.config" ||
		die "$opt from ${from[$opt]} is still set" ;;
	esac
done

# The kernel's own build lines go to build.log; a progress line every 250
# of them keeps a 5-minute build from looking stuck.
echo "build-kernel: make -j$jobs bzImage modules (log: $tree/build.log)" >&2
set +e
make -C "$tree" -j"$jobs" bzImage modules 2>&1 | tee "$tree/build.log" |
	awk '/^  [A-Z]+ / { n++; if (n % 250 == 0) { printf "build-kernel: %5d steps, %s\n", n, $0 > "/dev/stderr"; fflush("/dev/stderr") } }
	     /error:|Error [0-9]/ { print > "/dev/stderr" }'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || die "kernel build failed (rc $rc), see $tree/build.log"
[ -f "$tree/arch/x86/boot/bzImage" ] || die "no bzImage after the build"

touch "$tree/.complete"
ln -sfn "$tree" "$cache/kernel-$flavor-current"
# Old trees of this flavor are gigabytes each: keep only the current one.
for old in "$cache"/kernel-"$flavor"-*; do
	[ "$old" = "$tree" ] || [ -L "$old" ] || rm -rf "$old"
done
echo "build-kernel: done in $(($(date +%s) - start)) s" >&2
echo "$tree"
