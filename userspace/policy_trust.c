// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may decide what runs in atomic mode: the commands that change what
 * the kernel allows (policy load, enforce) take a policy file only if no
 * one but root could have written it, as sudo does for sudoers.
 */
#include <stdbool.h>

#include "policy.h"
#include "util.h"

int iag_policy_require_trusted(const struct iag_policy *pol, bool insecure)
{
	const char *why = iag_policy_insecure_reason(pol);

	if (!why)
		return IAG_EXIT_OK;
	if (!insecure) {
		iag_err("refusing %s: it %s; whoever can write it decides which devices may run in atomic mode (fix with 'chown root:root' and 'chmod go-w', or pass --insecure-policy)",
			pol->path, why);
		return IAG_EXIT_USAGE;
	}
	iag_warn("INSECURE: using %s although it %s (--insecure-policy)",
		 pol->path, why);
	return IAG_EXIT_OK;
}
