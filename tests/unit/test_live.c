// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live side of audit/enforce without a kernel: kallsyms symbolization,
 * the JSON record of a ring-buffer event (names, path, stack without the
 * probe's own frames, bytes that are not UTF-8), kernel-feature decisions
 * (mode choice, why enforcement is impossible), small parsers.
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
#include "event_fixture.h"
#include "devmodel.h"
#include "fixture_util.h"
#include "record.h"
#include "ksyms.h"
#include "live.h"
#include "live_fixture.h"
#include "probe.h"
#include "session.h"
#include "util.h"

static char kallsyms[64];

static int setup(void **state)
{
	strcpy(kallsyms, "/tmp/iag-kallsyms-XXXXXX");
	return fx_temp_file(kallsyms, "ffffffff81000000 T _stext\n"
			    "ffffffff81100000 T __i2c_smbus_xfer\n"
			    "ffffffff81100400 T i2c_smbus_xfer\n"
			    "ffffffff81100800 d some_data\n"
			    "ffffffff81200000 T bpf_trace_run2\n"
			    "ffffffffa0000000 t bpf_prog_0123456789abcdef_tp_xfer\t[bpf]\n"
			    "ffffffffa0010000 t plan_run\t[iag_test]\n"
			    "0000000000000000 T hidden_by_kptr_restrict\n");
}

static int teardown(void **state)
{
	unlink(kallsyms);
	return 0;
}

static void test_ksyms(void **state)
{
	struct iag_ksyms *ks = iag_ksyms_load(kallsyms);
	const struct iag_ksym *s;
	char buf[128];

	assert_non_null(ks);
	s = iag_ksyms_find(ks, 0xffffffff81100410UL);
	assert_non_null(s);
	assert_string_equal(s->name, "i2c_smbus_xfer");
	assert_null(s->module);
	assert_string_equal(iag_ksyms_format(ks, 0xffffffff81100410UL, buf, sizeof(buf)),
			    "i2c_smbus_xfer+0x10");
	assert_string_equal(iag_ksyms_format(ks, 0xffffffffa0010020UL, buf, sizeof(buf)),
			    "plan_run+0x20 [iag_test]");
	/* Data symbols are not code: the address falls to the function before. */
	assert_string_equal(iag_ksyms_name(ks, 0xffffffff81100900UL, buf, sizeof(buf)),
			    "i2c_smbus_xfer");
	/* Below every symbol, and a zero address table entry: not found. */
	assert_null(iag_ksyms_find(ks, 0x1000));
	assert_string_equal(iag_ksyms_name(ks, 0x1000, buf, sizeof(buf)), "0x1000");
	iag_ksyms_free(ks);
	assert_null(iag_ksyms_load("/nonexistent/kallsyms"));
}

/* One symbol of any type, whole names only, and across the read's blocks. */
static void test_kallsyms_find(void **state)
{
	char big[] = "/tmp/iag-kallsyms-big-XXXXXX";
	unsigned long long addr = 0;
	long off = 0;
	FILE *f;

	assert_int_equal(iag_kallsyms_find(kallsyms, "some_data", &addr), 1);
	assert_true(addr == 0xffffffff81100800ULL);
	assert_int_equal(iag_kallsyms_find(kallsyms, "plan_run", &addr), 1);
	assert_true(addr == 0xffffffffa0010000ULL);
	assert_int_equal(iag_kallsyms_find(kallsyms, "i2c_smbus", NULL), 0);
	assert_int_equal(iag_kallsyms_find(kallsyms, "smbus_xfer", NULL), 0);
	assert_int_equal(iag_kallsyms_find(kallsyms, "iag_test", NULL), 0);
	assert_true(iag_kallsyms_find("/nonexistent/kallsyms", "x", NULL) < 0);

	/* The line sought cut in two by the first 256 KiB block. */
	f = fdopen(mkstemp(big), "w");
	assert_non_null(f);
	while (off < 256 * 1024 - 20)
		off += fprintf(f, "ffffffff81000000 t filler_%08ld\n", off);
	fputs("ffffffff82a0b2c0 D system_state\n", f);
	fclose(f);
	assert_int_equal(iag_kallsyms_find(big, "system_state", &addr), 1);
	assert_true(addr == 0xffffffff82a0b2c0ULL);
	unlink(big);
}

static void fill_event(struct iag_event *ev)
{
	fx_event(ev, IAG_KIND_ATOMIC_XFER, 4, 0x51);
	ev->verdict = IAG_VERDICT_VIOLATION;
	ev->callback = IAG_CB_SMBUS_XFER_ATOMIC;
	ev->ts_ns = 123;
	ev->ret = -1;
	ev->pid = 1;
	ev->path_len = 2;
	ev->adapter_path[1] = 1;
	ev->is_smbus = 1;
	ev->smbus_protocol = 2;
	ev->smbus_read = 1;
	ev->stack_len = 4;
	ev->stack[0] = 0xffffffffa0000010UL;	/* bpf_prog_* */
	ev->stack[1] = 0xffffffff81200010UL;	/* bpf_trace_run2 */
	ev->stack[2] = 0xffffffff81100005UL;	/* __i2c_smbus_xfer */
	ev->stack[3] = 0xffffffffa0010020UL;	/* plan_run [iag_test] */
	memcpy(ev->comm, "in\xff" "it", 6);	/* not UTF-8 */
}

/* A copy of @from, named into @to (a test may remove it). */
static void copy_file(const char *from, char *to, size_t len)
{
	FILE *in, *out;
	int c;

	snprintf(to, len, "/tmp/iag-kallsyms-copy-XXXXXX");
	out = fdopen(mkstemp(to), "w");
	in = fopen(from, "r");
	assert_non_null(out);
	assert_non_null(in);
	while ((c = fgetc(in)) != EOF)
		fputc(c, out);
	fclose(in);
	fclose(out);
}

/*
 * A stack is looked up in one pass over the file, and each address only
 * once: after the pass, the file can go and the stack still resolves, while
 * an address never asked for cannot be looked up any more.
 */
static void test_ksyms_on_demand(void **state)
{
	static const unsigned long long stack[] = {
		0xffffffffa0010020ULL, 0xffffffff81100410ULL, 0xffffffffa0010020ULL,
		0xffffffff81100004ULL, 0x1000ULL,
	};
	static const char *const want[] = {
		"plan_run+0x20 [iag_test]", "i2c_smbus_xfer+0x10", "plan_run+0x20 [iag_test]",
		"__i2c_smbus_xfer+0x4", "0x1000",
	};
	const unsigned long long other = 0xffffffff81200010ULL;
	char copy[64], buf[128];
	struct iag_ksyms *ks;

	copy_file(kallsyms, copy, sizeof(copy));

	ks = iag_ksyms_load(copy);
	assert_non_null(ks);
	assert_int_equal(iag_ksyms_resolve(ks, stack, 5), 0);
	unlink(copy);
	for (int i = 0; i < 5; i++)
		assert_string_equal(iag_ksyms_format(ks, stack[i], buf, sizeof(buf)), want[i]);
	/* Not asked for before the file went: no answer now. */
	assert_null(iag_ksyms_find(ks, 0xffffffff81200010UL));
	assert_string_equal(iag_ksyms_name(ks, 0xffffffff81200010UL, buf, sizeof(buf)),
			    "0xffffffff81200010");
	/* The stack again needs no file; a new address says the file is gone. */
	assert_int_equal(iag_ksyms_resolve(ks, stack, 5), 0);
	assert_int_equal(iag_ksyms_resolve(ks, &other, 1), -ENOENT);
	iag_ksyms_free(ks);
}

/*
 * What a pass learns is each answer's function, not just the address: a
 * storm of hard IRQs interrupts one function at a new offset each time, and
 * each of those must not cost a pass. The function ends at the next code
 * symbol (data symbols do not end it).
 */
static void test_ksyms_function_once(void **state)
{
	const unsigned long long first = 0xffffffff81100410ULL;
	struct iag_ksyms_stats st;
	char copy[64], buf[128];
	struct iag_ksyms *ks;

	copy_file(kallsyms, copy, sizeof(copy));
	ks = iag_ksyms_load(copy);
	assert_non_null(ks);
	assert_int_equal(iag_ksyms_resolve(ks, &first, 1), 0);
	unlink(copy);
	/* Elsewhere in i2c_smbus_xfer: known without the file, past some_data. */
	assert_string_equal(iag_ksyms_format(ks, 0xffffffff81100404UL, buf, sizeof(buf)),
			    "i2c_smbus_xfer+0x4");
	assert_string_equal(iag_ksyms_format(ks, 0xffffffff81100900UL, buf, sizeof(buf)),
			    "i2c_smbus_xfer+0x500");
	assert_string_equal(iag_ksyms_format(ks, 0xffffffff811ffff0UL, buf, sizeof(buf)),
			    "i2c_smbus_xfer+0xffbf0");
	iag_ksyms_stats(ks, &st);
	assert_int_equal(st.passes, 1);
	/* Its neighbours are other functions: not known, and the file is gone. */
	assert_null(iag_ksyms_find(ks, 0xffffffff811003f0UL));
	assert_null(iag_ksyms_find(ks, 0xffffffff81200000UL));
	iag_ksyms_free(ks);
}

/* A kallsyms of @n functions, 0x100 apart from 0xffffffff81000000, into @path. */
static void write_functions(char *path, size_t len, int n)
{
	FILE *f;

	snprintf(path, len, "/tmp/iag-kallsyms-fn-XXXXXX");
	f = fdopen(mkstemp(path), "w");
	assert_non_null(f);
	for (int i = 0; i < n; i++)
		fprintf(f, "%llx T fn%02d\n", 0xffffffff81000000ULL + 0x100ULL * i, i);
	fclose(f);
}

/*
 * Stacks that keep naming new functions: after a few passes over the file
 * the whole table is read once and answers from then on, so the file can go
 * and even a function never asked for before still resolves.
 */
static void test_ksyms_table_after_passes(void **state)
{
	unsigned long long a = 0xffffffff81000000ULL;
	char path[64], buf[128];
	struct iag_ksyms_stats st;
	struct iag_ksyms *ks;

	write_functions(path, sizeof(path), 40);
	ks = iag_ksyms_load(path);
	assert_non_null(ks);
	for (int i = 0; i < 16; i++) {	/* a new function each time */
		a += 0x110;
		assert_int_equal(iag_ksyms_resolve(ks, &a, 1), 0);
	}
	unlink(path);
	iag_ksyms_stats(ks, &st);
	assert_true(st.table);
	assert_string_equal(iag_ksyms_format(ks, 0xffffffff81002710UL, buf, sizeof(buf)),
			    "fn39+0x10");
	assert_null(iag_ksyms_find(ks, 0x1000));
	iag_ksyms_free(ks);
}

/*
 * A stack ends at its first frame in the kernel's entry code: below a hard
 * IRQ's entry is the code it interrupted, which must not be shown nor
 * looked up (a storm's interrupted frames named a new function each time).
 * Here plan_run plays the entry code, and _stext the interrupted code.
 */
static void test_stack_ends_at_entry(void **state)
{
	struct iag_ksyms_stats st;
	struct iag_live l;
	struct iag_event ev;
	char copy[64];
	json_t *o, *stack;

	copy_file(kallsyms, copy, sizeof(copy));
	live_with_ksyms(&l, NULL, copy);
	l.entry_lo = 0xffffffffa0010000ULL;
	l.entry_hi = 0xffffffffa0010100ULL;
	fill_event(&ev);
	ev.stack_len = 5;
	ev.stack[4] = 0xffffffff81000010UL;	/* _stext: interrupted */
	o = iag_live_event_json(&l, &ev);
	stack = json_object_get(o, "stack");
	assert_int_equal(json_array_size(stack), 2);
	assert_string_equal(json_string_value(json_array_get(stack, 1)), "plan_run");
	iag_ksyms_stats(l.ksyms, &st);
	assert_int_equal(st.passes, 1);
	json_decref(o);
	/* Another interrupted frame: the same record, from what is known. */
	unlink(copy);
	ev.stack[4] = 0xffffffff81200400UL;
	o = iag_live_event_json(&l, &ev);
	assert_int_equal(json_array_size(json_object_get(o, "stack")), 2);
	iag_ksyms_stats(l.ksyms, &st);
	assert_int_equal(st.passes, 1);
	json_decref(o);
	iag_live_fini(&l);
}

static void test_event_json(void **state)
{
	struct iag_live l;
	struct iag_event ev;
	json_t *o, *stack;
	char *s;

	live_with_ksyms(&l, NULL, kallsyms);
	fill_event(&ev);
	o = iag_live_event_json(&l, &ev);
	assert_non_null(o);
	s = json_dumps(o, JSON_COMPACT);
	assert_non_null(s);
	assert_non_null(strstr(s, "\"kind\":\"atomic_xfer\""));
	assert_non_null(strstr(s, "\"verdict\":\"violation\""));
	assert_non_null(strstr(s, "\"adapter_path\":[4,1]"));
	assert_non_null(strstr(s, "\"addr\":81,"));
	assert_non_null(strstr(s, "\"callback\":\"smbus_xfer_atomic\""));
	assert_non_null(strstr(s, "\"system_state\":\"suspend\""));
	assert_non_null(strstr(s, "\"irqs_disabled\":true"));
	assert_non_null(strstr(s, "\"rule\":null"));
	assert_non_null(strstr(s, "\"ret\":-1"));
	/* The probe's own frames are dropped, names without offsets. */
	stack = json_object_get(o, "stack");
	assert_int_equal(json_array_size(stack), 2);
	assert_string_equal(json_string_value(json_array_get(stack, 0)), "__i2c_smbus_xfer");
	assert_string_equal(json_string_value(json_array_get(stack, 1)), "plan_run");
	/* A byte that is not UTF-8 is spelled \xNN, the record still encodes. */
	assert_string_equal(json_string_value(json_object_get(o, "comm")), "in\\xffit");
	free(s);
	json_decref(o);

	/* --stack-depth 1 keeps one frame below the probe's. */
	l.max_stack = 1;
	o = iag_live_event_json(&l, &ev);
	assert_int_equal(json_array_size(json_object_get(o, "stack")), 1);
	json_decref(o);

	/* Unknown interrupt state is null, unknown enum values "unknown". */
	ev.irqs_disabled = 2;
	ev.kind = 77;
	o = iag_live_event_json(&l, &ev);
	assert_true(json_is_null(json_object_get(o, "irqs_disabled")));
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "unknown");
	json_decref(o);
	iag_live_fini(&l);
}

static void test_live_counts(void **state)
{
	struct iag_live l;
	struct iag_event ev;
	char path[] = "/tmp/iag-live-XXXXXX";
	int fd = mkstemp(path);
	char line[8192];
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(iag_live_init(&l, path, false, NULL), IAG_EXIT_OK);
	assert_true(l.json);	/* files are always JSON Lines */
	l.dm_tried = true;
	fill_event(&ev);
	ev.stack_len = 0;
	assert_int_equal(iag_live_event(&ev, &l), 0);
	ev.verdict = IAG_VERDICT_DENIED;
	ev.kind = IAG_KIND_DENIED;
	assert_int_equal(iag_live_event(&ev, &l), 0);
	assert_int_equal(l.records, 2);
	assert_int_equal(l.violations, 1);
	assert_int_equal(l.denied, 1);
	iag_live_fini(&l);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "\"verdict\":\"violation\""));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(strstr(line, "\"kind\":\"denied\""));
	assert_null(fgets(line, sizeof(line), f));
	fclose(f);
	unlink(path);
	assert_int_equal(iag_live_init(&l, "/nonexistent/dir/out.jsonl", true, NULL),
			 IAG_EXIT_USAGE);
}

/*
 * The stop: a signal came and what is queued in the ring buffer is written.
 * Each queued stack with addresses never seen cost a pass over
 * /proc/kallsyms (about 300 ms each in the TCG VM, up to KSYMS_PASSES of
 * them before the whole table): the benchmark saw audit take 1.8 s to stop
 * after 200 hard-IRQ records. Once the signal has come (and while draining),
 * one read of the whole table answers every stack instead, and every record
 * is still written, named.
 */
static void test_drain_reads_kallsyms_once(void **state)
{
	char copy[64], path[] = "/tmp/iag-live-XXXXXX", line[8192];
	struct iag_ksyms_stats st;
	struct iag_event ev;
	struct iag_live l;
	int fd = mkstemp(path), n = 0;
	volatile int signalled = 2;
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	copy_file(kallsyms, copy, sizeof(copy));
	live_with_ksyms(&l, path, copy);
	l.stop = &signalled;
	fill_event(&ev);
	for (int i = 0; i < 40; i++) {	/* a stack not seen before each time */
		ev.stack[2] = 0xffffffff81100005UL + 8 * i;
		/* The signal came; then the loop ended and the rest is drained. */
		l.draining = i >= 20;
		assert_int_equal(iag_live_event(&ev, &l), l.draining ? 0 : -EINTR);
	}
	/* The device named while draining is that record's, not the last one's. */
	ev.addr = 0x52;
	assert_int_equal(iag_live_event(&ev, &l), 0);
	iag_ksyms_stats(l.ksyms, &st);
	assert_int_equal(st.passes, 0);
	assert_true(st.table);
	iag_live_fini(&l);
	unlink(copy);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		bool named = strstr(line, "\"stack\":[\"__i2c_smbus_xfer\",\"plan_run\"]");

		n += named && strstr(line, "\"device\":\"4-0051\"");
		n += 100 * (named && strstr(line, "\"device\":\"4-0052\""));
	}
	fclose(f);
	unlink(path);
	assert_int_equal(n, 140);
}

/* Repeats counted in the kernel: written as the first record with a count. */
static void test_live_repeats(void **state)
{
	struct iag_repeat rep = { .count = 41, .first_ns = 6000, .last_ns = 9000 };
	struct iag_live l;
	struct iag_event ev;
	json_t *o;

	assert_int_equal(iag_live_init(&l, "/dev/null", true, NULL), IAG_EXIT_OK);
	l.dm_tried = true;
	fill_event(&ev);
	ev.stack_len = 0;
	ev.first_of_aggregate = 1;
	assert_int_equal(iag_live_event(&ev, &l), 0);
	assert_non_null(l.agg);	/* remembered for its repeats */
	assert_int_equal(iag_live_write(&l, &ev, &rep), 0);
	assert_int_equal(l.records, 1);
	assert_int_equal(l.repeats, 41);
	assert_int_equal(l.violations, 42);

	o = iag_live_record_json(&l, &ev, &rep);
	assert_int_equal(json_integer_value(json_object_get(o, "count")), 41);
	assert_int_equal(json_integer_value(json_object_get(o, "first_ts_ns")), 6000);
	assert_int_equal(json_integer_value(json_object_get(o, "last_ts_ns")), 9000);
	assert_int_equal(json_integer_value(json_object_get(o, "ts_ns")), 9000);
	assert_string_equal(json_string_value(json_object_get(o, "comm")), "in\\xffit");
	assert_null(json_object_get(o, "first_record_lost"));
	json_decref(o);

	/* Made from the key alone: what the key does not hold is null. */
	rep.first_lost = true;
	o = iag_live_record_json(&l, &ev, &rep);
	assert_true(json_is_true(json_object_get(o, "first_record_lost")));
	assert_true(json_is_null(json_object_get(o, "comm")));
	assert_true(json_is_null(json_object_get(o, "pid")));
	assert_int_equal(json_integer_value(json_object_get(o, "addr")), 81);
	json_decref(o);

	/* An ordinary record has no count. */
	o = iag_live_event_json(&l, &ev);
	assert_null(json_object_get(o, "count"));
	json_decref(o);
	iag_live_fini(&l);
	assert_null(l.agg);
}

/* Device names are looked up once, until devices come or go. */
static void test_live_device_cache(void **state)
{
	const char *root = mk_weird_tree();
	struct iag_live l;
	struct iag_record r;
	char link[PATH_MAX];

	assert_non_null(root);
	assert_int_equal(iag_live_init(&l, "/dev/null", true, NULL), IAG_EXIT_OK);
	l.dm = iag_devmodel_open(root);
	l.dm_tried = true;
	assert_non_null(l.dm);
	for (int round = 0; round < 3; round++) {
		iag_record_init(&r);
		r.adapter = 7;
		r.addr = 0x42;
		r.adapter_path[0] = 7;
		r.path_len = 1;
		iag_live_fill_device(&l, &r);
		assert_string_equal(r.device, "7-0042");
		if (round < 2)	/* the cached name, though the driver went */
			assert_string_equal(r.driver, "drv \"q\"");
		else		/* a uevent came: looked up again */
			assert_null(r.driver);
		iag_record_free(&r);
		if (round == 0) {
			snprintf(link, sizeof(link), "%s/devices/i2c-7/7-0042/driver", root);
			assert_int_equal(unlink(link), 0);
		}
		if (round == 1)
			iag_live_devices_changed(&l);
	}
	assert_int_equal(l.n_devs, 1);
	iag_live_fini(&l);
	rm_tree(root);
}

static void patched(struct iag_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->btf = p->i2c_core = p->kprobe = p->bpffs = true;
	p->cap_sys_admin = true;
	p->tp_mask = 0x7f;
	p->n_tracepoints = 7;
	p->tracepoints = p->tp_core = true;
	p->hook = true;
	p->hook_errinj = 1;
	p->fmod_ret = 1;
	strcpy(p->lockdown, "none");
}

static void test_probe_decisions(void **state)
{
	struct iag_probe p;
	const char *why;

	patched(&p);
	assert_int_equal(iag_probe_pick_mode(&p, IAG_MODE_AUTO, &why), IAG_MODE_TRACEPOINT);
	assert_null(why);
	assert_null(iag_probe_enforce_blocker(&p));
	assert_true(iag_probe_has_tracepoint(&p, "i2c_atomic_denied"));
	assert_false(iag_probe_has_tracepoint(&p, "i2c_atomic_nonsense"));

	/* Stock kernel: kprobe mode, enforcement refused, saying why. */
	p.tp_mask = 0;
	p.n_tracepoints = 0;
	p.tracepoints = p.tp_core = false;
	p.hook = false;
	assert_int_equal(iag_probe_pick_mode(&p, IAG_MODE_AUTO, &why), IAG_MODE_KPROBE);
	assert_null(why);
	iag_probe_pick_mode(&p, IAG_MODE_TRACEPOINT, &why);
	assert_non_null(why);
	assert_non_null(strstr(why, "unpatched"));
	assert_non_null(strstr(iag_probe_enforce_blocker(&p), "i2c_atomic_xfer_check"));

	/* Hook present, but the verifier refuses fmod_ret on it. */
	patched(&p);
	p.fmod_ret = 0;
	strcpy(p.fmod_ret_err, "Invalid argument: i2c_atomic_xfer_check() is not modifiable");
	assert_non_null(strstr(iag_probe_enforce_blocker(&p), "not modifiable"));
	/* Not on the error-injection list and not tried: the first series cannot. */
	patched(&p);
	p.hook_errinj = 0;
	p.fmod_ret = -1;
	p.tp_gen = 1;
	assert_non_null(strstr(iag_probe_enforce_blocker(&p), "error-injection"));
	/* The second series registers a BTF fmodret set: no error injection needed. */
	p.tp_gen = 2;
	assert_null(iag_probe_enforce_blocker(&p));
	/* The verifier took fmod_ret on the hook: the list does not matter. */
	p.tp_gen = 1;
	p.fmod_ret = 1;
	assert_null(iag_probe_enforce_blocker(&p));

	/* An older series: xfer, smbus_xfer, result are enough to watch. */
	patched(&p);
	p.tp_mask = 0x7;
	p.n_tracepoints = 3;
	p.tracepoints = false;
	assert_int_equal(iag_probe_pick_mode(&p, IAG_MODE_AUTO, &why), IAG_MODE_TRACEPOINT);
	assert_null(why);
	assert_non_null(iag_probe_enforce_blocker(&p));	/* no denied event */

	/* Nothing works without these, whatever the mode. */
	patched(&p);
	strcpy(p.lockdown, "confidentiality");
	iag_probe_pick_mode(&p, IAG_MODE_AUTO, &why);
	assert_non_null(strstr(why, "lockdown"));
	patched(&p);
	p.cap_sys_admin = false;
	iag_probe_pick_mode(&p, IAG_MODE_KPROBE, &why);
	assert_non_null(strstr(why, "root"));
	patched(&p);
	p.i2c_core = false;
	assert_non_null(strstr(iag_probe_enforce_blocker(&p), "I2C"));
}

static void test_parsers(void **state)
{
	assert_int_equal(iag_parse_duration("30"), 30);
	assert_int_equal(iag_parse_duration("30s"), 30);
	assert_int_equal(iag_parse_duration("2m"), 120);
	assert_int_equal(iag_parse_duration("1h"), 3600);
	assert_int_equal(iag_parse_duration("0"), 0);
	assert_int_equal(iag_parse_duration("-1"), -1);
	assert_int_equal(iag_parse_duration("1x"), -1);
	assert_int_equal(iag_parse_duration(""), -1);
	assert_int_equal(iag_parse_duration("99999999999999999999"), -1);
	assert_int_equal(iag_mode_parse("auto"), IAG_MODE_AUTO);
	assert_int_equal(iag_mode_parse("tracepoint"), IAG_MODE_TRACEPOINT);
	assert_int_equal(iag_mode_parse("kprobe"), IAG_MODE_KPROBE);
	assert_int_equal(iag_mode_parse("fentry"), -1);
	assert_string_equal(iag_mode_name(IAG_MODE_KPROBE), "kprobe");
}

static void test_pin_dir(void **state)
{
	unsetenv("IAG_PIN_DIR");
	assert_string_equal(iag_pin_dir(), IAG_PIN_DIR);
	setenv("IAG_PIN_DIR", "/tmp/x", 1);
	assert_string_equal(iag_pin_dir(), "/tmp/x");
	setenv("IAG_PIN_DIR", "", 1);
	assert_string_equal(iag_pin_dir(), IAG_PIN_DIR);
	unsetenv("IAG_PIN_DIR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ksyms),
		cmocka_unit_test(test_kallsyms_find),
		cmocka_unit_test(test_ksyms_on_demand),
		cmocka_unit_test(test_ksyms_function_once),
		cmocka_unit_test(test_ksyms_table_after_passes),
		cmocka_unit_test(test_event_json),
		cmocka_unit_test(test_stack_ends_at_entry),
		cmocka_unit_test(test_live_counts),
		cmocka_unit_test(test_drain_reads_kallsyms_once),
		cmocka_unit_test(test_live_repeats),
		cmocka_unit_test(test_live_device_cache),
		cmocka_unit_test(test_probe_decisions),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_pin_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
