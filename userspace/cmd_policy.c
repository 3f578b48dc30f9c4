// SPDX-License-Identifier: GPL-2.0-only
/* policy check | load | unload | show */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "commands.h"
#include "devmodel.h"
#include "policy.h"
#include "record.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

#define ALLOW_MAP_PATH	"/sys/fs/bpf/i2c-atomic-guard/allow"

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

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s policy check FILE [--json] [--strict] [--sysfs-root DIR]\n"
		"       %s policy load FILE [--insecure-policy] [--sysfs-root DIR]\n"
		"       %s policy unload\n"
		"       %s policy show [--json] [--sysfs-root DIR]\n"
		"\n"
		"check   parse and validate FILE, resolve it against the sysfs and show\n"
		"        what each rule covers and why; --strict makes a rule that\n"
		"        matches nothing an error\n"
		"load    replace the pinned allowlist (%s) with FILE's keys;\n"
		"        FILE must be owned by root and writable by no one else\n"
		"        (--insecure-policy overrides that, loudly)\n"
		"unload  empty the pinned allowlist\n"
		"show    list the pinned allowlist\n"
		"\n"
		"Exit: 0 fine, 2 bad policy or usage, 3 nothing pinned (run\n"
		"'enforce --pin' first), 4 BPF error.\n",
		iag_prog, iag_prog, iag_prog, iag_prog, ALLOW_MAP_PATH);
}

static json_t *diag_json(const struct iag_diag *d)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < d->n; i++)
		json_array_append_new(arr, json_pack("{s:o, s:i, s:i, s:o}",
			"file", iag_json_str(d->file), "line", (int)d->e[i].line,
			"column", (int)d->e[i].col, "message",
			iag_json_str(d->e[i].msg)));
	return arr;
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

static json_t *key_json(const struct iag_key *k)
{
	return json_pack("{s:i, s:o, s:i, s:o, s:o}", "adapter", k->adapter,
			 "addr", k->addr == IAG_ADDR_ANY ? json_string("any") :
			 json_integer(k->addr), "rule", (int)k->rule_id,
			 "device", iag_json_str(k->device),
			 "why", iag_json_str(k->why));
}

static void print_esc(const char *prefix, const char *s, const char *suffix)
{
	char *e = iag_esc_line(s);

	printf("%s%s%s", prefix, e ? e : "", suffix);
	free(e);
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 's' },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool json = iag_json, strict = false;
	const char *root = "/sys", *file;
	struct iag_policy *pol;
	struct iag_keyset ks;
	struct iag_diag d;
	int c, err, rc = IAG_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jsr:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			strict = true;
			break;
		case 'r':
			root = optarg;
			break;
		case 'h':
			usage(stdout);
			return IAG_EXIT_OK;
		default:
			usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		iag_err("policy check: give one FILE");
		return IAG_EXIT_USAGE;
	}
	file = argv[optind];
	err = iag_policy_load(file, &pol, &d);
	if (err) {
		if (json)
			dump_json(json_pack("{s:o, s:b, s:o}", "file",
					    iag_json_str(file), "valid", 0,
					    "errors", diag_json(&d)));
		else
			iag_diag_print(&d, stderr);
		return IAG_EXIT_USAGE;
	}
	err = iag_resolve_ex(pol, root, IAG_RESOLVE_QUIET, &ks);
	if (err) {
		iag_err("policy check: resolving %s against %s: %s", file, root,
			strerror(-err));
		iag_policy_free(pol);
		return err == -ENOMEM ? IAG_EXIT_INTERNAL : IAG_EXIT_USAGE;
	}
	if (strict && ks.n_unmatched)
		rc = IAG_EXIT_USAGE;
	if (json) {
		json_t *o = json_object(), *rules = json_array(), *keys = json_array();
		json_t *warn = json_array();

		json_object_set_new(o, "file", iag_json_str(file));
		json_object_set_new(o, "valid", json_boolean(rc == IAG_EXIT_OK));
		json_object_set_new(o, "mode", json_string(iag_policy_mode_name(pol->mode)));
		json_object_set_new(o, "sysfs_root", iag_json_str(root));
		for (size_t i = 0; i < pol->n_rules; i++) {
			const struct iag_rule *r = &pol->rules[i];
			const struct iag_rule_match *rm = &ks.rules[i];
			json_t *ro = json_object(), *devs = json_array();

			json_object_set_new(ro, "id", json_integer(r->id));
			json_object_set_new(ro, "line", json_integer(r->line));
			json_object_set_new(ro, "column", json_integer(r->col));
			json_object_set_new(ro, "selector", json_string(iag_selector_name(r->sel)));
			json_object_set_new(ro, "value", iag_json_str(r->value));
			json_object_set_new(ro, "reason", iag_json_str(r->reason));
			json_object_set_new(ro, "matched", json_boolean(rm->matched));
			json_object_set_new(ro, "broad", json_boolean(rm->broad));
			json_object_set_new(ro, "n_keys", json_integer((json_int_t)rm->n_keys));
			for (size_t k = 0; k < rm->n_devices; k++)
				json_array_append_new(devs, json_pack("{s:o, s:o}",
					"sysfs", iag_json_str(rm->devices[k]),
					"why", iag_json_str(rm->device_why[k])));
			json_object_set_new(ro, "devices", devs);
			json_array_append_new(rules, ro);
			/*
			 * One line per (rule, key); "loaded" is false where an
			 * earlier rule already gives the same key (the map holds
			 * one rule id per key: the first rule's).
			 */
			for (size_t k = 0; k < rm->n_keys; k++) {
				const struct iag_key *key = &rm->keys[k];
				const struct iag_key *win =
					iag_keyset_lookup(&ks, key->adapter, key->addr);
				json_t *kj = key_json(key);

				json_object_set_new(kj, "loaded", json_boolean(
					win && win->addr == key->addr &&
					win->rule_id == key->rule_id));
				json_array_append_new(keys, kj);
			}
		}
		json_object_set_new(o, "rules", rules);
		json_object_set_new(o, "keys", keys);
		json_object_set_new(o, "n_keys", json_integer((json_int_t)ks.n));
		for (size_t k = 0; k < ks.n_warnings; k++)
			json_array_append_new(warn, iag_json_str(ks.warnings[k]));
		json_object_set_new(o, "warnings", warn);
		json_object_set_new(o, "unmatched_rules", json_integer((json_int_t)ks.n_unmatched));
		dump_json(o);
	} else {
		char ab[16];

		print_esc("", file, "");
		printf(": valid; mode %s, %zu rules, %zu allowlist keys (resolved against %s)\n",
		       iag_policy_mode_name(pol->mode), pol->n_rules, ks.n, root);
		for (size_t i = 0; i < pol->n_rules; i++) {
			const struct iag_rule *r = &pol->rules[i];
			const struct iag_rule_match *rm = &ks.rules[i];

			printf("\nrule %u (line %u): %s ", r->id, r->line,
			       iag_selector_name(r->sel));
			print_esc("", r->value, "");
			printf("%s%s\n", rm->broad ? "  [broad]" : "",
			       rm->matched ? "" : "  [matches nothing]");
			if (r->reason)
				print_esc("  reason: ", r->reason, "\n");
			for (size_t k = 0; k < rm->n_devices; k++) {
				print_esc("  covers ", rm->devices[k], "\n");
				print_esc("    why: ", rm->device_why[k], "\n");
			}
			for (size_t k = 0; k < rm->n_keys; k++) {
				const struct iag_key *key = &rm->keys[k];

				printf("  key i2c-%d %-4s ", key->adapter,
				       addr_str(key->addr, ab, sizeof(ab)));
				print_esc("", key->device, "\n");
				print_esc("    why: ", key->why, "\n");
			}
			if (!rm->n_keys)
				printf("  no allowlist key (no I2C device in what it covers)\n");
		}
		for (size_t k = 0; k < ks.n_warnings; k++)
			iag_warn("%s", ks.warnings[k]);
		if (rc)
			iag_err("%s: %zu rules match nothing (--strict)", file,
				ks.n_unmatched);
	}
	iag_keyset_free(&ks);
	iag_policy_free(pol);
	return rc;
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

static int cmd_load(int argc, char **argv)
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
			usage(stdout);
			return IAG_EXIT_OK;
		default:
			usage(stderr);
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

static int cmd_unload(int argc, char **argv)
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

static int cmd_show(int argc, char **argv)
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

int do_policy(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? IAG_EXIT_USAGE : IAG_EXIT_OK;
	}
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "load"))
		return cmd_load(argc - 1, argv + 1);
	if (!strcmp(argv[1], "unload"))
		return cmd_unload(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 1, argv + 1);
	iag_err("policy: unknown subcommand '%s' (check, load, unload, show)",
		argv[1]);
	return IAG_EXIT_USAGE;
}
