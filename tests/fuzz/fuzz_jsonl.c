// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the JSON Lines event reader of `report`
 * (iag_report_read_jsonl() in userspace/report.c, iag_record_from_json()
 * in userspace/record.c), followed by the verdicts and every report writer
 * (userspace/report_fmt.c) on what was read. The checks are in
 * fuzz_report_common.h. The reader also takes a whole JSON report (what
 * `report --format json` writes, "{" alone on the first line).
 */
#include "fuzz_report_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init();
	fz_line_from_input = false;	/* a JSON report keeps its source's lines */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iag_report *rep = fz_read(data, size, iag_report_read_jsonl);

	/* every non-blank line is a record, a summary or a bad line */
	CHECKF(rep->n + rep->n_bad <= rep->lines, "%zu records + %zu bad > %lu lines",
	       rep->n, rep->n_bad, rep->lines);
	fz_check_all(rep);
	fz_done(rep);
	return 0;
}
