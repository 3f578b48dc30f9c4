// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * i2c-atomic-guard: watch (and optionally refuse) I2C/SMBus transfers made
 * in atomic mode, and transfers made from atomic context while the system
 * runs.
 *
 * Three sets of programs; userspace loads one (the others are switched off
 * with bpf_program__set_autoload(false)):
 *
 *   tp2_*: tracepoint mode on a series whose events carry the caller's
 *     system state, interrupt state and preempt count as arguments: no
 *     ksym and no architecture code;
 *   tp_*: tracepoint mode on the first series (events without them): the
 *     state and the count are read here;
 *   kp_*: kprobe mode (stock kernel): kprobe, fentry and fexit on
 *     __i2c_transfer() and __i2c_smbus_xfer(); atomic mode is worked out
 *     here from system_state, the preempt count and the interrupt flag.
 * enforce_check (fmod_ret on i2c_atomic_xfer_check()) goes with tp2_ or tp_.
 *
 * Logical transfers, nesting and the per-task state: iag_state.bpf.h.
 * The preempt count on each kernel: iag_preempt.bpf.h.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "iag_kernel.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "i2c_atomic_guard.h"

char LICENSE[] SEC("license") = "GPL";

/* Tuning knobs, set by userspace before load. */
const volatile __u32 abi_version = IAG_ABI_VERSION;
const volatile bool report_all = false;		/* records for allowed transfers */
const volatile __u32 stack_depth = 16;		/* frames per violation */
/* Repeats of a violation add to a count (iag_agg.bpf.h) instead of a record each. */
const volatile bool aggregate = true;
/* Frames of the probe machinery on top (bpf_prog_*, bpf_trace_run*): also taken. */
const volatile __u32 stack_extra = 0;
/* Count open levels in levels_open (kprobe mode's hot path reads it). */
const volatile bool track_levels_open = true;

#include "iag_preempt.bpf.h"
#include "iag_state.bpf.h"

/* Scratch record for a transfer decided while another one is pending. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iag_event);
} scratch SEC(".maps");

/* kprobe mode: the interrupt flag the kprobe saw, for the fentry after it. */
struct kp_note {
	__u64 task;
	__u32 irqs_off;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kp_note);
} kp_notes SEC(".maps");

/* The outermost level decided: its verdict is what the hook applies. */
static __always_inline void decide_level(void *ctx, struct level *lv)
{
	decide(ctx, &lv->ev);
	set_refuse(lv, 1, lv->ev.verdict == IAG_VERDICT_VIOLATION);
}

/*
 * A record of its own, outside any level (a foreign transfer, a single
 * event, a refusal with no pending record): begun in this CPU's scratch
 * slot, or NULL.
 */
static __always_inline struct iag_event *scratch_event(__u8 kind, struct i2c_adapter *adap,
						       __u16 addr, __u32 state, __u32 pc,
						       __u8 irqs)
{
	__u32 zero = 0;
	struct iag_event *ev = bpf_map_lookup_elem(&scratch, &zero);

	if (ev)
		begin(ev, kind, BPF_CORE_READ(adap, nr), addr, state, pc, irqs);
	return ev;
}

/* A transfer nested in another but not on its adapter path: its own verdict. */
static __always_inline void foreign(void *ctx, struct level *lv, struct i2c_adapter *adap,
				    __u16 addr, __u8 kind, __u32 state, __u32 pc, __u8 irqs)
{
	struct iag_event *ev = scratch_event(kind, adap, addr, state, pc, irqs);

	if (!ev)
		return;
	decide(ctx, ev);
	set_refuse(lv, lv->depth, ev->verdict == IAG_VERDICT_VIOLATION);
	finish(ev);
}

/* A level pending longer than STALE_NS lost its end (attached mid-transfer): closed. */
static __always_inline void drop_stale(struct level *lv)
{
	if (lv->depth && bpf_ktime_get_boot_ns() - lv->ev.ts_ns > STALE_NS) {
		lv->depth = lv->pending = 0;
		level_closed();
	}
}

/*
 * Start a transfer level on @lv for adapter @adap, number @nr (read by the
 * caller: a tracepoint's adapter is a BTF pointer, read directly, a kprobe's
 * is not). Returns the level when it begins a logical transfer (ev begun:
 * fill it, then decide_level()), else NULL.
 */
static __always_inline struct level *push(void *ctx, struct level *lv,
					  struct i2c_adapter *adap, int nr, __u16 addr,
					  __u8 kind, __u32 state, __u32 pc, __u8 irqs)
{
	drop_stale(lv);
	if (lv->depth) {
		lv->depth++;
		if (on_leaf_path(lv->leaf, adap))
			nested_on_path(lv, adap);
		else
			foreign(ctx, lv, adap, addr, kind, state, pc, irqs);
		return NULL;
	}
	lv->depth = 1;
	level_opened();
	lv->pending = 1;
	lv->leaf = (__u64)adap;
	lv->refuse_mask = 0;
	begin(&lv->ev, kind, nr, addr, state, pc, irqs);
	return lv;
}

/* The level a single event of context @cx falls in, if a transfer is open there. */
static __always_inline bool inside_open(__u32 cx)
{
	struct level *lv;

	if (!cx)
		return task_open(&cx) != NULL;
	lv = level_of(cx, false);
	return lv && lv->depth;
}

/* The end of a level; a task's state goes when its logical transfer ends. */
static __always_inline void end_level(int ret)
{
	__u64 task;
	__u32 cx;
	struct level *lv;

	if (track_levels_open && !levels_open)
		return;		/* nothing to end: the hot path of kprobe mode */
	lv = open_level(&cx);
	if (!lv)
		return;
	pop(lv, ret);
	if (!cx && !lv->depth) {
		task = bpf_get_current_task();
		bpf_map_delete_elem(&task_levels, &task);
	}
}

static __always_inline void set_cb(struct iag_event *ev, int cb)
{
	ev->callback = cb >= 0 && cb < IAG_CB_MAX ? cb : IAG_CB_UNKNOWN;
}

static __always_inline void set_smbus(struct iag_event *ev, unsigned short flags,
				      char read_write, __u8 command, int protocol)
{
	ev->flags = flags;
	ev->is_smbus = 1;
	ev->smbus_protocol = protocol;
	ev->smbus_command = command;
	ev->smbus_read = read_write == I2C_SMBUS_READ;
}

/*
 * The first message of an i2c_transfer names it (address, flags); without
 * one, 0: the core refuses such a transfer anyway.
 */
static __always_inline void first_msg(struct i2c_msg *msgs, int num, __u16 *addr,
				      __u16 *flags)
{
	*addr = 0;
	*flags = 0;
	if (msgs && num > 0) {
		*addr = BPF_CORE_READ(msgs, addr);
		*flags = BPF_CORE_READ(msgs, flags);
	}
}

/* What every mode's i2c_transfer program does once push() began @lv (or NULL). */
static __always_inline void xfer_level(void *ctx, struct level *lv, __u16 flags, int num)
{
	if (!lv)
		return;
	lv->ev.flags = flags;
	lv->ev.msg_count = num > 0 ? num : 0;
	decide_level(ctx, lv);
}

/* What every mode's __i2c_smbus_xfer program does once push() began @lv (or NULL). */
static __always_inline void smbus_level(void *ctx, struct level *lv, unsigned short flags,
					char read_write, __u8 command, int protocol)
{
	if (!lv)
		return;
	set_smbus(&lv->ev, flags, read_write, command, protocol);
	decide_level(ctx, lv);
}

/* A single event (lock busy, no handler, atomic context, refused): one record. */
static __always_inline void single(void *ctx, __u8 kind, struct i2c_adapter *adap,
				   __u16 addr, int ret, __u32 state, __u32 pc, __u8 irqs)
{
	struct iag_event *ev;

	if (inside_open(context_of(pc))) {
		/* e.g. a parent's lock taken inside a mux-locked channel */
		count(IAG_CNT_NESTED);
		return;
	}
	ev = scratch_event(kind, adap, addr, state, pc, irqs);
	if (!ev)
		return;
	ev->ret = ret;
	/* Outside atomic mode, and without any atomic callback: the sleeping one. */
	if (kind == IAG_KIND_ATOMIC_CONTEXT_XFER || kind == IAG_KIND_NO_ATOMIC_HANDLER)
		ev->callback = IAG_CB_NONE;
	decide(ctx, ev);
	finish(ev);
}

/* The hook refused: the pending record says so, else a record of its own. */
static __always_inline void denied(void *ctx, struct i2c_adapter *adap, __u16 addr, int err,
				   __u32 state, __u32 pc, __u8 irqs)
{
	__u32 cx;
	struct level *lv = open_level(&cx);
	struct iag_event *ev;

	if (lv && lv->pending) {
		/* A message of a multi-address transfer may be the refused one. */
		lv->ev.kind = IAG_KIND_DENIED;
		lv->ev.verdict = IAG_VERDICT_DENIED;
		lv->ev.addr = addr;
		lv->ev.ret = err;
		return;
	}
	if (lv)
		return;
	ev = scratch_event(IAG_KIND_DENIED, adap, addr, state, pc, irqs);
	if (!ev)
		return;
	ev->verdict = IAG_VERDICT_DENIED;
	ev->rule_id = IAG_NO_RULE;
	ev->ret = err;
	finish(ev);
}

/*
 * Enforce: refuse what the logical transfer's verdict refuses, at every
 * level it reaches (mux parents, SMBus emulated over I2C).
 */
SEC("fmod_ret/i2c_atomic_xfer_check")
int BPF_PROG(enforce_check, struct i2c_adapter *adap, __u16 addr, int ret)
{
	if (ret)
		return ret;	/* already refused */
	return refuse_errno(adap, addr);
}

#include "iag_tp2.bpf.h"
#include "iag_bus.bpf.h"
#include "iag_tp1.bpf.h"
#include "iag_kp.bpf.h"
