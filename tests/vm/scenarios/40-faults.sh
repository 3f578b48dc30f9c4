# SPDX-License-Identifier: GPL-2.0-only
# Faults and who may change the policy:
#  - SIGKILL of audit leaves no program loaded (bpftool);
#  - two audits at once each see every event;
#  - policy load while enforcement is pinned swaps the keys as a whole;
#  - a policy file writable by others is refused by policy load and enforce
#    (exit 2) unless --insecure-policy;
#  - bpffs not mounted: enforce --pin and policy load exit 3 and say so;
#  - no capabilities: audit names the capability it lacks.
# Kernel lockdown has its own boot: 42-lockdown.
# group: tool
# timeout: 300
. /lib/iag/lib.sh
plan 15

stub=$(load_stub 0x50,0x52)
load_iag_test || { not_ok "test module loads"; exit 1; }
add_clients $stub 0x50 0x52
nprogs() { bpftool prog list 2>/dev/null | grep -c '^[0-9]*:'; }
base=$(nprogs)

# SIGKILL
$IAG audit --json --output /tmp/k.jsonl 2>/tmp/audit.err &
pid=$!
wait_for /tmp/audit.err attached 600
check "audit loaded programs" test "$(nprogs)" -gt "$base"
kill -9 $pid
wait $pid 2>/dev/null
i=0
while [ "$(nprogs)" != "$base" ] && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
check_eq "after SIGKILL no program of audit is left" "$base" "$(nprogs)"

# Two audits at once
printf 'mode: audit\nallow:\n  - i2c: %d-0050\n' "$stub" >/tmp/p.yaml
chmod 600 /tmp/p.yaml
$IAG audit --policy /tmp/p.yaml --json --output /tmp/a1.jsonl 2>/tmp/a1.err &
p1=$!
$IAG audit --policy /tmp/p.yaml --json --output /tmp/a2.jsonl 2>/tmp/a2.err &
p2=$!
wait_for /tmp/a1.err attached 600
wait_for /tmp/a2.err attached 600
echo "r $stub 0x50 0x00; r $stub 0x52 0x00" >/sys/kernel/debug/iag_test/suspend_plan
suspend_core
kill -INT $p1 $p2
wait $p1
wait $p2
check_eq "first audit saw the violation" 1 "$(jcount /tmp/a1.jsonl '"verdict":"violation"' "\"device\":\"$stub-0052\"")"
check_eq "second audit saw it too" 1 "$(jcount /tmp/a2.jsonl '"verdict":"violation"' "\"device\":\"$stub-0052\"")"

# policy load while enforcement is pinned
printf 'mode: enforce\nallow:\n  - i2c: %d-0050\n' "$stub" >/tmp/pa.yaml
printf 'mode: enforce\nallow:\n  - i2c: %d-0052\n' "$stub" >/tmp/pb.yaml
chmod 600 /tmp/pa.yaml /tmp/pb.yaml
check "enforce --pin with policy A (0x50)" $IAG enforce --policy /tmp/pa.yaml --pin
check "policy load B (0x52) into the pinned map" $IAG policy load /tmp/pb.yaml
echo "w $stub 0x50 0x10 0x11; w $stub 0x52 0x10 0x22" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
d=$(dmesg_since)
check_eq "after the swap 0x50 is refused" 1 "$(echo "$d" | grep -c "op=w adapter=$stub addr=0x50 reg=0x10 ret=-1 ")"
check_eq "after the swap 0x52 is allowed" 1 "$(echo "$d" | grep -c "op=w adapter=$stub addr=0x52 reg=0x10 ret=0 ")"
check "enforce --unpin" $IAG enforce --unpin

# insecure policy files
chmod 666 /tmp/pa.yaml
$IAG policy load /tmp/pa.yaml >/tmp/o 2>&1
check_eq "policy load refuses a world-writable policy (exit 2)" 2 "$?"
$IAG enforce --policy /tmp/pa.yaml --duration 1 >/tmp/o 2>&1
check_eq "enforce refuses a world-writable policy (exit 2)" 2 "$?"
chmod 600 /tmp/pa.yaml

# bpffs not mounted
umount /sys/fs/bpf
$IAG enforce --policy /tmp/pa.yaml --pin >/tmp/o 2>&1
rc=$?
cat /tmp/o
check_eq "enforce --pin without bpffs exits 3" 3 "$rc"
check "and says bpffs is not mounted" grep -qi "bpf.*mount\|mount.*bpf" /tmp/o
mount -t bpf bpf /sys/fs/bpf

# no capabilities
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>/etc/passwd
su nobody -s /bin/sh -c "$IAG audit --duration 1" >/tmp/o 2>&1
rc=$?
cat /tmp/o
check "audit without capabilities fails" test "$rc" -ne 0
check "and names the capability it lacks" grep -q "CAP_BPF\|CAP_SYS_ADMIN" /tmp/o
