// SPDX-License-Identifier: GPL-2.0-only
/*
 * The device names of live records, looked up in the sysfs once per
 * (adapter, address) and kept until devices come or go (a uevent): a
 * lookup is a dozen syscalls, which in a storm cost more than the rest of
 * the record (issue 13).
 */
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "live.h"
#include "record.h"

/* Entries kept before the cache starts over (a bound on memory). */
#define DEVCACHE_MAX	256

struct iag_live_dev {
	int adapter, addr;
	struct iag_record names;	/* device, driver, sysfs and adapter_path */
};

static void forget(struct iag_live *l)
{
	for (size_t i = 0; i < l->n_devs; i++)
		iag_record_free(&l->devs[i].names);
	free(l->devs);
	l->devs = NULL;
	l->n_devs = 0;
}

void iag_live_devices_changed(struct iag_live *l)
{
	forget(l);
}

/* The entry of @r's adapter and address, looked up if new; NULL on ENOMEM. */
static struct iag_live_dev *entry(struct iag_live *l, const struct iag_record *r)
{
	struct iag_live_dev *d;

	for (size_t i = 0; i < l->n_devs; i++)
		if (l->devs[i].adapter == r->adapter && l->devs[i].addr == r->addr)
			return &l->devs[i];
	if (l->n_devs == DEVCACHE_MAX)
		forget(l);
	d = realloc(l->devs, (l->n_devs + 1) * sizeof(*d));
	if (!d)
		return NULL;
	l->devs = d;
	d = &l->devs[l->n_devs++];
	d->adapter = r->adapter;
	d->addr = r->addr;
	iag_record_init(&d->names);
	d->names.adapter = r->adapter;
	d->names.addr = r->addr;
	d->names.adapter_path[0] = r->adapter;
	d->names.path_len = 1;
	iag_record_fill_device(&d->names, l->dm);
	return d;
}

void iag_live_fill_device(struct iag_live *l, struct iag_record *r)
{
	struct iag_live_dev *d;

	if (!l->dm_tried) {
		l->dm_tried = true;
		l->dm = iag_devmodel_open("/sys");
	}
	/* Without a sysfs too: the default name ("0-0048") is made once. */
	d = r->adapter >= 0 && r->addr >= 0 ? entry(l, r) : NULL;
	if (!d) {
		iag_record_fill_device(r, l->dm);
		return;
	}
	iag_record_take_device(r, &d->names);
}

void iag_live_devcache_free(struct iag_live *l)
{
	forget(l);
}
