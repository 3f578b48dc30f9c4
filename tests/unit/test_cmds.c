// SPDX-License-Identifier: GPL-2.0-only
/* report, policy and shutdown-audit commands: output and exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <sys/mount.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "iag_test_stubs.h"
#include "fixture_util.h"
#include <linux/types.h>
#include "commands.h"
#include "ksyms.h"
#include "probe_btf.h"
#include "pins.h"
#include "resolve.h"
#include "../include/i2c_atomic_guard.h"

static char tmp[64];

static int setup(void **state)
{
	strcpy(tmp, "/tmp/iag-cmds-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	char d[300];

	snprintf(d, sizeof(d), "%s/bpffs", tmp);
	umount2(d, MNT_DETACH);	/* if a pinned-map test stopped half-way */
	unsetenv("IAG_PIN_DIR");
	rm_tree(tmp);
	return 0;
}

static const char *put(const char *name, const char *data)
{
	static char p[8][256];
	static int i;
	char *path = p[i++ % 8];
	FILE *f;

	snprintf(path, 256, "%s/%s", tmp, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(data, f);
	fclose(f);
	chmod(path, 0644);
	return path;
}

/* Run a command with stdout and stderr captured; returns its exit code. */
static int run(int (*fn)(int, char **), char **out, ...)
{
	char *argv[32], path[300];
	int argc = 0, rc, so, se, fd;
	va_list ap;
	FILE *f;
	long len;

	va_start(ap, out);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	snprintf(path, sizeof(path), "%s/out.txt", tmp);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	rc = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	f = fopen(path, "r");
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	*out = calloc(1, (size_t)len + 1);
	if (fread(*out, 1, (size_t)len, f) != (size_t)len)
		fail();
	fclose(f);
	return rc;
}

static const char *allowed_jsonl =
	"{\"kind\": \"atomic_xfer\", \"adapter\": 3, \"addr\": 88, \"system_state\": \"power_off\"}\n";

static void test_report_exit_codes(void **state)
{
	const char *pol = put("p.yaml", "mode: audit\nallow:\n  - i2c: 3-0058\n");
	const char *ok = put("ok.jsonl", allowed_jsonl);
	const char *bad = put("bad.jsonl", "{\"kind\": \"atomic_xfer\", \"adapter\": 3, \"addr\": 88}\nnope\n");
	const char *viol = put("v.jsonl", "{\"kind\": \"atomic_xfer\", \"adapter\": 1, \"addr\": 80}\n");
	const char *con = put("c.log", "[ 1.000000] i2c-atomic: event=xfer adapter=3 addr=0x58 msgs=1 cb=none state=halt\n"
				       "[ 1.000001] i2c-atomic: event=result adapter=3 addr=0x58 ret=1\n");
	char *out;

	/* allowed by the policy: 0 */
	assert_int_equal(run(do_report, &out, "report", "--policy", pol,
			     "--sysfs-root", fixture_sysfs(), ok, NULL), 0);
	assert_non_null(strstr(out, "1 allowed, 0 violations"));
	free(out);
	/* no policy: a violation, exit 1 */
	assert_int_equal(run(do_report, &out, "report", "--no-sysfs", ok, NULL), 1);
	free(out);
	/* a bad line and nothing violated: 2, and the line is named */
	assert_int_equal(run(do_report, &out, "report", "--policy", pol,
			     "--no-sysfs", bad, NULL), 2);
	assert_non_null(strstr(out, "bad.jsonl:2: not JSON"));
	free(out);
	assert_int_equal(run(do_report, &out, "report", "--policy", pol,
			     "--no-sysfs", "-f", "ktap", viol, NULL), 1);
	assert_non_null(strstr(out, "not ok 1 1-0050"));
	free(out);
	/* console log, JUnit */
	assert_int_equal(run(do_report, &out, "report", "--policy", pol, "-r",
			     fixture_sysfs(), "--format", "junit", "--console",
			     con, NULL), 0);
	assert_non_null(strstr(out, "<testcase classname=\"i2c-atomic-guard.device\" name=\"3-0058\">"));
	assert_non_null(strstr(out, "failures=\"0\""));
	free(out);
	/* records lost by the recorder while it counted a violation: 1 */
	{
		const char *lost = put("lost.jsonl",
			"{\"kind\": \"atomic_xfer\", \"verdict\": \"allowed\", \"adapter\": 3, \"addr\": 88}\n"
			"{\"kind\": \"summary\", \"seen\": 9, \"allowed\": 1, \"violations\": 8, \"denied\": 0, \"dropped\": 8}\n");

		assert_int_equal(run(do_report, &out, "report", "--no-sysfs", lost, NULL), 1);
		assert_non_null(strstr(out, "dropped 8 records"));
		free(out);
	}
	/* usage errors */
	assert_int_equal(run(do_report, &out, "report", "--format", "xml", ok, NULL), 2);
	free(out);
	assert_int_equal(run(do_report, &out, "report", NULL), 2);
	free(out);
	assert_int_equal(run(do_report, &out, "report", "/nonexistent.jsonl", NULL), 2);
	free(out);
	assert_int_equal(run(do_report, &out, "report", "--policy", tmp, ok, NULL), 2);
	assert_non_null(strstr(out, "directory"));
	free(out);
}

/*
 * tests/hostile/: console logs built to fool the reader, each with the exit
 * code and the violations it must give ("# expect: exit=1 violations=1").
 */
static void test_hostile_logs(void **state)
{
	const char *pol = put("hp.yaml", "mode: audit\nallow:\n  - i2c: 0-0058\n  - i2c: 3-0058\n");
	char dir[PATH_MAX], path[PATH_MAX + 300], want[64];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/../../hostile", fixtures_dir());
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d))) {
		int exit_code = -1, violations = -1, rc;
		char *out;
		FILE *f;

		if (!strstr(de->d_name, ".log"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		assert_int_equal(fscanf(f, "# expect: exit=%d violations=%d",
					&exit_code, &violations), 2);
		fclose(f);
		rc = run(do_report, &out, "report", "--no-sysfs", "--policy",
			 pol, "--console", path, NULL);
		snprintf(want, sizeof(want), " %d violation%s,", violations,
			 violations == 1 ? "" : "s");
		if (rc != exit_code || !strstr(out, want))
			fail_msg("%s: exit %d (want %d), want '%s' in:\n%s",
				 de->d_name, rc, exit_code, want, out);
		free(out);
		n++;
	}
	closedir(d);
	assert_true(n >= 5);
}

/* Every policy subcommand has its --help: usage on stdout, exit 0. */
static void test_policy_subcommand_help(void **state)
{
	static const char *const subs[] = { "check", "load", "refresh", "unload", "show" };
	char *out;

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		int rc = run(do_policy, &out, "policy", subs[i], "--help", NULL);

		if (rc != 0 || !strstr(out, "Usage:"))
			fail_msg("policy %s --help: exit %d, output:\n%s", subs[i], rc, out);
		free(out);
	}
}

/* --strict fails a rule that allows nothing, not only one that matches nothing. */
static void test_policy_check_strict_allows_nothing(void **state)
{
	const char *root = mk_acpi_tree();
	const char *pol = put("acpi.yaml", "mode: audit\nallow:\n  - driver: acpidrv\n");
	char *out;

	assert_non_null(root);
	assert_int_equal(run(do_policy, &out, "policy", "check", pol,
			     "--sysfs-root", root, NULL), 0);
	free(out);
	assert_int_equal(run(do_policy, &out, "policy", "check", "--strict",
			     pol, "--sysfs-root", root, NULL), 2);
	assert_non_null(strstr(out, "0 rules match nothing, 1 rule allows nothing"));
	free(out);
	rm_tree(root);
}

/* Nothing captured is its own outcome; --allow-empty accepts it. */
static void test_report_nothing_captured(void **state)
{
	const char *log = put("empty.log", "[    1.000000] reboot: Power down\n");
	const char *jl = put("empty.jsonl", "");
	const char *seen = put("seen.jsonl",
		"{\"kind\": \"summary\", \"seen\": 3, \"allowed\": 3, \"violations\": 0, \"denied\": 0, \"dropped\": 0}\n");
	char *out;

	assert_int_equal(run(do_report, &out, "report", "--no-sysfs",
			     "--console", log, NULL), 5);
	assert_non_null(strstr(out, "nothing captured"));
	free(out);
	assert_int_equal(run(do_report, &out, "report", "--no-sysfs", jl, NULL), 5);
	free(out);
	assert_int_equal(run(do_report, &out, "report", "--no-sysfs",
			     "--allow-empty", "--console", log, NULL), 0);
	free(out);
	/* a recorder that saw (allowed) transfers captured something */
	assert_int_equal(run(do_report, &out, "report", "--no-sysfs", seen, NULL), 0);
	free(out);
}

static void test_policy_check(void **state)
{
	const char *good = put("g.yaml", "mode: enforce\nallow:\n  - driver: at24\n  - i2c: 9-0010\n");
	const char *bad = put("b.yaml", "mode: enforce\nallow:\n  - driver: at24\n    i2c: 0-0050\n");
	char *out;

	assert_int_equal(run(do_policy, &out, "policy", "check", good,
			     "--sysfs-root", fixture_sysfs(), NULL), 0);
	assert_non_null(strstr(out, "rule 0 (line 3): driver at24"));
	assert_non_null(strstr(out, "key i2c-0 0x70 0-0070"));
	assert_non_null(strstr(out, "[matches nothing]"));
	free(out);
	assert_int_equal(run(do_policy, &out, "policy", "check", "--strict",
			     good, "--sysfs-root", fixture_sysfs(), NULL), 2);
	free(out);
	assert_int_equal(run(do_policy, &out, "policy", "check", "--json",
			     good, "-r", fixture_sysfs(), NULL), 0);
	{
		json_t *o = json_loads(out, 0, NULL);

		assert_non_null(o);
		assert_true(json_is_true(json_object_get(o, "valid")));
		assert_int_equal(json_array_size(json_object_get(o, "rules")), 2);
		assert_int_equal(json_integer_value(json_object_get(o, "unmatched_rules")), 1);
		json_decref(o);
	}
	free(out);
	assert_int_equal(run(do_policy, &out, "policy", "check", bad, NULL), 2);
	assert_non_null(strstr(out, "b.yaml:4:5: a rule has exactly one selector"));
	free(out);
	assert_int_equal(run(do_policy, &out, "policy", "check", "--json", bad, NULL), 2);
	{
		json_t *o = json_loads(out, 0, NULL);
		json_t *e;

		assert_non_null(o);
		e = json_array_get(json_object_get(o, "errors"), 0);
		assert_int_equal(json_integer_value(json_object_get(e, "line")), 4);
		assert_int_equal(json_integer_value(json_object_get(e, "column")), 5);
		json_decref(o);
	}
	free(out);
	assert_int_equal(run(do_policy, &out, "policy", "frobnicate", NULL), 2);
	free(out);
	assert_int_equal(run(do_policy, &out, "policy", NULL), 2);
	free(out);
}

static void test_policy_load_refusals(void **state)
{
	const char *p = put("l.yaml", "mode: enforce\nallow:\n  - i2c: 0-0050\n");
	const char *pa = put("la.yaml", "mode: audit\nallow:\n  - i2c: 0-0050\n");
	char *out;

	/* writable by others: refused before anything else */
	chmod(p, 0666);
	assert_int_equal(run(do_policy, &out, "policy", "load", p, NULL), 2);
	assert_non_null(strstr(out, "writable by other users"));
	free(out);
	chmod(p, 0644);
	if (getuid() == 0) {
		assert_int_equal(chown(p, 65534, 65534), 0);
		assert_int_equal(run(do_policy, &out, "policy", "load", p, NULL), 2);
		assert_non_null(strstr(out, "not owned by root"));
		free(out);
		assert_int_equal(chown(p, 0, 0), 0);
	}
	/* 'mode: audit' asks not to be enforced: refused unless overridden */
	assert_int_equal(run(do_policy, &out, "policy", "load", pa, NULL), 2);
	assert_non_null(strstr(out, "says 'mode: audit'"));
	assert_non_null(strstr(out, "--override-mode"));
	free(out);
	if (access("/sys/fs/bpf/i2c-atomic-guard/allow", F_OK)) {
		/* nothing pinned: exit 3, and say so */
		assert_int_equal(run(do_policy, &out, "policy", "load", p, NULL), 3);
		assert_non_null(strstr(out, "nothing is pinned"));
		/* the hint names options that exist (not "audit with pinning") */
		assert_null(strstr(out, "with pinning"));
		assert_non_null(strstr(out, "enforce --policy FILE --pin"));
		free(out);
		assert_int_equal(run(do_policy, &out, "policy", "load", pa, "--override-mode",
				     NULL), 3);
		free(out);
		assert_int_equal(run(do_policy, &out, "policy", "show", NULL), 3);
		free(out);
		assert_int_equal(run(do_policy, &out, "policy", "unload", NULL), 3);
		free(out);
		/* refresh with nothing pinned: nothing to do, and it says so */
		assert_int_equal(run(do_policy, &out, "policy", "refresh", NULL), 0);
		assert_non_null(strstr(out, "nothing pinned"));
		free(out);
	}
}

/* An allowlist as the BPF object makes it: a one-slot array of hash maps. */
static int make_allow(const char *dir, __u32 value_size, int *inner)
{
	LIBBPF_OPTS(bpf_map_create_opts, oo);
	char pin[400];
	__u32 slot = IAG_ALLOW_SLOT;
	int outer;

	*inner = bpf_map_create(BPF_MAP_TYPE_HASH, "allow_inner", sizeof(struct iag_allow_key),
				value_size, 64, NULL);
	if (*inner < 0)
		return -1;
	oo.inner_map_fd = *inner;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "allow", sizeof(__u32),
			       sizeof(__u32), 1, &oo);
	snprintf(pin, sizeof(pin), "%s/allow", dir);
	if (outer < 0 || bpf_map_update_elem(outer, &slot, inner, BPF_ANY) ||
	    bpf_obj_pin(outer, pin))
		return -1;
	return outer;
}

/* @fill: the inner map in the slot, as libbpf's static init would put it. */
static int make_allow_unpinned(int *inner, bool fill)
{
	LIBBPF_OPTS(bpf_map_create_opts, oo);
	__u32 slot = IAG_ALLOW_SLOT;
	int outer;

	*inner = bpf_map_create(BPF_MAP_TYPE_HASH, "allow_inner", sizeof(struct iag_allow_key),
				sizeof(struct iag_allow_val), 64, NULL);
	if (*inner < 0)
		return -1;
	oo.inner_map_fd = *inner;
	outer = bpf_map_create(BPF_MAP_TYPE_ARRAY_OF_MAPS, "allow", sizeof(__u32),
			       sizeof(__u32), 1, &oo);
	if (outer < 0 || (fill && bpf_map_update_elem(outer, &slot, inner, BPF_ANY)))
		return -1;
	return outer;
}

/* The inner map in the slot now (a new fd). */
static int current_set(int outer)
{
	__u32 slot = IAG_ALLOW_SLOT, id = 0;

	assert_int_equal(bpf_map_lookup_elem(outer, &slot, &id), 0);
	return bpf_map_get_fd_by_id(id);
}

static int count_keys(int fd)
{
	struct iag_allow_key k, next;
	int n = 0;

	while (!bpf_map_get_next_key(fd, n ? &k : NULL, &next)) {
		k = next;
		n++;
	}
	return n;
}

/* A 10-bit client and a 7-bit one at the same number are two keys. */
static void test_allow_swap_ten_bit(void **state)
{
	struct iag_key keys[2] = {
		{ .adapter = 2, .addr = 0xa050, .rule_id = 0 },
		{ .adapter = 2, .addr = 0x50, .rule_id = 1 },
	};
	struct iag_keyset ks = { .keys = keys, .n = 2 };
	struct iag_allow_key k = { .adapter = 2, .addr = 0x50 };
	struct iag_allow_val v;
	int outer, inner, set;

	if (geteuid() != 0)
		skip();
	outer = make_allow_unpinned(&inner, true);
	if (outer < 0)
		skip();
	assert_int_equal(iag_allow_swap(outer, -1, &ks), 0);
	set = current_set(outer);
	assert_int_equal(count_keys(set), 2);
	k.flags = IAG_KEY_TEN;
	assert_int_equal(bpf_map_lookup_elem(set, &k, &v), 0);
	assert_int_equal(v.rule_id, 0);
	k.flags = 0;
	assert_int_equal(bpf_map_lookup_elem(set, &k, &v), 0);
	assert_int_equal(v.rule_id, 1);
	close(set);
	close(outer);
	close(inner);
}

/*
 * A session's slot starts empty (no grace period at load): the first set is
 * made like the template map, and the slot then holds it.
 */
static void test_allow_swap_empty_slot(void **state)
{
	struct iag_key keys[1] = { { .adapter = 3, .addr = 0x51, .rule_id = 7 } };
	struct iag_keyset ks = { .keys = keys, .n = 1 };
	struct iag_allow_key k = { .adapter = 3, .addr = 0x51 };
	struct iag_allow_val v;
	__u32 slot = IAG_ALLOW_SLOT, id;
	int outer, inner, set;

	if (geteuid() != 0)
		skip();
	outer = make_allow_unpinned(&inner, false);
	if (outer < 0)
		skip();
	assert_int_not_equal(bpf_map_lookup_elem(outer, &slot, &id), 0);
	assert_int_equal(iag_allow_swap(outer, inner, &ks), 0);
	set = current_set(outer);
	assert_int_equal(count_keys(set), 1);
	assert_int_equal(bpf_map_lookup_elem(set, &k, &v), 0);
	assert_int_equal(v.rule_id, 7);
	close(set);
	close(outer);
	close(inner);
}

/*
 * The kernel's answer (a BPF syscall program) equals /proc/kallsyms': a
 * name whose NUL starts a chunk of its own (8 bytes), one that does not
 * (data: listed only with KALLSYMS_ALL, then by both), one nobody has.
 */
static void test_ksym_lookup(void **state)
{
	static const char *const names[] = { "schedule", "system_state" };
	unsigned long long a, b;
	size_t i;
	int r, f;

	if (geteuid() != 0 || iag_ksym_lookup("schedule", NULL) < 0)
		skip();		/* before 5.16, no privilege, addresses hidden */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		a = b = 0;
		r = iag_ksym_lookup(names[i], &a);
		f = iag_kallsyms_find("/proc/kallsyms", names[i], &b);
		if (f < 0 || (f && !b))
			continue;	/* the file hides the addresses */
		assert_int_equal(r, f);
		assert_true(a == b);
	}
	assert_int_equal(iag_ksym_lookup("schedule", NULL), 1);
	assert_int_equal(iag_ksym_lookup("iag_no_such_symbol_anywhere", NULL), 0);
	assert_true(iag_ksym_lookup("", NULL) < 0);
}

/* One pass over this machine's vmlinux BTF finds what libbpf's lookups find. */
static void test_btf_names_one_pass(void **state)
{
	static const struct { const char *name; __u32 kind; } q[] = {
		{ "schedule", BTF_KIND_FUNC }, { "task_struct", BTF_KIND_STRUCT },
		{ "btf_trace_sched_switch", BTF_KIND_TYPEDEF },
		{ "task_struct", BTF_KIND_FUNC }, { "iag_no_such_name", BTF_KIND_FUNC },
	};
	struct btf *vm = btf__load_vmlinux_btf();
	struct iag_btf_names bn;
	const struct btf *where;
	size_t i;
	int want;

	if (libbpf_get_error(vm))
		skip();
	iag_btf_names_init(&bn, vm, NULL);
	for (i = 0; i < 4; i++)		/* the last one: asked the slow way */
		iag_btf_names_add(&bn, q[i].name, q[i].kind);
	iag_btf_names_scan(&bn);
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		want = btf__find_by_name_kind(vm, q[i].name, q[i].kind);
		assert_int_equal(iag_btf_names_find(&bn, q[i].name, q[i].kind, &where),
				 want > 0 ? want : -1);
		assert_ptr_equal(where, vm);
	}
	assert_true(iag_btf_names_find(&bn, "schedule", BTF_KIND_FUNC, &where) > 0);
	btf__free(vm);
}

/* Real pinned maps on a private bpffs: root and a bpf syscall needed. */
static void test_policy_load_pinned(void **state)
{
	char dir[300], sub[340], *out;
	const char *p1, *p2;
	struct iag_allow_key k = { 0 };
	struct iag_allow_val v;
	int outer, inner, set, old;

	if (geteuid() != 0)
		skip();
	snprintf(dir, sizeof(dir), "%s/bpffs", tmp);
	fx_mkdirs(dir);
	if (mount("bpf", dir, "bpf", 0, NULL))
		skip();
	chmod(dir, 0700);
	outer = make_allow(dir, sizeof(struct iag_allow_val), &inner);
	if (outer < 0) {
		umount(dir);
		skip();
	}
	/* a key of the old set, which the new set must not have */
	k.adapter = 9;
	k.addr = 0x99;
	v.rule_id = 7;
	assert_int_equal(bpf_map_update_elem(inner, &k, &v, BPF_ANY), 0);
	setenv("IAG_PIN_DIR", dir, 1);
	p1 = put("pin1.yaml", "mode: enforce\nallow:\n  - i2c: 3-0058\n  - adapter: i2c-1\n");
	p2 = put("pin2.yaml", "mode: enforce\nallow:\n  - driver: at24\n");
	assert_int_equal(run(do_policy, &out, "policy", "load", p1, "--sysfs-root",
			     fixture_sysfs(), NULL), 0);
	assert_non_null(strstr(out, "4 keys from"));
	free(out);
	/* a new set swapped in; the old one untouched (a program saw it whole) */
	set = current_set(outer);
	assert_int_equal(count_keys(set), 4);
	assert_int_equal(count_keys(inner), 1);
	k.adapter = 0;
	k.addr = 0x70;
	assert_int_equal(bpf_map_lookup_elem(set, &k, &v), 0);
	assert_int_equal(v.rule_id, 0);
	k.adapter = 1;
	k.addr = IAG_ADDR_ANY;
	assert_int_equal(bpf_map_lookup_elem(set, &k, &v), 0);
	assert_int_equal(v.rule_id, 1);
	k.adapter = 9;
	k.addr = 0x99;
	assert_int_not_equal(bpf_map_lookup_elem(set, &k, &v), 0);
	assert_int_equal(run(do_policy, &out, "policy", "show", "--sysfs-root",
			     fixture_sysfs(), NULL), 0);
	assert_non_null(strstr(out, "4 keys in"));
	assert_non_null(strstr(out, "3-0058 (da9063)"));
	free(out);
	/* replaced as a whole */
	assert_int_equal(run(do_policy, &out, "policy", "load", p2, "--sysfs-root",
			     fixture_sysfs(), NULL), 0);
	free(out);
	old = set;
	set = current_set(outer);
	assert_int_equal(count_keys(set), 4);	/* 0-0050, 4-0051 on 4 and 0, mux 0-0070 */
	assert_int_equal(count_keys(old), 4);	/* the old set was never edited */
	close(old);
	k.adapter = 3;
	k.addr = 0x58;
	assert_int_not_equal(bpf_map_lookup_elem(set, &k, &v), 0);
	close(set);
	/* a pin directory others may write to is not trusted */
	chmod(dir, 0777);
	assert_int_equal(run(do_policy, &out, "policy", "load", p2, "--sysfs-root",
			     fixture_sysfs(), NULL), 2);
	assert_non_null(strstr(out, "pin directory not trusted"));
	assert_non_null(strstr(out, "writable by others"));
	free(out);
	chmod(dir, 0700);
	assert_int_equal(run(do_policy, &out, "policy", "unload", NULL), 0);
	free(out);
	set = current_set(outer);
	assert_int_equal(count_keys(set), 0);
	close(set);
	close(outer);
	close(inner);

	/*
	 * a swap the kernel refuses (the outer map takes only sets of another
	 * value size, as a foreign pin would): the old set stays, whole
	 */
	snprintf(sub, sizeof(sub), "%s/odd", dir);
	fx_mkdirs(sub);
	chmod(sub, 0700);
	outer = make_allow(sub, 8, &inner);
	assert_true(outer >= 0);
	k.adapter = 5;
	k.addr = 0x55;
	{
		__u64 big = 3;

		assert_int_equal(bpf_map_update_elem(inner, &k, &big, BPF_ANY), 0);
	}
	setenv("IAG_PIN_DIR", sub, 1);
	assert_int_equal(run(do_policy, &out, "policy", "load", p1, "--sysfs-root",
			     fixture_sysfs(), NULL), 4);
	assert_non_null(strstr(out, "the old set stays"));
	free(out);
	set = current_set(outer);
	assert_int_equal(count_keys(set), 1);
	{
		__u64 big = 0;

		assert_int_equal(bpf_map_lookup_elem(set, &k, &big), 0);
		assert_int_equal(big, 3);
	}
	close(set);
	unsetenv("IAG_PIN_DIR");
	close(outer);
	close(inner);
}

static void test_shutdown_audit(void **state)
{
	char d[300], *out, buf[64];
	FILE *f;

	setenv("IAG_SHUTDOWN_AUDIT_ROOT", tmp, 1);
	/* no I2C core: 3 */
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "arm", NULL), 3);
	assert_non_null(strstr(out, "no I2C core"));
	free(out);
	/* unpatched: 3, with the reason */
	snprintf(d, sizeof(d), "%s/sys/module/i2c_core", tmp);
	fx_mkdirs(d);
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "arm", NULL), 3);
	assert_non_null(strstr(out, "unpatched"));
	free(out);
	/* patched */
	snprintf(d, sizeof(d), "%s/sys/module/i2c_core/parameters", tmp);
	fx_mkdirs(d);
	fx_write(d, "atomic_log", "N\n", 2);
	snprintf(d, sizeof(d), "%s/proc/sys/kernel", tmp);
	fx_mkdirs(d);
	fx_write(d, "printk", "4\t4\t1\t7\n", 8);
	snprintf(d, sizeof(d), "%s/run", tmp);
	fx_mkdirs(d);
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "arm", NULL), 0);
	assert_non_null(strstr(out, "console loglevel 4 -> 7"));
	free(out);
	snprintf(d, sizeof(d), "%s/sys/module/i2c_core/parameters/atomic_log", tmp);
	f = fopen(d, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_int_equal(buf[0], 'Y');
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "status", "--json", NULL), 0);
	assert_non_null(strstr(out, "\"armed_by_us\": true"));
	assert_non_null(strstr(out, "\"previous_console_loglevel\": 4"));
	free(out);
	/* arming twice keeps the first saved values */
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "arm", NULL), 0);
	assert_non_null(strstr(out, "already armed"));
	free(out);
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "disarm", NULL), 0);
	assert_non_null(strstr(out, "restored to N, console loglevel to 4"));
	free(out);
	f = fopen(d, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_int_equal(buf[0], 'N');
	snprintf(d, sizeof(d), "%s/proc/sys/kernel/printk", tmp);
	f = fopen(d, "r");
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_int_equal(buf[0], '4');
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "disarm", NULL), 0);
	assert_non_null(strstr(out, "nothing to restore"));
	free(out);
	assert_int_equal(run(do_shutdown_audit, &out, "shutdown-audit", "explode", NULL), 2);
	free(out);
	unsetenv("IAG_SHUTDOWN_AUDIT_ROOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_report_exit_codes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_logs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_nothing_captured, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_check_strict_allows_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_subcommand_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_load_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_load_pinned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_swap_ten_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_swap_empty_slot, setup, teardown),
		cmocka_unit_test(test_ksym_lookup),
		cmocka_unit_test(test_btf_names_one_pass),
		cmocka_unit_test_setup_teardown(test_shutdown_audit, setup, teardown),
	};

	return cmocka_run_group_tests_name("commands", tests, NULL, NULL);
}
