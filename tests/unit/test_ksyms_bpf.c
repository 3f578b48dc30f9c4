// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel addresses named by the running kernel (ksyms_bpf.c: "%pS" from a
 * BPF syscall program) as /proc/kallsyms names them, and the "%pS" parser.
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

#include "iag_test_stubs.h"
#include "ksyms.h"
#include "ksyms_int.h"

static bool parse(const char *s, unsigned long query, struct ksym_pending *p)
{
	memset(p, 0, sizeof(*p));
	p->query = query;
	return ksym_parse_pS(s, p);
}

static void test_parse_pS(void **state)
{
	struct ksym_pending p;

	assert_true(parse("storm_fn+0xad/0x120 [iag_bench]", 0xffffffffa0000100UL, &p));
	assert_string_equal(p.name, "storm_fn");
	assert_string_equal(p.module, "iag_bench");
	assert_true(p.addr == 0xffffffffa0000100UL - 0xad);
	assert_true(p.next == p.addr + 0x120);
	assert_true(parse("do_sys_open+0x0/0x90", 0xffffffff81000000UL, &p));
	assert_string_equal(p.name, "do_sys_open");
	assert_string_equal(p.module, "");
	assert_true(p.addr == 0xffffffff81000000UL && p.next == p.addr + 0x90);
	assert_true(parse("foo.isra.0+0x4/0x8", 0x1004, &p));
	assert_string_equal(p.name, "foo.isra.0");
	/* No symbol, or not what "%pS" writes: not an answer. */
	assert_false(parse("0xffffffff81000010", 0xffffffff81000010UL, &p));
	assert_false(parse("x+0x30/0x20", 0x1000, &p));	/* beyond its size */
	assert_false(parse("x+0x10/0x", 0x1000, &p));
	assert_false(parse("x+0x10", 0x1000, &p));
	assert_false(parse("+0x10/0x20", 0x1000, &p));
	assert_false(parse("x+0x10/0x20 [mod", 0x1000, &p));
	assert_false(parse("x+0x10/0x20", 0x8, &p));		/* below 0 */
}

/* Up to @max code symbols of the running kernel (vmlinux and modules, no BPF program). */
static size_t some_functions(unsigned long long *addrs, size_t max)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], mod[256];
	size_t n = 0, seen = 0;

	while (f && n < max && fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char t;
		int k = sscanf(line, "%llx %c %255s %255s", &a, &t, name, mod);

		if (k < 3 || !a || (t != 't' && t != 'T') || (k == 4 && strncmp(mod, "[", 1)) ||
		    (k == 4 && (!strcmp(mod, "[bpf]") || !strncmp(mod, "[__builtin", 10))))
			continue;
		if (seen++ % 997 == 0 || (k == 4 && seen % 7 == 0)) {
			addrs[n] = a + n % 3;	/* the start or just after */
			n++;
		}
	}
	if (f)
		fclose(f);
	return n;
}

static void test_kernel_names(void **state)
{
	unsigned long long addrs[64];
	struct iag_ksyms *asked, *file;
	struct iag_ksyms_stats st;
	char a[300], b[300];
	size_t n;

	if (geteuid() != 0)
		skip();
	n = some_functions(addrs, 64);
	asked = iag_ksyms_load(NULL);
	file = iag_ksyms_load("/proc/kallsyms");
	assert_true(n > 8);
	assert_non_null(asked);
	assert_non_null(file);
	assert_int_equal(iag_ksyms_resolve(asked, addrs, n), 0);
	iag_ksyms_stats(asked, &st);
	if (!st.asked) {	/* before 5.14, or no BPF here */
		iag_ksyms_free(asked);
		iag_ksyms_free(file);
		skip();
	}
	assert_int_equal(st.passes, 0);
	assert_int_equal(iag_ksyms_resolve(file, addrs, n), 0);
	iag_ksyms_stats(file, &st);
	assert_int_equal(st.asked, 0);
	for (size_t i = 0; i < n; i++) {
		iag_ksyms_format(asked, addrs[i], a, sizeof(a));
		iag_ksyms_format(file, addrs[i], b, sizeof(b));
		assert_string_equal(a, b);
	}
	iag_ksyms_free(asked);
	iag_ksyms_free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_pS),
		cmocka_unit_test(test_kernel_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
