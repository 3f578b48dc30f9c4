// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor of what any BPF watcher on __i2c_smbus_xfer() costs: programs
 * that do nothing. tests/bench/floor.c loads one of them (fentry by default,
 * the kprobe for reference) or a pair (what the stock fallback's shapes
 * cost before any work: an fexit beside the fentry, a kprobe beside it) and
 * keeps them attached until a signal; atomic-tp: programs on the patched
 * kernel's two atomic-mode events.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/__i2c_smbus_xfer")
int floor_fentry(void *ctx)
{
	return 0;
}

SEC("kprobe/__i2c_smbus_xfer")
int floor_kprobe(void *ctx)
{
	return 0;
}

SEC("fexit/__i2c_smbus_xfer")
int floor_fexit(void *ctx)
{
	return 0;
}

/* The end of the transfer from the stock smbus_result tracepoint. */
SEC("tp_btf/smbus_result")
int floor_tp_result(void *ctx)
{
	return 0;
}

/*
 * Atomic mode's two events on the patched kernel, with no work but a count
 * of the first's runs: the proof of a loop measured with bpf_stats off. A
 * plain add: atomic mode runs on one CPU, the others are offline.
 */
__u64 atomic_runs;

SEC("tp_btf/i2c_atomic_smbus_xfer")
int floor_atomic_xfer(void *ctx)
{
	atomic_runs++;
	return 0;
}

SEC("tp_btf/i2c_atomic_result")
int floor_atomic_result(void *ctx)
{
	return 0;
}
