// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the console-log parser of `report --console`
 * (userspace/report.c): the whole input through iag_report_read_console()
 * as a file, then the verdicts and every report writer on the records (the
 * checks are in fuzz_report_common.h); and the same bytes, split at '\n',
 * through iag_console_line() with buffers of exactly the line's length and
 * no terminating NUL, which must give the same records.
 */
#include "fuzz_report_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fz_init();
	return 0;
}

/* The line API, one heap buffer of exactly @len bytes per line. */
static void by_lines(struct iag_report *rep, const uint8_t *data, size_t size)
{
	struct iag_console *c = iag_console_new(rep);
	unsigned long lineno = 0;
	size_t i = 0;

	CHECK(c);
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - data) : size, len = end - i;
		char *line = malloc(len ? len : 1);

		CHECK(line);
		memcpy(line, data + i, len);
		/* as the file reader does: no '\r' at the end */
		while (len && line[len - 1] == '\r')
			len--;
		iag_console_line(c, line, len, ++lineno);
		free(line);
		i = end + 1;
	}
	iag_console_finish(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iag_report *rep = fz_read(data, size, iag_report_read_console);
	struct iag_report rep2;

	CHECK(rep->events >= rep->truncated);
	CHECK(rep->n <= rep->events);

	/* lines no longer than the file reader's cap: both paths agree */
	iag_report_init(&rep2, FZ_SOURCE);
	by_lines(&rep2, data, size);
	if (!memchr(data, '\0', size)) {
		CHECKF(rep2.n == rep->n && rep2.n_bad == rep->n_bad &&
		       rep2.events == rep->events,
		       "file reader: %zu records %zu bad %lu events; line API: %zu %zu %lu",
		       rep->n, rep->n_bad, rep->events, rep2.n, rep2.n_bad,
		       rep2.events);
		for (size_t i = 0; i < rep->n; i++) {
			const struct iag_record *a = &rep->rec[i], *b = &rep2.rec[i];

			CHECK(a->kind == b->kind && a->adapter == b->adapter &&
			      a->addr == b->addr && a->path_len == b->path_len &&
			      a->has_ret == b->has_ret && a->ret == b->ret &&
			      a->line == b->line);
		}
	}
	iag_report_free(&rep2);

	fz_check_all(rep);
	fz_done(rep);
	return 0;
}
