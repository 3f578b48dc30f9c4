# SPDX-License-Identifier: GPL-2.0-only
# The system path (issue 14): a Debian 12 root booted with systemd as init,
# the project's .deb installed, the policy in /etc (only the test board's
# reboot device, behind the mux's channel 1, may talk in atomic mode), the
# three units enabled; tests/vm/run-system.sh does that offline and boots it.
# Here: the enforce unit ran and exited with its pin in place; audit runs
# as a service and, in a pm_test=core suspend, writes one structured
# journal entry per violation while the pinned enforcement refuses the
# unauthorized write; the shutdown log is armed; udev ran `policy refresh`
# on a hot-plug. Then a restart plan is set and the guest runner reboots
# (systemctl reboot; QEMU's -no-reboot ends the run there): the host half
# checks the console (refused and allowed writes in the last phase of the
# reboot, the armed log's lines of it, `report --console`) and the units
# (systemd-analyze verify) and the package (lintian).
# runner: tests/vm/run-system.sh
# timeout: 1500
# memory: 1536
# append: rdinit=/sbin/init systemd.show_status=0
# policy: iag-reboot.yaml
# enable: i2c-atomic-guard-enforce.service i2c-atomic-guard-audit.service i2c-atomic-guard-shutdown-audit.service
# end: reboot
. /lib/iag/lib.sh
IAG=/usr/sbin/i2c-atomic-guard
PIN=/sys/fs/bpf/i2c-atomic-guard
EU=i2c-atomic-guard-enforce.service
AU=i2c-atomic-guard-audit.service
plan 15

# --- boot: the topology and the units ---
STUB=$(adapter_nr "SMBus stub driver")
CH1=$(topo chan1) C_CH1=$(topo chan1_client)
diag "stub=i2c-$STUB chan1=i2c-$CH1 client $C_CH1, kernel $(uname -r), $(systemctl --version | head -1)"
check_eq "the test topology is on i2c-stub's adapter, made before the enforce unit ran" \
	"$STUB yes" "$(cat /sys/module/iag_test/parameters/topology_adapter 2>/dev/null) $(
		[ "$(systemctl show -P ExecMainExitTimestampMonotonic iag-vm-modules.service)" -le \
		  "$(systemctl show -P ExecMainStartTimestampMonotonic $EU)" ] 2>/dev/null && echo yes || echo no)"
check_eq "the system is up (systemctl is-system-running: running)" running \
	"$(systemctl is-system-running --wait 2>/dev/null)"
systemctl --failed --no-pager
systemctl status --no-pager $EU 2>&1 | tee /tmp/eu.status
check_eq "systemctl status: the enforce unit is active (exited)" 1 \
	"$(grep -c 'Active: active (exited)' /tmp/eu.status)"
check_eq "the enforce unit: policy check then enforce --pin, both exit 0" "success 0" \
	"$(systemctl show -P Result $EU) $(systemctl show -P ExecMainStatus $EU)"
ls -l $PIN
check_eq "its pin is in place: allow, counters, link_enforce_check" 3 \
	"$(ls $PIN 2>/dev/null | grep -cE '^(allow|counters|link_enforce_check)$')"
$IAG status --json >/tmp/status.json 2>&1
check_eq "status: enforcing, from the pin (no process left of the unit)" 1 \
	"$(jcount /tmp/status.json '"enforcing":true')"
check_eq "the audit unit runs (active, running)" "active running" \
	"$(systemctl show -P ActiveState $AU) $(systemctl show -P SubState $AU)"
check_eq "the shutdown-audit unit armed the log switch" "Y" \
	"$(cat /sys/module/i2c_core/parameters/atomic_log 2>/dev/null)"

# --- udev: a client comes: `policy refresh` runs and succeeds ---
udevadm control --log-priority=debug
echo "iag-plain 0x53" >/sys/bus/i2c/devices/i2c-$STUB/new_device
udevadm settle --timeout=60
sleep 1
journalctl -b -u systemd-udevd --no-pager -o cat | grep -F 'policy refresh' | tail -5 >/tmp/udev.log
cat /tmp/udev.log
check_eq "udev ran 'policy refresh' on the i2c add, and it succeeded" "yes none" \
	"$(grep -q 'succeeded' /tmp/udev.log && echo yes || echo no) $(grep -q 'failed' /tmp/udev.log && echo failed || echo none)"
udevadm control --log-priority=info

# --- a suspend audit under the pinned enforcement ---
echo "w $CH1 0x51 0x10 0x11; w $STUB 0x52 0x10 0x22" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
d=$(dmesg_since)
check_eq "suspend: the allowed write (channel 1, 0x51) succeeds" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$CH1 addr=0x51 reg=0x10 ret=0 ")"
check_eq "suspend: the unauthorized write (0x52) is refused (-EPERM)" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$STUB addr=0x52 reg=0x10 ret=-1 ")"
sleep 3
# journalctl -o json: one entry a line, fields as "NAME":"value".
J=/tmp/journal.json
journalctl -b -o json --no-pager SYSLOG_IDENTIFIER=i2c-atomic-guard \
	MESSAGE_ID=8f3c2e6a1d7b4c0e9a5f2b6d4e1c7a93 >$J
journalctl -b -o verbose --no-pager MESSAGE_ID=8f3c2e6a1d7b4c0e9a5f2b6d4e1c7a93 | head -60
# Every record of the audit service (its --output file) is one entry; the
# violations and denials among them are the ones with that VERDICT field.
recs=$(grep -vc '"kind":"summary"' /run/i2c-atomic-guard/audit.jsonl 2>/dev/null)
bad_recs=$(grep -v '"kind":"summary"' /run/i2c-atomic-guard/audit.jsonl 2>/dev/null |
	grep -cE '"verdict": ?"(violation|denied)"')
check_eq "the journal holds one entry per record and per violation the audit recorded (and there are some)" \
	"$recs $bad_recs yes" "$(grep -c . $J) $(grep -cE '"VERDICT":"(violation|denied)"' $J) $(
		[ "${bad_recs:-0}" -gt 0 ] && echo yes || echo no)"
# The entry of the refused write, field by field.
entry=$(grep -F '"ADDR":"0x52"' $J | grep -F "\"ADAPTER\":\"$STUB\"" | grep -F '"SYSTEM_STATE":"suspend"' | head -1 |
	grep -oE '"(PRIORITY|SYSLOG_IDENTIFIER|KIND|VERDICT|ADAPTER|ADDR|DEVICE|DRIVER|SYSTEM_STATE|_SYSTEMD_UNIT)":"[^"]*"')
echo "$entry"
check_eq "the refused write's entry: structured fields from the audit service" 6 \
	"$(echo "$entry" | grep -cxE "\"PRIORITY\":\"4\"|\"SYSLOG_IDENTIFIER\":\"i2c-atomic-guard\"|\"VERDICT\":\"(violation|denied)\"|\"DEVICE\":\"$STUB-0052\"|\"KIND\":\"[a-z_]+\"|\"_SYSTEMD_UNIT\":\"$AU\"")"
check_eq "no entry names the allowed client (0x51 on channel 1)" 0 \
	"$(grep -F '"ADDR":"0x51"' $J | grep -cF "\"ADAPTER\":\"$CH1\"")"

# --- the reboot: the host half reads the console ---
check "restart plan set" sh -c "echo 'w $CH1 0x51 0x10 0x33; w $STUB 0x52 0x10 0x44' >/sys/kernel/debug/iag_test/restart_plan"
echo "iag-stub-adapter=$STUB iag-ch1-adapter=$CH1" >/dev/kmsg
