# SPDX-License-Identifier: GPL-2.0-only
# Watch: a burst of 5000 unauthorized atomic-mode transfers into a 4 KiB ring
# buffer. Userspace cannot drain it while the system is suspended, so most
# records are lost: the counters must say so exactly, records delivered +
# dropped == transfers sent.
# group: pins
# timeout: 240
. /lib/iag/lib.sh
plan 5

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
echo "b $stub 0x50 5000" >/sys/kernel/debug/iag_test/suspend_plan
out=/tmp/burst.jsonl
audit_start $out --ringbuf-kb 4 --stack-depth 4 || { not_ok "audit attaches"; exit 1; }
ok "audit attaches"
dmesg_mark
suspend_core
audit_stop
sent=$(dmesg_since | sed -n "s/.*phase=suspend op=b adapter=$stub addr=0x50 count=\([0-9]*\) ok=\([0-9]*\).*/\1/p")
check_eq "the module sent 5000 transfers" 5000 "$sent"
got=$(jcount $out '"kind":"atomic_xfer"')
dropped=$(jsummary $out dropped)
diag "delivered $got, dropped $dropped"
check_eq "delivered + dropped == sent" 5000 "$((got + ${dropped:-0}))"
check "some were dropped (the burst overflows 4 KiB)" test "${dropped:-0}" -gt 0
check_eq "summary violations == sent" 5000 "$(jsummary $out violations)"
