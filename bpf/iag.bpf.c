// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * i2c-atomic-guard: watch (and optionally refuse) I2C/SMBus transfers made
 * in atomic mode, and transfers made from atomic context while the system
 * runs.
 *
 * Two sets of programs, one chosen by userspace at start-up (the other is
 * switched off with bpf_program__set_autoload(false)):
 *
 *   tracepoint mode (patched kernel): tp_btf on the i2c_atomic events, plus
 *     fmod_ret on the i2c_atomic_xfer_check() hook in enforce mode;
 *   kprobe mode (stock kernel): kprobe, fentry and fexit on __i2c_transfer()
 *     and __i2c_smbus_xfer(); atomic mode is worked out here from
 *     system_state, the preempt count and the caller's interrupt flag.
 *
 * Nesting: a transfer through a mux channel reaches __i2c_transfer() of each
 * parent adapter, and SMBus emulated over I2C reaches __i2c_transfer() inside
 * __i2c_smbus_xfer(). A per-CPU depth counter is pushed on each transfer and
 * popped at its end; only the outermost level is decided and reported, the
 * inner levels append their adapter to the record's adapter_path. Transfers
 * that are nested are non-preemptible, so they cannot migrate between CPUs
 * while the depth is non-zero.
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
/* Frames of the probe machinery on top (bpf_prog_*, bpf_trace_run*): also taken. */
const volatile __u32 stack_extra = 0;
/* What fentry adds to the preempt count (the trampoline: nothing). */
const volatile __u32 fentry_preempt_offset = 0;
/* What the tracepoint adds (__DO_TRACE disables preemption: 1). */
const volatile __u32 tp_preempt_offset = 1;

/*
 * A pending record older than this is stale (its end was never seen: the
 * programs were attached in the middle of a transfer): start afresh.
 */
#define STALE_NS	(10ULL * 1000 * 1000 * 1000)

struct cpu_state {
	__u32 depth;		/* transfers in progress on this CPU */
	__u32 pending;		/* ev is the outermost transfer's record */
	__u64 kp_task;		/* kprobe mode: the task whose flags are noted */
	__u32 kp_irqs_off;	/* and its interrupts were off */
	__u32 kp_pad;
	struct iag_event ev;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct iag_allow_key);
	__type(value, struct iag_allow_val);
} allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, IAG_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cpu_state);
} cpu_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);	/* resized by userspace */
} events SEC(".maps");

/* Not in the BTF pahole 1.24 emits: a typeless ksym, read by address. */
extern const void system_state __ksym;
/* Per-CPU, in BTF. */
extern struct pcpu_hot pcpu_hot __ksym;

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);

	if (v)
		*v += 1;
}

static __always_inline struct cpu_state *cpu_state(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&cpu_states, &zero);
}

static __always_inline __u32 read_system_state(void)
{
	int st = 0;

	bpf_probe_read_kernel(&st, sizeof(st), &system_state);
	return (__u32)st;
}

/* The caller's preempt count: ours, minus what the probe added. */
static __always_inline __u32 caller_preempt_count(__u32 probe_offset)
{
	struct pcpu_hot *hot = bpf_this_cpu_ptr(&pcpu_hot);
	__u32 pc = (__u32)hot->preempt_count & ~PREEMPT_NEED_RESCHED;

	return pc >= probe_offset ? pc - probe_offset : 0;
}

/* Allowlist: the client's key, then the adapter-wide key. */
static __always_inline __u32 lookup_rule(int adapter, __u16 addr)
{
	struct iag_allow_key key = { .adapter = adapter, .addr = addr };
	struct iag_allow_val *val;

	val = bpf_map_lookup_elem(&allow, &key);
	if (!val) {
		key.addr = IAG_ADDR_ANY;
		val = bpf_map_lookup_elem(&allow, &key);
	}
	return val ? val->rule_id : IAG_NO_RULE;
}

/* Fill the parts common to every record; leaves transfer details zero. */
static __always_inline void begin(struct iag_event *ev, __u8 kind, int adapter,
				  __u16 addr, __u32 state, __u32 pc, __u8 irqs)
{
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->abi_version = IAG_ABI_VERSION;
	ev->kind = kind;
	ev->callback = IAG_CB_UNKNOWN;
	ev->system_state = state < IAG_STATE_MAX ? state : IAG_STATE_MAX;
	ev->ts_ns = bpf_ktime_get_boot_ns();
	ev->adapter = adapter;
	ev->addr = addr;
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	ev->preempt_count = pc;
	ev->irqs_disabled = irqs;
	ev->path_len = 1;
	ev->adapter_path[0] = adapter;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
}

/* Verdict from the allowlist; violations get the kernel stack. */
static __always_inline void decide(void *ctx, struct iag_event *ev)
{
	__u32 size = stack_depth ? (stack_depth + stack_extra) * sizeof(__u64) : 0;
	long n;

	ev->rule_id = lookup_rule(ev->adapter, ev->addr);
	if (ev->kind == IAG_KIND_ATOMIC_CONTEXT_XFER || ev->rule_id == IAG_NO_RULE)
		ev->verdict = IAG_VERDICT_VIOLATION;
	else
		ev->verdict = IAG_VERDICT_ALLOWED;
	if (ev->verdict != IAG_VERDICT_VIOLATION)
		return;
	if (size > sizeof(ev->stack))
		size = sizeof(ev->stack);
	if (!size)
		return;
	n = bpf_get_stack(ctx, ev->stack, size, 0);
	if (n > 0)
		ev->stack_len = n / sizeof(__u64);
}

/* Count and, unless it is an allowed one nobody asked for, emit. */
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
	if (bpf_ringbuf_output(&events, ev, sizeof(*ev), 0))
		count(IAG_CNT_DROPPED);
}

/* An inner level of the pending transfer: note its adapter once. */
static __always_inline void nested(struct cpu_state *st, int adapter)
{
	__u32 len = st->ev.path_len;

	count(IAG_CNT_NESTED);
	if (!st->pending || len == 0 || len >= IAG_MAX_PATH)
		return;
	if (st->ev.adapter_path[(len - 1) & (IAG_MAX_PATH - 1)] == adapter)
		return;
	st->ev.adapter_path[len & (IAG_MAX_PATH - 1)] = adapter;
	st->ev.path_len = len + 1;
}

/* End of a transfer level; the outermost one submits the record. */
static __always_inline void pop(struct cpu_state *st, int ret)
{
	if (!st->depth)
		return;		/* attached in the middle of a transfer */
	st->depth--;
	if (st->depth || !st->pending)
		return;
	st->pending = 0;
	st->ev.ret = ret;
	finish(&st->ev);
}

/* ---- tracepoint mode (patched kernel) -------------------------------- */

#define HARDIRQ_MASK	0x000f0000U
#define NMI_MASK	0x00f00000U

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

static __always_inline struct cpu_state *tp_push(void *ctx, struct i2c_adapter *adap,
						__u16 addr, __u16 flags, int cb)
{
	struct cpu_state *st = cpu_state();
	int nr = BPF_CORE_READ(adap, nr);
	__u32 pc;

	if (!st)
		return NULL;
	if (st->depth && bpf_ktime_get_boot_ns() - st->ev.ts_ns > STALE_NS)
		st->depth = st->pending = 0;
	if (st->depth++) {
		nested(st, nr);
		return NULL;
	}
	pc = caller_preempt_count(tp_preempt_offset);
	begin(&st->ev, IAG_KIND_ATOMIC_XFER, nr, addr, read_system_state(), pc,
	      irqs_from_count(pc, true));
	st->ev.flags = flags;
	st->ev.callback = cb >= 0 && cb < IAG_CB_MAX ? cb : IAG_CB_UNKNOWN;
	st->pending = 1;
	return st;
}

SEC("tp_btf/i2c_atomic_xfer")
int BPF_PROG(tp_xfer, struct i2c_adapter *adap, struct i2c_msg *msgs, int num, int cb)
{
	__u16 addr = 0, flags = 0;
	struct cpu_state *st;

	if (msgs && num > 0) {
		addr = BPF_CORE_READ(msgs, addr);
		flags = BPF_CORE_READ(msgs, flags);
	}
	st = tp_push(ctx, adap, addr, flags, cb);
	if (!st)
		return 0;
	st->ev.msg_count = num > 0 ? num : 0;
	decide(ctx, &st->ev);
	return 0;
}

SEC("tp_btf/i2c_atomic_smbus_xfer")
int BPF_PROG(tp_smbus_xfer, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	     char read_write, __u8 command, int protocol, int cb)
{
	struct cpu_state *st = tp_push(ctx, adap, addr, flags, cb);

	if (!st)
		return 0;
	st->ev.is_smbus = 1;
	st->ev.smbus_protocol = protocol;
	st->ev.smbus_command = command;
	st->ev.smbus_read = read_write == I2C_SMBUS_READ;
	decide(ctx, &st->ev);
	return 0;
}

SEC("tp_btf/i2c_atomic_result")
int BPF_PROG(tp_result, struct i2c_adapter *adap, __u16 addr, int ret)
{
	struct cpu_state *st = cpu_state();

	if (st)
		pop(st, ret);
	return 0;
}

/* lock_busy, no_handler, context_xfer: single events, before the transfer. */
static __always_inline void tp_single(void *ctx, __u8 kind, struct i2c_adapter *adap,
				      __u16 addr, int ret)
{
	struct cpu_state *st = cpu_state();
	__u32 pc;

	if (!st)
		return;
	if (st->depth) {
		/* A parent's lock taken inside a mux-locked channel. */
		count(IAG_CNT_NESTED);
		return;
	}
	pc = caller_preempt_count(tp_preempt_offset);
	begin(&st->ev, kind, BPF_CORE_READ(adap, nr), addr, read_system_state(), pc,
	      irqs_from_count(pc, kind != IAG_KIND_ATOMIC_CONTEXT_XFER));
	st->ev.ret = ret;
	/* Outside atomic mode, and without any atomic callback: the sleeping one. */
	if (kind == IAG_KIND_ATOMIC_CONTEXT_XFER || kind == IAG_KIND_NO_ATOMIC_HANDLER)
		st->ev.callback = IAG_CB_NONE;
	decide(ctx, &st->ev);
	finish(&st->ev);
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
	struct cpu_state *st = cpu_state();
	__u32 pc;

	if (!st)
		return 0;
	if (st->depth && st->pending) {
		/* A message of a multi-address transfer may be the refused one. */
		st->ev.kind = IAG_KIND_DENIED;
		st->ev.verdict = IAG_VERDICT_DENIED;
		st->ev.addr = addr;
		st->ev.ret = err;
		return 0;
	}
	if (st->depth)
		return 0;
	pc = caller_preempt_count(tp_preempt_offset);
	begin(&st->ev, IAG_KIND_DENIED, BPF_CORE_READ(adap, nr), addr,
	      read_system_state(), pc, irqs_from_count(pc, true));
	st->ev.verdict = IAG_VERDICT_DENIED;
	st->ev.rule_id = IAG_NO_RULE;
	st->ev.ret = err;
	finish(&st->ev);
	return 0;
}

/*
 * Enforce: refuse keys not in the allowlist, at the outermost level only
 * (the hook runs after the xfer event pushed, so that level is depth 1).
 */
SEC("fmod_ret/i2c_atomic_xfer_check")
int BPF_PROG(enforce_check, struct i2c_adapter *adap, __u16 addr, int ret)
{
	struct cpu_state *st = cpu_state();

	if (ret)
		return ret;	/* already refused */
	if (st && st->depth > 1)
		return 0;
	if (lookup_rule(BPF_CORE_READ(adap, nr), addr) != IAG_NO_RULE)
		return 0;
	return -EPERM;
}

/* ---- kprobe mode (stock kernel) -------------------------------------- */

/*
 * Atomic mode needs the caller's preempt count and its interrupt flag, and
 * no single attach type sees both exactly:
 *  - a kprobe (through ftrace) has the interrupted flags in regs->flags, but
 *    adds one to the preempt count per ftrace layer, and how many layers
 *    there are depends on who else traces the function (our own fexit makes
 *    it the ops-list path: two);
 *  - fentry adds nothing to the preempt count (the trampoline runs after
 *    the ftrace handlers returned), but cannot see the flags.
 * So the kprobe only notes the flag for this task on this CPU, and the
 * fentry program, which runs right after it on the same call, decides.
 */
static __always_inline void kp_note_flags(struct pt_regs *ctx)
{
	struct cpu_state *st = cpu_state();

	if (!st)
		return;
	st->kp_task = bpf_get_current_task();
	st->kp_irqs_off = !(ctx->flags & X86_EFLAGS_IF);
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

static __always_inline struct cpu_state *kp_push(void *ctx, struct i2c_adapter *adap,
						__u16 addr, bool smbus)
{
	struct cpu_state *st = cpu_state();
	const struct i2c_algorithm *algo;
	__u32 pc, state;
	bool irqs_off;
	__u8 kind, cb;
	int nr;

	if (!st)
		return NULL;
	/* The flag noted by this call's kprobe, if it is this task's. */
	irqs_off = st->kp_task == bpf_get_current_task() && st->kp_irqs_off;
	st->kp_task = 0;

	nr = BPF_CORE_READ(adap, nr);
	if (st->depth && bpf_ktime_get_boot_ns() - st->ev.ts_ns > STALE_NS)
		st->depth = st->pending = 0;
	if (st->depth) {
		st->depth++;
		nested(st, nr);
		return NULL;
	}
	pc = caller_preempt_count(fentry_preempt_offset);
	if (pc == 0 && !irqs_off)
		return NULL;	/* preemptible: nothing to watch, no push */
	state = read_system_state();
	kind = state > SYSTEM_RUNNING ? IAG_KIND_ATOMIC_XFER : IAG_KIND_ATOMIC_CONTEXT_XFER;

	st->depth = 1;
	begin(&st->ev, kind, nr, addr, state, pc, irqs_off);
	algo = BPF_CORE_READ(adap, algo);
	if (smbus && BPF_CORE_READ(algo, smbus_xfer_atomic))
		cb = IAG_CB_SMBUS_XFER_ATOMIC;
	else if (BPF_CORE_READ(algo, master_xfer_atomic))
		cb = smbus ? IAG_CB_SMBUS_EMULATED : IAG_CB_XFER_ATOMIC;
	else
		cb = IAG_CB_NONE;
	/* Outside atomic mode the core uses the sleeping callbacks. */
	st->ev.callback = kind == IAG_KIND_ATOMIC_XFER ? cb : IAG_CB_NONE;
	st->pending = 1;
	return st;
}

SEC("fentry/__i2c_transfer")
int BPF_PROG(kp_xfer, struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	struct cpu_state *st;
	__u16 addr = 0, flags = 0;

	if (msgs && num > 0) {
		addr = BPF_CORE_READ(msgs, addr);
		flags = BPF_CORE_READ(msgs, flags);
	}
	st = kp_push(ctx, adap, addr, false);
	if (!st)
		return 0;
	st->ev.flags = flags;
	st->ev.msg_count = num > 0 ? num : 0;
	decide(ctx, &st->ev);
	return 0;
}

SEC("fentry/__i2c_smbus_xfer")
int BPF_PROG(kp_smbus_xfer, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	     char read_write, __u8 command, int protocol)
{
	struct cpu_state *st = kp_push(ctx, adap, addr, true);

	if (!st)
		return 0;
	st->ev.flags = flags;
	st->ev.is_smbus = 1;
	st->ev.smbus_protocol = protocol;
	st->ev.smbus_command = command;
	st->ev.smbus_read = read_write == I2C_SMBUS_READ;
	decide(ctx, &st->ev);
	return 0;
}

static __always_inline void kp_pop(int ret)
{
	struct cpu_state *st = cpu_state();

	if (st)
		pop(st, ret);
}

SEC("fexit/__i2c_transfer")
int BPF_PROG(kp_xfer_ret, struct i2c_adapter *adap, struct i2c_msg *msgs, int num, int ret)
{
	kp_pop(ret);
	return 0;
}

SEC("fexit/__i2c_smbus_xfer")
int BPF_PROG(kp_smbus_xfer_ret, struct i2c_adapter *adap, __u16 addr, unsigned short flags,
	     char read_write, __u8 command, int protocol, void *data, int ret)
{
	kp_pop(ret);
	return 0;
}
