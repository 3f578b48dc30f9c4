# SPDX-License-Identifier: GPL-2.0-only
# A stop signal during start-up is not lost. A script's background job
# starts with SIGINT ignored; audit and enforce caught SIGINT only once
# attached, so a SIGINT that came while the programs were loading was
# dropped and the command ran until killed (the benchmark saw it). Here
# SIGINT is sent 0.1 s after the start, before "attached": the command must
# still end by itself, with its summary, and leave no program loaded.
# group: tool
# timeout: 300
. /lib/iag/lib.sh
plan 6

# Programs still loaded, after at most 5 s (links are released by a work item).
nprogs() {
	local i=0 n
	while :; do
		n=$($IAG status --json | grep -o '"name":"' | wc -l)
		[ "$n" = 0 ] || [ $i -ge 50 ] && break
		sleep 0.1
		i=$((i + 1))
	done
	echo "$n"
}
stopped_within() {	# PID TENTHS: 0 once PID is gone
	local i=0
	while kill -0 "$1" 2>/dev/null; do
		[ $i -ge "$2" ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}
can_enforce=$($IAG status --json | grep -c '"enforce":true')
for cmd in audit enforce; do
	if [ $cmd = enforce ] && [ "$can_enforce" = 0 ]; then
		skip "$cmd: SIGINT during start-up ends it" "status: this kernel cannot enforce"
		skip "$cmd: it wrote its summary and left nothing loaded" "status: this kernel cannot enforce"
		continue
	fi
	printf 'mode: enforce\nallow:\n  - adapter: i2c-0\n' >/tmp/p.yaml
	chmod 600 /tmp/p.yaml
	args="--json --output /tmp/$cmd.jsonl"
	[ $cmd = enforce ] && args="$args --policy /tmp/p.yaml"
	$IAG $cmd $args 2>/tmp/$cmd.err &
	pid=$!
	sleep 0.1
	early=$(grep -c attached /tmp/$cmd.err)
	kill -INT $pid
	if [ "$early" != 0 ]; then
		skip "$cmd: SIGINT during start-up ends it" "it attached within 0.1 s: no start-up left to test"
	elif stopped_within $pid 300; then
		ok "$cmd: SIGINT during start-up ends it"
	else
		not_ok "$cmd: SIGINT during start-up ends it" "still running 30 s later"
		kill -KILL $pid
	fi
	wait $pid
	cat /tmp/$cmd.err
	check_eq "$cmd: it wrote its summary and left nothing loaded" "1 0" \
		"$(jcount /tmp/$cmd.jsonl '"kind":"summary"') $(nprogs)"
done
# kprobe mode's links are released from a thread each (session_detach.c):
# the stop still ends the command and leaves nothing loaded.
$IAG audit --mode kprobe --json --output /tmp/kp.jsonl 2>/tmp/kp.err &
pid=$!
if wait_for /tmp/kp.err attached 600; then
	kill -INT $pid
	if stopped_within $pid 300; then
		ok "audit --mode kprobe: SIGINT once attached ends it"
	else
		not_ok "audit --mode kprobe: SIGINT once attached ends it" "still running 30 s later"
		kill -KILL $pid
	fi
else
	not_ok "audit --mode kprobe: SIGINT once attached ends it" "$(cat /tmp/kp.err)"
	kill -INT $pid
fi
wait $pid
cat /tmp/kp.err
check_eq "audit --mode kprobe: it wrote its summary and left nothing loaded" "1 0" \
	"$(jcount /tmp/kp.jsonl '"kind":"summary"') $(nprogs)"
