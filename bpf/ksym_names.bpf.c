// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel addresses named by the kernel: "%pS" ("func+0x1c/0x80 [mod]") of
 * each, a BPF syscall program run once per batch (userspace/ksyms_bpf.c).
 * A pass over /proc/kallsyms, which the kernel formats line by line, took
 * 0.7-2.3 s of a TCG VM under a storm (issue 13).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define KSYM_NAMES_MAX	64	/* ksyms.c's KSYMS_BATCH */
#define KSYM_NAME_LEN	256

__u64 addrs[KSYM_NAMES_MAX];
__u32 n_addrs;
char names[KSYM_NAMES_MAX][KSYM_NAME_LEN];

SEC("syscall")
int ksym_names(void *ctx)
{
	for (__u32 i = 0; i < KSYM_NAMES_MAX && i < n_addrs; i++) {
		__u64 a = addrs[i];

		bpf_snprintf(names[i], KSYM_NAME_LEN, "%pS", &a, sizeof(a));
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
