# SPDX-License-Identifier: GPL-2.0-only
# Load, fill, attach (issue 11, item 2): the allowlist must be whole before
# any program runs, or in that window audit flags allowed atomic-mode
# transfers and enforce refuses them. The window is microseconds and atomic
# mode needs a suspend, which freezes the tool, so the order itself is
# checked, in the kernel: kprobe events on bpf_map_update_value() (every
# BPF_MAP_UPDATE_ELEM from userspace, with the map's name) and on
# bpf_link_prime() and perf_event_set_bpf_prog() (every way a program gets
# attached, with its name), on the counter trace clock (one order across
# CPUs). For audit in kprobe and in tracepoint mode, and for enforce, with a
# policy that allows one client: the tool updates an allowlist map (a map
# whose name holds "allow"), attaches its programs, and its last allowlist
# update comes before its first attach of a program that is still loaded
# once it says it is attached (bpftool prog show): a do-nothing program the
# kernel probe attaches for a moment, and detaches, is not one of them.
# group: policy
# timeout: 900
. /lib/iag/lib.sh
plan 12

stub=$(load_stub 0x50) || { not_ok "i2c-stub loads"; exit 1; }
add_clients "$stub" 0x50 || { not_ok "a client at $stub-0050"; exit 1; }
for m in audit enforce; do
	printf 'mode: %s\nallow:\n  - i2c: %d-0050\n' $m "$stub" >/tmp/policy-$m.yaml
	chmod 600 /tmp/policy-$m.yaml
done

# The probes (BTF arguments: the kernel finds the fields by name).
probes='p:iag/map_update bpf_map_update_value map=map->name:string
p:iag/link_prime bpf_link_prime prog=link->prog->aux->name:string
p:iag/perf_set_bpf perf_event_set_bpf_prog prog=prog->aux->name:string'
echo 0 >$TR/tracing_on
echo "$probes" | while IFS= read -r p; do
	echo "$p" >>$TR/kprobe_events || echo "kprobe event refused: $p"
done >/tmp/kprobe.err 2>&1
command -v bpftool >/dev/null || echo "no bpftool in this initramfs" >>/tmp/kprobe.err
if [ -s /tmp/kprobe.err ] || [ ! -d $TR/events/iag ]; then
	cat /tmp/kprobe.err
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		skip "load, fill, attach" "$(head -1 /tmp/kprobe.err)"
	done
	exit 0
fi
echo counter >$TR/trace_clock
echo 1 >$TR/events/iag/enable

# order TRACE LIVE: one line per event of the tool, in order: "fill NAME"
# for an update of an allowlist map, "attach PROG" for an attach of a
# program named in the file LIVE, "probe PROG" for any other attach.
order() {
	sed -n 's/.* map_update: .* map="\([^"]*\)".*/map \1/p; s/.* \(link_prime\|perf_set_bpf\): .* prog="\([^"]*\)".*/attach \2/p' "$1" |
		sed 's/^map \(.*allow.*\)/fill \1/' | grep -E '^(fill|attach) ' |
		while read -r what name; do
			[ "$what" = attach ] && ! grep -qx "$name" "$2" && what=probe
			echo "$what $name"
		done
}

# stop_tool: SIGINT, then at most 90 s of guest time (detaching is slow
# under a loaded TCG) before SIGKILL: a tool that does not stop must not
# hang the scenario. AUDIT_RC is the exit code.
stop_tool() {
	local until=$(($(cut -d. -f1 /proc/uptime) + 90))
	kill -INT "$AUDIT_PID" 2>/dev/null
	while kill -0 "$AUDIT_PID" 2>/dev/null && [ "$(cut -d. -f1 /proc/uptime)" -lt "$until" ]; do
		sleep 0.2
	done
	kill -KILL "$AUDIT_PID" 2>/dev/null
	wait "$AUDIT_PID"
	AUDIT_RC=$?
	cat /tmp/audit.err
}

# run NAME CMD...: CMD in the background until attached (at most 120 s of
# guest time), then stopped; its events checked.
run() {
	local name=$1 t seq fills attaches last_fill first_attach until
	shift
	t=/tmp/trace-$(echo "$name" | tr -c 'a-z\n' _)
	echo >$TR/trace
	echo 1 >$TR/tracing_on
	"$@" 2>/tmp/audit.err &
	AUDIT_PID=$!
	until=$(($(cut -d. -f1 /proc/uptime) + 120))
	while ! grep -q "attached" /tmp/audit.err && kill -0 $AUDIT_PID 2>/dev/null &&
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$until" ]; do
		sleep 0.2
	done
	echo 0 >$TR/tracing_on
	# The programs loaded now, the tool's attached ones (names cut as the
	# kernel keeps them, 15 characters, as in the trace: bpftool prints
	# the whole name from BTF).
	bpftool prog show | sed -n 's/^[0-9]*: [a-z_]*  *name \([^ ]*\) .*/\1/p' | cut -c1-15 | sort -u >/tmp/live
	stop_tool
	# The tool's own events (its pid after the task name).
	grep -E -- "-$AUDIT_PID +\[" $TR/trace >$t
	seq=$(order $t /tmp/live)
	echo "$seq" | sed "s/^/$name: /"
	fills=$(echo "$seq" | grep -c '^fill ')
	attaches=$(echo "$seq" | grep -c '^attach ')
	last_fill=$(echo "$seq" | grep -n '^fill ' | tail -1 | cut -d: -f1)
	first_attach=$(echo "$seq" | grep -n '^attach ' | head -1 | cut -d: -f1)
	check "$name: the allowlist was filled ($fills updates of an allow map)" [ "$fills" -ge 1 ]
	check "$name: programs were attached ($attaches)" [ "$attaches" -ge 1 ]
	if [ "$fills" -ge 1 ] && [ "$attaches" -ge 1 ] && [ "$last_fill" -lt "$first_attach" ]; then
		ok "$name: every allowlist update came before the first attach"
	else
		not_ok "$name: every allowlist update came before the first attach" \
			"$(echo "$seq" | grep -n . | grep -A3 -B3 '^[0-9]*:fill' | head -20)"
	fi
	check_eq "$name: it stopped on SIGINT with exit 0" 0 "$AUDIT_RC"
}

run "audit --mode kprobe" $IAG audit --json --output /tmp/a-kp.jsonl --mode kprobe --policy /tmp/policy-audit.yaml
run "audit --mode tracepoint" $IAG audit --json --output /tmp/a-tp.jsonl --mode tracepoint --policy /tmp/policy-audit.yaml
run "enforce" $IAG enforce --json --output /tmp/e.jsonl --policy /tmp/policy-enforce.yaml
echo 0 >$TR/events/iag/enable
echo >$TR/kprobe_events
