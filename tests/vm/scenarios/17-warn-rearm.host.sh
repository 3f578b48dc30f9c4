# SPDX-License-Identifier: GPL-2.0-only
# Host half of 17-warn-rearm: the power-off WARN, after the suspend one.
c=$CONSOLE
a=$(sed -n 's/^iag-noatomic-adapter=//p' "$c" | head -1)
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
w="No atomic I2C transfer handler for 'i2c-$a'"
res "console: the WARN fired twice in all (suspend, power-off)" 2 "$(grep -c "$w" "$c")"
res "console: once after the power-off plan began" 1 \
	"$(sed -n '/iag_test: phase=poweroff begin/,$p' "$c" | grep -c "$w")"
res "console: the power-off transfer ran (memory adapter, 0x5a)" 1 \
	"$(grep -c "iag_test: phase=poweroff op=r adapter=$a addr=0x20 reg=0x00 ret=0 val=0x5a state=5" "$c")"
res "console: the machine powered off" 1 "$(grep -c "reboot: Power down" "$c")"
