# SPDX-License-Identifier: GPL-2.0-only
# In-flight state belongs to a task and a context, not to a CPU (issue 11,
# item 4). A process-context transfer under a spinlock (not preemptible:
# watched, a pending record) is held in flight by the iag_slow adapter while
# a second transfer, to an unauthorized device on i2c-stub, starts on the
# same CPU:
#  - irq:  from a hard-IRQ hrtimer pinned to that CPU;
#  - task: from the same task, on an adapter that is not an ancestor of the
#          slow one (so not a nested level of the same logical transfer).
# Each must be its own record; the outer record's adapter path must stay
# [slow]. Before the per-task/context state, kprobe mode folded the second
# transfer into the pending record as a "nested level" (lost, its adapter
# appended to the path). Tracepoint mode opens a pending record only in
# atomic mode (system_state above RUNNING), where this VM runs with
# interrupts off: there only the irq case is run, and both transfers are
# single context events (a check, not a fail-before test).
# group: tool
# timeout: 360
# allow-kernel: (sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched)|BUG: scheduling while atomic)
. /lib/iag/lib.sh
plan 15

stub=$(load_stub 0x50) || { not_ok "i2c-stub loads"; exit 1; }
insmod $KMOD/iag_slow.ko inner_adapter="$stub" inner_addr=0x50 ||
	{ not_ok "iag_slow loads"; exit 1; }
slow=$(cat /sys/kernel/debug/iag_slow/adapter)
diag "slow adapter i2c-$slow, inner transfers to i2c-$stub 0x50"

# one MODE INNER: one audit session around one slow transfer.
one() {
	local mode=$1 inner=$2 out=/tmp/inflight-$1-$2.jsonl d irq
	audit_start $out --mode $mode || { not_ok "$mode/$inner: audit attaches"; return; }
	ok "$mode/$inner: audit attaches"
	dmesg_mark
	echo $inner >/sys/kernel/debug/iag_slow/run
	d=$(dmesg_since | grep "iag_slow: run=$inner ")
	sleep 0.5
	audit_stop
	cat $out
	echo "$d"
	irq=0
	[ $inner = irq ] && irq=1
	# The interleaving this test is about, as the module saw it.
	check_eq "$mode/$inner: the inner transfer ran while the outer was in flight, same CPU" 1 \
		"$(echo "$d" | grep -c "outer_adapter=$slow outer_ret=0 inner_adapter=$stub inner_addr=0x50 inner_ret=0 inner_ran=1 in_flight=1 same_cpu=1 inner_irq=$irq")"
	check_eq "$mode/$inner: the outer transfer is one record, adapter path [$slow]" 1 \
		"$(jcount $out '"kind":"atomic_context_xfer"' '"verdict":"violation"' "\"adapter\":$slow," '"addr":16,' "\"adapter_path\":[$slow]")"
	if [ $inner = irq ]; then
		check_eq "$mode/$inner: the hard-IRQ transfer is its own record (i2c-$stub 0x50, interrupts off)" 1 \
			"$(jcount $out '"kind":"atomic_context_xfer"' '"verdict":"violation"' "\"adapter\":$stub," '"addr":80,' '"irqs_disabled":true')"
	else
		check_eq "$mode/$inner: the non-ancestor transfer is its own record (i2c-$stub 0x50)" 1 \
			"$(jcount $out '"verdict":"violation"' "\"adapter\":$stub," '"addr":80,')"
	fi
	check_eq "$mode/$inner: two records, nothing else" 2 "$(jcount $out '"verdict":')"
}

one kprobe irq
one kprobe task
one tracepoint irq
