// SPDX-License-Identifier: GPL-2.0-only
/* The device a record names, looked up once for many records at a stop. */
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "live.h"
#include "record.h"

/*
 * What iag_record_fill_device() made of a record: at a stop, hundreds of
 * queued records may name the same device, and each lookup walks sysfs
 * (about 0.7 ms under TCG: most of a queued record's cost). While draining,
 * the device model is taken as it is at the stop, like one lookup for all.
 */
struct live_dev {
	int adapter, addr;
	size_t in_len;		/* the record's path length before */
	char *device, *driver, *sysfs;
	int path[IAG_MAX_PATH];
	size_t path_len;
};

static void live_dev_clear(struct live_dev *c)
{
	free(c->device);
	free(c->driver);
	free(c->sysfs);
	memset(c, 0, sizeof(*c));
	c->adapter = -1;
}

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

void iag_live_fill_device(struct iag_live *l, struct iag_record *r)
{
	struct live_dev *c = l->drain_dev;
	size_t in_len = r->path_len;

	if (!l->dm_tried) {
		l->dm_tried = true;
		l->dm = iag_devmodel_open("/sys");
	}
	if (c && l->draining && c->adapter == r->adapter && c->addr == r->addr &&
	    c->in_len == in_len && !r->device && !r->driver && !r->sysfs) {
		r->device = dup0(c->device);
		r->driver = dup0(c->driver);
		r->sysfs = dup0(c->sysfs);
		if (in_len <= 1) {
			memcpy(r->adapter_path, c->path, sizeof(c->path));
			r->path_len = c->path_len;
		}
		return;
	}
	iag_record_fill_device(r, l->dm);
	if (!l->draining || (!c && !(c = l->drain_dev = calloc(1, sizeof(*c)))))
		return;
	live_dev_clear(c);
	*c = (struct live_dev){ r->adapter, r->addr, in_len, dup0(r->device),
				dup0(r->driver), dup0(r->sysfs), {0}, r->path_len };
	memcpy(c->path, r->adapter_path, sizeof(c->path));
}

void iag_live_dev_free(struct iag_live *l)
{
	if (l->drain_dev)
		live_dev_clear(l->drain_dev);
	free(l->drain_dev);
	l->drain_dev = NULL;
}
