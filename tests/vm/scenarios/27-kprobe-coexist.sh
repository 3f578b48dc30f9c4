# SPDX-License-Identifier: GPL-2.0-only
# kprobe mode next to other tracers of the same functions: with the ftrace
# function tracer on __i2c_transfer/__i2c_smbus_xfer and a second kprobe-mode
# audit running, an ordinary transfer is still not reported, the transfer
# under a spinlock is reported with the caller's exact preempt count (1),
# and a suspend-time transfer is an atomic_xfer with interrupts disabled.
# group: pins
# timeout: 240
# allow-kernel: (sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched)|BUG: scheduling while atomic)
. /lib/iag/lib.sh
plan 7

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
TR=/sys/kernel/tracing
printf '__i2c_transfer\n__i2c_smbus_xfer\n' >$TR/set_ftrace_filter
echo function >$TR/current_tracer
echo 1 >$TR/tracing_on
diag "tracer: $(cat $TR/current_tracer), filter: $(cat $TR/set_ftrace_filter | tr '\n' ' ')"
$IAG audit --mode kprobe --duration 60 >/dev/null 2>/tmp/other.err &
other=$!
wait_for /tmp/other.err attached 600 || diag "second audit: $(cat /tmp/other.err)"
out=/tmp/coexist.jsonl
if audit_start $out --mode kprobe; then ok "audit attaches next to the function tracer"; else not_ok "audit attaches next to the function tracer"; exit 1; fi
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_now
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_spinlock
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/suspend_plan
suspend_core
sleep 0.5
audit_stop
kill -INT $other 2>/dev/null
wait $other
grep -v '^#' $TR/trace | head -5
check "the function tracer saw the transfers" grep -q "__i2c_smbus_xfer" $TR/trace
echo nop >$TR/current_tracer
cat $out
check_eq "the ordinary transfer is not reported" 0 "$(jcount $out '"system_state":"running"' '"preempt_count":0,')"
check_eq "the spinlock transfer: one atomic_context_xfer, preempt_count 1" 1 \
	"$(jcount $out '"kind":"atomic_context_xfer"' '"preempt_count":1,' '"irqs_disabled":false')"
check_eq "the suspend transfer: one atomic_xfer, interrupts off, preempt_count 0" 1 \
	"$(jcount $out '"kind":"atomic_xfer"' '"system_state":"suspend"' '"irqs_disabled":true' '"preempt_count":0,')"
check_eq "nothing else reported" 2 "$(jcount $out '"verdict":')"
check_eq "summary dropped=0" 0 "$(jsummary $out dropped)"
