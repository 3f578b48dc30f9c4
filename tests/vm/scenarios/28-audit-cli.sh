# SPDX-License-Identifier: GPL-2.0-only
# audit's command line: bad options exit 2 before touching the kernel;
# --fail-on-violation exits 1 after a violation and 0 after a clean run;
# without --json the records are a text table on stdout, with the summary
# last; without --all an allowed transfer is counted but not recorded.
# timeout: 240
# allow-kernel: (sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched)|BUG: scheduling while atomic)
. /lib/iag/lib.sh
plan 12

stub=$(load_stub 0x50,0x52)
load_iag_test || { not_ok "test module loads"; exit 1; }
add_clients $stub 0x50 0x52

$IAG audit --mode sideways >/dev/null 2>&1; check_eq "bad --mode: exit 2" 2 "$?"
$IAG audit --ringbuf-kb 3 >/dev/null 2>&1; check_eq "--ringbuf-kb not a power of two: exit 2" 2 "$?"
$IAG audit --stack-depth 33 >/dev/null 2>&1; check_eq "--stack-depth above 32: exit 2" 2 "$?"
$IAG enforce >/dev/null 2>&1; check_eq "enforce without --policy: exit 2" 2 "$?"
$IAG audit --policy /nonexistent.yaml --duration 1 >/dev/null 2>&1; check_eq "missing policy file: exit 2" 2 "$?"

# A clean run: nothing in atomic mode or atomic context.
$IAG audit --duration 2 --fail-on-violation >/tmp/clean.txt 2>&1 &
p=$!
sleep 1
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_now
wait $p
check_eq "--fail-on-violation after a clean run: exit 0" 0 "$?"

# A violation (a transfer under a spinlock), the text table.
$IAG audit --duration 60 --fail-on-violation >/tmp/table.txt 2>/tmp/table.err &
AUDIT_PID=$!
wait_for /tmp/table.err attached 600
echo "r $stub 0x50 0x00" >/sys/kernel/debug/iag_test/run_spinlock
sleep 0.5
audit_stop
cat /tmp/table.txt
check_eq "--fail-on-violation after a violation: exit 1" 1 "$AUDIT_RC"
check_eq "the text table has its header" 1 "$(grep -c '^TIME(s) *KIND *VERDICT' /tmp/table.txt)"
check_eq "one atomic_context_xfer row" 1 "$(grep -c 'atomic_context_xfer *violation' /tmp/table.txt)"
check_eq "the summary is the last line" 1 "$(tail -1 /tmp/table.txt | grep -c '^summary (')"

# Without --all an allowed transfer is counted, not recorded.
printf 'mode: audit\nallow:\n  - i2c: %d-0050\n' "$stub" >/tmp/policy.yaml
echo "r $stub 0x50 0x00; r $stub 0x52 0x00" >/sys/kernel/debug/iag_test/suspend_plan
audit_start /tmp/noall.jsonl --policy /tmp/policy.yaml || { not_ok "audit attaches"; exit 1; }
suspend_core
audit_stop
cat /tmp/noall.jsonl
check_eq "without --all: only the violation is recorded" 1 "$(jcount /tmp/noall.jsonl '"verdict":')"
check_eq "without --all: the allowed one is still counted" 1 "$(jsummary /tmp/noall.jsonl allowed)"
