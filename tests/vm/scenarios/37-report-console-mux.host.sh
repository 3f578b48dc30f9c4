# SPDX-License-Identifier: GPL-2.0-only
# Host half of 37-report-console-mux: report --console on the mux nesting.
top=$(cd "$(dirname "$0")/../../.." && pwd)
tool=$top/build/i2c-atomic-guard
c=$CONSOLE
set -- $(sed -n 's/^iag-topo=//p' "$c" | head -1)
stub=$1 ch0=$2 ch1=$3
[ -n "$ch1" ] || { echo "not ok console names the topology"; exit 0; }
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
pol=$(mktemp)
printf 'mode: audit\nallow:\n  - i2c: %d-0051\n' "$ch1" >"$pol"
out=$("$tool" report --no-sysfs --policy "$pol" --format json --console "$c" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
flat=$(echo "$out" | sed 's/": /":/g; s/, /,/g')
recs() { echo "$flat" | grep -F '"kind":"atomic_xfer"' | grep -F "$@" | grep -c .; }
res "three transfers, three records" 3 "$(echo "$flat" | grep -c '"kind":"atomic_xfer"')"
res "channel 1 read: once, path i2c-$ch1 > i2c-$stub, allowed" 1 \
	"$(recs "\"adapter_path\":[$ch1,$stub]" | head -1)"
res "... and allowed by the rule" 1 \
	"$(echo "$flat" | grep -F "\"adapter_path\":[$ch1,$stub]" | grep -F '"verdict":"allowed"' | grep -c .)"
res "channel 0 read: once, path i2c-$ch0 > i2c-$stub, a violation" 1 \
	"$(echo "$flat" | grep -F "\"adapter_path\":[$ch0,$stub]" | grep -F '"addr":80,' | grep -F '"verdict":"violation"' | grep -c .)"
res "root client 0x52: a violation at power_off" 1 \
	"$(echo "$flat" | grep -F "\"adapter_path\":[$stub]" | grep -F '"addr":82,' | grep -F '"system_state":"power_off"' | grep -c .)"
res "no mux select reported on its own (0x70)" 0 "$(echo "$flat" | grep -c '"addr":112,')"
res "nested levels folded" yes "$(echo "$flat" | grep -q '"nested":[1-9]' && echo yes || echo no)"
res "no unterminated transfer" 1 "$(echo "$flat" | grep -c '"unterminated":0')"
res "report exits 1 (violations)" 1 "$rc"
"$tool" report --no-sysfs --policy "$pol" --format dot --console "$c" >"$pol.dot" 2>/dev/null
if command -v dot >/dev/null; then
	dot -Tsvg "$pol.dot" -o /dev/null 2>&1
	res "the dot graph renders" 0 "$?"
fi
rm -f "$pol" "$pol.dot"
