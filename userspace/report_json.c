// SPDX-License-Identifier: GPL-2.0-only
/* The JSON report: one object with the records, the errors and the summary. */
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

/* ---- JSON ------------------------------------------------------------- */

int rf_write_json(const struct iag_report *rep, struct iag_devmodel *m,
		  FILE *out)
{
	json_t *top = json_object(), *recs = json_array(), *errs = json_array();
	json_t *sum = json_object();
	int rc;

	if (!top || !recs || !errs || !sum) {
		json_decref(top);
		json_decref(recs);
		json_decref(errs);
		json_decref(sum);
		return -ENOMEM;
	}
	json_object_set_new(top, "source", iag_json_str(rep->source));
	for (size_t i = 0; i < rep->n; i++) {
		json_t *o = iag_record_to_json(&rep->rec[i]);

		if (o && rep->rec[i].line)
			json_object_set_new(o, "line",
					    json_integer((json_int_t)rep->rec[i].line));
		if (o)
			json_array_append_new(recs, o);
	}
	json_object_set_new(top, "records", recs);
	for (size_t i = 0; i < rep->n_bad; i++)
		json_array_append_new(errs, json_pack("{s:I, s:o}", "line",
					(json_int_t)rep->bad[i].line, "message",
					iag_json_str(rep->bad[i].msg)));
	json_object_set_new(top, "errors", errs);
	if (rep->n_bus) {
		json_t *buses = json_array();

		for (size_t i = 0; buses && i < rep->n_bus; i++)
			json_array_append_new(buses, iag_bus_case_to_json(&rep->bus[i]));
		json_object_set_new(top, "buses", buses);
	}
	json_object_set_new(sum, "kind", json_string("summary"));
	json_object_set_new(sum, "records", json_integer((json_int_t)rep->n));
	json_object_set_new(sum, "allowed", json_integer((json_int_t)rep->allowed));
	json_object_set_new(sum, "violations",
			    json_integer((json_int_t)rep->violations));
	json_object_set_new(sum, "denied", json_integer((json_int_t)rep->denied));
	json_object_set_new(sum, "bad_lines", json_integer((json_int_t)rep->n_bad));
	json_object_set_new(sum, "unterminated",
			    json_integer((json_int_t)rep->unterminated));
	json_object_set_new(sum, "nested", json_integer((json_int_t)rep->nested));
	json_object_set_new(sum, "policy", json_boolean(rep->have_policy));
	json_object_set_new(sum, "buses_stuck",
			    json_integer((json_int_t)rep->n_bus));
	json_object_set_new(sum, "buses_not_recovered",
			    json_integer((json_int_t)iag_report_bus_stuck(rep)));
	if (rep->note)
		json_object_set_new(sum, "note", iag_json_str(rep->note));
	json_object_set_new(top, "summary", sum);
	rc = iag_json_dump_lines(top, out);
	json_decref(top);
	return rc ? -EIO : 0;
}

