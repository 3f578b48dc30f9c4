/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * kprobe mode (stock kernel). Atomic mode needs the caller's preempt count
 * and its interrupt flag, and no single attach type sees both exactly:
 *  - a kprobe (through ftrace) has the interrupted flags in its registers,
 *    but adds to the preempt count once per ftrace layer, and how many
 *    layers there are depends on who else traces the function;
 *  - fentry adds a known amount (fentry_preempt_offset()), but cannot see
 *    the flags.
 * So the kprobe only notes the flag for this task on this CPU, and the
 * fentry program, which runs right after it on the same call, decides. A
 * task that migrated in between was preemptible: its flag was on.
 * Included by iag.bpf.c only.
 */
#ifndef IAG_KP_BPF_H
#define IAG_KP_BPF_H

static __always_inline void kp_note_flags(struct pt_regs *regs)
{
	__u32 zero = 0;
	struct kp_note *n = bpf_map_lookup_elem(&kp_notes, &zero);

	if (!n)
		return;
	n->task = bpf_get_current_task();
	n->irqs_off = regs_irqs_off(regs);
}

SEC("kprobe/__i2c_transfer")
int BPF_KPROBE(kp_xfer_flags)
{
	kp_note_flags(ctx);
	return 0;
}

SEC("kprobe/__i2c_smbus_xfer")
int BPF_KPROBE(kp_smbus_xfer_flags)
{
	kp_note_flags(ctx);
	return 0;
}

/* The flag noted by this call's kprobe, if it is this task's. */
static __always_inline bool kp_take_irqs_off(void)
{
	__u32 zero = 0;
	struct kp_note *n = bpf_map_lookup_elem(&kp_notes, &zero);
	bool off;

	if (!n)
		return false;
	off = n->task == bpf_get_current_task() && n->irqs_off;
	n->task = 0;
	return off;
}

static __always_inline __u8 kp_callback(struct i2c_adapter *adap, bool smbus, __u8 kind)
{
	const struct i2c_algorithm *algo = BPF_CORE_READ(adap, algo);

	/* Outside atomic mode the core uses the sleeping callbacks. */
	if (kind != IAG_KIND_ATOMIC_XFER)
		return IAG_CB_NONE;
	if (smbus && BPF_CORE_READ(algo, smbus_xfer_atomic))
		return IAG_CB_SMBUS_XFER_ATOMIC;
	if (BPF_CORE_READ(algo, master_xfer_atomic))
		return smbus ? IAG_CB_SMBUS_EMULATED : IAG_CB_XFER_ATOMIC;
	return IAG_CB_NONE;
}

static __always_inline struct level *kp_push_as(void *ctx, struct i2c_adapter *adap, __u16 addr,
						bool smbus, bool irqs_off, __u32 pc)
{
	__u32 cx = context_of(pc), state;
	struct level *lv = NULL;
	__u8 kind;

	/* Nothing open anywhere: no lookups (an ordinary transfer's path). */
	if (levels_open)	/* track_levels_open: set in kprobe mode */
		lv = cx ? level_of(cx, false) : task_open(&cx);
	if (lv)
		drop_stale(lv);	/* a stale level is no outer one: this one is new */
	/*
	 * One push() for an inner level and a new one: the verifier then goes
	 * through its inlined body once where the two paths' states agree (a
	 * quarter of kprobe mode's verified instructions, issue 13).
	 */
	if (lv && lv->depth) {
		/* An inner level: decided with the outermost one, if on its path. */
		kind = lv->ev.kind;
		state = read_system_state();
	} else {
		if (!atomic_context(pc, irqs_off))
			return NULL;	/* preemptible: nothing to watch, no push */
		state = read_system_state();
		if (state > SYSTEM_RUNNING && core_not_preemptible(pc, irqs_off))
			kind = IAG_KIND_ATOMIC_XFER;
		else if (state <= SYSTEM_RUNNING)
			kind = IAG_KIND_ATOMIC_CONTEXT_XFER;
		else
			return NULL;	/* the core does not see atomic mode here */
		lv = level_of(slot_of(pc, kind), true);
		if (!lv)
			return NULL;
	}
	/* An inner level: push() returns NULL (its level is decided already). */
	lv = push(ctx, lv, adap, BPF_CORE_READ(adap, nr), addr, kind, state, pc, irqs_off);
	if (lv)
		lv->ev.callback = kp_callback(adap, smbus, kind);
	return lv;
}

static __always_inline struct level *kp_push(void *ctx, struct i2c_adapter *adap, __u16 addr,
					     bool smbus)
{
	bool irqs_off = kp_take_irqs_off();

	return kp_push_as(ctx, adap, addr, smbus, irqs_off,
			  caller_preempt_count(fentry_preempt_offset()));
}

/* An __i2c_transfer() call seen at its entry: the first message names the client. */
static __always_inline void kp_xfer_entry(void *ctx, struct i2c_adapter *adap,
					  struct i2c_msg *msgs, int num, bool irqs_off, __u32 pc)
{
	__u16 addr, flags;

	first_msg(msgs, num, &addr, &flags);
	xfer_level(ctx, kp_push_as(ctx, adap, addr, false, irqs_off, pc), flags, num);
}

SEC("fentry/__i2c_transfer")
int BPF_PROG(kp_xfer, struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	bool irqs_off = kp_take_irqs_off();

	kp_xfer_entry(ctx, adap, msgs, num, irqs_off,
		      caller_preempt_count(fentry_preempt_offset()));
	return 0;
}

SEC("fentry/__i2c_smbus_xfer")
int BPF_PROG(kp_smbus_xfer, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	     char read_write, __u8 command, int protocol)
{
	smbus_level(ctx, kp_push(ctx, adap, addr, true), flags, read_write, command, protocol);
	return 0;
}

SEC("fexit/__i2c_transfer")
int BPF_PROG(kp_xfer_ret, struct i2c_adapter *adap, struct i2c_msg *msgs, int num, int ret)
{
	end_level(ret);
	return 0;
}

SEC("fexit/__i2c_smbus_xfer")
int BPF_PROG(kp_smbus_xfer_ret, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	     char read_write, __u8 command, int protocol, void *data, int ret)
{
	end_level(ret);
	return 0;
}

/*
 * Kernels whose BPF trampolines take at most six arguments (x86 before
 * 6.5) cannot fentry/fexit __i2c_smbus_xfer() (seven): there a kprobe and a
 * kretprobe watch it instead. What the kprobe path adds to the preempt
 * count is measured by userspace before they are attached: the same pair of
 * probes on a system call it makes with a count of zero (kp_calib*).
 */
__u32 kp_probe_offset;		/* set by userspace from the calibration */
__u32 kp_calib_tgid;		/* the calibrating process */
__u32 kp_calib_pc = ~0U;	/* what the calibration probe saw */

/* The caller's count under a calibrated kprobe (a low byte below it: none). */
static __always_inline __u32 kprobe_caller_preempt_count(void)
{
	__u32 pc = raw_preempt_count(), low = pc & 0xff;

	return low >= kp_probe_offset ? pc - kp_probe_offset : pc & ~0xffU;
}

SEC("kprobe")
int BPF_KPROBE(kp_calib)
{
	if (bpf_get_current_pid_tgid() >> 32 == kp_calib_tgid)
		kp_calib_pc = raw_preempt_count();
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(kp_calib_ret)
{
	return 0;
}

SEC("kprobe/__i2c_smbus_xfer")
int BPF_KPROBE(kps_smbus_xfer, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	       char read_write, __u8 command)
{
	struct level *lv = kp_push_as(ctx, adap, addr, true, regs_irqs_off(ctx),
				      kprobe_caller_preempt_count());

	smbus_level(ctx, lv, flags, read_write, command, (int)regs_arg6(ctx));
	return 0;
}

SEC("kretprobe/__i2c_smbus_xfer")
int BPF_KRETPROBE(kps_smbus_xfer_ret, int ret)
{
	end_level(ret);
	return 0;
}

/*
 * Kernels with no BPF trampolines at all (arm64 built with
 * CC_OPTIMIZE_FOR_SIZE has no DYNAMIC_FTRACE_WITH_DIRECT_CALLS; 32-bit arm
 * has none) refuse every fentry and fexit: there __i2c_transfer() is
 * watched by a kprobe and kretprobe pair too, calibrated the same way.
 */
SEC("kprobe/__i2c_transfer")
int BPF_KPROBE(kpt_xfer, struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	kp_xfer_entry(ctx, adap, msgs, num, regs_irqs_off(ctx), kprobe_caller_preempt_count());
	return 0;
}

SEC("kretprobe/__i2c_transfer")
int BPF_KRETPROBE(kpt_xfer_ret, int ret)
{
	end_level(ret);
	return 0;
}

#endif /* IAG_KP_BPF_H */
