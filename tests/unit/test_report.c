// SPDX-License-Identifier: GPL-2.0-only
/* Reports: console logs, JSON Lines, verdicts, and every output format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include <sys/wait.h>

#include "iag_test_stubs.h"
#include "fixture_util.h"
#include "devmodel.h"
#include "policy.h"
#include "report.h"
#include "report_fixture.h"
#include "resolve.h"

static void read_jsonl(struct iag_report *rep, const char *s)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");

	assert_non_null(f);
	iag_report_init(rep, "events.jsonl");
	assert_int_equal(iag_report_read_jsonl(rep, f), 0);
	fclose(f);
}

/* Render @fmt into a malloc'd string. */
static char *render(const struct iag_report *rep, int fmt,
		    struct iag_devmodel *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(iag_report_write(rep, fmt, m, f), 0);
	fclose(f);
	return buf;
}

static struct iag_policy *pol(const char *rules)
{
	char buf[1024];
	struct iag_policy *p = NULL;
	struct iag_diag d;

	snprintf(buf, sizeof(buf), "mode: audit\nallow:\n%s", rules);
	iag_diag_init(&d, "p.yaml");
	assert_int_equal(iag_policy_parse_buf(buf, strlen(buf), "p.yaml", &p, &d), 0);
	return p;
}

/*
 * A read through mux channel i2c-3 to 3-0050, with the mux select; the
 * first line is i2c-mux's, from boot: the log's own adapter chain.
 */
static const char *mux_log =
	"[    0.000000] i2c i2c-0: Added multiplexed i2c bus 3\n"
	"[   12.345678] i2c_atomic_no_handler: adapter=3 addr=0x50 state=power_off\n"
	"[   12.345680] i2c_atomic_xfer: adapter=3 addr=0x50 flags=0x0000 msgs=2 cb=none state=power_off\n"
	"[   12.345690] i2c_atomic_smbus_xfer: adapter=0 addr=0x70 flags=0x0000 rw=write cmd=0x01 proto=1 cb=none state=power_off\n"
	"[   12.345691] i2c_atomic_result: adapter=0 addr=0x70 ret=0\n"
	"[   12.345692] i2c_atomic_no_handler: adapter=0 addr=0x50 state=power_off\n"
	"[   12.345693] i2c_atomic_xfer: adapter=0 addr=0x50 flags=0x0000 msgs=2 cb=none state=power_off\n"
	"[   12.345694] i2c_atomic_result: adapter=0 addr=0x50 ret=2\n"
	"[   12.345695] i2c_atomic_result: adapter=3 addr=0x50 ret=2\n"
	"[   12.400000] reboot: Power down\n";

static void test_console_mux_nesting(void **state)
{
	struct iag_report rep;
	const struct iag_record *x;

	read_console(&rep, mux_log);
	assert_int_equal(rep.n, 2);
	/* the no-handler WARN per adapter: one record, both adapters */
	assert_int_equal(rep.rec[0].kind, IAG_KIND_NO_ATOMIC_HANDLER);
	assert_int_equal(rep.rec[0].path_len, 2);
	assert_int_equal(rep.rec[0].adapter_path[1], 0);
	assert_int_equal(rep.rec[0].system_state, IAG_STATE_POWER_OFF);
	x = &rep.rec[1];
	assert_int_equal(x->kind, IAG_KIND_ATOMIC_XFER);
	assert_int_equal(x->adapter, 3);
	assert_int_equal(x->addr, 0x50);
	assert_int_equal(x->path_len, 2);
	assert_int_equal(x->adapter_path[0], 3);
	assert_int_equal(x->adapter_path[1], 0);
	assert_true(x->has_ret);
	assert_int_equal(x->ret, 2);
	assert_true(x->has_ts);
	assert_int_equal(x->ts_ns, 12345680000ULL);
	assert_int_equal(x->callback, IAG_CB_NONE);
	assert_int_equal(x->msg_count, 2);
	assert_int_equal(x->line, 3);
	assert_int_equal(rep.n_bad, 0);
	assert_int_equal(rep.unterminated, 0);
	iag_report_decide(&rep, NULL, NULL, NULL);
	assert_int_equal(rep.violations, 2);
	iag_report_free(&rep);
}

static void test_console_atomic_log_emulated(void **state)
{
	/* SMBus emulated over master_xfer_atomic: smbus_xfer then xfer, one record */
	struct iag_report rep;

	read_console(&rep,
		"[   50.100000] i2c-atomic: event=smbus_xfer adapter=1 addr=0x58 flags=0x0000 rw=read cmd=0x10 proto=2 cb=smbus_emulated state=restart\n"
		"[   50.100001] i2c-atomic: event=xfer adapter=1 addr=0x58 flags=0x0000 msgs=2 cb=xfer_atomic state=restart\n"
		"[   50.100002] i2c-atomic: event=result adapter=1 addr=0x58 ret=2\n"
		"[   50.100003] i2c-atomic: event=result adapter=1 addr=0x58 ret=0\n"
		"[   50.200000] i2c-atomic: event=lock_busy adapter=1 addr=0x58 state=restart\n"
		"[   50.300000] i2c-atomic: event=context_xfer adapter=2 addr=0x10 state=running irqs_off=1 new_key=whatever\n");
	assert_int_equal(rep.n, 3);
	assert_int_equal(rep.rec[0].kind, IAG_KIND_ATOMIC_XFER);
	assert_int_equal(rep.rec[0].path_len, 1);
	assert_int_equal(rep.rec[0].callback, IAG_CB_SMBUS_EMULATED);
	assert_int_equal(rep.rec[0].smbus_protocol, 2);
	assert_int_equal(rep.rec[0].smbus_command, 0x10);
	assert_int_equal(rep.rec[0].smbus_read, 1);
	assert_int_equal(rep.rec[0].ret, 0);
	assert_int_equal(rep.rec[0].system_state, IAG_STATE_RESTART);
	assert_int_equal(rep.nested, 1);
	assert_int_equal(rep.rec[1].kind, IAG_KIND_LOCK_BUSY);
	assert_int_equal(rep.rec[1].ret, -11);
	assert_int_equal(rep.rec[2].kind, IAG_KIND_ATOMIC_CONTEXT_XFER);
	assert_int_equal(rep.rec[2].adapter, 2);
	iag_report_free(&rep);
}

static void test_console_denied_truncated_interleaved(void **state)
{
	struct iag_report rep;

	read_console(&rep,
		/* 1: cut short in the middle of addr */
		"[   10.000000] i2c_atomic_xfer: adapter=1 addr=0x5\r\n"
		/* 2: two messages on one line; the first one is cut */
		"[   10.100000] i2c_atomic_xfer: adaptei2c_atomic_smbus_xfer: adapter=1 addr=0x51 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=suspend\n"
		/* 3: denied, then the result */
		"[   10.100001] i2c_atomic_denied: adapter=1 addr=0x51 err=-1\n"
		"[   10.100002] i2c_atomic_result: adapter=1 addr=0x51 ret=-1\n"
		/* 5: a result with nothing pending */
		"[   10.200000] i2c_atomic_result: adapter=1 addr=0x52 ret=0\n"
		/* 6: a transfer that never returns (power went off) */
		"[   10.300000] i2c_atomic_xfer: adapter=4 addr=0x51 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"[   10.300001] ACPI: PM: Preparing to enter system sleep state S5\n");
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.n_bad, 2);
	assert_int_equal(rep.bad[0].line, 1);
	assert_non_null(strstr(rep.bad[0].msg, "state="));
	assert_int_equal(rep.bad[1].line, 2);
	assert_non_null(strstr(rep.bad[1].msg, "adapter="));
	assert_int_equal(rep.rec[0].kind, IAG_KIND_DENIED);
	assert_int_equal(rep.rec[0].verdict, IAG_VERDICT_DENIED);
	assert_int_equal(rep.rec[0].ret, -1);
	assert_int_equal(rep.rec[0].addr, 0x51);
	assert_int_equal(rep.orphan_results, 1);
	assert_int_equal(rep.rec[1].adapter, 4);
	assert_false(rep.rec[1].has_ret);
	assert_int_equal(rep.unterminated, 1);
	iag_report_free(&rep);
}

static void test_console_failures_inside(void **state)
{
	/* failure events inside a transfer (a mux parent's lock): folded */
	struct iag_report rep;

	read_console(&rep,
		"[    0.500000] i2c i2c-0: Added multiplexed i2c bus 3\n"
		"[    5.000000] i2c_atomic_xfer: adapter=3 addr=0x50 flags=0x0000 msgs=1 cb=none state=halt\n"
		"[    5.000001] i2c_atomic_lock_busy: adapter=0 addr=0x50 state=halt\n"
		"[    5.000002] i2c_atomic_no_handler: adapter=0 addr=0x50 state=halt\n"
		"[    5.000003] i2c_atomic_context_xfer: adapter=0 addr=0x70 state=halt irqs_off=1\n"
		"[    5.000004] i2c_atomic_result: adapter=3 addr=0x50 ret=1\n"
		"[    6.000000] i2c_atomic_context_xfer: adapter=2 addr=0x10 state=running irqs_off=1\n");
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.rec[0].kind, IAG_KIND_ATOMIC_XFER);
	assert_int_equal(rep.nested, 3);
	assert_int_equal(rep.rec[1].kind, IAG_KIND_ATOMIC_CONTEXT_XFER);
	assert_int_equal(rep.rec[1].irqs_disabled, 1);
	assert_int_equal(rep.rec[1].system_state, IAG_STATE_RUNNING);
	iag_report_free(&rep);
}

static void test_console_lost_result(void **state)
{
	/* serial consoles drop lines: a lost result must not swallow the rest */
	struct iag_report rep;

	read_console(&rep,
		"[    1.000000] i2c_atomic_xfer: adapter=1 addr=0x50 flags=0x0000 msgs=1 cb=none state=halt\n"
		/* result of 1-0050 lost; the next transfer on the same adapter */
		"[    1.000100] i2c_atomic_xfer: adapter=1 addr=0x51 flags=0x0000 msgs=1 cb=none state=halt\n"
		"[    1.000200] i2c_atomic_result: adapter=1 addr=0x51 ret=1\n"
		"[    2.000000] i2c_atomic_xfer: adapter=3 addr=0x50 flags=0x0000 msgs=1 cb=none state=halt\n"
		/* lost again; 30 s later, on another adapter: not nested */
		"[   32.000000] i2c_atomic_smbus_xfer: adapter=0 addr=0x52 flags=0x0000 rw=read cmd=0x00 proto=2 cb=none state=halt\n"
		"[   32.000001] i2c_atomic_result: adapter=0 addr=0x52 ret=0\n");
	assert_int_equal(rep.n, 4);
	assert_false(rep.rec[0].has_ret);
	assert_int_equal(rep.rec[1].addr, 0x51);
	assert_true(rep.rec[1].has_ret);
	assert_false(rep.rec[2].has_ret);
	assert_int_equal(rep.rec[3].adapter, 0);
	assert_int_equal(rep.rec[3].path_len, 1);
	assert_true(rep.rec[3].has_ret);
	assert_int_equal(rep.unterminated, 2);
	assert_int_equal(rep.nested, 0);
	iag_report_free(&rep);
}

static void test_console_both_formats(void **state)
{
	/* tp_printk and atomic_log both on: every event printed twice */
	struct iag_report rep;

	read_console(&rep,
		"[    7.000000] i2c_atomic_smbus_xfer: adapter=1 addr=0x50 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[    7.000000] i2c-atomic: event=smbus_xfer adapter=1 addr=0x50 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[    7.000001] i2c_atomic_result: adapter=1 addr=0x50 ret=0\n"
		"[    7.000001] i2c-atomic: event=result adapter=1 addr=0x50 ret=0\n"
		"[    7.000002] i2c-atomic: event=smbus_xfer adapter=1 addr=0x52 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[    7.000002] i2c_atomic_smbus_xfer: adapter=1 addr=0x52 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[    7.000003] i2c_atomic_result: adapter=1 addr=0x52 ret=0\n"
		"[    7.000003] i2c-atomic: event=result adapter=1 addr=0x52 ret=0\n");
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.rec[0].addr, 0x50);
	assert_int_equal(rep.rec[1].addr, 0x52);
	assert_int_equal(rep.rec[1].line, 6);
	assert_int_equal(rep.unterminated, 0);
	assert_int_equal(rep.nested, 0);
	assert_non_null(rep.note);
	assert_non_null(strstr(rep.note, "2 records from the atomic_log lines"));
	iag_report_free(&rep);
}

static void test_console_per_cpu(void **state)
{
	/* ftrace-style lines, two CPUs interleaved: nesting is per CPU */
	struct iag_report rep;

	read_console(&rep,
		"[    0.500000] i2c i2c-0: Added multiplexed i2c bus 3\n"
		"  kworker/0:1-12  [000] d..1.  20.000001: i2c_atomic_xfer: adapter=3 addr=0x50 flags=0x0000 msgs=1 cb=xfer_atomic state=suspend\n"
		"  kworker/1:1-13  [001] d..1.  20.000002: i2c_atomic_xfer: adapter=1 addr=0x20 flags=0x0000 msgs=1 cb=xfer_atomic state=suspend\n"
		"  kworker/0:1-12  [000] d..1.  20.000003: i2c_atomic_xfer: adapter=0 addr=0x50 flags=0x0000 msgs=1 cb=xfer_atomic state=suspend\n"
		"  kworker/1:1-13  [001] d..1.  20.000004: i2c_atomic_result: adapter=1 addr=0x20 ret=1\n"
		"  kworker/0:1-12  [000] d..1.  20.000005: i2c_atomic_result: adapter=0 addr=0x50 ret=1\n"
		"  kworker/0:1-12  [000] d..1.  20.000006: i2c_atomic_result: adapter=3 addr=0x50 ret=1\n");
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.rec[0].adapter, 3);
	assert_int_equal(rep.rec[0].path_len, 2);
	assert_int_equal(rep.rec[0].ts_ns, 20000001000ULL);
	assert_int_equal(rep.rec[1].adapter, 1);
	assert_int_equal(rep.rec[1].path_len, 1);
	assert_int_equal(rep.rec[1].ret, 1);
	iag_report_free(&rep);

	/* printk caller ids */
	read_console(&rep,
		"[   30.000001][    T1] i2c_atomic_xfer: adapter=1 addr=0x50 msgs=1 cb=none state=halt\n"
		"[   30.000002][   T77] i2c_atomic_xfer: adapter=2 addr=0x51 msgs=1 cb=none state=halt\n"
		"[   30.000003][    T1] i2c_atomic_result: adapter=1 addr=0x50 ret=1\n"
		"[   30.000004][   T77] i2c_atomic_result: adapter=2 addr=0x51 ret=1\n");
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.rec[0].path_len, 1);
	assert_int_equal(rep.rec[1].path_len, 1);
	assert_int_equal(rep.rec[0].system_state, IAG_STATE_HALT);
	iag_report_free(&rep);
}

static void test_console_ranges(void **state)
{
	/* fuzz finding F1: numbers out of the kernel types' ranges */
	struct iag_report rep;
	char *out;
	json_t *o, *recs, *e;
	size_t i;

	read_console(&rep,
		"[   12.345680] i2c_atomic_smbus_xfer: adapter=4294967297 addr=0x50 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[   12.345701] i2c_atomic_result: adapter=4294967297 addr=0x50 ret=0\n"
		"[   12.345702] i2c_atomic_smbus_xfer: adapter=1 addr=0x50 flags=0x10000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[   12.345703] i2c_atomic_smbus_xfer: adapter=1 addr=0x50 flags=0x0000 rw=read cmd=0x1ff proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[   12.345704] i2c_atomic_smbus_xfer: adapter=1 addr=0x50 flags=0x0000 rw=read cmd=0x00 proto=300 cb=smbus_xfer_atomic state=power_off\n"
		"[   12.345705] i2c_atomic_xfer: adapter=1 addr=0x50 flags=-5 msgs=1 cb=none state=power_off\n"
		"[   12.345706] i2c_atomic_xfer: adapter=1 addr=0x50 flags=0x0000 msgs=70000 cb=none state=power_off\n"
		"[   12.345707] i2c_atomic_xfer: adapter=1 addr=0x50 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"[   12.345708] i2c_atomic_result: adapter=1 addr=0x50 ret=4294967296\n"
		"[   12.345709] i2c_atomic_result: adapter=1 addr=0x50 ret=-110\n"
		"[99999999999.000000] i2c_atomic_lock_busy: adapter=0 addr=0x51 state=power_off\n"
		"[9999999999.999999] i2c_atomic_lock_busy: adapter=0 addr=0x52 state=power_off\n"
		"[9000000000.000001] i2c_atomic_lock_busy: adapter=0 addr=0x53 state=power_off\n");
	assert_int_equal(rep.n_bad, 8);
	assert_int_equal(rep.bad[0].line, 1);
	assert_non_null(strstr(rep.bad[0].msg, "adapter="));
	assert_non_null(strstr(rep.bad[2].msg, "flags="));
	assert_non_null(strstr(rep.bad[3].msg, "cmd="));
	assert_non_null(strstr(rep.bad[4].msg, "proto="));
	assert_non_null(strstr(rep.bad[7].msg, "ret="));
	assert_int_equal(rep.n, 4);
	assert_int_equal(rep.rec[0].adapter, 1);
	assert_int_equal(rep.rec[0].ret, -110);
	assert_false(rep.rec[1].has_ts);	/* 11 digits of seconds: no time */
	assert_false(rep.rec[2].has_ts);	/* above INT64_MAX ns */
	assert_true(rep.rec[3].has_ts);
	assert_int_equal(rep.rec[3].ts_ns, 9000000000000001000ULL);
	/* what the writer writes, the reader reads */
	iag_report_decide(&rep, NULL, NULL, NULL);
	out = render(&rep, IAG_FMT_JSON, NULL);
	o = json_loads(out, 0, NULL);
	assert_non_null(o);
	recs = json_object_get(o, "records");
	json_array_foreach(recs, i, e) {
		struct iag_record r;
		char err[128];

		if (iag_record_from_json(&r, e, err, sizeof(err)))
			fail_msg("record %zu: %s", i, err);
		iag_record_free(&r);
	}
	json_decref(o);
	free(out);
	iag_report_free(&rep);
}

static void test_console_garbage(void **state)
{
	/* not ours, binary junk, a NUL-free line with markers only */
	struct iag_report rep;
	char junk[600];

	for (size_t i = 0; i < sizeof(junk) - 1; i++)
		junk[i] = (char)(1 + (i * 37) % 255);
	junk[sizeof(junk) - 1] = '\0';
	{
		struct iag_console *c;

		iag_report_init(&rep, "junk");
		c = iag_console_new(&rep);
		iag_console_line(c, junk, strlen(junk), 1);
		iag_console_line(c, "i2c_atomic_xfer:", 16, 2);
		iag_console_line(c, "i2c_atomic_result: adapter=1 addr=0x1 ret=", 42, 3);
		iag_console_line(c, "i2c-atomic: event=", 18, 4);
		iag_console_line(c, "i2c-atomic: event=xfer adapter=99999999999999999999 addr=1", 58, 5);
		iag_console_finish(c);
	}
	assert_int_equal(rep.n, 0);
	assert_int_equal(rep.n_bad, 3);
	iag_report_free(&rep);
}

static void test_jsonl_bad_line(void **state)
{
	struct iag_report rep;

	read_jsonl(&rep,
		"{\"ts_ns\": 1, \"kind\": \"atomic_xfer\", \"verdict\": \"allowed\", \"adapter\": 3, \"adapter_path\": [3, 0], \"addr\": 88, \"rule\": 0}\n"
		"this is not json\n"
		"\n"
		"{\"kind\": \"atomic_xfer\", \"adapter\": 1}\n"
		"{\"ts_ns\": 2, \"kind\": \"atomic_xfer\", \"verdict\": \"violation\", \"adapter\": 0, \"addr\": 80, \"driver\": \"at24\"}\n"
		"{\"kind\": \"summary\", \"seen\": 2}\n"
		"{\"kind\": \"denied\", \"adapter\": 1, \"addr\": 81, \"ret\": -1}");
	assert_int_equal(rep.n, 3);
	assert_int_equal(rep.n_bad, 2);
	assert_int_equal(rep.bad[0].line, 2);
	assert_non_null(strstr(rep.bad[0].msg, "not JSON"));
	assert_int_equal(rep.bad[1].line, 4);
	assert_non_null(strstr(rep.bad[1].msg, "'addr' is missing"));
	assert_int_equal(rep.rec[1].line, 5);
	/* no policy: recorded verdicts stay */
	iag_report_decide(&rep, NULL, NULL, NULL);
	assert_int_equal(rep.allowed, 1);
	assert_int_equal(rep.violations, 1);
	assert_int_equal(rep.denied, 1);
	iag_report_free(&rep);
}

/* A record of repeats (the kernel's aggregates) counts for its "count". */
static void test_jsonl_repeats_count(void **state)
{
	struct iag_report rep;

	read_jsonl(&rep,
		"{\"ts_ns\": 5, \"kind\": \"atomic_xfer\", \"verdict\": \"violation\", \"adapter\": 0, \"addr\": 80}\n"
		"{\"ts_ns\": 9, \"kind\": \"atomic_xfer\", \"verdict\": \"violation\", \"adapter\": 0, \"addr\": 80, \"count\": 41, \"first_ts_ns\": 6, \"last_ts_ns\": 9}\n"
		"{\"ts_ns\": 9, \"kind\": \"denied\", \"verdict\": \"denied\", \"adapter\": 0, \"addr\": 81, \"count\": 0}\n"
		"{\"ts_ns\": 9, \"kind\": \"denied\", \"verdict\": \"denied\", \"adapter\": 0, \"addr\": 81, \"count\": 2, \"first_ts_ns\": \"x\"}\n");
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.n_bad, 2);
	assert_non_null(strstr(rep.bad[0].msg, "'count' is out of range"));
	assert_non_null(strstr(rep.bad[1].msg, "'first_ts_ns' must be"));
	assert_int_equal(rep.rec[1].count, 41);
	assert_int_equal(rep.rec[1].first_ts_ns, 6);
	assert_int_equal(rep.rec[1].last_ts_ns, 9);
	iag_report_decide(&rep, NULL, NULL, NULL);
	assert_int_equal(rep.violations, 42);
	iag_report_free(&rep);
}

static void test_json_report_reads_back(void **state)
{
	struct iag_report rep, back;
	char *out;

	read_console(&rep, mux_log);
	iag_report_decide(&rep, NULL, NULL, NULL);
	out = render(&rep, IAG_FMT_JSON, NULL);
	read_jsonl(&back, out);
	assert_int_equal(back.n_bad, 0);
	assert_int_equal(back.n, rep.n);
	for (size_t i = 0; i < rep.n; i++) {
		assert_int_equal(back.rec[i].kind, rep.rec[i].kind);
		assert_int_equal(back.rec[i].verdict, rep.rec[i].verdict);
		assert_int_equal(back.rec[i].path_len, rep.rec[i].path_len);
		assert_int_equal(back.rec[i].line, rep.rec[i].line);
		assert_string_equal(back.rec[i].device, rep.rec[i].device);
	}
	free(out);
	iag_report_free(&back);
	iag_report_free(&rep);
	/* a broken one: one bad "line", no records */
	read_jsonl(&back, "{\n  \"records\": [1, 2\n");
	assert_int_equal(back.n, 0);
	assert_int_equal(back.n_bad, 1);
	iag_report_free(&back);
}

static void test_verdicts_from_policy(void **state)
{
	struct iag_policy *p = pol("  - i2c: 3-0050\n  - driver: at24\n");
	struct iag_keyset ks;
	struct iag_devmodel *m = iag_devmodel_open(fixture_sysfs());
	struct iag_report rep;

	assert_int_equal(iag_resolve_ex(p, fixture_sysfs(), IAG_RESOLVE_QUIET, &ks), 0);
	read_console(&rep, mux_log);
	iag_report_decide(&rep, p, &ks, m);
	assert_int_equal(rep.allowed, 2);
	assert_int_equal(rep.rec[1].rule, 0);
	assert_string_equal(rep.rec[1].rule_text, "i2c: 3-0050");
	iag_report_free(&rep);

	/*
	 * sysfs gone: only the rules that need none (i2c:, adapter:) give
	 * keys; a name the record declares ("driver": "at24") decides nothing.
	 */
	read_jsonl(&rep,
		"{\"kind\": \"atomic_xfer\", \"adapter\": 5, \"addr\": 80, \"driver\": \"at24\"}\n"
		"{\"kind\": \"atomic_xfer\", \"adapter\": 3, \"addr\": 80}\n"
		"{\"kind\": \"atomic_xfer\", \"adapter\": 5, \"addr\": 81, \"verdict\": \"allowed\"}\n"
		"{\"kind\": \"atomic_context_xfer\", \"adapter\": 3, \"addr\": 80}\n");
	iag_report_decide(&rep, p, NULL, NULL);
	assert_int_equal(rep.rec[0].verdict, IAG_VERDICT_VIOLATION);
	assert_int_equal(rep.rec[0].rule, -1);
	assert_int_equal(rep.rec[1].verdict, IAG_VERDICT_ALLOWED);
	assert_int_equal(rep.rec[2].verdict, IAG_VERDICT_VIOLATION);
	assert_int_equal(rep.rec[3].verdict, IAG_VERDICT_VIOLATION);
	assert_int_equal(rep.allowed, 1);
	assert_int_equal(rep.violations, 3);
	iag_report_free(&rep);
	iag_keyset_free(&ks);
	iag_devmodel_close(m);
	iag_policy_free(p);
}

/*
 * A record cannot vouch for itself: the names it declares ("device",
 * "driver", "rule", "verdict") decide nothing; adapter and address do.
 */
static void test_verdicts_ignore_declared_names(void **state)
{
	struct iag_policy *p = pol("  - i2c: 0-0058\n  - driver: da9063\n  - i2c: 1-a050\n");
	struct iag_report rep;

	read_jsonl(&rep,
		"{\"kind\": \"atomic_xfer\", \"verdict\": \"allowed\", \"rule\": 0, \"rule_text\": \"i2c: 0-0058\", \"adapter\": 1, \"addr\": 80, \"device\": \"0-0058\", \"driver\": \"da9063\"}\n"
		"{\"kind\": \"atomic_xfer\", \"adapter\": 0, \"addr\": 88, \"device\": \"9-0009\"}\n"
		/* 10-bit 0x050 on i2c-1 is not the 7-bit 0x50 */
		"{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 80, \"flags\": 0}\n"
		"{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 80, \"flags\": 16}\n");
	iag_report_decide(&rep, p, NULL, NULL);
	assert_int_equal(rep.rec[0].verdict, IAG_VERDICT_VIOLATION);
	assert_int_equal(rep.rec[0].rule, -1);
	assert_null(rep.rec[0].rule_text);
	assert_int_equal(rep.rec[1].verdict, IAG_VERDICT_ALLOWED);
	assert_int_equal(rep.rec[1].rule, 0);
	assert_int_equal(rep.rec[2].verdict, IAG_VERDICT_VIOLATION);
	assert_int_equal(rep.rec[3].verdict, IAG_VERDICT_ALLOWED);
	assert_int_equal(rep.rec[3].rule, 2);
	assert_int_equal(rep.violations, 2);
	iag_report_free(&rep);
	iag_policy_free(p);
}

/* Memory bounded by the line cap: a huge line is refused, not read whole. */
static void test_jsonl_line_cap(void **state)
{
	size_t big = 3 * IAG_REPORT_MAX_LINE;
	char *s = malloc(big + 200);
	struct iag_report rep;

	memset(s, ' ', big);
	s[0] = '{';
	strcpy(s + big, "}\n{\"kind\": \"atomic_xfer\", \"adapter\": 2, \"addr\": 81}\n");
	read_jsonl(&rep, s);
	assert_int_equal(rep.n_bad, 1);
	assert_int_equal(rep.bad[0].line, 1);
	assert_non_null(strstr(rep.bad[0].msg, "longer than"));
	assert_int_equal(rep.n, 1);
	assert_int_equal(rep.rec[0].line, 2);
	iag_report_free(&rep);
	free(s);
}

/*
 * The event name right after the kernel's prefix, nowhere else; and an open
 * transfer takes in another only on a mux parent the log shows.
 */
static void test_console_anchored(void **state)
{
	struct iag_report rep;

	read_console(&rep,
		"[    1.000000] usb 1-1: Product: i2c_atomic_xfer: adapter=0 addr=0x58 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"[    1.000001] x i2c-atomic: event=xfer adapter=0 addr=0x58 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"  sh-1       [000] d..1.    5.000001: bprint: i2c_atomic_xfer: adapter=0 addr=0x58 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"<6>[    6.000000] i2c_atomic_xfer: adapter=4 addr=0x10 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"i2c_atomic_xfer: adapter=5 addr=0x11 flags=0x0000 msgs=1 cb=none state=power_off\n");
	assert_int_equal(rep.events, 2);
	assert_int_equal(rep.n, 2);
	assert_int_equal(rep.rec[0].adapter, 4);
	assert_true(rep.rec[0].has_ts);
	assert_int_equal(rep.rec[1].adapter, 5);
	/* no "Added multiplexed" line for i2c-5: 4's transfer lost its result */
	assert_int_equal(rep.unterminated, 2);
	assert_int_equal(rep.nested, 0);
	iag_report_free(&rep);
}

/* atomic_log records stay unless each has its tracepoint twin. */
static void test_console_dedupe_per_event(void **state)
{
	struct iag_report rep;

	read_console(&rep,
		"[    1.000000] i2c_atomic_smbus_xfer: adapter=0 addr=0x58 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=suspend\n"
		"[    1.000001] i2c_atomic_result: adapter=0 addr=0x58 ret=0\n"
		"[    9.000000] i2c-atomic: event=smbus_xfer adapter=0 addr=0x58 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[    9.000001] i2c-atomic: event=result adapter=0 addr=0x58 ret=0\n"
		"[    9.000100] i2c-atomic: event=xfer adapter=1 addr=0x51 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"[    9.000101] i2c_atomic_xfer: adapter=1 addr=0x51 flags=0x0000 msgs=1 cb=none state=power_off\n"
		"[    9.000102] i2c-atomic: event=result adapter=1 addr=0x51 ret=1\n"
		"[    9.000103] i2c_atomic_result: adapter=1 addr=0x51 ret=1\n");
	assert_int_equal(rep.n, 3);
	assert_int_equal(rep.rec[0].system_state, IAG_STATE_SUSPEND);
	assert_int_equal(rep.rec[1].system_state, IAG_STATE_POWER_OFF);
	assert_int_equal(rep.rec[1].line, 3);
	assert_int_equal(rep.rec[2].adapter, 1);
	assert_non_null(strstr(rep.note, "1 record from the atomic_log lines was left out"));
	iag_report_free(&rep);
}

/*
 * Mux nesting from the sysfs chain (no boot lines in the log), v2 trailing
 * fields, and a select that the leaf never follows through is a record.
 */
static void test_console_sysfs_chain_v2(void **state)
{
	struct iag_devmodel *m = iag_devmodel_open(fixture_sysfs());
	struct iag_report rep;
	FILE *f;
	const char *log =
		"[   12.000001] i2c_atomic_xfer: adapter=3 addr=0x50 flags=0x0000 msgs=2 cb=none state=power_off irqs_off=1 preempt=1\n"
		"[   12.000002] i2c_atomic_smbus_xfer: adapter=0 addr=0x70 flags=0x0000 rw=write cmd=0x01 proto=1 cb=none state=power_off irqs_off=1 preempt=1\n"
		"[   12.000003] i2c_atomic_result: adapter=0 addr=0x70 ret=0\n"
		"[   12.000004] i2c_atomic_xfer: adapter=0 addr=0x50 flags=0x0000 msgs=2 cb=none state=power_off irqs_off=1 preempt=1\n"
		"[   12.000005] i2c_atomic_result: adapter=0 addr=0x50 ret=2\n"
		"[   12.000006] i2c_atomic_result: adapter=3 addr=0x50 ret=2\n"
		"[   13.000000] i2c_atomic_xfer: adapter=3 addr=0x50 flags=0x0000 msgs=2 cb=none state=power_off irqs_off=1 preempt=1\n"
		"[   13.000002] i2c_atomic_smbus_xfer: adapter=0 addr=0x22 flags=0x0000 rw=write cmd=0x01 proto=1 cb=none state=power_off irqs_off=1 preempt=1\n"
		"[   13.000003] i2c_atomic_result: adapter=0 addr=0x22 ret=0\n"
		"[   14.000000] i2c_atomic_refused: adapter=0 addr=0x50 err=-108 state=suspend irqs_off=1 preempt=0\n"
		/* v2: refused nested in an emulated SMBus transfer; denied with state= */
		"[   15.000000] i2c_atomic_smbus_xfer: adapter=1 addr=0x51 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_emulated state=power_off\n"
		"[   15.000001] i2c_atomic_refused: adapter=1 addr=0x51 err=-95 state=power_off\n"
		"[   15.000002] i2c_atomic_result: adapter=1 addr=0x51 ret=-95\n"
		"[   16.000000] i2c-atomic: event=smbus_xfer adapter=0 addr=0x52 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
		"[   16.000001] i2c-atomic: event=denied adapter=0 addr=0x52 err=-1 state=power_off\n"
		"[   16.000002] i2c-atomic: event=result adapter=0 addr=0x52 ret=-1\n";

	assert_non_null(m);
	f = fmemopen((void *)log, strlen(log), "r");
	iag_report_init(&rep, "console.log");
	assert_int_equal(iag_report_read_console_ex(&rep, f, m), 0);
	fclose(f);
	assert_int_equal(rep.n, 6);
	assert_int_equal(rep.n_bad, 0);
	assert_int_equal(rep.rec[4].addr, 0x51);
	assert_int_equal(rep.rec[4].kind, IAG_KIND_ATOMIC_XFER);
	assert_int_equal(rep.rec[4].ret, -95);
	assert_int_equal(rep.rec[5].kind, IAG_KIND_DENIED);
	assert_int_equal(rep.rec[5].ret, -1);
	assert_int_equal(rep.rec[0].path_len, 2);
	assert_int_equal(rep.rec[0].ret, 2);
	assert_int_equal(rep.rec[0].irqs_disabled, 1);
	assert_int_equal(rep.rec[0].preempt_count, 1);
	assert_int_equal(rep.nested, 3);
	assert_false(rep.rec[1].has_ret);	/* lost result */
	assert_int_equal(rep.rec[2].addr, 0x22);	/* not a select after all */
	assert_int_equal(rep.rec[3].adapter, 0);
	assert_int_equal(rep.rec[3].ret, -108);
	if (iag_kind_from_name("refused") > 0)
		assert_int_equal(rep.rec[3].kind, iag_kind_from_name("refused"));
	assert_int_equal(rep.unterminated, 1);
	iag_report_free(&rep);
	iag_devmodel_close(m);
}

/* "1 record", "1 violation": no "1 records". */
static void test_summary_plural(void **state)
{
	struct iag_report rep;
	char *out;

	read_jsonl(&rep, "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 80}\n");
	iag_report_decide(&rep, NULL, NULL, NULL);
	out = render(&rep, IAG_FMT_TEXT, NULL);
	assert_non_null(strstr(out, "summary: 1 record: 0 allowed, 1 violation, 0 denied"));
	assert_non_null(strstr(out, "0 bad lines, 0 unterminated transfers, 0 nested levels folded"));
	free(out);
	iag_report_free(&rep);
}

static void test_escapers(void **state)
{
	char *s;

	s = iag_esc_text("we ird\n\xff\"q\"\\");
	assert_string_equal(s, "\"we ird\\n\\xff\\\"q\\\"\\\\\"");
	free(s);
	s = iag_esc_text("plain");
	assert_string_equal(s, "plain");
	free(s);
	s = iag_esc_text(NULL);
	assert_string_equal(s, "-");
	free(s);
	s = iag_esc_ktap("a # b\nc\\\x01");
	assert_string_equal(s, "a \\x23 b\\nc\\\\\\x01");
	free(s);
	s = iag_esc_xml("<&>\"'\n\x01\xff\xef\xbf\xbf\xc3\xa9");
	assert_string_equal(s, "&lt;&amp;&gt;&quot;&apos;&#10;\\x01\\xff\\uffff\xc3\xa9");
	free(s);
	s = iag_esc_dot("a\"b\\c\nd\xff");
	assert_string_equal(s, "a\\\"b\\\\c\\nd\\\\xff");
	free(s);
}

/* A report naming devices of the weird tree, for every format. */
static void weird_report(struct iag_report *rep, struct iag_devmodel *m)
{
	struct iag_record r;

	iag_report_init(rep, "we ird\nsource\xff.log");
	iag_record_init(&r);
	r.kind = IAG_KIND_ATOMIC_XFER;
	r.adapter = 7;
	r.addr = 0x42;
	r.adapter_path[0] = 7;
	r.path_len = 1;
	r.has_ret = true;
	r.ret = 0;
	r.system_state = IAG_STATE_POWER_OFF;
	r.callback = IAG_CB_NONE;
	iag_report_add(rep, &r);
	iag_record_init(&r);
	r.kind = IAG_KIND_ATOMIC_XFER;
	r.adapter = 7;
	r.addr = 0x43;
	r.device = strdup("dev # \"x\" <&>\n\x01\xfe");
	r.driver = strdup("drv\\");
	iag_report_add(rep, &r);
	iag_report_bad(rep, 9, "bad <line> \"here\" # \n\xff");
	iag_report_decide(rep, NULL, NULL, m);
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_formats_escape(void **state)
{
	const char *root = mk_weird_tree();
	struct iag_devmodel *m = iag_devmodel_open(root);
	struct iag_report rep;
	char *out, path[128];
	FILE *f;

	weird_report(&rep, m);
	assert_string_equal(rep.rec[0].driver, "drv \"q\"");

	/* text: one line per record, nothing raw */
	out = render(&rep, IAG_FMT_TEXT, m);
	assert_non_null(strstr(out, "\"drv \\\"q\\\"\""));
	assert_non_null(strstr(out, "\"dev # \\\"x\\\" <&>\\n\\x01\\xfe\""));
	assert_null(strchr(out, '\x01'));
	assert_null(strchr(out, '\xfe'));
	free(out);

	/* json: valid, round-trips */
	out = render(&rep, IAG_FMT_JSON, m);
	{
		json_error_t je;
		json_t *o = json_loads(out, 0, &je);

		if (!o)
			fail_msg("JSON: %s", je.text);
		assert_int_equal(json_array_size(json_object_get(o, "records")), 2);
		assert_string_equal(json_string_value(json_object_get(
			json_array_get(json_object_get(o, "records"), 1), "device")),
			"dev # \"x\" <&>\n\x01\\xfe");
		assert_int_equal(json_integer_value(json_object_get(
			json_object_get(o, "summary"), "violations")), 2);
		assert_int_equal(json_integer_value(json_object_get(
			json_array_get(json_object_get(o, "errors"), 0), "line")), 9);
		json_decref(o);
	}
	free(out);

	/* ktap: every line a KTAP line; names without '#' */
	out = render(&rep, IAG_FMT_KTAP, m);
	{
		char *save, *line, *dup = strdup(out);
		int tests = 0;

		for (line = strtok_r(dup, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "not ok ", 7) || !strncmp(line, "ok ", 3)) {
				tests++;
				assert_null(strchr(line, '#'));
			} else if (strcmp(line, "KTAP version 1") &&
				   strncmp(line, "1..", 3) && line[0] != '#') {
				fail_msg("not a KTAP line: '%s'", line);
			}
			for (char *p = line; *p; p++)
				assert_true((unsigned char)*p >= 0x20);
		}
		assert_int_equal(tests, 3);
		free(dup);
	}
	assert_non_null(strstr(out, "1..3\n"));
	assert_non_null(strstr(out, "not ok 1 7-0042\n"));
	assert_non_null(strstr(out, "not ok 2 dev \\x23 \"x\" <&>\\n\\x01\\xfe\n"));
	assert_non_null(strstr(out, "not ok 3 input\n"));
	free(out);

	/* junit: well-formed XML (xmllint when there is one) */
	out = render(&rep, IAG_FMT_JUNIT, m);
	assert_non_null(strstr(out, "name=\"dev # &quot;x&quot; &lt;&amp;&gt;&#10;\\x01\\xfe\""));
	assert_non_null(strstr(out, "tests=\"3\" failures=\"2\""));
	snprintf(path, sizeof(path), "%s/r.xml", root);
	f = fopen(path, "w");
	fputs(out, f);
	fclose(f);
	free(out);
	if (!run("command -v xmllint >/dev/null 2>&1")) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
		assert_int_equal(run(cmd), 0);
	}

	/* dot: graphviz accepts it */
	out = render(&rep, IAG_FMT_DOT, m);
	assert_non_null(strstr(out, "digraph"));
	assert_non_null(strstr(out, "\"d:7-0042\" [label=\"7-0042\\ndrv \\\"q\\\"\""));
	assert_non_null(strstr(out, "\"d:we ird\\n\\\\xff\" [label=\"we ird\\n\\\\xff\", shape=note]"));
	assert_non_null(strstr(out, "label=\"consumes\""));
	snprintf(path, sizeof(path), "%s/r.dot", root);
	f = fopen(path, "w");
	fputs(out, f);
	fclose(f);
	free(out);
	if (!run("command -v dot >/dev/null 2>&1")) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "dot -Tsvg '%s' -o /dev/null", path);
		assert_int_equal(run(cmd), 0);
	}
	iag_report_free(&rep);
	iag_devmodel_close(m);
	rm_tree(root);
}

static void test_dot_fixture_hierarchy(void **state)
{
	struct iag_policy *p = pol("  - i2c: 3-0050\n");
	struct iag_devmodel *m = iag_devmodel_open(fixture_sysfs());
	struct iag_keyset ks;
	struct iag_report rep;
	char *out, tmp[] = "/tmp/iag-dot-XXXXXX", cmd[128];
	int fd;

	assert_int_equal(iag_resolve_ex(p, fixture_sysfs(), IAG_RESOLVE_QUIET, &ks), 0);
	read_console(&rep, mux_log);
	iag_report_decide(&rep, p, &ks, m);
	out = render(&rep, IAG_FMT_DOT, m);
	/* adapters, the mux, its channels, clients, consumers */
	assert_non_null(strstr(out, "\"a:0\" -> \"d:0-0070\""));
	assert_non_null(strstr(out, "\"d:0-0070\" -> \"a:3\" [label=\"channel\"]"));
	assert_non_null(strstr(out, "\"a:3\" -> \"d:3-0020\""));
	assert_non_null(strstr(out, "\"d:gpio-restart\" -> \"d:3-0020\""));
	/* 3-0050 is not in the sysfs; it is in the records, allowed */
	assert_non_null(strstr(out, "\"d:3-0050\" [label=\"3-0050\\n(no driver)\", style=filled, fillcolor=\"#b7e4b7\""));
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, out, strlen(out)), (ssize_t)strlen(out));
	close(fd);
	if (!run("command -v dot >/dev/null 2>&1")) {
		snprintf(cmd, sizeof(cmd), "dot -Tsvg '%s' -o /dev/null", tmp);
		assert_int_equal(run(cmd), 0);
	}
	unlink(tmp);
	free(out);
	out = render(&rep, IAG_FMT_TEXT, m);
	assert_non_null(strstr(out, "summary: 2 records: 2 allowed, 0 violations"));
	free(out);
	iag_report_free(&rep);
	iag_keyset_free(&ks);
	iag_devmodel_close(m);
	iag_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_mux_nesting),
		cmocka_unit_test(test_console_atomic_log_emulated),
		cmocka_unit_test(test_console_denied_truncated_interleaved),
		cmocka_unit_test(test_console_failures_inside),
		cmocka_unit_test(test_console_lost_result),
		cmocka_unit_test(test_console_both_formats),
		cmocka_unit_test(test_console_per_cpu),
		cmocka_unit_test(test_console_ranges),
		cmocka_unit_test(test_console_garbage),
		cmocka_unit_test(test_jsonl_bad_line),
		cmocka_unit_test(test_jsonl_repeats_count),
		cmocka_unit_test(test_json_report_reads_back),
		cmocka_unit_test(test_verdicts_from_policy),
		cmocka_unit_test(test_verdicts_ignore_declared_names),
		cmocka_unit_test(test_jsonl_line_cap),
		cmocka_unit_test(test_console_anchored),
		cmocka_unit_test(test_console_dedupe_per_event),
		cmocka_unit_test(test_console_sysfs_chain_v2),
		cmocka_unit_test(test_summary_plural),
		cmocka_unit_test(test_escapers),
		cmocka_unit_test(test_formats_escape),
		cmocka_unit_test(test_dot_fixture_hierarchy),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
