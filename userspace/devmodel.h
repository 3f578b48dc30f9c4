/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A model of the sysfs device tree under a root directory ("/sys" live, a
 * fixture tree in tests): I2C adapters and clients, mux channel adapters,
 * drivers, devicetree compatibles and device links.
 *
 * Devices are named by their canonical path under the root (symlinks
 * resolved), e.g. "<root>/devices/pci0000:00/0000:00:1f.3/i2c-0/0-0050".
 * iag_dev_sysfs_path() gives the live form ("/sys/devices/...").
 *
 * Layout relied on (Linux 6.12):
 *  - bus/i2c/devices/{i2c-N,N-00AA} are symlinks to the device directories;
 *    clients live in their adapter's directory, and a mux channel adapter
 *    lives in its parent adapter's directory (i2c-mux.c sets
 *    adap.dev.parent to the parent adapter) with a "mux_device" symlink to
 *    the mux device. A channel directly under an I2C client is accepted too.
 *  - "driver" and "subsystem" symlinks; of_node/compatible NUL-separated.
 *  - device links (drivers/base/core.c devlink_add_symlinks()): the
 *    consumer has "supplier:<bus>:<name>" and the supplier
 *    "consumer:<bus>:<name>", both pointing to
 *    devices/virtual/devlink/<bus>:<sup>--<bus>:<con>, whose "supplier" and
 *    "consumer" symlinks point to the two devices.
 */
#ifndef IAG_DEVMODEL_H
#define IAG_DEVMODEL_H

#include <stdbool.h>
#include <stddef.h>

struct iag_devmodel;

/* I2C client names "N-00AA" (include/linux/i2c.h, drivers/i2c/i2c-core-base.c) */
#define IAG_ADDR_NONE		0xffffffffu	/* a device with no I2C address */
#define IAG_I2C_ADDR_MASK	0x3ff		/* the address bits, 7 or 10 */
#define IAG_I2C_ADDR_TEN	0xa000		/* I2C_ADDR_OFFSET_TEN_BIT */
#define IAG_I2C_ADDR_SLAVE	0x1000		/* I2C_ADDR_OFFSET_SLAVE */

static inline bool iag_i2c_addr_is_ten(unsigned int addr)
{
	return (addr & IAG_I2C_ADDR_TEN) == IAG_I2C_ADDR_TEN;
}

struct iag_devinfo {
	char *path;		/* canonical path under the root */
	char *sysfs;		/* live form, "/sys/devices/..." */
	char *name;		/* dev_name(): the directory name */
	char *bus;		/* subsystem name ("i2c", "platform") or NULL */
	char *driver;		/* bound driver name or NULL */
	char *label;		/* the "name" attribute, if any */
	bool is_client;		/* an I2C client */
	int client_adapter;	/* its adapter number */
	unsigned int addr;	/* its address (IAG_I2C_ADDR_TEN kept for 10-bit) */
	bool is_adapter;	/* an I2C adapter */
	int adapter_nr;
};

struct iag_strv {
	char **v;
	size_t n;
};

struct iag_devmodel *iag_devmodel_open(const char *root);
void iag_devmodel_close(struct iag_devmodel *m);
const char *iag_devmodel_root(const struct iag_devmodel *m);
/* Does the root hold an I2C bus directory at all? */
bool iag_devmodel_has_i2c(const struct iag_devmodel *m);

/* Fill @out for the device directory @path (canonical or not). 0/-errno. */
int iag_dev_info(struct iag_devmodel *m, const char *path,
		 struct iag_devinfo *out);
void iag_devinfo_free(struct iag_devinfo *d);

/* "/sys/devices/x" (live form) -> canonical path under the root; NULL. */
char *iag_dev_from_sysfs(struct iag_devmodel *m, const char *sysfs_path);
/* Live form of a canonical path. */
char *iag_dev_sysfs_path(const struct iag_devmodel *m, const char *path);

/* Canonical path of I2C client (adapter, addr) or adapter i2c-N; NULL. */
char *iag_dev_client(struct iag_devmodel *m, int adapter, unsigned int addr);
char *iag_dev_adapter(struct iag_devmodel *m, int adapter);
/* Lookup used by reports: (adapter, addr) -> name, driver, sysfs. */
int iag_devmodel_lookup(struct iag_devmodel *m, int adapter, unsigned int addr,
			struct iag_devinfo *out);

/*
 * Parent of a mux channel adapter: 0 and *parent (and *mux_dev, the mux
 * device path, if non-NULL) set; -ENOENT for a root adapter.
 */
int iag_dev_adapter_parent(struct iag_devmodel *m, int adapter, int *parent,
			   char **mux_dev);
/* Adapters from @adapter to its root, leaf first. Count or -errno. */
int iag_dev_adapter_path(struct iag_devmodel *m, int adapter, int *path,
			 size_t max);

/* Nearest I2C client at or above @path (within the root); NULL if none. */
char *iag_dev_client_ancestor(struct iag_devmodel *m, const char *path);

/* Device-link neighbours of @path: canonical paths. 0/-errno. */
int iag_dev_suppliers(struct iag_devmodel *m, const char *path,
		      struct iag_strv *out);
int iag_dev_consumers(struct iag_devmodel *m, const char *path,
		      struct iag_strv *out);

/* Every device bound to @driver / with @compat in of_node/compatible. */
int iag_dev_by_driver(struct iag_devmodel *m, const char *driver,
		      struct iag_strv *out);
int iag_dev_by_compatible(struct iag_devmodel *m, const char *compat,
			  struct iag_strv *out);
/* Every client on adapter @nr, and every adapter number. */
int iag_dev_clients_of(struct iag_devmodel *m, int adapter,
		       struct iag_strv *out);
int iag_dev_adapters(struct iag_devmodel *m, int **nrs, size_t *n);

int iag_strv_add(struct iag_strv *s, const char *v);
bool iag_strv_has(const struct iag_strv *s, const char *v);
void iag_strv_free(struct iag_strv *s);

/* Read a small sysfs attribute, trailing newline removed; NULL if absent. */
char *iag_read_attr(const char *dir, const char *attr, size_t *len);

#endif
