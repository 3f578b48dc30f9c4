# SPDX-License-Identifier: GPL-2.0-only
# Host half of 14-i801-poweroff: what the console shows after userspace is
# gone.
c=$CONSOLE
a=$(sed -n 's/^iag-i801-adapter=//p' "$c" | head -1)
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
res "console: i801 atomic SMBus event at power-off, cb=smbus_xfer_atomic" 1 \
	"$(grep -c "i2c_atomic_smbus_xfer: adapter=$a addr=0x51 flags=0x0000 rw=read cmd=0x10 proto=2 cb=smbus_xfer_atomic state=power_off" "$c")"
res "console: the result event has ret=0" 1 "$(grep -c "i2c_atomic_result: adapter=$a addr=0x51 ret=0" "$c")"
res "console: the sys-off handler read back 0xa5 in atomic mode" 1 \
	"$(grep -c "iag_test: phase=poweroff op=r adapter=$a addr=0x51 reg=0x10 ret=0 val=0xa5 state=5 irqs_disabled=1" "$c")"
res "console: no 'No atomic I2C transfer handler' WARN" 0 "$(grep -c "No atomic I2C transfer handler" "$c")"
res "console: the machine powered off (reached ACPI power-off)" 1 "$(grep -c "reboot: Power down" "$c")"
