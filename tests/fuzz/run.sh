#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build and run the libFuzzer harnesses of tests/fuzz/.
#
#   tests/fuzz/run.sh [OPTIONS] SECONDS   fuzz each harness for SECONDS, one
#                                         after the other (make fuzz)
#   tests/fuzz/run.sh [OPTIONS] --smoke   every seed once, then a short fuzz
#                                         run per harness; TAP result lines
#   tests/fuzz/run.sh --build             just build the harnesses
#
# Options:
#   --summary FILE    also write a Markdown summary of the run to FILE
#   --only H[,H...]   run only these harnesses (fuzz_policy, ...)
#   --smoke-seconds N fuzzing time per harness in --smoke (default 10)
#
# Harnesses are built with clang -fsanitize=fuzzer,address,undefined
# (UB aborts, leaks are reported) into build/fuzz/, each linked with only the
# userspace sources it tests. Generated corpora live in build/fuzz/corpus/H
# (seeds: tests/fuzz/corpus/H, never written to); crash, leak, timeout and
# OOM inputs are kept in build/fuzz/findings/H/, logs in build/fuzz/logs/
# (a smoke run's in build/fuzz/logs/smoke.XXXXXX/, removed when it passes).
# Several runs may share build/fuzz/ (make check while a long run goes on):
# builds are serialized with a lock, a smoke run works in its own directory
# and two long runs of one harness take turns on its corpus.
#
# Output: one TAP line per harness on stdout, "ok N H: X execs, no findings"
# or "not ok N H: ...", details as "# " lines; a harness that cannot be built
# because clang's fuzzer runtime is missing is "ok N H # SKIP reason".
# Exit status: 0 if no harness failed, 1 on any finding or build error,
# 2 on bad usage.
#
# Environment: CLANG (default clang), FUZZ_NICE (nice level, default 10),
# FUZZ_TIMEOUT (seconds per input before it counts as a hang, default 20),
# FUZZ_MAX_FINDINGS (a long run restarts after a finding until this many
# findings or the time is up, default 3), FUZZ_ARGS (more libFuzzer flags
# for the fuzzing runs, e.g. "-use_value_profile=1 -max_len=16384").
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
fz=$top/tests/fuzz
out=$top/build/fuzz
CLANG=${CLANG:-clang}
nice_lvl=${FUZZ_NICE:-10}
timeout_s=${FUZZ_TIMEOUT:-20}
max_findings=${FUZZ_MAX_FINDINGS:-3}

# ---- the harnesses --------------------------------------------------------
# For each: the userspace sources it links (compiled with the fuzz flags
# too), and the libraries those need. A harness whose .c is absent is not
# part of the run (and the header of this file says which are).
harnesses=(fuzz_policy fuzz_console fuzz_jsonl)
declare -A srcs libs cflags
# (userspace/policy*.c: the parser, however it is split; trust reports
# through util.c)
srcs[fuzz_policy]="$(cd "$top" && echo userspace/policy*.c) userspace/util.c"
libs[fuzz_policy]="-lyaml -ljansson"
# the report harnesses: reader, records, writers, and what those link to
# (verdicts look up policy rules and resolved keys; records name devices)
# (userspace/report*.c: the reader and the writers, however they are split)
report_srcs="$(cd "$top" && echo userspace/report*.c userspace/record*.c userspace/policy*.c userspace/devmodel*.c) userspace/resolve.c userspace/util.c userspace/table.c"
srcs[fuzz_console]=$report_srcs
libs[fuzz_console]="-ljansson -lyaml"
srcs[fuzz_jsonl]=$report_srcs
libs[fuzz_jsonl]="-ljansson -lyaml"
# device names from the unit tests' sysfs fixture (read only), if present
if [ -d "$top/tests/unit/fixtures/sysfs" ]; then
	cflags[fuzz_console]="-DFZ_SYSFS_ROOT=\"$top/tests/unit/fixtures/sysfs\""
	cflags[fuzz_jsonl]=${cflags[fuzz_console]}
fi

CFLAGS_FUZZ=(-g -O1 -fno-omit-frame-pointer -gline-tables-only
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-fsanitize-coverage-ignorelist="$fz/coverage-ignore.txt"
	-std=gnu11 -D_GNU_SOURCE -Wall -Wno-unused-parameter
	-I"$top/include" -I"$top/userspace" -I"$top/build")

usage() {
	sed -n '3,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

mode= seconds= summary= only= smoke_s=10
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) mode=smoke; shift ;;
	--build) mode=build; shift ;;
	--summary) [ $# -ge 2 ] || usage; summary=$2; shift 2 ;;
	--only) [ $# -ge 2 ] || usage; only=$2; shift 2 ;;
	--smoke-seconds) [ $# -ge 2 ] || usage; smoke_s=$2; shift 2 ;;
	-h|--help) usage ;;
	[0-9]*) [ -z "$mode" ] || usage; mode=long; seconds=$1; shift ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$mode" ] || usage
case $seconds$smoke_s in *[!0-9]*) echo "run.sh: SECONDS must be a number" >&2; exit 2 ;; esac
[ -z "$summary" ] || case $summary in /*) ;; *) summary=$PWD/$summary ;; esac

sel=()
for h in "${harnesses[@]}"; do
	[ -f "$fz/$h.c" ] || continue
	if [ -n "$only" ] && ! echo ",$only," | grep -q ",$h,"; then continue; fi
	sel+=("$h")
done
mkdir -p "$out/logs" "$out/findings" "$out/corpus" "$out/obj"
logdir=$out/logs
if [ "$mode" = smoke ]; then
	# what a smoke run killed on the way left behind
	find "$out/logs" -maxdepth 1 -name 'smoke.*' -mmin +120 -exec rm -rf {} + 2>/dev/null
	logdir=$(mktemp -d "$out/logs/smoke.XXXXXX") || exit 1
	trap 'rm -rf "$logdir"; exit 130' INT TERM
fi
rel() { echo "${1#"$top"/}"; }

# ---- build ----------------------------------------------------------------
runtime_err=
check_runtime() {
	local t=$out/obj/probe.$$
	if ! command -v "$CLANG" >/dev/null 2>&1; then
		runtime_err="$CLANG not found"
		return 1
	fi
	printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' >"$t.c"
	if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$t.c" -o "$t" \
		>"$t.log" 2>&1; then
		runtime_err="clang cannot link -fsanitize=fuzzer,address,undefined (libclang-rt-dev missing?): $(grep -m1 -i error "$t.log" | cut -c1-120)"
		rm -f "$t" "$t.c" "$t.log"
		return 1
	fi
	rm -f "$t" "$t.c" "$t.log"
	return 0
}

# Known findings not fixed yet (tests/fuzz/known-findings: "ID HARNESS
# text", see FINDINGS.md): built with -DFZ_KNOWN_ID so the check that stops
# on exactly that case looks away, and listed on every run.
known_list() {
	[ -f "$fz/known-findings" ] || return 0
	grep -vE '^\s*(#|$)' "$fz/known-findings" | awk -v h="$1" '$2 == h || $2 == "*"'
}
known_defs() {
	known_list "$1" | awk '{print "-DFZ_KNOWN_" $1}'
}

# build H: (re)build build/fuzz/H if any input is newer, under the build
# lock. 0 or 1 (log kept in $logdir/H.build.log).
build() {
	local rc
	exec 8>"$out/.build.lock"
	flock 8
	build_locked "$1"
	rc=$?
	flock -u 8
	exec 8>&-
	return $rc
}

build_locked() {
	local h=$1 bin=$out/$1 s dep newer=0 f blog=$logdir/$1.build.log
	local -a files=("tests/fuzz/$h.c")
	for s in ${srcs[$h]}; do files+=("$s"); done
	for f in "${files[@]}"; do
		if [ ! -f "$top/$f" ]; then
			echo "missing source $f" >"$blog"
			return 1
		fi
	done
	if [ -x "$bin" ]; then
		for dep in "${files[@]}" tests/fuzz/run.sh tests/fuzz/*.h \
			tests/fuzz/known-findings tests/fuzz/coverage-ignore.txt \
			userspace/*.h include/*.h; do
			[ -e "$top/$dep" ] || continue
			[ "$top/$dep" -nt "$bin" ] && newer=1
		done
		[ "$newer" = 0 ] && return 0
	fi
	# shellcheck disable=SC2086
	(cd "$top" && nice -n "$nice_lvl" "$CLANG" "${CFLAGS_FUZZ[@]}" \
		$(known_defs "$h") ${cflags[$h]:-} "${files[@]}" ${libs[$h]} \
		-o "$bin.tmp.$$") \
		>"$blog" 2>&1 || { rm -f "$bin.tmp.$$"; return 1; }
	mv "$bin.tmp.$$" "$bin"
}

# ---- running ----------------------------------------------------------------
# Per harness results, filled by fuzz_one.
declare -A r_execs r_secs r_cov r_ft r_corp r_findings r_status r_detail r_art

# stat KEY LOG...: sum of "stat::KEY: N" over the logs.
stat_sum() {
	local key=$1
	shift
	cat "$@" 2>/dev/null | sed -n "s/^stat::$key: *\([0-9]*\).*/\1/p" |
		awk '{s += $1} END {print s + 0}'
}

# last_field KEY LOG...: value after "KEY: " on the last status line.
last_field() {
	local key=$1
	shift
	cat "$@" 2>/dev/null | grep -aE '^#[0-9]+' | grep -ao " $key: [0-9/a-zA-Z]*" |
		tail -1 | sed "s/^ $key: //"
}

# artifact LOG: the input libFuzzer saved for the finding in LOG, if any.
artifact() {
	sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$1" | tail -1
}

# sanitizer_summary LOG: the one-line reason of the finding in LOG.
sanitizer_summary() {
	local s
	s=$(grep -a -m1 -E 'check failed: ' "$1")
	[ -n "$s" ] || s=$(grep -a -m1 -E '^SUMMARY: ' "$1")
	[ -n "$s" ] || s=$(grep -a -m1 -E 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|runtime error:|check failed:' "$1")
	[ -n "$s" ] || s=$(grep -a -m1 -E '==[0-9]+== ?ERROR' "$1")
	echo "${s:-no sanitizer report in $1}" |
		sed -E 's/ \(BuildId: [0-9a-f]+\)//g; s| \(/[^ ]*\+0x[0-9a-f]+\)||g' | cut -c1-300
}

# replay H: run every seed (and regression input) once. 0 if all pass.
replay() {
	local h=$1 bin=$out/$1 log=$logdir/$1.replay.log
	local -a seeds=()
	local f
	for f in "$fz/corpus/$h"/*; do [ -f "$f" ] && seeds+=("$f"); done
	[ ${#seeds[@]} -gt 0 ] || { : >"$log"; return 0; }
	(cd "$out" && nice -n "$nice_lvl" "$bin" -timeout="$timeout_s" \
		-rss_limit_mb=2048 "${seeds[@]}") >"$log" 2>&1
}

# fuzz_one H SECONDS KIND: fuzz H for SECONDS (KIND smoke: into a fresh
# corpus, stop at the first finding; long: the persistent corpus, restart
# after a finding until max_findings, the time is up, or the same input or
# an initial-corpus input fails again). Fills r_*.
fuzz_one() {
	local h=$1 secs=$2 kind=$3 bin=$out/$1
	local art=$out/findings/$h corpus=$out/corpus/$h
	local dict=() logs=() seg=0 t0 left rc a log prev=
	mkdir -p "$art"
	[ -f "$fz/$h.dict" ] && dict=(-dict="$fz/$h.dict")
	if [ "$kind" = smoke ]; then
		corpus=$logdir/corpus-$h
	else
		# one long run per harness at a time on its corpus
		exec 7>"$out/corpus/$h.lock"
		if ! flock -n 7; then
			echo "# $h: another run uses build/fuzz/corpus/$h, waiting" >&2
			flock 7
		fi
	fi
	mkdir -p "$corpus"
	rm -f "$logdir/$h.$kind".*.log
	r_detail[$h]= r_art[$h]= r_findings[$h]=0 r_status[$h]=pass
	t0=$(date +%s)
	left=$secs
	while :; do
		seg=$((seg + 1))
		log=$logdir/$h.$kind.$seg.log
		logs+=("$log")
		(cd "$out" && nice -n "$nice_lvl" "$bin" -max_total_time="$left" \
			-timeout="$timeout_s" -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$art/" "${dict[@]}" ${FUZZ_ARGS:-} \
			"$corpus" "$fz/corpus/$h") >"$log" 2>&1
		rc=$?
		[ "$rc" = 0 ] && break
		r_status[$h]=fail
		r_findings[$h]=$((r_findings[$h] + 1))
		a=$(artifact "$log")
		if [ -z "$a" ]; then
			r_detail[$h]+="# $h: fuzzer exited $rc without saving an input: $(sanitizer_summary "$log") (log $(rel "$log"))"$'\n'
			break
		fi
		r_detail[$h]+="# $h: ${a#"$top"/}: $(sanitizer_summary "$log")"$'\n'
		r_art[$h]+="$a"$'\n'
		[ "$kind" = long ] || break
		# a crash while loading the corpus, or the same input again:
		# restarting would only find it again
		grep -aq 'INITED' "$log" || break
		[ "$a" != "$prev" ] || break
		prev=$a
		left=$((secs - ($(date +%s) - t0)))
		[ "$left" -gt 5 ] || break
		[ "$seg" -lt "$max_findings" ] || break
	done
	r_secs[$h]=$(($(date +%s) - t0))
	r_execs[$h]=$(stat_sum number_of_executed_units "${logs[@]}")
	if [ "${r_execs[$h]}" = 0 ]; then
		# no final stats: take the last status line
		r_execs[$h]=$(grep -ahoE '^#[0-9]+' "${logs[@]}" | tr -d '#' | sort -n | tail -1)
		r_execs[$h]=${r_execs[$h]:-0}
	fi
	r_cov[$h]=$(last_field cov "${logs[@]}")
	r_ft[$h]=$(last_field ft "${logs[@]}")
	r_corp[$h]=$(last_field corp "${logs[@]}")
	[ "$kind" = smoke ] || { flock -u 7; exec 7>&-; }
}

# ---- main -------------------------------------------------------------------
started=$(date -u '+%Y-%m-%d %H:%M:%S UTC')
n=0 failed=0
have_runtime=1
check_runtime || have_runtime=0

if [ "$mode" = build ]; then
	[ "$have_runtime" = 1 ] || { echo "run.sh: $runtime_err" >&2; exit 1; }
	for h in "${sel[@]}"; do
		if build "$h"; then echo "built build/fuzz/$h"
		else echo "run.sh: building $h failed:" >&2; cat "$logdir/$h.build.log" >&2; failed=1; fi
	done
	if [ "$mode" = smoke ] && [ "$failed" = 0 ]; then
	rm -rf "$logdir"
elif [ "$mode" = smoke ]; then
	echo "# logs kept in $(rel "$logdir")"
fi
exit "$failed"
fi

echo "KTAP version 1"
echo "1..${#sel[@]}"
for h in "${sel[@]}"; do
	n=$((n + 1))
	if [ "$have_runtime" = 0 ]; then
		r_status[$h]=skip
		echo "ok $n $h # SKIP $runtime_err"
		continue
	fi
	if ! build "$h"; then
		r_status[$h]=fail failed=1
		echo "not ok $n $h: build failed ($(rel "$logdir/$h.build.log"))"
		sed 's/^/# /' "$logdir/$h.build.log" | head -20
		continue
	fi
	if [ "$mode" = smoke ]; then
		if ! replay "$h"; then
			rlog=$logdir/$h.replay.log
			seed=$(sed -n 's/^Running: //p' "$rlog" | tail -1)
			r_status[$h]=fail failed=1
			r_detail[$h]="# $h: seed ${seed#"$top"/} fails: $(sanitizer_summary "$rlog")"$'\n'
			echo "not ok $n $h: a seed fails when replayed ($(rel "$rlog"))"
			printf '%s' "${r_detail[$h]}"
			grep -a -E 'ERROR|runtime error|check failed|^ +#[0-9]+ 0x' "$rlog" |
				sed -E 's/ \(BuildId: [0-9a-f]+\)//g' | head -10 | sed 's/^/# /'
			continue
		fi
		nseeds=$(find "$fz/corpus/$h" -maxdepth 1 -type f | wc -l)
		fuzz_one "$h" "$smoke_s" smoke
	else
		nseeds=$(find "$fz/corpus/$h" -maxdepth 1 -type f | wc -l)
		fuzz_one "$h" "$seconds" long
	fi
	if [ "${r_status[$h]}" = pass ]; then
		echo "ok $n $h: ${r_execs[$h]} execs, no findings"
	else
		failed=1
		echo "not ok $n $h: ${r_execs[$h]} execs, ${r_findings[$h]} finding(s) in build/fuzz/findings/$h/"
	fi
	printf '%s' "${r_detail[$h]}"
	known_list "$h" | while read -r id _ text; do
		echo "# $h: known finding $id not checked (FINDINGS.md): $text"
	done
	echo "# $h: ${r_secs[$h]} s, $nseeds seeds, cov ${r_cov[$h]:-?} ft ${r_ft[$h]:-?} corpus ${r_corp[$h]:-?}$([ "$mode" = long ] && echo ", logs $(rel "$logdir")/$h.long.*.log")"
done
ended=$(date -u '+%Y-%m-%d %H:%M:%S UTC')

# ---- summary file ---------------------------------------------------------
if [ -n "$summary" ]; then
	{
		echo "# Fuzzing run: $([ "$mode" = smoke ] && echo "smoke (${smoke_s} s per harness)" || echo "${seconds} s per harness")"
		echo
		echo "Generated by \`tests/fuzz/run.sh\` from the run itself; do not edit."
		echo
		echo "- started: $started, ended: $ended"
		echo "- commit: $(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$top" status --porcelain -- userspace 2>/dev/null | grep -q . && echo ' (userspace/ has uncommitted changes)')"
		echo "- compiler: $("$CLANG" --version 2>/dev/null | head -1)"
		echo "- flags: \`${CFLAGS_FUZZ[*]}\`, \`-timeout=$timeout_s -rss_limit_mb=2048${FUZZ_ARGS:+ $FUZZ_ARGS}\` and the harness's dictionary, niceness $(( $(nice) + nice_lvl > 19 ? 19 : $(nice) + nice_lvl )) (FUZZ_NICE $nice_lvl on top of run.sh's own), one harness at a time"
		echo "- host: $(nproc) CPUs, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
		echo
		echo "| harness | result | seconds | executions | exec/s | coverage (cov / ft) | corpus (units/bytes) | findings |"
		echo "| --- | --- | ---: | ---: | ---: | --- | --- | ---: |"
		for h in "${sel[@]}"; do
			if [ "${r_status[$h]}" = skip ]; then
				echo "| $h | SKIP: $runtime_err | | | | | | |"
				continue
			fi
			s=${r_secs[$h]:-0}
			e=${r_execs[$h]:-0}
			echo "| $h | ${r_status[$h]} | $s | $e | $((s > 0 ? e / s : 0)) | ${r_cov[$h]:-?} / ${r_ft[$h]:-?} | ${r_corp[$h]:-?} | ${r_findings[$h]:-0} |"
		done
		echo
		any=0
		for h in "${sel[@]}"; do
			[ -n "${r_detail[$h]:-}" ] || continue
			[ "$any" = 1 ] || { echo "## Findings"; echo; any=1; }
			printf '%s' "${r_detail[$h]}" | sed 's/^# /- /'
		done
		[ "$any" = 1 ] || echo "No findings: no crash, leak, undefined behaviour, hang, OOM or broken check."
		kn=$(for h in "${sel[@]}"; do known_list "$h" | sed "s/^/$h /"; done)
		if [ -n "$kn" ]; then
			echo
			echo "Known findings (FINDINGS.md) not fixed at the time of the run, so not checked:"
			echo
			echo "$kn" | while read -r h id _ text; do echo "- $h: $id: $text"; done
		fi
	} >"$summary.tmp" && mv "$summary.tmp" "$summary"
	echo "# summary written to $summary"
fi
if [ "$mode" = smoke ] && [ "$failed" = 0 ]; then
	rm -rf "$logdir"
elif [ "$mode" = smoke ]; then
	echo "# logs kept in $(rel "$logdir")"
fi
exit "$failed"
