// SPDX-License-Identifier: GPL-2.0-only
/* policy load | unload | show: the allowlist pinned under the pin directory. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "cmd_policy_pin.h"
#include "devmodel.h"
#include "policy.h"
#include "record.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

/* $IAG_PIN_DIR overrides the pin directory (tests, a second bpffs). */
static const char *allow_map_path(void)
{
	static char p[512];
	const char *d = getenv("IAG_PIN_DIR");

	if (!d || !*d)
		return ALLOW_MAP_PATH;
	snprintf(p, sizeof(p), "%s/allow", d);
	return p;
}

static void dump_json(json_t *o)
{
	iag_json_dump_lines(o, stdout);
	json_decref(o);
}

static const char *addr_str(unsigned int addr, char *buf, size_t len)
{
	if (addr == IAG_ADDR_ANY)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "0x%02x", addr);
	return buf;
}

static void print_esc(const char *prefix, const char *s, const char *suffix)
{
	char *e = iag_esc_line(s);

	printf("%s%s%s", prefix, e ? e : "", suffix);
	free(e);
}

/* Open the pinned allowlist; an exit code on failure (reported). */
static int open_allow_map_n(int *fd, __u32 *max_entries)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info);

	*fd = bpf_obj_get(allow_map_path());
	if (*fd < 0) {
		int e = errno;

		if (e == ENOENT) {
			iag_err("nothing is pinned at %s: run 'enforce --pin' (or audit with pinning) first",
				allow_map_path());
			return IAG_EXIT_UNSUPPORTED;
		}
		iag_err("cannot open %s: %s%s", allow_map_path(), strerror(e),
			e == EPERM || e == EACCES ? " (run as root)" : "");
		return IAG_EXIT_INTERNAL;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(*fd, &info, &len)) {
		iag_err("%s: cannot read map info: %s", allow_map_path(), strerror(errno));
		close(*fd);
		return IAG_EXIT_INTERNAL;
	}
	if (info.key_size != sizeof(struct iag_allow_key) ||
	    info.value_size != sizeof(struct iag_allow_val)) {
		iag_err("%s has key/value sizes %u/%u, this binary expects %zu/%zu: pinned by another version?",
			allow_map_path(), info.key_size, info.value_size,
			sizeof(struct iag_allow_key), sizeof(struct iag_allow_val));
		close(*fd);
		return IAG_EXIT_INTERNAL;
	}
	if (max_entries)
		*max_entries = info.max_entries;
	return IAG_EXIT_OK;
}

static int open_allow_map(int *fd)
{
	return open_allow_map_n(fd, NULL);
}

struct kv {
	struct iag_allow_key k;
	struct iag_allow_val v;
};

/* Every entry of the map; -errno. */
static int read_map(int fd, struct kv **out, size_t *n)
{
	struct iag_allow_key key, next;
	void *prev = NULL;

	*out = NULL;
	*n = 0;
	errno = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		struct kv *nv = realloc(*out, (*n + 1) * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*out = nv;
		nv[*n].k = next;
		if (bpf_map_lookup_elem(fd, &next, &nv[*n].v))
			nv[*n].v.rule_id = IAG_NO_RULE;
		(*n)++;
		key = next;
		prev = &key;
		if (*n > 1000000)
			break;
	}
	return errno == ENOENT || !errno ? 0 : -errno;
}

int iag_policy_cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "insecure-policy", no_argument, NULL, 'I' },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool insecure = false;
	const char *root = "/sys", *file;
	struct iag_policy *pol;
	struct iag_keyset ks = { 0 };
	struct iag_diag d;
	struct kv *old = NULL;
	size_t n_old = 0, removed = 0, fresh = 0;
	__u32 max_entries = 0;
	bool gap = false;
	int c, err, fd, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'I':
			insecure = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			iag_policy_usage(stdout);
			return IAG_EXIT_OK;
		default:
			iag_policy_usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		iag_err("policy load: give one FILE");
		return IAG_EXIT_USAGE;
	}
	file = argv[optind];
	err = iag_policy_load(file, &pol, &d);
	if (err) {
		iag_diag_print(&d, stderr);
		return IAG_EXIT_USAGE;
	}
	rc = iag_policy_require_trusted(pol, insecure);
	if (rc) {
		iag_policy_free(pol);
		return rc;
	}
	rc = open_allow_map_n(&fd, &max_entries);
	if (rc) {
		iag_policy_free(pol);
		return rc;
	}
	err = iag_resolve(pol, root, &ks);
	if (err) {
		iag_err("policy load: resolving %s against %s: %s", file, root,
			strerror(-err));
		rc = IAG_EXIT_USAGE;
		goto out_fd;
	}
	err = read_map(fd, &old, &n_old);
	if (err) {
		iag_err("policy load: reading the map: %s", strerror(-err));
		rc = IAG_EXIT_INTERNAL;
		goto out_fd;
	}
	if (ks.n > max_entries) {
		iag_err("policy load: %s gives %zu keys, the pinned map holds %u: nothing changed",
			file, ks.n, max_entries);
		rc = IAG_EXIT_USAGE;
		goto out_fd;
	}
	for (size_t k = 0; k < ks.n; k++) {
		bool known = false;

		for (size_t i = 0; i < n_old && !known; i++)
			known = old[i].k.adapter == ks.keys[k].adapter &&
				old[i].k.addr == ks.keys[k].addr;
		fresh += !known;
	}
	/*
	 * New keys first, then drop the stale ones: no allowed device is ever
	 * missing. Only when the map cannot hold both for a moment are the
	 * stale ones dropped first (said out loud).
	 */
	gap = n_old + fresh > max_entries;
	if (gap)
		iag_warn("policy load: the pinned map (%u entries) cannot hold the old and the new keys at once: removing the stale ones first",
			 max_entries);
	for (int pass = 0; pass < 2; pass++) {
		if (pass == (gap ? 0 : 1)) {
			for (size_t i = 0; i < n_old; i++) {
				bool keep = false;

				for (size_t k = 0; k < ks.n && !keep; k++)
					keep = old[i].k.adapter == ks.keys[k].adapter &&
					       old[i].k.addr == ks.keys[k].addr;
				if (!keep && !bpf_map_delete_elem(fd, &old[i].k))
					removed++;
			}
			continue;
		}
		for (size_t i = 0; i < ks.n; i++) {
			struct iag_allow_key k = { .adapter = ks.keys[i].adapter,
						   .addr = (__u16)ks.keys[i].addr };
			struct iag_allow_val v = { .rule_id = ks.keys[i].rule_id };

			if (bpf_map_update_elem(fd, &k, &v, BPF_ANY)) {
				iag_err("policy load: adding key i2c-%d 0x%x: %s",
					k.adapter, k.addr, strerror(errno));
				rc = IAG_EXIT_INTERNAL;
				goto out_fd;
			}
		}
	}
	printf("loaded %zu keys from %s into %s (%zu stale keys removed)\n",
	       ks.n, file, allow_map_path(), removed);
	for (size_t k = 0; k < ks.n_warnings; k++)
		iag_warn("%s", ks.warnings[k]);
out_fd:
	free(old);
	close(fd);
	iag_keyset_free(&ks);
	iag_policy_free(pol);
	return rc;
}

int iag_policy_cmd_unload(int argc, char **argv)
{
	struct kv *old = NULL;
	size_t n = 0, removed = 0;
	int fd, rc, err;

	if (argc > 1) {
		iag_err("policy unload takes no arguments");
		return IAG_EXIT_USAGE;
	}
	rc = open_allow_map(&fd);
	if (rc)
		return rc;
	err = read_map(fd, &old, &n);
	if (err) {
		iag_err("policy unload: reading the map: %s", strerror(-err));
		rc = IAG_EXIT_INTERNAL;
	}
	for (size_t i = 0; i < n; i++)
		if (!bpf_map_delete_elem(fd, &old[i].k))
			removed++;
	printf("unloaded: %zu keys removed from %s; no device is allowed now\n",
	       removed, allow_map_path());
	free(old);
	close(fd);
	return rc;
}

int iag_policy_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ 0 }
	};
	bool json = iag_json;
	const char *root = "/sys";
	struct iag_devmodel *m;
	struct kv *all = NULL;
	size_t n = 0;
	int c, fd, rc, err;
	json_t *arr = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jr:", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'r')
			root = optarg;
		else
			return IAG_EXIT_USAGE;
	}
	rc = open_allow_map(&fd);
	if (rc)
		return rc;
	err = read_map(fd, &all, &n);
	close(fd);
	if (err) {
		iag_err("policy show: reading the map: %s", strerror(-err));
		return IAG_EXIT_INTERNAL;
	}
	m = iag_devmodel_open(root);
	if (json)
		arr = json_array();
	else
		printf("%zu keys in %s\n%-8s %-6s %-6s %s\n", n, allow_map_path(),
		       "ADAPTER", "ADDR", "RULE", "DEVICE");
	for (size_t i = 0; i < n; i++) {
		struct iag_devinfo di = { 0 };
		char ab[16];

		if (m && all[i].k.addr != IAG_ADDR_ANY)
			iag_devmodel_lookup(m, all[i].k.adapter, all[i].k.addr, &di);
		if (json) {
			json_array_append_new(arr, json_pack("{s:i, s:o, s:i, s:o, s:o, s:o}",
				"adapter", all[i].k.adapter, "addr",
				all[i].k.addr == IAG_ADDR_ANY ? json_string("any") :
				json_integer(all[i].k.addr), "rule",
				(int)all[i].v.rule_id, "device", iag_json_str(di.name),
				"driver", iag_json_str(di.driver), "sysfs",
				iag_json_str(di.sysfs)));
		} else {
			printf("i2c-%-4d %-6s %-6u ", all[i].k.adapter,
			       addr_str(all[i].k.addr, ab, sizeof(ab)),
			       all[i].v.rule_id);
			print_esc("", di.name, "");
			if (di.driver)
				print_esc(" (", di.driver, ")");
			printf("\n");
		}
		iag_devinfo_free(&di);
	}
	if (json)
		dump_json(arr);
	iag_devmodel_close(m);
	free(all);
	return IAG_EXIT_OK;
}
