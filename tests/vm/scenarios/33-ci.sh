# SPDX-License-Identifier: GPL-2.0-only
# ci mode: `ci --policy P -- COMMAND` runs a pm_test=core suspend as the
# command; exit 1 when the suspend makes an unauthorized atomic transfer,
# exit 0 when it makes only allowed ones.
# group: policy
# timeout: 180
. /lib/iag/lib.sh
plan 4

stub=$(load_stub 0x50,0x52)
load_iag_test || { not_ok "test module loads"; exit 1; }
add_clients $stub 0x50 0x52
printf 'mode: audit\nallow:\n  - i2c: %d-0050\n' "$stub" >/tmp/policy.yaml
cat >/tmp/suspend.sh <<S
echo 0 >/sys/module/suspend/parameters/pm_test_delay
echo core >/sys/power/pm_test
echo mem >/sys/power/state
S
echo "r $stub 0x50 0x00; r $stub 0x52 0x00" >/sys/kernel/debug/iag_test/suspend_plan
$IAG ci --policy /tmp/policy.yaml --format ktap -- sh /tmp/suspend.sh >/tmp/ci1.out 2>&1
rc=$?
cat /tmp/ci1.out
check_eq "ci exits 1 on a run with a violation" 1 "$rc"
check_eq "its KTAP report names the violator $stub-0052" 1 "$(grep -c "^not ok .*$stub-0052" /tmp/ci1.out)"
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/suspend_plan
$IAG ci --policy /tmp/policy.yaml --format ktap -- sh /tmp/suspend.sh >/tmp/ci2.out 2>&1
rc=$?
cat /tmp/ci2.out
check_eq "ci exits 0 on a clean run" 0 "$rc"
check_eq "no not-ok line in the clean report" 0 "$(grep -c '^not ok' /tmp/ci2.out)"
