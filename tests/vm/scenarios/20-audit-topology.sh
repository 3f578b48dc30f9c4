# SPDX-License-Identifier: GPL-2.0-only
# Watch: audit on the mux topology, patched kernel (tracepoint mode) and the
# same run forced to kprobe mode. Policy: the client behind mux channel 1 is
# allowed; the client on the root adapter and the one behind channel 0 are
# not. One pm_test=core suspend reads each once in atomic mode. Expected,
# with --all, per mode: exactly three atomic_xfer records,
#   C_CH1  allowed    adapter_path [CH1, STUB]  callback smbus_xfer_atomic
#   C_ROOT violation  adapter_path [STUB]
#   C_CH0  violation  adapter_path [CH0, STUB]
# all with system_state suspend, and the summary counters seen=3
# allowed=1 violations=2 (the mux's own select transfers are part of each
# transfer, not reported apart).
# kernels: default test-6.1
# group: patched
# timeout: 240
. /lib/iag/lib.sh
plan 20

topology_setup || { not_ok "topology"; exit 1; }
cat >/tmp/policy.yaml <<P
mode: audit
allow:
  - i2c: $C_CH1
    reason: the client behind mux channel 1
P
echo "r $CH1 0x51 0x00; r $STUB 0x52 0x00; r $CH0 0x50 0x00" >/sys/kernel/debug/iag_test/suspend_plan

for mode in tracepoint kprobe; do
	out=/tmp/audit-$mode.jsonl
	if ! audit_start $out --policy /tmp/policy.yaml --all --mode $mode; then
		not_ok "$mode: audit attaches"
		continue
	fi
	ok "$mode: audit attaches"
	suspend_core
	audit_stop
	cat $out
	check_eq "$mode: three atomic_xfer records" 3 "$(jcount $out '"kind":"atomic_xfer"')"
	cb='"callback":"smbus_xfer_atomic"'
	check_eq "$mode: $C_CH1 allowed once, path [$CH1,$STUB]" 1 \
		"$(jcount $out '"verdict":"allowed"' "\"adapter\":$CH1," '"addr":81,' "\"adapter_path\":[$CH1,$STUB]" "\"device\":\"$C_CH1\"" '"system_state":"suspend"' "$cb")"
	check_eq "$mode: $C_ROOT violation once, path [$STUB]" 1 \
		"$(jcount $out '"verdict":"violation"' "\"adapter\":$STUB," '"addr":82,' "\"adapter_path\":[$STUB]" "\"device\":\"$C_ROOT\"" '"system_state":"suspend"' "$cb")"
	check_eq "$mode: $C_CH0 violation once, path [$CH0,$STUB]" 1 \
		"$(jcount $out '"verdict":"violation"' "\"adapter\":$CH0," '"addr":80,' "\"adapter_path\":[$CH0,$STUB]" "\"device\":\"$C_CH0\"" '"system_state":"suspend"' "$cb")"
	check_eq "$mode: summary seen=3" 3 "$(jsummary $out seen)"
	check_eq "$mode: summary allowed=1" 1 "$(jsummary $out allowed)"
	check_eq "$mode: summary violations=2" 2 "$(jsummary $out violations)"
	check_eq "$mode: summary dropped=0" 0 "$(jsummary $out dropped)"
	check_eq "$mode: violations carry a kernel stack naming the test module" 2 \
		"$(jcount $out '"verdict":"violation"' 'iag_syscore_suspend')"
done
