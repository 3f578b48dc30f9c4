/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside ksyms.c: one lookup's answer, and the whole table read compactly. */
#ifndef IAG_KSYMS_INT_H
#define IAG_KSYMS_INT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One address of a lookup: the best symbol found so far (addr 0: none), and
 * the lowest code symbol above the address (0: none), where the best one's
 * function ends: every address up to there has the same answer.
 */
struct ksym_pending {
	unsigned long query, addr, next;
	char name[256], module[128];
};

/* A symbol's line of the file, parsed in place (not NUL-ended). */
struct ksym_line {
	unsigned long addr;
	char type;			/* 't', 'T', 'D', 'b', ... */
	const char *name, *module;	/* module NULL: vmlinux */
	size_t name_len, module_len;
};

/* A code symbol, with an address (0: hidden by kptr_restrict). */
static inline bool ksym_is_code(const struct ksym_line *sym)
{
	return sym->addr && (sym->type == 't' || sym->type == 'T' ||
			     sym->type == 'w' || sym->type == 'W');
}

/*
 * Call @fn with each symbol of @path (code or not: see ksym_is_code()),
 * read in large blocks and parsed by hand: sscanf and a read per line made
 * a pass cost twice the kernel's time to produce the file under TCG. A
 * non-zero return from @fn stops and is returned; -errno if unreadable;
 * -EINTR as soon as *@stop (if given) is set, checked at each block.
 */
int ksym_each(const char *path, int (*fn)(const struct ksym_line *sym, void *ctx),
	      void *ctx, const volatile int *stop);

struct ksym_table;

/* Every code symbol of @path, or NULL (then the caller keeps scanning). */
struct ksym_table *ksym_table_load(const char *path);
/* Fill @p (its query set) from the table. */
void ksym_table_lookup(const struct ksym_table *t, struct ksym_pending *p);
void ksym_table_free(struct ksym_table *t);

/* ksyms_bpf.c: the kernel's own names; NULL where it cannot be asked. */
struct ksym_names_bpf;
struct ksym_names_bpf *ksym_bpf_open(void);
void ksym_bpf_close(struct ksym_names_bpf *s);
/* Fill @p (@n queries set, sorted or not): 0, or -errno (then ask the file). */
int ksym_bpf_lookup(struct ksym_names_bpf *s, struct ksym_pending *p, size_t n);
/* @p from one "%pS" answer for @p->query: "name+0x1c/0x80 [module]". */
bool ksym_parse_pS(const char *s, struct ksym_pending *p);

#endif
