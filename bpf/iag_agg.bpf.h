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
 * exact counts and the first and last time. A key's stack is its top
 * IAG_KEY_FRAMES frames, kept once per distinct stack in the stacks map
 * under their id; a record carries the id, and the first record of a key
 * all of its frames.
 *
 * When the aggregates map is full, or the stack cannot be read, events
 * fall back to a record of their own (as without aggregation): never merged
 * with another key's count.
 * Included by iag_state.bpf.h only (it needs count()).
 */
#ifndef IAG_AGG_BPF_H
#define IAG_AGG_BPF_H

#include "iag_agg_key.h"

/*
 * Distinct key stacks, by their id (a 64-bit hash of the frames, computed
 * here). Not a stack-trace map: there two stacks that fall in one bucket
 * cannot both have an id (bpf_get_stackid() fails for the second), and a
 * few dozen stacks in 256 buckets often collide.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	/* Only a key whose first record is lost needs its frames from here. */
	__uint(max_entries, 128);
	__type(key, __u64);
	__type(value, struct iag_key_stack);
} stacks SEC(".maps");

/*
 * Keys seen, and the count of their repeats. The bench's hard-IRQ storm
 * made about 150 keys in 2 s at 1,000 and at 10,000 events/s (its top
 * frames vary more than one timer callback's path would suggest).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 512);
	__type(key, struct iag_agg_key);
	__type(value, struct iag_agg_val);
} aggregates SEC(".maps");

/* This CPU's key stack being taken. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct iag_key_stack);
} key_stack SEC(".maps");

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

/*
 * The kernel's entry code (__entry_text_start to __entry_text_end), set by
 * userspace once attached; 0: not known. A frame in it is where a hard IRQ
 * (or a system call) entered the kernel, and the frames below it are the
 * code it interrupted: a storm's hard IRQs interrupt anywhere, and those
 * frames made every repeat of one call site a key of its own.
 */
__u64 entry_text_start, entry_text_end;

/*
 * FNV-1a over the frames, up to the first in the entry code (that one
 * included: userspace ends the stack it shows at the same frame); never 0
 * (0 is "no key"). The frames below it stay in the buffer. One loop, one
 * unsigned compare for the range: a cut computed first and then hashed made
 * the verifier walk 8,000 more instructions, two compares 3,000 (now 200).
 */
static __always_inline __u64 hash_frames(const struct iag_key_stack *ks, __u32 n)
{
	__u64 h = 0xcbf29ce484222325ULL, lo = entry_text_start;
	__u64 span = entry_text_end - lo;	/* 0 until known: no frame is in it */
	__u32 i;

	for (i = 0; i < IAG_KEY_STACK; i++) {
		if (i >= n)
			break;
		h = (h ^ ks->ip[i]) * 0x100000001b3ULL;
		if (ks->ip[i] - lo < span)
			break;
	}
	return h ? h : 1;
}

/*
 * The id of the stack's top IAG_KEY_FRAMES (and the probe's own), and in
 * *@frames this CPU's copy of them; 0 if the stack could not be read.
 */
static __always_inline __u64 key_stack_id(void *ctx, struct iag_key_stack **frames)
{
	__u32 n_key = stack_depth < IAG_KEY_FRAMES ? stack_depth : IAG_KEY_FRAMES;
	__u32 size = (n_key + stack_extra) * sizeof(__u64), zero = 0;
	struct iag_key_stack *ks = bpf_map_lookup_elem(&key_stack, &zero);
	__u64 id;
	long n;

	if (!ks || size > sizeof(ks->ip))
		return 0;
	/* The rest of the buffer is zeroed by the helper. */
	n = bpf_get_stack(ctx, ks->ip, size, 0);
	if (n <= 0)
		return 0;
	id = hash_frames(ks, n / sizeof(__u64));
	*frames = ks;
	return id;
}

/*
 * The kernel stack, --stack-depth frames (plus the probe's own): its key
 * stack's id into the record and, only when the key is new (its record
 * may be sent) or there is no key, all the frames.
 */
static __always_inline void take_stack(void *ctx, struct iag_event *ev)
{
	__u32 size = stack_depth ? (stack_depth + stack_extra) * sizeof(__u64) : 0;
	struct iag_key_stack *frames = NULL;
	struct iag_agg_key key;

	if (!size)
		return;		/* stack_key stays 0 */
	if (aggregate) {
		ev->stack_key = key_stack_id(ctx, &frames);
		if (ev->stack_key && frames) {
			iag_agg_key_fill(&key, ev);
			if (bpf_map_lookup_elem(&aggregates, &key))
				return;	/* a repeat: its first record has the frames */
			/* A new key: its frames are kept (a repeat does not pay this). */
			bpf_map_update_elem(&stacks, &ev->stack_key, frames, BPF_NOEXIST);
		}
	}
	inline_stack(ctx, ev, size);
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

	/* A stack was asked for and not read: no key that could be merged. */
	if (!aggregate || (stack_depth && !ev->stack_key))
		return false;
	if (ev->verdict != IAG_VERDICT_VIOLATION && ev->verdict != IAG_VERDICT_DENIED)
		return false;
	iag_agg_key_fill(&key, ev);
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
	iag_agg_key_fill(&key, ev);
	val = bpf_map_lookup_elem(&aggregates, &key);
	if (val)
		val->first_lost = 1;	/* userspace then writes it from the key */
	return add_repeat(&key, ev->ts_ns);
}

#endif /* IAG_AGG_BPF_H */
