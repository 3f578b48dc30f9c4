# SPDX-License-Identifier: GPL-2.0-only
# Kernel series, ftrace only: the policy hook. The kernel's own function
# fault injection (fail_function, which honours ALLOW_ERROR_INJECTION, kept
# for such fault tests; BPF fmod_ret uses the hook's BTF fmodret set) makes
# i2c_atomic_xfer_check() return -EPERM. A write in atomic mode is then refused: the caller sees -EPERM
# (-1), the stub's register keeps its old value, i2c_atomic_denied is traced
# and the result event carries the errno. (The BPF fmod_ret path is tested
# with `i2c-atomic-guard enforce` in the watch scenarios.)
# kernels: default test-6.1
# group: patched
# timeout: 120
. /lib/iag/lib.sh
plan 8

FF=/sys/kernel/debug/fail_function
if [ ! -d $FF ]; then
	# Flavors built like distribution kernels (arm64, test-6.1) have no
	# function error injection: the BPF path is tested by enforce there.
	for i in 1 2 3 4 5 6 7 8; do skip "policy hook via fail_function" "no CONFIG_FAIL_FUNCTION in this kernel"; done
	exit 0
fi
stub=$(load_stub 0x50)
load_iag_test || { not_ok "test module loads"; exit 1; }
check "i2c_atomic_xfer_check is on the error-injection list" \
	grep -q "^i2c_atomic_xfer_check" /sys/kernel/debug/error_injection/list
echo "w $stub 0x50 0x10 0x11" >/sys/kernel/debug/iag_test/run_now
echo i2c_atomic_xfer_check >$FF/inject
# retval is an unsigned long: the errno goes in as its two's complement.
printf %#x -1 >$FF/i2c_atomic_xfer_check/retval
echo 100 >$FF/probability
echo -1 >$FF/times
echo 0 >$FF/interval
trace_on "i2c_atomic:*"
echo "w $stub 0x50 0x10 0xaa" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
check "pm_test=core suspend cycle completes" suspend_core
echo >$FF/inject
t=$(trace_dump)
echo "$t"
check_eq "the caller sees -EPERM" 1 "$(dmesg_since | grep -c "phase=suspend op=w adapter=$stub addr=0x50 reg=0x10 ret=-1 ")"
check_eq "one denied event, err=-1" 1 "$(echo "$t" | grep -c "i2c_atomic_denied: adapter=$stub addr=0x50 err=-1")"
check_eq "the result event carries the errno" 1 "$(echo "$t" | grep -c "i2c_atomic_result: adapter=$stub addr=0x50 ret=-1")"
dmesg_mark
echo "r $stub 0x50 0x10" >/sys/kernel/debug/iag_test/run_now
check_eq "the register kept its old value (0x11)" 1 "$(dmesg_since | grep -c "phase=now op=r adapter=$stub addr=0x50 reg=0x10 ret=0 val=0x11")"
# Injection off: the same write in atomic mode goes through.
trace_on "i2c_atomic:*"
echo "w $stub 0x50 0x10 0xbb" >/sys/kernel/debug/iag_test/suspend_plan
suspend_core
check_eq "with injection off, nothing is denied" 0 "$(trace_dump | grep -c i2c_atomic_denied)"
dmesg_mark
echo "r $stub 0x50 0x10" >/sys/kernel/debug/iag_test/run_now
check_eq "and the write lands (0xbb)" 1 "$(dmesg_since | grep -c "phase=now op=r adapter=$stub addr=0x50 reg=0x10 ret=0 val=0xbb")"
