# SPDX-License-Identifier: GPL-2.0-only
# Watch: transfers from atomic context while the system runs (a hard-IRQ
# hrtimer callback, a spinlock) are reported as atomic_context_xfer
# violations, in both modes; an ordinary transfer is not reported.
# group: patched
# timeout: 240
# allow-kernel: (sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched)|BUG: scheduling while atomic)
. /lib/iag/lib.sh
plan 10

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
for mode in tracepoint kprobe; do
	out=/tmp/ctx-$mode.jsonl
	audit_start $out --mode $mode || { not_ok "$mode: audit attaches"; continue; }
	ok "$mode: audit attaches"
	echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_now
	echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_hrtimer
	echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_spinlock
	sleep 0.5
	audit_stop
	cat $out
	check_eq "$mode: two atomic_context_xfer violations" 2 \
		"$(jcount $out '"kind":"atomic_context_xfer"' '"verdict":"violation"' "\"adapter\":$stub," '"addr":80,' '"system_state":"running"')"
	check_eq "$mode: one of them with interrupts disabled (hard IRQ)" 1 \
		"$(jcount $out '"kind":"atomic_context_xfer"' '"irqs_disabled":true')"
	check_eq "$mode: nothing else reported" 2 "$(jcount $out '"verdict":')"
	# Below the hard IRQ's entry frame is whatever code it interrupted:
	# the stack ends at the entry (x86: asm_sysvec_apic_timer_interrupt).
	last=$(grep '"irqs_disabled":true' $out | sed -n 's/.*"stack":\[\([^]]*\)\].*/\1/p' |
		tr ',' '\n' | tail -1)
	check "$mode: the hard IRQ's stack ends at its entry frame (last: $last)" \
		sh -c "echo '$last' | grep -q '^\"asm_'"
done
