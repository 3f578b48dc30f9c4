// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may decide what runs in atomic mode: the commands that change what
 * the kernel allows (policy load, enforce) take a policy file only if no
 * one but root could have written it, as sudo does for sudoers:
 *  - the file as opened: owned by root, not writable by group (unless the
 *    group is root) or others, no POSIX ACL entry that lets another user
 *    or group write it;
 *  - every directory above it, on the path as given (a symlink there could
 *    be swapped) and on the path it resolves to: owned by root, not
 *    writable by others (a sticky directory, /tmp, is accepted: no one but
 *    root can rename root's entries there), no such ACL entry either.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

/* include/uapi/linux/posix_acl_xattr.h and posix_acl.h */
#define ACL_XATTR		"system.posix_acl_access"
#define ACL_XATTR_VERSION	0x0002
#define ACL_TAG_USER		0x02
#define ACL_TAG_GROUP_OBJ	0x04
#define ACL_TAG_GROUP		0x08
#define ACL_TAG_MASK		0x10
#define ACL_PERM_WRITE		0x02
#define ACL_HEADER_SIZE		4
#define ACL_ENTRY_SIZE		8
#define ACL_MAX_SIZE		4096

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * An ACL entry that lets someone other than root write: its text in @why.
 * Named entries count only through the mask, as the kernel applies them.
 */
static bool acl_lets_others_write(const unsigned char *acl, size_t len,
				  gid_t owner_gid, char *why, size_t why_len)
{
	bool mask_w = true;

	if (len < ACL_HEADER_SIZE || le32(acl) != ACL_XATTR_VERSION)
		return false;
	for (size_t o = ACL_HEADER_SIZE; o + ACL_ENTRY_SIZE <= len; o += ACL_ENTRY_SIZE)
		if (le16(acl + o) == ACL_TAG_MASK)
			mask_w = le16(acl + o + 2) & ACL_PERM_WRITE;
	for (size_t o = ACL_HEADER_SIZE; o + ACL_ENTRY_SIZE <= len; o += ACL_ENTRY_SIZE) {
		uint16_t tag = le16(acl + o), perm = le16(acl + o + 2);
		uint32_t id = le32(acl + o + 4);

		if (!(perm & ACL_PERM_WRITE) || !mask_w)
			continue;
		if (tag == ACL_TAG_USER && id != 0) {
			snprintf(why, why_len, "ACL entry user:%u:w", id);
			return true;
		}
		if ((tag == ACL_TAG_GROUP && id != 0) ||
		    (tag == ACL_TAG_GROUP_OBJ && owner_gid != 0)) {
			snprintf(why, why_len, "ACL entry group:%u:w",
				 tag == ACL_TAG_GROUP ? id : (uint32_t)owner_gid);
			return true;
		}
	}
	return false;
}

/* @fd >= 0: that descriptor's ACL, else @path's. */
static bool acl_problem(int fd, const char *path, gid_t gid, char *why,
			size_t why_len)
{
	unsigned char acl[ACL_MAX_SIZE];
	ssize_t n = fd >= 0 ? fgetxattr(fd, ACL_XATTR, acl, sizeof(acl)) :
			      getxattr(path, ACL_XATTR, acl, sizeof(acl));

	if (n == -1 && errno == ERANGE) {
		snprintf(why, why_len, "an ACL too large to check");
		return true;
	}
	return n > 0 && acl_lets_others_write(acl, (size_t)n, gid, why, why_len);
}

static void say(struct iag_policy *pol, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The first reason found is the one given. */
static void say(struct iag_policy *pol, const char *fmt, ...)
{
	va_list ap;

	if (pol->insecure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(pol->insecure, sizeof(pol->insecure), fmt, ap);
	va_end(ap);
}

static void check_dir(struct iag_policy *pol, const char *dir)
{
	struct stat st;
	char acl[80];

	if (lstat(dir, &st)) {
		say(pol, "has a directory %s that cannot be checked", dir);
		return;
	}
	if (S_ISLNK(st.st_mode))
		return;	/* its target is on the resolved path, checked too */
	if (st.st_uid != 0)
		say(pol, "is in %s, a directory not owned by root", dir);
	else if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		say(pol, "is in %s, a directory writable by other users", dir);
	else if ((st.st_mode & S_IWGRP) && st.st_gid != 0 &&
		 !(st.st_mode & S_ISVTX))
		say(pol, "is in %s, a directory writable by a non-root group",
		    dir);
	else if (acl_problem(-1, dir, st.st_gid, acl, sizeof(acl)))
		say(pol, "is in %s, a directory with an %s", dir, acl);
}

/* Every directory above @path, "/" included. */
static void check_dirs(struct iag_policy *pol, const char *path)
{
	char *p = strdup(path), *slash;

	if (!p) {
		say(pol, "could not be checked (%s)", strerror(ENOMEM));
		return;
	}
	while ((slash = strrchr(p, '/'))) {
		if (slash == p) {
			check_dir(pol, "/");
			break;
		}
		*slash = '\0';
		check_dir(pol, p);
	}
	free(p);
}

void iag_policy_trust_scan(struct iag_policy *pol, int fd, const char *path)
{
	char abs[PATH_MAX], real[PATH_MAX], acl[80];

	pol->insecure[0] = '\0';
	if (acl_problem(fd, NULL, pol->gid, acl, sizeof(acl)))
		say(pol, "has an %s: someone other than root may write it",
		    acl);
	if (path[0] == '/') {
		snprintf(abs, sizeof(abs), "%s", path);
	} else if (!getcwd(real, sizeof(real)) ||
		   snprintf(abs, sizeof(abs), "%s/%s", real, path) >= (int)sizeof(abs)) {
		say(pol, "could not be checked (path too long)");
		return;
	}
	check_dirs(pol, abs);
	if (!realpath(path, real))
		say(pol, "could not be resolved (%s)", strerror(errno));
	else if (strcmp(real, abs))
		check_dirs(pol, real);
}

const char *iag_policy_insecure_reason(const struct iag_policy *pol)
{
	if (!pol->has_stat)
		return "was not read from a file";
	if (pol->uid != 0)
		return "is not owned by root";
	if (pol->st_mode & S_IWOTH)
		return "is writable by other users";
	if ((pol->st_mode & S_IWGRP) && pol->gid != 0)
		return "is writable by a non-root group";
	if (pol->insecure[0])
		return pol->insecure;
	return NULL;
}

int iag_policy_require_trusted(const struct iag_policy *pol, bool insecure)
{
	const char *why = iag_policy_insecure_reason(pol);

	if (!why)
		return IAG_EXIT_OK;
	if (!insecure) {
		iag_err("refusing %s: it %s; whoever can write it decides which devices may run in atomic mode (fix with 'chown root:root' and 'chmod go-w' on it and its directories, drop the ACL with 'setfacl -b', or pass --insecure-policy)",
			pol->path, why);
		return IAG_EXIT_USAGE;
	}
	iag_warn("INSECURE: using %s although it %s (--insecure-policy)",
		 pol->path, why);
	return IAG_EXIT_OK;
}
