# SPDX-License-Identifier: GPL-2.0-only
# Kernel series, ftrace only: a transfer from a hard-IRQ hrtimer callback and
# one under a spinlock while the system runs each fire
# i2c_atomic_context_xfer; an ordinary transfer does not. These transfers are
# the bug the event reports: lockdep and DEBUG_ATOMIC_SLEEP complain, as
# they should.
# kernels: default test-6.1
# group: trace
# timeout: 120
# allow-kernel: (sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched)|BUG: scheduling while atomic)
. /lib/iag/lib.sh
plan 4

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
trace_on "i2c_atomic:*"
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_now
check_eq "an ordinary transfer fires no atomic-context event" 0 "$(trace_dump | grep -c i2c_atomic_context_xfer)"
trace_on "i2c_atomic:*"
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_hrtimer
t=$(trace_dump)
echo "$t"
check_eq "hard-IRQ transfer: one atomic-context event" 1 \
	"$(echo "$t" | grep -c "i2c_atomic_context_xfer: adapter=$stub addr=0x50")"
trace_on "i2c_atomic:*"
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_spinlock
t=$(trace_dump)
echo "$t"
check_eq "transfer under a spinlock: one atomic-context event" 1 \
	"$(echo "$t" | grep -c "i2c_atomic_context_xfer: adapter=$stub addr=0x50")"
check_eq "no atomic-mode events while the system runs" 0 "$(echo "$t" | grep -cE 'i2c_atomic_(smbus_)?xfer:')"
