/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Weak stand-ins for what main.c and util.c define (the unit tests link
 * every userspace object but main.o). When the real object is linked in,
 * its strong definition wins. Include from exactly one
 * translation unit per test binary (each test is one file).
 */
#ifndef IAG_TEST_STUBS_H
#define IAG_TEST_STUBS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "util.h"

#define IAG_WEAK __attribute__((weak))

IAG_WEAK const char *iag_prog = "i2c-atomic-guard";
IAG_WEAK bool iag_json;
IAG_WEAK int iag_verbose;

IAG_WEAK void iag_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "error: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

IAG_WEAK void iag_warn(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("IAG_TEST_VERBOSE"))
		return;
	va_start(ap, fmt);
	fprintf(stderr, "warning: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

IAG_WEAK void iag_info(const char *fmt, ...)
{
	(void)fmt;
}

IAG_WEAK long iag_parse_duration(const char *s)
{
	return atol(s);
}

#endif
