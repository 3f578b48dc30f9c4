# SPDX-License-Identifier: GPL-2.0-only
# The project's patched kernel on arm64 (qemu-system-aarch64 -M virt, TCG):
#  - the test module's mux topology on the patched i2c-stub;
#  - status: the i2c_atomic tracepoints and the enforcement hook are there;
#  - atomic context while running, in tracepoint and in kprobe mode (the
#    kprobe/fentry path reads the interrupt state from pstate on arm64): the
#    hard-IRQ hrtimer transfer is an atomic_context_xfer with interrupts
#    disabled; the ordinary one is not reported;
#  - power-off, the atomic-mode path QEMU's arm64 virt has (no PSCI
#    SYSTEM_SUSPEND there): `enforce --pin` with the client behind mux
#    channel 1 allowed, `shutdown-audit arm`, and a sys-off handler above
#    PSCI's that writes to that client and to the root client 0x52. The
#    host half checks the console: the unauthorized write refused (-EPERM),
#    the allowed one done, and `report --console` naming the refusal.
# kernels: arm64
# timeout: 240
# allow-kernel: (sleeping function called from invalid context|Invalid wait context|WARNING: .*(locking|lockdep|mutex|sched)|BUG: scheduling while atomic)
. /lib/iag/lib.sh
plan 12

topology_setup || { not_ok "topology"; exit 1; }
ok "topology on $(cat /sys/bus/i2c/devices/i2c-$STUB/name) ($(uname -m))"
$IAG status --json >/tmp/status.json 2>&1
cat /tmp/status.json
check_eq "status: the i2c_atomic tracepoints" 1 "$(jcount /tmp/status.json '"tracepoints":true')"
check_eq "status: the enforcement hook" 1 "$(jcount /tmp/status.json '"enforce_hook":true')"

for mode in tracepoint kprobe; do
	out=/tmp/ctx-$mode.jsonl
	audit_start $out --mode $mode || { not_ok "$mode: audit attaches"; continue; }
	ok "$mode: audit attaches"
	echo "r $STUB 0x50 0x00" >/sys/kernel/debug/iag_test/run_now
	echo "r $STUB 0x50 0x00" >/sys/kernel/debug/iag_test/run_hrtimer
	sleep 0.5
	audit_stop
	cat $out
	check_eq "$mode: the hard-IRQ transfer, interrupts disabled" 1 \
		"$(jcount $out '"kind":"atomic_context_xfer"' '"verdict":"violation"' '"irqs_disabled":true' "\"adapter\":$STUB," '"addr":80,')"
	check_eq "$mode: nothing else reported" 1 "$(jcount $out '"verdict":')"
done

cat >/tmp/policy.yaml <<P
mode: enforce
allow:
  - i2c: $C_CH1
    reason: the client behind mux channel 1
P
chmod 600 /tmp/policy.yaml
check "enforce --pin" $IAG enforce --policy /tmp/policy.yaml --pin
check "shutdown-audit arm" $IAG shutdown-audit arm
check "power-off plan set" sh -c "echo 'w $CH1 0x51 0x10 0x11; w $STUB 0x52 0x10 0x22' >/sys/kernel/debug/iag_test/poweroff_plan"
echo "iag-topo=$STUB $CH0 $CH1"
