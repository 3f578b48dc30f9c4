#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run WORKLOAD under `i2c-atomic-guard ci` and turn its KTAP report into
# LAVA test cases (lava-test-case NAME --result pass|fail|skip).
#
#   lava-ci.sh IAG POLICY WORKLOAD
#   lava-ci.sh --parse KTAP-FILE [CI-EXIT-CODE]   (only the translation)
#
# Outside LAVA (no lava-test-case on the PATH) the cases are printed as
# "lava-test-case NAME --result R" lines instead, so the script can be
# tried by hand.
set -u

case_result() { # NAME RESULT [MEASUREMENT-ARGS]
	if command -v lava-test-case >/dev/null 2>&1; then
		lava-test-case "$@"
	else
		echo "lava-test-case $*"
	fi
}

# LAVA case names: letters, digits, '.', '_', '-'.
case_name() { echo "$1" | sed 's/[^A-Za-z0-9._-]/_/g; s/__*/_/g; s/^_//; s/_$//'; }

# translate KTAP-FILE CI-EXIT-CODE: one case per top-level result line,
# then "ci" for the run (exit 0 pass, 1 fail, anything else: the run
# itself failed, reported as fail with the code as a measurement).
translate() {
	ktap=$1 rc=$2
	grep -E '^(not )?ok [0-9]+ ' "$ktap" | while IFS= read -r line; do
		res=pass
		case $line in
		"not ok "*) res=fail ;;
		*"# SKIP"*) res=skip ;;
		esac
		desc=$(echo "$line" | sed -E 's/^(not )?ok [0-9]+ (- )?//; s/ *#.*$//')
		case_result "$(case_name "$desc")" --result "$res"
	done
	if [ "$rc" = 0 ]; then
		case_result ci --result pass
	else
		case_result ci --result fail --measurement "$rc" --units exit-code
	fi
}

if [ "${1:-}" = --parse ]; then
	translate "$2" "${3:-0}"
	exit 0
fi

iag=${1:?usage: lava-ci.sh IAG POLICY WORKLOAD}
policy=${2:?usage: lava-ci.sh IAG POLICY WORKLOAD}
workload=${3:?usage: lava-ci.sh IAG POLICY WORKLOAD}
out=$(mktemp)
"$iag" ci --policy "$policy" --format ktap -- sh -c "$workload" >"$out"
rc=$?
cat "$out"
translate "$out" "$rc"
rm -f "$out"
# The cases carry the verdict; the step itself succeeds unless ci could
# not run at all (bad policy, kernel without BTF...): LAVA then shows why.
[ "$rc" -le 1 ]
