/* SPDX-License-Identifier: GPL-2.0-only */
/* A console log or records in a string, read by report: for the report tests. */
#ifndef IAG_REPORT_FIXTURE_H
#define IAG_REPORT_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
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

/*
 * `report --no-sysfs -o /dev/null [--console] FILE` on @text written to a
 * temporary FILE: the exit status.
 */
static inline int report_on_text(const char *text, bool console)
{
	char in[] = "/tmp/iag-report-XXXXXX";
	int fd = mkstemp(in), rc;
	char *argv[] = { "report", "--no-sysfs", "-o", "/dev/null",
			 console ? "--console" : in, in, NULL };

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = do_report(console ? 6 : 5, argv);
	unlink(in);
	return rc;
}

#endif
