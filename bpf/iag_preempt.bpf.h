/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The caller's preempt count and system state, on any kernel the programs
 * serve, for the modes that must read them (kprobe mode, and tracepoint
 * mode on a series that does not pass them as arguments).
 *
 * Where the count lives depends on the architecture and the version, so
 * every symbol is a weak ksym and the branch that reads it is kept only when
 * it resolved (a weak ksym that is missing loads as 0 and the verifier
 * drops the dead branch):
 *   x86 6.1 and after 6.14:  per-CPU int __preempt_count;
 *   x86 6.2 .. 6.14:         per-CPU struct pcpu_hot, member preempt_count;
 *   arm64:                   current->thread_info.preempt.count.
 * What the probe itself adds to the count comes from the kernel's config
 * (__kconfig, supplied by the command from /proc/config.gz, /boot/config-*
 * or, failing both, from BTF), never from a constant.
 */
#ifndef IAG_PREEMPT_BPF_H
#define IAG_PREEMPT_BPF_H

#ifndef bpf_ksym_exists
/* libbpf >= 1.2 has it; 1.1 (Debian 12) does not. */
#define bpf_ksym_exists(sym) ({							\
	_Static_assert(!__builtin_constant_p(!!(sym)), #sym " must be __weak");	\
	!!(sym);								\
})
#endif

extern bool CONFIG_PREEMPT_COUNT __kconfig __weak;
extern bool CONFIG_PREEMPT_RCU __kconfig __weak;

/*
 * system_state is not in the BTF pahole 1.24 emits, and a typeless ksym
 * would make libbpf read all of /proc/kallsyms at every load, tracepoint
 * mode included: userspace sets its address (from kallsyms, in the modes
 * that read it), 0 where it is not known or not needed.
 */
const volatile __u64 system_state_addr = 0;
#if defined(__TARGET_ARCH_x86)
extern const int __preempt_count __ksym __weak;
extern struct pcpu_hot pcpu_hot __ksym __weak;
#endif

/* SYSTEM_RUNNING when the kernel does not export system_state (said by status). */
static __always_inline __u32 read_system_state(void)
{
	int st = SYSTEM_RUNNING;

	if (system_state_addr)
		bpf_probe_read_kernel(&st, sizeof(st), (const void *)system_state_addr);
	return (__u32)st;
}

/* The raw count of this CPU (x86: without PREEMPT_NEED_RESCHED); 0 unknown. */
static __always_inline __u32 raw_preempt_count(void)
{
#if defined(__TARGET_ARCH_x86)
	if (bpf_ksym_exists(&__preempt_count)) {
		const int *pc = bpf_this_cpu_ptr(&__preempt_count);

		return (__u32)*pc & ~PREEMPT_NEED_RESCHED;
	}
	if (bpf_core_type_exists(struct pcpu_hot) && bpf_ksym_exists(&pcpu_hot)) {
		struct pcpu_hot *hot = bpf_this_cpu_ptr(&pcpu_hot);

		return (__u32)hot->preempt_count & ~PREEMPT_NEED_RESCHED;
	}
	return 0;
#elif defined(__TARGET_ARCH_arm64)
	struct task_struct___arm64 *t = (void *)bpf_get_current_task_btf();

	if (bpf_core_field_exists(t->thread_info.preempt.count))
		return t->thread_info.preempt.count;
	return 0;
#endif
}

/*
 * What the probe adds to the count. fentry: the trampoline's RCU read lock,
 * a preempt_disable() when RCU is not preemptible. A tracepoint: __DO_TRACE
 * disables preemption, and bpf_trace_run*() takes the RCU read lock. No
 * PREEMPT_COUNT: preempt_disable() counts nothing.
 */
static __always_inline __u32 fentry_preempt_offset(void)
{
	return CONFIG_PREEMPT_COUNT && !CONFIG_PREEMPT_RCU ? 1 : 0;
}

static __always_inline __u32 tp_preempt_offset(void)
{
	if (!CONFIG_PREEMPT_COUNT)
		return 0;
	return CONFIG_PREEMPT_RCU ? 1 : 2;
}

/* The caller's count: ours, minus what the probe added (irq bits kept). */
static __always_inline __u32 caller_preempt_count(__u32 probe_offset)
{
	__u32 pc = raw_preempt_count();
	__u32 low = pc & 0xff;

	return low >= probe_offset ? pc - probe_offset : pc & ~0xffU;
}

/* Which context a count is: 0 task, 1 softirq, 2 hard IRQ, 3 NMI. */
static __always_inline __u32 context_of(__u32 pc)
{
	if (pc & NMI_MASK)
		return 3;
	if (pc & HARDIRQ_MASK)
		return 2;
	if (pc & SOFTIRQ_OFFSET)
		return 1;
	return 0;
}

/* The interrupted context's interrupt flag, from a kprobe's registers. */
static __always_inline bool regs_irqs_off(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return !(regs->flags & X86_EFLAGS_IF);
#elif defined(__TARGET_ARCH_arm64)
	return regs->user_regs.pstate & PSR_I_BIT;
#endif
}

/* The sixth argument of a kprobed function (bpf_tracing.h stops at five). */
static __always_inline unsigned long regs_arg6(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return regs->r9;
#elif defined(__TARGET_ARCH_arm64)
	return regs->user_regs.regs[5];
#endif
}

/* Atomic context: any count (without PREEMPT_COUNT only IRQ nesting is counted). */
static __always_inline bool atomic_context(__u32 pc, bool irqs_off)
{
	return pc != 0 || irqs_off;
}

/*
 * Not preemptible as i2c_in_atomic_xfer_mode() decides it: without
 * PREEMPT_COUNT the core falls back to irqs_disabled() (since 6.7).
 */
static __always_inline bool core_not_preemptible(__u32 pc, bool irqs_off)
{
	return CONFIG_PREEMPT_COUNT ? atomic_context(pc, irqs_off) : irqs_off;
}

#endif /* IAG_PREEMPT_BPF_H */
