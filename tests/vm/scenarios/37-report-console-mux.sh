# SPDX-License-Identifier: GPL-2.0-only
# report --console on real nesting: at power-off (tp_printk on the command
# line) the test module reads a client behind each channel of the mux
# topology (an SMBus read on each channel; each
# passes the mux select and the parent adapter) and the root client. The
# host half checks that each transfer is reported once, with its adapter
# path, and the verdicts of a policy naming only the channel 1 client.
# timeout: 150
# append: trace_event=i2c_atomic:* tp_printk
. /lib/iag/lib.sh
plan 1

topology_setup || { not_ok "topology"; exit 1; }
check "power-off plan set" sh -c "echo 'r $CH1 0x51 0x00; r $CH0 0x50 0x00; r $STUB 0x52 0x00' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-topo=$STUB $CH0 $CH1"
