// SPDX-License-Identifier: GPL-2.0-only
/*
 * The whole kernel symbol table, for when looking addresses up one pass at
 * a time costs more than holding it (ksyms.c decides). Kept compact: a row
 * is an address and two offsets into one block of text (a module's name is
 * stored once for the run of its symbols), about 16 bytes plus the name
 * instead of three allocations per symbol.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms_int.h"

struct ksym_row {
	unsigned long addr;
	unsigned int name, module;	/* offsets into text; module 0: vmlinux */
};

struct ksym_table {
	struct ksym_row *rows;
	size_t n, cap;
	char *text;		/* starts with "" so that offset 0 is "none" */
	size_t len, text_cap;
};

/* Append @s to the text; its offset, or 0 when out of memory. */
static unsigned int add_text(struct ksym_table *t, const char *s)
{
	size_t need = strlen(s) + 1;
	unsigned int off;

	if (t->len + need > t->text_cap) {
		size_t cap = t->text_cap ? t->text_cap * 2 : 1 << 16;
		char *text;

		while (cap < t->len + need)
			cap *= 2;
		text = realloc(t->text, cap);
		if (!text)
			return 0;
		t->text = text;
		t->text_cap = cap;
	}
	off = (unsigned int)t->len;
	memcpy(t->text + off, s, need);
	t->len += need;
	return off;
}

static int add_row(struct ksym_table *t, unsigned long addr, const char *name,
		   const char *mod, unsigned int *last_mod)
{
	struct ksym_row *r;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;

		r = realloc(t->rows, cap * sizeof(*r));
		if (!r)
			return -1;
		t->rows = r;
		t->cap = cap;
	}
	r = &t->rows[t->n];
	r->addr = addr;
	r->name = add_text(t, name);
	r->module = 0;
	if (mod[0] && *last_mod && !strcmp(t->text + *last_mod, mod))
		r->module = *last_mod;
	else if (mod[0])
		r->module = *last_mod = add_text(t, mod);
	if (!r->name || (mod[0] && !r->module))
		return -1;
	t->n++;
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	const struct ksym_row *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void ksym_table_free(struct ksym_table *t)
{
	if (!t)
		return;
	free(t->rows);
	free(t->text);
	free(t);
}

struct ksym_table *ksym_table_load(const char *path)
{
	char line[512], name[256], mod[128], type;
	struct ksym_table *t = calloc(1, sizeof(*t));
	unsigned int last_mod = 0;
	unsigned long addr;
	int err = !t;
	FILE *f;

	if (!err && add_text(t, "") != 0)
		err = 1;
	f = err ? NULL : fopen(path, "re");
	if (!f) {
		ksym_table_free(t);
		return NULL;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		int n;

		mod[0] = 0;
		n = sscanf(line, "%lx %c %255s [%127[^]]]", &addr, &type, name, mod);
		if (n < 3 || !addr || !type || !strchr("tTwW", type))
			continue;
		err = add_row(t, addr, name, n == 4 ? mod : "", &last_mod);
	}
	fclose(f);
	if (err || !t->n) {
		ksym_table_free(t);
		return NULL;
	}
	qsort(t->rows, t->n, sizeof(*t->rows), cmp_row);
	return t;
}

void ksym_table_lookup(const struct ksym_table *t, struct ksym_pending *p)
{
	size_t lo = 0, hi = t->n;
	const struct ksym_row *r;

	p->addr = 0;
	if (!t->n || p->query < t->rows[0].addr)
		return;
	/* The last row at or below the address. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].addr <= p->query)
			lo = mid;
		else
			hi = mid;
	}
	r = &t->rows[lo];
	p->addr = r->addr;
	snprintf(p->name, sizeof(p->name), "%s", t->text + r->name);
	snprintf(p->module, sizeof(p->module), "%s", t->text + r->module);
}
