// SPDX-License-Identifier: GPL-2.0-only
/*
 * A report's records: the list, the lines that could not be read, and the
 * capped line reader both inputs use (memory bounded whatever the input).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

void iag_report_init(struct iag_report *rep, const char *source)
{
	memset(rep, 0, sizeof(*rep));
	rep->source = source ? source : "<input>";
}

void iag_report_free(struct iag_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		iag_record_free(&rep->rec[i]);
	free(rep->rec);
	for (size_t i = 0; i < rep->n_bad; i++)
		free(rep->bad[i].msg);
	free(rep->bad);
	free(rep->note);
	free(rep->bus);
	memset(rep, 0, sizeof(*rep));
}

int iag_report_add(struct iag_report *rep, struct iag_record *r)
{
	if (iag_kind_is_bus(r->kind)) {
		int err = iag_report_bus_record(rep, r);

		iag_record_free(r);
		return err;
	}
	if (iag_grow(&rep->rec, &rep->cap, rep->n, sizeof(*rep->rec), 64))
		return -ENOMEM;
	rep->rec[rep->n++] = *r;
	iag_record_init(r);
	return 0;
}

void iag_report_bad(struct iag_report *rep, unsigned long line,
		    const char *fmt, ...)
{
	struct iag_report_issue *nb;
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = iag_vstrdupf(fmt, ap);
	va_end(ap);
	if (!m)
		return;
	if (!(rep->n_bad & (rep->n_bad - 1))) {	/* 0, 1, 2, 4, ...: grow */
		nb = realloc(rep->bad, (rep->n_bad ? rep->n_bad * 2 : 1) * sizeof(*nb));
		if (!nb) {
			free(m);
			return;
		}
		rep->bad = nb;
	}
	nb = rep->bad;
	nb[rep->n_bad].line = line;
	nb[rep->n_bad].msg = m;
	rep->n_bad++;
}

ssize_t iag_report_getline(FILE *f, char *buf, size_t size, bool *cut)
{
	size_t n = 0;
	int ch;

	*cut = false;
	while ((ch = getc_unlocked(f)) != EOF && ch != '\n') {
		if (n + 1 < size)
			buf[n++] = (char)ch;
		else
			*cut = true;	/* the rest of a long line is skipped */
	}
	if (ch == EOF && !n && !*cut)
		return -1;
	while (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (ssize_t)n;
}

bool iag_report_nothing_captured(const struct iag_report *rep)
{
	return !rep->n && !rep->n_bad && !rep->sum_seen && !rep->sum_dropped &&
	       !rep->n_bus;
}
