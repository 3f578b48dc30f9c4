# SPDX-License-Identifier: GPL-2.0-only
# Enforce on an I2C-only adapter (master_xfer and master_xfer_atomic, no
# SMBus callback: the usual SoC controller). An SMBus write there is
# emulated: __i2c_smbus_xfer() gives no hook call, __i2c_transfer() inside
# it does, one level down. The logical transfer's verdict must hold at that
# level too: in one pm_test=core suspend the allowed client's write lands,
# the unauthorized client's i2c_smbus_write_byte_data() is refused with
# -EPERM and the register file is unchanged, and a raw I2C read of the
# unauthorized client is refused as well. One denied record per logical
# transfer (two), one allowed.
# group: tool
# timeout: 180
. /lib/iag/lib.sh
plan 9

topology_setup i2conly_adapter=1 || { not_ok "topology"; exit 1; }
I2O=$(topo i2conly)
add_clients $I2O 0x10 0x20 || { not_ok "clients on the I2C-only adapter"; exit 1; }
diag "I2C-only adapter i2c-$I2O: $(cat /sys/bus/i2c/devices/i2c-$I2O/name)"
printf 'mode: enforce\nallow:\n  - i2c: %d-0010\n' "$I2O" >/tmp/policy.yaml
chmod 600 /tmp/policy.yaml
$IAG enforce --policy /tmp/policy.yaml --json >/tmp/enforce.jsonl 2>/tmp/audit.err &
AUDIT_PID=$!
if wait_for /tmp/audit.err "attached" 600; then ok "enforce attaches"; else not_ok "enforce attaches" "$(cat /tmp/audit.err)"; fi
echo "w $I2O 0x10 0x05 0x11; w $I2O 0x20 0x06 0x22; i $I2O 0x20" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
audit_stop
cat /tmp/enforce.jsonl
d=$(dmesg_since)
echo "$d" | grep "phase=suspend"
check_eq "the allowed SMBus write succeeds" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$I2O addr=0x10 reg=0x05 ret=0 ")"
check_eq "the unauthorized SMBus write (emulated) returns -EPERM" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=w adapter=$I2O addr=0x20 reg=0x06 ret=-1 ")"
check_eq "the unauthorized raw I2C read returns -EPERM" 1 \
	"$(echo "$d" | grep -c "phase=suspend op=i adapter=$I2O addr=0x20 .*ret=-1 ")"
check_eq "two denied records for $I2O-0020, path [$I2O]" 2 \
	"$(jcount /tmp/enforce.jsonl '"kind":"denied"' '"verdict":"denied"' "\"device\":\"$I2O-0020\"" "\"adapter_path\":[$I2O]")"
check_eq "summary denied=2 allowed=1" "2 1" \
	"$(jsummary /tmp/enforce.jsonl denied) $(jsummary /tmp/enforce.jsonl allowed)"
check_eq "summary violations=0 dropped=0" "0 0" \
	"$(jsummary /tmp/enforce.jsonl violations) $(jsummary /tmp/enforce.jsonl dropped)"
dmesg_mark
echo "r $I2O 0x10 0x05; r $I2O 0x10 0x06" >/sys/kernel/debug/iag_test/run_now
d=$(dmesg_since)
check_eq "the allowed write landed (reg 0x05 = 0x11)" 1 \
	"$(echo "$d" | grep -c "op=r adapter=$I2O addr=0x10 reg=0x05 ret=0 val=0x11")"
check_eq "the refused write did not touch the chip (reg 0x06 = 0x00)" 1 \
	"$(echo "$d" | grep -c "op=r adapter=$I2O addr=0x10 reg=0x06 ret=0 val=0x00")"
