# SPDX-License-Identifier: GPL-2.0-only
# SMBus emulated over I2C: on the test module's "noatomic" adapter (a
# sleeping master_xfer only) an SMBus read in atomic mode runs
# __i2c_smbus_xfer() and, inside it, __i2c_transfer() on the same adapter.
# It is reported once per mode, as an SMBus atomic_xfer with callback none
# and adapter_path [NOAT]; the inner level is only counted (nested).
# group: policy
# timeout: 240
# allow-kernel: WARNING: .*i2c-core
. /lib/iag/lib.sh
plan 10

topology_setup || { not_ok "topology"; exit 1; }
echo "r $NOAT 0x10 0x00" >/sys/kernel/debug/iag_test/suspend_plan
for mode in tracepoint kprobe; do
	out=/tmp/emu-$mode.jsonl
	audit_start $out --all --mode $mode || { not_ok "$mode: audit attaches"; continue; }
	ok "$mode: audit attaches"
	dmesg_mark
	suspend_core
	audit_stop
	cat $out
	check_eq "$mode: the read succeeded" 1 \
		"$(dmesg_since | grep -c "phase=suspend op=r adapter=$NOAT addr=0x10 reg=0x00 ret=0 ")"
	check_eq "$mode: one atomic_xfer record, SMBus, callback none, path [$NOAT]" 1 \
		"$(jcount $out '"kind":"atomic_xfer"' "\"adapter\":$NOAT," '"addr":16,' \
			"\"adapter_path\":[$NOAT]" '"callback":"none"' '"smbus_protocol":2')"
	check_eq "$mode: no other atomic_xfer record" 1 "$(jcount $out '"kind":"atomic_xfer"')"
	check "$mode: the inner level is counted as nested" test "$(jsummary $out nested)" -ge 1
done
