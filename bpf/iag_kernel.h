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

/* x86-64 struct pt_regs: the kprobe context, a stable layout. */
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
/* x86: bit 31 of the preempt count is PREEMPT_NEED_RESCHED, inverted. */
#define PREEMPT_NEED_RESCHED	0x80000000U

/* arch/x86/include/asm/current.h (6.2 .. 6.14): per-CPU, in BTF. */
struct pcpu_hot {
	int preempt_count;
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
