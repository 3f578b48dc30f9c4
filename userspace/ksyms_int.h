/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside ksyms.c: one lookup's answer, and the whole table read compactly. */
#ifndef IAG_KSYMS_INT_H
#define IAG_KSYMS_INT_H

/* One address of a lookup: the best symbol found so far (addr 0: none). */
struct ksym_pending {
	unsigned long query, addr;
	char name[256], module[128];
};

/* A code symbol's line of the file, parsed in place (not NUL-ended). */
struct ksym_line {
	unsigned long addr;
	const char *name, *module;	/* module NULL: vmlinux */
	size_t name_len, module_len;
};

/*
 * Call @fn with each code symbol (types t T w W, address not 0) of @path,
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

#endif
