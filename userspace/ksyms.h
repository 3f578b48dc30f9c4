/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel stack symbolization from /proc/kallsyms. */
#ifndef IAG_KSYMS_H
#define IAG_KSYMS_H

#include <stddef.h>

struct iag_ksym {
	unsigned long addr;
	char *name;
	char *module;		/* NULL for vmlinux */
};

struct iag_ksyms;

/* Load @path (NULL: /proc/kallsyms). NULL with errno set on failure. */
struct iag_ksyms *iag_ksyms_load(const char *path);
/* The symbol at or below @addr, or NULL. */
const struct iag_ksym *iag_ksyms_find(const struct iag_ksyms *ks, unsigned long addr);
/* "name+0xoff" (or "name+0xoff [mod]", or "0x..." if unknown) into @buf. */
const char *iag_ksyms_format(const struct iag_ksyms *ks, unsigned long addr,
			     char *buf, size_t len);
/* Just the name, or "0x..." */
const char *iag_ksyms_name(const struct iag_ksyms *ks, unsigned long addr,
			   char *buf, size_t len);
void iag_ksyms_free(struct iag_ksyms *ks);

#endif
