# SPDX-License-Identifier: GPL-2.0-only
# Foundations: the test kernel boots with BTF, both I2C adapters are there
# (i2c-i801 on QEMU's q35 SMBus, i2c-stub), and a pm_test=core suspend runs
# the test module's syscore transfers in atomic mode for real: system_state
# SUSPEND (7), interrupts off. The host half re-checks from the console log.
# timeout: 120
. /lib/iag/lib.sh
plan 7

check "kernel exposes BTF (/sys/kernel/btf/vmlinux)" test -s /sys/kernel/btf/vmlinux
i801=$(adapter_nr "SMBus I801 adapter")
check "i2c-i801 adapter present (i2c-$i801)" test -n "$i801"
stub=$(load_stub 0x50)
check "i2c-stub adapter present (i2c-$stub)" test -n "$stub"
check "test module loads" load_iag_test

# Two reads of the stub chip during syscore suspend.
echo "r $stub 0x50 0x00; r $stub 0x50 0x01" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
check "pm_test=core suspend cycle completes" suspend_core
log=$(dmesg_since | grep "iag_test: phase=suspend op=r")
check_eq "two syscore transfers were made" 2 "$(echo "$log" | grep -c "adapter=$stub addr=0x50")"
check_eq "all ran with system_state SUSPEND, interrupts off, and succeeded" 2 \
	"$(echo "$log" | grep -c 'ret=0 .*state=7 irqs_disabled=1')"
