// SPDX-License-Identifier: GPL-2.0-only
/* The text report: an aligned table, then bad lines, notes and the summary. */
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

/* ---- text ------------------------------------------------------------- */

#define TEXT_COLS	11

static enum iag_color verdict_color(int verdict)
{
	switch (verdict) {
	case IAG_VERDICT_ALLOWED:
		return IAG_COLOR_GREEN;
	case IAG_VERDICT_DENIED:
		return IAG_COLOR_YELLOW;
	case IAG_VERDICT_VIOLATION:
		return IAG_COLOR_RED;
	default:
		return IAG_COLOR_NONE;
	}
}

static int text_row(struct iag_table *t, const struct iag_record *r)
{
	char ts[32], path[96], addr[16], ret[16], rule[PATH_MAX];
	char *dev = iag_esc_text(r->device), *drv = iag_esc_text(r->driver);
	char *rt = r->rule_text ? iag_esc_text(r->rule_text) : NULL;
	enum iag_color colors[TEXT_COLS] = { [2] = verdict_color(r->verdict) };
	const char *cells[TEXT_COLS];
	int rc;

	rf_fmt_ts(r, ts, sizeof(ts));
	rf_fmt_path(r, path, sizeof(path));
	rf_fmt_addr(r, addr, sizeof(addr));
	rf_fmt_ret(r, ret, sizeof(ret));
	if (r->rule >= 0)
		snprintf(rule, sizeof(rule), "%ld%s%s%s", r->rule,
			 rt ? " (" : "", rt ? rt : "", rt ? ")" : "");
	else
		snprintf(rule, sizeof(rule), "-");
	cells[0] = ts;
	cells[1] = rf_nz(iag_kind_name(r->kind), "?");
	cells[2] = rf_nz(iag_verdict_name(r->verdict), "?");
	cells[3] = path;
	cells[4] = addr;
	cells[5] = rf_nz(dev, "-");
	cells[6] = rf_nz(drv, "-");
	cells[7] = rf_nz(iag_callback_name(r->callback), "unknown");
	cells[8] = rf_nz(iag_state_name(r->system_state), "unknown");
	cells[9] = ret;
	cells[10] = rule;
	rc = iag_table_row(t, cells, colors);
	free(dev);
	free(drv);
	free(rt);
	return rc;
}

int rf_write_text(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out)
{
	static const char *const head[TEXT_COLS] = {
		"TIME", "KIND", "VERDICT", "ADAPTERS", "ADDR", "DEVICE",
		"DRIVER", "CALLBACK", "STATE", "RET", "RULE",
	};
	struct iag_table *t = iag_table_new(head, TEXT_COLS);
	char sum[300];
	int rc = t ? 0 : -ENOMEM;

	for (size_t i = 0; i < rep->n && !rc; i++)
		rc = text_row(t, &rep->rec[i]);
	if (rc) {
		iag_table_free(t);
		return rc;
	}
	rc = iag_table_print(t, out, iag_color_wanted(out));
	if (rc)
		return rc;
	for (size_t i = 0; i < rep->n_bad; i++) {
		char *msg = iag_esc_text(rep->bad[i].msg);

		fprintf(out, "bad input: %s:%lu: %s\n", rep->source,
			rep->bad[i].line, msg ? msg : "");
		free(msg);
	}
	for (size_t i = 0; i < rep->n_bus; i++)
		iag_bus_case_text(&rep->bus[i], out);
	if (rep->note)
		fprintf(out, "note: %s\n", rep->note);
	rf_summary_line(rep, sum, sizeof(sum));
	fprintf(out, "summary: %s\n", sum);
	return 0;
}

