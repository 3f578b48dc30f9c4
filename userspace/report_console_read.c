// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console logs, the end of the reading: duplicates (an event printed in
 * both formats), folded mux selects, notes, and the file reader.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "report.h"
#include "report_console.h"
#include "util.h"

#define DEDUPE_NS	1000000ULL	/* one event in two formats: within 1 ms */
#define DEDUPE_LINES	64		/* ... and this many lines apart */

/* ---- end of the log ------------------------------------------------------ */

static bool same_event(const struct iag_record *a, const struct iag_record *b)
{
	unsigned long long d;

	if (a->kind != b->kind || a->adapter != b->adapter ||
	    a->addr != b->addr || a->has_ret != b->has_ret ||
	    (a->has_ret && a->ret != b->ret) || a->path_len != b->path_len ||
	    memcmp(a->adapter_path, b->adapter_path,
		   a->path_len * sizeof(a->adapter_path[0])))
		return false;
	if (!a->has_ts || !b->has_ts)
		return true;
	d = a->ts_ns > b->ts_ns ? a->ts_ns - b->ts_ns : b->ts_ns - a->ts_ns;
	return d <= DEDUPE_NS;
}

/*
 * With tp_printk and the log switch both on, every event is printed twice,
 * once per format: an atomic_log record that has its tracepoint twin a few
 * lines away is that twin. Per event, so that one stray tracepoint line
 * never hides the atomic_log records. Returns how many were dropped.
 */
static unsigned long dedupe(struct iag_console *c)
{
	struct iag_record *rec = c->rep->rec;
	unsigned long dropped = 0;
	size_t lo = 0;

	for (size_t i = 0; i < c->rep->n; i++) {
		if (c->crec[i].fmt != CEV_FMT_ATOMIC_LOG || c->crec[i].drop)
			continue;
		while (lo < c->rep->n && rec[lo].line + DEDUPE_LINES < rec[i].line)
			lo++;
		for (size_t j = lo; j < c->rep->n &&
		     rec[j].line <= rec[i].line + DEDUPE_LINES; j++) {
			struct crec *cj = &c->crec[j];

			if (cj->fmt != CEV_FMT_TRACEPOINT || cj->drop ||
			    cj->matched || !same_event(&rec[i], &rec[j]))
				continue;
			cj->matched = true;
			c->crec[i].drop = true;
			dropped++;
			break;
		}
	}
	return dropped;
}

/* Drop what was folded or duplicated; the counters of what stays. */
static void compact(struct iag_console *c)
{
	struct iag_report *rep = c->rep;
	size_t o = 0;

	for (size_t i = 0; i < rep->n; i++) {
		if (c->crec[i].drop) {
			iag_record_free(&rep->rec[i]);
			continue;
		}
		rep->nested += c->crec[i].nested;
		if (c->crec[i].unterminated)
			rep->unterminated++;
		rep->rec[o++] = rep->rec[i];
	}
	rep->n = o;
}

static void add_note(struct iag_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_note(struct iag_report *rep, const char *fmt, ...)
{
	char *m, *both;
	va_list ap;

	va_start(ap, fmt);
	m = iag_vstrdupf(fmt, ap);
	va_end(ap);
	if (!m)
		return;
	if (!rep->note) {
		rep->note = m;
		return;
	}
	if (asprintf(&both, "%s; %s", rep->note, m) >= 0) {
		free(rep->note);
		rep->note = both;
	}
	free(m);
}

int iag_console_finish(struct iag_console *c)
{
	unsigned long dup;
	int err;

	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < c->n_ctx; i++)
		cons_abandon(c, &c->ctx[i]);	/* no result before the end */
	dup = dedupe(c);
	compact(c);
	if (dup)
		add_note(c->rep, "the log holds both the tracepoint lines (tp_printk) and the atomic_log lines: %lu %s from the atomic_log lines %s left out as duplicates",
			 dup, iag_plural(dup, "record", "records"),
			 iag_plural(dup, "was", "were"));
	if (c->unknown_chain)
		add_note(c->rep, "%lu %s began while another one was open on an adapter the log does not show as a mux parent: reported on %s own (the log from boot, with i2c-mux's \"Added multiplexed i2c bus\" lines, or the sysfs shows the chain)",
			 c->unknown_chain,
			 iag_plural(c->unknown_chain, "transfer", "transfers"),
			 iag_plural(c->unknown_chain, "its", "their"));
	err = c->err;
	free(c->crec);
	free(c);
	return err;
}

/* Mux chains from the sysfs: what the log may not show (no boot lines). */
static void chain_from_sysfs(struct iag_console *c, struct iag_devmodel *m)
{
	int *nrs = NULL, parent;
	size_t n = 0;

	if (!m || iag_dev_adapters(m, &nrs, &n))
		return;
	for (size_t i = 0; i < n; i++)
		if (!iag_dev_adapter_parent(m, nrs[i], &parent, NULL))
			iag_console_add_parent(c, nrs[i], parent);
	free(nrs);
}

int iag_report_read_console_ex(struct iag_report *rep, FILE *f,
			       struct iag_devmodel *m)
{
	struct iag_console *c = iag_console_new(rep);
	char *buf = malloc(IAG_REPORT_MAX_LINE + 1);
	ssize_t n;
	unsigned long line = 0;
	int err;
	bool cut;

	if (!c || !buf) {
		free(buf);
		free(c);
		return -ENOMEM;
	}
	chain_from_sysfs(c, m);
	while ((n = iag_report_getline(f, buf, IAG_REPORT_MAX_LINE + 1, &cut)) >= 0 &&
	       !c->err) {
		iag_console_line(c, buf, (size_t)n, ++line);
		if (iag_report_bus_line(rep, buf, (size_t)n, line))
			c->err = -ENOMEM;
	}
	free(buf);
	err = iag_console_finish(c);
	if (err)
		return err;
	return ferror(f) ? -EIO : 0;
}

int iag_report_read_console(struct iag_report *rep, FILE *f)
{
	return iag_report_read_console_ex(rep, f, NULL);
}
