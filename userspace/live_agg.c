// SPDX-License-Identifier: GPL-2.0-only
/*
 * Records of repeats: the kernel sends the first violation (or denial) of
 * each key as a record and counts its repeats in the aggregates map
 * (bpf/iag_agg.bpf.h). Once per batch this reads the map and writes, for
 * each key whose count grew, one record of its first event with "count"
 * (the repeats since the last such record), "first_ts_ns" and
 * "last_ts_ns". A key whose first record the ring buffer lost is written
 * from the key alone, marked "first_record_lost".
 */
#include <errno.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "../include/iag_agg_key.h"
#include "live.h"
#include "util.h"

struct agg_entry {
	struct iag_agg_key key;
	__u64 written;		/* repeats already written */
	bool first_lost;	/* ev was made from the key */
	struct iag_event ev;	/* the key's first record (stack included) */
};

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct iag_agg_key));
}

/* The entry of @key, made if new (from the key alone); NULL on ENOMEM. */
static struct agg_entry *entry_of(struct iag_live *l, const struct iag_agg_key *key)
{
	struct agg_entry *e, **slot = tfind(key, &l->agg, key_cmp);

	if (slot)
		return *slot;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->key = *key;
	e->first_lost = true;
	slot = tsearch(e, &l->agg, key_cmp);
	if (!slot) {
		free(e);
		return NULL;
	}
	return e;
}

void iag_live_agg_first(struct iag_live *l, const struct iag_event *ev)
{
	struct iag_agg_key key;
	struct agg_entry *e;

	iag_agg_key_fill(&key, ev);
	e = entry_of(l, &key);
	if (!e)
		return;
	e->ev = *ev;
	e->first_lost = false;
}

void iag_agg_event_of_key(struct iag_event *ev, const struct iag_agg_key *key,
			  struct iag_session *s)
{
	int n;

	memset(ev, 0, sizeof(*ev));
	ev->abi_version = IAG_ABI_VERSION;
	ev->kind = key->kind;
	ev->verdict = key->verdict;
	ev->system_state = key->system_state;
	ev->callback = key->callback;
	ev->adapter = key->adapter;
	ev->addr = key->addr;
	ev->flags = key->flags;
	ev->rule_id = IAG_NO_RULE;
	ev->path_len = 1;
	ev->adapter_path[0] = key->adapter;
	ev->stack_key = key->stack_key;
	n = iag_session_stack(s, key->stack_key, ev->stack);
	ev->stack_len = n > 0 ? n : 0;
}

struct flush_ctx {
	struct iag_live *l;
	struct iag_session *s;
};

/* Write the repeats of one key that are new since the last flush. */
static void flush_key(const struct iag_agg_key *key, const struct iag_agg_val *val, void *p)
{
	struct iag_live *l = ((struct flush_ctx *)p)->l;
	struct iag_session *s = ((struct flush_ctx *)p)->s;
	struct agg_entry *e = entry_of(l, key);
	struct iag_repeat rep;

	l->agg_keys++;
	if (!e || val->count <= e->written)
		return;
	/* The first record is still on its way: wait for it (not at the end). */
	if (e->first_lost && !val->first_lost && !l->draining)
		return;
	if (e->first_lost && !e->ev.abi_version)
		iag_agg_event_of_key(&e->ev, &e->key, s);
	rep = (struct iag_repeat){
		.count = val->count - e->written,
		.first_ns = val->first_ns,
		.last_ns = val->last_ns,
		.first_lost = e->first_lost,
	};
	e->written = val->count;
	iag_live_write(l, &e->ev, &rep);
}

void iag_live_agg_flush(struct iag_live *l, struct iag_session *s)
{
	struct flush_ctx c = { l, s };

	l->agg_keys = 0;
	iag_agg_walk(s, flush_key, &c);
}

void iag_agg_walk(struct iag_session *s, iag_agg_fn fn, void *ctx)
{
	int fd = iag_session_aggregates_fd(s);
	struct iag_agg_key key, next;
	struct iag_agg_val val;
	void *prev = NULL;

	if (fd < 0)
		return;
	/* Keys are never deleted, so the walk sees each one once. */
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &val))
			fn(&key, &val, ctx);
	}
}

void iag_live_agg_free(struct iag_live *l)
{
	tdestroy(l->agg, free);
	l->agg = NULL;
}
