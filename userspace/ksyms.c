// SPDX-License-Identifier: GPL-2.0-only
/* Kernel stack symbolization from /proc/kallsyms. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

struct iag_ksyms {
	struct iag_ksym *syms;
	size_t n, cap;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct iag_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int add(struct iag_ksyms *ks, unsigned long addr, const char *name,
	       const char *mod)
{
	struct iag_ksym *s;

	if (ks->n == ks->cap) {
		size_t cap = ks->cap ? ks->cap * 2 : 4096;

		s = realloc(ks->syms, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		ks->syms = s;
		ks->cap = cap;
	}
	s = &ks->syms[ks->n];
	s->addr = addr;
	s->name = strdup(name);
	s->module = mod ? strdup(mod) : NULL;
	if (!s->name || (mod && !s->module)) {
		free(s->name);
		free(s->module);
		return -ENOMEM;
	}
	ks->n++;
	return 0;
}

struct iag_ksyms *iag_ksyms_load(const char *path)
{
	char line[512], name[256], mod[128];
	struct iag_ksyms *ks;
	unsigned long addr;
	char type;
	FILE *f;
	int err = 0;

	f = fopen(path ? path : "/proc/kallsyms", "re");
	if (!f)
		return NULL;
	ks = calloc(1, sizeof(*ks));
	if (!ks) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		int n;

		mod[0] = 0;
		n = sscanf(line, "%lx %c %255s [%127[^]]]", &addr, &type, name, mod);
		if (n < 3 || !addr)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		err = add(ks, addr, name, n == 4 ? mod : NULL);
		if (err)
			break;
	}
	fclose(f);
	if (err) {
		iag_ksyms_free(ks);
		errno = -err;
		return NULL;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
	return ks;
}

const struct iag_ksym *iag_ksyms_find(const struct iag_ksyms *ks, unsigned long addr)
{
	size_t lo = 0, hi;

	if (!ks || !ks->n || addr < ks->syms[0].addr)
		return NULL;
	hi = ks->n;
	/* Last symbol with syms[i].addr <= addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return &ks->syms[lo];
}

const char *iag_ksyms_format(const struct iag_ksyms *ks, unsigned long addr,
			     char *buf, size_t len)
{
	const struct iag_ksym *s = iag_ksyms_find(ks, addr);

	if (!s)
		snprintf(buf, len, "0x%lx", addr);
	else if (s->module)
		snprintf(buf, len, "%s+0x%lx [%s]", s->name, addr - s->addr, s->module);
	else
		snprintf(buf, len, "%s+0x%lx", s->name, addr - s->addr);
	return buf;
}

const char *iag_ksyms_name(const struct iag_ksyms *ks, unsigned long addr,
			   char *buf, size_t len)
{
	const struct iag_ksym *s = iag_ksyms_find(ks, addr);

	if (!s)
		snprintf(buf, len, "0x%lx", addr);
	else
		snprintf(buf, len, "%s", s->name);
	return buf;
}

void iag_ksyms_free(struct iag_ksyms *ks)
{
	size_t i;

	if (!ks)
		return;
	for (i = 0; i < ks->n; i++) {
		free(ks->syms[i].name);
		free(ks->syms[i].module);
	}
	free(ks->syms);
	free(ks);
}
