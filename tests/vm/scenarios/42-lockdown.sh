# SPDX-License-Identifier: GPL-2.0-only
# Kernel lockdown (lockdown=confidentiality on the command line): BPF may not
# read kernel memory with bpf_probe_read_kernel(), which both modes need
# (system_state is not in pahole 1.24's BTF, so it is read by address).
# status reports the lockdown; audit in either mode and enforce exit 3 and
# say lockdown is why, before loading anything.
# timeout: 150
# append: lockdown=confidentiality
. /lib/iag/lib.sh
plan 5

mkdir -p /sys/kernel/security
mount -t securityfs securityfs /sys/kernel/security
$IAG status --json >/tmp/status.json 2>&1
cat /tmp/status.json
check_eq "status reports lockdown=confidentiality" 1 "$(jcount /tmp/status.json '"lockdown":"confidentiality"')"
$IAG audit --mode kprobe --duration 1 >/tmp/o 2>&1
rc=$?
cat /tmp/o
check_eq "audit --mode kprobe exits 3 under lockdown" 3 "$rc"
check "and says lockdown is why" grep -qi lockdown /tmp/o
$IAG audit --mode tracepoint --duration 1 >/tmp/o 2>&1
check_eq "audit --mode tracepoint exits 3 under lockdown" 3 "$?"
printf 'mode: enforce\nallow:\n  - adapter: i2c-0\n' >/tmp/p.yaml
$IAG enforce --policy /tmp/p.yaml --duration 1 >/tmp/o 2>&1
rc=$?
cat /tmp/o
check_eq "enforce exits 3 under lockdown" 3 "$rc"
