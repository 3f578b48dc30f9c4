/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The sysfs device model, inside: the model and the path helpers that
 * devmodel.c (devices, adapters, muxes) and devmodel_search.c (links,
 * drivers, compatibles, listings) share.
 */
#ifndef IAG_DEVMODEL_INT_H
#define IAG_DEVMODEL_INT_H

#include <limits.h>
#include <stdbool.h>

/* One allocation, its paths inside it: closing the model is one free(). */
struct iag_devmodel {
	char root[PATH_MAX];	/* canonical */
	size_t root_len;
	char devices[PATH_MAX];	/* <root>/devices, canonical; "" if absent */
};

/* "a/b" (malloc'd); the same with symlinks resolved, NULL if absent. */
char *dm_join(const char *a, const char *b);
char *dm_real_join(const char *a, const char *b);
/* The last component of @p (no copy). */
const char *dm_base(const char *p);
/* Is @p inside the model's root? */
bool dm_under_root(const struct iag_devmodel *m, const char *p);
/* "N-00AA" and "i2c-N" names. */
bool dm_client_name(const char *n, int *bus, unsigned int *addr);
bool dm_adapter_name(const char *n, int *nr);

#endif
