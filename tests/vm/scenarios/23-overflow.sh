# SPDX-License-Identifier: GPL-2.0-only
# Watch: a burst of 5000 unauthorized atomic-mode transfers (one device, one
# code path) into a 4 KiB ring buffer, twice. Userspace cannot drain the ring
# while the system is suspended.
# - With in-kernel aggregation (the default) nothing is lost: one record,
#   then records of repeats whose counts add up to exactly 5000, no drops.
# - With --no-aggregate (a record per event) most records are lost: the
#   counters must say so exactly, records delivered + dropped == sent.
# group: pins
# timeout: 300
. /lib/iag/lib.sh
plan 11

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }

# burst OUT AUDIT-ARGS...: 5000 transfers in one suspend under audit; sets $sent.
burst() {
	local out=$1
	shift
	echo "b $stub 0x50 5000" >/sys/kernel/debug/iag_test/suspend_plan
	audit_start $out --ringbuf-kb 4 --stack-depth 4 "$@" || return 1
	dmesg_mark
	suspend_core
	audit_stop
	sent=$(dmesg_since | sed -n "s/.*phase=suspend op=b adapter=$stub addr=0x50 count=\([0-9]*\) ok=\([0-9]*\).*/\1/p")
}

out=/tmp/burst-agg.jsonl
burst $out || { not_ok "audit attaches"; exit 1; }
ok "audit attaches (aggregating)"
check_eq "the module sent 5000 transfers" 5000 "$sent"
got=$(jcount $out '"kind":"atomic_xfer"')
records=$(jrecords $out '"kind":"atomic_xfer"')
diag "aggregating: $got events in $records records, dropped $(jsummary $out dropped), aggregated $(jsummary $out aggregated)"
check_eq "every event is counted: records and repeats add up to 5000" 5000 "$got"
check_eq "nothing dropped" 0 "$(jsummary $out dropped)"
check_eq "the kernel counted 4999 repeats in its aggregate" 4999 "$(jsummary $out aggregated)"
check "a few records, not 5000" test "$records" -le 10
check_eq "the repeats name the device and carry its stack" "$((got - 1))" \
	"$(jcount $out '"count":' "\"adapter\":$stub," '"addr":80,' '"stack":["')"

out=/tmp/burst.jsonl
burst $out --no-aggregate || { not_ok "audit --no-aggregate attaches"; exit 1; }
got=$(jcount $out '"kind":"atomic_xfer"')
dropped=$(jsummary $out dropped)
diag "--no-aggregate: delivered $got, dropped $dropped"
check_eq "--no-aggregate: delivered + dropped == sent" 5000 "$((got + ${dropped:-0}))"
check "--no-aggregate: some were dropped (the burst overflows 4 KiB)" test "${dropped:-0}" -gt 0
check_eq "--no-aggregate: summary violations == sent" 5000 "$(jsummary $out violations)"
check_eq "--no-aggregate: no record of repeats" 0 "$(jrecords $out '"count":')"
