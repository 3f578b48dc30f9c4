/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The YAML policy: which devices may make I2C transfers in atomic mode.
 *
 *   mode: audit | enforce
 *   allow:
 *     - device: /sys/devices/platform/gpio-restart
 *       reason: free text
 *     - i2c: 0-0058
 *     - driver: da9063
 *     - compatible: dlg,da9063
 *     - adapter: i2c-3
 *
 * Parsing is all-or-nothing: one error and no policy comes out. Every error
 * names file:line:column (1-based, as editors count).
 */
#ifndef IAG_POLICY_H
#define IAG_POLICY_H

#include <stdbool.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "../include/i2c_atomic_guard.h"	/* IAG_ENUM */

#define IAG_POLICY_MAX_SIZE	(1024 * 1024)	/* bytes */
#define IAG_POLICY_MAX_RULES	4096
#define IAG_DIAG_MAX		32		/* errors kept per parse */

enum iag_policy_mode {
	IAG_POLICY_AUDIT = 0,
	IAG_POLICY_ENFORCE,
};

/* A rule's selector and its YAML key (an X-macro list: IAG_ENUM, IAG_NAME). */
#define IAG_SELECTORS(X)						\
	/* sysfs path of any struct device */				\
	X(IAG_SEL_DEVICE,		"device")			\
	/* I2C client name, "0-0058" */					\
	X(IAG_SEL_I2C,			"i2c")				\
	/* every device bound to this driver */				\
	X(IAG_SEL_DRIVER,		"driver")			\
	/* devicetree compatible string */				\
	X(IAG_SEL_COMPATIBLE,		"compatible")			\
	/* every address on "i2c-N" (broad) */				\
	X(IAG_SEL_ADAPTER,		"adapter")

enum iag_selector {
	IAG_SELECTORS(IAG_ENUM)
	IAG_SEL_MAX,
};

struct iag_rule {
	unsigned int id;	/* index in policy->rules */
	enum iag_selector sel;
	char *value;		/* normalized selector value */
	char *reason;		/* or NULL */
	unsigned int line, col;	/* of the rule (its first key), 1-based */
	/* Decoded selector values. */
	int adapter;		/* IAG_SEL_ADAPTER: N; IAG_SEL_I2C: bus */
	unsigned int addr;	/* IAG_SEL_I2C: 7-bit or 10-bit address */
};

struct iag_policy {
	char *path;		/* as given, for messages; "<buffer>" if none */
	enum iag_policy_mode mode;
	struct iag_rule *rules;
	size_t n_rules;
	/* The file as opened (fstat of the descriptor that was read). */
	bool has_stat;
	uid_t uid;
	gid_t gid;
	mode_t st_mode;
	/* Why its ACL or its directories let others write it; "" if fine. */
	char insecure[PATH_MAX + 96];
};

struct iag_diag_entry {
	unsigned int line, col;	/* 0 when the error is about the whole file */
	char msg[240];
};

/* Errors of one parse; text() renders them "file:line:col: error: msg". */
struct iag_diag {
	char file[256];
	size_t n;			/* errors kept */
	size_t total;			/* errors found (may exceed IAG_DIAG_MAX) */
	struct iag_diag_entry e[IAG_DIAG_MAX];
};

/*
 * Open @path (regular files only, O_NONBLOCK so a FIFO cannot block us),
 * refuse more than IAG_POLICY_MAX_SIZE bytes, parse. Returns 0 and sets
 * *out, or -EINVAL (bad policy: see @diag), or -errno (I/O; also in @diag).
 */
int iag_policy_load(const char *path, struct iag_policy **out,
		    struct iag_diag *diag);
/* Parse a buffer; @name is used in messages (NULL: "<buffer>"); @diag is
 * (re)initialized. */
int iag_policy_parse_buf(const char *buf, size_t len, const char *name,
			 struct iag_policy **out, struct iag_diag *diag);
void iag_policy_free(struct iag_policy *pol);

void iag_diag_init(struct iag_diag *d, const char *file);
void iag_diag_add(struct iag_diag *d, unsigned int line, unsigned int col,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Write every error, one per line, to @f. */
void iag_diag_print(const struct iag_diag *d, FILE *f);
/* "file:line:col: msg" of error @i into @buf. */
const char *iag_diag_text(const struct iag_diag *d, size_t i, char *buf,
			  size_t len);

const char *iag_selector_name(enum iag_selector s);	/* "?" if none */
/* The selector whose YAML key is @key, -1 if none. */
int iag_selector_from_name(const char *key);
const char *iag_policy_mode_name(enum iag_policy_mode m);

/* Parse "0-0058" (lowercase or uppercase hex, 4 digits). 0 or -EINVAL. */
int iag_parse_i2c_name(const char *s, int *bus, unsigned int *addr);

/*
 * Why the policy file may not be trusted by `policy load` (like sudo for
 * sudoers): owned by non-root, or writable by group/other. NULL if fine.
 */
const char *iag_policy_insecure_reason(const struct iag_policy *pol);
/*
 * At load: the ACL of the file open as @fd, and every directory above
 * @path (as given and as resolved); fills pol->insecure (policy_trust.c).
 */
void iag_policy_trust_scan(struct iag_policy *pol, int fd, const char *path);
/*
 * policy_trust.c: for commands that change what the kernel allows. Refuses
 * an insecure policy (IAG_EXIT_USAGE, reported) unless @insecure, in which
 * case it warns loudly. IAG_EXIT_OK when the policy may be used.
 */
int iag_policy_require_trusted(const struct iag_policy *pol, bool insecure);

#endif
