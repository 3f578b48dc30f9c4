/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Offline reports: records from JSON Lines or from a kernel console log
 * (the i2c_atomic tracepoints printed with tp_printk, or the atomic_log
 * switch's "i2c-atomic: event=..." lines), verdicts from a policy, and the
 * writers (text, json, ktap, junit, dot).
 */
#ifndef IAG_REPORT_H
#define IAG_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "record.h"

struct iag_policy;
struct iag_keyset;
struct iag_devmodel;

enum iag_report_format {
	IAG_FMT_TEXT = 0,
	IAG_FMT_JSON,
	IAG_FMT_KTAP,
	IAG_FMT_JUNIT,
	IAG_FMT_DOT,
};

struct iag_report_issue {
	unsigned long line;
	char *msg;
};

struct iag_report {
	const char *source;		/* file name, for messages */
	struct iag_record *rec;
	size_t n, cap;
	struct iag_report_issue *bad;	/* lines that could not be read */
	size_t n_bad;
	unsigned long lines;		/* input lines read */
	unsigned long events;		/* console events parsed */
	unsigned long nested;		/* inner levels folded into a record */
	unsigned long truncated;	/* console events missing fields */
	unsigned long unterminated;	/* transfers with no result at EOF */
	unsigned long orphan_results;	/* results with nothing pending */
	bool have_policy;
	/* the recorder's summary record (JSON Lines), if there was one */
	bool has_summary;
	unsigned long long sum_dropped, sum_violations, sum_denied;
	/* filled by iag_report_decide() */
	unsigned long allowed, violations, denied;
	/* free text for the header, e.g. the ci command's exit status */
	char *note;
};

void iag_report_init(struct iag_report *rep, const char *source);
void iag_report_free(struct iag_report *rep);
/* Takes ownership of *r (leaves it re-initialized). */
int iag_report_add(struct iag_report *rep, struct iag_record *r);
void iag_report_bad(struct iag_report *rep, unsigned long line,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* JSON Lines: a bad line is kept in rep->bad, the rest still read. */
int iag_report_read_jsonl(struct iag_report *rep, FILE *f);
/* A console log; lines that are not ours are skipped. */
int iag_report_read_console(struct iag_report *rep, FILE *f);
/* One console line (for fuzzing); @lineno for messages. */
struct iag_console;
struct iag_console *iag_console_new(struct iag_report *rep);
void iag_console_line(struct iag_console *c, const char *line, size_t len,
		      unsigned long lineno);
void iag_console_finish(struct iag_console *c);	/* flushes and frees */

/*
 * Verdicts. With @pol: from @ks (keys resolved against a sysfs; may be
 * NULL or empty) and, where that finds nothing, from the rules matched
 * against the device named in the record (the sysfs may be gone).
 * Without: recorded verdicts stay, the rest are violations. Device, driver
 * and sysfs come from @m where missing (may be NULL).
 */
void iag_report_decide(struct iag_report *rep, const struct iag_policy *pol,
		       const struct iag_keyset *ks, struct iag_devmodel *m);
/* Which rule allows @r by its names alone; -1 if none. */
long iag_policy_match_record(const struct iag_policy *pol,
			     const struct iag_record *r);

int iag_report_format_parse(const char *s);	/* -1 if unknown */
int iag_report_write(const struct iag_report *rep, enum iag_report_format fmt,
		     struct iag_devmodel *m, FILE *out);

/* Escapers (malloc'd): each output format's own rules. */
char *iag_esc_text(const char *s);	/* C-like, quoted if it has spaces */
char *iag_esc_line(const char *s);	/* the same, never quoted: prose */
char *iag_esc_ktap(const char *s);	/* one line, no '#' */
char *iag_esc_xml(const char *s);	/* XML 1.0 text and attributes */
char *iag_esc_dot(const char *s);	/* inside a DOT "string" */

#endif
