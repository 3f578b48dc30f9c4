# SPDX-License-Identifier: GPL-2.0-only
# Kernel series, ftrace only: an adapter with no atomic callback (the test
# module's "iag-test noatomic", master_xfer only) used in atomic mode.
# Expected: i2c_atomic_no_handler for it on each transfer, the SMBus event
# with cb=none, the nested I2C event of the emulation with cb=none, and the
# core's "No atomic I2C transfer handler" WARN once for that adapter, not
# once per transfer.
# kernels: default test-6.1
# group: trace
# timeout: 120
# allow-kernel: WARNING: .*i2c-core
. /lib/iag/lib.sh
plan 5

load_iag_test noatomic_adapter=1 || { not_ok "test module loads"; exit 1; }
na=$(topo noatomic)
trace_on "i2c_atomic:*"
echo "r $na 0x20 0x00; r $na 0x20 0x01" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
check "pm_test=core suspend cycle completes" suspend_core
t=$(trace_dump)
echo "$t"
check_eq "two no_handler events for the adapter" 2 "$(echo "$t" | grep -c "i2c_atomic_no_handler: adapter=$na addr=0x20")"
check_eq "SMBus events say cb=none (sleeping handler)" 2 \
	"$(echo "$t" | grep -c "i2c_atomic_smbus_xfer: adapter=$na addr=0x20 .*cb=none state=suspend")"
check_eq "the emulated I2C transfers are traced too, cb=none" 2 \
	"$(echo "$t" | grep -c "i2c_atomic_xfer: adapter=$na addr=0x20 .*cb=none state=suspend")"
check_eq "the WARN fired once for this adapter" 1 \
	"$(dmesg_since | grep -c "No atomic I2C transfer handler for 'i2c-$na'")"
