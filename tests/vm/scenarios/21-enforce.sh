# SPDX-License-Identifier: GPL-2.0-only
# Enforce: fmod_ret on i2c_atomic_xfer_check(). Policy allows the client
# behind mux channel 1 only. In one pm_test=core suspend the test module
# writes to it (allowed: succeeds, lands) and to the root client (refused:
# the caller gets -EPERM, the register is unchanged, a "denied" record).
# kernels: default test-6.1
# group: patched
# timeout: 180
. /lib/iag/lib.sh
plan 8

topology_setup || { not_ok "topology"; exit 1; }
cat >/tmp/policy.yaml <<P
mode: enforce
allow:
  - i2c: $C_CH1
P
chmod 600 /tmp/policy.yaml
$IAG enforce --policy /tmp/policy.yaml --json >/tmp/enforce.jsonl 2>/tmp/audit.err &
AUDIT_PID=$!
if wait_for /tmp/audit.err "attached" 600; then ok "enforce attaches"; else not_ok "enforce attaches" "$(cat /tmp/audit.err)"; fi
echo "w $CH1 0x51 0x10 0x11; w $STUB 0x52 0x10 0x22" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
audit_stop
cat /tmp/enforce.jsonl
d=$(dmesg_since)
check_eq "the allowed write succeeds" 1 "$(echo "$d" | grep -c "phase=suspend op=w adapter=$CH1 addr=0x51 reg=0x10 ret=0 ")"
check_eq "the unauthorized write returns -EPERM to the caller" 1 "$(echo "$d" | grep -c "phase=suspend op=w adapter=$STUB addr=0x52 reg=0x10 ret=-1 ")"
check_eq "one denied record for $C_ROOT" 1 \
	"$(jcount /tmp/enforce.jsonl '"kind":"denied"' '"verdict":"denied"' "\"device\":\"$C_ROOT\"")"
check_eq "no denied record for the allowed client" 0 "$(jcount /tmp/enforce.jsonl '"verdict":"denied"' "\"device\":\"$C_CH1\"")"
check_eq "summary denied=1" 1 "$(jsummary /tmp/enforce.jsonl denied)"
dmesg_mark
echo "r $CH1 0x51 0x10; r $STUB 0x52 0x10" >/sys/kernel/debug/iag_test/run_now
d=$(dmesg_since)
check_eq "the allowed write landed (0x11)" 1 "$(echo "$d" | grep -c "op=r adapter=$CH1 addr=0x51 reg=0x10 ret=0 val=0x11")"
check_eq "the refused write did not touch the chip (0x00)" 1 "$(echo "$d" | grep -c "op=r adapter=$STUB addr=0x52 reg=0x10 ret=0 val=0x00")"
