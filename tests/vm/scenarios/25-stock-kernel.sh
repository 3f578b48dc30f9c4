# SPDX-License-Identifier: GPL-2.0-only
# The same tool on the UNPATCHED 6.12 kernel (same config, no series):
# status says kprobe mode and why, enforce refuses with exit 3 instead of
# falling back to audit, and audit (auto mode) still catches an unauthorized
# atomic-mode transfer in a pm_test=core suspend, with callback and state.
# kernel: stock
# timeout: 180
# allow-kernel: WARNING: .*i2c-core
. /lib/iag/lib.sh
plan 8

$IAG status --json >/tmp/status.json 2>&1
cat /tmp/status.json
check_eq "status: no i2c_atomic tracepoints" 1 "$(jcount /tmp/status.json '"tracepoints":false')"
check_eq "status: audit would use kprobe mode" 1 "$(jcount /tmp/status.json '"audit_mode":"kprobe"')"
check_eq "status: no enforcement hook" 1 "$(jcount /tmp/status.json '"enforce_hook":false')"
stub=$(load_stub 0x50,0x52)
load_iag_test || { not_ok "test module loads"; exit 1; }
add_clients $stub 0x50 0x52
printf 'mode: enforce\nallow:\n  - i2c: %d-0050\n' "$stub" >/tmp/policy.yaml
chmod 600 /tmp/policy.yaml
$IAG enforce --policy /tmp/policy.yaml >/tmp/enf.out 2>&1
rc=$?
cat /tmp/enf.out
check_eq "enforce exits 3 on a kernel without the hook" 3 "$rc"
check "enforce says why" grep -qi "hook\|i2c_atomic_xfer_check" /tmp/enf.out
echo "r $stub 0x50 0x00; r $stub 0x52 0x00" >/sys/kernel/debug/iag_test/suspend_plan
out=/tmp/stock.jsonl
audit_start $out --policy /tmp/policy.yaml --all || { not_ok "audit attaches"; exit 1; }
ok "audit attaches in kprobe mode"
suspend_core
audit_stop
cat $out
check_eq "allowed: $stub-0050" 1 "$(jcount $out '"verdict":"allowed"' "\"device\":\"$stub-0050\"" '"system_state":"suspend"')"
check_eq "violation: $stub-0052 (stock i2c-stub: no atomic callback)" 1 \
	"$(jcount $out '"verdict":"violation"' "\"device\":\"$stub-0052\"" '"system_state":"suspend"' '"callback":"none"')"
