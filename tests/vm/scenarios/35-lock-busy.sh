# SPDX-License-Identifier: GPL-2.0-only
# Lock busy: in atomic mode the core only trylocks the bus. The test module
# holds the stub's bus lock and reads in a pm_test=core suspend: -EAGAIN.
# Tracepoint mode reports one lock_busy record (ret -11, a kernel stack),
# no atomic_xfer (the transfer never starts). kprobe mode cannot see it
# (the trylock fails before __i2c_smbus_xfer) and reports nothing.
# group: policy
# timeout: 240
. /lib/iag/lib.sh
plan 8

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
echo "l $stub 0x50" >/sys/kernel/debug/iag_test/suspend_plan
for mode in tracepoint kprobe; do
	out=/tmp/busy-$mode.jsonl
	audit_start $out --all --mode $mode || { not_ok "$mode: audit attaches"; continue; }
	ok "$mode: audit attaches"
	dmesg_mark
	suspend_core
	audit_stop
	cat $out
	check_eq "$mode: the read failed with -EAGAIN" 1 \
		"$(dmesg_since | grep -c "phase=suspend op=l adapter=$stub addr=0x50 .*ret=-11 ")"
	if [ $mode = tracepoint ]; then
		check_eq "$mode: one lock_busy record, ret -11, with a stack" 1 \
			"$(jcount $out '"kind":"lock_busy"' "\"adapter\":$stub," '"addr":80,' '"ret":-11' '"system_state":"suspend"' '"stack":["')"
		check_eq "$mode: no atomic_xfer record" 0 "$(jcount $out '"kind":"atomic_xfer"')"
	else
		check_eq "$mode: nothing reported" 0 "$(jcount $out '"verdict":')"
		check_eq "$mode: nothing seen" 0 "$(jsummary $out seen)"
	fi
done
