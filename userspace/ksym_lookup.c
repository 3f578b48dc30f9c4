// SPDX-License-Identifier: GPL-2.0-only
/*
 * One kernel symbol's address asked of the kernel itself: a BPF syscall
 * program calls bpf_kallsyms_lookup_name() (5.16 and later) and is run once.
 * /proc/kallsyms, which the kernel formats line by line, took 170 ms of a
 * TCG VM's start-up in kprobe mode to find system_state (issue 13); the
 * helper's answer takes a program load.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ksyms.h"

#define NAME_MAX_LEN	63	/* the name's stack buffer holds 64 bytes */
#define NAME_OFF	(-64)
#define RES_OFF		(-72)

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/* The program: the name onto the stack, the helper, its answer into the context. */
static size_t build_prog(struct bpf_insn *insns, const char *sym, size_t len)
{
	size_t n = 0, i;

	insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
	for (i = 0; i <= len; i += 8) {
		unsigned long long chunk = 0;

		/* The bytes from @i on, NUL-padded: the stack's byte order is ours. */
		memcpy(&chunk, sym + i, len - i < 8 ? len - i : 8);
		insns[n++] = INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, 0, 0, (__u32)chunk);
		insns[n++] = INSN(0, 0, 0, 0, (__u32)(chunk >> 32));
		insns[n++] = INSN(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_1,
				  NAME_OFF + (int)i, 0);
	}
	insns[n++] = INSN(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, RES_OFF, 0);
	insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_10, 0, 0);
	insns[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, NAME_OFF);
	insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, (int)len + 1);
	insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 0);
	insns[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_10, 0, 0);
	insns[n++] = INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, RES_OFF);
	insns[n++] = INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_kallsyms_lookup_name);
	insns[n++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_10, RES_OFF, 0);
	insns[n++] = INSN(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_1, 0, 0);
	insns[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	return n;
}

int iag_ksym_lookup(const char *sym, unsigned long long *addr)
{
	struct bpf_insn insns[1 + 3 * 8 + 12];
	size_t len = strlen(sym);
	unsigned long long res = 0;
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .prog_flags = BPF_F_SLEEPABLE);
	LIBBPF_OPTS(bpf_test_run_opts, ro, .ctx_in = &res, .ctx_size_in = sizeof(res));
	int fd, err;

	if (!len || len > NAME_MAX_LEN)
		return -EINVAL;
	fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "iag_ksym", "GPL", insns,
			   build_prog(insns, sym, len), &lo);
	if (fd < 0)
		return -errno;	/* before 5.16, or no privilege */
	err = bpf_prog_test_run_opts(fd, &ro);
	close(fd);
	if (err)
		return -errno;
	/* The helper's own answer: 0 found, -ENOENT not, -EPERM addresses hidden. */
	if ((int)ro.retval == -ENOENT)
		return 0;
	if (ro.retval || !res)
		return (int)ro.retval ? (int)ro.retval : -ENODATA;
	if (addr)
		*addr = res;
	return 1;
}
