# SPDX-License-Identifier: GPL-2.0-only
# Helpers for VM scenarios (busybox sh, inside the guest). Sourced by each
# scenario script. Results are KTAP lines written to the results port (the
# second serial port /dev/ttyS1 on x86, a virtio serial port on arm64; /init
# sets RESULTS), which only userspace writes to: a kernel message cannot
# fake a result. Diagnostics go to the console (ttyS0) as usual.

RESULTS=${RESULTS:-/dev/ttyS1}
IAG=/bin/i2c-atomic-guard
KMOD=/lib/modules/iag
_n=0

out() { echo "$*" >>"$RESULTS"; }
diag() { echo "# $*" | tee -a "$RESULTS"; }

# plan N: the number of results this scenario will produce.
plan() { out "KTAP version 1"; out "1..$1"; }

ok() { _n=$((_n + 1)); out "ok $_n $1"; echo "iag-result: ok $1"; }
not_ok() {
	_n=$((_n + 1))
	out "not ok $_n $1"
	[ -n "${2:-}" ] && echo "$2" | sed 's/^/# /' | head -40 >>"$RESULTS"
	echo "iag-result: not ok $1 ${2:-}"
}
skip() { _n=$((_n + 1)); out "ok $_n $1 # SKIP $2"; }

# skip_all REASON: SKIP every step of $steps ("first|second|..."), in plan
# order, with REASON, and end the scenario. The kernel log gets
# "$skip_tag: SKIP REASON" too, for a host half to read.
skip_all() {
	echo "${skip_tag:-iag-scenario}: SKIP $1" >/dev/kmsg
	echo "$steps" | tr '|' '\n' | while read -r s; do skip "$s" "$1"; done
	exit 0
}

# check DESC CMD...: ok if CMD succeeds.
check() {
	local d=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then ok "$d"; else not_ok "$d" "$(tail -20 /tmp/check.out)"; fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected '$2', got '$3'"; fi
}

# adapter_nr NAME-PREFIX: number of the first adapter whose name starts so.
adapter_nr() {
	local a
	for a in /sys/bus/i2c/devices/i2c-*; do
		case $(cat "$a/name") in "$1"*) echo "${a##*/i2c-}"; return 0 ;; esac
	done
	return 1
}

# load_stub [CHIP_ADDRS]: insmod i2c-stub; prints its adapter number. On a
# kernel built without i2c-stub (Debian arm64) the test's own equivalent,
# iag_stub (no atomic callback either), stands in.
load_stub() {
	if [ -f "$KMOD/i2c-stub.ko" ] || [ ! -f "$KMOD/iag_stub.ko" ]; then
		insmod "$KMOD/i2c-stub.ko" chip_addr="${1:-0x50,0x51,0x52,0x70}" || return 1
		adapter_nr "SMBus stub driver"
	else
		insmod "$KMOD/iag_stub.ko" chip_addr="${1:-0x50,0x51,0x52,0x70}" || return 1
		adapter_nr "SMBus iag stub"
	fi
}

# load_iag_test ARGS: insmod the test module (after i2c-mux, where the
# kernel has it as a module: distribution kernels).
load_iag_test() {
	if [ -f "$KMOD/i2c-mux.ko" ] && [ ! -d /sys/module/i2c_mux ]; then
		insmod "$KMOD/i2c-mux.ko" || return 1
	fi
	insmod "$KMOD/iag_test.ko" "$@"
}

# topo KEY: a value from the test module's topology file.
topo() { sed -n "s/^$1=//p" /sys/kernel/debug/iag_test/topology; }

# dmesg_mark: remember where the kernel log is; dmesg_since: what came after.
dmesg_mark() {
	_mark="iag-mark-$$-$(cat /proc/uptime | tr -d ' .')"
	echo "$_mark" >/dev/kmsg
}
dmesg_since() { dmesg | sed -n "/$_mark/,\$p"; }

# suspend_core: one pm_test=core suspend/resume cycle: syscore callbacks run
# in atomic mode with system_state SUSPEND, and the machine comes back.
suspend_core() {
	echo 0 >/sys/module/suspend/parameters/pm_test_delay 2>/dev/null
	echo core >/sys/power/pm_test
	echo mem >/sys/power/state
}

# wait_for FILE PATTERN [TENTHS]: poll a file until a line matches.
wait_for() {
	local i=0
	while [ $i -lt "${3:-100}" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# tracing helpers (ftrace only, no BPF)
TR=/sys/kernel/tracing
trace_reset() { echo 0 >$TR/tracing_on; echo >$TR/trace; echo >$TR/set_event; }
trace_on() { trace_reset; for e in "$@"; do echo "$e" >>$TR/set_event; done; echo 1 >$TR/tracing_on; }
trace_dump() { echo 0 >$TR/tracing_on; cat $TR/trace | grep -v '^#'; }

# jcount FILE PATTERN...: events in the JSON Lines of FILE that contain
# every PATTERN, written compactly ("key":value, no spaces after ':' or
# ','). A record stands for one event, a record of repeats (counted in the
# kernel's aggregates map) for its "count"; jrecords counts lines only.
jcount() {
	jlines "$@" | awk 'NF {
		if (match($0, /[{,]"count":[0-9]+/)) {
			s = substr($0, RSTART, RLENGTH); sub(/.*:/, "", s); n += s
		} else n++
	} END { print n + 0 }'
}
jrecords() { jlines "$@" | grep -c .; }
jlines() {
	local f=$1 out p
	shift
	out=$(sed 's/": /":/g; s/, /,/g' "$f" 2>/dev/null)
	for p in "$@"; do out=$(echo "$out" | grep -F -- "$p"); done
	echo "$out"
}

# jfield FILE KEY: the value of KEY in the summary record of FILE.
jsummary() { sed 's/": /":/g; s/, /,/g' "$1" | grep -F '"kind":"summary"' | tail -1 | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }

# audit_start OUT ARGS...: run `audit --json --output OUT ARGS` in the
# background and wait until it says it is attached: at most 60 s of guest
# time (counted on the clock: polls are slow under a loaded TCG), less if it
# exits first (a failed load is reported at once).
audit_start() {
	local out=$1 until
	shift
	$IAG audit --json --output "$out" "$@" 2>/tmp/audit.err &
	AUDIT_PID=$!
	until=$(($(cut -d. -f1 /proc/uptime) + 60))
	while ! grep -q "attached" /tmp/audit.err 2>/dev/null; do
		if [ "$(cut -d. -f1 /proc/uptime)" -ge "$until" ] || ! kill -0 "$AUDIT_PID" 2>/dev/null; then
			grep -q "attached" /tmp/audit.err 2>/dev/null && return 0
			kill -KILL "$AUDIT_PID" 2>/dev/null
			cat /tmp/audit.err
			return 1
		fi
		sleep 0.1
	done
}
# audit_stop: SIGINT, wait; AUDIT_RC is its exit code.
audit_stop() {
	kill -INT "$AUDIT_PID" 2>/dev/null
	wait "$AUDIT_PID"
	AUDIT_RC=$?
	cat /tmp/audit.err
}

# topology_setup: i2c-stub with the chips the topology needs, the test
# module with the mux topology on it; sets STUB CH0 CH1 C_ROOT C_CH0 C_CH1.
topology_setup() {
	STUB=$(load_stub 0x50,0x51,0x52,0x53,0x70) || return 1
	load_iag_test topology_adapter="$STUB" noatomic_adapter=1 "$@" || return 1
	CH0=$(topo chan0) CH1=$(topo chan1) NOAT=$(topo noatomic)
	C_ROOT=$(topo root_client) C_CH0=$(topo chan0_client) C_CH1=$(topo chan1_client)
	diag "topology: stub=i2c-$STUB chan0=i2c-$CH0 chan1=i2c-$CH1 clients $C_ROOT $C_CH0 $C_CH1 consumer $(topo consumer)"
}

# add_clients ADAPTER ADDR...: instantiate "iag-plain" clients (no driver),
# so that transfers to these addresses have a struct device behind them.
add_clients() {
	local a=$1 x
	shift
	for x in "$@"; do echo "iag-plain $x" >/sys/bus/i2c/devices/i2c-$a/new_device || return 1; done
}
