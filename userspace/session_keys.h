/* SPDX-License-Identifier: GPL-2.0-only */
/* From a policy file to the allowlist keys of a session (session_keys.c). */
#ifndef IAG_SESSION_KEYS_H
#define IAG_SESSION_KEYS_H

#include <stdbool.h>

struct iag_keyset;		/* resolve.h */
struct iag_policy;		/* policy.h */

/*
 * Load the policy at @path and resolve it against the live sysfs: the keys
 * for iag_session_set_keys(). Returns an enum iag_exit code (errors
 * reported); *pol may be NULL (pass it to iag_policy_free() when done).
 */
int iag_load_policy_keys(const char *path, struct iag_policy **pol,
			 struct iag_keyset *ks);
/* Resolve @pol against /sys again; on success @ks is replaced. 0/-errno. */
int iag_policy_reresolve(const struct iag_policy *pol, struct iag_keyset *ks);
/*
 * `mode:` means what it says: enforcing (enforce, policy load, policy
 * refresh) a policy whose mode is audit is refused (IAG_EXIT_USAGE, said)
 * unless @override (--override-mode), which warns.
 */
int iag_policy_require_enforce_mode(const struct iag_policy *pol, bool override,
				    const char *cmd);
/* Free what iag_load_policy_keys() gave (either may be empty/NULL). */
void iag_policy_keys_free(struct iag_policy *pol, struct iag_keyset *ks);

#endif
