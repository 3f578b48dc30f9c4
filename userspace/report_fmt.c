// SPDX-License-Identifier: GPL-2.0-only
/*
 * Report writers: what every format shares (records as text, grouped by
 * device, the summary line) and the one entry point. One file per format.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "report.h"
#include "report_fmt.h"
#include "table.h"
#include "util.h"

/* ---- shared pieces ---------------------------------------------------- */

const char *rf_nz(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

void rf_fmt_ts(const struct iag_record *r, char *buf, size_t len)
{
	if (r->has_ts)
		snprintf(buf, len, "%llu.%06llu",
			 (unsigned long long)(r->ts_ns / 1000000000ULL),
			 (unsigned long long)(r->ts_ns % 1000000000ULL) / 1000);
	else
		snprintf(buf, len, "-");
}

void rf_fmt_path(const struct iag_record *r, char *buf, size_t len)
{
	size_t o = 0;

	if (!r->path_len) {
		snprintf(buf, len, "%d", r->adapter);
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < r->path_len && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%d", i ? ">" : "",
				      r->adapter_path[i]);
}

void rf_fmt_addr(const struct iag_record *r, char *buf, size_t len)
{
	if (r->addr < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "0x%02x", (unsigned int)r->addr);
}

void rf_fmt_ret(const struct iag_record *r, char *buf, size_t len)
{
	if (r->has_ret)
		snprintf(buf, len, "%d", r->ret);
	else
		snprintf(buf, len, "?");
}

/* A one-line description, raw (the caller escapes the whole line). */
char *rf_describe(const struct iag_record *r)
{
	char ts[32], path[96], addr[16], ret[16], rule[32], *out;
	const char *state = iag_state_name(r->system_state);
	int n;

	rf_fmt_ts(r, ts, sizeof(ts));
	rf_fmt_path(r, path, sizeof(path));
	rf_fmt_addr(r, addr, sizeof(addr));
	rf_fmt_ret(r, ret, sizeof(ret));
	snprintf(rule, sizeof(rule), "%ld", r->rule);
	n = asprintf(&out, "%s %s %s: adapters %s addr %s device %s driver %s callback %s state %s ret %s rule %s%s%s%s",
		     ts, rf_nz(iag_kind_name(r->kind), "?"),
		     rf_nz(iag_verdict_name(r->verdict), "?"), path, addr,
		     rf_nz(r->device, "-"), rf_nz(r->driver, "-"),
		     rf_nz(iag_callback_name(r->callback), "unknown"),
		     rf_nz(state, "unknown"), ret, r->rule >= 0 ? rule : "-",
		     r->rule_text ? " (" : "", r->rule_text ? r->rule_text : "",
		     r->rule_text ? ")" : "");
	return n < 0 ? NULL : out;
}

char *rf_group_name(const struct iag_record *r)
{
	char *s;

	if (r->device)
		return strdup(r->device);
	if (r->addr < 0)
		return asprintf(&s, "i2c-%d", r->adapter) < 0 ? NULL : s;
	return asprintf(&s, "%d-%04x", r->adapter, (unsigned int)r->addr) < 0 ?
	       NULL : s;
}

void rf_free_groups(struct rf_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].name);
		free(g[i].idx);
	}
	free(g);
}

struct rf_group *rf_make_groups(const struct iag_report *rep, size_t *ng)
{
	struct rf_group *g = calloc(rep->n + 1, sizeof(*g));

	*ng = 0;
	if (!g)
		return NULL;
	for (size_t i = 0; i < rep->n; i++) {
		const struct iag_record *r = &rep->rec[i];
		char *name = rf_group_name(r);
		size_t k;
		size_t *ni;

		if (!name)
			continue;
		for (k = 0; k < *ng; k++)
			if (!strcmp(g[k].name, name))
				break;
		if (k == *ng) {
			g[k].name = name;
			g[k].first = r;
			(*ng)++;
		} else {
			free(name);
		}
		ni = realloc(g[k].idx, (g[k].n + 1) * sizeof(*ni));
		if (!ni)
			continue;
		g[k].idx = ni;
		ni[g[k].n++] = i;
		/* An aggregate record stands for r->count events. */
		if (r->verdict == IAG_VERDICT_ALLOWED)
			g[k].allowed += r->count;
		else if (r->verdict == IAG_VERDICT_DENIED)
			g[k].denied += r->count;
		else
			g[k].violations += r->count;
	}
	return g;
}

void rf_summary_line(const struct iag_report *rep, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%zu %s: %lu allowed, %lu %s, %lu denied%s; %zu bad %s, %lu unterminated %s, %lu nested %s folded",
		 rep->n, iag_plural(rep->n, "record", "records"),
		 rep->allowed, rep->violations,
		 iag_plural(rep->violations, "violation", "violations"),
		 rep->denied,
		 rep->have_policy ? "" : " (no policy: verdicts as recorded, else violation)",
		 rep->n_bad, iag_plural(rep->n_bad, "line", "lines"),
		 rep->unterminated,
		 iag_plural(rep->unterminated, "transfer", "transfers"),
		 rep->nested, iag_plural(rep->nested, "level", "levels"));
}

typedef int (*rf_writer)(const struct iag_report *rep, struct iag_devmodel *m,
			FILE *out);

static const rf_writer writers[] = {
	[IAG_FMT_TEXT] = rf_write_text,
	[IAG_FMT_JSON] = rf_write_json,
	[IAG_FMT_KTAP] = rf_write_ktap,
	[IAG_FMT_JUNIT] = rf_write_junit,
	[IAG_FMT_DOT] = rf_write_dot,
};

int iag_report_write(const struct iag_report *rep, enum iag_report_format fmt,
		     struct iag_devmodel *m, FILE *out)
{
	int rc;

	if ((unsigned int)fmt >= sizeof(writers) / sizeof(writers[0]) ||
	    !writers[fmt])
		return -EINVAL;
	rc = writers[fmt](rep, m, out);
	if (!rc && (fflush(out) || ferror(out)))
		rc = -EIO;
	return rc;
}


void rf_write_records(FILE *out, const struct iag_report *rep,
		      const struct rf_group *g, char *(*escape)(const char *),
		      const char *prefix, const char *suffix)
{
	for (size_t i = 0; i < g->n; i++) {
		char *d = rf_describe(&rep->rec[g->idx[i]]);
		char *de = d ? escape(d) : NULL;

		fprintf(out, "%s%s%s", prefix, de ? de : "", suffix);
		free(d);
		free(de);
	}
}
