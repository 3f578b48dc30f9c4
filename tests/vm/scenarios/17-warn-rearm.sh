# SPDX-License-Identifier: GPL-2.0-only
# Kernel series: the "No atomic I2C transfer handler" WARN is given once per
# adapter AND phase. The test module's "iag-test noatomic" adapter (a
# sleeping master_xfer only) is used twice in one suspend (one WARN), then
# in a sys-off handler at power-off: the WARN must fire again there (the
# host half counts it on the console), which v1's once-per-adapter bit hid.
# kernels: default test-6.1
# timeout: 120
# allow-kernel: WARNING: .*i2c-core
. /lib/iag/lib.sh
plan 3

load_iag_test noatomic_adapter=1 || { not_ok "test module loads"; exit 1; }
na=$(topo noatomic)
echo "r $na 0x20 0x00; r $na 0x20 0x01" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
check "pm_test=core suspend cycle completes" suspend_core
check_eq "suspend: the WARN fired once for the adapter" 1 \
	"$(dmesg_since | grep -c "No atomic I2C transfer handler for 'i2c-$na'")"
check "power-off plan set" sh -c "echo 'r $na 0x20 0x00' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-noatomic-adapter=$na"
