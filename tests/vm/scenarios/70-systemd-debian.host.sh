# SPDX-License-Identifier: GPL-2.0-only
# Host half of 70-systemd-debian: the reboot's last phase on the console
# (the guest's userspace is gone by then): the restart plan's writes, the
# lines the armed log switch printed of them, `report --console` on that
# log; then the package itself: systemd-analyze verify on its units in the
# assembled root, lintian on the .deb.
top=$(cd "$(dirname "$0")/../../.." && pwd)
tool=$top/build/i2c-atomic-guard
c=$CONSOLE
res() { if [ "$2" = "$3" ]; then echo "ok $1"; else echo "not ok $1 (expected $2, got $3)"; fi; }
stub=$(sed -n 's/.*iag-stub-adapter=\([0-9]*\).*/\1/p' "$c" | head -1)
ch1=$(sed -n 's/.*iag-ch1-adapter=\([0-9]*\).*/\1/p' "$c" | head -1)
if [ -z "$stub" ] || [ -z "$ch1" ]; then
	echo "not ok the console names the adapters (the guest never set the restart plan)"
	exit 0
fi
# A reboot, not a power-off: the kernel's own line, then the plan's hook
# (x86 runs no restart handler: the test module's syscore shutdown stands
# in, interrupts off; see tests/kmod/iag_test.c).
res "the guest rebooted (reboot: Restarting system), it did not power off" "1 0" \
	"$(grep -c 'reboot: Restarting system' "$c") $(grep -c 'reboot: Power down' "$c")"
grep -E 'iag_test: phase=restart' "$c" | sed 's/^/# console: /'
# state=6 is SYSTEM_RESTART, irqs_disabled=1 makes it atomic mode.
res "reboot: the allowed write (channel 1, 0x51) succeeds in its last phase" 1 \
	"$(grep -c "phase=restart op=w adapter=$ch1 addr=0x51 reg=0x10 ret=0 val=0x33 state=6 irqs_disabled=1 " "$c")"
res "reboot: the unauthorized write (0x52) is refused (-EPERM)" 1 \
	"$(grep -c "phase=restart op=w adapter=$stub addr=0x52 reg=0x10 ret=-1 val=0x44 state=6 irqs_disabled=1 " "$c")"
# The shutdown-audit unit armed the switch at boot: the kernel printed the
# reboot's atomic-mode writes itself (both, the refused one included).
grep -E 'i2c-atomic: .*state=restart' "$c" | sed 's/^/# console: /' | head -8
res "the armed log switch printed both writes of the reboot (state=restart)" "yes yes" \
	"$(grep -qE "i2c-atomic: event=smbus_xfer adapter=$ch1 addr=0x51 .*rw=write cmd=0x10 .*state=restart" "$c" && echo yes || echo no) $(
		grep -qE "i2c-atomic: event=smbus_xfer adapter=$stub addr=0x52 .*rw=write cmd=0x10 .*state=restart" "$c" && echo yes || echo no)"

pol=$(mktemp)
printf 'mode: audit\nallow:\n  - i2c: %d-0051\n  - i2c: %d-0070\n' "$ch1" "$stub" >"$pol"
out=$("$tool" report --policy "$pol" --no-sysfs --format json --console "$c" 2>&1)
rc=$?
rm -f "$pol"
echo "$out" | sed 's/^/# /' | head -30
flat=$(echo "$out" | sed 's/": /":/g; s/, /,/g')
res "report --console exits 1 (violations or denied transfers found: here a denied one)" 1 "$rc"
res "report --console names the refused write: $stub-0052 at restart" 1 \
	"$(echo "$flat" | grep -E '"verdict":"(violation|denied)"' | grep -F "\"adapter\":$stub," |
		grep -F '"addr":82' | grep -F '"system_state":"restart"' | grep -c . | sed 's/^[2-9]$/1/')"

r=$IAG_SYSTEM_ROOT
units=$(ls "$r"/lib/systemd/system/i2c-atomic-guard-*.service 2>/dev/null)
echo "# systemd-analyze verify --root=ROOT $(echo $units | sed "s|$r||g")"
v=$(MANPATH=$r/usr/share/man systemd-analyze verify --root="$r" $units 2>&1)
vrc=$?
echo "$v" | sed 's/^/#   /'
res "systemd-analyze verify: the 3 units are clean" "3 0 0" "$(echo $units | wc -w) $vrc $(echo "$v" | grep -c .)"
l=$(lintian --allow-root "$IAG_DEB" 2>&1)
lrc=$?
echo "# lintian $(basename "$IAG_DEB"): ${l:-(nothing)} (exit $lrc)"
# Exit 0 and no E: line (exit 2 is lintian failing to run, not a pass).
res "lintian: no errors on the .deb" "0 0" "$lrc $(echo "$l" | grep -c '^E:')"
