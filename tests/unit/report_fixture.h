/* SPDX-License-Identifier: GPL-2.0-only */
/* A console log in a string, read into a report: for the report tests. */
#ifndef IAG_REPORT_FIXTURE_H
#define IAG_REPORT_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "report.h"

/* Needs <cmocka.h> included first, as every unit test does. */
static inline void read_console(struct iag_report *rep, const char *log)
{
	FILE *f = fmemopen((void *)log, strlen(log), "r");

	assert_non_null(f);
	iag_report_init(rep, "console.log");
	assert_int_equal(iag_report_read_console(rep, f), 0);
	fclose(f);
}

#endif
