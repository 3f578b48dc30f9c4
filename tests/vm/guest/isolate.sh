# SPDX-License-Identifier: GPL-2.0-only
# Isolation between the scenarios of one boot (busybox sh, sourced by
# /init). tests/vm/run-queue.sh runs the scenarios that opt in ("# group:")
# in one boot; between two of them, iag_isolate puts back what a scenario
# may have changed, so that the next one starts as it would after a boot of
# its own: no leftover process, module, pin, tracer, knob or file.
# iag_snapshot, before the first scenario, records the knobs' boot values.

SNAP=/run/iag-snapshot

# iag_knob_value FILE: a knob's value; for a choice list ("[none] core",
# "s2idle [deep]") the chosen one.
iag_knob_value() {
	local v
	v=$(cat "$1" 2>/dev/null) || return 1
	case $v in *\[*\]*) v=$(echo "$v" | sed 's/.*\[\(.*\)\].*/\1/') ;; esac
	echo "$v"
}

# The knobs scenarios write: the series' atomic_log switches and the
# suspend test mode.
iag_knobs() {
	ls /sys/module/i2c_core/parameters/* 2>/dev/null
	echo /sys/power/pm_test /sys/power/mem_sleep /sys/module/suspend/parameters/pm_test_delay
}

iag_snapshot() {
	local k v
	mkdir -p $SNAP
	for k in $(iag_knobs); do
		v=$(iag_knob_value "$k") && echo "$k $v"
	done >$SNAP/knobs
	cp -a /etc $SNAP/etc
	iag_nprogs >$SNAP/nprogs
}

# iag_nprogs: BPF programs loaded (bpftool: x86 only; 0 without it).
iag_nprogs() { bpftool prog list 2>/dev/null | grep -c '^[0-9]*:'; }

# iag_bpf_settle: wait (at most 5 s) until the killed processes' programs
# are gone: the kernel releases them after their last link and fd, a
# little later (a scenario counting programs would count them).
iag_bpf_settle() {
	local i=0
	while [ "$(iag_nprogs)" -gt "$(cat $SNAP/nprogs)" ] && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ $i -lt 50 ] || echo "iag-isolate: BPF programs still loaded: $(bpftool prog list 2>/dev/null | grep '^[0-9]*:')"
}

# iag_lockdep: 1 while lockdep still checks (its first report turns it off
# for the rest of the boot), 0 once it stopped, - without lockdep.
iag_lockdep() {
	local v
	v=$(sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null)
	echo "${v:--}"
}

# iag_kill_all: every process but init. Kernel threads (and zombies) have
# no /proc/PID/exe to follow; tested without a fork per process (a fork
# costs milliseconds under TCG, and a boot has a hundred kernel threads).
iag_kill_all() {
	local p left i=0
	while [ $i -lt 50 ]; do
		left=
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			[ "$p" = 1 ] || [ ! -e "/proc/$p/exe" ] && continue
			kill -KILL "$p" 2>/dev/null && left="$left $p"
		done
		[ -z "$left" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "iag-isolate: processes still there:$left"
}

# iag_rmmod_all: the scenario's modules (the initramfs boot loads none), in
# as many passes as their dependencies need. A test module's plan holds
# its adapters (i2c_get_adapter), its own ones too, which pins the module:
# emptied first.
iag_rmmod_all() {
	local m i=0
	for m in /sys/kernel/debug/iag_*/*_plan; do [ -f "$m" ] && echo >"$m"; done
	while [ -n "$(cat /proc/modules)" ] && [ $i -lt 10 ]; do
		for m in $(cut -d' ' -f1 /proc/modules); do rmmod "$m" 2>/dev/null; done
		i=$((i + 1))
		[ -n "$(cat /proc/modules)" ] && sleep 0.2
	done
	[ -z "$(cat /proc/modules)" ] && return 0
	echo "iag-isolate: modules still loaded:"
	cat /proc/modules
	for m in $(cut -d' ' -f1 /proc/modules); do rmmod "$m"; done
}

# iag_tracing_reset: ftrace as at boot (on, no tracer, no event, no probe,
# the default clock).
iag_tracing_reset() {
	local t=/sys/kernel/tracing
	[ -d $t/events ] || return 0
	echo 0 >$t/tracing_on
	echo nop >$t/current_tracer
	echo >$t/set_event
	echo >$t/set_ftrace_filter 2>/dev/null
	echo >$t/kprobe_events 2>/dev/null
	echo >$t/uprobe_events 2>/dev/null
	echo local >$t/trace_clock
	echo >$t/trace
	echo 1 >$t/tracing_on
}

iag_isolate() {
	local k v
	iag_kill_all
	grep -q ' /sys/fs/bpf ' /proc/mounts || mount -t bpf bpf /sys/fs/bpf
	rm -rf /sys/fs/bpf/*
	iag_bpf_settle
	iag_tracing_reset
	iag_rmmod_all
	while read -r k v; do
		[ "$(iag_knob_value "$k")" = "$v" ] || echo "$v" >"$k" 2>/dev/null
	done <$SNAP/knobs
	rm -rf /etc && cp -a $SNAP/etc /etc
	rm -rf /tmp/* /tmp/.[!.]* 2>/dev/null
}
