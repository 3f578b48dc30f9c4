// SPDX-License-Identifier: GPL-2.0-only
/*
 * A live JSON Lines record as written (iag_live_write) against the same
 * record built whole (iag_live_record_json, encoded by jansson): the writer
 * puts a stack's encoding, made once per distinct stack, in the place of
 * the record's "stack":null, and its head's (kind to system_state), made
 * once while it stays the same, in the place of "kind":null; the line must
 * be the same bytes, with and without stacks, with offsets (-v) or not, as
 * the head changes, and parse back equal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "iag_test_stubs.h"
#include "event_fixture.h"
#include "live.h"
#include "live_fixture.h"
#include "policy.h"
#include "util.h"

static char ksyms_file[64];

static int setup(void **state)
{
	strcpy(ksyms_file, "/tmp/iag-live-json-XXXXXX");
	return fx_temp_file(ksyms_file, "ffffffff81000000 T _stext\n"
			    "ffffffff81300000 T i2c_transfer\n"
			    "ffffffff81300400 T \"quoted\\name\n"	/* escaped in JSON */
			    "ffffffff81400000 T storm_fn\n"
			    "ffffffffa0020000 t plan_step\t[iag_test]\n");
}

static int teardown(void **state)
{
	unlink(ksyms_file);
	return 0;
}

static void storm_event(struct iag_event *ev, const char *comm)
{
	fx_event(ev, IAG_KIND_ATOMIC_CONTEXT_XFER, 3, 0x48);
	ev->verdict = IAG_VERDICT_VIOLATION;
	ev->system_state = IAG_STATE_RUNNING;
	ev->ts_ns = 987654321;
	ev->pid = 42;
	ev->msg_count = 2;
	ev->stack_len = 4;
	ev->stack[0] = 0xffffffff81300010UL;	/* i2c_transfer */
	ev->stack[1] = 0xffffffff81300404UL;	/* "quoted\name */
	ev->stack[2] = 0xffffffffa0020008UL;	/* plan_step [iag_test] */
	ev->stack[3] = 0xffffffff81400100UL;	/* storm_fn */
	memcpy(ev->comm, comm, strlen(comm) + 1);	/* shorter than IAG_COMM_LEN */
}

/* What iag_live_write() wrote for @ev is jansson's encoding of its whole record. */
static void check_written(struct iag_live *l, const struct iag_event *ev,
			  const struct iag_repeat *rep)
{
	char *line = NULL, *whole;
	size_t len = 0;
	json_t *o, *back;

	l->out = open_memstream(&line, &len);
	assert_non_null(l->out);
	iag_live_write(l, ev, rep);
	fclose(l->out);
	l->out = NULL;
	o = iag_live_record_json(l, ev, rep);
	assert_non_null(o);
	whole = json_dumps(o, JSON_COMPACT);
	assert_non_null(whole);
	assert_int_equal(len, strlen(whole) + 1);
	assert_memory_equal(line, whole, strlen(whole));
	assert_int_equal(line[len - 1], '\n');
	back = json_loads(line, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, o));
	json_decref(back);
	json_decref(o);
	free(whole);
	free(line);
}

/* @ev's stack is kept with its encoding: "stack": and that of its JSON array. */
static void check_kept(struct iag_live *l, const struct iag_event *ev, size_t frames)
{
	const char *text = NULL;
	size_t len = 0;
	json_t *st = iag_live_stack_json(l, ev, &text, &len);
	char *s = json_dumps(st, JSON_COMPACT);

	assert_int_equal(json_array_size(st), frames);
	assert_non_null(text);
	assert_non_null(s);
	assert_int_equal(len, strlen("\"stack\":") + strlen(s));
	assert_memory_equal(text, "\"stack\":", strlen("\"stack\":"));
	assert_memory_equal(text + strlen("\"stack\":"), s, strlen(s));
	free(s);
	json_decref(st);
}

static void test_spliced_stack(void **state)
{
	struct iag_repeat rep = { .count = 5, .first_ns = 10, .last_ns = 20 };
	struct iag_live l;
	struct iag_event ev;

	live_with_ksyms(&l, NULL, ksyms_file);
	/* A string that holds the mark is not where the stack goes. */
	storm_event(&ev, ",\"stack\":null");
	for (iag_verbose = 0; iag_verbose < 2; iag_verbose++) {
		check_written(&l, &ev, NULL);	/* the stack built */
		check_kept(&l, &ev, 4);
		check_written(&l, &ev, NULL);	/* the stack kept */
		check_written(&l, &ev, &rep);	/* keys after the stack */
	}
	iag_verbose = 0;
	l.max_stack = 2;
	check_written(&l, &ev, NULL);
	check_kept(&l, &ev, 2);
	l.max_stack = IAG_MAX_STACK;

	/* A stack that does not resolve is not kept: written whole. */
	ev.stack[1] = 0x1000;
	check_written(&l, &ev, NULL);
	check_written(&l, &ev, NULL);

	/* No stack: "stack":[] as jansson writes it. */
	ev.stack_len = 0;
	storm_event(&ev, "swapper/1");
	ev.stack_len = 0;
	check_written(&l, &ev, NULL);
	iag_live_fini(&l);
}

/* A head kept (kind to system_state) is made again when any of it changes. */
static void test_spliced_head(void **state)
{
	struct iag_repeat lost = { .count = 3, .first_ns = 1, .last_ns = 2, .first_lost = true };
	struct iag_live l;
	struct iag_event ev;

	live_with_ksyms(&l, NULL, ksyms_file);
	storm_event(&ev, "kworker/0:1");
	check_written(&l, &ev, NULL);
	ev.ts_ns++;
	ev.pid = 7;
	check_written(&l, &ev, &lost);	/* the same head, other members */
	ev.addr = 0x49;
	check_written(&l, &ev, NULL);
	ev.adapter = 5;
	check_written(&l, &ev, NULL);
	ev.path_len = 2;
	ev.adapter_path[1] = 0;
	check_written(&l, &ev, NULL);
	ev.adapter_path[1] = 1;
	check_written(&l, &ev, NULL);
	ev.verdict = IAG_VERDICT_DENIED;
	check_written(&l, &ev, NULL);
	ev.callback = IAG_CB_SMBUS_XFER_ATOMIC;
	check_written(&l, &ev, NULL);
	ev.system_state = IAG_STATE_POWER_OFF;
	check_written(&l, &ev, NULL);
	ev.kind = IAG_KIND_BUS_STUCK;
	ev.stack_len = 0;
	check_written(&l, &ev, NULL);
	ev.kind = IAG_KIND_ATOMIC_XFER;
	check_written(&l, &ev, NULL);
	/* Devices in turn: two, then more than the heads kept. */
	for (int i = 0; i < 40; i++) {
		ev.addr = 0x10 + (i < 10 ? i % 2 : i % 11);
		check_written(&l, &ev, NULL);
	}
	iag_live_fini(&l);
}

/*
 * The rest of a kept head (irqs_disabled to rule_text) and its tail (flags
 * to pulses): a record that differs in any one member only is written
 * with its own, never with the kept encoding of the record before.
 */
static void test_spliced_tail(void **state)
{
	struct iag_rule rules[2] = {
		{ .id = 0, .sel = IAG_SEL_I2C, .value = "3-0048" },
		{ .id = 1, .sel = IAG_SEL_ADAPTER, .value = "3" },
	};
	struct iag_policy pol = { .rules = rules, .n_rules = 2 };
	struct iag_live l;
	struct iag_event ev;

	live_with_ksyms(&l, NULL, ksyms_file);
	storm_event(&ev, "irq/9-storm");
	check_written(&l, &ev, NULL);
	ev.irqs_disabled = 0;
	check_written(&l, &ev, NULL);
	ev.irqs_disabled = 2;		/* unknown: null */
	check_written(&l, &ev, NULL);
	ev.preempt_count = 0x10000;
	check_written(&l, &ev, NULL);
	ev.ret = -110;
	check_written(&l, &ev, NULL);
	l.pol = &pol;
	ev.rule_id = 0;
	check_written(&l, &ev, NULL);
	ev.rule_id = 1;			/* another rule's text */
	check_written(&l, &ev, NULL);
	l.pol = NULL;
	check_written(&l, &ev, NULL);	/* the same rule id, no text */
	ev.rule_id = IAG_NO_RULE;
	ev.flags = 0x10;		/* I2C_M_TEN's neighbour: any number */
	check_written(&l, &ev, NULL);
	ev.msg_count = 1;
	check_written(&l, &ev, NULL);
	ev.is_smbus = 1;
	ev.smbus_protocol = 2;
	check_written(&l, &ev, NULL);
	ev.smbus_command = 0x7f;
	check_written(&l, &ev, NULL);
	ev.smbus_read = 1;
	check_written(&l, &ev, NULL);
	ev.kind = IAG_KIND_BUS_STUCK;
	ev.stack_len = 0;
	ev.scl = 1;
	ev.sda = 0;
	check_written(&l, &ev, NULL);
	ev.sda = -1;
	check_written(&l, &ev, NULL);
	ev.recovery = 1;
	check_written(&l, &ev, NULL);
	ev.kind = IAG_KIND_BUS_RECOVERY;
	ev.pulses = 9;
	check_written(&l, &ev, NULL);
	ev.pulses = 3;
	check_written(&l, &ev, NULL);
	iag_live_fini(&l);
}

/*
 * The rest of a record (time, task, count around the kept parts) is kept
 * as an object of its shape: records of the same shapes in turn each get
 * their own values, never those of the record before.
 */
static void test_spliced_shapes(void **state)
{
	struct iag_repeat rep = { .count = 5, .first_ns = 10, .last_ns = 20 };
	struct iag_repeat lost = { .count = 2, .first_ns = 30, .last_ns = 40, .first_lost = true };
	struct iag_live l;
	struct iag_event ev;

	live_with_ksyms(&l, NULL, ksyms_file);
	storm_event(&ev, "swapper/0");
	for (int i = 0; i < 12; i++) {
		ev.ts_ns += 1000;
		ev.pid = 100 + i;
		ev.comm[0] = 'a' + i;
		ev.stack_len = i % 4 == 3 ? 0 : 4;
		rep.count++;
		rep.last_ns += 7;
		lost.first_ns += 3;
		check_written(&l, &ev, i % 3 == 0 ? NULL : i % 3 == 1 ? &rep : &lost);
	}
	iag_live_fini(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spliced_stack),
		cmocka_unit_test(test_spliced_head),
		cmocka_unit_test(test_spliced_tail),
		cmocka_unit_test(test_spliced_shapes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
