/* SPDX-License-Identifier: GPL-2.0-only */
/* Exit codes, error reporting and small helpers shared by every command. */
#ifndef IAG_UTIL_H
#define IAG_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes: the contract of DESIGN.md. */
enum iag_exit {
	IAG_EXIT_OK = 0,
	IAG_EXIT_VIOLATION = 1,	/* violations found (ci, report, audit --fail-on-violation) */
	IAG_EXIT_USAGE = 2,	/* bad usage or bad input (policy, log) */
	IAG_EXIT_UNSUPPORTED = 3, /* the kernel lacks what was asked for */
	IAG_EXIT_INTERNAL = 4,	/* internal or BPF error */
	IAG_EXIT_NOTHING = 5,	/* report: not one atomic-mode event captured */
	IAG_EXIT_BUS_STUCK = 6,	/* report: a bus stuck in atomic mode, not recovered */
};

extern const char *iag_prog;	/* argv[0] basename, for messages */
extern bool iag_json;		/* --json: errors go out as JSON too */
extern int iag_verbose;

/* All errors go through here: "i2c-atomic-guard: error: ..." on stderr. */
void iag_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void iag_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* -v, or IAG_STOP_TIMES set: say what a stop spent its time on. */
bool iag_stop_times(void);
void iag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "record" or "records" for @n: messages say "1 record", "2 records". */
static inline const char *iag_plural(unsigned long long n, const char *one,
				     const char *many)
{
	return n == 1 ? one : many;
}

#define IAG_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Name tables from the X-macro lists (IAG_KINDS() and the like): each
 * X(VALUE, "name") becomes [VALUE] = "name", so a value without a name in
 * the list (IAG_KIND_NONE) is a NULL hole.
 */
#define IAG_NAME(val, name)	[val] = name,

/* @tab[@i] of the @n names in @tab; NULL when out of range or a hole. */
const char *iag_name_of(const char *const *tab, size_t n, long i);
/* The index of @name in @tab, -1 if it has none (or @name is NULL). */
int iag_name_index(const char *const *tab, size_t n, const char *name);

#define IAG_NAME_OF(tab, i)	iag_name_of(tab, IAG_ARRAY_SIZE(tab), i)
#define IAG_NAME_INDEX(tab, s)	iag_name_index(tab, IAG_ARRAY_SIZE(tab), s)

/* Bytes in the valid UTF-8 sequence at @s (at most @n), 0 if invalid. */
size_t iag_utf8_seq(const unsigned char *s, size_t n);

/* vasprintf() as a value: the malloc'd string, NULL on ENOMEM. */
char *iag_vstrdupf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/*
 * Room for element @n in the array at *@arrp (a T ** passed as void *) of
 * *@cap elements of @elem bytes: doubles it (from @first). 0 or -ENOMEM.
 */
int iag_grow(void *arrp, size_t *cap, size_t n, size_t elem, size_t first);

/* Parse "12", "12s", "1m": seconds; -1 on error. */
long iag_parse_duration(const char *s);

#endif
