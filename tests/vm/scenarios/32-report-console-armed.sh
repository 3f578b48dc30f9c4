# SPDX-License-Identifier: GPL-2.0-only
# As 31-report-console-tp, but nothing on the kernel command line: the
# running machine is armed with `shutdown-audit arm` alone (the i2c core's
# runtime log switch), then powers off.
# timeout: 120
. /lib/iag/lib.sh
plan 3

stub=$(load_stub 0x50,0x52)
load_iag_test || { not_ok "test module loads"; exit 1; }
check "shutdown-audit arm" $IAG shutdown-audit arm
check_eq "the switch is on" Y "$(cat /sys/module/i2c_core/parameters/atomic_log)"
check "power-off plan set" sh -c "echo 'r $stub 0x50 0x00; r $stub 0x52 0x00' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-stub-adapter=$stub"
