# SPDX-License-Identifier: GPL-2.0-only
# status on the patched kernel: BTF, the tracepoints and the enforcement
# hook are seen, and audit would use tracepoint mode; each mode is claimed
# only once its programs passed the verifier here (loaded, not attached),
# and nothing stays loaded after status.
# group: pins
# timeout: 120
. /lib/iag/lib.sh
plan 8

$IAG status --json >/tmp/status.json 2>&1
cat /tmp/status.json
check "status --json exits 0" $IAG status --json
check_eq "BTF seen" 1 "$(jcount /tmp/status.json '"btf":true')"
check_eq "tracepoints seen" 1 "$(jcount /tmp/status.json '"tracepoints":true')"
check_eq "enforcement hook seen" 1 "$(jcount /tmp/status.json '"enforce_hook":true')"
check_eq "audit would use tracepoint mode" 1 "$(jcount /tmp/status.json '"audit_mode":"tracepoint"')"
check_eq "the verifier took the tracepoint, enforce and kprobe programs" "1 1 1" \
	"$(jcount /tmp/status.json '"tracepoint":{"loads":true') $(jcount /tmp/status.json '"enforce":{"loads":true') $(jcount /tmp/status.json '"kprobe":{"loads":true')"
check_eq "the kernel config the programs use is named" 1 "$(jcount /tmp/status.json '"kconfig":{"preempt_count":true')"
check_eq "nothing stays loaded after status" 1 "$(jcount /tmp/status.json '"loaded":[]')"
