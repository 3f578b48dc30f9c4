# SPDX-License-Identifier: GPL-2.0-only
# policy load | show | unload on the allowlist that `enforce --pin` left:
# the pinned map is replaced as a whole and enforcement follows it at once.
# Pinned with a policy allowing the channel 1 client; `policy load` of one
# allowing the root client 0x52 instead: in the next pm_test=core suspend the
# root write lands and the channel 1 write gets -EPERM. `policy show` names
# the devices; `policy unload` empties the map (both refused); an insecure
# policy file is refused (exit 2), so is a 'mode: audit' one unless
# --override-mode, and nothing pinned is exit 3.
# group: policy
# timeout: 240
. /lib/iag/lib.sh
plan 16

topology_setup || { not_ok "topology"; exit 1; }
$IAG policy show >/tmp/show0.out 2>&1
check_eq "nothing pinned yet: policy show exits 3" 3 "$?"
printf 'mode: enforce\nallow:\n  - i2c: %s\n' "$C_CH1" >/tmp/a.yaml
printf 'mode: enforce\nallow:\n  - i2c: %s\n    reason: the root chip now\n' "$C_ROOT" >/tmp/b.yaml
chmod 600 /tmp/a.yaml /tmp/b.yaml
check "enforce --pin with policy A" $IAG enforce --policy /tmp/a.yaml --pin
$IAG policy show --json >/tmp/show1.json 2>&1
cat /tmp/show1.json
check_eq "policy show: A's key for $C_CH1 on its channel" 1 \
	"$(jcount /tmp/show1.json "\"adapter\":$CH1,\"addr\":81" "\"device\":\"$C_CH1\"")"
chmod 666 /tmp/b.yaml
$IAG policy load /tmp/b.yaml >/tmp/load0.out 2>&1
rc=$?
cat /tmp/load0.out
check_eq "a world-writable policy is refused (exit 2)" 2 "$rc"
check_eq "... saying why" 1 "$(grep -c 'writable by other users' /tmp/load0.out)"
chmod 600 /tmp/b.yaml
sed 's/^mode: enforce/mode: audit/' /tmp/b.yaml >/tmp/b-audit.yaml
chmod 600 /tmp/b-audit.yaml
$IAG policy load /tmp/b-audit.yaml >/tmp/load-audit.out 2>&1
rc=$?
cat /tmp/load-audit.out
check_eq "a 'mode: audit' policy is not enforced: exit 2, saying why" "2 1" \
	"$rc $(grep -c "says 'mode: audit'" /tmp/load-audit.out)"
$IAG enforce --policy /tmp/b-audit.yaml --duration 1 >/tmp/enf-audit.out 2>&1
check_eq "enforce of a 'mode: audit' policy: exit 2" 2 "$?"
$IAG policy load /tmp/b.yaml >/tmp/load1.out 2>&1
rc=$?
cat /tmp/load1.out
check_eq "policy load B exits 0" 0 "$rc"
check_eq "... and replaced A's keys as a whole" 1 "$(grep -c '1 keys from /tmp/b.yaml now in .* (replaced as a whole)' /tmp/load1.out)"
$IAG policy show >/tmp/show2.out 2>&1
cat /tmp/show2.out
check_eq "policy show: one key, the root chip" 1 "$(grep -c "^i2c-$STUB *0x52 .*$C_ROOT" /tmp/show2.out)"
echo "w $CH1 0x51 0x10 0x11; w $STUB 0x52 0x10 0x22" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
d=$(dmesg_since)
check_eq "after load B: the root write lands" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$STUB addr=0x52 reg=0x10 ret=0 ")"
check_eq "after load B: the channel 1 write gets -EPERM" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$CH1 addr=0x51 reg=0x10 ret=-1 ")"
check "policy unload exits 0" $IAG policy unload
echo "w $CH1 0x51 0x10 0x33; w $STUB 0x52 0x10 0x44" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
d=$(dmesg_since)
check_eq "after unload: both writes get -EPERM" 2 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=.* reg=0x10 ret=-1 ")"
check "enforce --unpin exits 0" $IAG enforce --unpin
$IAG policy load /tmp/b.yaml >/tmp/load2.out 2>&1
check_eq "nothing pinned: policy load exits 3" 3 "$?"
