# SPDX-License-Identifier: GPL-2.0-only
# Kernel series, ftrace only: i2c_atomic_refused, the transfers the core
# turns down before announcing them. During a pm_test=core suspend the test
# module's syscore callback (atomic mode):
#  - reads QEMU's EEPROM through i2c-i801, which its driver has marked
#    suspended: the caller sees -ESHUTDOWN (-108), one refused event with
#    err=-108 state=suspend, and no xfer/result pair for that adapter;
#  - makes a plain I2C read on i2c-stub, which has no master_xfer: -95
#    (-EOPNOTSUPP), one refused event.
# The same plain read while the system runs is not atomic mode: no event.
# kernels: default test-6.1
# group: patched
# timeout: 120
# allow-kernel: WARNING: .*i2c-core
. /lib/iag/lib.sh
plan 8

stub=$(load_stub 0x50)
i801=$(adapter_nr "SMBus I801 adapter")
check "i2c-i801 adapter present" test -n "$i801"
load_iag_test || { not_ok "test module loads"; exit 1; }
check "the i2c_atomic_refused event exists" test -d $TR/events/i2c_atomic/i2c_atomic_refused
trace_on "i2c_atomic:*"
echo "i $stub 0x50" >/sys/kernel/debug/iag_test/run_now
check_eq "system running: no refused event" 0 "$(trace_dump | grep -c i2c_atomic_refused)"
trace_on "i2c_atomic:*"
echo "r $i801 0x50 0x00; i $stub 0x50" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
t=$(trace_dump)
echo "$t"
check_eq "suspended i801: one refused event, err=-108, state=suspend" 1 \
	"$(echo "$t" | grep -c "i2c_atomic_refused: adapter=$i801 addr=0x50 err=-108 state=suspend")"
check_eq "suspended i801: no xfer or result event" 0 \
	"$(echo "$t" | grep -E "i2c_atomic_(smbus_xfer|xfer|result): adapter=$i801 " | grep -c .)"
check_eq "the caller saw -ESHUTDOWN" 1 \
	"$(dmesg_since | grep -c "phase=suspend op=r adapter=$i801 addr=0x50 .*ret=-108 ")"
check_eq "no master_xfer on i2c-stub: one refused event, err=-95" 1 \
	"$(echo "$t" | grep -c "i2c_atomic_refused: adapter=$stub addr=0x50 err=-95 state=suspend")"
check_eq "the caller saw -EOPNOTSUPP" 1 \
	"$(dmesg_since | grep -c "phase=suspend op=i adapter=$stub addr=0x50 .*ret=-95 ")"
