// SPDX-License-Identifier: GPL-2.0-only
/* The JUnit XML report: the same tests as KTAP (devices, stuck buses). */
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

/* ---- JUnit ------------------------------------------------------------ */

/* One test case per stuck-bus case: a failure when the bus was left stuck. */
static void write_bus_cases(const struct iag_report *rep, FILE *out)
{
	for (size_t i = 0; i < rep->n_bus; i++) {
		const struct iag_bus_case *bc = &rep->bus[i];
		bool stuck = iag_bus_case_stuck(bc);

		fprintf(out, "    <testcase classname=\"i2c-atomic-guard.bus\" name=\"bus-%d-%04x\">\n",
			bc->adapter, (unsigned int)bc->addr);
		fputs(stuck ? "      <failure type=\"bus_stuck\" message=\"bus left stuck in atomic mode\">" :
			      "      <system-out>", out);
		iag_bus_case_text(bc, out);	/* numbers and [a-z_] names: no escaping */
		fprintf(out, "%s\n    </testcase>\n", stuck ? "</failure>" : "</system-out>");
	}
}

int rf_write_junit(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out)
{
	size_t ng, ntests, nfail = 0;
	struct rf_group *g = rf_make_groups(rep, &ng);
	char *src;

	if (!g)
		return -ENOMEM;
	for (size_t k = 0; k < ng; k++)
		nfail += (g[k].violations || g[k].denied) ? 1 : 0;
	nfail += iag_report_bus_stuck(rep);
	/*
	 * Never a "1..0" plan: the kernel's kunit_parser counts a run of no
	 * test as an error. No transfer at all is one passing test.
	 */
	ntests = ng + rep->n_bus + (rep->n_bad ? 1 : 0);
	if (!ntests)
		ntests = 1;
	src = iag_esc_xml(rep->source);
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"i2c-atomic-guard\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n",
		ntests, nfail, rep->n_bad ? 1 : 0);
	fprintf(out, "  <testsuite name=\"i2c-atomic-guard\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" skipped=\"0\">\n",
		ntests, nfail, rep->n_bad ? 1 : 0);
	fprintf(out, "    <properties>\n      <property name=\"source\" value=\"%s\"/>\n      <property name=\"policy\" value=\"%s\"/>\n",
		src ? src : "", rep->have_policy ? "yes" : "no");
	if (rep->note) {
		char *n = iag_esc_xml(rep->note);

		fprintf(out, "      <property name=\"note\" value=\"%s\"/>\n",
			n ? n : "");
		free(n);
	}
	fprintf(out, "    </properties>\n");
	free(src);
	for (size_t k = 0; k < ng; k++) {
		char *name = iag_esc_xml(g[k].name);
		bool bad = g[k].violations || g[k].denied;

		fprintf(out, "    <testcase classname=\"i2c-atomic-guard.device\" name=\"%s\">\n",
			name ? name : "");
		if (bad)
			fprintf(out, "      <failure type=\"%s\" message=\"%lu atomic-mode transfers not allowed, %lu denied\">",
				g[k].violations ? "violation" : "denied",
				g[k].violations, g[k].denied);
		else
			fprintf(out, "      <system-out>");
		rf_write_records(out, rep, &g[k], iag_esc_xml, "", "&#10;");
		fprintf(out, "%s\n    </testcase>\n",
			bad ? "</failure>" : "</system-out>");
		free(name);
	}
	write_bus_cases(rep, out);
	if (rep->n_bad) {
		fprintf(out, "    <testcase classname=\"i2c-atomic-guard.input\" name=\"input\">\n");
		fprintf(out, "      <error type=\"bad-input\" message=\"%zu lines could not be read\">",
			rep->n_bad);
		for (size_t i = 0; i < rep->n_bad; i++) {
			char *msg = iag_esc_xml(rep->bad[i].msg);

			fprintf(out, "line %lu: %s&#10;", rep->bad[i].line,
				msg ? msg : "");
			free(msg);
		}
		fprintf(out, "</error>\n    </testcase>\n");
	}
	fprintf(out, "  </testsuite>\n</testsuites>\n");
	rf_free_groups(g, ng);
	return 0;
}

