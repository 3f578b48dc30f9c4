# SPDX-License-Identifier: GPL-2.0-only
# Kernel series, ftrace only: during a pm_test=core suspend the test
# module's syscore callback (atomic mode, system_state SUSPEND) reads the
# i2c-stub chip, then holds the stub's bus lock and reads again. Expected:
#   i2c_atomic_smbus_xfer  adapter=STUB addr=0x50 cb=smbus_xfer_atomic state=suspend
#   i2c_atomic_result      adapter=STUB addr=0x50 ret=0
#   i2c_atomic_lock_busy   adapter=STUB addr=0x50, and the caller sees -EAGAIN (-11)
# and no atomic-context event (this is atomic mode, not a bug).
# kernels: default test-6.1
# group: trace
# timeout: 120
. /lib/iag/lib.sh
plan 8

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
check "the i2c_atomic trace events exist" test -d $TR/events/i2c_atomic/i2c_atomic_smbus_xfer
trace_on "i2c_atomic:*"
echo "r $stub 0x50 0x00; l $stub 0x50" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
check "pm_test=core suspend cycle completes" suspend_core
t=$(trace_dump)
echo "$t"
re="i2c_atomic_smbus_xfer: adapter=$stub addr=0x50 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=suspend"
check_eq "one smbus_xfer event: stub, 0x50, smbus_xfer_atomic, suspend" 1 "$(echo "$t" | grep -c "$re")"
check_eq "its result event has ret=0" 1 "$(echo "$t" | grep -c "i2c_atomic_result: adapter=$stub addr=0x50 ret=0")"
check_eq "the transfer under the held lock gives one lock_busy event" 1 \
	"$(echo "$t" | grep -c "i2c_atomic_lock_busy: adapter=$stub addr=0x50")"
check_eq "the caller of the lock-busy transfer sees -EAGAIN" 1 \
	"$(dmesg_since | grep -c "phase=suspend op=l adapter=$stub addr=0x50 .*ret=-11 ")"
check_eq "no atomic-context event in atomic mode" 0 "$(echo "$t" | grep -c i2c_atomic_context_xfer)"
check_eq "no no_handler event for an adapter with atomic callbacks" 0 "$(echo "$t" | grep -c i2c_atomic_no_handler)"
