# SPDX-License-Identifier: GPL-2.0-only
# Host half of 53-arm64-stuck-bus: the restart after the panic, from the
# serial console (ttyAMA0). The atomic_log lines of the stuck-bus check,
# the test module's restart_plan lines, and `report --console`.
top=$(cd "$(dirname "$0")/../../.." && pwd)
tool=$top/build/i2c-atomic-guard
c=$CONSOLE
why=$(sed -n 's/.*iag-stuck-bus: SKIP //p' "$c" | head -1)
if [ -n "$why" ]; then
	echo "skip the restart after the panic: $why"
	exit 0
fi
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
has() { grep -c -- "$1" "$c"; }
ev="i2c-atomic: event="

res "the guest panicked as planned" 1 "$(has 'Kernel panic - not syncing: sysrq triggered crash')"
res "the restart handler ran the plan after the panic" 1 "$(has 'iag_test: phase=restart hook=restart_handler')"

# 41: the target lets SDA go after 3 clock pulses: recovered.
res "41: stuck bus seen, recovery tried" 1 \
	"$(has "${ev}bus_stuck adapter=41 addr=0x50 scl=1 sda=0 recovery=tried state=restart")"
res "41: recovered after 3 pulses, SDA high again" 1 \
	"$(has "${ev}bus_recovery adapter=41 addr=0x50 ret=0 pulses=3 scl=1 sda=1")"
res "41: both writes done (the target ACKs)" 2 \
	"$(grep -c 'phase=restart op=w adapter=41 addr=0x50 reg=0x10 ret=0 ' "$c")"
res "41: checked again before the second write, not stuck any more" 1 \
	"$(has "${ev}bus_stuck adapter=41 ")"

# 42: the target never lets go: recovery fails, the write goes out anyway.
res "42: stuck bus seen, recovery tried" 1 \
	"$(has "${ev}bus_stuck adapter=42 addr=0x50 scl=1 sda=0 recovery=tried state=restart")"
res "42: recovery failed after 9 pulses (-EBUSY), SDA still low" 1 \
	"$(has "${ev}bus_recovery adapter=42 addr=0x50 ret=-16 pulses=9 scl=1 sda=0")"
res "42: algo-bit reports the write done on the stuck bus (ret=0)" 1 \
	"$(grep -c 'phase=restart op=w adapter=42 addr=0x50 reg=0x10 ret=0 ' "$c")"

# 43: gpio-sim lines can sleep: reported, not recovered.
res "43: stuck bus seen, no recovery possible (gpio_cansleep)" 1 \
	"$(has "${ev}bus_stuck adapter=43 addr=0x50 scl=1 sda=0 recovery=gpio_cansleep state=restart")"
res "43: no recovery attempted" 0 "$(has "${ev}bus_recovery adapter=43 ")"
res "43: the write was made" 1 "$(grep -c 'phase=restart op=w adapter=43 addr=0x50 reg=0x10 ' "$c")"

pol=$(mktemp)
printf 'mode: audit\nallow:\n  - i2c: 41-0050\n  - i2c: 42-0050\n  - i2c: 43-0050\n' >"$pol"
out=$("$tool" report --no-sysfs --policy "$pol" --format json --console "$c" 2>&1)
rc=$?
txt=$("$tool" report --no-sysfs --policy "$pol" --console "$c" 2>&1)
rm -f "$pol"
echo "$txt" | grep '^bus:' | sed 's/^/# /'
echo "$out" | grep -A4 '"buses"' | sed 's/^/# /'
flat=$(echo "$out" | sed 's/": /":/g; s/, /,/g')
res "report --console exits 6 (buses left stuck)" 6 "$rc"
res "report: 41 recovered" 1 \
	"$(echo "$flat" | grep -F '"adapter":41,' | grep -F '"outcome":"recovered"' | grep -c '"pulses":3')"
res "report: 42 recovery failed" 1 \
	"$(echo "$flat" | grep -F '"adapter":42,' | grep -c '"outcome":"stuck_recovery_failed"')"
res "report: 43 stuck, no recovery possible" 1 \
	"$(echo "$flat" | grep -F '"adapter":43,' | grep -F '"recovery":"gpio_cansleep"' | grep -c '"outcome":"stuck_no_recovery"')"
res "report: two buses not recovered" 1 "$(echo "$flat" | grep -c '"buses_not_recovered":2')"
