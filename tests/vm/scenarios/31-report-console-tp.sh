# SPDX-License-Identifier: GPL-2.0-only
# The last phase of power-off, audited offline from the serial console: the
# kernel prints its i2c_atomic events (trace_event= + tp_printk on the
# command line); the test module's sys-off handler reads an allowed chip
# (0x50) and an unauthorized one (0x52). The host half runs
# `report --console` on the console log.
# timeout: 120
# append: trace_event=i2c_atomic:* tp_printk
. /lib/iag/lib.sh
plan 1

stub=$(load_stub 0x50,0x52)
load_iag_test || { not_ok "test module loads"; exit 1; }
check "power-off plan set" sh -c "echo 'r $stub 0x50 0x00; r $stub 0x52 0x00' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-stub-adapter=$stub"
