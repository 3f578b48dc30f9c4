#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo: boot the test VM on the demo scenario and show what the tool
# did, then the scenario's verdict.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
flavor=${KERNEL_FLAVOR:-test}
"$top/tests/kmod/build.sh" "$flavor" >/dev/null || exit 1
echo "demo: booting the test VM (QEMU, TCG; about a minute)..."
"$top/tests/vm/run-vm.sh" --flavor "$flavor" 90-demo >"$top/build/demo.ktap"
rc=$?
sed -n 's/^# \{0,1\}//p' "$top/build/vm-logs/90-demo.results.log" | grep -v '^iag-'
echo
echo "demo: checks:"
grep -E '^\s*(not )?ok ' "$top/build/demo.ktap"
echo "demo: full console log: $top/build/vm-logs/90-demo.console.log"
exit $rc
