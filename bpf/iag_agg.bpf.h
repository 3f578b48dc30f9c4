/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * In-kernel aggregation of violations and denials (issue 13).
 *
 * A storm of the same violation (one device, one code path) used to be one
 * ring-buffer record per event: the ring filled, records were dropped, and
 * each event cost a 500-byte record. In atomic mode userspace cannot read
 * at all until the system is back. Now the first event of each key
 * (struct iag_agg_key: kind, verdict, state, callback, adapter, address,
 * stack id) is a record, and its repeats add one to the key's count in the
 * aggregates map, which userspace reads once per batch and reports with
 * exact counts and the first and last time. Stacks are kept once per
 * distinct stack in the stacks map; a record carries the stack's id, and
 * userspace reads the frames once per id.
 *
 * When either map is full, or two stacks share a bucket of the stacks map,
 * events fall back to a record of their own with the frames inline (as
 * without aggregation): never merged with another key's count.
 * Included by iag_state.bpf.h only (it needs count()).
 */
#ifndef IAG_AGG_BPF_H
#define IAG_AGG_BPF_H

/*
 * Distinct stacks. The value size is set by userspace before load to
 * IAG_KEY_FRAMES (or --stack-depth, if less) plus the probe's own frames:
 * the kernel walks no deeper for an id.
 */
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 256);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, IAG_MAX_STACK * sizeof(__u64));
} stacks SEC(".maps");

/* Keys seen, and the count of their repeats. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct iag_agg_key);
	__type(value, struct iag_agg_val);
} aggregates SEC(".maps");

/* The frames into the record itself. */
static __always_inline void inline_stack(void *ctx, struct iag_event *ev, __u32 size)
{
	long n;

	if (size > sizeof(ev->stack))
		size = sizeof(ev->stack);
	n = bpf_get_stack(ctx, ev->stack, size, 0);
	if (n > 0)
		ev->stack_len = n / sizeof(__u64);
}

static __always_inline void agg_key(struct iag_agg_key *key, const struct iag_event *ev);

/*
 * The kernel stack, --stack-depth frames (plus the probe's own). Its top
 * IAG_KEY_FRAMES go into the stacks map (their id is the aggregates key's);
 * all of them into the record only when it may be sent: the key is new,
 * or there is no key.
 */
static __always_inline void take_stack(void *ctx, struct iag_event *ev)
{
	__u32 size = stack_depth ? (stack_depth + stack_extra) * sizeof(__u64) : 0;
	struct iag_agg_key key;
	long id;

	if (!size)
		return;		/* stack_id stays IAG_NO_STACK */
	if (aggregate) {
		id = bpf_get_stackid(ctx, &stacks, 0);
		if (id >= 0) {
			ev->stack_id = id;
			if (stack_depth <= IAG_KEY_FRAMES)
				return;	/* the map holds them all */
			agg_key(&key, ev);
			if (!bpf_map_lookup_elem(&aggregates, &key))
				inline_stack(ctx, ev, size);
			return;
		}
	}
	/* Not aggregating, or the stacks map is full or the bucket taken. */
	ev->stack_id = IAG_STACK_INLINE;
	inline_stack(ctx, ev, size);
}

static __always_inline void agg_key(struct iag_agg_key *key, const struct iag_event *ev)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->stack_id = ev->stack_id;
	key->adapter = ev->adapter;
	key->addr = ev->addr;
	key->flags = ev->flags & IAG_KEY_TEN;
	key->kind = ev->kind;
	key->verdict = ev->verdict;
	key->system_state = ev->system_state;
	key->callback = ev->callback;
}

/* One more repeat of @key at @ts; false if the key is not in the map. */
static __always_inline bool add_repeat(const struct iag_agg_key *key, __u64 ts)
{
	struct iag_agg_val *val = bpf_map_lookup_elem(&aggregates, key);

	if (!val)
		return false;
	/* Two CPUs may race on the times: either value is a time of the key. */
	if (!val->first_ns)
		val->first_ns = ts;
	val->last_ns = ts;
	__sync_fetch_and_add(&val->count, 1);
	count(IAG_CNT_AGGREGATED);
	return true;
}

/*
 * Is @ev a repeat, now counted in its key's value? If it is the first of
 * its key, ev->first_of_aggregate says so and the caller sends the record.
 */
static __always_inline bool aggregated(struct iag_event *ev)
{
	static const struct iag_agg_val fresh;
	struct iag_agg_key key;

	if (!aggregate || ev->stack_id == IAG_STACK_INLINE)
		return false;
	if (ev->verdict != IAG_VERDICT_VIOLATION && ev->verdict != IAG_VERDICT_DENIED)
		return false;
	agg_key(&key, ev);
	if (add_repeat(&key, ev->ts_ns))
		return true;
	if (bpf_map_update_elem(&aggregates, &key, &fresh, BPF_NOEXIST))
		return add_repeat(&key, ev->ts_ns);	/* another CPU's, or full */
	ev->first_of_aggregate = 1;
	return false;
}

/* The first record of a key did not fit in the ring: count it as a repeat. */
static __always_inline bool record_lost_into_aggregate(const struct iag_event *ev)
{
	struct iag_agg_key key;
	struct iag_agg_val *val;

	if (!ev->first_of_aggregate)
		return false;
	agg_key(&key, ev);
	val = bpf_map_lookup_elem(&aggregates, &key);
	if (val)
		val->first_lost = 1;	/* userspace then writes it from the key */
	return add_repeat(&key, ev->ts_ns);
}

#endif /* IAG_AGG_BPF_H */
