#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Check the kernel patch series the way a maintainer would, patch by patch.
#
#   kernel-patch/check-series.sh [TARBALL | DIR]
#   kernel-patch/check-series.sh /usr/src/linux-source-6.1.tar.xz
#
# The series is kernel-patch/series for a 6.12 tree and
# kernel-patch/6.1/series (with 6.1/config.fragment) for a 6.1 tree, told
# apart by the tree's Makefile; SERIES_DIR=DIR overrides.
#
# TARBALL (default /usr/src/linux-source-6.12.tar.xz) is untarred into a
# new temporary directory. A DIR made by an earlier run (it has the git tag
# check-series-base) is reused: it is reset to that tag and its build
# output is kept, which makes the builds incremental. A DIR without .git is
# taken as an untarred tree and prepared in place.
#
# Preparation: the Debian "/*" ignore lines are dropped from .gitignore,
# the tree is committed as the baseline, and it is configured like
# build-kernel.sh does (tinyconfig + config.fragment).
#
# Then:
#   1. the whole series is applied with "patch -p1", as build-kernel.sh
#      does, and the tree is reset to the baseline again;
#   2. for each patch of "series": "git am", "checkpatch.pl --strict" on the
#      patch file, and a build (make vmlinux and drivers/i2c/, which
#      includes the i2c modules), so that every step of the series builds;
#      checkpatch runs with --no-signoff, since the patches deliberately
#      carry no Signed-off-by (the submitter adds theirs: a DCO sign-off
#      needs a real identity), and with FILE_PATH_CHANGES ignored only
#      after get_maintainer.pl has found a maintainer for every file the
#      patch adds (the "maint" column);
#   3. a table with one line per patch is printed.
#
# Environment: JOBS (default 3), KEEP=1 keeps a temporary tree, LOGS sets
# the log directory (default: a new /tmp/check-series-logs.XXXXXX).
# Exit status: 0 if every step passed, 1 if one failed, 2 on bad usage.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=${1:-/usr/src/linux-source-6.12.tar.xz}
jobs=${JOBS:-3}
ident=(-c user.name="i2c-atomic-guard check-series" -c user.email="check-series@i2c-atomic-guard.invalid")

die() { echo "check-series: $*" >&2; exit 2; }
say() { echo "check-series: $*" >&2; }

tmp=
if [ -f "$src" ]; then
	tmp=$(mktemp -d /tmp/check-series.XXXXXX)
	tree=$tmp/linux
	mkdir -p "$tree"
	say "untarring $src into $tree"
	tar -xf "$src" -C "$tree" --strip-components=1 || die "cannot untar $src"
elif [ -d "$src" ]; then
	tree=$(cd "$src" && pwd)
else
	die "$src is neither a tarball nor a directory"
fi
[ -f "$tree/Makefile" ] && [ -d "$tree/drivers/i2c" ] || die "$tree is not a kernel tree"
cleanup() {
	if [ -n "$tmp" ] && [ "${KEEP:-0}" != 1 ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT

g() { git -C "$tree" "${ident[@]}" "$@"; }

# Which series: by the tree's version.
fragments=("$here/config.fragment")
sdir=${SERIES_DIR:-}
if [ -z "$sdir" ]; then
	kver=$(sed -n 's/^VERSION = //p' "$tree/Makefile").$(sed -n 's/^PATCHLEVEL = //p' "$tree/Makefile")
	case $kver in
	6.1) sdir=$here/6.1 ;;
	*) sdir=$here ;;
	esac
fi
[ -f "$sdir/config.fragment" ] && [ "$sdir" != "$here" ] && fragments+=("$sdir/config.fragment")
patches=()
while read -r p; do
	case $p in '' | '#'*) continue ;; esac
	[ -f "$sdir/$p" ] || die "series names $p, which is not in $sdir"
	patches+=("$p")
done <"$sdir/series"
[ ${#patches[@]} -gt 0 ] || die "the series is empty"
say "series: $sdir/series (${#patches[@]} patches)"

if [ -d "$tree/.git" ]; then
	g rev-parse -q --verify refs/tags/check-series-base >/dev/null ||
		die "$tree is a git tree without the check-series-base tag: pass a tarball or a plain tree"
	say "reusing $tree"
	g am --abort >/dev/null 2>&1
	g reset -q --hard check-series-base && g clean -fdq || die "cannot reset $tree"
else
	say "committing the baseline"
	# Debian's top-level .gitignore ignores everything but debian/.
	sed -i -e '/^\/\*$/d' -e '/^!\/debian\/$/d' "$tree/.gitignore"
	g init -q && g add -A && g commit -q -m "baseline" && g tag check-series-base ||
		die "cannot make the baseline commit"
fi

logs=${LOGS:-$(mktemp -d /tmp/check-series-logs.XXXXXX)}
mkdir -p "$logs" || die "cannot create $logs"

# checkpatch runs scripts/spdxcheck.py, which needs python3 with ply and
# GitPython: prefer the system python3 when the one in PATH lacks them.
cp_path=$PATH
if ! python3 -c 'import ply, git' 2>/dev/null && /usr/bin/python3 -c 'import ply, git' 2>/dev/null; then
	cp_path=/usr/bin:$PATH
fi

if [ ! -f "$tree/.config" ]; then
	say "configuring (tinyconfig + ${fragments[*]##*/})"
	{
		make -C "$tree" -s tinyconfig &&
			(cd "$tree" && scripts/kconfig/merge_config.sh -m .config "${fragments[@]}") &&
			make -C "$tree" -s olddefconfig
	} >"$logs/config.log" 2>&1 || die "configuration failed, see $logs/config.log"
fi

# 1. The series with patch -p1, as build-kernel.sh applies it.
patch_p1=ok
for p in "${patches[@]}"; do
	if ! patch -d "$tree" -p1 --forward --quiet <"$sdir/$p" >>"$logs/patch-p1.log" 2>&1; then
		patch_p1="FAILED at $p"
		break
	fi
done
g reset -q --hard check-series-base && g clean -fdq || die "cannot reset $tree after patch -p1"
say "patch -p1 of the whole series: $patch_p1"

build() { # $1: log file
	make -C "$tree" -j"$jobs" vmlinux >"$1" 2>&1 &&
		make -C "$tree" -j"$jobs" drivers/i2c/ >>"$1" 2>&1
}

# 2. Patch by patch.
rows=()
fail=0
[ "$patch_p1" = ok ] || fail=1
n=0
for p in "${patches[@]}"; do
	n=$((n + 1))
	tag=$(printf '%04d' "$n")
	t0=$(date +%s)
	am=ok cp=- build=- warn=- maint=-
	if ! g am -q "$sdir/$p" >"$logs/$tag-am.log" 2>&1; then
		am=FAILED
		fail=1
		rows+=("$(printf '%-4s %-60s %-6s %-10s %-5s %-7s %-5s %5s' "$n" "${p:0:60}" "$am" "$cp" "$maint" "$build" "$warn" "-")")
		break
	fi

	# Every file the patch adds must have a maintainer already.
	cp_ignore=()
	added=$(g diff --name-only --diff-filter=A HEAD~1 HEAD)
	if [ -n "$added" ]; then
		maint=ok
		for f in $added; do
			(cd "$tree" && PATH=$cp_path scripts/get_maintainer.pl --no-git --no-git-fallback \
				--no-rolestats --no-l --no-r -f "$f" 2>/dev/null) | grep -q '@' ||
				{ maint="none:$f"; fail=1; }
		done
		[ "$maint" = ok ] && cp_ignore=(--ignore FILE_PATH_CHANGES)
	fi

	(cd "$tree" && PATH=$cp_path scripts/checkpatch.pl --strict --no-signoff "${cp_ignore[@]}" \
		--no-color "$sdir/$p") >"$logs/$tag-checkpatch.log" 2>&1
	tot=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings, ([0-9]+ checks, )?[0-9]+ lines checked' "$logs/$tag-checkpatch.log")
	if [ -n "$tot" ]; then
		e=$(sed -E 's/^total: ([0-9]+) errors.*/\1/' <<<"$tot")
		w=$(sed -E 's/.* ([0-9]+) warnings.*/\1/' <<<"$tot")
		c=$(sed -nE 's/.* ([0-9]+) checks.*/\1/p' <<<"$tot")
		cp="$e/$w/${c:-0}"
		[ "$e" = 0 ] && [ "$w" = 0 ] || fail=1
	else
		cp=ERROR
		fail=1
	fi
	grep -q 'Traceback' "$logs/$tag-checkpatch.log" && cp="$cp(spdx?)"

	if build "$logs/$tag-build.log"; then
		build=ok
	else
		build=FAILED
		fail=1
	fi
	warn=$(grep -c 'warning:' "$logs/$tag-build.log")
	[ "$warn" = 0 ] || fail=1

	rows+=("$(printf '%-4s %-60s %-6s %-10s %-5s %-7s %-5s %5s' "$n" "${p:0:60}" "$am" "$cp" "$maint" "$build" "$warn" "$(($(date +%s) - t0))s")")
	say "$p: am $am, checkpatch $cp, build $build, $warn warnings"
	[ "$build" = ok ] || break
done

# 3. The table.
echo
echo "Series: ${#patches[@]} patches ($sdir/series), tree $tree ($(make -s -C "$tree" kernelversion 2>/dev/null))"
echo "patch -p1 (build-kernel.sh): $patch_p1"
echo
printf '%-4s %-60s %-6s %-10s %-5s %-7s %-5s %5s\n' "#" "patch" "git am" "chk E/W/C" "maint" "build" "warn" "time"
for r in "${rows[@]}"; do echo "$r"; done
echo
echo "chk E/W/C: checkpatch --strict --no-signoff errors/warnings/checks of the patch;"
echo "maint: get_maintainer.pl finds a maintainer for each file the patch adds (- : adds none);"
echo "build: make vmlinux + drivers/i2c/ after the patch; warn: compiler warnings in that build."
if grep -h '^CHECK:' "$logs"/*-checkpatch.log >/dev/null 2>&1; then
	echo
	echo "Remaining CHECKs:"
	for f in "$logs"/*-checkpatch.log; do
		grep -A1 '^CHECK:' "$f" | grep -E '^(CHECK|#)' | paste - - |
			sed -e "s|^|  $(basename "$f" -checkpatch.log): |"
	done
	if ! grep -h -A1 '^CHECK:' "$logs"/*-checkpatch.log | grep -E '^(CHECK|#)' | paste - - |
		grep -v "Lines should not end with a '('.*FILE: include/trace/events/" >/dev/null; then
		echo "  (all of them: the TP_STRUCT__entry( and TP_fast_assign( lines of"
		echo "   TRACE_EVENT() definitions, laid out like the other trace headers)"
	fi
fi
echo
echo "Logs: $logs"
if [ "$fail" = 0 ]; then echo "RESULT: PASS"; else echo "RESULT: FAIL"; fi
[ -n "$tmp" ] && [ "${KEEP:-0}" != 1 ] && echo "(temporary tree removed; KEEP=1 keeps it)"
exit "$fail"
