/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Tracepoint mode, second series: every event but i2c_atomic_result ends
 * with (int state, bool irqs_off, int preempt), the caller's values as the
 * core read them. Nothing here reads a ksym or depends on the architecture.
 * Included by iag.bpf.c only.
 */
#ifndef IAG_TP2_BPF_H
#define IAG_TP2_BPF_H

/* x86 keeps PREEMPT_NEED_RESCHED in bit 31: never a context bit. */
static __always_inline __u32 tp2_pc(int preempt)
{
	return (__u32)preempt & ~PREEMPT_NEED_RESCHED;
}

static __always_inline struct level *tp2_push(void *ctx, struct i2c_adapter *adap, __u16 addr,
					      int cb, int state, bool irqs_off, int preempt)
{
	__u32 pc = tp2_pc(preempt);
	struct level *lv = level_of(slot_of(pc, IAG_KIND_ATOMIC_XFER), true);

	if (!lv)
		return NULL;
	lv = push(ctx, lv, adap, adap->nr, addr, IAG_KIND_ATOMIC_XFER, state, pc, irqs_off);
	if (lv)
		set_cb(&lv->ev, cb);
	return lv;
}

SEC("tp_btf/i2c_atomic_xfer")
int BPF_PROG(tp2_xfer, struct i2c_adapter *adap, struct i2c_msg *msgs, int num, int cb,
	     int state, bool irqs_off, int preempt)
{
	__u16 addr, flags;

	first_msg(msgs, num, &addr, &flags);
	xfer_level(ctx, tp2_push(ctx, adap, addr, cb, state, irqs_off, preempt), flags, num);
	return 0;
}

SEC("tp_btf/i2c_atomic_smbus_xfer")
int BPF_PROG(tp2_smbus_xfer, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	     char read_write, __u8 command, int protocol, int cb, int state, bool irqs_off,
	     int preempt)
{
	smbus_level(ctx, tp2_push(ctx, adap, addr, cb, state, irqs_off, preempt), flags,
		    read_write, command, protocol);
	return 0;
}

SEC("tp_btf/i2c_atomic_result")
int BPF_PROG(tp2_result, struct i2c_adapter *adap, __u16 addr, int ret)
{
	end_level(ret);
	return 0;
}

SEC("tp_btf/i2c_atomic_lock_busy")
int BPF_PROG(tp2_lock_busy, struct i2c_adapter *adap, __u16 addr, int state, bool irqs_off,
	     int preempt)
{
	single(ctx, IAG_KIND_LOCK_BUSY, adap, addr, -11 /* -EAGAIN */, state,
	       tp2_pc(preempt), irqs_off);
	return 0;
}

SEC("tp_btf/i2c_atomic_no_handler")
int BPF_PROG(tp2_no_handler, struct i2c_adapter *adap, __u16 addr, int state, bool irqs_off,
	     int preempt)
{
	single(ctx, IAG_KIND_NO_ATOMIC_HANDLER, adap, addr, 0, state, tp2_pc(preempt), irqs_off);
	return 0;
}

SEC("tp_btf/i2c_atomic_context_xfer")
int BPF_PROG(tp2_ctx_xfer, struct i2c_adapter *adap, __u16 addr, int state, bool irqs_off,
	     int preempt)
{
	single(ctx, IAG_KIND_ATOMIC_CONTEXT_XFER, adap, addr, 0, state, tp2_pc(preempt),
	       irqs_off);
	return 0;
}

SEC("tp_btf/i2c_atomic_denied")
int BPF_PROG(tp2_denied, struct i2c_adapter *adap, __u16 addr, int err, int state,
	     bool irqs_off, int preempt)
{
	denied(ctx, adap, addr, err, state, tp2_pc(preempt), irqs_off);
	return 0;
}

/* Refused by the core before any start event; never followed by a result. */
SEC("tp_btf/i2c_atomic_refused")
int BPF_PROG(tp2_refused, struct i2c_adapter *adap, __u16 addr, int err, int state,
	     bool irqs_off, int preempt)
{
	single(ctx, IAG_KIND_REFUSED, adap, addr, err, state, tp2_pc(preempt), irqs_off);
	return 0;
}

#endif /* IAG_TP2_BPF_H */
