# SPDX-License-Identifier: GPL-2.0-only
# A stuck bus seen live by audit (issue 16): x86's way to show the stuck-bus
# check of scenario 53 while userspace is alive. x86 runs no restart handler
# after a panic (docs/stuck-bus.md), but a pm_test=core suspend runs the
# test module's syscore callback in atomic mode (system_state SUSPEND,
# interrupts off), through the same i2c_atomic_lock_bus() check.
#  - iag_stuck.ko makes i2c-gpio adapters 41 and 42 on a GPIO chip whose
#    lines cannot sleep, with a simulated target at 0x50 on each;
#  - its target holds SDA low: on 41 until 3 SCL edges (recovery frees the
#    bus), on 42 for ever (recovery fails);
#  - `audit --json --fail-on-violation` (a policy allows both adapters, so
#    no transfer is a violation) runs while the syscore callback writes to
#    0x50 on 41 twice and on 42 once.
# audit must record bus_stuck and bus_recovery with the right results, count
# them, and exit 6 (a bus left stuck); report reads its records the same
# way. A second cycle with only 41 stuck, audit's text table this time,
# must end in "recovered" and exit 0; `ci` around a third cycle with 42
# stuck must fail that bus's KTAP test and exit 6.
# Without the kernel's support (patch 8 and i2c-gpio's recovery, I2C_GPIO,
# GPIOLIB) every step SKIPs, saying why.
# kernels: default test-6.1
# timeout: 300
. /lib/iag/lib.sh
plan 18

steps="iag_stuck: i2c-gpio adapters 41 and 42|status: audit sees stuck buses|running system: the target on 41 ACKs a write|SDA held low on 41 and 42|audit attaches|the three writes in the syscore callback|41: one bus_stuck (sda=0, recovery tried, suspend)|41: bus_recovery ret 0 after 3 pulses, sda=1|42: one bus_stuck (sda=0, recovery tried, suspend)|42: bus_recovery ret -16 after 9 pulses, sda=0|summary: bus_stuck 2, bus_recovered 1, no violation|audit --fail-on-violation exits 6 (a bus left stuck)|console (atomic_log): the same two cases|report on audit's records: 42 still stuck, exit 6|text audit attaches|text: 41 recovered after 3 pulses|text audit exits 0 (the bus was recovered)|ci: KTAP 'not ok N bus-42-0050' with its line, exit 6"
skip_tag=iag-stuck-live

# What the kernel must have, said plainly when it has not.
[ -d /sys/kernel/tracing/events/i2c_atomic/i2c_atomic_bus_stuck ] ||
	skip_all "kernel without the stuck-bus check (series patch 8, i2c_atomic_bus_stuck)"
[ -d /sys/bus/platform/drivers/i2c-gpio ] || skip_all "kernel without CONFIG_I2C_GPIO"
[ -f "$KMOD/iag_stuck.ko" ] || skip_all "iag_stuck.ko not built (kernel without CONFIG_GPIOLIB)"
load_iag_test || skip_all "the test module does not load"
[ -e /sys/kernel/debug/iag_test/suspend_plan ] || skip_all "the test module has no suspend_plan"

insmod "$KMOD/iag_stuck.ko"
n=0
for a in 41 42; do [ -d /sys/bus/i2c/devices/i2c-$a ] && n=$((n + 1)); done
check_eq "iag_stuck: i2c-gpio adapters 41 and 42" 2 "$n"

$IAG status --json >/tmp/status.json 2>&1
check_eq "status: audit sees stuck buses" "1 1" \
	"$(jcount /tmp/status.json '"bus_events":true') $(jcount /tmp/status.json '"audit_bus_events":true')"

# The target works while the system runs (the check is for atomic mode only).
echo "w 41 0x50 0x10 0x01" >/sys/kernel/debug/iag_test/run_now
check_eq "running system: the target on 41 ACKs a write" 1 \
	"$(dmesg | grep -c 'phase=now op=w adapter=41 addr=0x50 reg=0x10 ret=0 ')"

# Both adapters allowed: the writes are no violation, only the buses count.
cat >/tmp/policy.yaml <<P
mode: audit
allow:
  - adapter: i2c-41
  - adapter: i2c-42
P
chmod 600 /tmp/policy.yaml
echo "41 3" >/sys/kernel/debug/iag_stuck/hold
echo "42 -1" >/sys/kernel/debug/iag_stuck/hold
cat /sys/kernel/debug/iag_stuck/lines
check_eq "SDA held low on 41 and 42" 2 "$(grep -c 'scl=1 sda=0' /sys/kernel/debug/iag_stuck/lines)"
echo "w 41 0x50 0x10 0x11; w 41 0x50 0x10 0x12; w 42 0x50 0x10 0x13" \
	>/sys/kernel/debug/iag_test/suspend_plan

# The kernel prints the same events on the console (atomic_log).
echo 1 >/sys/module/i2c_core/parameters/atomic_log
out=/tmp/stuck.jsonl
if audit_start $out --policy /tmp/policy.yaml --fail-on-violation; then
	ok "audit attaches"
else
	not_ok "audit attaches" "$(cat /tmp/audit.err)"
fi
dmesg_mark
suspend_core
audit_stop
cat $out
dmesg_since | grep -E 'iag_test: phase=suspend|iag_stuck|i2c-atomic: event=bus_'
check_eq "the three writes in the syscore callback" 3 \
	"$(dmesg_since | grep -c 'iag_test: phase=suspend op=w adapter=4[12] addr=0x50 reg=0x10 ret=0 .*state=7 irqs_disabled=1')"
check_eq "41: one bus_stuck (sda=0, recovery tried, suspend)" "1 1" \
	"$(jcount $out '"kind":"bus_stuck"' '"adapter":41,') $(jcount $out '"kind":"bus_stuck"' '"adapter":41,' '"addr":80,' '"system_state":"suspend"' '"scl":1,' '"sda":0,' '"recovery":"tried"')"
check_eq "41: bus_recovery ret 0 after 3 pulses, sda=1" 1 \
	"$(jcount $out '"kind":"bus_recovery"' '"adapter":41,' '"ret":0,' '"pulses":3' '"sda":1,')"
check_eq "42: one bus_stuck (sda=0, recovery tried, suspend)" "1 1" \
	"$(jcount $out '"kind":"bus_stuck"' '"adapter":42,') $(jcount $out '"kind":"bus_stuck"' '"adapter":42,' '"system_state":"suspend"' '"sda":0,' '"recovery":"tried"')"
check_eq "42: bus_recovery ret -16 after 9 pulses, sda=0" 1 \
	"$(jcount $out '"kind":"bus_recovery"' '"adapter":42,' '"ret":-16,' '"pulses":9' '"sda":0,')"
check_eq "summary: bus_stuck 2, bus_recovered 1, no violation" "2 1 0" \
	"$(jsummary $out bus_stuck) $(jsummary $out bus_recovered) $(jsummary $out violations)"
check_eq "audit --fail-on-violation exits 6 (a bus left stuck)" 6 "$AUDIT_RC"
echo 0 >/sys/module/i2c_core/parameters/atomic_log
check_eq "console (atomic_log): the same two cases" "1 1 1 1" \
	"$(dmesg_since | grep -c 'i2c-atomic: event=bus_stuck adapter=41 addr=0x50 scl=1 sda=0 recovery=tried state=suspend') $(dmesg_since | grep -c 'i2c-atomic: event=bus_recovery adapter=41 addr=0x50 ret=0 pulses=3 scl=1 sda=1') $(dmesg_since | grep -c 'i2c-atomic: event=bus_stuck adapter=42 addr=0x50 scl=1 sda=0 recovery=tried state=suspend') $(dmesg_since | grep -c 'i2c-atomic: event=bus_recovery adapter=42 addr=0x50 ret=-16 pulses=9 scl=1 sda=0')"

$IAG report --no-sysfs $out >/tmp/report.txt 2>&1
rc=$?
cat /tmp/report.txt
check_eq "report on audit's records: 42 still stuck, exit 6" "1 6" \
	"$(grep -c 'bus: adapter 42 addr 0x50: stuck (scl=1 sda=0) at suspend, recovery tried: ret -16 after 9 pulses, scl=1 sda=0: still stuck' /tmp/report.txt) $rc"

# Only 41 stuck this time, and audit's text table: recovered, exit 0.
echo "42 0" >/sys/kernel/debug/iag_stuck/hold
echo "41 3" >/sys/kernel/debug/iag_stuck/hold
echo "w 41 0x50 0x10 0x21" >/sys/kernel/debug/iag_test/suspend_plan
$IAG audit --policy /tmp/policy.yaml --fail-on-violation >/tmp/stuck.txt 2>/tmp/audit.err &
AUDIT_PID=$!
if wait_for /tmp/audit.err "attached" 600; then
	ok "text audit attaches"
else
	not_ok "text audit attaches" "$(cat /tmp/audit.err)"
fi
suspend_core
audit_stop
cat /tmp/stuck.txt
check_eq "text: 41 recovered after 3 pulses" "1 1" \
	"$(grep -c '^[0-9.]* *bus_stuck  *- *41 ' /tmp/stuck.txt) $(grep -c '^      recovery: ret 0 after 3 pulses, scl=1 sda=1: recovered$' /tmp/stuck.txt)"
check_eq "text audit exits 0 (the bus was recovered)" 0 "$AUDIT_RC"

# ci around a suspend that meets 42 held for ever: its KTAP report has a
# failing test for that bus, and ci exits 6.
echo "42 -1" >/sys/kernel/debug/iag_stuck/hold
echo "w 42 0x50 0x10 0x31" >/sys/kernel/debug/iag_test/suspend_plan
printf 'echo 0 >/sys/module/suspend/parameters/pm_test_delay\necho core >/sys/power/pm_test\necho mem >/sys/power/state\n' >/tmp/suspend.sh
$IAG ci --policy /tmp/policy.yaml --format ktap -- sh /tmp/suspend.sh >/tmp/ci.out 2>&1
rc=$?
cat /tmp/ci.out
check_eq "ci: KTAP 'not ok N bus-42-0050' with its line, exit 6" "1 1 6" \
	"$(grep -c '^not ok [0-9]* bus-42-0050$' /tmp/ci.out) $(grep -c '^# bus: adapter 42 addr 0x50: stuck (scl=1 sda=0) at suspend, recovery tried: ret -16 after 9 pulses, scl=1 sda=0: still stuck$' /tmp/ci.out) $rc"
