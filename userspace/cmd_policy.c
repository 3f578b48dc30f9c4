// SPDX-License-Identifier: GPL-2.0-only
/* policy check, and the dispatch to load | unload | show (cmd_policy_pin.c) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "cmd_policy_pin.h"
#include "commands.h"
#include "devmodel.h"
#include "policy.h"
#include "record.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

void iag_policy_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s policy check FILE [--json] [--strict] [--sysfs-root DIR]\n"
		"       %s policy load FILE [--insecure-policy] [--override-mode] [--sysfs-root DIR]\n"
		"       %s policy refresh [FILE] [--sysfs-root DIR]\n"
		"       %s policy unload\n"
		"       %s policy show [--json] [--sysfs-root DIR]\n"
		"\n"
		"check   parse and validate FILE, resolve it against the sysfs and show\n"
		"        what each rule covers and why; --strict makes a rule that\n"
		"        matches nothing, or allows nothing, an error\n"
		"load    replace the pinned allowlist (%s) with FILE's keys;\n"
		"        FILE must be owned by root and writable by no one else\n"
		"        (--insecure-policy overrides that, loudly); a policy that says\n"
		"        'mode: audit' is refused unless --override-mode; the new keys\n"
		"        replace the old ones in one step, or nothing changes\n"
		"refresh resolve the pinned policy (FILE, or the file it was loaded\n"
		"        from, with the options it was loaded with) against the sysfs\n"
		"        as it is now, after devices came or went (for a udev rule);\n"
		"        with nothing pinned it says so and exits 0\n"
		"unload  empty the pinned allowlist\n"
		"show    list the pinned allowlist\n"
		"\n"
		"Exit: 0 fine, 2 bad policy or usage, 3 nothing pinned (run\n"
		"'enforce --pin' first), 4 BPF error.\n",
		iag_prog, iag_prog, iag_prog, iag_prog, iag_prog, ALLOW_MAP_PATH);
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



static json_t *key_json(const struct iag_key *k)
{
	json_t *o = json_pack("{s:i, s:o, s:i, s:o, s:o}", "adapter", k->adapter,
			      "addr", k->addr == IAG_ADDR_ANY ? json_string("any") :
			      json_integer(k->addr & IAG_I2C_ADDR_MASK),
			      "rule", (int)k->rule_id,
			      "device", iag_json_str(k->device),
			      "why", iag_json_str(k->why));

	if (o && k->addr != IAG_ADDR_ANY && iag_i2c_addr_is_ten(k->addr))
		json_object_set_new(o, "ten_bit", json_true());
	return o;
}

static void print_esc(const char *prefix, const char *s, const char *suffix)
{
	char *e = iag_esc_line(s);

	printf("%s%s%s", prefix, e ? e : "", suffix);
	free(e);
}

struct check_run {
	struct iag_cli cli;
	bool strict;
	const char *file;
	struct iag_policy *pol;
	struct iag_keyset ks;
	int rc;
};

static json_t *rule_json(const struct iag_rule *r, const struct iag_rule_match *rm)
{
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
	return ro;
}

/*
 * One line per (rule, key); "loaded" is false where an earlier rule already
 * gives the same key (the map holds one rule id per key: the first rule's).
 */
static void rule_keys_json(const struct iag_keyset *ks,
			   const struct iag_rule_match *rm, json_t *keys)
{
	for (size_t k = 0; k < rm->n_keys; k++) {
		const struct iag_key *key = &rm->keys[k];
		const struct iag_key *win = iag_keyset_lookup(ks, key->adapter, key->addr);
		json_t *kj = key_json(key);

		json_object_set_new(kj, "loaded", json_boolean(
			win && win->addr == key->addr && win->rule_id == key->rule_id));
		json_array_append_new(keys, kj);
	}
}

static void check_json(const struct check_run *c)
{
	json_t *o = json_object(), *rules = json_array(), *keys = json_array();
	json_t *warn = json_array();

	json_object_set_new(o, "file", iag_json_str(c->file));
	json_object_set_new(o, "valid", json_boolean(c->rc == IAG_EXIT_OK));
	json_object_set_new(o, "mode", json_string(iag_policy_mode_name(c->pol->mode)));
	json_object_set_new(o, "sysfs_root", iag_json_str(c->cli.sysfs_root));
	for (size_t i = 0; i < c->pol->n_rules; i++) {
		json_array_append_new(rules, rule_json(&c->pol->rules[i], &c->ks.rules[i]));
		rule_keys_json(&c->ks, &c->ks.rules[i], keys);
	}
	json_object_set_new(o, "rules", rules);
	json_object_set_new(o, "keys", keys);
	json_object_set_new(o, "n_keys", json_integer((json_int_t)c->ks.n));
	for (size_t k = 0; k < c->ks.n_warnings; k++)
		json_array_append_new(warn, iag_json_str(c->ks.warnings[k]));
	json_object_set_new(o, "warnings", warn);
	json_object_set_new(o, "unmatched_rules", json_integer((json_int_t)c->ks.n_unmatched));
	json_object_set_new(o, "rules_allowing_nothing",
			    json_integer((json_int_t)c->ks.n_allow_nothing));
	iag_json_print(o);
}

static void rule_text(const struct iag_rule *r, const struct iag_rule_match *rm)
{
	char ab[32];

	printf("\nrule %u (line %u): %s ", r->id, r->line, iag_selector_name(r->sel));
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
		       iag_key_addr_str(key->addr, ab, sizeof(ab)));
		print_esc("", key->device, "\n");
		print_esc("    why: ", key->why, "\n");
	}
	if (!rm->n_keys)
		printf("  no allowlist key (no I2C device in what it covers)\n");
}

static void check_text(const struct check_run *c)
{
	const struct iag_keyset *ks = &c->ks;

	print_esc("", c->file, "");
	printf(": valid; mode %s, %zu rules, %zu allowlist keys (resolved against %s)\n",
	       iag_policy_mode_name(c->pol->mode), c->pol->n_rules, ks->n,
	       c->cli.sysfs_root);
	for (size_t i = 0; i < c->pol->n_rules; i++)
		rule_text(&c->pol->rules[i], &ks->rules[i]);
	for (size_t k = 0; k < ks->n_warnings; k++)
		iag_warn("%s", ks->warnings[k]);
	if (c->rc)
		iag_err("%s: %zu %s nothing, %zu %s nothing (--strict)",
			c->file, ks->n_unmatched,
			iag_plural(ks->n_unmatched, "rule matches", "rules match"),
			ks->n_allow_nothing,
			iag_plural(ks->n_allow_nothing, "rule allows", "rules allow"));
}

static int check_own_opt(int opt, const char *arg, void *ctx)
{
	struct check_run *c = ctx;

	if (opt != 's')
		return 1;
	c->strict = true;
	return 0;
}

/* The policy, parsed and resolved; -1, or the exit code to return. */
static int check_load(struct check_run *c)
{
	struct iag_diag d;
	int err = iag_policy_load(c->file, &c->pol, &d);

	if (err) {
		if (c->cli.json)
			iag_json_print(json_pack("{s:o, s:b, s:o}", "file",
					    iag_json_str(c->file), "valid", 0,
					    "errors", diag_json(&d)));
		else
			iag_diag_print(&d, stderr);
		return IAG_EXIT_USAGE;
	}
	err = iag_resolve_ex(c->pol, c->cli.sysfs_root, IAG_RESOLVE_QUIET, &c->ks);
	if (err) {
		iag_err("policy check: resolving %s against %s: %s", c->file,
			c->cli.sysfs_root, strerror(-err));
		return err == -ENOMEM ? IAG_EXIT_INTERNAL : IAG_EXIT_USAGE;
	}
	return -1;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_JSON, IAG_CLI_OPT_SYSFS_ROOT, IAG_CLI_OPT_HELP,
		{ "strict", no_argument, NULL, 's' },
		{ 0 }
	};
	struct check_run c = { .rc = IAG_EXIT_OK };
	int rc;

	iag_cli_init(&c.cli, "policy check", iag_policy_usage, 0);
	rc = iag_cli_parse(&c.cli, argc, argv, "jsr:h", opts, check_own_opt, &c);
	if (rc >= 0)
		return rc;
	if (optind != argc - 1) {
		iag_err("policy check: give one FILE");
		return IAG_EXIT_USAGE;
	}
	c.file = argv[optind];
	rc = check_load(&c);
	if (rc < 0) {
		if (c.strict && (c.ks.n_unmatched || c.ks.n_allow_nothing))
			c.rc = IAG_EXIT_USAGE;
		if (c.cli.json)
			check_json(&c);
		else
			check_text(&c);
		rc = c.rc;
	}
	iag_keyset_free(&c.ks);
	iag_policy_free(c.pol);
	return rc;
}

int do_policy(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		iag_policy_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? IAG_EXIT_USAGE : IAG_EXIT_OK;
	}
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "load"))
		return iag_policy_cmd_load(argc - 1, argv + 1);
	if (!strcmp(argv[1], "unload"))
		return iag_policy_cmd_unload(argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return iag_policy_cmd_show(argc - 1, argv + 1);
	if (!strcmp(argv[1], "refresh"))
		return iag_policy_cmd_refresh(argc - 1, argv + 1);
	iag_err("policy: unknown subcommand '%s' (check, load, refresh, unload, show)",
		argv[1]);
	return IAG_EXIT_USAGE;
}
