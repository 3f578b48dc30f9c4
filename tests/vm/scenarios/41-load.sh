# SPDX-License-Identifier: GPL-2.0-only
# Under load: 100 pm_test=core suspend cycles with audit attached; in every
# cycle the test module makes 20 unauthorized transfers in atomic mode.
# Records delivered + dropped == transfers made, exactly; the tool's memory
# does not grow across cycles (after the lazy kallsyms load); no kernel warning (the runner checks that).
# timeout: 1200
. /lib/iag/lib.sh
plan 4

stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
echo "b $stub 0x50 20" >/sys/kernel/debug/iag_test/suspend_plan
out=/tmp/load.jsonl
audit_start $out --stack-depth 8 || { not_ok "audit attaches"; exit 1; }
rss() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' /proc/$AUDIT_PID/status; }
# Warm-up, not counted: the first records make audit load /proc/kallsyms
# (a few MB, lazily, and slowly under TCG); cycle until records flow.
warm=0
while [ ! -s $out ] && [ $warm -lt 200 ]; do suspend_core; warm=$((warm + 1)); done
i=0
while [ $i -lt 100 ]; do
	suspend_core || break
	i=$((i + 1))
	[ $i = 10 ] && rss_base=$(rss)
done
# Let audit drain what the last cycles left in the ring buffer.
n=-1
while [ "$n" != "$(wc -c <$out)" ]; do n=$(wc -c <$out); sleep 1; done
rss100=$(rss)
audit_stop
check_eq "100 suspend cycles completed" 100 "$i"
got=$(jcount $out '"kind":"atomic_xfer"')
dropped=$(jsummary $out dropped)
sent=$((20 * (warm + 100)))
diag "$warm warm-up cycles; delivered $got, dropped ${dropped:-?} of $sent; RSS ${rss_base:-?} kB after cycle 10, ${rss100} kB after 100"
check_eq "delivered + dropped == transfers made ($sent)" "$sent" "$((got + ${dropped:-0}))"
check_eq "summary violations == transfers made" "$sent" "$(jsummary $out violations)"
check "RSS did not grow by more than 128 kB from cycle 10 to 100" \
	test -n "$rss_base" -a "$((rss100 - ${rss_base:-0}))" -le 128
