// SPDX-License-Identifier: GPL-2.0-only
/*
 * From a policy file to the keys a session loads: parse it, resolve it
 * against the live sysfs (again on hot-plug), and the checks a command makes
 * before it enforces one. The commands (audit, enforce, ci, policy load)
 * share these steps; the BPF session itself only takes the keys.
 */
#include <stdio.h>
#include <string.h>

#include "policy.h"
#include "resolve.h"
#include "session_keys.h"
#include "util.h"

int iag_load_policy_keys(const char *path, struct iag_policy **pol,
			 struct iag_keyset *ks)
{
	struct iag_diag diag;
	int err;

	*pol = NULL;
	memset(ks, 0, sizeof(*ks));
	iag_diag_init(&diag, path);
	err = iag_policy_load(path, pol, &diag);
	if (err) {
		if (diag.n)
			iag_diag_print(&diag, stderr);
		else
			iag_err("%s: %s", path, strerror(-err));
		*pol = NULL;
		return IAG_EXIT_USAGE;
	}
	err = iag_resolve(*pol, "/sys", ks);
	if (err) {
		iag_err("%s: resolving against /sys: %s", path, strerror(-err));
		return IAG_EXIT_USAGE;
	}
	if (iag_verbose) {
		size_t i;

		for (i = 0; i < ks->n; i++)
			fprintf(stderr, "%s: key adapter %d addr 0x%x rule %u%s%s\n",
				iag_prog, ks->keys[i].adapter, ks->keys[i].addr,
				ks->keys[i].rule_id, ks->keys[i].why ? ": " : "",
				ks->keys[i].why ? ks->keys[i].why : "");
	}
	return IAG_EXIT_OK;
}

void iag_policy_keys_free(struct iag_policy *pol, struct iag_keyset *ks)
{
	if (ks && ks->keys)
		iag_keyset_free(ks);
	iag_policy_free(pol);
}

int iag_policy_reresolve(const struct iag_policy *pol, struct iag_keyset *ks)
{
	struct iag_keyset fresh = { 0 };
	int err;

	err = iag_resolve(pol, "/sys", &fresh);
	if (err) {
		if (fresh.keys)
			iag_keyset_free(&fresh);
		return err;
	}
	if (ks->keys)
		iag_keyset_free(ks);
	*ks = fresh;
	return 0;
}

int iag_policy_require_enforce_mode(const struct iag_policy *pol, bool override,
				    const char *cmd)
{
	if (!pol || pol->mode == IAG_POLICY_ENFORCE)
		return IAG_EXIT_OK;
	if (override) {
		iag_warn("%s: %s says 'mode: %s'; enforcing it anyway (--override-mode)", cmd,
			 pol->path, iag_policy_mode_name(pol->mode));
		return IAG_EXIT_OK;
	}
	iag_err("%s: %s says 'mode: %s': it asks to be audited, not enforced (change it to 'mode: enforce', or pass --override-mode)",
		cmd, pol->path, iag_policy_mode_name(pol->mode));
	return IAG_EXIT_USAGE;
}
