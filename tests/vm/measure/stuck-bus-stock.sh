# SPDX-License-Identifier: GPL-2.0-only
# A measurement, not a test (make check does not run it): what a kernel
# without the series (the stock flavor: 6.12, the test kernel's config)
# does with atomic-mode writes on i2c-gpio buses whose SDA a target holds
# low, in a pm_test=core syscore suspend, and what audit sees there. The
# same set-up as scenario 54 (iag_stuck.ko: 41 lets go after 3 SCL edges,
# 42 never). Run by hand, the console log is the result:
#   tests/kmod/build.sh stock
#   tests/vm/run-vm.sh --flavor stock --script tests/vm/measure/stuck-bus-stock.sh
# The kernel warns on purpose here (that is what is measured).
# timeout: 200
# allow-kernel: (WARNING: |inconsistent lock state|Interrupts enabled after)
. /lib/iag/lib.sh
plan 1
load_iag_test
insmod "$KMOD/iag_stuck.ko"
echo "41 3" >/sys/kernel/debug/iag_stuck/hold
echo "42 -1" >/sys/kernel/debug/iag_stuck/hold
cat /sys/kernel/debug/iag_stuck/lines
echo "w 41 0x50 0x10 0x11; w 41 0x50 0x10 0x12; w 42 0x50 0x10 0x13" \
	>/sys/kernel/debug/iag_test/suspend_plan
$IAG status | grep -E "^(kernel|tracepoints|audit|stuck buses):"
audit_start /tmp/m.jsonl --fail-on-violation || { not_ok "audit attaches"; exit 0; }
dmesg_mark
suspend_core
audit_stop
echo "audit exit status $AUDIT_RC"
cat /tmp/m.jsonl
dmesg_since | grep -E "iag_test: phase=suspend op|Interrupts enabled after"
cat /sys/kernel/debug/iag_stuck/lines
ok "measured (see the console log)"
