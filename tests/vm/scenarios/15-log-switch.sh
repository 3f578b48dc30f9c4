# SPDX-License-Identifier: GPL-2.0-only
# Kernel series: the runtime log switch i2c_core.atomic_log, no command-line
# change. Off: a suspend with atomic transfers prints no "i2c-atomic:" line.
# On (written at run time): the same suspend prints them, and the sys-off
# handler's transfer at power-off appears on the console in the documented
# format (checked by the host half).
# kernels: default test-6.1
# timeout: 120
. /lib/iag/lib.sh
plan 5

P=/sys/module/i2c_core/parameters/atomic_log
stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
check_eq "the switch exists and is off by default" N "$(cat $P)"
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
check_eq "switch off: no i2c-atomic lines" 0 "$(dmesg_since | grep -c 'i2c-atomic: ')"
echo Y >$P
dmesg_mark
suspend_core
check_eq "switch on: the smbus_xfer line" 1 \
	"$(dmesg_since | grep -c "i2c-atomic: event=smbus_xfer adapter=$stub addr=0x50 .*cb=smbus_xfer_atomic state=suspend")"
check_eq "switch on: the result line" 1 "$(dmesg_since | grep -c "i2c-atomic: event=result adapter=$stub addr=0x50 ret=0")"
check "power-off plan set" sh -c "echo 'r $stub 0x50 0x00' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-stub-adapter=$stub"
