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

/* Input lines longer than this are cut (console) or refused (JSON Lines). */
#define IAG_REPORT_MAX_LINE	65536

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

/*
 * A bus found stuck before an atomic-mode transfer (i2c_atomic_bus_stuck),
 * and its recovery if the kernel tried one (i2c_atomic_bus_recovery).
 */
struct iag_bus_case {
	int adapter, addr;
	int scl, sda;		/* before: 0, 1, -1 unknown */
	char how[24];		/* "tried", or why not ("gpio_cansleep", ...) */
	int state;		/* enum iag_system_state, -1 unknown */
	bool has_recovery;
	int ret, pulses;	/* pulses: -1 unknown */
	int scl_after, sda_after;
	unsigned long line;
	int fmt;		/* enum cev_format of the bus_stuck line */
	bool twinned;		/* its line in the other form was seen */
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
	struct iag_bus_case *bus;	/* stuck buses, in log order */
	size_t n_bus, bus_cap;
	bool have_policy;
	/* the recorder's summary record (JSON Lines), if there was one */
	bool has_summary;
	unsigned long long sum_seen, sum_dropped, sum_violations, sum_denied;
	/* filled by iag_report_decide() */
	unsigned long allowed, violations, denied;
	/* free text for the header, e.g. the ci command's exit status */
	char *note;
};

void iag_report_init(struct iag_report *rep, const char *source);
void iag_report_free(struct iag_report *rep);
/*
 * Takes ownership of *r (leaves it re-initialized). A bus record becomes a
 * case of rep->bus, not a record.
 */
int iag_report_add(struct iag_report *rep, struct iag_record *r);
void iag_report_bad(struct iag_report *rep, unsigned long line,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * One line of @f into @buf (@size bytes, NUL-terminated, no "\r\n"), with
 * the rest of a longer line skipped (*cut set): memory stays bounded
 * whatever the input. Length, or -1 at the end (or an error: ferror()).
 */
ssize_t iag_report_getline(FILE *f, char *buf, size_t size, bool *cut);

/* JSON Lines: a bad line is kept in rep->bad, the rest still read. */
int iag_report_read_jsonl(struct iag_report *rep, FILE *f);
/*
 * A console log; lines that are not ours are skipped. The mux chains come
 * from the log's own i2c-mux lines and, with @m, from that sysfs too.
 * 0, -ENOMEM or -EIO.
 */
int iag_report_read_console(struct iag_report *rep, FILE *f);
/*
 * A bus_stuck or bus_recovery event on this console line goes to rep->bus
 * (report_bus.c). 0 or -ENOMEM.
 */
int iag_report_bus_line(struct iag_report *rep, const char *s, size_t len,
			unsigned long line);
/* The same from an audit's bus_stuck or bus_recovery record. 0 or -ENOMEM. */
int iag_report_bus_record(struct iag_report *rep, const struct iag_record *r);
/* Not recovered: no recovery tried, or it failed. */
bool iag_bus_case_stuck(const struct iag_bus_case *bc);
/* How many cases of rep->bus are still stuck. */
size_t iag_report_bus_stuck(const struct iag_report *rep);
/* A case for the JSON report (new reference, NULL on ENOMEM), and as text. */
json_t *iag_bus_case_to_json(const struct iag_bus_case *bc);
void iag_bus_case_text(const struct iag_bus_case *bc, FILE *out);
int iag_report_read_console_ex(struct iag_report *rep, FILE *f,
			       struct iag_devmodel *m);
/* One console line (for fuzzing); @lineno for messages. */
struct iag_console;
struct iag_console *iag_console_new(struct iag_report *rep);
/* Adapter @parent is the mux parent of channel adapter @child. */
void iag_console_add_parent(struct iag_console *c, int child, int parent);
void iag_console_line(struct iag_console *c, const char *line, size_t len,
		      unsigned long lineno);
int iag_console_finish(struct iag_console *c);	/* flushes, frees; 0/-ENOMEM */

/*
 * Nothing captured: not one atomic-mode event in the input (and no
 * recorder summary that saw any), so "no violation" would mean nothing.
 */
bool iag_report_nothing_captured(const struct iag_report *rep);

/*
 * Verdicts. With @pol: from the record's adapter and address (10-bit or
 * not) against @ks (keys resolved against a sysfs; may be NULL or empty)
 * and the rules that need no sysfs (`i2c:`, `adapter:`); never from the
 * names the record declares. Without: recorded verdicts stay, the rest are
 * violations. Device, driver and sysfs come from @m where missing (may be
 * NULL), for the reader only.
 */
void iag_report_decide(struct iag_report *rep, const struct iag_policy *pol,
		       const struct iag_keyset *ks, struct iag_devmodel *m);
/* Which `i2c:`/`adapter:` rule allows @r by adapter and address; -1. */
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
