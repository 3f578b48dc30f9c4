/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Policy resolution: a parsed policy plus the sysfs device model give the
 * (adapter, address) keys the BPF side looks up, each traced to its rule and
 * to the device chain that put it there.
 */
#ifndef IAG_RESOLVE_H
#define IAG_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include "../include/i2c_atomic_guard.h"
#include "devmodel.h"

struct iag_policy;	/* policy.h */

struct iag_key {
	int adapter;
	unsigned int addr;	/* 7-bit address; 10-bit with IAG_I2C_ADDR_TEN
				 * set (a key of its own); or IAG_ADDR_ANY */
	unsigned int rule_id;	/* index into policy->rules */
	char *device;		/* the device this key is for, e.g. "1-0050" */
	char *why;		/* human chain: "rule 2 -> supplier 0-0020 -> mux 3" */
};

/* What one rule covers (filled by iag_resolve, for `policy check`). */
struct iag_rule_match {
	unsigned int rule_id;
	char **devices;		/* live sysfs paths of the covered devices */
	char **device_why;	/* for each, the chain that covers it */
	size_t n_devices;
	struct iag_key *keys;	/* this rule's keys (may repeat other rules') */
	size_t n_keys;
	bool matched;		/* the selector named at least one device */
	bool broad;		/* adapter-wide keys */
};

struct iag_keyset {
	struct iag_key *keys;	/* unique (adapter, addr); first rule wins */
	size_t n;
	/* Added by the resolver; zero when built by hand. */
	struct iag_rule_match *rules;	/* one per policy rule */
	size_t n_rules;
	size_t n_unmatched;		/* rules that matched nothing */
	size_t n_allow_nothing;		/* rules that give no key at all */
	char **warnings;
	size_t n_warnings;
};

/*
 * Resolve @pol against the sysfs tree rooted at @sysfs_root ("/sys" on a
 * live system, a fixture directory in tests). Returns 0 or -errno.
 */
int iag_resolve(const struct iag_policy *pol, const char *sysfs_root,
		struct iag_keyset *out);

#define IAG_RESOLVE_QUIET	0x1	/* keep warnings in out->warnings only */
/*
 * iag_resolve() is iag_resolve_ex(..., 0): warnings (a rule that matches
 * nothing, an adapter-wide rule) also go through iag_warn().
 */
int iag_resolve_ex(const struct iag_policy *pol, const char *sysfs_root,
		   unsigned int flags, struct iag_keyset *out);
void iag_keyset_free(struct iag_keyset *ks);

/*
 * The address a key holds for a sysfs client address: a 10-bit client keeps
 * its IAG_I2C_ADDR_TEN marker, so that it never shares the key of the 7-bit
 * address with the same low bits.
 */
static inline unsigned int iag_key_addr(unsigned int sysfs_addr)
{
	return sysfs_addr & (IAG_I2C_ADDR_MASK | IAG_I2C_ADDR_TEN);
}

/* The key that decides (adapter, addr): exact, else adapter-wide; NULL. */
const struct iag_key *iag_keyset_lookup(const struct iag_keyset *ks,
					int adapter, unsigned int addr);

/* A key's address for people: "0x50", "0x050/10-bit" or "any". */
const char *iag_key_addr_str(unsigned int addr, char *buf, size_t len);

/* The same for a transfer's address, 10-bit (I2C_M_TEN) or not. */
const struct iag_key *iag_keyset_lookup_ten(const struct iag_keyset *ks,
					    int adapter, unsigned int addr,
					    bool ten);

#endif
