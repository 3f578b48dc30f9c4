/* SPDX-License-Identifier: GPL-2.0-only */
/* Live output for the unit tests: a symbol file of their own, no sysfs. */
#ifndef IAG_LIVE_FIXTURE_H
#define IAG_LIVE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "live.h"

/* A new file from the template @path ("...XXXXXX", renamed in place) holding @text. */
static inline int fx_temp_file(char *path, const char *text)
{
	FILE *f = fdopen(mkstemp(path), "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* JSON output to @out (NULL: stdout), symbols from @ksyms, no sysfs, never reloaded. */
static inline void live_with_ksyms(struct iag_live *l, const char *out, const char *ksyms)
{
	assert_int_equal(iag_live_init(l, out, true, NULL), IAG_EXIT_OK);
	l->ksyms = iag_ksyms_load(ksyms);
	l->ksyms_tried = true;
	l->ksyms_at = 1e12;	/* no reload */
	l->dm_tried = true;	/* no sysfs here */
}

#endif
