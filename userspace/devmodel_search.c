// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysfs device model, searches: device links (suppliers, consumers),
 * devices by driver or devicetree compatible, an adapter's clients, every
 * adapter. See devmodel.h for the layout relied on.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devmodel.h"
#include "devmodel_int.h"

static int links(struct iag_devmodel *m, const char *path, const char *prefix,
		 const char *end, struct iag_strv *out)
{
	DIR *d = opendir(path);
	struct dirent *de;
	size_t pl = strlen(prefix);
	int rc = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *lk, *r;

		if (strncmp(de->d_name, prefix, pl))
			continue;
		if (asprintf(&lk, "%s/%s/%s", path, de->d_name, end) < 0) {
			rc = -ENOMEM;
			break;
		}
		r = realpath(lk, NULL);
		free(lk);
		if (r && dm_under_root(m, r))
			rc = iag_strv_add(out, r);
		free(r);
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

int iag_dev_suppliers(struct iag_devmodel *m, const char *path,
		      struct iag_strv *out)
{
	return links(m, path, "supplier:", "supplier", out);
}

int iag_dev_consumers(struct iag_devmodel *m, const char *path,
		      struct iag_strv *out)
{
	return links(m, path, "consumer:", "consumer", out);
}

/*
 * Open <root>/@sub: the directory, with its path in *@path (free it), or
 * NULL with -ENOMEM or -ENOENT in *@err. Each search below reads one.
 */
static DIR *open_root_dir(const struct iag_devmodel *m, const char *sub,
			  char **path, int *err)
{
	DIR *d;

	*path = dm_join(m->root, sub);
	if (!*path) {
		*err = -ENOMEM;
		return NULL;
	}
	d = opendir(*path);
	if (!d) {
		free(*path);
		*path = NULL;
		*err = -ENOENT;
	}
	return d;
}

/* Call @fn for every device symlink under <root>/bus/<each bus>/<sub>. */
static int each_bus_dir(struct iag_devmodel *m, const char *sub,
			int (*fn)(struct iag_devmodel *, const char *dir,
				  void *), void *ctx)
{
	char *bp;
	int rc = 0;
	DIR *d = open_root_dir(m, "bus", &bp, &rc);
	struct dirent *de;

	/* No bus directory: no device on any bus. */
	if (!d)
		return rc == -ENOMEM ? rc : 0;
	while (!rc && (de = readdir(d))) {
		char *p;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (asprintf(&p, "%s/%s/%s", bp, de->d_name, sub) < 0) {
			rc = -ENOMEM;
			break;
		}
		if (!stat(p, &st) && S_ISDIR(st.st_mode))
			rc = fn(m, p, ctx);
		free(p);
	}
	closedir(d);
	free(bp);
	return rc;
}

/*
 * @fn on every entry of directory @dir (dot entries and @skip skipped),
 * symlinks resolved: stops at the first non-zero return.
 */
static int each_entry(const char *dir, const char *skip,
		      int (*fn)(const char *dev, void *c), void *c)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return 0;
	while (!rc && (de = readdir(d))) {
		char *dev;

		if (de->d_name[0] == '.' || (skip && !strcmp(de->d_name, skip)))
			continue;
		dev = dm_real_join(dir, de->d_name);
		if (!dev)
			continue;
		rc = fn(dev, c);
		free(dev);
	}
	closedir(d);
	return rc;
}

struct drv_ctx {
	struct iag_devmodel *m;
	const char *driver;
	const char *driver_dir;		/* resolved */
	struct iag_strv *out;
};

/* A device in the driver's directory that is bound to it, in the root. */
static int drv_dev(const char *dev, void *c)
{
	struct drv_ctx *dc = c;
	char *drv = dm_real_join(dev, "driver");
	int rc = 0;

	if (drv && !strcmp(drv, dc->driver_dir) && dm_under_root(dc->m, dev))
		rc = iag_strv_add(dc->out, dev);
	free(drv);
	return rc;
}

static int drv_fn(struct iag_devmodel *m, const char *drivers_dir, void *c)
{
	struct drv_ctx *dc = c;
	char *dd = dm_join(drivers_dir, dc->driver), *rdd;
	int rc;

	if (!dd)
		return -ENOMEM;
	rdd = realpath(dd, NULL);
	free(dd);
	if (!rdd)
		return 0;
	dc->driver_dir = rdd;
	rc = each_entry(rdd, "module", drv_dev, dc);	/* the driver's module link */
	free(rdd);
	return rc;
}

int iag_dev_by_driver(struct iag_devmodel *m, const char *driver,
		      struct iag_strv *out)
{
	struct drv_ctx c = { .m = m, .driver = driver, .out = out };

	if (strchr(driver, '/') || !strcmp(driver, ".") ||
	    !strcmp(driver, ".."))
		return -EINVAL;
	return each_bus_dir(m, "drivers", drv_fn, &c);
}

struct compat_ctx {
	const char *compat;
	struct iag_strv *out;
};

/* A device whose of_node/compatible (NUL-separated) names the compatible. */
static int compat_dev(const char *dev, void *c)
{
	struct compat_ctx *cc = c;
	size_t len;
	char *s = iag_read_attr(dev, "of_node/compatible", &len);
	int rc = 0;

	if (!s)
		return 0;
	/* the newline strip of iag_read_attr is harmless here */
	for (size_t o = 0; o < len; o += strlen(s + o) + 1)
		if (!strcmp(s + o, cc->compat)) {
			rc = iag_strv_add(cc->out, dev);
			break;
		}
	free(s);
	return rc;
}

static int compat_fn(struct iag_devmodel *m, const char *devices_dir, void *c)
{
	return each_entry(devices_dir, NULL, compat_dev, c);
}

int iag_dev_by_compatible(struct iag_devmodel *m, const char *compat,
			  struct iag_strv *out)
{
	struct compat_ctx c = { compat, out };

	return each_bus_dir(m, "devices", compat_fn, &c);
}

int iag_dev_clients_of(struct iag_devmodel *m, int adapter,
		       struct iag_strv *out)
{
	char *p;
	int rc = 0;
	DIR *d = open_root_dir(m, "bus/i2c/devices", &p, &rc);
	struct dirent *de;

	if (!d)
		return rc;
	while (!rc && (de = readdir(d))) {
		int bus;
		unsigned int addr;
		char *r;

		if (!dm_client_name(de->d_name, &bus, &addr) || bus != adapter)
			continue;
		r = dm_real_join(p, de->d_name);
		if (r)
			rc = iag_strv_add(out, r);
		free(r);
	}
	closedir(d);
	free(p);
	return rc;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int iag_dev_adapters(struct iag_devmodel *m, int **nrs, size_t *n)
{
	char *p;
	int err;
	DIR *d = open_root_dir(m, "bus/i2c/devices", &p, &err);
	struct dirent *de;

	*nrs = NULL;
	*n = 0;
	if (!d)
		return err;
	free(p);
	while ((de = readdir(d))) {
		int nr, *nv;

		if (!dm_adapter_name(de->d_name, &nr))
			continue;
		nv = realloc(*nrs, (*n + 1) * sizeof(int));
		if (!nv) {
			closedir(d);
			return -ENOMEM;
		}
		*nrs = nv;
		nv[(*n)++] = nr;
	}
	closedir(d);
	if (*n)
		qsort(*nrs, *n, sizeof(int), cmp_int);
	return 0;
}
