# SPDX-License-Identifier: GPL-2.0-only
# The demo (`make demo`): a board with a PMIC-like client behind an I2C mux
# and a stray client on the root adapter. Shows status, a policy, what the
# policy covers, a live audit of a suspend, enforcement, and an offline
# report. Everything shown is also checked.
# group: policy
# timeout: 240
. /lib/iag/lib.sh
plan 5

show() { echo "\$ i2c-atomic-guard $*" | sed 's/^/# /' >>"$RESULTS"; $IAG "$@" 2>&1 | sed 's/^/#   /' >>"$RESULTS"; }
say() { echo "# $*" >>"$RESULTS"; }

topology_setup >/dev/null || { not_ok "topology"; exit 1; }
say "=== the machine: i2c-$STUB (i2c-stub), a mux at $(topo mux) with channels i2c-$CH0 and i2c-$CH1;"
say "=== $C_CH1 behind channel 1 is used by the platform device iag-reboot (device link);"
say "=== $C_ROOT and $C_CH0 have no business talking in atomic mode."
show status
cat >/tmp/policy.yaml <<P
# Devices allowed to make I2C transfers in atomic mode.
mode: enforce
allow:
  - device: /sys/devices/platform/iag-reboot
    reason: resets the board through the expander behind the mux
P
chmod 600 /tmp/policy.yaml
say "=== the policy (/tmp/policy.yaml):"
sed 's/^/#   /' /tmp/policy.yaml >>"$RESULTS"
show policy check /tmp/policy.yaml
check "policy check accepts the policy" $IAG policy check /tmp/policy.yaml

say "=== audit while the machine suspends (pm_test=core): the syscore callback talks to all three"
echo "r $CH1 0x51 0x00; r $STUB 0x52 0x00; r $CH0 0x50 0x00" >/sys/kernel/debug/iag_test/suspend_plan
$IAG audit --policy /tmp/policy.yaml --all --output /tmp/demo.jsonl --json 2>/tmp/audit.err &
AUDIT_PID=$!
wait_for /tmp/audit.err attached 600
suspend_core
kill -INT $AUDIT_PID; wait $AUDIT_PID
check_eq "audit saw 2 violations" 2 "$(jsummary /tmp/demo.jsonl violations)"
show report --policy /tmp/policy.yaml --format text /tmp/demo.jsonl
say "=== the same report as KTAP, for a CI system:"
show report --policy /tmp/policy.yaml --format ktap /tmp/demo.jsonl

say "=== enforce: unauthorized atomic transfers are refused (-EPERM)"
$IAG enforce --policy /tmp/policy.yaml --json >/tmp/enf.jsonl 2>/tmp/audit.err &
AUDIT_PID=$!
wait_for /tmp/audit.err attached 600
dmesg_mark
suspend_core
kill -INT $AUDIT_PID; wait $AUDIT_PID
dmesg_since | grep "iag_test: phase=suspend op=r" | sed 's/^/#   kernel: /' >>"$RESULTS"
check_eq "the allowed transfer succeeded" 1 "$(dmesg_since | grep -c "op=r adapter=$CH1 addr=0x51 reg=0x00 ret=0 ")"
check_eq "two transfers were refused with -EPERM" 2 "$(dmesg_since | grep -c "phase=suspend op=r .*ret=-1 ")"
show report --format text /tmp/enf.jsonl
check_eq "the report lists 2 denied transfers" 2 "$(jcount /tmp/enf.jsonl '"verdict":"denied"')"
