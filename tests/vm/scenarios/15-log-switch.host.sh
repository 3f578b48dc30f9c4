# SPDX-License-Identifier: GPL-2.0-only
# Host half of 15-log-switch: the armed switch prints the power-off transfer.
c=$CONSOLE
a=$(sed -n 's/^iag-stub-adapter=//p' "$c" | head -1)
n=$(grep -c "i2c-atomic: event=smbus_xfer adapter=$a addr=0x50 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off" "$c")
if [ "$n" = 1 ]; then echo "ok console: power-off transfer logged by the switch"; else echo "not ok console: power-off transfer logged by the switch (found $n)"; fi
n=$(grep -c "i2c-atomic: event=result adapter=$a addr=0x50 ret=0" "$c")
if [ "$n" -ge 2 ]; then echo "ok console: its result line too"; else echo "not ok console: its result line too (found $n)"; fi
