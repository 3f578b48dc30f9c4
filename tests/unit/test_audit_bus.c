// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stuck buses seen live (the i2c_atomic_bus_stuck and i2c_atomic_bus_recovery
 * programs): the ring-buffer records as JSON and back, audit's text rows,
 * its counters, the same records read by report (JSON Lines: exit 6), and
 * which kernels have the events (status).
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
#include <unistd.h>
#include <jansson.h>

#include "iag_test_stubs.h"
#include "commands.h"
#include "live.h"
#include "probe.h"
#include "record.h"
#include "report.h"
#include "report_fixture.h"
#include "event_fixture.h"

static void bus_event(struct iag_event *ev, int kind, int adapter, int scl, int sda)
{
	fx_event(ev, kind, adapter, 0x50);
	ev->scl = scl;
	ev->sda = sda;
}

static json_t *event_json(const struct iag_event *ev)
{
	struct iag_record r;
	json_t *o;

	assert_int_equal(iag_record_from_event(&r, ev), 0);
	o = iag_record_to_json(&r);
	iag_record_free(&r);
	assert_non_null(o);
	return o;
}

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "(not a string)";
}

static void test_names(void **state)
{
	static const char *const how[] = { "tried", "driver_recovery", "sleeping_hooks",
		"gpio_cansleep", "no_atomic_xfer", "unknown" };

	assert_string_equal(iag_kind_name(IAG_KIND_BUS_STUCK), "bus_stuck");
	assert_string_equal(iag_kind_name(IAG_KIND_BUS_RECOVERY), "bus_recovery");
	assert_int_equal(iag_kind_from_name("bus_stuck"), IAG_KIND_BUS_STUCK);
	for (int i = 0; i < IAG_RECOVERY_MAX; i++) {
		assert_string_equal(iag_recovery_name(i), how[i]);
		assert_int_equal(iag_recovery_from_name(how[i]), i);
	}
	assert_null(iag_recovery_name(IAG_RECOVERY_MAX));
	assert_true(iag_kind_is_bus(IAG_KIND_BUS_RECOVERY));
	assert_false(iag_kind_is_bus(IAG_KIND_LOCK_BUSY));
}

static void test_stuck_record(void **state)
{
	struct iag_event ev;
	struct iag_record r;
	char err[128];
	json_t *o;

	bus_event(&ev, IAG_KIND_BUS_STUCK, 42, 1, 0);
	ev.recovery = IAG_RECOVERY_TRIED;
	o = event_json(&ev);
	assert_string_equal(jstr(o, "kind"), "bus_stuck");
	assert_true(json_is_null(json_object_get(o, "verdict")));
	assert_true(json_is_null(json_object_get(o, "ret")));	/* no transfer yet */
	assert_int_equal(json_integer_value(json_object_get(o, "scl")), 1);
	assert_int_equal(json_integer_value(json_object_get(o, "sda")), 0);
	assert_string_equal(jstr(o, "recovery"), "tried");
	assert_null(json_object_get(o, "pulses"));
	assert_null(json_object_get(o, "flags"));
	assert_string_equal(jstr(o, "system_state"), "suspend");
	/* back: what report reads from audit's JSON Lines */
	assert_int_equal(iag_record_from_json(&r, o, err, sizeof(err)), 0);
	assert_int_equal(r.kind, IAG_KIND_BUS_STUCK);
	assert_int_equal(r.recovery, IAG_RECOVERY_TRIED);
	assert_int_equal(r.sda, 0);
	assert_false(r.has_ret);
	iag_record_free(&r);
	json_decref(o);

	/* a value this ABI does not know, and an unreadable SCL */
	ev.recovery = 200;
	ev.scl = -1;
	o = event_json(&ev);
	assert_string_equal(jstr(o, "recovery"), "unknown");
	assert_int_equal(json_integer_value(json_object_get(o, "scl")), -1);
	json_decref(o);
}

static void test_recovery_record(void **state)
{
	struct iag_event ev;
	struct iag_record r;
	char err[128];
	json_t *o;

	bus_event(&ev, IAG_KIND_BUS_RECOVERY, 41, 1, 1);
	ev.pulses = 3;
	o = event_json(&ev);
	assert_string_equal(jstr(o, "kind"), "bus_recovery");
	assert_int_equal(json_integer_value(json_object_get(o, "ret")), 0);
	assert_int_equal(json_integer_value(json_object_get(o, "pulses")), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "sda")), 1);
	assert_null(json_object_get(o, "recovery"));
	assert_int_equal(iag_record_from_json(&r, o, err, sizeof(err)), 0);
	assert_int_equal(r.pulses, 3);
	assert_int_equal(r.ret, 0);
	iag_record_free(&r);
	/* a bus record must say SDA: the point of it */
	json_object_del(o, "sda");
	assert_int_equal(iag_record_from_json(&r, o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'sda'"));
	json_decref(o);
}

/* audit's text table: the row, then what report says of the same case. */
static void test_live_text_and_counts(void **state)
{
	struct iag_live l;
	struct iag_event ev;
	char *buf = NULL;
	size_t len = 0;

	assert_int_equal(iag_live_init(&l, NULL, false, NULL), IAG_EXIT_OK);
	l.out = open_memstream(&buf, &len);
	assert_non_null(l.out);
	bus_event(&ev, IAG_KIND_BUS_STUCK, 41, 1, 0);
	iag_live_event(&ev, &l);
	bus_event(&ev, IAG_KIND_BUS_RECOVERY, 41, 1, 1);
	ev.pulses = 3;
	iag_live_event(&ev, &l);
	bus_event(&ev, IAG_KIND_BUS_STUCK, 42, 1, 0);
	iag_live_event(&ev, &l);
	bus_event(&ev, IAG_KIND_BUS_RECOVERY, 42, 1, 0);
	ev.ret = -16;
	ev.pulses = 9;
	iag_live_event(&ev, &l);
	bus_event(&ev, IAG_KIND_BUS_STUCK, 43, 1, 0);
	ev.recovery = IAG_RECOVERY_GPIO_CANSLEEP;
	iag_live_event(&ev, &l);
	fclose(l.out);
	l.out = NULL;

	assert_non_null(strstr(buf, "bus_stuck            -         41"));
	assert_non_null(strstr(buf, "      bus stuck (scl=1 sda=0), recovery tried\n"));
	assert_non_null(strstr(buf, "      recovery: ret 0 after 3 pulses, scl=1 sda=1: recovered\n"));
	assert_non_null(strstr(buf, "      recovery: ret -16 after 9 pulses, scl=1 sda=0: still stuck\n"));
	assert_non_null(strstr(buf, "no recovery possible: gpio_cansleep\n"));
	assert_int_equal(l.buses_stuck, 3);
	assert_int_equal(l.buses_recovered, 1);
	assert_int_equal(l.violations, 0);	/* not transfers: no verdict */
	assert_int_equal(l.records, 5);
	free(buf);
	iag_live_fini(&l);
}

static const char *audit_jsonl =
	"{\"ts_ns\":1,\"kind\":\"bus_stuck\",\"verdict\":null,\"adapter\":41,\"addr\":80,"
	"\"system_state\":\"suspend\",\"ret\":null,\"scl\":1,\"sda\":0,\"recovery\":\"tried\"}\n"
	"{\"ts_ns\":2,\"kind\":\"bus_recovery\",\"verdict\":null,\"adapter\":41,\"addr\":80,"
	"\"system_state\":\"suspend\",\"ret\":0,\"scl\":1,\"sda\":1,\"pulses\":3}\n"
	"{\"ts_ns\":3,\"kind\":\"bus_stuck\",\"verdict\":null,\"adapter\":42,\"addr\":80,"
	"\"system_state\":\"suspend\",\"ret\":null,\"scl\":1,\"sda\":0,\"recovery\":\"tried\"}\n"
	"{\"ts_ns\":4,\"kind\":\"bus_recovery\",\"verdict\":null,\"adapter\":42,\"addr\":80,"
	"\"system_state\":\"suspend\",\"ret\":-16,\"scl\":1,\"sda\":0,\"pulses\":9}\n";

static int report_file(const char *text)
{
	return report_on_text(text, false);
}

/* audit --output FILE, then report FILE: the cases and exit status 6. */
static void test_report_reads_audit(void **state)
{
	struct iag_report rep;
	FILE *f = fmemopen((void *)audit_jsonl, strlen(audit_jsonl), "r");

	assert_non_null(f);
	iag_report_init(&rep, "audit.jsonl");
	assert_int_equal(iag_report_read_jsonl(&rep, f), 0);
	fclose(f);
	assert_int_equal(rep.n, 0);	/* not transfers */
	assert_int_equal(rep.n_bad, 0);
	assert_int_equal(rep.n_bus, 2);
	assert_int_equal(rep.bus[0].pulses, 3);
	assert_false(iag_bus_case_stuck(&rep.bus[0]));
	assert_int_equal(rep.bus[1].ret, -16);
	assert_int_equal(rep.bus[1].state, IAG_STATE_SUSPEND);
	assert_int_equal(iag_report_bus_stuck(&rep), 1);
	iag_report_free(&rep);

	assert_int_equal(report_file(audit_jsonl), IAG_EXIT_BUS_STUCK);
	/* only the recovered bus: nothing wrong */
	assert_int_equal(report_file(
		"{\"kind\":\"bus_stuck\",\"adapter\":41,\"addr\":80,\"scl\":1,\"sda\":0,\"recovery\":\"tried\"}\n"
		"{\"kind\":\"bus_recovery\",\"adapter\":41,\"addr\":80,\"ret\":0,\"scl\":1,\"sda\":1,\"pulses\":3}\n"),
		IAG_EXIT_OK);
}

/* status: the stuck-bus pair is told apart from the transfer events. */
static void test_probe_bus_events(void **state)
{
	struct iag_probe p;

	memset(&p, 0, sizeof(p));
	p.tp_gen = 2;
	p.tp_mask = 0x3ff;	/* patches 1-8 */
	iag_probe_tp_summary(&p);
	assert_true(p.tracepoints);
	assert_true(p.bus_events);
	assert_int_equal(p.n_tracepoints, IAG_PROBE_N_SERIES_TP);
	assert_true(iag_probe_has_tracepoint(&p, "i2c_atomic_bus_recovery"));
	assert_string_equal(iag_probe_tracepoint_name(8), "i2c_atomic_bus_stuck");

	p.tp_mask = 0xff;	/* the series before patch 8: complete, no bus events */
	iag_probe_tp_summary(&p);
	assert_true(p.tracepoints);
	assert_false(p.bus_events);
	assert_false(iag_probe_has_tracepoint(&p, "i2c_atomic_bus_stuck"));

	p.tp_mask = 0x1ff;	/* half the pair: not enough */
	iag_probe_tp_summary(&p);
	assert_false(p.bus_events);

	p.tp_gen = 1;		/* the first series has no state arguments */
	p.tp_mask = 0x37f;
	iag_probe_tp_summary(&p);
	assert_true(p.tracepoints);
	assert_false(p.bus_events);
	assert_int_equal(p.n_tracepoints, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_stuck_record),
		cmocka_unit_test(test_recovery_record),
		cmocka_unit_test(test_live_text_and_counts),
		cmocka_unit_test(test_report_reads_audit),
		cmocka_unit_test(test_probe_bus_events),
	};

	return cmocka_run_group_tests_name("audit_bus", tests, NULL, NULL);
}
