// SPDX-License-Identifier: GPL-2.0-only
/* The allowlist map swap and the pin directory (pins.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "devmodel.h"
#include "pins.h"
#include "probe.h"
#include "resolve.h"
#include "util.h"

/* Inner maps get room for the policy, never less than this. */
#define ALLOW_MIN_ENTRIES	64

int iag_allow_check(int fd, const char *what)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		int e = errno;

		iag_err("%s: cannot read map info: %s", what, strerror(e));
		return -e;
	}
	if (info.type != BPF_MAP_TYPE_ARRAY_OF_MAPS || info.key_size != sizeof(__u32) ||
	    info.max_entries != 1) {
		iag_err("%s is not this version's allowlist (map type %u, key size %u): pinned by another version? ('enforce --pin' again upgrades it)",
			what, info.type, info.key_size);
		return -EINVAL;
	}
	return 0;
}

static int inner_fd(int outer_fd)
{
	__u32 slot = IAG_ALLOW_SLOT, id = 0;
	int fd;

	if (bpf_map_lookup_elem(outer_fd, &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

/*
 * A new inner map the outer one accepts: the kernel compares type, sizes,
 * flags and what the value's BTF holds (6.1 compares the timer offset, which
 * a map with BTF and one without differ in), so the new set is made like the
 * current one: same flags, same BTF; like @like_fd while the slot is empty.
 */
static int new_inner(int outer_fd, int like_fd, __u32 max)
{
	LIBBPF_OPTS(bpf_map_create_opts, o);
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int cur = inner_fd(outer_fd), btf_fd = -1, fd;

	if (cur < 0 && like_fd >= 0)
		cur = dup(like_fd);

	memset(&info, 0, sizeof(info));
	if (cur >= 0 && !bpf_obj_get_info_by_fd(cur, &info, &len)) {
		o.map_flags = info.map_flags;
		if (info.btf_id) {
			btf_fd = bpf_btf_get_fd_by_id(info.btf_id);
			if (btf_fd >= 0) {
				o.btf_fd = btf_fd;
				o.btf_key_type_id = info.btf_key_type_id;
				o.btf_value_type_id = info.btf_value_type_id;
			}
		}
	}
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, "iag_allow", sizeof(struct iag_allow_key),
			    sizeof(struct iag_allow_val), max, &o);
	if (fd < 0)
		fd = -errno;
	if (btf_fd >= 0)
		close(btf_fd);
	if (cur >= 0)
		close(cur);
	return fd;
}

int iag_allow_swap(int outer_fd, int like_fd, const struct iag_keyset *ks)
{
	size_t n = ks ? ks->n : 0, i;
	__u32 slot = IAG_ALLOW_SLOT, max = n < ALLOW_MIN_ENTRIES ? ALLOW_MIN_ENTRIES : n;
	int fd, err = 0;

	fd = new_inner(outer_fd, like_fd, max);
	if (fd < 0) {
		iag_err("allowlist: creating a map for %zu keys: %s: the old set stays", n,
			strerror(-fd));
		return fd;
	}
	for (i = 0; i < n; i++) {
		unsigned int a = ks->keys[i].addr;
		bool ten = a != IAG_ADDR_ANY && (a & IAG_I2C_ADDR_TEN) == IAG_I2C_ADDR_TEN;
		struct iag_allow_key k = {
			.adapter = ks->keys[i].adapter,
			.addr = (__u16)(ten ? a & IAG_I2C_ADDR_MASK : a),
			.flags = ten ? IAG_KEY_TEN : 0,	/* a 10-bit address is its own key */
		};
		struct iag_allow_val v = { .rule_id = ks->keys[i].rule_id };

		if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST)) {
			err = -errno;
			iag_err("allowlist: key (adapter %d, addr 0x%x): %s: the old set stays",
				k.adapter, k.addr, strerror(-err));
			goto out;
		}
	}
	/* The one step: from here programs see the new set. */
	if (bpf_map_update_elem(outer_fd, &slot, &fd, BPF_ANY)) {
		err = -errno;
		iag_err("allowlist: swapping in the new set: %s: the old set stays",
			strerror(-err));
	}
out:
	close(fd);
	return err;
}

int iag_allow_read(int outer_fd, struct iag_allow_kv **out, size_t *n)
{
	struct iag_allow_key key, next;
	void *prev = NULL;
	int fd = inner_fd(outer_fd), err = 0;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct iag_allow_kv *nv = realloc(*out, (*n + 1) * sizeof(*nv));

		if (!nv) {
			err = -ENOMEM;
			break;
		}
		*out = nv;
		nv[*n].k = next;
		if (bpf_map_lookup_elem(fd, &next, &nv[*n].v))
			nv[*n].v.rule_id = IAG_NO_RULE;
		(*n)++;
		key = next;
		prev = &key;
	}
	close(fd);
	return err;
}

const char *iag_pin_dir_problem(const char *dir, char *buf, size_t len)
{
	struct stat st;

	if (lstat(dir, &st)) {
		snprintf(buf, len, "%s: %s", dir, strerror(errno));
		return buf;
	}
	if (S_ISLNK(st.st_mode))
		snprintf(buf, len, "%s is a symbolic link", dir);
	else if (!S_ISDIR(st.st_mode))
		snprintf(buf, len, "%s is not a directory", dir);
	else if (st.st_uid != 0)
		snprintf(buf, len, "%s is owned by uid %u, not root", dir, (unsigned int)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		snprintf(buf, len, "%s is writable by %s (mode %04o)", dir,
			 st.st_mode & S_IWOTH ? "others" : "its group",
			 (unsigned int)(st.st_mode & 07777));
	else
		return NULL;
	return buf;
}

const char *iag_pin_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", iag_pin_dir(), name);
	return buf;
}

int iag_pin_open_allow(bool quiet_enoent)
{
	char path[512], why[512];
	int fd, e;

	iag_pin_path("allow", path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0) {
		e = errno;
		if (e == ENOENT) {
			if (!quiet_enoent)
				iag_err("nothing is pinned at %s: run 'enforce --policy FILE --pin' first",
					path);
			return -IAG_EXIT_UNSUPPORTED;
		}
		iag_err("cannot open %s: %s%s", path, strerror(e),
			e == EPERM || e == EACCES ? " (run as root)" : "");
		return -IAG_EXIT_INTERNAL;
	}
	if (iag_pin_dir_problem(iag_pin_dir(), why, sizeof(why))) {
		iag_err("pin directory not trusted: %s", why);
		close(fd);
		return -IAG_EXIT_USAGE;
	}
	if (iag_allow_check(fd, path)) {
		close(fd);
		return -IAG_EXIT_INTERNAL;
	}
	return fd;
}

int iag_pin_info_read(struct iag_pin_info *pi)
{
	char path[512];
	__u32 zero = 0;
	int fd = bpf_obj_get(iag_pin_path("info", path, sizeof(path))), err = 0;

	memset(pi, 0, sizeof(*pi));
	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, &zero, pi))
		err = -errno;
	close(fd);
	pi->policy_path[sizeof(pi->policy_path) - 1] = 0;
	pi->tool_version[sizeof(pi->tool_version) - 1] = 0;
	return err;
}

int iag_pin_info_write(const struct iag_pin_info *pi)
{
	char path[512];
	__u32 zero = 0;
	int fd = bpf_obj_get(iag_pin_path("info", path, sizeof(path))), err = 0;

	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, pi, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

static bool in_set(const struct iag_pin_obj *objs, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(objs[i].name, name))
			return true;
	return false;
}

/* Remove what the pin directory holds that @objs does not name. */
static int drop_stale(const struct iag_pin_obj *objs, size_t n)
{
	DIR *d = opendir(iag_pin_dir());
	struct dirent *de;
	char path[512];
	int err = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || in_set(objs, n, de->d_name))
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0)) {
			err = -errno;
			iag_err("removing the old pin %s: %s", iag_pin_path(de->d_name, path,
				sizeof(path)), strerror(errno));
		}
	}
	closedir(d);
	return err;
}

/*
 * Where the new set is pinned before it replaces the old one. No dot in the
 * name: bpffs reserves names with dots (bpf_lookup() refuses them, EPERM).
 */
static const char *staged_path(const char *dir, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/staged-%s", dir, name);
	return buf;
}

int iag_pin_replace(const struct iag_pin_obj *objs, size_t n)
{
	const char *dir = iag_pin_dir();
	char tmp[512], path[512], why[512];
	size_t i;

	if (mkdir(dir, 0700) && errno != EEXIST) {
		iag_err("mkdir %s: %s", dir, strerror(errno));
		return -errno;
	}
	if (iag_pin_dir_problem(dir, why, sizeof(why))) {
		iag_err("pin directory not trusted: %s", why);
		return -EPERM;
	}
	for (i = 0; i < n; i++) {
		staged_path(dir, objs[i].name, tmp, sizeof(tmp));
		unlink(tmp);	/* left by a run that died here */
		if (bpf_obj_pin(objs[i].fd, tmp) || chmod(tmp, 0600)) {
			int e = errno;

			iag_err("pinning %s: %s", tmp, strerror(e));
			for (; i + 1 > 0; i--)
				unlink(staged_path(dir, objs[i].name, tmp, sizeof(tmp)));
			return -e;
		}
	}
	/* The new set is pinned whole: now it replaces the old, name by name. */
	for (i = 0; i < n; i++) {
		staged_path(dir, objs[i].name, tmp, sizeof(tmp));
		if (rename(tmp, iag_pin_path(objs[i].name, path, sizeof(path)))) {
			iag_err("replacing %s: %s", path, strerror(errno));
			return -errno;
		}
	}
	return drop_stale(objs, n);
}
