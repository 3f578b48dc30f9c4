# SPDX-License-Identifier: GPL-2.0-only
# Kernel series: atomic_log reaches a console booted with "quiet" (console
# loglevel 4, as Debian boots). Its default level is err (3). Guest half:
# the parameters, then one suspend logged at level 6 (info: must NOT reach
# the console) and one at the default (must); then a power-off transfer.
# The host half reads the console.
# kernels: default test-6.1
# timeout: 120
# append: quiet
. /lib/iag/lib.sh
plan 5

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
check_eq "console loglevel is 4 (quiet)" 4 "$(cut -f1 /proc/sys/kernel/printk)"
check_eq "atomic_log_level defaults to 3 (err)" 3 "$(cat /sys/module/i2c_core/parameters/atomic_log_level)"
echo Y >/sys/module/i2c_core/parameters/atomic_log
echo 6 >/sys/module/i2c_core/parameters/atomic_log_level
echo "r $stub 0x50 0x01" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
check_eq "level 6: the line is in the kernel log" 1 \
	"$(dmesg_since | grep -c "i2c-atomic: event=smbus_xfer adapter=$stub addr=0x50 .*cmd=0x01 .*state=suspend")"
echo 3 >/sys/module/i2c_core/parameters/atomic_log_level
echo "r $stub 0x50 0x02" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
check_eq "level 3: the line is in the kernel log" 1 \
	"$(dmesg_since | grep -c "i2c-atomic: event=smbus_xfer adapter=$stub addr=0x50 .*cmd=0x02 .*state=suspend")"
check "power-off plan set" sh -c "echo 'r $stub 0x50 0x03' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-stub-adapter=$stub"
