# SPDX-License-Identifier: GPL-2.0-only
# A bus left stuck by a panic, and its recovery in atomic mode (issue 16; the
# RFC's open question (a)). arm64, because its emergency restart runs the
# restart handlers (machine_restart() -> do_kernel_restart()); x86's does
# not. See docs/stuck-bus.md.
#  - iag_stuck.ko makes three i2c-gpio adapters: 41 and 42 on its own GPIO
#    chip (lines that cannot sleep) with a simulated target at 0x50, 43 on
#    a gpio-sim bank made through configfs (lines that can sleep);
#  - SDA is held low on each: 41's target lets go after 3 SCL edges, 42's
#    never, 43's line is pulled down (gpio-sim "pull");
#  - atomic_log is switched on, the test module's restart_plan writes to
#    0x50 on 41 (twice), 42 and 43, and the guest panics (sysrq c, panic=1).
# The host half reads the console: the stuck buses, the recovery tried on 41
# and 42 (recovered after 3 pulses; still stuck after 9), none on 43
# (gpio_cansleep), the writes' return values, and `report --console`.
# Without the kernel's support (patches 8-9, GPIOLIB, GPIO_SIM, I2C_GPIO,
# configfs) or the test module's restart_plan, every step SKIPs, saying why,
# and the guest powers off instead of panicking.
# kernels: arm64
# timeout: 240
# append: panic=1
# expect-panic: sysrq triggered crash
. /lib/iag/lib.sh
plan 7

steps="gpio-sim bank live|iag_stuck: i2c-gpio adapters 41-43|running system: the target on 41 ACKs a write|SDA held low on 41 and 42 (simulated target)|SDA held low on 43 (gpio-sim pull-down, read by the fault injector)|atomic_log on|restart plan set"
skip_tag=iag-stuck-bus

# What the kernel must have, said plainly when it has not.
mkdir -p /sys/kernel/config
mount -t configfs none /sys/kernel/config 2>/dev/null
[ -d /sys/kernel/tracing/events/i2c_atomic/i2c_atomic_bus_stuck ] ||
	skip_all "kernel without the stuck-bus check (series patch 8, i2c_atomic_bus_stuck)"
[ -d /sys/kernel/config/gpio-sim ] ||
	skip_all "kernel without CONFIG_GPIO_SIM or CONFIG_CONFIGFS_FS"
[ -d /sys/bus/platform/drivers/i2c-gpio ] || skip_all "kernel without CONFIG_I2C_GPIO"
[ -f "$KMOD/iag_stuck.ko" ] || skip_all "iag_stuck.ko not built (kernel without CONFIG_GPIOLIB)"
load_iag_test
[ -e /sys/kernel/debug/iag_test/restart_plan ] ||
	skip_all "the test module has no restart_plan (tests/kmod/iag_test.c)"

# gpio-sim: one bank, line 0 SDA, line 1 SCL; both pulled up before use.
g=/sys/kernel/config/gpio-sim/iag
mkdir $g $g/bank0 && echo 2 >$g/bank0/num_lines && echo iag-sim >$g/bank0/label &&
	echo 1 >$g/live
simdir=/sys/devices/platform/$(cat $g/dev_name 2>/dev/null)/$(cat $g/bank0/chip_name 2>/dev/null)
if [ -f "$simdir/sim_gpio0/pull" ]; then
	echo pull-up >"$simdir/sim_gpio0/pull"
	echo pull-up >"$simdir/sim_gpio1/pull"
	ok "gpio-sim bank live"
else
	not_ok "gpio-sim bank live" "no $simdir/sim_gpio0/pull"
fi

insmod "$KMOD/iag_stuck.ko" sim_label=iag-sim
n=0
for a in 41 42 43; do [ -d /sys/bus/i2c/devices/i2c-$a ] && n=$((n + 1)); done
check_eq "iag_stuck: i2c-gpio adapters 41-43" 3 "$n"

# The simulated target works while the system runs (no check there: the
# stuck-bus check is for atomic mode only).
echo "w 41 0x50 0x10 0x01" >/sys/kernel/debug/iag_test/run_now
check_eq "running system: the target on 41 ACKs a write" 1 \
	"$(dmesg | grep -c 'phase=now op=w adapter=41 addr=0x50 reg=0x10 ret=0 ')"

echo "41 3" >/sys/kernel/debug/iag_stuck/hold
echo "42 -1" >/sys/kernel/debug/iag_stuck/hold
cat /sys/kernel/debug/iag_stuck/lines
check_eq "SDA held low on 41 and 42 (simulated target)" 2 \
	"$(grep -c 'scl=1 sda=0' /sys/kernel/debug/iag_stuck/lines)"
echo pull-down >"$simdir/sim_gpio0/pull"
check_eq "SDA held low on 43 (gpio-sim pull-down, read by the fault injector)" 0 \
	"$(cat /sys/kernel/debug/i2c/i2c-43/sda 2>&1)"

check "atomic_log on" sh -c 'echo 1 >/sys/module/i2c_core/parameters/atomic_log'
check "restart plan set" sh -c "echo 'w 41 0x50 0x10 0x11; w 41 0x50 0x10 0x12; w 42 0x50 0x10 0x13; w 43 0x50 0x10 0x14' >/sys/kernel/debug/iag_test/restart_plan"

# The guest ends with the panic: its results end here.
out "# iag-scenario 53-arm64-stuck-bus exit 0"
out "# iag-done"
sync
sleep 1
echo "iag-stuck-bus: panicking now"
echo c >/proc/sysrq-trigger
