# SPDX-License-Identifier: GPL-2.0-only
# The kernel matrix: the stock-kernel checks on Debian's own kernels, with
# their own i2c-stub.ko/i2c-mux.ko (iag_stub on arm64, which has none) and
# the test module built against their linux-headers package.
#  - status is accurate: the tracepoints and the enforcement hook are absent,
#    it names an audit mode (these kernels have BTF, kprobes and fentry),
#    and audit then attaches in that mode (had it named none, audit must
#    exit 3 with the reason, never 4: checked, but a failure all the same);
#  - enforce exits 3 and says why;
#  - audit on the mux topology in a pm_test=core suspend (syscore callbacks,
#    atomic mode): exactly C_CH1 allowed, C_ROOT and C_CH0 violations, the
#    summary seen=3 allowed=1 violations=2 denied=0 dropped=0. QEMU 7.2's
#    arm64 virt offers no PSCI SYSTEM_SUSPEND (mem_sleep is s2idle only):
#    there these checks SKIP, saying so;
#  - transfers from atomic context while the system runs: the hard-IRQ
#    hrtimer one always (interrupts off), the spinlock one where a spinlock
#    makes the context atomic (not on PREEMPT_RT, where it is a sleeping
#    lock, nor without CONFIG_PREEMPT_COUNT, where the core itself cannot
#    tell: Debian arm64), nothing else.
# kernels: debian-6.1-amd64 debian-6.12-amd64 debian-6.12-rt debian-6.12-arm64
# timeout: 300
# allow-kernel: (WARNING: .*i2c-core|sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched|rtmutex)|BUG: scheduling while atomic)
. /lib/iag/lib.sh
plan 19

diag "kernel $(uname -r): $(uname -v)"
# --- status, and whether audit and enforce then do what it says ---
$IAG status --json >/tmp/status.json 2>&1
cat /tmp/status.json
check_eq "status: no i2c_atomic tracepoints (stock kernel)" 1 "$(jcount /tmp/status.json '"tracepoints":false')"
check_eq "status: no enforcement hook" 1 "$(jcount /tmp/status.json '"enforce_hook":false')"
mode=$(sed 's/": /":/g' /tmp/status.json | sed -n 's/.*"audit_mode":"\([a-z_]*\)".*/\1/p')
diag "status: audit mode '${mode:-none}'"
# Each of these kernels has BTF, kprobes and fentry: the tool must serve
# them, so "no mode" is a failure here (its reason shown), not a skip.
if [ -n "$mode" ]; then
	ok "status names an audit mode on this Debian kernel ($mode)"
else
	not_ok "status names an audit mode on this Debian kernel" \
		"$(sed 's/": /":/g' /tmp/status.json | grep -o '"audit_unavailable":"[^"]*"')"
fi

topology_setup || { not_ok "topology (i2c-stub, i2c-mux, iag_test)"; exit 1; }
ok "topology on $(cat /sys/bus/i2c/devices/i2c-$STUB/name)"
printf 'mode: enforce\nallow:\n  - i2c: %s\n' "$C_CH1" >/tmp/policy.yaml
chmod 600 /tmp/policy.yaml
$IAG enforce --policy /tmp/policy.yaml >/tmp/enf.out 2>&1
rc=$?
cat /tmp/enf.out
check_eq "enforce exits 3 on a kernel without the hook" 3 "$rc"
check "enforce says why" grep -qi "hook\|i2c_atomic_xfer_check" /tmp/enf.out

# audit_checked OUT ARGS: start audit in the mode status named (one
# result). Returns 0 when it runs, 1 when it failed to, 2 when status named
# no mode and audit then refused with exit 3 as it must.
audit_checked() {
	if [ -z "$mode" ]; then
		$IAG audit --json --output "$1" --duration 1 >/tmp/audit.err 2>&1
		rc=$?
		cat /tmp/audit.err
		check_eq "status named no audit mode: audit exits 3" 3 "$rc"
		[ "$rc" = 3 ] && return 2
		return 1
	fi
	if audit_start "$@"; then
		check "audit attaches in the mode status named ($mode)" grep -q "$mode" /tmp/audit.err
		return 0
	fi
	not_ok "audit attaches in the mode status named ($mode)" "$(cat /tmp/audit.err)"
	return 1
}

# results N VERB REASON: N results that could not be had (VERB skip|not_ok).
results() {
	local i=0
	while [ $i -lt "$1" ]; do
		i=$((i + 1))
		if [ "$2" = skip ]; then skip "$4 $i" "$3"; else not_ok "$4 $i: $3"; fi
	done
}

# --- atomic mode on the mux topology: a pm_test=core suspend ---
if ! grep -qw deep /sys/power/mem_sleep 2>/dev/null; then
	results 7 skip "no suspend to RAM: mem_sleep offers '$(cat /sys/power/mem_sleep 2>/dev/null)' (QEMU 7.2 virt has no PSCI SYSTEM_SUSPEND), so no syscore callbacks in atomic mode" "suspend topology check"
else
	echo deep >/sys/power/mem_sleep
	echo "r $CH1 0x51 0x00; r $STUB 0x52 0x00; r $CH0 0x50 0x00" >/sys/kernel/debug/iag_test/suspend_plan
	out=/tmp/topo.jsonl
	audit_checked $out --policy /tmp/policy.yaml --all
	case $? in
	0)
		suspend_core
		audit_stop
		cat $out
		echo >/sys/kernel/debug/iag_test/suspend_plan
		check_eq "three atomic_xfer records" 3 "$(jcount $out '"kind":"atomic_xfer"')"
		check_eq "$C_CH1 allowed, path [$CH1,$STUB], suspend" 1 \
			"$(jcount $out '"verdict":"allowed"' "\"adapter_path\":[$CH1,$STUB]" "\"device\":\"$C_CH1\"" '"system_state":"suspend"')"
		check_eq "$C_ROOT violation, path [$STUB], no atomic callback" 1 \
			"$(jcount $out '"verdict":"violation"' "\"adapter_path\":[$STUB]" "\"device\":\"$C_ROOT\"" '"system_state":"suspend"' '"callback":"none"')"
		check_eq "$C_CH0 violation, path [$CH0,$STUB], no atomic callback" 1 \
			"$(jcount $out '"verdict":"violation"' "\"adapter_path\":[$CH0,$STUB]" "\"device\":\"$C_CH0\"" '"system_state":"suspend"' '"callback":"none"')"
		s="seen=$(jsummary $out seen) allowed=$(jsummary $out allowed) violations=$(jsummary $out violations) denied=$(jsummary $out denied) dropped=$(jsummary $out dropped)"
		diag "suspend summary: $s"
		check_eq "summary counters" "seen=3 allowed=1 violations=2 denied=0 dropped=0" "$s"
		check_eq "violations carry a kernel stack naming the test module" 2 \
			"$(jcount $out '"verdict":"violation"' 'iag_syscore_suspend')"
		;;
	2) results 6 skip "status names no audit mode on this kernel (see its reason)" "suspend topology check" ;;
	*) results 6 not_ok "audit did not run" "suspend topology check" ;;
	esac
fi

# --- atomic context while the system runs ---
# A spinlock makes the context atomic where it raises the preempt count:
# kernels with preemption (PREEMPT, PREEMPT_DYNAMIC: PREEMPT_COUNT), not
# PREEMPT_RT (a sleeping lock), not Debian arm64's voluntary-only build (no
# PREEMPT_COUNT; the core falls back to irqs_disabled() there too).
case $(uname -v) in
*PREEMPT_RT*) spin=0 ;;
*PREEMPT*) spin=1 ;;
*) spin=0 ;;
esac
diag "a spinlock makes the context atomic here: $spin"
out=/tmp/ctx.jsonl
# The stop's account (IAG_STOP_TIMES) says who named the stacks' addresses.
export IAG_STOP_TIMES=1
audit_checked $out
rc=$?
unset IAG_STOP_TIMES
case $rc in
0)
	echo "r $STUB 0x50 0x00" >/sys/kernel/debug/iag_test/run_now
	echo "r $STUB 0x50 0x00" >/sys/kernel/debug/iag_test/run_hrtimer
	echo "r $STUB 0x50 0x00" >/sys/kernel/debug/iag_test/run_spinlock
	sleep 0.5
	audit_stop
	cat $out
	check_eq "the hard-IRQ transfer: atomic_context_xfer, interrupts disabled" 1 \
		"$(jcount $out '"kind":"atomic_context_xfer"' '"verdict":"violation"' '"irqs_disabled":true' '"addr":80,' '"system_state":"running"')"
	check_eq "the spinlock transfer: reported exactly where it is atomic ($spin)" "$spin" \
		"$(jcount $out '"kind":"atomic_context_xfer"' '"irqs_disabled":false' '"addr":80,')"
	check_eq "nothing else reported" $((1 + spin)) "$(jcount $out '"verdict":')"
	s="allowed=$(jsummary $out allowed) violations=$(jsummary $out violations) denied=$(jsummary $out denied) dropped=$(jsummary $out dropped)"
	diag "atomic-context summary: $s"
	check_eq "summary counters" "allowed=0 violations=$((1 + spin)) denied=0 dropped=0" "$s"
	# 5.14 and later: the kernel names them (ksyms_bpf.c), no pass over
	# /proc/kallsyms. Printed as "kallsyms: P passes ... before the stop:
	# P passes ... the kernel asked N times".
	check_eq "the stack's names came from the kernel, not /proc/kallsyms" "0 0 asked" \
		"$(sed -n 's/.*kallsyms: \([0-9]*\) passes.*before the stop: \([0-9]*\) passes.*the kernel asked \([0-9]*\) times.*/\1 \2 \3/p' /tmp/audit.err |
		   awk '{ print $1, $2, ($3 > 0 ? "asked" : "not asked") }')"
	;;
2) results 5 skip "status names no audit mode on this kernel (see its reason)" "atomic-context check" ;;
*) results 5 not_ok "audit did not run" "atomic-context check" ;;
esac
