# SPDX-License-Identifier: GPL-2.0-only
# The benchmark, inside the VM (booted by tests/bench/run.sh with
# tests/vm/run-vm.sh --script; NOT a `make check` scenario). One boot, all
# measurements, each printed on the results port as
#   # bench KIND NAME key=value ...
# which run.sh turns into tests/bench/RESULTS.md. KTAP results only say
# whether each step ran; the figures are judged on the host.
#
# Set by run.sh on the kernel command line (iag_bench_*), with defaults:
#   rounds   interleaved passes over all per-transfer configurations
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
plan $((3 + ROUNDS * 7 + 5 + nrates + 2 + 4))

res() { out "# bench $*"; echo "bench: $*"; }

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
# loop NAME: the in-kernel loop, ordinary transfers.
loop() {
	local r
	if echo 1 >$B/loop && r=$(cat $B/loop) && case $r in loop\ count=*) true ;; *) false ;; esac; then
		res "xfer $1 $r"
		ok "per-transfer: $1"
	else
		not_ok "per-transfer: $1" "$r"
	fi
}

# bg_start ERRFILE MARKER CMD...: start CMD in the background, wait for
# MARKER on its stderr; BG_PID.
bg_start() {
	local err=$1 marker=$2
	shift 2
	"$@" >/dev/null 2>"$err" &
	BG_PID=$!
	wait_for "$err" "$marker" 600 || { cat "$err"; kill -INT $BG_PID 2>/dev/null; wait $BG_PID; return 1; }
}
# bg_stop: SIGINT, and at most 20 s for it to end (then SIGKILL, noted):
# one stuck tool must not stall the whole benchmark.
bg_stop() {
	local i=0
	kill -INT "$BG_PID" 2>/dev/null
	while kill -0 "$BG_PID" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$BG_PID" 2>/dev/null; then
		res "stuck cmd=\"$(tr '\0' ' ' </proc/$BG_PID/cmdline)\" state=$(sed -n 's/^State:\t//p' /proc/$BG_PID/status | tr ' ' _) wchan=$(cat /proc/$BG_PID/wchan 2>/dev/null)"
		cat /proc/$BG_PID/stack 2>/dev/null
		kill -KILL "$BG_PID" 2>/dev/null
		sleep 1
		kill -0 "$BG_PID" 2>/dev/null && return 1
	fi
	wait "$BG_PID"
}

# with NAME MARKER CMD...: the loop while CMD is attached.
with() {
	local name=$1 marker=$2
	shift 2
	if bg_start /tmp/bg.err "$marker" "$@"; then
		loop "$name"
		bg_stop
		grep -h "summary" /tmp/bg.out 2>/dev/null | tail -1
	else
		not_ok "per-transfer: $name" "$(cat /tmp/bg.err)"
	fi
}

ftrace_smbus() {
	trace_on 'smbus:*'
	loop ftrace_smbus
	res "ftrace entries=$(grep -c smbus_ $TR/trace 2>/dev/null) (ring buffer, overwriting)"
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
bpftrace_loop() {
	if [ "$BPFTRACE_OK" = 1 ]; then
		/bin/bpftrace -e 'kfunc:__i2c_smbus_xfer { @n = count(); } BEGIN { printf("bpftrace ready\n"); }' >/tmp/bt.run 2>&1 &
		BG_PID=$!
		if wait_for /tmp/bt.run "bpftrace ready" 1200; then
			loop bpftrace
		else
			not_ok "per-transfer: bpftrace" "$(cat /tmp/bt.run)"
		fi
		bg_stop
	else
		skip "per-transfer: bpftrace" "bpftrace cannot run in the VM"
	fi
}

# ---- per-transfer cost, ordinary transfers (rounds interleaved) ----
r=1
while [ $r -le "$ROUNDS" ]; do
	loop none
	with floor_fentry "attached" /bin/floor fentry
	with floor_kprobe "attached" /bin/floor kprobe
	with audit "attached" $IAG audit --json --output /tmp/bg.out
	grep -q "mode tracepoint" /tmp/bg.err || diag "audit did not use tracepoint mode: $(cat /tmp/bg.err)"
	with audit_kprobe "attached" $IAG audit --json --output /tmp/bg.out --mode kprobe
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
# ---- atomic mode: the loop in a syscore suspend callback ----
# atomic NAME [CMD...]: one pm_test=core suspend with CMD attached.
atomic() {
	local name=$1 r
	shift
	if [ $# -gt 0 ]; then
		if ! bg_start /tmp/bg.err "attached" "$@"; then
			not_ok "atomic mode: $name" "$(cat /tmp/bg.err)"
			return
		fi
	fi
	echo 1 >$B/suspend
	suspend_core
	r=$(cat $B/suspend)
	[ $# -gt 0 ] && bg_stop
	summary=$(grep -h '"summary"' /tmp/bg.out 2>/dev/null | tail -1 | sed 's/": /":/g; s/, /,/g')
	rm -f /tmp/bg.out
	case $r in
	suspend\ count=*)
		res "atomic $name $r dropped=$(echo "$summary" | sed -n 's/.*"dropped":\([0-9]*\).*/\1/p')"
		ok "atomic mode: $name"
		;;
	*) not_ok "atomic mode: $name" "$r" ;;
	esac
}
atomic none
atomic audit_allowed $IAG audit --json --output /tmp/bg.out --policy /tmp/policy.yaml
atomic audit_violations $IAG audit --json --output /tmp/bg.out
atomic audit_kprobe_allowed $IAG audit --json --output /tmp/bg.out --policy /tmp/policy.yaml --mode kprobe
atomic enforce_allowed $IAG enforce --json --policy /tmp/policy.yaml
# (enforce writes records on stdout; bg_start sends stdout to /dev/null)

# ---- event throughput: atomic-context violations from a hard-IRQ hrtimer ----
# storm KIND RATE [AUDIT ARGS...]: RATE violations/s for SECS s while
# `audit --output FIFO ARGS` runs; delivered = records read from the FIFO.
mkfifo /tmp/ev.fifo
MEM_DONE=0
storm() {
	local kind=$1 rate=$2 st delivered summary dropped sent
	shift 2
	$BU sink atomic_context_xfer </tmp/ev.fifo >/tmp/sink.out &
	sink=$!
	if ! bg_start /tmp/storm.err "attached" $IAG audit --output /tmp/ev.fifo "$@"; then
		not_ok "$kind $rate/s" "$(cat /tmp/storm.err)"
		kill $sink 2>/dev/null
		return
	fi
	[ "$MEM_DONE" = 0 ] && $BU bpfmem $BG_PID >/tmp/mem.idle
	echo "$rate $SECS" >$B/storm
	st=$(cat $B/storm)
	# Let the tool catch up with what is queued, then read its memory.
	sleep 1
	if [ "$rate" -ge 10000 ] && [ "$MEM_DONE" = 0 ]; then
		$BU bpfmem $BG_PID >/tmp/mem.busy
		MEM_DONE=1
		res "memory idle $(tr '\n' ' ' </tmp/mem.idle)"
		res "memory after_${rate} $(tr '\n' ' ' </tmp/mem.busy)"
	fi
	bg_stop
	wait $sink
	delivered=$(sed -n 's/^count=//p' /tmp/sink.out)
	summary=$(sed -n 2p /tmp/sink.out | sed 's/": /":/g; s/, /,/g')
	echo "$summary"
	# JSON ("dropped":N) or the text summary (dropped N).
	dropped=$(echo "$summary" | sed -n 's/.*"dropped":\([0-9]*\).*/\1/p; s/.* dropped \([0-9]*\).*/\1/p' | head -1)
	sent=$(echo "$st" | sed -n 's/.* sent=\([0-9]*\).*/\1/p')
	res "$kind rate=$rate $st delivered=${delivered:-?} dropped=${dropped:-?} args=\"$*\""
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
$BU readtime /proc/kallsyms /sys/kernel/tracing/available_filter_functions /sys/kernel/btf/vmlinux >/tmp/readtime.out
while read -r l; do res "$l"; done </tmp/readtime.out

res "end"
