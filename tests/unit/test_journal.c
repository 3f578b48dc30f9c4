// SPDX-License-Identifier: GPL-2.0-only
/*
 * journald output without a journald: this test defines sd_journal_sendv()
 * itself (the executable's definition wins over libsystemd's), keeps the
 * fields of the last entry and checks them: names, values, what is left
 * out, the priority of each verdict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <jansson.h>

#include "iag_test_stubs.h"
#include "journal.h"

static char entry[64][512];
static int n_entry, n_calls;

int sd_journal_sendv(const struct iovec *iov, int n);
int sd_journal_sendv(const struct iovec *iov, int n)
{
	int i;

	n_calls++;
	n_entry = n < 64 ? n : 64;
	for (i = 0; i < n_entry; i++)
		snprintf(entry[i], sizeof(entry[i]), "%.*s", (int)iov[i].iov_len,
			 (const char *)iov[i].iov_base);
	return 0;
}

/* The value of FIELD in the last entry, or NULL if it was not sent. */
static const char *field(const char *name)
{
	size_t len = strlen(name);
	int i;

	for (i = 0; i < n_entry; i++)
		if (!strncmp(entry[i], name, len) && entry[i][len] == '=')
			return entry[i] + len + 1;
	return NULL;
}

static json_t *record(const char *text)
{
	json_error_t e;
	json_t *o = json_loads(text, 0, &e);

	assert_non_null(o);
	return o;
}

static void test_violation_entry(void **state)
{
	json_t *r = record("{\"ts_ns\":123,\"kind\":\"atomic_xfer\",\"verdict\":\"violation\","
			   "\"adapter\":1,\"adapter_path\":[3,1],\"addr\":82,\"device\":\"1-0052\","
			   "\"driver\":null,\"sysfs\":\"/sys/devices/x/1-0052\","
			   "\"callback\":\"smbus_xfer_atomic\",\"system_state\":\"suspend\","
			   "\"irqs_disabled\":true,\"preempt_count\":1,\"ret\":0,\"rule\":null,"
			   "\"stack\":[\"i2c_smbus_xfer\",\"iag_syscore_suspend\"],"
			   "\"comm\":\"sh\",\"pid\":42}");

	assert_int_equal(iag_journal_send_record(r), 0);
	assert_int_equal(n_calls, 1);
	assert_string_equal(field("SYSLOG_IDENTIFIER"), "i2c-atomic-guard");
	assert_string_equal(field("PRIORITY"), "4");
	assert_string_equal(field("MESSAGE_ID"), IAG_JOURNAL_MESSAGE_ID);
	assert_string_equal(field("KIND"), "atomic_xfer");
	assert_string_equal(field("VERDICT"), "violation");
	assert_string_equal(field("ADAPTER"), "1");
	assert_string_equal(field("ADAPTER_PATH"), "3,1");
	assert_string_equal(field("ADDR"), "0x52");
	assert_string_equal(field("DEVICE"), "1-0052");
	assert_string_equal(field("SYSTEM_STATE"), "suspend");
	assert_string_equal(field("CALLBACK"), "smbus_xfer_atomic");
	assert_string_equal(field("IRQS_DISABLED"), "1");
	assert_string_equal(field("RET"), "0");
	assert_string_equal(field("TRANSFER_COMM"), "sh");
	assert_string_equal(field("TRANSFER_PID"), "42");
	assert_string_equal(field("STACK"), "i2c_smbus_xfer\niag_syscore_suspend");
	/* null members are left out, not sent empty */
	assert_null(field("DRIVER"));
	assert_null(field("RULE"));
	assert_non_null(strstr(field("MESSAGE"), "violation: atomic_xfer by 1-0052"));
	assert_non_null(strstr(field("MESSAGE"), "i2c-1 addr 0x52, system state suspend"));
	json_decref(r);
}

static void test_priorities(void **state)
{
	json_t *r = record("{\"kind\":\"atomic_xfer\",\"verdict\":\"allowed\",\"adapter\":0,"
			   "\"addr\":80,\"driver\":\"at24\",\"rule\":0,\"rule_text\":\"i2c: 0-0050\"}");

	assert_int_equal(iag_journal_send_record(r), 0);
	assert_string_equal(field("PRIORITY"), "6");
	assert_string_equal(field("DRIVER"), "at24");
	assert_string_equal(field("RULE"), "0");
	assert_string_equal(field("RULE_TEXT"), "i2c: 0-0050");
	json_decref(r);
	r = record("{\"kind\":\"denied\",\"verdict\":\"denied\",\"adapter\":2,\"addr\":81}");
	assert_int_equal(iag_journal_send_record(r), 0);
	assert_string_equal(field("PRIORITY"), "4");
	assert_string_equal(field("ADDR"), "0x51");
	json_decref(r);
}

/* A stuck bus: its own message, its lines; a recovery that freed it is info. */
static void test_bus_entries(void **state)
{
	json_t *r = record("{\"kind\":\"bus_stuck\",\"verdict\":null,\"adapter\":42,"
			   "\"addr\":80,\"system_state\":\"suspend\",\"ret\":null,"
			   "\"scl\":1,\"sda\":0,\"recovery\":\"tried\"}");

	assert_int_equal(iag_journal_send_record(r), 0);
	assert_string_equal(field("PRIORITY"), "4");
	assert_string_equal(field("MESSAGE"),
			    "bus stuck on i2c-42 addr 0x50 (scl=1 sda=0), recovery: tried, system state suspend");
	assert_string_equal(field("SDA"), "0");
	assert_string_equal(field("RECOVERY"), "tried");
	assert_null(field("PULSES"));
	assert_null(field("VERDICT"));
	json_decref(r);
	r = record("{\"kind\":\"bus_recovery\",\"adapter\":42,\"addr\":80,\"ret\":-16,"
		   "\"scl\":1,\"sda\":0,\"pulses\":9}");
	assert_int_equal(iag_journal_send_record(r), 0);
	assert_string_equal(field("PRIORITY"), "4");
	assert_string_equal(field("MESSAGE"),
			    "bus recovery on i2c-42 addr 0x50: ret -16 after 9 pulses, scl=1 sda=0: still stuck");
	assert_string_equal(field("PULSES"), "9");
	json_decref(r);
	r = record("{\"kind\":\"bus_recovery\",\"adapter\":41,\"addr\":80,\"ret\":0,"
		   "\"scl\":1,\"sda\":1,\"pulses\":3}");
	assert_int_equal(iag_journal_send_record(r), 0);
	assert_string_equal(field("PRIORITY"), "6");
	assert_non_null(strstr(field("MESSAGE"), ": recovered"));
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_violation_entry),
		cmocka_unit_test(test_priorities),
		cmocka_unit_test(test_bus_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
