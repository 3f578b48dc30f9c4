/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The few kernel types the BPF programs read, as minimal CO-RE definitions.
 *
 * Only the members used are declared; preserve_access_index makes clang
 * emit CO-RE relocations, so libbpf fixes every offset against the running
 * kernel's BTF at load time. No vmlinux.h and no kernel build are needed.
 */
#ifndef IAG_KERNEL_H
#define IAG_KERNEL_H

#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;
typedef __s64 s64;
typedef _Bool bool;
#define true 1
#define false 0

/* bpf_tracing.h: use the kernel's register names (di, si, ...). */
#ifndef __VMLINUX_H__
#define __VMLINUX_H__
#endif

/*
 * The kprobe context: the architecture's struct pt_regs, a stable layout
 * (bpf_tracing.h reads the arguments from it). The architecture comes from
 * the build (-D__TARGET_ARCH_x86 or -D__TARGET_ARCH_arm64).
 */
#if defined(__TARGET_ARCH_x86)
struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bp;
	unsigned long bx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long ax;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	unsigned long orig_ax;
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	unsigned long ss;
};

#define X86_EFLAGS_IF		0x200UL
#elif defined(__TARGET_ARCH_arm64)
/* arm64 struct pt_regs starts with struct user_pt_regs. */
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};

struct pt_regs {
	struct user_pt_regs user_regs;
};

#define PSR_I_BIT		0x80UL	/* IRQs masked */
#else
#error "i2c-atomic-guard BPF: build with -D__TARGET_ARCH_x86 or -D__TARGET_ARCH_arm64"
#endif

/* x86: bit 31 of the preempt count is PREEMPT_NEED_RESCHED, inverted. */
#define PREEMPT_NEED_RESCHED	0x80000000U
/* The context bits of the preempt count (include/linux/preempt.h). */
#define SOFTIRQ_OFFSET		0x00000100U
#define HARDIRQ_MASK		0x000f0000U
#define NMI_MASK		0x00f00000U

/* arch/x86/include/asm/current.h (6.2 .. 6.14): per-CPU, in BTF. */
struct pcpu_hot {
	int preempt_count;
} __attribute__((preserve_access_index));

/* arm64: the count lives in thread_info, the first member of task_struct. */
struct thread_info___arm64 {
	union {
		__u64 preempt_count;
		struct {
			__u32 count;
			__u32 need_resched;
		} preempt;
	};
} __attribute__((preserve_access_index));

struct task_struct___arm64 {
	struct thread_info___arm64 thread_info;
} __attribute__((preserve_access_index));

struct i2c_adapter;

struct i2c_msg {
	__u16 addr;
	__u16 flags;
	__u16 len;
	__u8 *buf;
} __attribute__((preserve_access_index));

struct i2c_algorithm {
	union {
		int (*master_xfer)(struct i2c_adapter *adap,
				   struct i2c_msg *msgs, int num);
	};
	union {
		int (*master_xfer_atomic)(struct i2c_adapter *adap,
					  struct i2c_msg *msgs, int num);
	};
	void *smbus_xfer;
	void *smbus_xfer_atomic;
} __attribute__((preserve_access_index));

struct device {
	struct device *parent;
} __attribute__((preserve_access_index));

struct i2c_adapter {
	const struct i2c_algorithm *algo;
	struct device dev;
	int nr;
} __attribute__((preserve_access_index));

/* enum system_states, include/linux/kernel.h */
#define SYSTEM_RUNNING		3

#define I2C_SMBUS_READ		1

#define EPERM			1

#endif /* IAG_KERNEL_H */
