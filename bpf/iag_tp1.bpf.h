/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tracepoint mode, first series: the events carry no state, interrupt flag
 * or preempt count, so the programs read system_state and the count
 * (iag_preempt.bpf.h). Included by iag.bpf.c only.
 */
#ifndef IAG_TP1_BPF_H
#define IAG_TP1_BPF_H

/*
 * Interrupts, as far as the preempt count tells (a tracepoint cannot see
 * the flags): a hard IRQ or NMI handler runs with them off, and in atomic
 * mode ("not preemptible") a zero count means they are off. 2: unknown.
 */
static __always_inline __u8 irqs_from_count(__u32 pc, bool atomic_mode)
{
	if (pc & (HARDIRQ_MASK | NMI_MASK))
		return 1;
	return pc == 0 && atomic_mode ? 1 : 2;
}

static __always_inline struct level *tp_push(void *ctx, struct i2c_adapter *adap, __u16 addr,
					     int cb)
{
	__u32 pc = caller_preempt_count(tp_preempt_offset());
	struct level *lv = level_of(slot_of(pc, IAG_KIND_ATOMIC_XFER), true);

	if (!lv)
		return NULL;
	lv = push(ctx, lv, adap, adap->nr, addr, IAG_KIND_ATOMIC_XFER, read_system_state(),
		  pc, irqs_from_count(pc, true));
	if (lv)
		set_cb(&lv->ev, cb);
	return lv;
}

SEC("tp_btf/i2c_atomic_xfer")
int BPF_PROG(tp_xfer, struct i2c_adapter *adap, struct i2c_msg *msgs, int num, int cb)
{
	__u16 addr, flags;

	first_msg(msgs, num, &addr, &flags);
	xfer_level(ctx, tp_push(ctx, adap, addr, cb), flags, num);
	return 0;
}

SEC("tp_btf/i2c_atomic_smbus_xfer")
int BPF_PROG(tp_smbus_xfer, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	     char read_write, __u8 command, int protocol, int cb)
{
	smbus_level(ctx, tp_push(ctx, adap, addr, cb), flags, read_write, command, protocol);
	return 0;
}

SEC("tp_btf/i2c_atomic_result")
int BPF_PROG(tp_result, struct i2c_adapter *adap, __u16 addr, int ret)
{
	end_level(ret);
	return 0;
}

static __always_inline void tp_single(void *ctx, __u8 kind, struct i2c_adapter *adap,
				      __u16 addr, int ret)
{
	__u32 pc = caller_preempt_count(tp_preempt_offset());

	single(ctx, kind, adap, addr, ret, read_system_state(), pc,
	       irqs_from_count(pc, kind != IAG_KIND_ATOMIC_CONTEXT_XFER));
}

SEC("tp_btf/i2c_atomic_lock_busy")
int BPF_PROG(tp_lock_busy, struct i2c_adapter *adap, __u16 addr)
{
	tp_single(ctx, IAG_KIND_LOCK_BUSY, adap, addr, -11 /* -EAGAIN */);
	return 0;
}

SEC("tp_btf/i2c_atomic_no_handler")
int BPF_PROG(tp_no_handler, struct i2c_adapter *adap, __u16 addr)
{
	tp_single(ctx, IAG_KIND_NO_ATOMIC_HANDLER, adap, addr, 0);
	return 0;
}

SEC("tp_btf/i2c_atomic_context_xfer")
int BPF_PROG(tp_context_xfer, struct i2c_adapter *adap, __u16 addr)
{
	tp_single(ctx, IAG_KIND_ATOMIC_CONTEXT_XFER, adap, addr, 0);
	return 0;
}

SEC("tp_btf/i2c_atomic_denied")
int BPF_PROG(tp_denied, struct i2c_adapter *adap, __u16 addr, int err)
{
	__u32 pc = caller_preempt_count(tp_preempt_offset());

	denied(ctx, adap, addr, err, read_system_state(), pc, irqs_from_count(pc, true));
	return 0;
}

#endif /* IAG_TP1_BPF_H */
