# SPDX-License-Identifier: GPL-2.0-only
# Host half of 31-report-console-tp (and of 32-report-console-armed).
top=$(cd "$(dirname "$0")/../../.." && pwd)
tool=$top/build/i2c-atomic-guard
c=$CONSOLE
a=$(sed -n 's/^iag-stub-adapter=//p' "$c" | head -1)
[ -n "$a" ] || { echo "not ok console names the stub adapter"; exit 0; }
pol=$(mktemp)
printf 'mode: audit\nallow:\n  - i2c: %d-0050\n' "$a" >"$pol"
out=$("$tool" report --policy "$pol" --format json --console "$c" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
flat=$(echo "$out" | sed 's/": /":/g; s/, /,/g')
res "report --console exits 1 (a violation)" 1 "$rc"
res "one violation: $a-0052 at power_off" 1 \
	"$(echo "$flat" | grep -F '"verdict":"violation"' | grep -F '"addr":82' | grep -F '"system_state":"power_off"' | grep -c .)"
res "the allowed chip $a-0050 is not a violation" 0 \
	"$(echo "$flat" | grep -F '"verdict":"violation"' | grep -c '"addr":80,')"
printf 'mode: audit\nallow:\n  - adapter: i2c-%d\n' "$a" >"$pol"
"$tool" report --policy "$pol" --console "$c" >/dev/null 2>&1
res "with the whole adapter allowed, report exits 0" 0 "$?"
rm -f "$pol"
