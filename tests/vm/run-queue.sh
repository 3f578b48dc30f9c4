# SPDX-License-Identifier: GPL-2.0-only
# The VM part of tests/run-all.sh (sourced there): which scenario runs on
# which kernel, the initramfs of each kernel, and the runs themselves, up to
# $jobs at a time, printed in order through print_section/skip_section.
# Uses run-all.sh's variables: top, flavor, only, jobs, log.
#
# Runs that may share a boot do (tests/vm/run-vm.sh with several
# scenarios, isolated from each other by tests/vm/guest/isolate.sh): those
# of scenarios with the same "# group: LABEL" on the same kernel, unless
# one has a runner, a host part or an expected panic (the boot's end is
# theirs), or its append or memory differ (then it is a boot apart). Each
# is still reported as its own vm/NAME (or vm/NAME@KERNEL). The label is an
# opt-in: a scenario joins a boot once it passed there (a newcomer runs
# alone, so it cannot break others unseen), and it names the boot, so that
# which scenarios share one is fixed by the headers, not by timings, and
# can be balanced by hand.

# vm_initrd FLAVOR: the test modules and the initramfs for FLAVOR's kernel,
# built once per run; prints the initramfs path. Writes the kernel tree
# (project kernels) to build/ktree-FLAVOR.
vm_initrd() {
	local f=$1 ktree dtree initrd=$top/build/initramfs-$1.cpio
	if [ -f "$initrd.fresh" ]; then echo "$initrd"; return 0; fi
	case $f in
	debian-*)
		dtree=$("$top/scripts/fetch-debian-kernel.sh" "$f" 2>>"$log") || return 3
		ktree=$(. "$dtree/kernel.env" && echo "$MODULES")
		"$top/tests/kmod/build.sh" "$f" >/dev/null 2>>"$log" || return 1
		;;
	*)
		# Resolve the cache's "current" link once: the modules and the boots
		# of this run must use the same tree, whatever a concurrent build does.
		ktree=$(readlink -f "${KDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard/kernel-$f-current}")
		[ -f "$ktree/.complete" ] || [ -n "${KDIR:-}" ] || return 3
		echo "$ktree" >"$top/build/ktree-$f"
		KDIR=$ktree "$top/tests/kmod/build.sh" "$f" >/dev/null 2>>"$log" || return 1
		;;
	esac
	"$top/tests/vm/mkinitramfs.sh" "$ktree" "$top/build/kmod-$f" "$initrd" 2>>"$log" || return 1
	touch "$initrd.fresh"
	echo "$initrd"
}

# vm_missing FLAVOR: why FLAVOR's kernel is not there.
vm_missing() {
	case $1 in
	debian-*) echo "Debian kernel $1 could not be fetched (apt-get download; offline?), see $log" ;;
	*) echo "no $1 kernel in the cache (make kernel KERNEL_FLAVOR=$1, or its arm64 build)" ;;
	esac
}

# vm_scenarios: the scenario scripts this run selects, in order.
vm_scenarios() {
	local s name
	for s in "$top"/tests/vm/scenarios/*.sh; do
		case $s in *.host.sh) continue ;; esac
		name=$(basename "$s" .sh)
		if [ -n "$only" ] && ! echo ",$only," | grep -q ",$name,"; then continue; fi
		echo "$s"
	done
}

# vm_kernels SCRIPT: the kernels SCRIPT runs on; "matrix" first when it
# names them with "# kernels:".
vm_kernels() {
	local kernels f
	kernels=$(sed -n 's/^# kernels: //p' "$1" | head -1)
	if [ -n "$kernels" ]; then
		echo "matrix $kernels"
		return
	fi
	# "# kernel: stock" in a scenario picks the unpatched kernel.
	f=$(sed -n 's/^# kernel: //p' "$1" | head -1)
	[ "$f" = stock ] || f=$flavor
	echo "$f"
}

# vm_prebuild: the test modules and initramfs of every kernel this run
# needs, one after the other (run-all.sh runs this next to the unit tests;
# vm_initrd then finds them built). Forget the last run's first.
vm_prebuild() {
	local s k
	for s in $(vm_scenarios); do
		grep -q '^# runner: ' "$s" && continue
		vm_kernels "$s"
	done | tr ' ' '\n' | grep -v '^matrix$' | sed "s/^default\$/$flavor/" | awk '!seen[$0]++' | while read -r k; do
		vm_initrd "$k" >/dev/null
	done
}

# vm_group SCRIPT FLAVOR: the boot SCRIPT's run on FLAVOR may share
# ("LABEL FLAVOR APPEND MEMORY"), or nothing. IAG_VM_GROUP=0 gives every
# run a boot of its own (to tell a scenario's failure from its neighbours').
vm_group() {
	local label
	[ "${IAG_VM_GROUP:-1}" = 1 ] || return 0
	label=$(sed -n 's/^# group: //p' "$1" | head -1)
	[ -n "$label" ] || return 0
	if grep -qE '^# (runner|expect-panic): ' "$1" || [ -f "${1%.sh}.host.sh" ]; then
		echo "run-queue: $(basename "$1"): a runner, an expected panic or a host part: a boot of its own" >&2
		return 0
	fi
	echo "$label|$2|$(sed -n 's/^# append: //p' "$1" | head -1)|$(sed -n 's/^# memory: //p' "$1" | head -1)"
}

# vm_queue_build: fill the arrays q_name q_flavor q_cmd (one entry per run,
# in report order); q_cmd is empty for a run that cannot happen, whose
# reason is in q_why. A run of run-vm.sh also has q_base (q_cmd without the
# scenario) and q_group (vm_group).
vm_queue_build() {
	local s name kernels k runner initrd rc logdir matrix i
	q_name=() q_flavor=() q_cmd=() q_why=() q_base=() q_group=() q_scn=()
	for s in $(vm_scenarios); do
		name=$(basename "$s" .sh)
		kernels=$(vm_kernels "$s") matrix=0
		case $kernels in matrix\ *) kernels=${kernels#matrix } matrix=1 ;; esac
		runner=$(sed -n 's/^# runner: //p' "$s" | head -1)
		# --flavor test-6.1 on "default test-6.1": one run, not two.
		kernels=$(echo $kernels | tr ' ' '\n' | sed "s/^default\$/$flavor/" | awk '!seen[$0]++')
		for k in $kernels; do
			# "default" in a matrix is the run's own kernel (--flavor), under
			# the scenario's plain name.
			if [ "$k" = default ]; then k=$flavor; fi
			q_flavor+=("$k") q_scn+=("$name") q_base+=("") q_group+=("")
			if [ "$matrix" = 1 ] && [ "$k" != "$flavor" ]; then
				q_name+=("vm/$name@$k") logdir=$top/build/vm-logs/$k
			else
				q_name+=("vm/$name") logdir=$top/build/vm-logs
			fi
			if [ -n "$runner" ]; then
				q_cmd+=("KDIR=$(readlink -f "${KDIR:-${XDG_CACHE_HOME:-$HOME/.cache}/i2c-atomic-guard/kernel-$k-current}") $top/$runner --flavor $k $name")
				q_why+=("")
				continue
			fi
			initrd=$(vm_initrd "$k")
			rc=$?
			if [ "$rc" = 0 ]; then
				i=$((${#q_name[@]} - 1))
				q_base[i]="$(vm_kdir "$k") $top/tests/vm/run-vm.sh --flavor $k --initrd $initrd --logdir $logdir"
				q_cmd+=("${q_base[i]} $name")
				q_group[i]=$(vm_group "$s" "$k")
				q_why+=("")
			elif [ "$rc" = 3 ] && [ "$k" != "$flavor" ] && [ "$k" != stock ]; then
				q_cmd+=("") q_why+=("skip:$(vm_missing "$k")")
			else
				q_cmd+=("") q_why+=("fail:the $k kernel's test modules or initramfs did not build (see $log)")
			fi
		done
	done
}

# vm_kdir FLAVOR: the KDIR= assignment that pins a project kernel's tree.
vm_kdir() {
	if [ -f "$top/build/ktree-$1" ]; then echo "KDIR=$(cat "$top/build/ktree-$1")"; else echo "KDIR="; fi
}

# vm_units: the boots to make, one a line: the queue indexes they run
# (several when their runs share a boot: vm_group), in queue order.
vm_units() {
	local i j seen=" "
	for ((i = 0; i < ${#q_name[@]}; i++)); do
		[ -n "${q_cmd[i]}" ] || continue
		case $seen in *" $i "*) continue ;; esac
		if [ -z "${q_group[i]}" ]; then echo "$i"; continue; fi
		for ((j = i; j < ${#q_name[@]}; j++)); do
			[ -n "${q_cmd[j]}" ] && [ "${q_group[j]}" = "${q_group[i]}" ] && echo -n "$j " && seen="$seen$j "
		done
		echo
	done
}

# vm_time UNIT: the last time of the boot UNIT ("I J ..."), from
# build/vm-times (unknown: 60 s a run; matrix kernels boot slower: 90).
vm_time() {
	local i t sum=0
	t=$(cat "$top/build/vm-times/$(vm_time_key "$1")" 2>/dev/null)
	if [ -n "$t" ]; then echo "$t"; return; fi
	for i in $1; do
		case ${q_name[i]} in *@*) sum=$((sum + 90)) ;; *) sum=$((sum + 60)) ;; esac
	done
	echo "$sum"
}

# vm_time_key UNIT: its file in build/vm-times: the run's name, or the
# boot's label and kernel.
vm_time_key() {
	set -- $1
	if [ $# = 1 ]; then echo "${q_name[$1]//\//_}"; else echo "boot_${q_group[$1]%%|*}_${q_flavor[$1]}"; fi
}

# vm_unit_run N UNIT: boot UNIT (run by its subshell); then each run's
# output, status and messages are in $qdir/I.{out,rc,err}, and $qdir/uN.rc
# says the boot is over.
vm_unit_run() {
	local u=$1 t0 rc i first
	set -- $2
	first=$1
	t0=$(date +%s)
	if [ $# = 1 ]; then
		eval "env ${q_cmd[first]}" >"$qdir/$first.out" 2>"$qdir/$first.err"
		echo $? >"$qdir/$first.rc"
	else
		local names=
		for i; do names="$names ${q_scn[i]}"; done
		eval "env ${q_base[first]} --outdir $qdir/u$u$names" >/dev/null 2>"$qdir/$first.err"
		rc=$?
		for i; do
			cp "$qdir/u$u/${q_scn[i]}.out" "$qdir/$i.out" 2>/dev/null || : >"$qdir/$i.out"
			cat "$qdir/u$u/${q_scn[i]}.rc" 2>/dev/null >"$qdir/$i.rc" || echo "$rc" >"$qdir/$i.rc"
			[ -f "$qdir/$i.err" ] || : >"$qdir/$i.err"
		done
	fi
	echo $(($(date +%s) - t0)) >"$top/build/vm-times/$(vm_time_key "$*")"
	echo 0 >"$qdir/u$u.rc"
}

# vm_queue_run: make the boots, $jobs at a time; report in queue order.
vm_queue_run() {
	local u launched=0 unit
	local -a units
	qdir=$top/build/vm-queue
	rm -rf "$qdir"
	mkdir -p "$qdir" "$top/build/vm-times"
	[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
	mapfile -t units < <(vm_units)
	# Longest first (by the last run's time, build/vm-times), so that a long
	# boot does not start last and leave the other core idle. A boot is
	# over when its uN.rc file is there (counted, not waited for: run-all.sh
	# may have other children, the fuzz smoke run).
	for u in $(for ((u = 0; u < ${#units[@]}; u++)); do echo "$(vm_time "${units[u]}") $u"; done |
		sort -k1,1nr -k2,2n | cut -d' ' -f2); do
		while [ $((launched - $(vm_done))) -ge "$jobs" ]; do sleep 1; done
		unit=${units[u]}
		echo "# running$(for i in $unit; do echo -n " ${q_name[i]}"; done)" >&2
		vm_unit_run "$u" "$unit" &
		launched=$((launched + 1))
	done
	while [ "$(vm_done)" -lt "$launched" ]; do sleep 1; done
}

vm_done() { find "$qdir" -maxdepth 1 -name 'u*.rc' | wc -l; }

# vm_queue_print: the runs' KTAP, in queue order.
vm_queue_print() {
	local i
	for ((i = 0; i < ${#q_name[@]}; i++)); do
		case ${q_why[i]} in
		skip:*) skip_section "${q_name[i]}" "${q_why[i]#skip:}"; continue ;;
		fail:*)
			idx=$((idx + 1)) fail=$((fail + 1))
			echo "not ok $idx ${q_name[i]} # ${q_why[i]#fail:}"
			continue
			;;
		esac
		cat "$qdir/$i.err" >>"$log"
		print_section "${q_name[i]}" "$(cat "$qdir/$i.out")" "$(cat "$qdir/$i.rc" 2>/dev/null || echo 1)"
	done
}
