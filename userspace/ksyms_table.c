// SPDX-License-Identifier: GPL-2.0-only
/*
 * The whole kernel symbol table, for when looking addresses up one pass at
 * a time costs more than holding it (ksyms.c decides). Kept compact: a row
 * is an address and two offsets into one block of text (a module's name is
 * stored once for the run of its symbols), about 16 bytes plus the name
 * instead of three allocations per symbol. Also the file's reader for
 * everyone (ksym_each()), and one symbol's address by name for the probe
 * (iag_kallsyms_find()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksyms.h"
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

/* Append @len bytes of @s and a NUL to the text; the offset, or 0 when out of memory. */
static unsigned int add_text(struct ksym_table *t, const char *s, size_t len)
{
	size_t need = len + 1;
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
	memcpy(t->text + off, s, len);
	t->text[off + len] = 0;
	t->len += need;
	return off;
}

static int add_row(struct ksym_table *t, const struct ksym_line *sym,
		   unsigned int *last_mod)
{
	size_t ml = sym->module_len;
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
	r->addr = sym->addr;
	r->name = add_text(t, sym->name, sym->name_len);
	r->module = 0;
	if (ml && *last_mod && !strncmp(t->text + *last_mod, sym->module, ml) &&
	    !t->text[*last_mod + ml])
		r->module = *last_mod;
	else if (ml)
		r->module = *last_mod = add_text(t, sym->module, ml);
	if (!r->name || (ml && !r->module))
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

/* Parse one line ("ADDR TYPE NAME" and perhaps "\t[MODULE]") in place. */
static bool parse_line(char *line, struct ksym_line *sym)
{
	char *end, *p;

	sym->addr = strtoul(line, &end, 16);
	if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
		return false;
	sym->type = end[1];
	sym->name = p = end + 3;
	while (*p && *p != '\t' && *p != ' ')
		p++;
	sym->name_len = p - sym->name;
	sym->module = NULL;
	sym->module_len = 0;
	if (p[0] == '\t' && p[1] == '[') {
		char *close = strchr(p + 2, ']');

		if (close) {
			sym->module = p + 2;
			sym->module_len = close - sym->module;
		}
	}
	return sym->name_len > 0;
}

#define KSYM_READ_BLOCK	(256 * 1024)

int ksym_each(const char *path, int (*fn)(const struct ksym_line *sym, void *ctx),
	      void *ctx, const volatile int *stop)
{
	char *buf = malloc(KSYM_READ_BLOCK + 1);
	size_t have = 0;
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	while (!err) {
		char *line = buf, *nl;
		ssize_t got;

		if (stop && *stop) {
			err = -EINTR;
			break;
		}
		got = read(fd, buf + have, KSYM_READ_BLOCK - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			err = -errno;
		if (got == 0 && have)
			buf[have++] = '\n';	/* a last line without its newline */
		else if (got <= 0)
			break;
		have += got;
		buf[have] = 0;
		while (!err && (nl = memchr(line, '\n', buf + have - line))) {
			struct ksym_line sym;

			*nl = 0;
			if (parse_line(line, &sym))
				err = fn(&sym, ctx);
			line = nl + 1;
		}
		have -= line - buf;
		memmove(buf, line, have);
		if (have == KSYM_READ_BLOCK)
			have = 0;	/* no line is this long: drop it */
	}
	close(fd);
	free(buf);
	return err;
}

struct table_load {
	struct ksym_table *t;
	unsigned int last_mod;	/* text offset of the last module named */
};

static int table_add(const struct ksym_line *sym, void *ctx)
{
	struct table_load *ld = ctx;

	return ksym_is_code(sym) ? add_row(ld->t, sym, &ld->last_mod) : 0;
}

/* Give back what the doubling left unused: up to half of the table. */
static void shrink(struct ksym_table *t)
{
	struct ksym_row *rows = realloc(t->rows, t->n * sizeof(*rows));
	char *text = realloc(t->text, t->len);

	if (rows) {
		t->rows = rows;
		t->cap = t->n;
	}
	if (text) {
		t->text = text;
		t->text_cap = t->len;
	}
}

struct ksym_table *ksym_table_load(const char *path)
{
	struct table_load ld = { .t = calloc(1, sizeof(*ld.t)) };

	if (!ld.t || add_text(ld.t, "", 0) != 0 || ksym_each(path, table_add, &ld, NULL) ||
	    !ld.t->n) {
		ksym_table_free(ld.t);
		return NULL;
	}
	qsort(ld.t->rows, ld.t->n, sizeof(*ld.t->rows), cmp_row);
	shrink(ld.t);
	return ld.t;
}

void ksym_table_lookup(const struct ksym_table *t, struct ksym_pending *p)
{
	size_t lo = 0, hi = t->n;
	const struct ksym_row *r;

	p->addr = 0;
	p->next = t->n ? t->rows[0].addr : 0;
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
	p->next = lo + 1 < t->n ? t->rows[lo + 1].addr : 0;
	snprintf(p->name, sizeof(p->name), "%s", t->text + r->name);
	snprintf(p->module, sizeof(p->module), "%s", t->text + r->module);
}

struct find_one {
	const char *name;
	size_t len;
	unsigned long addr;
};

static int find_one(const struct ksym_line *sym, void *ctx)
{
	struct find_one *f = ctx;

	if (sym->name_len != f->len || memcmp(sym->name, f->name, f->len))
		return 0;
	f->addr = sym->addr;
	return 1;
}

int iag_kallsyms_find(const char *path, const char *sym, unsigned long long *addr)
{
	struct find_one f = { .name = sym, .len = strlen(sym) };
	int r = ksym_each(path, find_one, &f, NULL);

	if (r == 1 && addr)
		*addr = f.addr;
	return r;
}
