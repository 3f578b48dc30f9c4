// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stuck buses in console logs (i2c_atomic_bus_stuck, i2c_atomic_bus_recovery):
 * parsing in both forms, pairing, duplicates, and report's exit status 6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iag_test_stubs.h"
#include "commands.h"
#include "report.h"
#include "report_fixture.h"

static const char *three_cases =
	"[   12.000000] iag_test: phase=restart hook=restart_handler\n"
	"[   12.000100] i2c-atomic: event=bus_stuck adapter=41 addr=0x50 scl=1 sda=0 recovery=tried state=restart\n"
	"[   12.000200] i2c-atomic: event=bus_recovery adapter=41 addr=0x50 ret=0 pulses=3 scl=1 sda=1\n"
	"[   12.000700] i2c_atomic_bus_stuck: adapter=42 addr=0x50 scl=1 sda=0 recovery=tried state=restart\n"
	"[   12.000800] i2c_atomic_bus_recovery: adapter=42 addr=0x50 ret=-16 pulses=9 scl=1 sda=0\n"
	"[   12.000900] i2c-atomic: event=bus_stuck adapter=43 addr=0x50 scl=1 sda=0 recovery=gpio_cansleep state=restart\n";

static void test_bus_cases(void **state)
{
	struct iag_report rep;
	json_t *o;

	read_console(&rep, three_cases);
	assert_int_equal(rep.n_bus, 3);
	assert_int_equal(rep.n_bad, 0);
	assert_int_equal(iag_report_bus_stuck(&rep), 2);

	assert_int_equal(rep.bus[0].adapter, 41);
	assert_int_equal(rep.bus[0].addr, 0x50);
	assert_true(rep.bus[0].has_recovery);
	assert_int_equal(rep.bus[0].pulses, 3);
	assert_int_equal(rep.bus[0].sda_after, 1);
	assert_false(iag_bus_case_stuck(&rep.bus[0]));

	assert_int_equal(rep.bus[1].ret, -16);
	assert_int_equal(rep.bus[1].sda_after, 0);
	assert_true(iag_bus_case_stuck(&rep.bus[1]));

	assert_string_equal(rep.bus[2].how, "gpio_cansleep");
	assert_false(rep.bus[2].has_recovery);
	o = iag_bus_case_to_json(&rep.bus[2]);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "outcome")),
			    "stuck_no_recovery");
	assert_string_equal(json_string_value(json_object_get(o, "system_state")),
			    "restart");
	json_decref(o);
	iag_report_free(&rep);
}

/* tp_printk and atomic_log both on: every event twice, one case each. */
static void test_bus_both_forms(void **state)
{
	struct iag_report rep;

	read_console(&rep,
		"[ 5.000001] i2c_atomic_bus_stuck: adapter=3 addr=0x58 scl=1 sda=0 recovery=tried state=restart\n"
		"[ 5.000002] i2c-atomic: event=bus_stuck adapter=3 addr=0x58 scl=1 sda=0 recovery=tried state=restart\n"
		"[ 5.000003] i2c_atomic_bus_recovery: adapter=3 addr=0x58 ret=-16 pulses=9 scl=1 sda=0\n"
		"[ 5.000004] i2c-atomic: event=bus_recovery adapter=3 addr=0x58 ret=-16 pulses=9 scl=1 sda=0\n"
		"[ 6.000001] i2c-atomic: event=bus_stuck adapter=3 addr=0x58 scl=1 sda=0 recovery=tried state=restart\n"
		"[ 6.000002] i2c-atomic: event=bus_recovery adapter=3 addr=0x58 ret=0 pulses=2 scl=1 sda=1\n");
	/* the second stuck is a new case: same form as the first */
	assert_int_equal(rep.n_bus, 2);
	assert_int_equal(rep.bus[0].ret, -16);
	assert_int_equal(rep.bus[1].ret, 0);
	assert_int_equal(rep.bus[1].pulses, 2);
	assert_int_equal(iag_report_bus_stuck(&rep), 1);
	iag_report_free(&rep);
}

/* Only at the start of a message; broken lines are said, not guessed. */
static void test_bus_anchored_and_bad(void **state)
{
	struct iag_report rep;

	read_console(&rep,
		"[ 1.0] usb 1-1: Product: i2c-atomic: event=bus_stuck adapter=9 addr=0x10 scl=1 sda=0 recovery=tried\n"
		"[ 1.1] i2c-atomic: event=bus_stuck adapter=9 addr=0x10 scl=1 recovery=tried state=restart\n"
		"[ 1.2] i2c-atomic: event=bus_recovery adapter=7 addr=0x10 ret=0 pulses=1 scl=1 sda=1\n"
		"[ 1.3] i2c-atomic: event=bus_stuck adapter=8 addr=0x10 scl=1 sda=0 recovery=\x1b[31mx state=restart\n");
	assert_int_equal(rep.n_bus, 1);
	assert_string_equal(rep.bus[0].how, "unknown");
	assert_true(iag_bus_case_stuck(&rep.bus[0]));
	assert_int_equal(rep.n_bad, 2);	/* no sda; a recovery with no stuck */
	iag_report_free(&rep);
}

static int report_console(const char *log)
{
	return report_on_text(log, true);
}

static void test_bus_exit_status(void **state)
{
	/* recovered: fine */
	assert_int_equal(report_console(
		"[ 1.0] i2c-atomic: event=bus_stuck adapter=4 addr=0x10 scl=1 sda=0 recovery=tried state=restart\n"
		"[ 1.1] i2c-atomic: event=bus_recovery adapter=4 addr=0x10 ret=0 pulses=1 scl=1 sda=1\n"),
		IAG_EXIT_OK);
	/* not recovered: 6 */
	assert_int_equal(report_console(three_cases), IAG_EXIT_BUS_STUCK);
	/* a violation still says 1 first */
	assert_int_equal(report_console(
		"[ 1.0] i2c-atomic: event=bus_stuck adapter=4 addr=0x10 scl=1 sda=0 recovery=gpio_cansleep state=restart\n"
		"[ 1.1] i2c-atomic: event=xfer adapter=4 addr=0x10 flags=0x0000 msgs=1 cb=xfer_atomic state=restart\n"
		"[ 1.2] i2c-atomic: event=result adapter=4 addr=0x10 ret=1\n"),
		IAG_EXIT_VIOLATION);
}

/* KTAP and JUnit (report --format, ci): one test per case, failing when stuck. */
static void test_bus_ktap_junit(void **state)
{
	struct iag_report rep;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	read_console(&rep, three_cases);
	f = open_memstream(&buf, &len);
	assert_int_equal(iag_report_write(&rep, IAG_FMT_KTAP, NULL, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "1..3\n"));
	assert_non_null(strstr(buf, "\nok 1 bus-41-0050\n"));
	assert_non_null(strstr(buf, "# bus: adapter 42 addr 0x50: stuck (scl=1 sda=0) at restart, recovery tried: ret -16 after 9 pulses, scl=1 sda=0: still stuck\nnot ok 2 bus-42-0050\n"));
	assert_non_null(strstr(buf, "\nnot ok 3 bus-43-0050\n"));
	assert_null(strstr(buf, "no atomic-mode transfer recorded"));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(iag_report_write(&rep, IAG_FMT_JUNIT, NULL, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "tests=\"3\" failures=\"2\""));
	assert_non_null(strstr(buf, "<testcase classname=\"i2c-atomic-guard.bus\" name=\"bus-41-0050\">\n      <system-out>bus: adapter 41"));
	assert_non_null(strstr(buf, "<failure type=\"bus_stuck\" message=\"bus left stuck in atomic mode\">bus: adapter 43"));
	free(buf);
	iag_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bus_cases),
		cmocka_unit_test(test_bus_both_forms),
		cmocka_unit_test(test_bus_anchored_and_bad),
		cmocka_unit_test(test_bus_exit_status),
		cmocka_unit_test(test_bus_ktap_junit),
	};

	return cmocka_run_group_tests_name("report_bus", tests, NULL, NULL);
}
