# SPDX-License-Identifier: GPL-2.0-only
# Policy at the struct device level: the platform device "iag-reboot"
# consumes the client behind mux channel 1 through a device link. Named
# alone in the policy, it must cover that client: `policy check` lists the
# keys (the client on its channel, its address on the root adapter, and the
# mux's own address there), and in a pm_test=core suspend the client's
# transfer is "allowed" while the root client's is a violation.
# group: policy
# timeout: 180
. /lib/iag/lib.sh
plan 8

topology_setup || { not_ok "topology"; exit 1; }
cat >/tmp/policy.yaml <<P
mode: audit
allow:
  - device: /sys/devices/platform/iag-reboot
    reason: resets the board through the expander behind the mux
P
$IAG policy check /tmp/policy.yaml --json >/tmp/check.json 2>/tmp/check.err
rc=$?
cat /tmp/check.json /tmp/check.err
check_eq "policy check exits 0" 0 "$rc"
check_eq "key: the client on its channel (i2c-$CH1, 0x51)" 1 "$(jcount /tmp/check.json "\"adapter\":$CH1,\"addr\":81")"
check_eq "key: the client as seen on the root adapter (i2c-$STUB, 0x51)" 1 "$(jcount /tmp/check.json "\"adapter\":$STUB,\"addr\":81")"
check_eq "key: the mux's own address on the root adapter (i2c-$STUB, 0x70)" 1 "$(jcount /tmp/check.json "\"adapter\":$STUB,\"addr\":112")"
check_eq "no key for the root client (0x52)" 0 "$(jcount /tmp/check.json '"addr":82')"
echo "r $CH1 0x51 0x00; r $STUB 0x52 0x00" >/sys/kernel/debug/iag_test/suspend_plan
out=/tmp/consumer.jsonl
audit_start $out --policy /tmp/policy.yaml --all || { not_ok "audit attaches"; exit 1; }
ok "audit attaches"
suspend_core
audit_stop
cat $out
check_eq "the consumer's supplier behind the mux is allowed" 1 \
	"$(jcount $out '"verdict":"allowed"' "\"device\":\"$C_CH1\"")"
check_eq "the root client is a violation" 1 "$(jcount $out '"verdict":"violation"' "\"device\":\"$C_ROOT\"")"
