/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel stack symbolization from /proc/kallsyms. */
#ifndef IAG_KSYMS_H
#define IAG_KSYMS_H

#include <stdbool.h>
#include <stddef.h>

struct iag_ksym {
	unsigned long addr;
	char *name;
	char *module;		/* NULL for vmlinux */
};

struct iag_ksyms;

/*
 * Symbols of @path (NULL: /proc/kallsyms), read on demand: only the
 * addresses asked for are looked up, and remembered. NULL with errno set if
 * the file cannot be read. With NULL, the running kernel is asked first
 * (ksyms_bpf.c), the file only where it cannot answer.
 */
struct iag_ksyms *iag_ksyms_load(const char *path);
/* Look up the @n addresses of a stack in one pass over the file (or question). */
int iag_ksyms_resolve(struct iag_ksyms *ks, const unsigned long long *addrs, size_t n);
/* The symbol at or below @addr, or NULL (looked up now if not yet). */
const struct iag_ksym *iag_ksyms_find(struct iag_ksyms *ks, unsigned long addr);
/* "name+0xoff" (or "name+0xoff [mod]", or "0x..." if unknown) into @buf. */
const char *iag_ksyms_format(struct iag_ksyms *ks, unsigned long addr,
			     char *buf, size_t len);
/* Just the name, or "0x..." */
const char *iag_ksyms_name(struct iag_ksyms *ks, unsigned long addr,
			   char *buf, size_t len);
void iag_ksyms_free(struct iag_ksyms *ks);
/*
 * ksyms_table.c: the address of @sym (any type) in the kallsyms file @path
 * into *@addr (if not NULL): 1 found, 0 not there, -errno unreadable.
 */
int iag_kallsyms_find(const char *path, const char *sym, unsigned long long *addr);
/*
 * ksym_lookup.c: the same answer from the kernel's bpf_kallsyms_lookup_name()
 * (a BPF program run once), without reading the file; -errno where it
 * cannot be asked (before 5.16, no privilege, addresses hidden).
 */
int iag_ksym_lookup(const char *sym, unsigned long long *addr);
/*
 * The next address not yet known reads the whole table (one read, then
 * every address answers) instead of a pass per stack: for a stop, when many
 * stacks may be queued and each pass costs as much as the read.
 */
void iag_ksyms_table_now(struct iag_ksyms *ks);
/*
 * A pass over the file in progress gives up as soon as *@stop is set (a
 * stop signal), and the whole table is read instead (iag_ksyms_table_now):
 * a stop must not wait for a pass that only serves one stack.
 */
void iag_ksyms_watch(struct iag_ksyms *ks, const volatile int *stop);

/* What the lookups have cost so far (for -v: a stop must stay short). */
struct iag_ksyms_stats {
	unsigned int passes;	/* over the file, one per batch of new addresses */
	unsigned int asked;	/* batches the kernel named instead (ksyms_bpf.c) */
	bool table;		/* the whole table was read */
	double ms;		/* spent reading and parsing the file, or asking */
};
void iag_ksyms_stats(const struct iag_ksyms *ks, struct iag_ksyms_stats *st);

#endif
