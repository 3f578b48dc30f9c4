// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KTAP report: one test per device, and one per stuck-bus case
 * (Documentation/dev-tools/ktap.rst).
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

/* ---- KTAP ------------------------------------------------------------- */

/* One test per stuck-bus case, numbered from @first: not ok when left stuck. */
static void write_bus_tests(const struct iag_report *rep, size_t first, FILE *out)
{
	for (size_t i = 0; i < rep->n_bus; i++) {
		const struct iag_bus_case *bc = &rep->bus[i];

		fputs("# ", out);
		iag_bus_case_text(bc, out);
		fprintf(out, "%s %zu bus-%d-%04x\n", iag_bus_case_stuck(bc) ? "not ok" : "ok",
			first + i, bc->adapter, (unsigned int)bc->addr);
	}
}

int rf_write_ktap(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out)
{
	size_t ng, ntests;
	struct rf_group *g = rf_make_groups(rep, &ng);
	char sum[300], *src;

	if (!g)
		return -ENOMEM;
	/*
	 * Never a "1..0" plan: the kernel's kunit_parser counts a run of no
	 * test as an error. No transfer at all is one passing test.
	 */
	ntests = ng + rep->n_bus + (rep->n_bad ? 1 : 0);
	if (!ntests)
		ntests = 1;
	src = iag_esc_ktap(rep->source);
	rf_summary_line(rep, sum, sizeof(sum));
	/* the plan follows the version line (Documentation/dev-tools/ktap.rst) */
	fprintf(out, "KTAP version 1\n1..%zu\n", ntests);
	fprintf(out, "# i2c-atomic-guard: atomic-mode I2C transfers in %s\n",
		src ? src : "");
	fprintf(out, "# %s\n", sum);
	if (rep->note) {
		char *n = iag_esc_ktap(rep->note);

		fprintf(out, "# %s\n", n ? n : "");
		free(n);
	}
	free(src);
	for (size_t k = 0; k < ng; k++) {
		char *name = iag_esc_ktap(g[k].name);
		char *drv = iag_esc_ktap(g[k].first->driver);
		char *sys = iag_esc_ktap(g[k].first->sysfs);
		bool bad = g[k].violations || g[k].denied;

		fprintf(out, "# %s: driver %s, sysfs %s: %lu allowed, %lu %s, %lu denied\n",
			name ? name : "", drv ? drv : "-", sys ? sys : "-",
			g[k].allowed, g[k].violations,
			iag_plural(g[k].violations, "violation", "violations"),
			g[k].denied);
		rf_write_records(out, rep, &g[k], iag_esc_ktap, "#   ", "\n");
		fprintf(out, "%s %zu %s\n", bad ? "not ok" : "ok", k + 1,
			name ? name : "");
		free(name);
		free(drv);
		free(sys);
	}
	write_bus_tests(rep, ng + 1, out);
	if (rep->n_bad) {
		for (size_t i = 0; i < rep->n_bad; i++) {
			char *msg = iag_esc_ktap(rep->bad[i].msg);

			fprintf(out, "# line %lu: %s\n", rep->bad[i].line,
				msg ? msg : "");
			free(msg);
		}
		fprintf(out, "not ok %zu input\n", ng + rep->n_bus + 1);
	} else if (!ng && !rep->n_bus) {
		fprintf(out, "# no atomic-mode transfer recorded\nok 1 atomic-mode-transfers\n");
	}
	rf_free_groups(g, ng);
	return 0;
}

