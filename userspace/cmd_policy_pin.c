// SPDX-License-Identifier: GPL-2.0-only
/* policy load | unload | show: the allowlist pinned under the pin directory. */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <jansson.h>

#include "cli.h"
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

enum { OPT_INSECURE = 256, OPT_OVERRIDE };

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
	if (iag_allow_swap(fd, -1, &ks)) {
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

/* policy load's own options: what the pinned info map notes (IAG_PIN_*). */
struct load_opts {
	bool insecure;		/* --insecure-policy */
	bool override;		/* --override-mode */
};

static int load_opt(int opt, const char *arg, void *ctx)
{
	static const struct iag_cli_field own[] = {
		{ OPT_INSECURE, offsetof(struct load_opts, insecure), true },
		{ OPT_OVERRIDE, offsetof(struct load_opts, override), true },
	};

	return iag_cli_store(own, sizeof(own) / sizeof(own[0]), ctx, opt, arg);
}

int iag_policy_cmd_load(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_SYSFS_ROOT, IAG_CLI_OPT_HELP,
		{ "insecure-policy", no_argument, NULL, OPT_INSECURE },
		{ "override-mode", no_argument, NULL, OPT_OVERRIDE },
		{ 0 }
	};
	struct load_opts lo = { 0 };
	struct iag_cli cli;
	int rc;

	iag_cli_init(&cli, "policy load", iag_policy_usage, 0);
	rc = iag_cli_parse(&cli, argc, argv, "r:h", opts, load_opt, &lo);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1) {
		iag_err("policy load: give one FILE");
		return IAG_EXIT_USAGE;
	}
	return load_into_pin(cli.cmd, argv[optind], cli.sysfs_root,
			     (lo.insecure ? IAG_PIN_INSECURE : 0) |
			     (lo.override ? IAG_PIN_MODE_OVERRIDE : 0));
}

/*
 * Resolve the pinned policy again against the sysfs as it is now (adapter
 * numbers change with hot-plug): FILE, or the one the pinned set was loaded
 * from, with the options it was loaded with. Nothing pinned: nothing to do.
 */
int iag_policy_cmd_refresh(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_SYSFS_ROOT, IAG_CLI_OPT_HELP,
		{ 0 }
	};
	struct iag_pin_info pi;
	struct iag_cli cli;
	const char *file;
	int err, fd, rc;

	iag_cli_init(&cli, "policy refresh", iag_policy_usage, 0);
	rc = iag_cli_parse(&cli, argc, argv, "r:h", opts, NULL, NULL);
	if (rc >= 0)
		return rc;
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
	return load_into_pin(cli.cmd, file, cli.sysfs_root, pi.flags);
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
	if (iag_allow_swap(fd, -1, &none))
		rc = IAG_EXIT_INTERNAL;
	else
		printf("unloaded: the allowlist in %s is empty; no device is allowed now\n",
		       allow_map_path());
	close(fd);
	return rc;
}

/* One key of the pinned allowlist, and the device it names on this sysfs. */
static void show_key_text(const struct iag_allow_kv *kv, const struct iag_devinfo *di)
{
	char ab[16];

	printf("i2c-%-4d %-6s %-6u ", kv->k.adapter, addr_str(kv->k.addr, ab, sizeof(ab)),
	       kv->v.rule_id);
	print_esc("", di->name, "");
	if (di->driver)
		print_esc(" (", di->driver, ")");
	printf("\n");
}

static json_t *show_key_json(const struct iag_allow_kv *kv, const struct iag_devinfo *di)
{
	return json_pack("{s:i, s:o, s:i, s:o, s:o, s:o}", "adapter", kv->k.adapter,
			 "addr", kv->k.addr == IAG_ADDR_ANY ? json_string("any") :
			 json_integer(kv->k.addr), "rule", (int)kv->v.rule_id,
			 "device", iag_json_str(di->name), "driver", iag_json_str(di->driver),
			 "sysfs", iag_json_str(di->sysfs));
}

/* The pinned allowlist, read whole: an exit code. */
static int read_allow_map(struct iag_allow_kv **all, size_t *n)
{
	int fd, err, rc = open_allow_map(&fd);

	if (rc)
		return rc;
	err = iag_allow_read(fd, all, n);
	close(fd);
	if (err) {
		iag_err("policy show: reading the map: %s", strerror(-err));
		return IAG_EXIT_INTERNAL;
	}
	return IAG_EXIT_OK;
}

int iag_policy_cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_JSON, IAG_CLI_OPT_SYSFS_ROOT, IAG_CLI_OPT_HELP,
		{ 0 }
	};
	struct iag_allow_kv *all = NULL;
	struct iag_devmodel *m;
	struct iag_cli cli;
	json_t *arr = NULL;
	size_t n = 0;
	int rc;

	iag_cli_init(&cli, "policy show", iag_policy_usage, 0);
	rc = iag_cli_parse(&cli, argc, argv, "jr:h", opts, NULL, NULL);
	if (rc >= 0)
		return rc;
	rc = read_allow_map(&all, &n);
	if (rc)
		return rc;
	m = iag_devmodel_open(cli.sysfs_root);
	if (cli.json)
		arr = json_array();
	else
		printf("%zu keys in %s\n%-8s %-6s %-6s %s\n", n, allow_map_path(),
		       "ADAPTER", "ADDR", "RULE", "DEVICE");
	for (size_t i = 0; i < n; i++) {
		struct iag_devinfo di = { 0 };

		/* A device named by its address: the 10-bit flag is part of it. */
		if (m && all[i].k.addr != IAG_ADDR_ANY)
			iag_devmodel_lookup(m, all[i].k.adapter, all[i].k.addr |
					    (all[i].k.flags & IAG_KEY_TEN ? IAG_I2C_ADDR_TEN : 0), &di);
		if (cli.json)
			json_array_append_new(arr, show_key_json(&all[i], &di));
		else
			show_key_text(&all[i], &di);
		iag_devinfo_free(&di);
	}
	if (cli.json)
		dump_json(arr);
	iag_devmodel_close(m);
	free(all);
	return IAG_EXIT_OK;
}
