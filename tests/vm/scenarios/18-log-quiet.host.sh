# SPDX-License-Identifier: GPL-2.0-only
# Host half of 18-log-quiet: what a "quiet" console shows.
c=$CONSOLE
a=$(sed -n 's/.*iag-stub-adapter=//p' "$c" | head -1)
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
res "console: quiet hides ordinary info lines (no iag_test lines)" 0 "$(grep -c "iag_test: phase=" "$c")"
res "console: a line logged at level 6 is hidden" 0 "$(grep -c "i2c-atomic: event=smbus_xfer .*cmd=0x01 " "$c")"
res "console: the suspend line at the default level shows" 1 \
	"$(grep -c "i2c-atomic: event=smbus_xfer adapter=$a addr=0x50 flags=0x0000 rw=read cmd=0x02 proto=2 cb=smbus_xfer_atomic state=suspend" "$c")"
res "console: the power-off line shows" 1 \
	"$(grep -c "i2c-atomic: event=smbus_xfer adapter=$a addr=0x50 flags=0x0000 rw=read cmd=0x03 proto=2 cb=smbus_xfer_atomic state=power_off" "$c")"
res "console: and its result line" 1 "$(grep -c "i2c-atomic: event=result adapter=$a addr=0x50 ret=0" <(sed -n '/cmd=0x03 /,$p' "$c"))"
