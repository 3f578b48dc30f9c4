// SPDX-License-Identifier: GPL-2.0-only
/* The probe's BTF names in one pass over the types (see probe_btf.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>

#include "probe_btf.h"

void iag_btf_names_init(struct iag_btf_names *bn, const struct btf *vm, const struct btf *mod)
{
	memset(bn, 0, sizeof(*bn));
	bn->vm = vm;
	bn->mod = vm ? mod : NULL;
}

void iag_btf_names_add(struct iag_btf_names *bn, const char *name, __u32 kind)
{
	if (bn->n >= IAG_BTF_NAMES_MAX)
		return;
	snprintf(bn->e[bn->n].name, sizeof(bn->e[bn->n].name), "%s", name);
	bn->e[bn->n].kind = kind;
	bn->n++;
}

/* Types [@from, @to) of @btf: each name still missing that one of them has. */
static void scan(struct iag_btf_names *bn, const struct btf *btf, __u32 from, __u32 to)
{
	bool first[256] = { false };
	__u32 kinds = 0, id, i;

	/* Most types are not of an asked kind, most names do not start right. */
	for (i = 0; i < bn->n; i++) {
		kinds |= 1U << bn->e[i].kind;
		first[(unsigned char)bn->e[i].name[0]] = true;
	}
	for (id = from; id < to; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;

		if (!t || !(kinds & (1U << btf_kind(t))) || !t->name_off)
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !first[(unsigned char)name[0]])
			continue;
		for (i = 0; i < bn->n; i++) {
			if (!bn->e[i].id && bn->e[i].kind == btf_kind(t) &&
			    !strcmp(bn->e[i].name, name)) {
				bn->e[i].id = id;
				bn->e[i].where = btf;
			}
		}
	}
}

void iag_btf_names_scan(struct iag_btf_names *bn)
{
	__u32 n_vm;

	if (!bn->vm)
		return;
	n_vm = btf__type_cnt(bn->vm);
	scan(bn, bn->vm, 1, n_vm);
	/* Split BTF: its ids go on from vmlinux's last. */
	if (bn->mod)
		scan(bn, bn->mod, n_vm, btf__type_cnt(bn->mod));
}

int iag_btf_names_find(const struct iag_btf_names *bn, const char *name, __u32 kind,
		       const struct btf **where)
{
	int id;
	unsigned int i;

	*where = bn->vm;
	for (i = 0; i < bn->n; i++) {
		if (bn->e[i].kind == kind && !strcmp(bn->e[i].name, name)) {
			if (bn->e[i].id)
				*where = bn->e[i].where;
			return bn->e[i].id ? bn->e[i].id : -1;
		}
	}
	id = bn->vm ? btf__find_by_name_kind(bn->vm, name, kind) : -1;
	if (id <= 0 && bn->mod) {
		id = btf__find_by_name_kind(bn->mod, name, kind);
		*where = bn->mod;
	}
	return id > 0 ? id : -1;
}
