// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel stack symbolization from /proc/kallsyms, one address at a time.
 *
 * The table is not kept at first: a Debian kernel lists ~100,000 text
 * symbols, and holding them all cost audit about 3 MB of its memory for the
 * few dozen functions its stacks usually name. Instead the addresses of a
 * stack not known yet are looked up by one pass over the file, and what is
 * remembered is each answer's whole function: from its symbol to the next
 * code symbol, every address has the same answer. A hard-IRQ storm
 * interrupts anywhere, at a new address each time, but in few functions:
 * remembering addresses cost it a pass (a third of a second under TCG) per
 * batch of records, and its consumer read 130 records/s. Stacks that keep
 * naming new functions still cost a pass each (the interrupted code's
 * frames below a hard IRQ's): after KSYMS_PASSES passes the whole table is
 * read once, compactly (ksyms_table.c), and answers from then on. It costs
 * 2.4 MB of RSS on the bench kernel (36,000 functions), which is why it
 * is not read sooner. At a stop, many stacks may be queued: the caller then
 * asks for the table at once (iag_ksyms_table_now).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ksyms.h"
#include "ksyms_int.h"

/* Functions remembered before the cache starts over (a bound on memory). */
#define KSYMS_CACHE_MAX		4096
/* Addresses looked up in one pass over the file. */
#define KSYMS_BATCH		64
/* Passes over the file before the whole table is read instead. */
#define KSYMS_PASSES		8

/* The addresses from @start to @end (excluded) have the answer @sym. */
struct ksym_entry {
	unsigned long start, end;
	struct iag_ksym sym;	/* name NULL: no symbol at or below them */
};

struct iag_ksyms {
	char *path;
	struct ksym_entry *cache;	/* sorted by start, not overlapping */
	size_t n;
	unsigned int passes;		/* over the file, for the cache */
	struct ksym_table *table;	/* after KSYMS_PASSES passes */
	bool table_now;			/* the next new address reads it */
	const volatile int *stop;	/* set: a pass gives up, the table instead */
	double ms;			/* reading the file (or asking), in all */
	bool ask_kernel;		/* the running kernel's: ksyms_bpf.c first */
	struct ksym_names_bpf *bpf;	/* loaded at the first batch */
	unsigned int asked;		/* batches the kernel named */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

struct iag_ksyms *iag_ksyms_load(const char *file)
{
	const char *path = file ? file : "/proc/kallsyms";
	struct iag_ksyms *ks;
	FILE *f;

	/* Fail now, as the caller expects, if the file cannot be read at all. */
	f = fopen(path, "re");
	if (!f)
		return NULL;
	fclose(f);
	ks = calloc(1, sizeof(*ks));
	if (!ks || !(ks->path = strdup(path))) {
		free(ks);
		errno = ENOMEM;
		return NULL;
	}
	ks->ask_kernel = !file;	/* the running kernel's, not a file given */
	return ks;
}

static void clear_cache(struct iag_ksyms *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->cache[i].sym.name);
		free(ks->cache[i].sym.module);
	}
	free(ks->cache);
	ks->cache = NULL;
	ks->n = 0;
}

/* Index of the first cache entry that starts above @addr. */
static size_t cache_pos(const struct iag_ksyms *ks, unsigned long addr)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->cache[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct ksym_entry *cache_find(const struct iag_ksyms *ks, unsigned long addr)
{
	size_t i = cache_pos(ks, addr);

	return i && addr < ks->cache[i - 1].end ? &ks->cache[i - 1] : NULL;
}

static int cache_add(struct iag_ksyms *ks, const struct ksym_pending *p)
{
	struct ksym_entry e = { .start = p->addr, .end = p->next ? p->next : ~0UL }, *c;
	size_t i;

	/* Two addresses of one function in a batch: one entry. */
	if (cache_find(ks, p->query))
		return 0;
	if (p->addr) {
		e.sym.addr = p->addr;
		e.sym.name = strdup(p->name);
		e.sym.module = p->module[0] ? strdup(p->module) : NULL;
		if (!e.sym.name || (p->module[0] && !e.sym.module)) {
			free(e.sym.name);
			free(e.sym.module);
			return -ENOMEM;
		}
	}
	c = realloc(ks->cache, (ks->n + 1) * sizeof(*c));
	if (!c) {
		free(e.sym.name);
		free(e.sym.module);
		return -ENOMEM;
	}
	ks->cache = c;
	i = cache_pos(ks, e.start);
	memmove(&c[i + 1], &c[i], (ks->n - i) * sizeof(*c));
	c[i] = e;
	ks->n++;
	return 0;
}

struct pass {
	struct ksym_pending *p;	/* sorted by query */
	size_t n;
};

/*
 * One symbol of the file against the pending addresses: a code symbol at or
 * below an address, and above its best so far, is the new best. Above
 * them, it may end the function of the highest address below it (and so of
 * the ones below that: ends_from_above() after the pass).
 */
static int scan_sym(const struct ksym_line *sym, void *ctx)
{
	struct pass *ps = ctx;
	size_t k = ps->n;

	if (!ksym_is_code(sym))
		return 0;
	for (; k > 0 && ps->p[k - 1].query >= sym->addr; k--) {
		struct ksym_pending *p = &ps->p[k - 1];

		if (p->addr >= sym->addr)
			continue;
		p->addr = sym->addr;
		snprintf(p->name, sizeof(p->name), "%.*s", (int)sym->name_len, sym->name);
		snprintf(p->module, sizeof(p->module), "%.*s", (int)sym->module_len,
			 sym->module ? sym->module : "");
	}
	if (k && (!ps->p[k - 1].next || sym->addr < ps->p[k - 1].next))
		ps->p[k - 1].next = sym->addr;
	return 0;
}

/*
 * scan_sym() gave each address only the lowest symbol between it and the
 * next address: a function ends at that or, if none, where the next
 * address's function ends.
 */
static void ends_from_above(struct ksym_pending *p, size_t n)
{
	for (size_t k = n; k-- > 1;)
		if (!p[k - 1].next)
			p[k - 1].next = p[k].next;
}

static int cmp_pending(const void *a, const void *b)
{
	const struct ksym_pending *x = a, *y = b;

	return x->query < y->query ? -1 : x->query > y->query;
}

/* The running kernel names @p itself (ksyms_bpf.c), where it can. */
static bool ask_kernel(struct iag_ksyms *ks, struct ksym_pending *p, size_t n)
{
	if (ks->ask_kernel && !ks->bpf && !(ks->bpf = ksym_bpf_open()))
		ks->ask_kernel = false;
	if (!ks->ask_kernel || ksym_bpf_lookup(ks->bpf, p, n))
		return false;
	ks->asked++;
	return true;
}

/* One pass over the file (or a question to the kernel) for @n addresses not in the cache. */
static int resolve_batch(struct iag_ksyms *ks, struct ksym_pending *p, size_t n)
{
	double t0 = now_ms();
	int err = 0;

	qsort(p, n, sizeof(*p), cmp_pending);
	if (ks->stop && *ks->stop)
		ks->table_now = true;
	if (!ks->table && ask_kernel(ks, p, n))
		goto known;
	if (!ks->table && (ks->table_now || ks->passes >= KSYMS_PASSES))
		ks->table = ksym_table_load(ks->path);
	if (ks->table) {
		for (size_t k = 0; k < n; k++)
			ksym_table_lookup(ks->table, &p[k]);
	} else {
		struct pass ps = { p, n };

		err = ksym_each(ks->path, scan_sym, &ps, ks->stop);
		if (err == -EINTR && !ks->table_now) {	/* a stop: the table */
			ks->ms += now_ms() - t0;
			ks->table_now = true;
			for (size_t k = 0; k < n; k++)
				p[k].addr = p[k].next = 0;
			return resolve_batch(ks, p, n);
		}
		if (err)
			return err;
		ends_from_above(p, n);
		ks->passes++;
	}
known:
	ks->ms += now_ms() - t0;
	if (ks->n + n > KSYMS_CACHE_MAX)
		clear_cache(ks);
	for (size_t k = 0; k < n && !err; k++)
		err = cache_add(ks, &p[k]);
	return err;
}

int iag_ksyms_resolve(struct iag_ksyms *ks, const unsigned long long *addrs, size_t n)
{
	struct ksym_pending *p;
	size_t k = 0;
	int err = 0;

	if (!ks)
		return -EINVAL;
	while (k < n && cache_find(ks, addrs[k]))
		k++;
	if (k == n)
		return 0;	/* all known: the usual case, no batch to set up */
	k = 0;
	p = calloc(KSYMS_BATCH, sizeof(*p));
	if (!p)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++) {
		bool dup = cache_find(ks, addrs[i]);

		for (size_t j = 0; j < k && !dup; j++)
			dup = p[j].query == addrs[i];
		if (!dup) {
			memset(&p[k], 0, sizeof(p[k]));
			p[k++].query = addrs[i];
		}
		if (k == KSYMS_BATCH || (i + 1 == n && k)) {
			err = resolve_batch(ks, p, k);
			k = 0;
		}
	}
	free(p);
	return err;
}

const struct iag_ksym *iag_ksyms_find(struct iag_ksyms *ks, unsigned long addr)
{
	unsigned long long a = addr;
	struct ksym_entry *e;

	if (!ks)
		return NULL;
	e = cache_find(ks, addr);
	if (!e && !iag_ksyms_resolve(ks, &a, 1))
		e = cache_find(ks, addr);
	return e && e->sym.name ? &e->sym : NULL;
}

const char *iag_ksyms_format(struct iag_ksyms *ks, unsigned long addr,
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

const char *iag_ksyms_name(struct iag_ksyms *ks, unsigned long addr,
			   char *buf, size_t len)
{
	const struct iag_ksym *s = iag_ksyms_find(ks, addr);

	if (!s)
		snprintf(buf, len, "0x%lx", addr);
	else
		snprintf(buf, len, "%s", s->name);
	return buf;
}

void iag_ksyms_table_now(struct iag_ksyms *ks)
{
	if (ks)
		ks->table_now = true;
}

void iag_ksyms_watch(struct iag_ksyms *ks, const volatile int *stop)
{
	if (ks)
		ks->stop = stop;
}

void iag_ksyms_stats(const struct iag_ksyms *ks, struct iag_ksyms_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!ks)
		return;
	st->passes = ks->passes;
	st->asked = ks->asked;
	st->table = ks->table;
	st->ms = ks->ms;
}

void iag_ksyms_free(struct iag_ksyms *ks)
{
	if (!ks)
		return;
	clear_cache(ks);
	ksym_table_free(ks->table);
	ksym_bpf_close(ks->bpf);
	free(ks->path);
	free(ks);
}
