// SPDX-License-Identifier: GPL-2.0-only
/* The JSON event record: names, ring-buffer conversion, JSON both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "iag_test_stubs.h"
#include "fixture_util.h"
#include "devmodel.h"
#include "record.h"

static void test_names(void **state)
{
	static const char *const kinds[] = { "atomic_xfer", "atomic_context_xfer",
		"lock_busy", "no_atomic_handler", "denied" };
	static const char *const cbs[] = { "none", "xfer_atomic",
		"smbus_xfer_atomic", "smbus_emulated", "unknown" };
	static const char *const states[] = { "booting", "scheduling",
		"freeing_initmem", "running", "halt", "power_off", "restart",
		"suspend" };

	for (int i = 0; i < 5; i++) {
		assert_string_equal(iag_kind_name(i + 1), kinds[i]);
		assert_int_equal(iag_kind_from_name(kinds[i]), i + 1);
		assert_string_equal(iag_callback_name(i), cbs[i]);
		assert_int_equal(iag_callback_from_name(cbs[i]), i);
	}
	for (int i = 0; i < 8; i++) {
		assert_string_equal(iag_state_name(i), states[i]);
		assert_int_equal(iag_state_from_name(states[i]), i);
	}
	assert_string_equal(iag_verdict_name(IAG_VERDICT_ALLOWED), "allowed");
	assert_string_equal(iag_verdict_name(IAG_VERDICT_VIOLATION), "violation");
	assert_string_equal(iag_verdict_name(IAG_VERDICT_DENIED), "denied");
	assert_null(iag_kind_name(0));
	assert_null(iag_kind_name(IAG_KIND_MAX));
	assert_null(iag_state_name(-1));
	assert_null(iag_state_name(8));
	assert_int_equal(iag_kind_from_name("summary"), -1);
	assert_int_equal(iag_state_from_name(NULL), -1);
}

static void test_from_event_to_json(void **state)
{
	struct iag_event ev;
	struct iag_record r;
	json_t *o;

	memset(&ev, 0, sizeof(ev));
	ev.abi_version = IAG_ABI_VERSION;
	ev.kind = IAG_KIND_ATOMIC_XFER;
	ev.verdict = IAG_VERDICT_VIOLATION;
	ev.callback = IAG_CB_SMBUS_XFER_ATOMIC;
	ev.system_state = IAG_STATE_SUSPEND;
	ev.ts_ns = 123;
	ev.adapter = 3;
	ev.addr = 0x50;
	ev.ret = 0;
	ev.pid = 1;
	ev.preempt_count = 1;
	ev.rule_id = IAG_NO_RULE;
	ev.irqs_disabled = 1;
	ev.path_len = 2;
	ev.adapter_path[0] = 3;
	ev.adapter_path[1] = 1;
	ev.is_smbus = 1;
	ev.smbus_protocol = 2;
	ev.smbus_command = 0x10;
	ev.smbus_read = 1;
	ev.stack_len = 2;
	ev.stack[0] = 0xffffffff81000000ULL;
	ev.stack[1] = 0xffffffff81000010ULL;
	memcpy(ev.comm, "init\0", 5);

	assert_int_equal(iag_record_from_event(&r, &ev), 0);
	assert_int_equal(r.kind, IAG_KIND_ATOMIC_XFER);
	assert_int_equal(r.path_len, 2);
	assert_int_equal(r.rule, -1);
	assert_int_equal(r.n_stack, 2);
	assert_string_equal(r.stack[0], "0xffffffff81000000");
	o = iag_record_to_json(&r);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "ts_ns")), 123);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "atomic_xfer");
	assert_string_equal(json_string_value(json_object_get(o, "verdict")), "violation");
	assert_string_equal(json_string_value(json_object_get(o, "callback")),
			    "smbus_xfer_atomic");
	assert_string_equal(json_string_value(json_object_get(o, "system_state")),
			    "suspend");
	assert_int_equal(json_array_size(json_object_get(o, "adapter_path")), 2);
	assert_int_equal(json_integer_value(json_object_get(o, "addr")), 80);
	assert_true(json_is_null(json_object_get(o, "rule")));
	assert_true(json_is_null(json_object_get(o, "device")));
	assert_true(json_is_true(json_object_get(o, "irqs_disabled")));
	assert_string_equal(json_string_value(json_object_get(o, "comm")), "init");
	assert_int_equal(json_integer_value(json_object_get(o, "smbus_command")), 0x10);
	{
		/* back again */
		struct iag_record r2;
		char err[128];

		assert_int_equal(iag_record_from_json(&r2, o, err, sizeof(err)), 0);
		assert_int_equal(r2.kind, r.kind);
		assert_int_equal(r2.verdict, r.verdict);
		assert_int_equal(r2.adapter, 3);
		assert_int_equal(r2.addr, 0x50);
		assert_int_equal(r2.path_len, 2);
		assert_int_equal(r2.adapter_path[1], 1);
		assert_int_equal(r2.callback, IAG_CB_SMBUS_XFER_ATOMIC);
		assert_int_equal(r2.system_state, IAG_STATE_SUSPEND);
		assert_int_equal(r2.irqs_disabled, 1);
		assert_int_equal(r2.preempt_count, 1);
		assert_int_equal(r2.ret, 0);
		assert_true(r2.has_ret);
		assert_int_equal(r2.n_stack, 2);
		assert_string_equal(r2.comm, "init");
		assert_int_equal(r2.pid, 1);
		assert_int_equal(r2.smbus_protocol, 2);
		iag_record_free(&r2);
	}
	json_decref(o);
	iag_record_free(&r);
}

static void test_from_json_errors(void **state)
{
	static const struct {
		const char *json;
		const char *err;
	} cases[] = {
		{ "[1]", "must be a JSON object" },
		{ "{}", "'kind' is missing" },
		{ "{\"kind\": 3}", "'kind' must be a string" },
		{ "{\"kind\": \"boom\"}", "unknown value 'boom'" },
		{ "{\"kind\": \"atomic_xfer\", \"addr\": 80}", "'adapter' is missing" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1}", "'addr' is missing" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": \"0x50\"}",
		  "'addr' must be an integer" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": -1, \"addr\": 1}",
		  "'adapter' is out of range" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 70000}",
		  "'addr' is out of range" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 1, \"verdict\": \"fine\"}",
		  "'verdict' has an unknown value" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 1, \"adapter_path\": 3}",
		  "'adapter_path' must be a list" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 1, \"stack\": [1]}",
		  "'stack' must be a list of strings" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 1, \"irqs_disabled\": 1}",
		  "'irqs_disabled' must be" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 1, \"device\": 5}",
		  "'device' must be a string" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 1, \"system_state\": 9}",
		  "'system_state' is out of range" },
		{ "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 1, \"ts_ns\": -5}",
		  "'ts_ns' must be a non-negative" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *o = json_loads(cases[i].json, 0, NULL);
		struct iag_record r;
		char err[160] = "";

		assert_non_null(o);
		assert_int_equal(iag_record_from_json(&r, o, err, sizeof(err)),
				 -EINVAL);
		if (!strstr(err, cases[i].err))
			fail_msg("%s: got '%s', want '%s'", cases[i].json, err,
				 cases[i].err);
		json_decref(o);
	}
	{
		json_t *o = json_loads("{\"kind\": \"summary\", \"seen\": 3}", 0, NULL);
		struct iag_record r;
		char err[64];

		assert_int_equal(iag_record_from_json(&r, o, err, sizeof(err)), 1);
		json_decref(o);
	}
	{
		/* system_state by number, unknown fields tolerated */
		json_t *o = json_loads("{\"kind\": \"lock_busy\", \"adapter\": 2, \"addr\": 16,"
				       " \"system_state\": 5, \"future\": {\"x\": 1}}", 0, NULL);
		struct iag_record r;
		char err[64];

		assert_int_equal(iag_record_from_json(&r, o, err, sizeof(err)), 0);
		assert_int_equal(r.system_state, IAG_STATE_POWER_OFF);
		assert_int_equal(r.kind, IAG_KIND_LOCK_BUSY);
		iag_record_free(&r);
		json_decref(o);
	}
}

static void test_utf8(void **state)
{
	char *s = iag_utf8_sanitize("a\xff" "b\xc3\xa9\n", 6);
	json_t *j;
	char *dump;

	assert_string_equal(s, "a\\xffb\xc3\xa9\n");
	free(s);
	s = iag_utf8_sanitize("\xed\xa0\x80", 3);	/* a surrogate */
	assert_string_equal(s, "\\xed\\xa0\\x80");
	free(s);
	s = iag_utf8_sanitize("\xe2\x82", 2);		/* cut short */
	assert_string_equal(s, "\\xe2\\x82");
	free(s);
	j = iag_json_str("we ird\n\xff\"q\"");
	assert_non_null(j);
	dump = json_dumps(j, JSON_ENCODE_ANY);
	assert_string_equal(dump, "\"we ird\\n\\\\xff\\\"q\\\"\"");
	free(dump);
	json_decref(j);
	j = iag_json_str(NULL);
	assert_true(json_is_null(j));
	json_decref(j);
}

static void test_fill_device(void **state)
{
	struct iag_devmodel *m = iag_devmodel_open(fixture_sysfs());
	struct iag_record r;

	iag_record_init(&r);
	r.kind = IAG_KIND_ATOMIC_XFER;
	r.adapter = 3;
	r.addr = 0x58;
	r.adapter_path[0] = 3;
	r.path_len = 1;
	iag_record_fill_device(&r, m);
	assert_string_equal(r.device, "3-0058");
	assert_string_equal(r.driver, "da9063");
	assert_string_equal(r.sysfs,
			    "/sys/devices/pci0000:00/0000:00:1f.3/i2c-0/i2c-3/3-0058");
	assert_int_equal(r.path_len, 2);
	assert_int_equal(r.adapter_path[1], 0);
	iag_record_free(&r);

	/* no such client: the name is made up from the numbers */
	iag_record_init(&r);
	r.adapter = 9;
	r.addr = 0x11;
	iag_record_fill_device(&r, m);
	assert_string_equal(r.device, "9-0011");
	assert_null(r.driver);
	iag_record_free(&r);
	iag_devmodel_close(m);
}

static void test_weird_device_json(void **state)
{
	const char *root = mk_weird_tree();
	struct iag_devmodel *m = iag_devmodel_open(root);
	struct iag_record r;
	json_t *o;
	char *s;

	iag_record_init(&r);
	r.kind = IAG_KIND_ATOMIC_XFER;
	r.verdict = IAG_VERDICT_VIOLATION;
	r.adapter = 7;
	r.addr = 0x42;
	iag_record_fill_device(&r, m);
	assert_string_equal(r.driver, "drv \"q\"");
	r.comm = strdup("sh\xfe");
	o = iag_record_to_json(&r);
	s = json_dumps(o, JSON_COMPACT);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"driver\":\"drv \\\"q\\\"\""));
	assert_non_null(strstr(s, "\"comm\":\"sh\\\\xfe\""));
	free(s);
	json_decref(o);
	iag_record_free(&r);
	iag_devmodel_close(m);
	rm_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_from_event_to_json),
		cmocka_unit_test(test_from_json_errors),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_fill_device),
		cmocka_unit_test(test_weird_device_json),
	};

	return cmocka_run_group_tests_name("record", tests, NULL, NULL);
}
