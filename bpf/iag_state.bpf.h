/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Maps and the in-flight state of logical transfers, shared by the
 * tracepoint and the kprobe programs.
 *
 * One logical transfer is the outermost transfer of a task in one context
 * (task, softirq, hard IRQ, NMI). Its inner levels (a mux channel's
 * parents, SMBus emulated over I2C, an SMBus callback falling back to
 * emulation) are accepted as such only when their adapter is the leaf's own
 * or one of its ancestors; they add themselves to the record's adapter path
 * and take the outermost level's verdict (the enforce program returns it at
 * every level). A transfer nested but not on the leaf's path is decided and
 * reported on its own.
 *
 * Task-context state is keyed by task (a sleeping transfer may migrate);
 * interrupt contexts have per-CPU slots (they run to completion where they
 * started), so an interrupt's transfer while a task's is open is a transfer
 * of its own. An open interrupt slot on this CPU is always the innermost,
 * so end events need no preempt count to find their level.
 */
#ifndef IAG_STATE_BPF_H
#define IAG_STATE_BPF_H

/*
 * Per-CPU level slots: 1-3 softirq, hard IRQ, NMI (context_of()), and
 * CX_ATOMIC_TASK: task context in atomic mode, where the task runs with
 * interrupts or preemption off and cannot sleep or migrate until the
 * transfer ends. Only a task-context transfer outside atomic mode (it may
 * sleep and migrate) needs the task-keyed map, whose insert and delete per
 * transfer cost most of an allowed transfer (issue 13).
 */
#define IAG_N_CTX	8
#define CX_ATOMIC_TASK	4
/* A record pending longer than this lost its end (attached mid-transfer). */
#define STALE_NS	(10ULL * 1000 * 1000 * 1000)
/* Parent links walked to find an adapter's ancestors. */
#define ANCESTOR_HOPS	8

struct level {
	__u32 depth;		/* transfer levels open in this context */
	__u32 pending;		/* ev is the outermost level's record */
	__u32 refuse_mask;	/* bit d-1: the hook refuses at depth d */
	__u32 pad;
	__u64 leaf;		/* struct i2c_adapter * of the innermost accepted level */
	struct iag_event ev;
};


/*
 * The allowlist's shape: each set userspace swaps in is made like it (its
 * flags and BTF, which 6.1 compares). Not put into the slot at load: every
 * update of an array of maps waits for an RCU grace period (28 ms of a TCG
 * VM's start-up, issue 13); an empty slot allows nothing, as an empty set.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct iag_allow_key);
	__type(value, struct iag_allow_val);
} allow_inner SEC(".maps");

/* The allowlist: slot IAG_ALLOW_SLOT holds the current hash map, once there is one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__array(values, typeof(allow_inner));
} allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IAG_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/*
 * Task context outside atomic mode (a transfer from atomic context while
 * the system runs, kprobe mode): it may sleep and migrate, so keyed by task. A
 * task holds its slot only while inside a transfer, which it makes with the
 * root adapter's bus lock held: there are at most as many as root
 * adapters busy at once. LRU: the slot of a task whose end was never seen
 * (attached mid-transfer, then the task exited) goes when slots run short,
 * instead of staying forever. 128 slots of a level (about 440 bytes with
 * the element's header) keep the map memory at a 16th of 1024's (issue 13).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);	/* tasks in a transfer at one time */
	__type(key, __u64);		/* task_struct address */
	__type(value, struct level);
} task_levels SEC(".maps");

/*
 * Interrupt contexts (softirq, hard IRQ, NMI), and task context in atomic
 * mode, run to completion on their CPU.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IAG_N_CTX);
	__type(key, __u32);
	__type(value, struct level);
} irq_levels SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);	/* resized by userspace */
} events SEC(".maps");

/* What is pinned: written by userspace, never read here (bpftool shows it). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iag_pin_info);
} info SEC(".maps");

/*
 * Logical transfers open now, on any CPU or task, counted in kprobe mode
 * only (track_levels_open). Zero on its hot path (an ordinary transfer:
 * preemptible, nothing open), where it spares the per-task and per-CPU
 * lookups of every transfer (issue 13). A level lost without its end (an
 * LRU eviction) leaves it too high: only slower, never wrong. Tracepoint
 * mode sees only transfers that are watched, and does not pay for the two
 * atomic operations per transfer.
 */
__u64 levels_open;

static __always_inline void level_opened(void)
{
	if (track_levels_open)
		__sync_fetch_and_add(&levels_open, 1);
}

static __always_inline void level_closed(void)
{
	if (track_levels_open)
		__sync_fetch_and_add(&levels_open, -1);
}

/* The value a task's first transfer starts from. */
static struct level zero_level;

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += 1;
}

#include "iag_agg.bpf.h"

/*
 * The slot of a transfer of @kind in preempt count @pc: an interrupt
 * context's, else CX_ATOMIC_TASK in atomic mode, else 0 (the task's).
 */
static __always_inline __u32 slot_of(__u32 pc, __u8 kind)
{
	__u32 cx = context_of(pc);

	return cx || kind != IAG_KIND_ATOMIC_XFER ? cx : CX_ATOMIC_TASK;
}

/* The level of slot @cx (slot_of()) of the current task or CPU. */
static __always_inline struct level *level_of(__u32 cx, bool create)
{
	struct level *lv;
	__u64 task;

	if (cx) {
		cx &= IAG_N_CTX - 1;
		return bpf_map_lookup_elem(&irq_levels, &cx);
	}
	/* Not asked for before: an interrupt's or atomic mode's slot needs no task. */
	task = bpf_get_current_task();
	lv = bpf_map_lookup_elem(&task_levels, &task);
	if (lv || !create)
		return lv;
	bpf_map_update_elem(&task_levels, &task, &zero_level, BPF_NOEXIST);
	lv = bpf_map_lookup_elem(&task_levels, &task);
	if (!lv)
		count(IAG_CNT_DROPPED);	/* more tasks in transfers than slots: said */
	return lv;
}

/*
 * The level an end event (or the hook) belongs to: an interrupt context
 * open on this CPU is the innermost (it runs to completion before what it
 * interrupted goes on), else the current task's. *cx says which.
 */
static __always_inline struct level *irq_open(__u32 cx)
{
	struct level *lv = bpf_map_lookup_elem(&irq_levels, &cx);

	return lv && lv->depth ? lv : NULL;
}

/* The task's open level: in atomic mode on this CPU, else its own. */
static __always_inline struct level *task_open(__u32 *cx)
{
	struct level *lv = irq_open(CX_ATOMIC_TASK);

	*cx = CX_ATOMIC_TASK;
	if (lv)
		return lv;
	*cx = 0;
	lv = level_of(0, false);
	return lv && lv->depth ? lv : NULL;
}

/* Unrolled by hand: 6.1's verifier loses a loop counter spilled to the stack. */
static __always_inline struct level *open_level(__u32 *cx)
{
	struct level *lv;

	*cx = 3;
	lv = irq_open(3);
	if (!lv) {
		*cx = 2;
		lv = irq_open(2);
	}
	if (!lv) {
		*cx = 1;
		lv = irq_open(1);
	}
	return lv ? lv : task_open(cx);
}

/*
 * Allowlist: the client's key (a 10-bit address is its own key), then the
 * adapter-wide key.
 */
static __always_inline __u32 lookup_rule(int adapter, __u16 addr, __u16 flags)
{
	struct iag_allow_key key = {
		.adapter = adapter, .addr = addr, .flags = flags & IAG_KEY_TEN,
	};
	__u32 slot = IAG_ALLOW_SLOT;
	struct iag_allow_val *val;
	void *set;

	set = bpf_map_lookup_elem(&allow, &slot);
	if (!set)
		return IAG_NO_RULE;
	val = bpf_map_lookup_elem(set, &key);
	if (!val) {
		key.addr = IAG_ADDR_ANY;
		key.flags = 0;
		val = bpf_map_lookup_elem(set, &key);
	}
	return val ? val->rule_id : IAG_NO_RULE;
}

/* Fill the parts common to every record; leaves transfer details zero. */
static __always_inline void begin(struct iag_event *ev, __u8 kind, int adapter,
				  __u16 addr, __u32 state, __u32 pc, __u8 irqs)
{
	/* The frames and comm are written only for a record that is sent. */
	__builtin_memset(ev, 0, __builtin_offsetof(struct iag_event, stack));
	ev->abi_version = IAG_ABI_VERSION;
	ev->kind = kind;
	ev->callback = IAG_CB_UNKNOWN;
	ev->system_state = state < IAG_STATE_MAX ? state : IAG_STATE_MAX;
	ev->ts_ns = bpf_ktime_get_boot_ns();
	ev->adapter = adapter;
	ev->addr = addr;
	ev->preempt_count = pc;
	ev->irqs_disabled = irqs;
	ev->path_len = 1;
	ev->adapter_path[0] = adapter;
}

/*
 * Who made it, for a record about to be sent: the same task as at begin()
 * (a level ends in its own task, or on its own CPU for an interrupt).
 */
static __always_inline void stamp_task(struct iag_event *ev)
{
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}

/* Verdict from the allowlist; violations get the kernel stack. */
static __always_inline void decide(void *ctx, struct iag_event *ev)
{
	ev->rule_id = lookup_rule(ev->adapter, ev->addr, ev->flags);
	if (ev->kind == IAG_KIND_ATOMIC_CONTEXT_XFER || ev->rule_id == IAG_NO_RULE)
		ev->verdict = IAG_VERDICT_VIOLATION;
	else
		ev->verdict = IAG_VERDICT_ALLOWED;
	if (ev->verdict == IAG_VERDICT_VIOLATION)
		take_stack(ctx, ev);
}

/*
 * Count and, unless it is an allowed one nobody asked for or a repeat
 * counted in its aggregate, emit.
 */
static __always_inline void finish(struct iag_event *ev)
{
	count(IAG_CNT_SEEN);
	if (ev->kind != IAG_KIND_LOCK_BUSY && ev->kind != IAG_KIND_NO_ATOMIC_HANDLER) {
		if (ev->verdict == IAG_VERDICT_ALLOWED)
			count(IAG_CNT_ALLOWED);
		else if (ev->verdict == IAG_VERDICT_DENIED)
			count(IAG_CNT_DENIED);
		else
			count(IAG_CNT_VIOLATIONS);
	}
	if (ev->verdict == IAG_VERDICT_ALLOWED && !report_all)
		return;
	if (aggregated(ev))
		return;
	stamp_task(ev);
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0) &&
	    !record_lost_into_aggregate(ev))
		count(IAG_CNT_DROPPED);
}

/* Is @adap the adapter @leaf or one of its ancestors (through mux clients)? */
static __always_inline bool on_leaf_path(__u64 leaf, struct i2c_adapter *adap)
{
	struct i2c_adapter *l = (void *)leaf;
	struct device *want = &adap->dev, *p;
	int i;

	if (!leaf || leaf == (__u64)adap)
		return true;
	p = BPF_CORE_READ(l, dev.parent);
	for (i = 0; i < ANCESTOR_HOPS && p; i++) {
		if (p == want)
			return true;
		p = BPF_CORE_READ(p, parent);
	}
	return false;
}

/* Refuse at depth @depth (1-based) or not. */
static __always_inline void set_refuse(struct level *lv, __u32 depth, bool refuse)
{
	__u32 bit = 1U << ((depth - 1) & 31);

	if (refuse)
		lv->refuse_mask |= bit;
	else
		lv->refuse_mask &= ~bit;
}

/*
 * An inner level of the pending transfer (lv->depth already counts it):
 * note its adapter once and give it the outermost level's verdict.
 */
static __always_inline void nested_on_path(struct level *lv, struct i2c_adapter *adap)
{
	__u32 len = lv->ev.path_len;
	int nr = BPF_CORE_READ(adap, nr);

	count(IAG_CNT_NESTED);
	set_refuse(lv, lv->depth, lv->refuse_mask & 1);
	lv->leaf = (__u64)adap;
	if (!lv->pending || len == 0 || len >= IAG_MAX_PATH)
		return;
	if (lv->ev.adapter_path[(len - 1) & (IAG_MAX_PATH - 1)] == nr)
		return;
	lv->ev.adapter_path[len & (IAG_MAX_PATH - 1)] = nr;
	lv->ev.path_len = len + 1;
}

/* End of a transfer level; the outermost one submits the record. */
static __always_inline void pop(struct level *lv, int ret)
{
	if (!lv->depth)
		return;		/* attached in the middle of a transfer */
	lv->depth--;
	if (!lv->depth)
		level_closed();
	if (lv->depth || !lv->pending)
		return;
	lv->pending = 0;
	lv->refuse_mask = 0;
	lv->leaf = 0;
	lv->ev.ret = ret;
	finish(&lv->ev);
}

/* The enforce decision at the hook: the level's own bit, else the allowlist. */
static __always_inline int refuse_errno(struct i2c_adapter *adap, __u16 addr)
{
	__u32 cx;
	struct level *lv = open_level(&cx);

	if (lv && lv->depth)
		return lv->refuse_mask & (1U << ((lv->depth - 1) & 31)) ? -EPERM : 0;
	/* No transfer seen open (attached mid-way): the 7-bit key, the only one known. */
	return lookup_rule(BPF_CORE_READ(adap, nr), addr, 0) == IAG_NO_RULE ? -EPERM : 0;
}

#endif /* IAG_STATE_BPF_H */
