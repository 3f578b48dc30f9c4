// SPDX-License-Identifier: GPL-2.0-only
/*
 * The KTAP we write, read by the kernel's own parser: `kunit.py parse`
 * from the linux-source-6.12 tree (only tools/testing/kunit is untarred,
 * once, into the cache). Each case checks the counts kunit.py finds
 * against the report's, and that test names stay the same run to run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "iag_test_stubs.h"
#include "fixture_util.h"
#include "policy.h"
#include "report.h"

#define KSRC_TARBALL	"/usr/src/linux-source-6.12.tar.xz"
#define KSRC_TOP	"linux-source-6.12"
#define KUNIT_DIR	"tools/testing/kunit"

static char kunit_py[PATH_MAX];
static char tmp[64];

/* The cached kunit tool, untarred from the Debian source package once. */
static const char *kunit_tool(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char cache[PATH_MAX], part[PATH_MAX + 16], cmd[3 * PATH_MAX];
	struct stat st;

	if (xdg && *xdg)
		snprintf(cache, sizeof(cache), "%s/i2c-atomic-guard/kunit-tool-6.12", xdg);
	else
		snprintf(cache, sizeof(cache), "%s/.cache/i2c-atomic-guard/kunit-tool-6.12",
			 home ? home : "/root");
	snprintf(kunit_py, sizeof(kunit_py), "%s/" KUNIT_DIR "/kunit.py", cache);
	if (!stat(kunit_py, &st))
		return kunit_py;
	if (stat(KSRC_TARBALL, &st))
		return NULL;
	snprintf(part, sizeof(part), "%s.part", cache);
	snprintf(cmd, sizeof(cmd),
		 "rm -rf '%s' && mkdir -p '%s' && tar -xJf " KSRC_TARBALL
		 " -C '%s' --strip-components=1 '" KSRC_TOP "/" KUNIT_DIR "' &&"
		 " rm -rf '%s' && mv '%s' '%s'",
		 part, part, part, cache, part, cache);
	if (system(cmd) || stat(kunit_py, &st))
		return NULL;
	return kunit_py;
}

static int setup(void **state)
{
	strcpy(tmp, "/tmp/iag-ktap-XXXXXX");
	return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
	rm_tree(tmp);
	return 0;
}

static struct iag_policy *policy(const char *yaml)
{
	struct iag_policy *p = NULL;
	struct iag_diag d;

	assert_int_equal(iag_policy_parse_buf(yaml, strlen(yaml), "p.yaml", &p, &d), 0);
	return p;
}

/* The report of @log (console) or @jsonl, decided by @yaml, as KTAP. */
static void write_ktap(const char *path, const char *input, bool console,
		       const char *yaml, struct iag_report *rep)
{
	FILE *in = fmemopen((void *)input, strlen(input), "r"), *out;
	struct iag_policy *p = yaml ? policy(yaml) : NULL;

	assert_non_null(in);
	iag_report_init(rep, "input");
	assert_int_equal(console ? iag_report_read_console(rep, in) :
				   iag_report_read_jsonl(rep, in), 0);
	fclose(in);
	iag_report_decide(rep, p, NULL, NULL);
	out = fopen(path, "w");
	assert_non_null(out);
	assert_int_equal(iag_report_write(rep, IAG_FMT_KTAP, NULL, out), 0);
	fclose(out);
	iag_policy_free(p);
}

/* kunit.py parse --json: the names and statuses of the test cases. */
static json_t *kunit_parse(const char *ktap)
{
	char json[PATH_MAX], cmd[4 * PATH_MAX];
	json_error_t je;
	json_t *o;

	snprintf(json, sizeof(json), "%s.json", ktap);
	snprintf(cmd, sizeof(cmd), "python3 '%s' parse --json='%s' '%s' >'%s.out' 2>&1",
		 kunit_py, json, ktap, ktap);
	(void)!system(cmd);	/* exits 1 when a test failed: the JSON says */
	o = json_load_file(json, 0, &je);
	if (!o)
		fail_msg("kunit.py wrote no JSON for %s: %s (see %s.out)", ktap,
			 je.text, ktap);
	return o;
}

static void count(json_t *o, size_t *pass, size_t *fail, size_t *other,
		  char *names, size_t names_len)
{
	json_t *cases = json_object_get(o, "test_cases"), *c;
	size_t i, used = 0;

	*pass = *fail = *other = 0;
	assert_true(json_is_array(cases));
	assert_int_equal(json_array_size(json_object_get(o, "sub_groups")), 0);
	json_array_foreach(cases, i, c) {
		const char *st = json_string_value(json_object_get(c, "status"));
		const char *nm = json_string_value(json_object_get(c, "name"));

		if (st && !strcmp(st, "PASS"))
			(*pass)++;
		else if (st && !strcmp(st, "FAIL"))
			(*fail)++;
		else
			(*other)++;	/* ERROR, SKIP, NO_TESTS: never ours */
		used += (size_t)snprintf(names + used, used < names_len ? names_len - used : 0,
					 "%s;", nm ? nm : "?");
	}
}

struct ktap_case {
	const char *name, *input, *policy;
	bool console;
	size_t pass, fail;
};

static const struct ktap_case cases[] = {
	{ "no transfer (ci of a quiet COMMAND)", "", NULL, false, 1, 0 },
	{ "allowed, violation, denied, bad line",
	  "[    1.000000] i2c_atomic_smbus_xfer: adapter=0 addr=0x58 flags=0x0000 rw=read cmd=0x00 proto=2 cb=smbus_xfer_atomic state=power_off\n"
	  "[    1.000001] i2c_atomic_result: adapter=0 addr=0x58 ret=0\n"
	  "[    1.000002] i2c_atomic_xfer: adapter=1 addr=0x50 flags=0x0000 msgs=1 cb=none state=power_off\n"
	  "[    1.000003] i2c_atomic_result: adapter=1 addr=0x50 ret=1\n"
	  "[    1.000004] i2c_atomic_smbus_xfer: adapter=1 addr=0x51 flags=0x0000 rw=read cmd=0x00 proto=2 cb=none state=power_off\n"
	  "[    1.000005] i2c_atomic_denied: adapter=1 addr=0x51 err=-1\n"
	  "[    1.000006] i2c_atomic_result: adapter=1 addr=0x51 ret=-1\n"
	  "[    1.000007] i2c_atomic_xfer: adapter=1 addr=0x5\n"
	  "[    1.000008] i2c_atomic_xfer: adapter=0 addr=0x58 flags=0x0000 msgs=1 cb=none state=power_off\n"
	  "[    1.000009] i2c_atomic_result: adapter=0 addr=0x58 ret=1\n",
	  "mode: audit\nallow:\n  - i2c: 0-0058\n", true, 1, 3 },
	{ "names with '#' and spaces (JSON Lines)",
	  "{\"kind\": \"atomic_xfer\", \"adapter\": 2, \"addr\": 16, \"device\": \"odd # name\"}\n"
	  "{\"kind\": \"atomic_xfer\", \"adapter\": 3, \"addr\": 17, \"device\": \"3-0011\"}\n",
	  "mode: audit\nallow:\n  - adapter: i2c-3\n", false, 1, 1 },
};

static void test_kunit_parses_our_ktap(void **state)
{
	char path[PATH_MAX], names[2][4096];

	if (!kunit_tool()) {
		print_message("SKIP: no %s to untar kunit.py from (Debian package linux-source-6.12)\n",
			      KSRC_TARBALL);
		skip();
	}
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		for (int run = 0; run < 2; run++) {
			struct iag_report rep;
			size_t pass, fail, other;
			json_t *o;

			snprintf(path, sizeof(path), "%s/case%zu-%d.ktap", tmp, k, run);
			write_ktap(path, cases[k].input, cases[k].console,
				   cases[k].policy, &rep);
			o = kunit_parse(path);
			count(o, &pass, &fail, &other, names[run], sizeof(names[run]));
			json_decref(o);
			if (pass != cases[k].pass || fail != cases[k].fail || other)
				fail_msg("%s: kunit.py found %zu passed, %zu failed, %zu other; want %zu, %zu, 0 (%s)",
					 cases[k].name, pass, fail, other,
					 cases[k].pass, cases[k].fail, path);
			iag_report_free(&rep);
		}
		/* stable test names run to run: CI history joins on them */
		assert_string_equal(names[0], names[1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kunit_parses_our_ktap, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
