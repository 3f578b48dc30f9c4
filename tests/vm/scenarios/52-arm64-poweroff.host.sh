# SPDX-License-Identifier: GPL-2.0-only
# Host half of 52-arm64-poweroff: the last phase of an arm64 power-off,
# from the serial console (ttyAMA0).
top=$(cd "$(dirname "$0")/../../.." && pwd)
tool=$top/build/i2c-atomic-guard
c=$CONSOLE
set -- $(sed -n 's/^iag-topo=//p' "$c" | head -1)
stub=$1 ch1=$3
[ -n "$ch1" ] || { echo "not ok console names the topology"; exit 0; }
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
res "power-off: the allowed write through channel 1 is done" 1 \
	"$(grep -c "phase=poweroff op=w adapter=$ch1 addr=0x51 reg=0x10 ret=0 " "$c")"
res "power-off: the unauthorized write to $stub-0052 is refused (-EPERM)" 1 \
	"$(grep -c "phase=poweroff op=w adapter=$stub addr=0x52 reg=0x10 ret=-1 " "$c")"
pol=$(mktemp)
printf 'mode: audit\nallow:\n  - i2c: %d-0051\n' "$ch1" >"$pol"
out=$("$tool" report --no-sysfs --policy "$pol" --format json --console "$c" 2>&1)
rc=$?
rm -f "$pol"
echo "$out" | sed 's/^/# /'
flat=$(echo "$out" | sed 's/": /":/g; s/, /,/g')
res "report --console exits 1" 1 "$rc"
res "report names the refused transfer: $stub-0052, denied, power_off" 1 \
	"$(echo "$flat" | grep -F '"verdict":"denied"' | grep -F "\"adapter\":$stub," | grep -F '"addr":82,' | grep -F '"system_state":"power_off"' | grep -c .)"
res "the allowed write is not reported as a violation" 0 \
	"$(echo "$flat" | grep -F '"verdict":"violation"' | grep -c '"addr":81,')"
