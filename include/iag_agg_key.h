/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The aggregates key of an event, one definition for the BPF programs
 * (bpf/iag_agg.bpf.h) and userspace (userspace/live_agg.c, ci): a key made
 * two ways could differ in one field and never match.
 */
#ifndef IAG_AGG_KEY_H
#define IAG_AGG_KEY_H

#include "i2c_atomic_guard.h"

static inline __attribute__((always_inline))
void iag_agg_key_fill(struct iag_agg_key *key, const struct iag_event *ev)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->stack_key = ev->stack_key;
	key->adapter = ev->adapter;
	key->addr = ev->addr;
	key->flags = ev->flags & IAG_KEY_TEN;
	key->kind = ev->kind;
	key->verdict = ev->verdict;
	key->system_state = ev->system_state;
	key->callback = ev->callback;
}

#endif /* IAG_AGG_KEY_H */
