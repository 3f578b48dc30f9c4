// SPDX-License-Identifier: GPL-2.0-only
/* The sysfs device model: see devmodel.h for the layout relied on. */
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


int iag_strv_add(struct iag_strv *s, const char *v)
{
	char **nv;

	if (iag_strv_has(s, v))
		return 0;
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	s->v = nv;
	s->v[s->n] = strdup(v);
	if (!s->v[s->n])
		return -ENOMEM;
	s->n++;
	return 0;
}

bool iag_strv_has(const struct iag_strv *s, const char *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], v))
			return true;
	return false;
}

void iag_strv_free(struct iag_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

char *dm_join(const char *a, const char *b)
{
	char *r;

	if (asprintf(&r, "%s/%s", a, b) < 0)
		return NULL;
	return r;
}

char *dm_real_join(const char *a, const char *b)
{
	char *p = dm_join(a, b), *r;

	if (!p)
		return NULL;
	r = realpath(p, NULL);
	free(p);
	return r;
}

const char *dm_base(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

char *iag_read_attr(const char *dir, const char *attr, size_t *lenp)
{
	char *p = dm_join(dir, attr), *buf;
	ssize_t n;
	size_t len = 0;
	int fd;

	if (!p)
		return NULL;
	fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	free(p);
	if (fd < 0)
		return NULL;
	buf = malloc(4097);
	if (!buf) {
		close(fd);
		return NULL;
	}
	while (len < 4096 && (n = read(fd, buf + len, 4096 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

struct iag_devmodel *iag_devmodel_open(const char *root)
{
	struct iag_devmodel *m = calloc(1, sizeof(*m));
	char *devices;

	if (!m)
		return NULL;
	if (!realpath(root ? root : "/sys", m->root)) {
		free(m);
		return NULL;
	}
	m->root_len = strlen(m->root);
	devices = dm_join(m->root, "devices");
	if (!devices || !realpath(devices, m->devices))
		m->devices[0] = '\0';
	free(devices);
	return m;
}

void iag_devmodel_close(struct iag_devmodel *m)
{
	free(m);
}

const char *iag_devmodel_root(const struct iag_devmodel *m)
{
	return m->root;
}

bool iag_devmodel_has_i2c(const struct iag_devmodel *m)
{
	char *p = dm_join(m->root, "bus/i2c/devices");
	struct stat st;
	bool r;

	r = p && !stat(p, &st) && S_ISDIR(st.st_mode);
	free(p);
	return r;
}

bool dm_under_root(const struct iag_devmodel *m, const char *p)
{
	return !strncmp(p, m->root, m->root_len) &&
	       (p[m->root_len] == '/' || !p[m->root_len] ||
		m->root_len == 1);
}

char *iag_dev_sysfs_path(const struct iag_devmodel *m, const char *path)
{
	char *r;

	if (!dm_under_root(m, path))
		return strdup(path);
	if (m->root_len == 1)	/* root "/" */
		return asprintf(&r, "/sys%s", path) < 0 ? NULL : r;
	return asprintf(&r, "/sys%s", path + m->root_len) < 0 ? NULL : r;
}

char *iag_dev_from_sysfs(struct iag_devmodel *m, const char *sysfs_path)
{
	char *p, *r;

	if (strncmp(sysfs_path, "/sys", 4) ||
	    (sysfs_path[4] && sysfs_path[4] != '/'))
		return NULL;
	if (asprintf(&p, "%s%s", m->root, sysfs_path + 4) < 0)
		return NULL;
	r = realpath(p, NULL);
	free(p);
	if (r && !dm_under_root(m, r)) {
		free(r);
		r = NULL;
	}
	return r;
}

/* "N-XXXX" with any 4 hex digits (slave and 10-bit flags included). */
bool dm_client_name(const char *n, int *bus, unsigned int *addr)
{
	char *end;
	unsigned long b, a;

	if (*n < '0' || *n > '9')
		return false;
	b = strtoul(n, &end, 10);
	if (*end != '-' || strlen(end + 1) != 4 || b > INT_MAX)
		return false;
	for (const char *p = end + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	a = strtoul(end + 1, NULL, 16);
	*bus = (int)b;
	*addr = (unsigned int)a;
	return true;
}

bool dm_adapter_name(const char *n, int *nr)
{
	char *end;
	unsigned long v;

	if (strncmp(n, "i2c-", 4) || n[4] < '0' || n[4] > '9')
		return false;
	v = strtoul(n + 4, &end, 10);
	if (*end || v > INT_MAX)
		return false;
	*nr = (int)v;
	return true;
}

/* Is canonical @p listed as @name in bus/i2c/devices? */
static bool on_i2c_bus(struct iag_devmodel *m, const char *p, const char *name)
{
	char *q, *r;
	bool ok;

	if (asprintf(&q, "%s/bus/i2c/devices/%s", m->root, name) < 0)
		return false;
	r = realpath(q, NULL);
	free(q);
	ok = r && !strcmp(r, p);
	free(r);
	return ok;
}

static bool is_adapter_dir(struct iag_devmodel *m, const char *p, int *nr)
{
	return dm_adapter_name(dm_base(p), nr) && on_i2c_bus(m, p, dm_base(p));
}

static bool is_client_dir(struct iag_devmodel *m, const char *p)
{
	int nr;

	return !dm_adapter_name(dm_base(p), &nr) && on_i2c_bus(m, p, dm_base(p));
}

static char *link_base(const char *dir, const char *link)
{
	char *r = dm_real_join(dir, link), *b;

	if (!r)
		return NULL;
	b = strdup(dm_base(r));
	free(r);
	return b;
}

void iag_devinfo_free(struct iag_devinfo *d)
{
	free(d->path);
	free(d->sysfs);
	free(d->name);
	free(d->bus);
	free(d->driver);
	free(d->label);
	memset(d, 0, sizeof(*d));
}

int iag_dev_info(struct iag_devmodel *m, const char *path,
		 struct iag_devinfo *out)
{
	char *p = realpath(path, NULL);
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -errno;
	if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
		free(p);
		return -ENOTDIR;
	}
	out->path = p;
	out->sysfs = iag_dev_sysfs_path(m, p);
	out->name = strdup(dm_base(p));
	out->bus = link_base(p, "subsystem");
	out->driver = link_base(p, "driver");
	out->label = iag_read_attr(p, "name", NULL);
	if (is_adapter_dir(m, p, &out->adapter_nr)) {
		out->is_adapter = true;
		if (!out->bus)
			out->bus = strdup("i2c");
	} else if (is_client_dir(m, p)) {
		int bus;
		unsigned int addr;

		out->is_client = true;
		if (!out->bus)
			out->bus = strdup("i2c");
		if (dm_client_name(out->name, &bus, &addr)) {
			out->client_adapter = bus;
			out->addr = addr;
		} else {
			/* ACPI-named ("i2c-INT3472:00"): adapter from parent */
			char *par = strdup(p);
			char *sl = par ? strrchr(par, '/') : NULL;

			out->client_adapter = -1;
			out->addr = IAG_ADDR_NONE;
			if (sl) {
				*sl = '\0';
				if (!is_adapter_dir(m, par, &bus))
					bus = -1;
				out->client_adapter = bus;
			}
			free(par);
		}
	}
	if (!out->sysfs || !out->name) {
		iag_devinfo_free(out);
		return -ENOMEM;
	}
	return 0;
}

char *iag_dev_client(struct iag_devmodel *m, int adapter, unsigned int addr)
{
	char *q, *r;

	if (asprintf(&q, "%s/bus/i2c/devices/%d-%04x", m->root, adapter,
		     addr) < 0)
		return NULL;
	r = realpath(q, NULL);
	free(q);
	if (!r && addr <= IAG_I2C_ADDR_MASK && addr > 0x7f)
		return iag_dev_client(m, adapter, addr | IAG_I2C_ADDR_TEN);
	return r;
}

char *iag_dev_adapter(struct iag_devmodel *m, int adapter)
{
	char *q, *r;

	if (asprintf(&q, "%s/bus/i2c/devices/i2c-%d", m->root, adapter) < 0)
		return NULL;
	r = realpath(q, NULL);
	free(q);
	return r;
}

int iag_devmodel_lookup(struct iag_devmodel *m, int adapter, unsigned int addr,
			struct iag_devinfo *out)
{
	char *p = iag_dev_client(m, adapter, addr);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!p)
		return -ENOENT;
	rc = iag_dev_info(m, p, out);
	free(p);
	return rc;
}

/* Directory part of @p, or NULL once we would leave <root>/devices. */
static char *up(const struct iag_devmodel *m, const char *p)
{
	const char *sl = strrchr(p, '/');
	char *r;

	if (!sl || sl == p)
		return NULL;
	r = strndup(p, (size_t)(sl - p));
	if (r && m->devices[0] && strncmp(r, m->devices, strlen(m->devices))) {
		free(r);
		return NULL;
	}
	if (r && !dm_under_root(m, r)) {
		free(r);
		return NULL;
	}
	return r;
}

int iag_dev_adapter_parent(struct iag_devmodel *m, int adapter, int *parent,
			   char **mux_dev)
{
	char *p = iag_dev_adapter(m, adapter), *cur, *client = NULL;
	int nr, rc = -ENOENT;

	if (mux_dev)
		*mux_dev = NULL;
	if (!p)
		return -ENOENT;
	cur = up(m, p);
	while (cur) {
		char *next;

		if (is_adapter_dir(m, cur, &nr)) {
			*parent = nr;
			rc = 0;
			break;
		}
		if (!client && is_client_dir(m, cur))
			client = strdup(cur);
		next = up(m, cur);
		free(cur);
		cur = next;
	}
	free(cur);
	if (!rc && mux_dev) {
		char *md = dm_real_join(p, "mux_device");

		*mux_dev = md ? md : client;
		if (md)
			free(client);
		client = NULL;
	}
	free(client);
	free(p);
	return rc;
}

int iag_dev_adapter_path(struct iag_devmodel *m, int adapter, int *path,
			 size_t max)
{
	size_t n = 0;
	int cur = adapter, par;

	if (!max)
		return -EINVAL;
	path[n++] = cur;
	while (n < max && !iag_dev_adapter_parent(m, cur, &par, NULL)) {
		for (size_t i = 0; i < n; i++)
			if (path[i] == par)	/* a loop: stop */
				return (int)n;
		path[n++] = par;
		cur = par;
	}
	return (int)n;
}

char *iag_dev_client_ancestor(struct iag_devmodel *m, const char *path)
{
	char *cur = realpath(path, NULL);
	int nr;

	while (cur) {
		char *next;

		if (is_client_dir(m, cur))
			return cur;
		if (is_adapter_dir(m, cur, &nr))
			break;	/* above here the adapter's parents */
		next = up(m, cur);
		free(cur);
		cur = next;
	}
	free(cur);
	return NULL;
}
