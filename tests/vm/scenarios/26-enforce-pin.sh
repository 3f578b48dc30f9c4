# SPDX-License-Identifier: GPL-2.0-only
# Enforce --pin: the allowlist, the counters and every link are pinned under
# /sys/fs/bpf/i2c-atomic-guard (mode 0600) and enforcement outlives the
# command: in a later pm_test=core suspend the unauthorized write gets
# -EPERM and the allowed one lands. status lists the pins and says it is
# enforcing; a second --pin replaces the set (an upgrade: the new programs
# attach before the old links are unpinned), leaving one enforce program and
# generation 2 in the info map; --unpin removes it all and the same write
# then goes through.
# kernels: default test-6.1
# group: pins
# timeout: 180
. /lib/iag/lib.sh
plan 12

PIN=/sys/fs/bpf/i2c-atomic-guard
topology_setup || { not_ok "topology"; exit 1; }
cat >/tmp/policy.yaml <<P
mode: enforce
allow:
  - i2c: $C_CH1
P
chmod 600 /tmp/policy.yaml
check "enforce --pin exits 0" $IAG enforce --policy /tmp/policy.yaml --pin
ls -l $PIN
check_eq "allow, counters, aggregates, stacks and the enforce link are pinned" 5 \
	"$(ls $PIN | grep -cE '^(allow|counters|aggregates|stacks|link_enforce_check)$')"
check_eq "every pin is mode 0600" 0 "$(for f in $PIN/*; do stat -c %a "$f"; done | grep -vc '^600$')"
$IAG status --json >/tmp/status.json 2>&1
cat /tmp/status.json
check_eq "status lists the pins and says it is enforcing" 1 \
	"$(jcount /tmp/status.json '"enforcing":true' '"link_enforce_check"')"
$IAG enforce --policy /tmp/policy.yaml --pin >/tmp/pin2.out 2>&1
rc=$?
cat /tmp/pin2.out
# The old links go through the kernel's deferred release: give it a moment.
i=0
while :; do
	$IAG status --json >/tmp/status.json 2>&1
	n_enf=$(grep -o '"name":"enforce_check"' /tmp/status.json | wc -l)
	[ "$n_enf" = 1 ] || [ $i -ge 50 ] && break
	sleep 0.1
	i=$((i + 1))
done
check_eq "a second --pin replaces the set: exit 0, generation 2, one enforce program" \
	"0 1 1" "$rc $(jcount /tmp/status.json '"generation":2') $n_enf"
echo "w $CH1 0x51 0x10 0x11; w $STUB 0x52 0x10 0x22" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
d=$(dmesg_since)
check_eq "pinned, no process left: the allowed write succeeds" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$CH1 addr=0x51 reg=0x10 ret=0 ")"
check_eq "pinned, no process left: the unauthorized write gets -EPERM" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$STUB addr=0x52 reg=0x10 ret=-1 ")"
check "enforce --unpin exits 0" $IAG enforce --unpin
check_eq "nothing is left pinned" 0 "$(ls /sys/fs/bpf | grep -c i2c-atomic-guard)"
$IAG status --json >/tmp/status.json 2>&1
check_eq "status: no longer enforcing" 1 "$(jcount /tmp/status.json '"enforcing":false' '"pinned":[]')"
echo "w $STUB 0x52 0x10 0x33" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
check_eq "unpinned: the same write goes through" 1 \
	"$(dmesg_since | grep -c "phase=suspend op=w adapter=$STUB addr=0x52 reg=0x10 ret=0 ")"
check "a second --unpin is harmless" $IAG enforce --unpin
