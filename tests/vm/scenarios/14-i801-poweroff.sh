# SPDX-License-Identifier: GPL-2.0-only
# Kernel series: i2c-i801's atomic callback at power-off. While the system
# runs, the test module writes 0xa5 to register 0x10 of QEMU's q35 EEPROM at
# 0x51; its sys-off handler (priority above ACPI's) reads it back in atomic
# mode during power-off. The console (trace_event + tp_printk) must show the
# event with cb=smbus_xfer_atomic and state=power_off, the read must return
# 0xa5, no "No atomic I2C transfer handler" WARN, and the VM must power off
# (stock 6.12 hangs here: i801 sleeps with interrupts off). Sys-off handlers
# run after device_shutdown(), so this read comes after i801_shutdown() gave
# SMBHSTCFG/SMBHSTCNT back to the firmware: v2's callback re-applies the
# driver's host configuration for the transaction and restores the
# firmware's after it (issue 12, item 4).
# kernels: default test-6.1
# timeout: 120
# append: trace_event=i2c_atomic:* tp_printk
. /lib/iag/lib.sh
plan 3

i801=$(adapter_nr "SMBus I801 adapter")
check "i2c-i801 adapter present" test -n "$i801"
load_iag_test || { not_ok "test module loads"; exit 1; }
dmesg_mark
echo "w $i801 0x51 0x10 0xa5; r $i801 0x51 0x10" >/sys/kernel/debug/iag_test/run_now
check_eq "the EEPROM holds 0xa5 while the system runs" 1 \
	"$(dmesg_since | grep -c "phase=now op=r adapter=$i801 addr=0x51 reg=0x10 ret=0 val=0xa5")"
check "power-off plan set" sh -c "echo 'r $i801 0x51 0x10' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-i801-adapter=$i801"
