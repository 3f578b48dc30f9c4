/* SPDX-License-Identifier: GPL-2.0-only */
/* Inside ksyms.c: one lookup's answer, and the whole table read compactly. */
#ifndef IAG_KSYMS_INT_H
#define IAG_KSYMS_INT_H

/* One address of a lookup: the best symbol found so far (addr 0: none). */
struct ksym_pending {
	unsigned long query, addr;
	char name[256], module[128];
};

struct ksym_table;

/* Every code symbol of @path, or NULL (then the caller keeps scanning). */
struct ksym_table *ksym_table_load(const char *path);
/* Fill @p (its query set) from the table. */
void ksym_table_lookup(const struct ksym_table *t, struct ksym_pending *p);
void ksym_table_free(struct ksym_table *t);

#endif
