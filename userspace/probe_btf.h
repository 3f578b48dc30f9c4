/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BTF names the probe asks about, found in one pass over the kernel's
 * types (probe.c only). libbpf's btf__find_by_name_kind() walks every type
 * of vmlinux (about 130,000) for each name: 15 names took 17 to 47 ms of a
 * TCG VM's start-up (issue 13).
 */
#ifndef IAG_PROBE_BTF_H
#define IAG_PROBE_BTF_H

#include <linux/types.h>

struct btf;

#define IAG_BTF_NAMES_MAX	24

struct iag_btf_names {
	const struct btf *vm, *mod;	/* vmlinux, and i2c_core's (CONFIG_I2C=m) or NULL */
	unsigned int n;
	struct {
		char name[64];
		__u32 kind;
		int id;			/* 0 not found */
		const struct btf *where;
	} e[IAG_BTF_NAMES_MAX];
};

/* Start a set of names for @vm (may be NULL: nothing is found) and @mod. */
void iag_btf_names_init(struct iag_btf_names *bn, const struct btf *vm, const struct btf *mod);
/* Ask for @name of @kind (BTF_KIND_*); a name past the table's room is not asked. */
void iag_btf_names_add(struct iag_btf_names *bn, const char *name, __u32 kind);
/* One pass over vmlinux's types, then the module's own: vmlinux's answer first. */
void iag_btf_names_scan(struct iag_btf_names *bn);
/*
 * The id of @name of @kind and, in *@where, the BTF it is in; -1 if it is
 * not there. A name not added is looked up the slow way.
 */
int iag_btf_names_find(const struct iag_btf_names *bn, const char *name, __u32 kind,
		       const struct btf **where);

#endif
