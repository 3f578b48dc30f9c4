/* SPDX-License-Identifier: GPL-2.0-only */
/* Exit codes, error reporting and small helpers shared by every command. */
#ifndef IAG_UTIL_H
#define IAG_UTIL_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes: the contract of DESIGN.md. */
enum iag_exit {
	IAG_EXIT_OK = 0,
	IAG_EXIT_VIOLATION = 1,	/* violations found (ci, report, audit --fail-on-violation) */
	IAG_EXIT_USAGE = 2,	/* bad usage or bad input (policy, log) */
	IAG_EXIT_UNSUPPORTED = 3, /* the kernel lacks what was asked for */
	IAG_EXIT_INTERNAL = 4,	/* internal or BPF error */
	IAG_EXIT_NOTHING = 5,	/* report: not one atomic-mode event captured */
};

extern const char *iag_prog;	/* argv[0] basename, for messages */
extern bool iag_json;		/* --json: errors go out as JSON too */
extern int iag_verbose;

/* All errors go through here: "i2c-atomic-guard: error: ..." on stderr. */
void iag_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void iag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void iag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "record" or "records" for @n: messages say "1 record", "2 records". */
static inline const char *iag_plural(unsigned long long n, const char *one,
				     const char *many)
{
	return n == 1 ? one : many;
}

/* Parse "12", "12s", "1m": seconds; -1 on error. */
long iag_parse_duration(const char *s);

#endif
