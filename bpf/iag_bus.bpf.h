/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Stuck buses (patch 8 of the series): in atomic mode, with the bus lock
 * held and before the transfer, the core found SDA or SCL low
 * (i2c_atomic_bus_stuck) and, where that is safe with interrupts off, ran
 * the generic SCL recovery (i2c_atomic_bus_recovery). Both events carry
 * their values as arguments, so only the second series' programs exist;
 * userspace does not load them on a kernel without the events.
 *
 * They are not transfers: no verdict and no allowlist lookup, always
 * recorded (a stuck bus is rare and is what the user must see), counted in
 * bus_stuck and bus_recovered so that a lost record still tells a bus was
 * left stuck. The transfer itself follows with its own events.
 * Included by iag.bpf.c only.
 */
#ifndef IAG_BUS_BPF_H
#define IAG_BUS_BPF_H

static __always_inline __s8 line_value(int v)
{
	return v < 0 ? -1 : v > 0;
}

/* Write a bus record begun in the scratch slot. */
static __always_inline void bus_emit(struct iag_event *ev)
{
	ev->rule_id = IAG_NO_RULE;
	stamp_task(ev);
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0))
		count(IAG_CNT_DROPPED);
}

SEC("tp_btf/i2c_atomic_bus_stuck")
int BPF_PROG(tp2_bus_stuck, struct i2c_adapter *adap, __u16 addr, int scl, int sda, int how,
	     int state, bool irqs_off, int preempt)
{
	struct iag_event *ev = scratch_event(IAG_KIND_BUS_STUCK, adap, addr, state,
					     tp2_pc(preempt), irqs_off);

	count(IAG_CNT_BUS_STUCK);
	if (!ev)
		return 0;
	ev->scl = line_value(scl);
	ev->sda = line_value(sda);
	ev->recovery = how >= 0 && how < IAG_RECOVERY_UNKNOWN ? how : IAG_RECOVERY_UNKNOWN;
	/* Who met the stuck bus: a restart handler, a syscore callback... */
	take_stack(ctx, ev);
	bus_emit(ev);
	return 0;
}

/*
 * No state arguments: the recovery runs right after its bus_stuck, in the
 * same call on this CPU, so the record of that event, still in this CPU's
 * scratch slot, gives the caller's state, count and interrupt flag.
 */
SEC("tp_btf/i2c_atomic_bus_recovery")
int BPF_PROG(tp2_bus_recovery, struct i2c_adapter *adap, __u16 addr, int ret, int pulses,
	     int scl, int sda)
{
	__u32 zero = 0, state = IAG_STATE_MAX, pc = 0;
	struct iag_event *ev = bpf_map_lookup_elem(&scratch, &zero);
	int nr = BPF_CORE_READ(adap, nr);
	__u8 irqs = 2;

	if (!ret)
		count(IAG_CNT_BUS_RECOVERED);
	if (!ev)
		return 0;
	if (ev->kind == IAG_KIND_BUS_STUCK && ev->adapter == nr && ev->addr == addr) {
		state = ev->system_state;
		pc = ev->preempt_count;
		irqs = ev->irqs_disabled;
	}
	begin(ev, IAG_KIND_BUS_RECOVERY, nr, addr, state, pc, irqs);
	ev->ret = ret;
	ev->pulses = pulses < 0 ? 0 : pulses > 255 ? 255 : pulses;
	ev->scl = line_value(scl);
	ev->sda = line_value(sda);
	bus_emit(ev);
	return 0;
}

#endif /* IAG_BUS_BPF_H */
