// SPDX-License-Identifier: GPL-2.0-only
/*
 * The static binary's stand-in for libsystemd's sd_journal_sendv(): Debian
 * ships no static libsystemd, and the busybox VM has no journald anyway.
 * Linked only into build/i2c-atomic-guard.static (see the Makefile's
 * packaging block); `audit --journal` there fails with "no journald support
 * in this build" instead of sending nothing.
 */
#include <errno.h>
#include <sys/uio.h>

int sd_journal_sendv(const struct iovec *iov, int n);

int sd_journal_sendv(const struct iovec *iov, int n)
{
	(void)iov;
	(void)n;
	return -ENOSYS;
}

/* What iag_journal_probe() asks first in this build. */
int iag_journal_static_build = 1;
