#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Fetch one of Debian's own kernels for the kernel matrix, with the headers
# that build out-of-tree modules against it, into the cache:
#
#   scripts/fetch-debian-kernel.sh NAME [--status]
#
# NAME is one of
#   debian-6.1-amd64     Debian 12's own kernel (linux-image-6.1.0-N-amd64)
#   debian-6.12-amd64    linux-image-6.12.V+deb12-amd64 (bookworm-backports line)
#   debian-6.12-rt       linux-image-6.12.V+deb12-rt-amd64 (PREEMPT_RT)
#   debian-6.12-arm64    linux-image-6.12.V+deb12-arm64
# The newest version apt-cache knows is taken (the -unsigned image: the same
# kernel, and the only one some versions have). Packages come from
# `apt-get download` and are unpacked with `dpkg-deb -x`: nothing is
# installed. Result, under ${XDG_CACHE_HOME:-~/.cache}/i2c-atomic-guard:
#   debian-NAME-VERSION/            the unpacked packages, plus
#     kernel.env                    ARCH, KREL, VMLINUZ, HEADERS (paths)
#     .complete
#   debian-NAME-current -> debian-NAME-VERSION
# An existing complete tree is reused; prints the tree's path.
# --status prints the path of the tree fetched last if it is there, else
# exits 1 (no download, no apt-cache look-up: cheap, for every boot).
set -euo pipefail

name=${1:?usage: fetch-debian-kernel.sh NAME [--status]}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard
die() { echo "fetch-debian-kernel: $*" >&2; exit 1; }
if [ "${2:-}" = --status ]; then
	[ -f "$cache/$name-current/.complete" ] || exit 1
	readlink -f "$cache/$name-current"
	exit 0
fi

# newest PREFIX REGEX: the newest package name starting with PREFIX that
# matches REGEX (apt-cache pkgnames: a prefix look-up, much faster than search).
# The answer is kept until apt's package lists change (apt-get update): an
# apt-cache call takes seconds here, and make check asks for every kernel.
newest() {
	local sig memo=$cache/.newest-$name-${1//\//_}
	sig="$(stat -c %Y /var/lib/apt/lists /var/lib/dpkg/arch 2>/dev/null | tr '\n' ' ')$2"
	if [ -f "$memo" ] && [ "$(head -1 "$memo")" = "$sig" ]; then
		sed -n 2p "$memo"
		return
	fi
	mkdir -p "$cache"
	{ echo "$sig"; apt-cache pkgnames "$1" | grep -E "$2" | sort -V | tail -1; } >"$memo.tmp"
	mv "$memo.tmp" "$memo"
	sed -n 2p "$memo"
}

case $name in
debian-6.1-amd64)
	image=$(newest linux-image-6.1.0- '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$')
	krel=${image#linux-image-}; krel=${krel%-unsigned}
	abi=${krel%-amd64}
	arch=x86 dpkg_arch=amd64
	headers="linux-headers-$krel linux-headers-$abi-common linux-kbuild-6.1"
	;;
debian-6.12-amd64 | debian-6.12-rt | debian-6.12-arm64)
	flav=${name#debian-6.12-}
	[ "$flav" = rt ] && flav=rt-amd64
	image=$(newest linux-image-6.12. "^linux-image-6\.12\.[0-9]+\+deb12-$flav-unsigned\$")
	krel=${image#linux-image-}; krel=${krel%-unsigned}
	abi=${krel%-"$flav"}
	common=linux-headers-$abi-common
	[ "$flav" = rt-amd64 ] && common=$common-rt
	# The kbuild host tools are amd64 binaries for every target: they run here.
	headers="linux-headers-$krel $common linux-kbuild-$abi:amd64"
	arch=x86 dpkg_arch=amd64
	if [ "$flav" = arm64 ]; then
		arch=arm64 dpkg_arch=arm64
		image=$image:arm64
		headers="linux-headers-$krel:arm64 $common linux-kbuild-$abi:amd64"
	fi
	;;
*) die "unknown kernel '$name' (debian-6.1-amd64, debian-6.12-amd64, debian-6.12-rt, debian-6.12-arm64)" ;;
esac
[ -n "$image" ] && [ "$image" != ":arm64" ] || die "apt-cache knows no image for $name (apt-get update? dpkg --add-architecture arm64?)"

tree=$cache/$name-$krel
link=$cache/$name-current
if [ -f "$tree/.complete" ]; then
	ln -sfn "$(basename "$tree")" "$link"
	echo "$tree"
	exit 0
fi
echo "fetch-debian-kernel: $name: $image $headers" >&2
rm -rf "$tree"
mkdir -p "$tree/debs"
# apt drops privileges to _apt for the download: give it a directory it may write.
chmod 0777 "$tree/debs"
# shellcheck disable=SC2086
(cd "$tree/debs" && apt-get download -q $image $headers >&2) || die "apt-get download failed"
for deb in "$tree"/debs/*.deb; do dpkg-deb -x "$deb" "$tree/root"; done
rm -rf "$tree/debs"

root=$tree/root
hdr=$root/usr/src/linux-headers-$krel
[ -d "$hdr" ] || die "no $hdr in the headers package"
# The arch headers include the common ones by an absolute /usr/src path.
sed -i "s#^include /usr/src/#include $root/usr/src/#" "$hdr/Makefile"
vmlinuz=$root/boot/vmlinuz-$krel
[ -f "$vmlinuz" ] || die "no $vmlinuz in $image"
cat >"$tree/kernel.env" <<EOF
# $name: $image (dpkg architecture $dpkg_arch)
ARCH=$arch
KREL=$krel
VMLINUZ=$vmlinuz
HEADERS=$hdr
MODULES=$root/lib/modules/$krel
CONFIG=$root/boot/config-$krel
EOF
touch "$tree/.complete"
# Older versions of this kernel go; the one a running check resolved stays
# usable until that run ends, since its files are only unlinked.
for old in "$cache/$name"-*; do
	case $old in "$tree" | "$link") ;; *) [ -d "$old" ] && rm -rf "$old" ;; esac
done
ln -sfn "$(basename "$tree")" "$link"
echo "$tree"
