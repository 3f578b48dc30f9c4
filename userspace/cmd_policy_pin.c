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
#include "pins.h"
#include "probe.h"
#include "session.h"
#include "session_keys.h"
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
static int open_allow_map(int *fd)
{
	*fd = iag_pin_open_allow(false);
	return *fd < 0 ? -*fd : IAG_EXIT_OK;
}

/*
 * Parse @file, check that it may be trusted and enforced, resolve it
 * against @root and swap its keys into the pinned set in one step; then
 * note it in the pinned info map. @flags: IAG_PIN_* allowed by the caller.
 */
static int load_into_pin(const char *cmd, const char *file, const char *root, __u32 flags)
{
	struct iag_policy *pol;
	struct iag_keyset ks = { 0 };
	struct iag_pin_info pi;
	struct iag_diag d;
	int err, fd, rc;
	char *abs;

	err = iag_policy_load(file, &pol, &d);
	if (err) {
		iag_diag_print(&d, stderr);
		return IAG_EXIT_USAGE;
	}
	rc = iag_policy_require_trusted(pol, flags & IAG_PIN_INSECURE);
	if (!rc)
		rc = iag_policy_require_enforce_mode(pol, flags & IAG_PIN_MODE_OVERRIDE, cmd);
	if (rc) {
		iag_policy_free(pol);
		return rc;
	}
	rc = open_allow_map(&fd);
	if (rc) {
		iag_policy_free(pol);
		return rc;
	}
	err = iag_resolve(pol, root, &ks);
	if (err) {
		iag_err("%s: resolving %s against %s: %s", cmd, file, root, strerror(-err));
		rc = IAG_EXIT_USAGE;
		goto out;
	}
	if (iag_allow_swap(fd, &ks)) {
		rc = IAG_EXIT_INTERNAL;
		goto out;
	}
	if (!iag_pin_info_read(&pi)) {
		abs = realpath(file, NULL);
		snprintf(pi.policy_path, sizeof(pi.policy_path), "%s", abs ? abs : file);
		free(abs);
		pi.flags = flags;
		pi.n_keys = ks.n;
		if (iag_pin_info_write(&pi))
			iag_warn("%s: could not note the policy in the pinned info map", cmd);
	}
	printf("%s: %zu keys from %s now in %s (replaced as a whole)\n", cmd, ks.n, file,
	       allow_map_path());
	for (size_t k = 0; k < ks.n_warnings; k++)
		iag_warn("%s", ks.warnings[k]);
out:
	close(fd);
	iag_keyset_free(&ks);
	iag_policy_free(pol);
	return rc;
}

int iag_policy_cmd_load(int argc, char **argv)
{
	enum { OPT_INSECURE = 256, OPT_OVERRIDE };
	static const struct option opts[] = {
		{ "insecure-policy", no_argument, NULL, OPT_INSECURE },
		{ "override-mode", no_argument, NULL, OPT_OVERRIDE },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *root = "/sys";
	__u32 flags = 0;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_INSECURE:
			flags |= IAG_PIN_INSECURE;
			break;
		case OPT_OVERRIDE:
			flags |= IAG_PIN_MODE_OVERRIDE;
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
	return load_into_pin("policy load", argv[optind], root, flags);
}

/*
 * Resolve the pinned policy again against the sysfs as it is now (adapter
 * numbers change with hot-plug): FILE, or the one the pinned set was loaded
 * from, with the options it was loaded with. Nothing pinned: nothing to do.
 */
int iag_policy_cmd_refresh(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *root = "/sys", *file;
	struct iag_pin_info pi;
	int c, err, fd;

	optind = 0;
	while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (c) {
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
	if (optind < argc - 1) {
		iag_err("policy refresh: at most one FILE");
		return IAG_EXIT_USAGE;
	}
	fd = iag_pin_open_allow(true);
	if (fd == -IAG_EXIT_UNSUPPORTED) {
		printf("policy refresh: nothing pinned under %s: nothing to refresh\n",
		       iag_pin_dir());
		return IAG_EXIT_OK;
	}
	if (fd < 0)
		return -fd;
	close(fd);
	err = iag_pin_info_read(&pi);
	if (err) {
		iag_err("policy refresh: the pinned set has no info map (%s): pinned by an older version; run 'enforce --policy FILE --pin' again",
			strerror(-err));
		return IAG_EXIT_INTERNAL;
	}
	file = optind < argc ? argv[optind] : pi.policy_path;
	if (!file[0]) {
		iag_err("policy refresh: the pinned set names no policy file: give FILE");
		return IAG_EXIT_USAGE;
	}
	return load_into_pin("policy refresh", file, root, pi.flags);
}

int iag_policy_cmd_unload(int argc, char **argv)
{
	struct iag_keyset none = { 0 };
	int fd, rc;

	if (argc > 1) {
		if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
			iag_policy_usage(stdout);
			return IAG_EXIT_OK;
		}
		iag_err("policy unload takes no arguments");
		return IAG_EXIT_USAGE;
	}
	rc = open_allow_map(&fd);
	if (rc)
		return rc;
	if (iag_allow_swap(fd, &none))
		rc = IAG_EXIT_INTERNAL;
	else
		printf("unloaded: the allowlist in %s is empty; no device is allowed now\n",
		       allow_map_path());
	close(fd);
	return rc;
}

int iag_policy_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool json = iag_json;
	const char *root = "/sys";
	struct iag_devmodel *m;
	struct iag_allow_kv *all = NULL;
	size_t n = 0;
	int c, fd, rc, err;
	json_t *arr = NULL;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jr:h", opts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'r') {
			root = optarg;
		} else if (c == 'h') {
			iag_policy_usage(stdout);
			return IAG_EXIT_OK;
		} else {
			iag_policy_usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	rc = open_allow_map(&fd);
	if (rc)
		return rc;
	err = iag_allow_read(fd, &all, &n);
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
			iag_devmodel_lookup(m, all[i].k.adapter, all[i].k.addr |
					    (all[i].k.flags & IAG_KEY_TEN ? IAG_I2C_ADDR_TEN : 0), &di);
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
