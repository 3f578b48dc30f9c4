# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2154
#
# The report half of tests/bench/run.sh (sourced by it, after the boot or
# with --report-only): tests/bench/RESULTS.md and the plot from the guest's
# "# bench KIND NAME key=value ..." lines in $res. Sets bench_rc: non-zero
# when a configuration could not prove it was attached for its whole
# measured loop, or a tool did not stop within 1 s of SIGINT.

# Lines "# bench KIND NAME key=value ..." from the guest.
B() { sed -n 's/^# bench //p' "$res"; }
# kv LINE KEY: value of KEY=... in LINE.
kv() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
f1() { awk -v x="$1" 'BEGIN { if (x == "" || x == "-") print "-"; else printf "%.1f", x }'; }
calc() { awk "BEGIN { print $* }"; }
# ratio A B: A / B to two decimals, or - when either is not a figure.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && a != "-" && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }

# proof_sum KIND NAME: the proofs of every loop of NAME (bench.sh's
# proof_of), tab-separated: status (proved, FAILED or none), loops proved,
# loops, transfers, why (the last proof's, or the first failure's), and
# each program's run count and mean run time over all loops.
proof_sum() {
	B | awk -v k="$1" -v n="$2" '$1 == "proof" && $2 == k && $3 == n {
		loops++; delete v
		for (i = 4; i <= NF; i++) { p = index($i, "="); v[substr($i, 1, p - 1)] = substr($i, p + 1) }
		if (v["ok"] == 1) good++; else if (!bad) bad = v["why"]
		xf += v["transfers"]; why = v["why"]
		m = split(v["runs"], r, ",")
		for (j = 1; j <= m; j++) {
			if (split(r[j], q, ":") < 3) continue
			c[q[1]] += q[2]; t[q[1]] += q[2] * q[3]
		}
	} END {
		if (!loops) { print "none"; exit }
		for (p in c)
			progs = progs (progs ? "; " : "") p " " c[p] " runs" (c[p] ? sprintf(", %.0f ns/run", t[p] / c[p]) : "")
		w = good == loops ? why : bad
		gsub(/_/, " ", w)
		printf "%s\t%d\t%d\t%d\t%s\t%s\n", good == loops ? "proved" : "FAILED", good, loops, xf, w, progs ? progs : "-"
	}'
}
# proof_text KIND NAME: one line for the tables.
proof_text() {
	local st good loops xf why progs
	IFS=$'\t' read -r st good loops xf why progs <<<"$(proof_sum "$1" "$2")"
	case $st in
	proved) echo "proved in $loops of $loops loops ($xf transfers): $why; programs: $progs" ;;
	FAILED) echo "**FAILED** in $((loops - good)) of $loops loops: $why" ;;
	*) echo "no proof recorded" ;;
	esac
}
is_proved() { [ "$(proof_sum "$1" "$2" | cut -f1)" = proved ]; }

# stats [KIND] NAME: median min max and count over every round of NAME's
# loops of KIND (xfer, the default, or atomic; all passes merged), only for
# a configuration that proved every loop.
stats() {
	local k=xfer
	[ $# = 2 ] && { k=$1; shift; }
	is_proved "$k" "$1" || { echo "- - - 0"; return; }
	B | awk -v k="$k" -v n="$1" '$1 == k && $2 == n {
			for (i = 3; i <= NF; i++) if ($i ~ /^rounds_ns=/) {
				split(substr($i, 11), v, ","); for (j in v) print v[j] } }' |
		sort -g | awk '{ a[NR] = $1 } END {
			if (!NR) { print "- - - 0"; exit }
			m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
			printf "%.1f %.1f %.1f %d\n", m, a[1], a[NR], NR }'
}

read -r u_med u_min _ _ <<<"$(stats none)"
read -r fl_med _ _ _ <<<"$(stats floor_fentry)"
floor_ov=$(awk -v a="$fl_med" -v u="$u_med" 'BEGIN { if (a != "-" && u != "-") print a - u; else print "-" }')
names="none floor_fentry floor_kprobe floor_fexit floor_kp_fentry floor_kp_tp audit audit_kprobe ftrace_smbus bpftrace"
declare -A short=(
	[none]="untraced" [floor_fentry]="empty fentry (floor)" [floor_kprobe]="empty kprobe"
	[floor_fexit]="empty fentry + fexit" [floor_kp_fentry]="empty kprobe + fentry"
	[floor_kp_tp]="empty kprobe + smbus_result tp"
	[audit]="audit (tracepoint)" [audit_kprobe]="audit --mode kprobe"
	[ftrace_smbus]="ftrace smbus events" [bpftrace]="bpftrace one-liner"
)
declare -A label=(
	[none]="nothing attached (untraced)"
	[floor_fentry]="empty fentry on __i2c_smbus_xfer (floor)"
	[floor_kprobe]="empty kprobe on __i2c_smbus_xfer (reference)"
	[floor_fexit]="empty fentry and fexit on __i2c_smbus_xfer (a shape of the stock fallback)"
	[floor_kp_fentry]="empty kprobe and fentry on __i2c_smbus_xfer (a shape of the stock fallback)"
	[floor_kp_tp]="empty kprobe on __i2c_smbus_xfer and empty program on the stock smbus_result tracepoint (a shape the stock fallback could take)"
	[audit]="i2c-atomic-guard audit (tracepoint mode, patched kernel)"
	[audit_kprobe]="i2c-atomic-guard audit --mode kprobe (stock fallback)"
	[ftrace_smbus]="smbus:* trace events into the ftrace ring buffer"
	[bpftrace]="bpftrace 'kfunc:__i2c_smbus_xfer { @n = count(); }'"
)
dat=$out/per-transfer.dat
: >"$dat"
unproved=
xfer_table="| configuration | ns per transfer (median) | spread (min - max) | samples | overhead vs untraced (ns) | overhead / floor's | overhead, min vs min (ns) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
proof_table="| configuration | proof that it was attached for each whole measured loop |
| --- | --- |"
for n in $names; do
	st=$(proof_sum xfer "$n" | cut -f1)
	[ "$st" = none ] && [ -z "$(B | awk -v n="$n" '$1 == "xfer" && $2 == n')" ] && continue
	proof_table+=$'\n'"| ${label[$n]} | $(proof_text xfer "$n") |"
	if [ "$st" != proved ]; then
		unproved+=" ${short[$n]}"
		xfer_table+=$'\n'"| ${label[$n]} | **FAILED** (no proof, no figure) | | | | | |"
		continue
	fi
	read -r med mn mx cnt <<<"$(stats "$n")"
	ov=$(calc "$med - $u_med")
	ratio=$(awk -v o="$ov" -v f="$floor_ov" 'BEGIN { if (f != "-" && f > 0) printf "%.2f", o / f; else print "-" }')
	[ "$n" = none ] && ratio="-"
	xfer_table+=$'\n'"| ${label[$n]} | $(f1 "$med") | $(f1 "$mn") - $(f1 "$mx") | $cnt | $(f1 "$ov") | $ratio | $(f1 "$(calc "$mn - $u_min")") |"
	echo "\"${short[$n]}\" $med $mn $mx" >>"$dat"
done
xline=$(B | awk '$1 == "xfer" && $2 == "none"' | head -1)
count_per=$(kv "$xline" count)
reps_per=$(kv "$xline" reps)

# Atomic mode.
read -r a0 a0_min _ _ <<<"$(stats atomic none)"
[ "$a0" = - ] && a0= a0_min=
# asum NAME KEY: KEY added up over NAME's suspend loops (empty: none has it).
asum() { B | awk -v n="$1" -v k="$2" '$1 == "atomic" && $2 == n {
	for (i = 3; i <= NF; i++) if (index($i, k "=") == 1 && substr($i, length(k) + 2) != "") {
		s += substr($i, length(k) + 2); seen = 1 } } END { if (seen) print s }'; }
atomic_table="| configuration (syscore suspend, pm_test=core) | ns per transfer (median) | spread (min - max) | ratio to nothing attached | ratio, min vs min | records dropped | proof |
| --- | ---: | ---: | ---: | ---: | ---: | --- |"
declare -A alabel=(
	[none]="nothing attached"
	[floor_atomic_pair]="empty programs on i2c_atomic_smbus_xfer (counting) and i2c_atomic_result: the floor of any watcher of both events"
	[audit_allowed]="audit, policy allows the client (no records)"
	[audit_violations]="audit, no policy (every transfer a violation, with stack)"
	[audit_violations_d4]="the same with \`--stack-depth 4\` (the stack walk's share)"
	[audit_kprobe_allowed]="audit --mode kprobe, policy allows the client"
	[enforce_allowed]="enforce, policy allows the client"
	[bpftrace_violations]="bpftrace \`tracepoint:i2c_atomic:i2c_atomic_smbus_xfer { @[args->adapter_nr, args->addr, kstack] = count(); }\` (audit_violations' job: every transfer counted by device and stack)"
)
declare -A aratio amed
for n in none floor_atomic_pair audit_allowed audit_violations audit_violations_d4 audit_kprobe_allowed enforce_allowed bpftrace_violations; do
	if [ -z "$(B | awk -v n="$n" '$1 == "atomic" && $2 == n' | head -1)" ]; then
		atomic_table+=$'\n'"| ${alabel[$n]} | not measured | | | | | |"
		continue
	fi
	if ! is_proved atomic "$n"; then
		unproved+=" atomic:$n"
		atomic_table+=$'\n'"| ${alabel[$n]} | **FAILED** (no proof, no figure) | | | | | $(proof_text atomic "$n") |"
		continue
	fi
	read -r med mn mx _ <<<"$(stats atomic "$n")"
	amed[$n]=$med
	r=$(awk -v m="$med" -v z="${a0:-0}" 'BEGIN { if (z > 0) printf "%.2f", m / z; else print "-" }')
	aratio[$n]=$r
	d=$(asum "$n" dropped)
	[ -n "$(asum "$n" counted)" ] &&
		d="none: counted $(asum "$n" counted) of $(asum "$n" transfers) in $(asum "$n" keys) keys"
	# The fastest rounds vary less between runs than the medians do.
	rmin=$(ratio "$mn" "${a0_min:-}")
	atomic_table+=$'\n'"| ${alabel[$n]} | $(f1 "$med") | $(f1 "$mn") - $(f1 "$mx") | $r | $rmin | ${d:--} | $(proof_text atomic "$n") |"
done
atomic_count=$(kv "$(B | awk '$1 == "atomic"' | head -1)" count)
atomic_reps=$(kv "$(B | awk '$1 == "atomic"' | head -1)" reps)
atomic_passes=$(B | awk '$1 == "atomic" && $2 == "none"' | wc -l)

# Stopping: every tool the guest started, SIGINT to its end.
# Stops of the project's tools and of bpftrace, apart (the 1 s rule covers
# both; which one broke it must be plain): "own" or "bpftrace".
stops() {
	B | awk -v who="$1" '($1 == "stop" && ((who == "bpftrace") == / cmd="bpftrace/)) ||
		($1 == "startup" && ((who == "bpftrace") == ($2 == "bpftrace")))'
}
# stop_sum own|bpftrace: stops, slowest ms, how many over 1 s (or never ended).
stop_sum() {
	stops "$1" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^(ms|stop_max_ms)=/) {
			split($i, v, "="); if (v[2] + 0 > m) m = v[2] + 0; if (v[2] + 0 > 1000) slow++ }
		if ($1 == "stop") n++; if ($1 == "stop" && / ended=0/) slow++ }
		END { printf "%d %.1f %d\n", n, m, slow }'
}
read -r stop_n_own stop_max_own stop_slow_own <<<"$(stop_sum own)"
read -r stop_n_bt stop_max_bt stop_slow_bt <<<"$(stop_sum bpftrace)"
stop_n=$((stop_n_own + stop_n_bt))
stop_slow=$((stop_slow_own + stop_slow_bt))
stop_max=$(awk -v a="$stop_max_own" -v b="$stop_max_bt" 'BEGIN { printf "%.1f", (a > b ? a : b) }')
# The slowest stops, with what the tool said it spent (IAG_STOP_TIMES).
stop_table="| command | SIGINT to exit (ms) | signal to the end of the read loop (ms) | records still queued | writing them (ms) | kallsyms passes, ms (while writing) | detach (ms) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
while read -r l; do
	[ -n "$l" ] || continue
	stop_table+=$'\n'"| \`$(echo "$l" | sed -n 's/.* cmd="\(.*\)"$/\1/p')\` | $(kv "$l" ms) | $(kv "$l" own_loop_ms) | $(kv "$l" own_queued) | $(kv "$l" own_drain_ms) | $( [ -n "$(kv "$l" own_passes)" ] && echo "$(kv "$l" own_passes), $(kv "$l" own_ksyms_ms)") | $(kv "$l" own_detach_ms) |"
done <<<"$(B | awk '$1 == "stop" { for (i = 2; i <= NF; i++) if ($i ~ /^ms=/) { split($i, v, "="); print v[2] "\t" $0 } }' |
	sort -t$'\t' -k1,1gr | head -6 | cut -f2- | sed 's/^stop //')"
stuck=$(B | awk '$1 == "stuck" { sub(/^stuck /, ""); print "- " $0 }')

# Throughput.
tp_table="| requested (events/s) | generated (events/s) | sent | delivered (events) | in records | distinct keys | dropped | delivered + dropped = sent |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
best_zero=0 first_drop='' tp_exact=1 tp_n=0 tp_lost=0 tp_best_rate=0
secs_per=$(kv "$(B | awk '$1 == "throughput"' | head -1)" seconds)
while read -r l; do
	[ -n "$l" ] || continue
	rate=$(kv "$l" rate) sent=$(kv "$l" sent) del=$(kv "$l" delivered) drop=$(kv "$l" dropped)
	ach=$(kv "$l" achieved)
	sum=no
	[ "$((del + drop))" = "$sent" ] 2>/dev/null && sum=yes
	tp_n=$((tp_n + 1))
	[ $sum = yes ] || tp_exact=0
	[ "$drop" = 0 ] 2>/dev/null || tp_lost=$((tp_lost + 1))
	tp_table+=$'\n'"| $rate | $ach | $sent | $del | $(kv "$l" records) | $(kv "$l" keys) | $drop | $sum |"
	if [ "$drop" = 0 ] && [ "$sum" = yes ]; then
		[ "$ach" -gt "$best_zero" ] && best_zero=$ach
	elif [ -z "$first_drop" ]; then
		first_drop="$rate/s requested ($ach/s generated): $drop of $sent dropped"
	fi
done <<<"$(B | awk '$1 == "throughput" { sub(/^throughput /, ""); print }')"
diag_table="| audit options | requested (events/s) | generated (events/s) | sent | delivered (events) | in records | records/s | dropped |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
while read -r l; do
	[ -n "$l" ] || continue
	args=$(echo "$l" | sed -n 's/.*args="\(.*\)"$/\1/p')
	# records consumed per second: the records read over the storm's length
	r=$(awk -v d="$(kv "$l" records)" -v s="${secs_per:-1}" 'BEGIN { printf "%d", (d + 0) / (s > 0 ? s : 1) }')
	case $l in consumer*) [ "$r" -gt "$tp_best_rate" ] && tp_best_rate=$r ;; esac
	diag_table+=$'\n'"| \`audit --output FIFO ${args:-(text table)}\` | $(kv "$l" rate) | $(kv "$l" achieved) | $(kv "$l" sent) | $(kv "$l" delivered) | $(kv "$l" records) | $r | $(kv "$l" dropped) |"
done <<<"$(B | awk '$1 == "diag" || $1 == "consumer"')"
readtimes=$(B | awk '$1 == "readtime" { sub(/^readtime /, ""); print "- " $0 }')

# Start-up.
su_table="| program | exec to attached, ms (median) | min - max | SIGINT to exit, ms (slowest) |
| --- | ---: | ---: | ---: |"
declare -A slabel=(
	[audit]="i2c-atomic-guard audit (tracepoint mode)"
	[audit_kprobe]="i2c-atomic-guard audit --mode kprobe"
	[floor_fentry]="floor (one empty fentry program, libbpf skeleton)"
	[bpftrace]="bpftrace (kfunc one-liner, until its BEGIN probe prints)"
)
for n in audit audit_kprobe floor_fentry bpftrace; do
	l=$(B | awk -v n="$n" '$1 == "startup" && $2 == n' | head -1)
	[ -n "$l" ] || { su_table+=$'\n'"| ${slabel[$n]} | not measured | | |"; continue; }
	su_table+=$'\n'"| ${slabel[$n]} | $(kv "$l" median_ms) | $(kv "$l" min_ms) - $(kv "$l" max_ms) ($(kv "$l" runs) runs) | $(kv "$l" stop_max_ms) |"
done
su_phases=$(B | awk '$1 == "startup_phases" { m = $2; $1 = ""; $2 = ""
	if (m == "exec_only") print "- the command alone (`i2c-atomic-guard --version`, exec to its line), ms:" $0
	else print "- " m " mode (`audit -v`: exec to attached, and its phases), ms:" $0 }')
su_phases+=$'\n'$(B | awk '$1 == "verifier" { n = $2; $1 = ""; $2 = ""; print "- verifier, " n ":" $0 }')
su_of() { kv "$(B | awk -v n="$1" '$1 == "startup" && $2 == n' | head -1)" median_ms; }
su_audit=$(su_of audit) su_kp=$(su_of audit_kprobe) su_floor=$(su_of floor_fentry)

# Memory.
mem_idle=$(B | awk '$1 == "memory" && $2 == "idle"' | head -1)
mem_busy=$(B | awk '$1 == "memory" && $2 ~ /^after_/' | head -1)
mem_pol=$(B | awk '$1 == "memory" && $2 == "policy"' | head -1)

bt_line=$(B | awk '$1 == "bpftrace"' | head -1)
bt_runs=$(kv "$bt_line" runs)
bt_why=$(echo "$bt_line" | sed -n 's/.*output="\(.*\)"$/\1/p')

# ---- the goals (issue 13) ----
verdict() { if [ "$1" = 1 ]; then echo "**met**"; else echo "**not met**"; fi; }
# gv PROVED COND: the verdict of a goal whose figures need proofs.
gv() { if [ "$1" != 1 ]; then echo "**not met (no proof)**"; else verdict "$2"; fi; }
# pv NAME...: 1 when every per-transfer configuration named proved.
pv() { local n; for n; do is_proved xfer "$n" || { echo 0; return; }; done; echo 1; }
# ps KIND NAME: the proof, short.
ps() {
	local st good loops xf why progs
	IFS=$'\t' read -r st good loops xf why progs <<<"$(proof_sum "$1" "$2")"
	case $st in
	proved) echo "$2: $loops/$loops loops, $xf transfers; $why" ;;
	FAILED) echo "$2: **FAILED** $((loops - good))/$loops loops: $why" ;;
	*) echo "$2: no proof recorded" ;;
	esac
}
# le A B [F]: 1 when both are figures and A <= F * B (F default 1).
le() { awk -v a="$1" -v b="$2" -v f="${3:-1}" 'BEGIN { print (a != "" && a != "-" && b != "" && b != "-" && a + 0 <= f * b) ? 1 : 0 }'; }

a_med=$(stats audit | cut -d' ' -f1)
k_med=$(stats audit_kprobe | cut -d' ' -f1)
k_ov=$(awk -v k="$k_med" -v u="$u_med" 'BEGIN { if (k != "-" && u != "-") print k - u; else print "-" }')
a_ov=$(awk -v k="$a_med" -v u="$u_med" 'BEGIN { if (k != "-" && u != "-") print k - u; else print "-" }')
nconf=$(echo "$proof_table" | tail -n +3 | wc -l)
nconf=$((nconf + $(B | awk '$1 == "proof" && $2 == "atomic" { print $3 }' | sort -u | wc -l)))
g_honest=$([ -z "$unproved" ] && [ "$stop_slow" = 0 ] && [ "$stop_n" -gt 0 ] && echo 1 || echo 0)
p_kp=$(pv none floor_fentry audit_kprobe)
# The stock fallback's shapes with empty programs: what they cost before any work.
shape_ov() { awk -v k="$(stats "$1" | cut -d' ' -f1)" -v u="$u_med" 'BEGIN { if (k != "-" && u != "-") print k - u; else print "-" }'; }
kp_shapes="empty fentry + fexit $(ratio "$(shape_ov floor_fexit)" "$floor_ov")x, empty kprobe + fentry $(ratio "$(shape_ov floor_kp_fentry)" "$floor_ov")x, empty kprobe + smbus_result tracepoint $(ratio "$(shape_ov floor_kp_tp)" "$floor_ov")x"
g_kp=$(le "$k_ov" "$floor_ov" 1.2)
p_audit=$(pv audit)
busy_rss=$(kv "$mem_busy" storm_rss_max_kb)
busy_hwm=$(kv "$mem_busy" vmhwm_kb)
pol4_kb=$(kv "$(B | awk '$1 == "memory" && $2 == "policy_rb4"' | head -1)" map_memlock_kb)
pol_kb=$(kv "$mem_pol" map_memlock_kb)
# a_ok NAME: 1 when nothing-attached and NAME both proved their suspend loop.
a_ok() { is_proved atomic none && is_proved atomic "$1" && echo 1 || echo 0; }
# The side-by-side goal: bpftrace counted every transfer of the violation
# loop by device and stack (the counts of the maps it printed at exit).
bt_atomic=$(B | awk '$1 == "atomic" && $2 == "bpftrace_violations"' | head -1)
bt_counted=$(asum bpftrace_violations counted)
bt_xfers=$(asum bpftrace_violations transfers)
bt_job=$([ -n "$bt_atomic" ] && [ -n "$bt_counted" ] && [ "$bt_counted" = "$bt_xfers" ] && echo 1 || echo 0)
side_by_side() {
	if [ -z "$bt_atomic" ]; then
		echo "not measured (bpftrace did not run in the VM)"
		return
	fi
	echo "atomic mode, every transfer a violation: audit ${aratio[audit_violations]:--}x nothing attached, bpftrace ${aratio[bpftrace_violations]:--}x; audit / bpftrace = $(ratio "${amed[audit_violations]:-}" "${amed[bpftrace_violations]:-}"); bpftrace counted $bt_counted of $bt_xfers transfers in $(asum bpftrace_violations keys) keys over $atomic_passes loops (audit dropped $(asum audit_violations dropped) records)"
}
consumer_note="the consumer's own cost, counted on the host: ${consumer_instr:-?} instructions per record (callgrind, \`tests/bench/consumer.c\`)"
[ -n "${consumer_instr:-}" ] || consumer_note="the consumer's instructions per record: not counted (no valgrind on the host)"
bench_rc=0
[ "$g_honest" = 1 ] || bench_rc=1
goals_table="| goal | figure | verdict | proof |
| --- | --- | --- | --- |
| **honest figures**: every configuration proves it was attached for its whole measured loop; every tool stops within 1 s of SIGINT | $((nconf - $(echo "$unproved" | wc -w))) of $nconf configurations proved${unproved:+ (no proof:$unproved)}; the project's tools: $stop_n_own stops and every start-up run, slowest $stop_max_own ms from SIGINT to exit, $stop_slow_own over 1 s; bpftrace: $stop_n_bt stops and its start-up runs, slowest $stop_max_bt ms, $stop_slow_bt over 1 s | $(if [ "$g_honest" = 1 ]; then echo "**met**"; elif [ -n "$unproved" ]; then echo "**not met (no proof)**"; elif [ "$stop_slow_own" = 0 ]; then echo "**not met** (slow stop: bpftrace's own)"; else echo "**not met** (slow stop)"; fi) | run counts of each configuration's programs (kernel.bpf_stats_enabled) against the loop's own transfer count; in atomic mode, with the statistics off, each tool's own count; see \"Proofs\" |
| stock fallback: \`audit --mode kprobe\` adds at most 1.2 times the empty fentry's overhead | +$(f1 "$k_ov") ns vs floor +$(f1 "$floor_ov") ns ($(ratio "$k_ov" "$floor_ov")x; the shapes alone: $kp_shapes) | $(gv "$p_kp" "$g_kp") | $(ps xfer audit_kprobe) |
| patched kernel: \`audit\` adds at most 5% to an ordinary transfer, shown by counting | no program of audit ran in the loops' transfers; timing: +$(f1 "$a_ov") ns on $(f1 "$u_med") ns ($(awk -v a="$a_ov" -v u="$u_med" 'BEGIN { if (u + 0 > 0) printf "%.0f%%", 100 * a / u; else print "-" }'), the loop's noise) | $(gv "$p_audit" "$p_audit") | $(ps xfer audit) |
| storms: delivered + dropped == sent, exact, at every rate | $tp_n rates, $([ "$tp_exact" = 1 ] && echo "all exact" || echo "**not exact** at some rate") | $(verdict "$([ "$tp_n" -gt 0 ] && echo "$tp_exact" || echo 0)") | the tool's summary counters against the kernel module's sent count |
| storms: no information lost up to 50,000 violation events/s | $( [ "$tp_lost" = 0 ] && echo "nothing dropped" || echo "drops at $tp_lost of $tp_n rates; first: $first_drop" ) | $(verdict "$([ "$tp_n" -gt 0 ] && [ "$tp_lost" = 0 ] && echo 1 || echo 0)") | as above |
| storms: at least 20,000 distinct records/s consumed in the VM | $tp_best_rate records/s read with \`--no-aggregate\` (a record per event, 50,000/s requested); $consumer_note | $(verdict "$(le 20000 "$tp_best_rate")") | records counted at the FIFO's far end |
| start-up: exec to attached at most 1.5 times the empty-fentry skeleton's | audit ${su_audit:-?} ms, kprobe mode ${su_kp:-?} ms, floor ${su_floor:-?} ms ($(ratio "$su_audit" "$su_floor")x, $(ratio "$su_kp" "$su_floor")x) | $(verdict "$(($(le "$su_audit" "$su_floor" 1.5) && $(le "$su_kp" "$su_floor" 1.5)))") | the \"attached\" line, printed after every link is made |
| memory: BPF map memory at most 256 KiB for a 100-key policy | $( [ -n "$mem_pol" ] && echo "$pol_kb KiB ($(kv "$mem_pol" maps) maps, $(kv "$mem_pol" keys) allowlist keys; the default 64 KiB ring buffer included; the maps but the ring, measured with \`--ringbuf-kb 4\`: ${pol4_kb:-?} KiB)" || echo "not measured" ) | $(verdict "$(le "$pol_kb" 256)") | every map in the system (bpf() ids), while \`audit --policy\` runs |
| memory: the tool's RSS at most 4 MB during a 10,000 events/s storm | $( [ -n "$busy_rss" ] && echo "at most $busy_rss KiB during the storm ($(kv "$mem_busy" storm_rss_samples) samples); peak of its life (VmHWM, start-up included) $busy_hwm KiB" || echo "not measured" ) | $(verdict "$(le "$busy_rss" 4096)") | VmRSS from /proc/PID/status every 0.2 s while the storm runs |
| atomic mode: an allowed transfer at most 2 times nothing attached | audit ${aratio[audit_allowed]:--}x, kprobe mode ${aratio[audit_kprobe_allowed]:--}x, enforce ${aratio[enforce_allowed]:--}x (the two events' empty programs alone: ${aratio[floor_atomic_pair]:--}x) | $(gv "$(a_ok audit_allowed)" "$(le "${aratio[audit_allowed]:-}" 2)") | $(ps atomic audit_allowed) |
| atomic mode: a violation with its stack at most 10 times | ${aratio[audit_violations]:--}x | $(gv "$(a_ok audit_violations)" "$(le "${aratio[audit_violations]:-}" 10)") | $(ps atomic audit_violations) |
| side by side: bpftrace doing the same job (violations by device and stack) | $(side_by_side) | $(gv "$(a_ok bpftrace_violations)" "$bt_job") | $(ps atomic bpftrace_violations) |"
# ---- CI path ----
ci_note="not measured in this run"
if [ -f "$top/build/check-time.txt" ]; then
	ci_note="from build/check-time.txt ($(date -u -r "$top/build/check-time.txt" +%Y-%m-%dT%H:%MZ)): $(tr '\n' ' ' <"$top/build/check-time.txt")"
fi

# ---- the plot ----
plot=
if command -v gnuplot >/dev/null; then
	terms=$(gnuplot -e 'set terminal' 2>&1 || true)
	if echo "$terms" | grep -qw pngcairo; then term="pngcairo size 1000,560 font 'sans,10'"; plot=per-transfer.png
	elif echo "$terms" | grep -qw png; then term="png size 1000,560"; plot=per-transfer.png
	else term="svg size 1000,560"; plot=per-transfer.svg; fi
	rm -f "$top/tests/bench/per-transfer.png" "$top/tests/bench/per-transfer.svg"
	gnuplot <<G || { say "gnuplot failed"; plot=; }
set terminal $term noenhanced
set output "$top/tests/bench/$plot"
set title "Per-transfer cost of i2c_smbus_xfer() on i2c-stub, ordinary transfers ($flavor kernel, QEMU ${accel:-?})"
set ylabel "ns per transfer (median; bars: min - max of all rounds)"
set style data histograms
set style histogram errorbars gap 1 lw 1
set style fill solid 0.6 border -1
set boxwidth 0.8
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set xtics rotate by -20 noenhanced
set grid ytics
unset key
plot "$dat" using 2:3:4:xtic(1) lc rgb "#4477aa", \
     "" using 0:(\$4):(sprintf("%.0f", \$2)) with labels offset 0,0.8 notitle
G
fi

host_cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
guest_cpu=$(B | sed -n 's/^machine cpu="\(.*\)"$/\1/p' | head -1)
guest_line=$(B | awk '$1 == "machine" && $2 ~ /^nproc=/' | head -1)
status_line=$(B | awk '$1 == "status"' | head -1 | sed 's/^status //')
qemu_ver=$(qemu-system-x86_64 --version | head -1)
total_secs=$((${t_done:-$(date +%s)} - t_start))

{
cat <<EOF
# Benchmark results

Generated by \`tests/bench/run.sh\` on $(date -u +%Y-%m-%dT%H:%M:%SZ); do not edit by hand.

- Command: \`$cmdline\` (guest script \`tests/bench/bench.sh\`, kernel command line \`$append\`)
- Machine: $(nproc) CPUs, $host_cpu, host kernel $(uname -r); host load average (1, 5, 15 min) $load_before before the VM, $load_after after it (other work on the host slows the emulated CPUs and widens every spread)
- VM: $qemu_ver, q35, accel=${accel:-?}, $(kv "$guest_line" nproc) vCPUs, $(( $(kv "$guest_line" mem_kb) / 1024 )) MiB, guest CPU "$guest_cpu"
- Kernel: flavor \`$flavor\` ($(basename "$ktree")), $(kv "$guest_line" kernel); $status_line
- Wall time: VM boot and all measurements ${vm_secs} s, whole run ${total_secs} s; VM verdict: $([ "$vm_rc" = 0 ] && echo "all steps ran" || echo "some steps failed, see build/bench/bench.ktap")

$( [ -n "$stuck" ] && printf '%s\n\n%s\n' "Programs that did not end within 20 s of SIGINT (killed; see the console log):" "$stuck" )

## Goals (issue 13)

$goals_table

## Proofs

Every BPF configuration of the ordinary transfers runs with
\`kernel.bpf_stats_enabled=1\`
($(B | awk '$1 == "stats"' | head -1 | sed 's/^stats //')). Around each
measured loop the guest lists every BPF program and link in the system
(\`benchutil bpfobjs\`, by id through the bpf() syscall): a configuration is
proved when the same programs and links are there before and after the loop
and one of its programs ran exactly once per transfer of that loop (the
loop's own count), or, for \`audit\` on the patched kernel, when none of its
programs ran and the same links then count every transfer of a short
hard-IRQ storm right after (the canary). The ftrace configuration is proved
by the ring buffer's own count (entries + overrun). A configuration without a
proof gets no figure. Run times are each program's own (run_time_ns /
run_cnt; the statistics themselves add two clock reads per program run to
every BPF configuration).

$proof_table

## Per-transfer cost, ordinary transfers

An in-kernel loop (\`tests/kmod/iag_bench.c\`, debugfs \`iag_bench/loop\`):
$reps_per rounds of $count_per \`i2c_smbus_xfer()\` (SMBus read byte data) on
i2c-stub in process context, each round timed with ktime; $(B | awk '$1 == "xfer" && $2 == "none"' | wc -l)
interleaved passes over all configurations, all rounds merged.

$xfer_table

EOF
[ -n "$plot" ] && echo "![per-transfer cost]($plot)" && echo
cat <<EOF
bpftrace in the VM: $( [ "$bt_runs" = 1 ] && echo "runs." || echo "**does not run**: ${bt_why:-unknown}" ) ($bpftrace_note)

## Cost in atomic mode

The same loop inside a syscore suspend callback (\`echo core >
/sys/power/pm_test; echo mem > /sys/power/state\`: system_state SUSPEND,
interrupts off): $atomic_reps rounds of $atomic_count transfers per suspend, one
suspend per configuration in each of $atomic_passes interleaved passes (after one
suspend not measured); medians, minima and maxima are over all rounds of
all passes. These run with \`kernel.bpf_stats_enabled=0\`
($(B | awk '$1 == "stats" && $2 ~ /^atomic/' | head -1 | sed 's/^stats //')): they are
compared with nothing attached, and the statistics' clock reads around
every program run are the benchmark's cost, not the tool's. Their proof is
the same programs and links before and after the suspend, and the tool's
own count of the loop's transfers (audit's and enforce's \`seen\`, the sum
of bpftrace's map).

$atomic_table

Every tool the benchmark started was stopped with SIGINT and timed until it
had exited: the project's tools $stop_n_own stops, slowest $stop_max_own ms;
bpftrace $stop_n_bt stops, slowest $stop_max_bt ms (start-up runs included).
The slowest, with what audit and enforce said the stop cost them
(\`IAG_STOP_TIMES\`: how long the record in hand kept the read loop going,
the records still queued then and writing them, the passes over
/proc/kallsyms that took, the detach):

$stop_table

## Event throughput

Atomic-context violations: \`i2c_smbus_xfer()\` from a hard-IRQ hrtimer while
the system runs (each one an \`atomic_context_xfer\` violation with a kernel
stack), at each requested rate for ${secs_per:-?} s, \`audit --json\` with the
default ring buffer (64 KiB) writing into a FIFO. The kernel aggregates
repeats of a violation (same device, same stack): delivered = the events the
records read from the FIFO stand for (a record of repeats stands for its
\`count\`), in records = the records themselves, dropped = the summary's
counter.

$tp_table

Highest rate with zero drops: ${best_zero} events/s generated.
First drops: ${first_drop:-none up to the highest rate tried}.

Where the consumer's time goes (same storm, other output options; with
\`--no-aggregate\` every event is a record of its own, and what is
dropped was not read in time). The records per second are the consumer's
speed on a VM whose two vCPUs it shares with the storm's hard IRQs (each
with its stack walk) and with the counting sink at the FIFO's far end:
nothing is pinned. What a record costs the consumer itself does not
depend on the VM: on the host, callgrind counts
${consumer_instr:-(not counted)} instructions for each record of this storm
(\`tests/bench/consumer.c\`: an \`atomic_context_xfer\` violation with an
8-frame stack, through the same writer into /dev/null; 3000 records less
1000, over 2000).

$diag_table

What scanning some kernel files costs in this VM (\`benchutil readtime\`):

$readtimes

## Start-up

From just before fork/exec to the "attached" line on stderr (\`benchutil
startup\`), in the VM.

$su_table

Inside the command, from its own \`-v\` line (probe: what the kernel
supports; load: open, relocate and verify the programs; then the allowlist
and the attach):

$su_phases

## Memory while auditing

BPF objects from /proc/PID/fdinfo of the audit process (memlock), and its RSS.

- Idle, just attached: $(echo "$mem_idle" | grep -o 'bpfmem.*' | sed 's/ rss / ; /')
- After the $(echo "$mem_busy" | awk '{print $2}' | sed 's/after_//') events/s run: $(echo "$mem_busy" | grep -o 'bpfmem.*' | sed 's/ rss / ; /')
- With a $(kv "$mem_pol" keys)-key policy (\`audit --policy\`, $(kv "$mem_pol" clients) clients), every BPF map in the system: $( [ -n "$mem_pol" ] && echo "$(kv "$mem_pol" maps) maps, $(kv "$mem_pol" map_memlock_kb) KiB" || echo "not measured")

\`\`\`
$(B | awk '$1 == "memory" && $2 == "policy_map"' | sed 's/^memory policy_map //' || true)
\`\`\`

Maps (idle):

\`\`\`
$(echo "$mem_idle" | grep -o 'map fd=[0-9]* type=[0-9]* key=[0-9]* value=[0-9]* entries=[0-9]* memlock=[0-9]*' || echo "not measured")
\`\`\`

## CI path

\`make check\` wall time: $ci_note.
EOF
} >"$results_md"

say "wrote $results_md${plot:+ and tests/bench/$plot} in ${total_secs} s"

if [ "$bench_rc" != 0 ]; then
	say "honest figures: not met: ${unproved:+no proof:$unproved; }${unproved:-every configuration proved; }stops over 1 s: $stop_slow_own of the project's tools (slowest $stop_max_own ms), $stop_slow_bt of bpftrace (slowest $stop_max_bt ms)"
fi
