// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The floor of what any BPF watcher on __i2c_smbus_xfer() costs: programs
 * that do nothing. tests/bench/floor.c loads one of them (fentry by default,
 * the kprobe for reference) or a pair (what the stock fallback's shapes
 * cost before any work: an fexit beside the fentry, a kprobe beside it) and
 * keeps them attached until a signal.
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
