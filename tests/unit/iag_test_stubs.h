/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Weak stand-ins for symbols the unit tests do not exercise but the
 * userspace objects reference (util.c, main.c, session.c). When the real
 * object is linked in, its strong definition wins. Include from exactly one
 * translation unit per test binary (each test is one file).
 */
#ifndef IAG_TEST_STUBS_H
#define IAG_TEST_STUBS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "util.h"
#include "session.h"

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

IAG_WEAK struct iag_session *iag_session_open(const struct iag_session_opts *o,
					      int *exit_code)
{
	(void)o;
	*exit_code = IAG_EXIT_UNSUPPORTED;
	return NULL;
}

IAG_WEAK int iag_session_set_keys(struct iag_session *s,
				  const struct iag_keyset *ks)
{
	return -1;
}

IAG_WEAK int iag_session_poll(struct iag_session *s, int timeout_ms,
			      iag_event_fn fn, void *ctx)
{
	return -1;
}

IAG_WEAK int iag_session_counters(struct iag_session *s, struct iag_counters *c)
{
	return -1;
}

IAG_WEAK enum iag_mode iag_session_mode(const struct iag_session *s)
{
	return IAG_MODE_AUTO;
}

IAG_WEAK int iag_session_pin(struct iag_session *s)
{
	return -1;
}

IAG_WEAK void iag_session_close(struct iag_session *s)
{
}

IAG_WEAK const char *iag_mode_name(enum iag_mode m)
{
	return "auto";
}

#endif
