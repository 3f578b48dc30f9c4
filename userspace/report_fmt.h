/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Report writers, inside: the pieces every format shares (report_fmt.c)
 * and one writer per format (report_text.c, report_json.c, report_ktap.c,
 * report_junit.c, report_dot.c).
 */
#ifndef IAG_REPORT_FMT_H
#define IAG_REPORT_FMT_H

#include <stdio.h>

#include "report.h"

/* Records grouped by device, in order of first appearance. */
struct rf_group {
	char *name;		/* unescaped */
	const struct iag_record *first;
	size_t *idx;
	size_t n;
	unsigned long allowed, violations, denied;
};

const char *rf_nz(const char *s, const char *dflt);
void rf_fmt_ts(const struct iag_record *r, char *buf, size_t len);
void rf_fmt_path(const struct iag_record *r, char *buf, size_t len);
void rf_fmt_addr(const struct iag_record *r, char *buf, size_t len);
void rf_fmt_ret(const struct iag_record *r, char *buf, size_t len);
/* One record as a line of prose (malloc'd, unescaped). */
char *rf_describe(const struct iag_record *r);
/* "1-0050", or "i2c-3" for a record with no address (malloc'd). */
char *rf_group_name(const struct iag_record *r);
struct rf_group *rf_make_groups(const struct iag_report *rep, size_t *ng);
void rf_free_groups(struct rf_group *g, size_t n);
/* Each record of @g as prose, escaped by @escape, between @prefix and @suffix. */
void rf_write_records(FILE *out, const struct iag_report *rep,
		      const struct rf_group *g, char *(*escape)(const char *),
		      const char *prefix, const char *suffix);
void rf_summary_line(const struct iag_report *rep, char *buf, size_t len);

int rf_write_text(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out);
int rf_write_json(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out);
int rf_write_ktap(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out);
int rf_write_junit(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out);
int rf_write_dot(const struct iag_report *rep, struct iag_devmodel *m,
		 FILE *out);

#endif
