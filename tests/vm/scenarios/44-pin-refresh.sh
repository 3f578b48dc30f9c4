# SPDX-License-Identifier: GPL-2.0-only
# Versioned pins and `policy refresh`. enforce --pin records what it pinned
# in the pinned "info" map (bpftool shows the version and the policy path).
# The pinned keys are adapter numbers: after the test module is reloaded
# with one more adapter, the client the policy allows (by driver) sits on
# another adapter number, and in a pm_test=core suspend its write is
# refused; `policy refresh` (no argument, as the udev rule calls it)
# re-resolves the recorded policy and the same write then lands.
# group: tool
# timeout: 240
. /lib/iag/lib.sh
plan 8

PIN=/sys/fs/bpf/i2c-atomic-guard
topology_setup || { not_ok "topology"; exit 1; }
printf 'mode: enforce\nallow:\n  - driver: iag_test_client\n' >/tmp/policy.yaml
chmod 600 /tmp/policy.yaml
check "enforce --pin exits 0" $IAG enforce --policy /tmp/policy.yaml --pin
if command -v bpftool >/dev/null; then
	bpftool map dump pinned $PIN/info >/tmp/info.txt 2>&1
	cat /tmp/info.txt
	# the tool's own ABI version, not a number that goes stale
	abi=$($IAG --json --version | sed -n 's/.*"abi_version":\([0-9]*\).*/\1/p')
	check_eq "bpftool shows the pinned set's version ($abi) and policy" 3 \
		"$(grep -cE "\"abi_version\": ${abi:-none}|\"pin_version\": 1|\"policy_path\": \"/tmp/policy.yaml\"" /tmp/info.txt)"
else
	skip "bpftool shows the pinned set's version and policy" "no bpftool in the guest"
fi
old_ch1=$CH1
# Reload with one adapter more (registered before the mux channels).
rmmod iag_test || { not_ok "rmmod iag_test"; exit 1; }
load_iag_test topology_adapter="$STUB" noatomic_adapter=1 i2conly_adapter=1 ||
	{ not_ok "reload iag_test"; exit 1; }
CH1=$(topo chan1)
diag "chan1 was i2c-$old_ch1, is i2c-$CH1"
check "the allowed client moved to another adapter number" test "$CH1" != "$old_ch1"
echo "w $CH1 0x51 0x10 0x44" >/sys/kernel/debug/iag_test/suspend_plan
dmesg_mark
suspend_core
check_eq "stale pinned keys: the allowed client's write is refused" 1 \
	"$(dmesg_since | grep -c "phase=suspend op=w adapter=$CH1 addr=0x51 reg=0x10 ret=-1 ")"
$IAG policy refresh >/tmp/refresh.out 2>&1
rc=$?
cat /tmp/refresh.out
check_eq "policy refresh (no argument) exits 0" 0 "$rc"
check "it re-read the recorded policy" grep -q "/tmp/policy.yaml" /tmp/refresh.out
dmesg_mark
suspend_core
check_eq "refreshed: the same write lands" 1 \
	"$(dmesg_since | grep -c "phase=suspend op=w adapter=$CH1 addr=0x51 reg=0x10 ret=0 ")"
$IAG enforce --unpin
$IAG policy refresh >/tmp/refresh.out 2>&1
rc=$?
cat /tmp/refresh.out
check_eq "nothing pinned: refresh exits 0 and says so" "0 1" "$rc $(grep -c 'nothing pinned' /tmp/refresh.out)"
