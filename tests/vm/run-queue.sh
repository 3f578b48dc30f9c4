# SPDX-License-Identifier: GPL-2.0-only
# The VM part of tests/run-all.sh (sourced there): which scenario runs on
# which kernel, the initramfs of each kernel, and the runs themselves, up to
# $jobs at a time, printed in order through print_section/skip_section.
# Uses run-all.sh's variables: top, flavor, only, jobs, log.

# vm_initrd FLAVOR: the test modules and the initramfs for FLAVOR's kernel,
# built once per run; prints the initramfs path. Writes the kernel tree
# (project kernels) to build/ktree-FLAVOR.
vm_initrd() {
	local f=$1 ktree dtree initrd=$top/build/initramfs-$1.cpio.gz
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

# vm_queue_build: fill the arrays q_name q_flavor q_cmd (one entry per run,
# in report order); q_cmd is empty for a run that cannot happen, whose
# reason is in q_why.
vm_queue_build() {
	local s name kernels k runner initrd rc logdir matrix
	q_name=() q_flavor=() q_cmd=() q_why=()
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
			q_flavor+=("$k")
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
				q_cmd+=("$(vm_kdir "$k") $top/tests/vm/run-vm.sh --flavor $k --initrd $initrd --logdir $logdir $name")
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

# vm_launch_order: the runnable queue indexes, longest last run first
# (unknown: 60 s; matrix kernels boot slower, so they get 90).
vm_launch_order() {
	local i t
	for ((i = 0; i < ${#q_name[@]}; i++)); do
		[ -n "${q_cmd[i]}" ] || continue
		t=$(cat "$top/build/vm-times/${q_name[i]//\//_}" 2>/dev/null)
		case ${q_name[i]} in *@*) t=${t:-90} ;; *) t=${t:-60} ;; esac
		echo "$t $i"
	done | sort -k1,1nr -k2,2n | cut -d' ' -f2
}

# vm_queue_run: run the queue, $jobs at a time; report in queue order.
vm_queue_run() {
	local i launched=0 times=$top/build/vm-times
	qdir=$top/build/vm-queue
	rm -rf "$qdir"
	mkdir -p "$qdir" "$times"
	[ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
	# Longest first (by the last run's time, build/vm-times), so that a long
	# run does not start last and leave the other core idle. A run is over
	# when its .rc file is there (counted, not waited for: run-all.sh may
	# have other children, the fuzz smoke run).
	for i in $(vm_launch_order); do
		while [ $((launched - $(vm_done))) -ge "$jobs" ]; do sleep 1; done
		echo "# running ${q_name[i]}" >&2
		(
			t0=$(date +%s)
			eval "env ${q_cmd[i]}" >"$qdir/$i.out" 2>"$qdir/$i.err"
			rc=$?
			echo $(($(date +%s) - t0)) >"$times/${q_name[i]//\//_}"
			echo $rc >"$qdir/$i.rc"
		) &
		launched=$((launched + 1))
	done
	while [ "$(vm_done)" -lt "$launched" ]; do sleep 1; done
}

vm_done() { find "$qdir" -name '*.rc' | wc -l; }

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
