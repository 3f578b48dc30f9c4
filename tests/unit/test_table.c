// SPDX-License-Identifier: GPL-2.0-only
/* Text tables: aligned whatever the widths; colour only on a terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iag_test_stubs.h"
#include "report.h"
#include "table.h"

static void render_text(const struct iag_report *rep, char **buf)
{
	size_t len = 0;
	FILE *f = open_memstream(buf, &len);

	assert_non_null(f);
	assert_int_equal(iag_report_write(rep, IAG_FMT_TEXT, NULL, f), 0);
	fclose(f);
}

/* Where does the DRIVER column start on each line? */
static long column_of(const char *line, const char *word)
{
	const char *p = strstr(line, word);

	return p ? p - line : -1;
}

static void test_columns_aligned(void **state)
{
	const char *jl =
		"{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 80, \"device\": \"1-0050\", \"driver\": \"a-very-long-driver-name-that-shifts\"}\n"
		"{\"kind\": \"atomic_xfer\", \"adapter\": 12, \"adapter_path\": [12, 11, 10, 9, 8, 7], \"addr\": 81, \"device\": \"12-0051\", \"driver\": \"x\"}\n";
	FILE *f = fmemopen((void *)jl, strlen(jl), "r");
	struct iag_report rep;
	char *out = NULL, *l1, *l2, *l3;
	long c;

	iag_report_init(&rep, "t.jsonl");
	assert_int_equal(iag_report_read_jsonl(&rep, f), 0);
	fclose(f);
	iag_report_decide(&rep, NULL, NULL, NULL);
	render_text(&rep, &out);
	l1 = out;
	l2 = strchr(l1, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	/* every column starts where its header does, on every row */
	c = column_of(l1, "CALLBACK");
	assert_true(c > 0);
	assert_int_equal(column_of(l2, " unknown ") + 1, c);
	assert_int_equal(column_of(l3, " unknown ") + 1, c);
	c = column_of(l1, "DRIVER");
	assert_int_equal(column_of(l2, "a-very-long"), c);
	assert_int_equal(column_of(l3, " x ") + 1, c);
	/* a file is not a terminal: no escape sequence */
	assert_null(strchr(out, '\033'));
	free(out);
	iag_report_free(&rep);
}

static void test_color_only_on_terminal(void **state)
{
	const char *head[] = { "A", "VERDICT" };
	const char *row[] = { "x", "violation" };
	const enum iag_color col[] = { IAG_COLOR_NONE, IAG_COLOR_RED };
	int m = posix_openpt(O_RDWR | O_NOCTTY), s;
	struct iag_table *t;
	char *buf = NULL;
	size_t len = 0;
	FILE *tty, *mem;

	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(s >= 0);
	tty = fdopen(s, "w");
	unsetenv("NO_COLOR");
	setenv("TERM", "xterm", 1);
	assert_true(iag_color_wanted(tty));
	setenv("NO_COLOR", "1", 1);
	assert_false(iag_color_wanted(tty));
	setenv("NO_COLOR", "", 1);	/* empty: as if unset (no-color.org) */
	assert_true(iag_color_wanted(tty));
	setenv("TERM", "dumb", 1);
	assert_false(iag_color_wanted(tty));
	unsetenv("NO_COLOR");
	fclose(tty);
	close(m);
	assert_false(iag_color_wanted(stdin) && !isatty(0));

	mem = open_memstream(&buf, &len);
	t = iag_table_new(head, 2);
	assert_int_equal(iag_table_row(t, row, col), 0);
	assert_int_equal(iag_table_print(t, mem, true), 0);
	fclose(mem);
	assert_non_null(strstr(buf, "\033[31mviolation"));
	free(buf);
	print_message("# tables drawn by %s\n", iag_table_has_smartcols() ?
		      "libsmartcols" : "the built-in aligner (static build)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_columns_aligned),
		cmocka_unit_test(test_color_only_on_terminal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
