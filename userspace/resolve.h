/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy resolution: a parsed policy plus the sysfs device model give the
 * (adapter, address) keys the BPF side looks up, each traced to its rule and
 * to the device chain that put it there.
 */
#ifndef IAG_RESOLVE_H
#define IAG_RESOLVE_H

#include <stddef.h>
#include "../include/i2c_atomic_guard.h"

struct iag_policy;	/* policy.h */

struct iag_key {
	int adapter;
	unsigned int addr;	/* 7/10-bit address, or IAG_ADDR_ANY */
	unsigned int rule_id;	/* index into policy->rules */
	char *device;		/* the device this key is for, e.g. "1-0050" */
	char *why;		/* human chain: "rule 2 -> supplier 0-0020 -> mux 3" */
};

struct iag_keyset {
	struct iag_key *keys;
	size_t n;
};

/*
 * Resolve @pol against the sysfs tree rooted at @sysfs_root ("/sys" on a
 * live system, a fixture directory in tests). Returns 0 or -errno.
 */
int iag_resolve(const struct iag_policy *pol, const char *sysfs_root,
		struct iag_keyset *out);
void iag_keyset_free(struct iag_keyset *ks);

#endif
