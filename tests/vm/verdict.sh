# SPDX-License-Identifier: GPL-2.0-only
# The verdict of tests/vm/run-vm.sh (sourced there): one KTAP subtest per
# scenario of a boot, judged on that scenario's part of the logs. A boot of
# several scenarios ("# group:") is cut at the guest's markers: the results
# port between "# iag-scenario NAME begin" and its "exit", the console from
# the "iag-init: scenario NAME" line (kernel boot messages count for the
# first scenario) up to the next scenario's, power-off for the last. So a
# splat counts against the scenario that printed it, a hang or a panic
# fails the scenario it happened in, and the scenarios after it fail as not
# run. Uses run-vm.sh's: names, qrc, timeout_s, secs, accel, expect_panic,
# bootcon, bootres, logdir, multi, boot_retried.

# slice_results NAME: NAME's lines of the boot's results port.
slice_results() {
	if [ "$multi" = 0 ]; then cat "$bootres" 2>/dev/null; return; fi
	sed -n "/^# iag-scenario $1 begin/,/^# iag-scenario $1 \(exit\|missing\)/p" "$bootres" 2>/dev/null
}

# con_line NAME: the console line number where NAME began (empty: never).
con_line() { grep -n -m1 -E "iag-init: scenario $1\$" "$bootcon" 2>/dev/null | cut -d: -f1; }

# slice_console K: the console part of member K (0-based) of names.
slice_console() {
	local k=$1 from to
	if [ "$multi" = 0 ]; then cat "$bootcon" 2>/dev/null; return; fi
	from=$(con_line "${names[k]}")
	[ "$k" = 0 ] && from=1
	[ -n "$from" ] || return 0
	to=
	[ $((k + 1)) -lt ${#names[@]} ] && to=$(con_line "${names[k + 1]}")
	if [ -n "$to" ]; then sed -n "${from},$((to - 1))p" "$bootcon"; else sed -n "${from},\$p" "$bootcon"; fi
}

# marker NAME begin|exit|at|lockdep: from NAME's markers, the uptime it
# began, its exit status, the uptime it ended, lockdep's state then.
marker() {
	local re
	case $2 in
	begin) re="begin at \([0-9.]*\)" ;;
	exit) re="exit \([0-9]*\)" ;;
	at) re="exit [0-9]* at \([0-9.]*\)" ;;
	lockdep) re="exit .* lockdep=\([0-9-]*\)" ;;
	esac
	sed -n "s/^# iag-scenario $1 $re.*/\1/p" "$bootres" 2>/dev/null | head -1
}

# end_owner: the member during which the boot ended: the first one without
# an exit marker, or the last.
end_owner() {
	local k
	for ((k = 0; k < ${#names[@]}; k++)); do
		[ -n "$(marker "${names[k]}" exit)" ] || { echo "$k"; return; }
	done
	echo $((${#names[@]} - 1))
}

# lockdep_killer K: the earlier member whose run turned lockdep off (its
# first report does, for the rest of the boot), so member K ran without it.
lockdep_killer() {
	local j
	for ((j = 0; j < $1; j++)); do
		[ "$(marker "${names[j]}" lockdep)" = 0 ] &&
			{ echo "${names[j]}"; return; }
	done
}

# judge_end K CON: the "ran to its end" result of member K.
judge_end() {
	local k=$1 con=$2 name=${names[$1]} owner
	owner=$(end_owner)
	if [ "$k" -gt "$owner" ]; then
		emit not-ok "$name: guest reached the end marker" \
			"not run: the boot ended during ${names[owner]} (see $logdir/${names[owner]}.console.log)"
	elif [ "$k" -lt "$owner" ]; then
		emit ok "$name: VM booted, ran and powered off"
	elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		emit not-ok "$name: VM finished by itself" "QEMU was killed after ${timeout_s}s (hang); last console lines:
$(echo "$con" | tail -15)"
	elif echo "$con" | grep -q "Kernel panic" &&
		! { [ -n "$expect_panic" ] && echo "$con" | grep -Eq "Kernel panic - not syncing: ($expect_panic)"; }; then
		emit not-ok "$name: no kernel panic" "$(echo "$con" | grep -A15 'Kernel panic' | head -20)"
	elif ! grep -q "^# iag-done" "$bootres" 2>/dev/null; then
		emit not-ok "$name: guest reached the end marker" "no '# iag-done' on the results port (qemu rc $qrc); see $logdir/$name.console.log"
	else
		emit ok "$name: VM booted, ran and powered off"
	fi
}

# judge_results RES: the guest's results, renumbered into this subtest;
# sets planned and got.
judge_results() {
	local line desc in_fail=0
	planned=$(echo "$1" | grep -m1 -E '^1\.\.[0-9]+$' | cut -d. -f3)
	got=0
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			got=$((got + 1))
			desc=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ //')
			case $line in
			"ok "*) emit ok "$desc"; in_fail=0 ;;
			*) emit not-ok "$desc"; in_fail=1 ;;
			esac
			;;
		"#"*) [ "$in_fail" = 1 ] && echo "    $line" ;;
		*) in_fail=0 ;;
		esac
	done <<<"$1"
}

# judge_splats K CON: kernel warnings the scenario does not allow, in its
# part of the console; and lockdep, if an earlier member turned it off.
judge_splats() {
	local name=${names[$1]} allow splats killer
	local re='(WARNING:|BUG:|Oops|UBSAN:|INFO: task|Invalid wait context|possible circular locking|inconsistent lock state)'
	allow=$(hdr allow-kernel "${scripts[$1]}")
	splats=$(echo "$2" | grep -E "$re" | { if [ -n "$allow" ]; then grep -Ev "$allow"; else cat; fi; })
	killer=$(lockdep_killer "$1")
	if [ -n "$splats" ]; then
		emit not-ok "$name: no unexpected kernel warnings" "$(echo "$splats" | head -10)"
	elif [ -n "$killer" ]; then
		emit not-ok "$name: no unexpected kernel warnings" \
			"lockdep was off: $killer turned it off earlier in this boot (give $killer a boot of its own)"
	else
		emit ok "$name: no unexpected kernel warnings"
	fi
}

# judge_host K CON: the scenario's host part (a boot of its own only).
judge_host() {
	local line host=${scripts[$1]%.sh}.host.sh
	[ -f "$host" ] || return 0
	while IFS= read -r line; do
		case $line in
		"ok "*) emit ok "${line#ok }" ;;
		"not ok "*) emit not-ok "${line#not ok }" ;;
		"skip "*) n=$((n + 1)); echo "    ok $n ${line#skip } # SKIP" ;;
		"#"*) echo "    $line" ;;
		esac
	done < <(CONSOLE=$logdir/${names[$1]}.console.log RESULTS_LOG=$logdir/${names[$1]}.results.log bash "$host" 2>&1)
}

# emit ok|not-ok DESC [DETAIL]
emit() {
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "    ok $n $2"
	else
		failed=$((failed + 1))
		echo "    not ok $n $2"
		[ -n "${3:-}" ] && echo "$3" | sed 's/^/    # /'
	fi
}

# guest_secs NAME: the guest time NAME ran (uptime between its markers).
guest_secs() {
	local b e
	b=$(marker "$1" begin) e=$(marker "$1" at)
	[ -n "$b" ] && [ -n "$e" ] && awk "BEGIN { printf \"%.1f\", $e - $b }"
}

# judge K: member K's KTAP subtest on stdout; status 0 if it passed. Its
# parts of the logs are written to LOGDIR/NAME.{console,results}.log.
judge() {
	local k=$1 name=${names[$1]} con res gs where
	n=0 failed=0
	con=$(slice_console "$k")
	res=$(slice_results "$name")
	if [ "$multi" = 1 ]; then
		echo "$con" >"$logdir/$name.console.log"
		echo "$res" >"$logdir/$name.results.log"
	fi
	gs=$(guest_secs "$name")
	where="${secs}s"
	[ "$multi" = 1 ] && where="one of ${#names[@]} in a boot of ${secs}s ($bootcon)"
	echo "    KTAP version 1"
	echo "    # $name: accel=$accel, $where, ${gs:-?}s of guest time, console log: $logdir/$name.console.log"
	[ -n "$boot_retried" ] &&
		echo "    # the first boot panicked before any scenario began, booted again: $(grep -m1 -E 'Oops|BUG|Kernel panic' "$boot_retried") (console: $boot_retried)"
	judge_results "$res"
	judge_end "$k" "$con"
	if [ -z "$planned" ] || [ "$got" != "$planned" ]; then
		emit not-ok "$name: guest reported all planned results" "planned ${planned:-nothing}, got $got"
	fi
	judge_splats "$k" "$con"
	judge_host "$k"
	echo "    1..$n"
	[ "$failed" = 0 ]
}
