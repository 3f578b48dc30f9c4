# SPDX-License-Identifier: GPL-2.0-only
# Kernel lockdown (lockdown=confidentiality on the command line): BPF may not
# read kernel memory with bpf_probe_read_kernel(). status reports the
# lockdown; kprobe mode, which needs that helper, exits 3 and says lockdown
# is why; tracepoint mode reads only its typed arguments and keeps working.
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
$IAG audit --duration 1 --json >/tmp/o 2>&1
rc=$?
cat /tmp/o
check_eq "audit in tracepoint mode still works (exit 0)" 0 "$rc"
check_eq "and ends with its summary" 1 "$(jcount /tmp/o '"kind":"summary"')"
