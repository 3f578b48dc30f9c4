#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the i2c-atomic-guard test kernel, or reuse it from the cache.
#
#   kernel-patch/build-kernel.sh [test|bench|debug|stock|arm64|test-6.1] [--status]
#   KERNEL_ARCH=arm64 kernel-patch/build-kernel.sh test     (the arm64 flavor)
#
# --status only says whether the cached tree is up to date (exit 0) or would
# be built (exit 1).
#
# test: the scenarios' kernel; bench: without debug options; debug: with
# KASAN; stock: the test configuration WITHOUT the patch series, to prove the
# tool's fallback on an unpatched kernel; arm64: the patched test kernel
# cross-built for qemu-system-aarch64 -M virt (gcc-aarch64-linux-gnu,
# config-arm64.fragment alone); test-6.1: the backport in kernel-patch/6.1/
# on Debian 12's linux-source-6.1 (config.fragment + 6.1/config.fragment).
# arm64 and test-6.1 are built with FUNCTION_ERROR_INJECTION off, as
# Debian's kernels are: enforcement there rests on the BTF fmodret set.
#
# Untars Debian's linux-source-6.12 (or -6.1), applies the series with
# patch -p1, merges the fragments on top of tinyconfig, and builds the
# kernel image and modules. When the flavor's previous complete tree
# (kernel-FLAVOR-current) came from the same source, it is reused instead:
# its recorded patches (.iag-applied/) are reversed, the new series applied
# and .config kept if the fragments did not change, so make only rebuilds
# what the patches touch; any failure there falls back to a fresh untar
# (BUILD_KERNEL_FRESH=1 forces one). The tree is kept in
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
srcpkg=linux-source-6.12
seriesdir=$here
case ${KERNEL_ARCH:-x86_64} in
x86_64 | x86 | amd64) ;;
arm64 | aarch64) [ "$flavor" = test ] && flavor=arm64 ;;
*) echo "build-kernel: unknown KERNEL_ARCH '$KERNEL_ARCH' (x86_64 or arm64)" >&2; exit 1 ;;
esac
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
jobs=${KERNEL_JOBS:-$(($(nproc) + 1))}
# x86-64 by default; the arm64 flavors set these again.
targets="bzImage modules" image=arch/x86/boot/bzImage make_args= default_steps=2600

die() { echo "build-kernel: $*" >&2; exit 1; }

# config-system.fragment (systemd as init, for the packaging scenarios) is
# part of every patched flavor, so that one test kernel serves the busybox
# and the systemd VMs alike.
system=()
[ -f "$here/config-system.fragment" ] && system=("$here/config-system.fragment")
case $flavor in
test) fragments=("$here/config.fragment" "${system[@]}") ;;
bench | debug) fragments=("$here/config.fragment" "${system[@]}" "$here/config-$flavor.fragment") ;;
stock) fragments=("$here/config.fragment" "${system[@]}") ;;
arm64)
	fragments=("$here/config-arm64.fragment")
	targets="Image modules" image=arch/arm64/boot/Image default_steps=2400
	make_args="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"
	command -v aarch64-linux-gnu-gcc >/dev/null ||
		die "aarch64-linux-gnu-gcc missing: run 'make deps' (package gcc-aarch64-linux-gnu)"
	;;
test-6.1)
	tarball=/usr/src/linux-source-6.1.tar.xz srcpkg=linux-source-6.1 seriesdir=$here/6.1
	fragments=("$here/config.fragment" "$here/6.1/config.fragment")
	;;
*) die "unknown flavor '$flavor' (test, bench, debug, stock, arm64 or test-6.1)" ;;
esac

[ -f "$tarball" ] || die "$tarball missing: run 'make deps' (package $srcpkg)"

patches=()
if [ -f "$seriesdir/series" ] && [ "$flavor" != stock ]; then
	while read -r p; do
		case $p in '' | '#'*) continue ;; esac
		[ -f "$seriesdir/$p" ] || die "series names $p, which is not in $seriesdir"
		patches+=("$seriesdir/$p")
	done <"$seriesdir/series"
fi

srcver=$(dpkg-query -W -f='${Version}' "$srcpkg" 2>/dev/null || stat -c %s "$tarball")
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

# What a tree was made from, kept in the tree (.iag-applied/) so that the
# next build of the flavor can start from it: the source, the fragments and
# a copy of each patch applied, in order.
source_id="$srcver $tarball"
fragments_text=$(cat "${fragments[@]}")
record_applied() {
	rm -rf "$tree/.iag-applied"
	mkdir -p "$tree/.iag-applied"
	echo "$source_id" >"$tree/.iag-applied/source"
	printf '%s\n' "$fragments_text" >"$tree/.iag-applied/fragments"
	: >"$tree/.iag-applied/series"
	local i=0 p name
	for p in "${patches[@]}"; do
		i=$((i + 1))
		name=$(printf '%02d-%s' "$i" "$(basename "$p")")
		cp "$p" "$tree/.iag-applied/$name"
		echo "$name" >>"$tree/.iag-applied/series"
	done
}

# common_prefix: how many patches, from the first, the recorded series of
# $tree and the new one have byte for byte in common.
common_prefix() {
	local k=0 rec
	for rec in $(cat "$tree/.iag-applied/series"); do
		[ "$k" -lt "${#patches[@]}" ] && cmp -s "$tree/.iag-applied/$rec" "${patches[$k]}" || break
		k=$((k + 1))
	done
	echo "$k"
}

# usable TREE: a complete tree of the same source, with its series recorded.
usable() {
	[ -n "$1" ] && [ "$1" != "$tree" ] && [ -f "$1/.complete" ] &&
		[ -f "$1/.iag-applied/series" ] &&
		[ "$(cat "$1/.iag-applied/source")" = "$source_id" ]
}

# same_config TREE: usable, and made with the fragments asked for now.
same_config() {
	usable "$1" && [ "$(cat "$1/.iag-applied/fragments")" = "$fragments_text" ]
}

# stock is the test configuration without the series: a first stock build
# (a cold cache) starts from a copy of the test tree, which make check has
# just built, and rebuilds only what the series touches (about a tenth of
# a fresh build), rather than untarring and building it all again.
seed_flavor=
[ "$flavor" = stock ] && seed_flavor=test

# reuse_previous: turn the flavor's last complete tree into $tree: move it,
# reverse the recorded patches after the part both series share (newest
# first), apply the rest of the new series. Only the files those patches
# touch change (a patch re-applied would give its files new times, and
# include/linux/i2c.h recompiles much), so make recompiles little. Without
# one with the same fragments, a copy of the seed flavor's tree where its
# fragments are the same. Any failure returns 1 and the caller starts from
# a fresh untar.
reuse_previous() {
	local prev seed p k i
	prev=$(readlink -f "$cache/kernel-$flavor-current" 2>/dev/null) || prev=
	seed=
	[ -n "$seed_flavor" ] && { seed=$(readlink -f "$cache/kernel-$seed_flavor-current" 2>/dev/null) || seed=; }
	if ! same_config "$prev" && same_config "$seed"; then
		echo "build-kernel: starting from a copy of the $seed_flavor tree $(basename "$seed")" >&2
		rm -rf "$tree"
		cp -a "$seed" "$tree" || return 1
	else
		usable "$prev" || return 1
		echo "build-kernel: starting from the previous $flavor tree $(basename "$prev")" >&2
		mv "$prev" "$tree" || return 1
	fi
	rm -f "$tree/.complete"
	k=$(common_prefix)
	echo "build-kernel: the first $k patches are unchanged: kept" >&2
	for p in $(tail -n +$((k + 1)) "$tree/.iag-applied/series" | tac); do
		echo "build-kernel: reversing $p" >&2
		patch -d "$tree" -p1 -R -E --quiet <"$tree/.iag-applied/$p" || return 1
	done
	for ((i = k; i < ${#patches[@]}; i++)); do
		p=${patches[$i]}
		echo "build-kernel: applying $(basename "$p")" >&2
		patch -d "$tree" -p1 --forward --quiet <"$p" || return 1
	done
	reconfigure=1
	if [ "$(cat "$tree/.iag-applied/fragments")" = "$fragments_text" ] && [ -f "$tree/.config" ]; then
		reconfigure=0
	fi
	record_applied
}

start=$(date +%s)
reconfigure=1 fresh=0
if [ -n "${BUILD_KERNEL_FRESH:-}" ] || ! reuse_previous; then
	[ -d "$tree" ] && echo "build-kernel: no reusable previous tree, building from scratch" >&2
	rm -rf "$tree"
	mkdir -p "$tree"
	echo "build-kernel: $flavor kernel, key $key, in $tree" >&2
	echo "build-kernel: untarring $tarball" >&2
	tar -xf "$tarball" -C "$tree" --strip-components=1

	for p in "${patches[@]}"; do
		echo "build-kernel: applying $(basename "$p")" >&2
		patch -d "$tree" -p1 --forward --quiet <"$p" || die "$(basename "$p") does not apply"
	done
	record_applied
	reconfigure=1 fresh=1
fi

if [ "$reconfigure" = 0 ]; then
	echo "build-kernel: fragments unchanged, keeping .config" >&2
else
echo "build-kernel: configuring (tinyconfig + ${fragments[*]##*/})" >&2
# shellcheck disable=SC2086 # $make_args is a list of make variables
make -C "$tree" -s $make_args tinyconfig >/dev/null
# shellcheck disable=SC2086
(cd "$tree" && env $make_args scripts/kconfig/merge_config.sh -m .config "${fragments[@]}" >/dev/null)
# shellcheck disable=SC2086
make -C "$tree" -s $make_args olddefconfig >/dev/null
fi

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
# of them keeps a 5-minute build from looking stuck. The total is the step
# count of the last finished build of this flavor (an estimate: it changes
# a little with the patches and the configuration).
steps_file=$cache/.steps-$flavor
total=$(cat "$steps_file" 2>/dev/null || true)
case $total in '' | *[!0-9]*) total=$default_steps ;; esac
echo "build-kernel: make -j$jobs $targets (log: $tree/build.log)" >&2
set +e
# shellcheck disable=SC2086 # $targets is a list of make targets
make -C "$tree" -j"$jobs" $make_args $targets 2>&1 | tee "$tree/build.log" |
	awk -v total="$total" '/^  [A-Z]+ / { n++; if (n % 250 == 0) { printf "build-kernel: %5d/%d steps (estimate), %s\n", n, total, $0 > "/dev/stderr"; fflush("/dev/stderr") } }
	     /error:|Error [0-9]/ { print > "/dev/stderr" }'
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || die "kernel build failed (rc $rc), see $tree/build.log"
[ -f "$tree/$image" ] || die "no $image after the build"

# An incremental build's count says nothing about a full one.
[ "$fresh" = 1 ] && { grep -c '^  [A-Z][A-Z0-9]* ' "$tree/build.log" >"$steps_file" || true; }
touch "$tree/.complete"
ln -sfn "$tree" "$cache/kernel-$flavor-current"
# Old trees of this flavor are gigabytes each: keep only the current one.
for old in "$cache"/kernel-"$flavor"-*; do
	[ "$old" = "$tree" ] || [ -L "$old" ] || rm -rf "$old"
done
echo "build-kernel: done in $(($(date +%s) - start)) s" >&2
echo "$tree"
