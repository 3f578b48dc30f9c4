# SPDX-License-Identifier: GPL-2.0-only
# Hotplug: audit runs with a `driver: iag_test_client` rule while no device
# at 0x53 exists. A client hot-added at 0x53 (bound to that driver) is
# covered without restarting audit; the root client (0x52) stays a
# violation.
# group: policy
# timeout: 180
. /lib/iag/lib.sh
plan 4

topology_setup || { not_ok "topology"; exit 1; }
printf 'mode: audit\nallow:\n  - driver: iag_test_client\n' >/tmp/policy.yaml
out=/tmp/hotplug.jsonl
audit_start $out --policy /tmp/policy.yaml --all || { not_ok "audit attaches"; exit 1; }
ok "audit attaches"
echo iag-client 0x53 >/sys/bus/i2c/devices/i2c-$STUB/new_device
check "the new client is bound to iag_test_client" test -e /sys/bus/i2c/devices/$STUB-0053/driver
sleep 1
echo "r $STUB 0x53 0x00; r $STUB 0x52 0x00" >/sys/kernel/debug/iag_test/suspend_plan
suspend_core
audit_stop
cat $out
check_eq "the hot-added client is allowed" 1 "$(jcount $out '"verdict":"allowed"' "\"device\":\"$STUB-0053\"")"
check_eq "the root client is a violation" 1 "$(jcount $out '"verdict":"violation"' "\"device\":\"$C_ROOT\"")"
