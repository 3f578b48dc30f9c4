// SPDX-License-Identifier: GPL-2.0-only
/*
 * Report input from JSON Lines (what `audit --json` records) and from a JSON
 * report written earlier by `report --format json`. A bad line is kept in
 * rep->bad and the rest is still read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define JSON_DOC_MAX	(256UL << 20)	/* a JSON report read back, at most */
#define JSON_DOC_CHUNK	65536

/* The whole rest of @f after the "{" line, with a cap: ENOMEM or EFBIG. */
static int slurp(FILE *f, char **out, size_t *out_len)
{
	size_t len = 2, cap = JSON_DOC_CHUNK;
	char *all = malloc(cap);

	if (!all)
		return -ENOMEM;
	memcpy(all, "{\n", 2);
	for (;;) {
		size_t got;

		if (cap - len < JSON_DOC_CHUNK / 16) {
			char *na;

			if (cap >= JSON_DOC_MAX) {
				free(all);
				return -EFBIG;
			}
			na = realloc(all, cap * 2);
			if (!na) {
				free(all);
				return -ENOMEM;
			}
			all = na;
			cap *= 2;
		}
		got = fread(all + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	*out = all;
	*out_len = len;
	return 0;
}

static int add_report_records(struct iag_report *rep, json_t *recs)
{
	json_t *e;
	size_t i;
	char err[200];

	json_array_foreach(recs, i, e) {
		struct iag_record r;
		const json_t *ln = json_object_get(e, "line");

		if (iag_record_from_json(&r, e, err, sizeof(err))) {
			iag_report_bad(rep, 1, "record %zu: %s", i, err);
			continue;
		}
		r.line = json_is_integer(ln) && json_integer_value(ln) > 0 ?
			 (unsigned long)json_integer_value(ln) : 0;
		if (iag_report_add(rep, &r)) {
			iag_record_free(&r);
			return -ENOMEM;
		}
	}
	return 0;
}

/* A report written by `report --format json`: {"records": [...], ...}. */
static int read_report_json(struct iag_report *rep, FILE *f)
{
	json_error_t je;
	json_t *o, *recs;
	char *all;
	size_t len;
	int err = slurp(f, &all, &len);

	if (err)
		return err;
	/* line numbers of this document: rep->lines counts them all */
	for (size_t k = 2; k < len; k++)
		if (all[k] == '\n' || k + 1 == len)
			rep->lines++;
	o = json_loadb(all, len, JSON_REJECT_DUPLICATES, &je);
	free(all);
	if (!o) {
		iag_report_bad(rep, je.line > 0 && (unsigned long)je.line <= rep->lines ?
			       (unsigned long)je.line : rep->lines,
			       "not JSON: %s (column %d)", je.text, je.column);
		return 0;
	}
	recs = json_object_get(o, "records");
	if (!json_is_array(recs))
		iag_report_bad(rep, 1, "a JSON object without a \"records\" list");
	else
		err = add_report_records(rep, recs);
	json_decref(o);
	return err;
}

static unsigned long long counter(const json_t *o, const char *name)
{
	const json_t *v = json_object_get(o, name);

	return json_is_integer(v) && json_integer_value(v) > 0 ?
	       (unsigned long long)json_integer_value(v) : 0;
}

/* The recorder's summary: keep what says records were lost, or seen. */
static void take_summary(struct iag_report *rep, const json_t *o)
{
	rep->has_summary = true;
	rep->sum_seen += counter(o, "seen");
	rep->sum_dropped += counter(o, "dropped");
	rep->sum_violations += counter(o, "violations");
	rep->sum_denied += counter(o, "denied");
}

/* One line: 0, or -ENOMEM. */
static int jsonl_line(struct iag_report *rep, const char *p, size_t n,
		      unsigned long line)
{
	json_error_t je;
	json_t *o;
	struct iag_record r;
	char err[200];
	int rc;

	if (memchr(p, '\0', n)) {
		iag_report_bad(rep, line, "NUL byte in a JSON line");
		return 0;
	}
	o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		iag_report_bad(rep, line, "not JSON: %s (column %d)", je.text,
			       je.column);
		return 0;
	}
	rc = iag_record_from_json(&r, o, err, sizeof(err));
	if (rc == 1)
		take_summary(rep, o);
	json_decref(o);
	if (rc == 1)
		return 0;
	if (rc) {
		iag_report_bad(rep, line, "%s", err);
		return 0;
	}
	r.line = line;
	if (iag_report_add(rep, &r)) {
		iag_record_free(&r);
		return -ENOMEM;
	}
	return 0;
}

int iag_report_read_jsonl(struct iag_report *rep, FILE *f)
{
	char *buf = malloc(IAG_REPORT_MAX_LINE + 1);
	ssize_t n;
	unsigned long line = 0;
	int err = 0;
	bool cut;

	if (!buf)
		return -ENOMEM;
	while (!err &&
	       (n = iag_report_getline(f, buf, IAG_REPORT_MAX_LINE + 1, &cut)) >= 0) {
		size_t skip = strspn(buf, " \t");

		line++;
		rep->lines++;
		if (line == 1 && !strcmp(buf + skip, "{")) {
			/* our own JSON report ("{" alone on line 1) reads back too */
			free(buf);
			return read_report_json(rep, f);
		}
		if (cut)
			iag_report_bad(rep, line, "a line longer than %d bytes",
				       IAG_REPORT_MAX_LINE);
		else if (buf[skip])
			err = jsonl_line(rep, buf + skip, (size_t)n - skip, line);
	}
	free(buf);
	if (err)
		return err;
	return ferror(f) ? -EIO : 0;
}
