#!/bin/sh
# Install the Debian 12 packages i2c-atomic-guard needs, idempotently.
# Usage: scripts/deps.sh [--check]   (--check: only say what is missing)
set -eu

PKGS="make gcc clang llvm libbpf-dev bpftool pkg-config libelf-dev zlib1g-dev
libzstd-dev libyaml-dev libjansson-dev libcmocka-dev linux-source-6.12 linux-source-6.1
libsmartcols-dev
xz-utils flex bison bc kmod libssl-dev dwarves cpio busybox-static
qemu-system-x86 gnuplot-nox graphviz libclang-rt-14-dev rsync valgrind
python3-ply python3-git bpftrace
libsystemd-dev debhelper dpkg-dev lintian debootstrap systemd man-db
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libzstd-dev:arm64
libyaml-dev:arm64 libjansson-dev:arm64"
# The :arm64 packages cross-build the static arm64 command (make ARCH=arm64);
# the kernel matrix's Debian kernels and busybox-static:arm64 are fetched
# with apt-get download into the cache, not installed.

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "${1:-}" = "--check" ]; then
	echo "missing Debian packages:$missing" >&2
	echo "run: make deps   (or: apt-get install$missing)" >&2
	exit 1
fi

if [ "$(id -u)" != 0 ]; then
	echo "deps: these packages are missing:$missing" >&2
	echo "deps: run as root: apt-get install -y$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
