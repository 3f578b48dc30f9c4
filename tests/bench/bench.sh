# SPDX-License-Identifier: GPL-2.0-only
# The benchmark, inside the VM (booted by tests/bench/run.sh with
# tests/vm/run-vm.sh --script; NOT a `make check` scenario). One boot, all
# measurements, each printed on the results port as
#   # bench KIND NAME key=value ...
# which run.sh turns into tests/bench/RESULTS.md. KTAP results only say
# whether each step ran; the figures are judged on the host.
#
# Set by run.sh on the kernel command line (iag_bench_*), with defaults:
#   rounds   interleaved passes over all per-transfer configurations, and
#            over all atomic-mode ones
#   rates    violation rates per second for the throughput ladder
#   secs     seconds per rate
# timeout: 780
# allow-kernel: (drivers/i2c/i2c-core|No atomic I2C transfer handler|sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched|rtmutex)|BUG: scheduling while atomic)
. /lib/iag/lib.sh

ROUNDS=${iag_bench_rounds:-5}
RATES=$(echo "${iag_bench_rates:-100,200,500,1000,5000,10000,50000}" | tr ',' ' ')
SECS=${iag_bench_secs:-3}
B=/sys/kernel/debug/iag_bench
BU=/bin/benchutil
nrates=$(echo $RATES | wc -w)
plan $((3 + ROUNDS * 10 + ROUNDS * 8 + nrates + 4 + 4 + 1))

res() { out "# bench $*"; echo "bench: $*"; }
# audit and enforce say on stderr what each stop spent (records still
# queued, kernel symbol reads, detach): bg_stop reports it with the stop.
export IAG_STOP_TIMES=1

# ---- set-up ----
stub=$(load_stub 0x50)
check "i2c-stub loads (adapter ${stub:-?})" test -n "$stub"
add_clients "$stub" 0x50
check "iag_bench loads" insmod $KMOD/iag_bench.ko adapter="$stub" addr=0x50 reps=9 budget_ms=4000
cat >/tmp/policy.yaml <<P
mode: enforce
allow:
  - i2c: $stub-0050
    reason: the benchmark's own client
P
chmod 600 /tmp/policy.yaml
check "the policy resolves" $IAG policy check /tmp/policy.yaml
$IAG status >/tmp/status.txt 2>&1
cat /tmp/status.txt
res "machine nproc=$(nproc) kernel=$(uname -r) mem_kb=$(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo)"
res "machine cpu=\"$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1)\""
res "status tracepoints=\"$(sed -n 's/^tracepoints: *//p' /tmp/status.txt)\" hook=\"$(sed -n 's/^enforce hook: *//p' /tmp/status.txt)\""

# ---- helpers ----
# Run counts and run times of every BPF program: the proof that a
# configuration was attached for the whole loop it is measured in.
echo 1 >/proc/sys/kernel/bpf_stats_enabled
res "stats bpf_stats_enabled=$(cat /proc/sys/kernel/bpf_stats_enabled)"
objs() { $BU bpfobjs >"$1" 2>&1; }

# proof_of BEFORE AFTER WANT N: compares two `benchutil bpfobjs` snapshots
# taken around N transfers. WANT:
#   none   nothing attached: no BPF link in the system
#   each   the same programs and links before and after, and one program ran
#          exactly once per transfer
#   quiet  the same programs and links, and none of them ran (a path the
#          configuration does not hook)
#   counted  the same programs and links, and the tool itself counted COUNT
#          (the 5th argument) transfers: for loops run with bpf_stats off
# Prints "ok=0|1 transfers=N links=L hot=NAME runs=NAME:COUNT:NS_PER_RUN,... why=..."
proof_of() {
	awk -v want="$3" -v n="$4" -v c="${5:-}" '
	FNR == 1 { f++ }
	{ delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
	f == 1 && $1 == "prog" { bc[v["id"]] = v["run_cnt"]; bt[v["id"]] = v["run_time_ns"] }
	f == 1 && $1 == "link" { bl[v["id"]] = 1; nb++ }
	f == 2 && $1 == "prog" {
		# A syscall program (BPF_PROG_TYPE_SYSCALL, 31) runs only when its
		# loader calls bpf(BPF_PROG_TEST_RUN), never on a hook: audit loads
		# one the first time it names the addresses of a stack (ksyms_bpf.c).
		if (!(v["id"] in bc)) { if (v["type"] != 31) changed = "program " v["id"] " appeared"; next }
		np++; dc = v["run_cnt"] - bc[v["id"]]; dt = v["run_time_ns"] - bt[v["id"]]
		if (dc == n) hot = v["name"]
		if (dc) ran++
		runs = runs sep v["name"] ":" dc ":" (dc ? sprintf("%.0f", dt / dc) : 0); sep = ","
	}
	f == 2 && $1 == "link" { na++; if (!(v["id"] in bl)) changed = "link " v["id"] " appeared" }
	END {
		if (na != nb && !changed) changed = "links before " nb ", after " na
		ok = 0
		if (n <= 0) why = "no transfer count"
		else if (want == "none") { ok = na == 0; why = ok ? "no BPF link attached" : na " BPF links attached" }
		else if (changed) why = changed
		else if (!np || (!na && want != "each" && want != "counted")) why = "nothing attached"
		else if (want == "each") {
			# A tracepoint attached through a perf event (bpftrace) has no
			# BPF link: its run count is the whole proof.
			ok = hot != ""
			held = na ? "links held throughout; " : "programs held throughout (attached through perf events, no BPF link); "
			why = ok ? held hot " ran once per transfer" : "no program ran exactly " n " times"
		} else if (want == "counted") {
			runs = ""	# bpf_stats off: every run count is 0
			ok = c == n
			held = na ? "links held throughout; " : "programs held throughout (attached through perf events, no BPF link); "
			why = (ok ? held : "") "the tool counted " (c == "" ? "nothing" : c) " of " n " transfers (bpf_stats off)"
		} else {
			ok = !ran
			why = ok ? "links held throughout; no program ran on this path" : ran " programs ran"
		}
		gsub(/ /, "_", why)
		printf "ok=%d transfers=%d links=%d hot=%s runs=%s why=%s\n", ok, n, na, hot ? hot : "-", runs ? runs : "-", why
	}' "$1" "$2"
}

# Transfers a loop or suspend result line says it made.
xfers_of() { echo "$1" | tr ' ' '\n' | sed -n 's/^transfers=//p'; }

# loop NAME [WANT]: the in-kernel loop, ordinary transfers, with its proof
# (WANT as in proof_of; default each).
loop() {
	local r p
	objs /tmp/objs.before
	if echo 1 >$B/loop && r=$(cat $B/loop) && case $r in loop\ count=*) true ;; *) false ;; esac; then
		objs /tmp/objs.after
		res "xfer $1 $r"
		ok "per-transfer: $1"
		if [ "${2:-each}" = quiet ]; then
			p=$(quiet_proof "$(xfers_of "$r")")
		else
			p=$(proof_of /tmp/objs.before /tmp/objs.after "${2:-each}" "$(xfers_of "$r")")
		fi
		res "proof xfer $1 $p"
	else
		not_ok "per-transfer: $1" "$r"
	fi
}

# quiet_proof N: no program ran during the loop (objs.before -> objs.after),
# and the same links then count each atomic-context transfer of a short
# hard-IRQ storm (the canary): attached, and live, the whole time.
quiet_proof() {
	local p st sent c
	p=$(proof_of /tmp/objs.before /tmp/objs.after quiet "$1")
	echo "200 1" >$B/storm
	st=$(cat $B/storm)
	sent=$(echo "$st" | sed -n 's/.* sent=\([0-9]*\).*/\1/p')
	objs /tmp/objs.canary
	c=$(proof_of /tmp/objs.before /tmp/objs.canary each "${sent:-0}")
	case "$p $c" in
	ok=1*ok=1*) echo "$p" | sed "s/why=\(.*\)/why=\1;_canary:_$(echo "$c" | sed -n 's/.* hot=\([^ ]*\).*/\1/p')_ran_once_for_each_of_${sent}_atomic-context_transfers_after_the_loop/" ;;
	ok=1*) echo "$p" | sed "s/^ok=1/ok=0/; s/why=.*/why=canary_failed:_$(echo "$c" | sed -n 's/.*why=//p')/" ;;
	*) echo "$p" ;;
	esac
}

# bg_start ERRFILE MARKER CMD...: start CMD in the background, wait for
# MARKER on its stderr; BG_PID.
bg_start() {
	local err=$1 marker=$2
	shift 2
	# Emptied here, not by the child's redirection: else the marker of the
	# previous command in the same file could be found before the child
	# truncates it (a stale "attached" the proofs caught).
	: >"$err"
	"$@" >/dev/null 2>>"$err" &
	BG_PID=$!
	BG_CMD="$*"
	BG_ERR=$err
	wait_for "$err" "$marker" 600 || { cat "$err"; kill -INT $BG_PID 2>/dev/null; wait $BG_PID; return 1; }
}
# own_stop: what the stopped tool said its stop cost (IAG_STOP_TIMES), as
# own_loop_ms= (signal to the end of its read loop) own_queued= (records
# still queued, then written) own_drain_ms= own_passes= (over
# /proc/kallsyms) own_ksyms_ms= own_detach_ms=; nothing for other tools.
own_stop() {
	[ -n "${BG_ERR:-}" ] && sed -n \
		-e 's/.*stop: the read loop ended \([0-9.]*\) ms after the signal.*/own_loop_ms=\1/p' \
		-e 's/.*stop: \([0-9]*\) queued records written in \([0-9.]*\) ms; kallsyms: \([0-9]*\) passes, \([0-9.]*\) ms.*/own_queued=\1 own_drain_ms=\2 own_passes=\3 own_ksyms_ms=\4/p' \
		-e 's/.*stop: detach and unload \([0-9.]*\) ms.*/own_detach_ms=\1/p' "$BG_ERR" | tr '\n' ' '
}
# bg_stop: SIGINT, and the time it takes to end (it must be under 1 s);
# at most 20 s (then SIGKILL, noted): one stuck tool must not stall the
# whole benchmark.
bg_stop() {
	local s
	s=$($BU stop "$BG_PID" 20000)
	res "stop $(echo "$s" | sed 's/^stop //') $(own_stop) cmd=\"$BG_CMD\""
	case $s in
	*ended=1*) ;;
	*)
		res "stuck cmd=\"$(tr '\0' ' ' </proc/$BG_PID/cmdline)\" state=$(sed -n 's/^State:\t//p' /proc/$BG_PID/status | tr ' ' _) wchan=$(cat /proc/$BG_PID/wchan 2>/dev/null)"
		cat /proc/$BG_PID/stack 2>/dev/null
		kill -KILL "$BG_PID" 2>/dev/null
		sleep 1
		kill -0 "$BG_PID" 2>/dev/null && return 1
		;;
	esac
	wait "$BG_PID"
}

# with NAME MARKER WANT CMD...: the loop while CMD is attached.
with() {
	local name=$1 marker=$2 want=$3
	shift 3
	if bg_start /tmp/bg.err "$marker" "$@"; then
		loop "$name" "$want"
		# What the verifier went through for this configuration (start-up).
		[ "$r" = 1 ] && res "verifier $name $(awk '$1 == "prog" { n++; for (i = 2; i <= NF; i++) if ($i ~ /^verified_insns=/) { split($i, v, "="); s += v[2] } }
			END { printf "progs=%d verified_insns=%d", n, s }' /tmp/objs.after)"
		bg_stop
		grep -h "summary" /tmp/bg.out 2>/dev/null | tail -1
	else
		not_ok "per-transfer: $name" "$(cat /tmp/bg.err)"
	fi
}

# Events the ftrace ring buffer took since it was cleared (kept + overwritten).
ftrace_written() {
	cat $TR/per_cpu/cpu*/stats | awk '$1 == "entries:" || $1 == "overrun:" { t += $2 } END { print t + 0 }'
}
# The smbus events' proof: the ring buffer took the same whole number of
# events for every transfer of the loop (no BPF program is involved).
ftrace_smbus() {
	local r n w
	trace_on 'smbus:*'
	if echo 1 >$B/loop && r=$(cat $B/loop) && case $r in loop\ count=*) true ;; *) false ;; esac; then
		w=$(ftrace_written)
		n=$(xfers_of "$r")
		res "xfer ftrace_smbus $r"
		ok "per-transfer: ftrace_smbus"
		res "proof xfer ftrace_smbus $(awk -v w="$w" -v n="$n" 'BEGIN {
			ok = n > 0 && w > 0 && w % n == 0
			printf "ok=%d transfers=%d links=0 hot=smbus:* runs=- why=%s\n", ok, n,
				ok ? "ring_buffer_took_" w "_events,_" w / n "_per_transfer" :
				     "ring_buffer_took_" w "_events_for_" n "_transfers" }')"
	else
		not_ok "per-transfer: ftrace_smbus" "$r"
	fi
	trace_reset
}

BPFTRACE_OK=0
if [ -x /bin/bpftrace ]; then
	if timeout 120 /bin/bpftrace -e 'BEGIN { printf("ready\n"); exit(); }' >/tmp/bt.out 2>&1; then
		BPFTRACE_OK=1
	fi
	res "bpftrace runs=$BPFTRACE_OK output=\"$(head -c 300 /tmp/bt.out | tr '\n"' ' _')\""
else
	res "bpftrace runs=0 output=\"not in the initramfs\""
fi
# bt_start SCRIPT NAME: bpftrace running SCRIPT in the background, waiting
# until its BEGIN probe prints; its output (and the maps it prints at exit)
# go to /tmp/bt.run. BG_PID, for bg_stop.
bt_start() {
	: >/tmp/bt.run	# as in bg_start: no stale marker
	/bin/bpftrace -e "$1 BEGIN { printf(\"bpftrace ready\\n\"); }" >>/tmp/bt.run 2>&1 &
	BG_PID=$!
	BG_CMD="bpftrace $2"
	BG_ERR=
	wait_for /tmp/bt.run "bpftrace ready" 1200 ||
		{ kill -INT $BG_PID 2>/dev/null; wait $BG_PID; return 1; }
}
bpftrace_loop() {
	if [ "$BPFTRACE_OK" != 1 ]; then
		skip "per-transfer: bpftrace" "bpftrace cannot run in the VM"
	elif bt_start 'kfunc:__i2c_smbus_xfer { @n = count(); }' "kfunc one-liner"; then
		loop bpftrace
		bg_stop
	else
		not_ok "per-transfer: bpftrace" "$(cat /tmp/bt.run)"
	fi
}

# ---- per-transfer cost, ordinary transfers (rounds interleaved) ----
r=1
while [ $r -le "$ROUNDS" ]; do
	loop none none
	with floor_fentry "attached" each /bin/floor fentry
	with floor_kprobe "attached" each /bin/floor kprobe
	# What the stock fallback's shapes cost before any work is done.
	with floor_fexit "attached" each /bin/floor fexit
	with floor_kp_fentry "attached" each /bin/floor kprobe+fentry
	# The kprobe with the transfer's end from a stock tracepoint, not an fexit.
	with floor_kp_tp "attached" each /bin/floor kprobe+tp
	with audit "attached" quiet $IAG audit --json --output /tmp/bg.out
	grep -q "mode tracepoint" /tmp/bg.err || diag "audit did not use tracepoint mode: $(cat /tmp/bg.err)"
	with audit_kprobe "attached" each $IAG audit --json --output /tmp/bg.out --mode kprobe
	ftrace_smbus
	bpftrace_loop
	r=$((r + 1))
done

# ---- start-up: exec to "attached" ----
startup() {
	local name=$1
	shift
	local runs=$1
	shift
	if $BU startup "$runs" "$@" >/tmp/startup.out 2>&1; then
		res "startup $name $(tail -1 /tmp/startup.out)"
		ok "start-up: $name"
	else
		not_ok "start-up: $name" "$(cat /tmp/startup.out)"
	fi
}
startup audit 5 "audit: attached" -- $IAG audit --output /dev/null
startup audit_kprobe 5 "audit: attached" -- $IAG audit --output /dev/null --mode kprobe
startup floor_fentry 5 "floor: attached" -- /bin/floor fentry
if [ "$BPFTRACE_OK" = 1 ]; then
	startup bpftrace 3 "bpftrace ready" -- /bin/bpftrace -e 'kfunc:__i2c_smbus_xfer { @n = count(); } BEGIN { printf("bpftrace ready\n"); }'
else
	skip "start-up: bpftrace" "bpftrace cannot run in the VM"
fi
# Where audit's start-up goes: its -v phases (probe, load with the
# verifier, allowlist and attach) inside the same exec-to-attached run, and
# what an exec of the command alone costs.
for m in tracepoint kprobe; do
	BENCHUTIL_ECHO=1 $BU startup 1 "audit: attached" -- $IAG -v audit --output /dev/null --mode $m >/tmp/phases.out 2>&1
	res "startup_phases $m total=$(sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' /tmp/phases.out) $(sed -n 's/.*start-up: //p' /tmp/phases.out | sed 's/ ms//g; s/, /,/g; s/allowlist and attach/attach/; s/ /=/g; s/,/ /g') stop=$(sed -n 's/.*stop_max_ms=\([0-9.]*\).*/\1/p' /tmp/phases.out) detach=$(sed -n 's/.*stop: detach and unload \([0-9.]*\) ms.*/\1/p' /tmp/phases.out)"
done
$BU startup 5 "i2c-atomic-guard" -- $IAG --version >/tmp/phases.out 2>&1
res "startup_phases exec_only $(tail -1 /tmp/phases.out | sed 's/^startup //')"

# ---- memory: every BPF map in the system with a 100-key policy ----
# 100 driverless clients on the stub (0x08 up, 0x50 is already there), one
# `i2c:` rule each: one allowlist key each.
pol100() {
	local a=8 n=0 x
	echo "mode: audit"
	echo "allow:"
	while [ $n -lt 100 ]; do
		x=$(printf '%02x' $a)
		a=$((a + 1))
		[ "$x" = 50 ] && continue
		echo "iag-plain 0x$x" >/sys/bus/i2c/devices/i2c-$stub/new_device 2>/dev/null
		echo "  - i2c: $stub-00$x"
		n=$((n + 1))
	done
}
pol100 >/tmp/policy100.yaml
chmod 600 /tmp/policy100.yaml
if bg_start /tmp/bg.err "attached" $IAG audit --output /dev/null --policy /tmp/policy100.yaml; then
	objs /tmp/objs.policy
	bg_stop
	awk '$1 == "map" { print "memory policy_map " substr($0, 5) }' /tmp/objs.policy | while read -r l; do res "$l"; done
	res "memory policy clients=100 $(awk '$1 == "map" { delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n++; m += v["memlock"]; if (v["name"] == "iag_allow") k = v["entries"] }
		END { printf "keys=%d maps=%d map_memlock_kb=%.0f", k, n, m / 1024 }' /tmp/objs.policy)"
	ok "memory: 100-key policy"
else
	not_ok "memory: 100-key policy" "$(cat /tmp/bg.err)"
fi
# The same with the smallest ring buffer (4 KiB): what the rest of the maps take.
if bg_start /tmp/bg.err "attached" $IAG audit --output /dev/null --policy /tmp/policy100.yaml --ringbuf-kb 4; then
	objs /tmp/objs.policy4
	bg_stop
	res "memory policy_rb4 $(awk '$1 == "map" { delete v; for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		n++; m += v["memlock"] } END { printf "maps=%d map_memlock_kb=%.0f", n, m / 1024 }' /tmp/objs.policy4)"
fi

# ---- atomic mode: the loop in a syscore suspend callback ----
# atomic NAME [CMD...]: one pm_test=core suspend with CMD attached.
# atomic NAME --bpftrace SCRIPT LABEL: the same with bpftrace running SCRIPT;
# the counts of the maps it prints at exit are added up (counted=, keys=).
atomic() {
	local name=$1 r want=none bt=0 counted= seen=
	shift
	if [ "${1:-}" = --bpftrace ]; then
		bt=1 want=counted
		if [ "$BPFTRACE_OK" != 1 ]; then
			skip "atomic mode: $name" "bpftrace cannot run in the VM"
			return
		elif ! bt_start "$2" "$3"; then
			not_ok "atomic mode: $name" "$(cat /tmp/bt.run)"
			return
		fi
	elif [ $# -gt 0 ]; then
		want=counted
		if ! bg_start /tmp/bg.err "attached" "$@"; then
			not_ok "atomic mode: $name" "$(cat /tmp/bg.err)"
			return
		fi
	fi
	objs /tmp/objs.before
	echo 1 >$B/suspend
	suspend_core
	r=$(cat $B/suspend)
	objs /tmp/objs.after
	[ $want = counted ] && bg_stop
	summary=$(grep -h '"summary"' /tmp/bg.out 2>/dev/null | tail -1 | sed 's/": /":/g; s/, /,/g')
	seen=$(echo "$summary" | sed -n 's/.*"seen":\([0-9]*\).*/\1/p')
	[ -n "$seen" ] || seen=$(sed -n 's/^floor: counted=\([0-9]*\)$/\1/p' /tmp/bg.err 2>/dev/null)
	if [ $bt = 1 ]; then
		counted=" $(awk '/^\]: [0-9]+$/ { s += $2; k++ } END { printf "counted=%d keys=%d", s, k }' /tmp/bt.run)"
		seen=$(echo "$counted" | sed -n 's/.*counted=\([0-9]*\).*/\1/p')
	fi
	res "proof atomic $name $(proof_of /tmp/objs.before /tmp/objs.after "$want" "$(xfers_of "$r")" "$seen")"
	rm -f /tmp/bg.out
	case $r in
	suspend\ count=*)
		res "atomic $name $r dropped=$(echo "$summary" | sed -n 's/.*"dropped":\([0-9]*\).*/\1/p')$counted"
		ok "atomic mode: $name"
		;;
	*) not_ok "atomic mode: $name" "$r" ;;
	esac
}
# One pass over every configuration; run ROUNDS times, interleaved, as the
# per-transfer loops are: the same configuration measured twice in one boot
# differed by up to 1.8 times (host load, a cold translation cache), and a
# ratio of two single suspends took that noise as its figure.
atomic_pass() {
	atomic none
	# Programs on both atomic-mode events that do nothing but count: the
	# floor of any tool that watches them.
	atomic floor_atomic_pair /bin/floor atomic-tp
	atomic audit_allowed $IAG audit --json --output /tmp/bg.out --policy /tmp/policy.yaml
	atomic audit_violations $IAG audit --json --output /tmp/bg.out
	# What the stack walk costs of a violation: 4 frames instead of 16.
	atomic audit_violations_d4 $IAG audit --json --output /tmp/bg.out --stack-depth 4
	atomic audit_kprobe_allowed $IAG audit --json --output /tmp/bg.out \
		--policy /tmp/policy.yaml --mode kprobe
	atomic enforce_allowed $IAG enforce --json --output /tmp/bg.out --policy /tmp/policy.yaml
	# bpftrace doing audit's job (issue 13, side by side): every atomic-mode
	# SMBus transfer counted by adapter, address and kernel stack, in the
	# kernel (a stack map, and a hash it prints at exit). With no policy each
	# of these is one of audit_violations' violations.
	atomic bpftrace_violations --bpftrace \
		'tracepoint:i2c_atomic:i2c_atomic_smbus_xfer { @[args->adapter_nr, args->addr, kstack] = count(); }' \
		"count by device and stack"
}
# A first suspend with the loop, not measured: the first one of a boot ran
# its code cold.
echo 1 >$B/suspend && suspend_core && cat $B/suspend >/dev/null
# Measured against nothing attached, with bpf_stats off: its two clock reads
# around every program run are the benchmark's, not the tool's (in one boot,
# 150 to 500 ns of an allowed transfer). The proof is then each tool's own
# count of the transfers (audit's and enforce's summary, bpftrace's map).
echo 0 >/proc/sys/kernel/bpf_stats_enabled
res "stats atomic_bpf_stats_enabled=$(cat /proc/sys/kernel/bpf_stats_enabled)"
for pass in $(seq "$ROUNDS"); do
	atomic_pass
done
echo 1 >/proc/sys/kernel/bpf_stats_enabled

# ---- event throughput: atomic-context violations from a hard-IRQ hrtimer ----
# storm KIND RATE [AUDIT ARGS...]: RATE violations/s for SECS s while
# `audit --output FIFO ARGS` runs; delivered = events the records read from
# the FIFO stand for (a record of repeats stands for its count), records =
# the records themselves.
mkfifo /tmp/ev.fifo
MEM_DONE=0
storm() {
	local kind=$1 rate=$2 st delivered records summary dropped sent
	shift 2
	$BU sink atomic_context_xfer </tmp/ev.fifo >/tmp/sink.out &
	sink=$!
	if ! bg_start /tmp/storm.err "attached" $IAG audit --output /tmp/ev.fifo "$@"; then
		not_ok "$kind $rate/s" "$(cat /tmp/storm.err)"
		kill $sink 2>/dev/null
		return
	fi
	[ "$MEM_DONE" = 0 ] && $BU bpfmem $BG_PID >/tmp/mem.idle
	# The tool's RSS, sampled while the storm runs.
	touch /tmp/storm.on
	(while [ -e /tmp/storm.on ]; do
		sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$BG_PID/status 2>/dev/null
		sleep 0.2
	done) >/tmp/rss.samples &
	echo "$rate $SECS" >$B/storm
	st=$(cat $B/storm)
	rm -f /tmp/storm.on
	wait $!
	# Let the tool catch up with what is queued, then read its memory.
	sleep 1
	if [ "$rate" -ge 10000 ] && [ "$MEM_DONE" = 0 ]; then
		$BU bpfmem $BG_PID >/tmp/mem.busy
		MEM_DONE=1
		res "memory idle $(tr '\n' ' ' </tmp/mem.idle)"
		res "memory after_${rate} $(tr '\n' ' ' </tmp/mem.busy) storm_rss_max_kb=$(sort -n /tmp/rss.samples | tail -1) storm_rss_samples=$(wc -l </tmp/rss.samples)"
	fi
	bg_stop
	wait $sink
	delivered=$(sed -n 's/^count=\([0-9]*\).*/\1/p' /tmp/sink.out)
	records=$(sed -n 's/^count=.* records=\([0-9]*\).*/\1/p' /tmp/sink.out)
	summary=$(sed -n 2p /tmp/sink.out | sed 's/": /":/g; s/, /,/g')
	echo "$summary"
	# JSON ("dropped":N) or the text summary (dropped N).
	dropped=$(echo "$summary" | sed -n 's/.*"dropped":\([0-9]*\).*/\1/p; s/.* dropped \([0-9]*\).*/\1/p' | head -1)
	sent=$(echo "$st" | sed -n 's/.* sent=\([0-9]*\).*/\1/p')
	res "$kind rate=$rate $st delivered=${delivered:-?} records=${records:-?} keys=$(echo "$summary" | sed -n 's/.*"aggregate_keys":\([0-9]*\).*/\1/p') dropped=${dropped:-?} args=\"$*\""
	if [ -n "$sent" ] && [ -n "$delivered" ] && [ -n "$dropped" ] &&
		[ $((delivered + dropped)) = "$sent" ]; then
		ok "$kind $rate/s $*: delivered + dropped == sent ($delivered + $dropped = $sent)"
	else
		not_ok "$kind $rate/s $*: delivered + dropped == sent" "$st / delivered=$delivered dropped=$dropped / $summary"
	fi
}
for rate in $RATES; do
	storm throughput "$rate" --json
done
# Where a consumer's time goes, at 10,000/s: the text table (no device
# lookups), and JSON without stacks (no symbolization).
storm diag 10000
storm diag 10000 --json --stack-depth 0
# The consumer's own speed: a record per event (no aggregation in the
# kernel), as many as the tool can read.
storm consumer 50000 --json --no-aggregate
# The same without stacks: the encoder's own speed, no kallsyms lookups.
storm diag 50000 --json --no-aggregate --stack-depth 0
$BU readtime /proc/kallsyms /sys/kernel/tracing/available_filter_functions /sys/kernel/btf/vmlinux >/tmp/readtime.out
while read -r l; do res "$l"; done </tmp/readtime.out

res "end"
