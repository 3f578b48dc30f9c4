// SPDX-License-Identifier: GPL-2.0-only
/* Policy parser: valid policies, and malformed ones rejected at file:line:col. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "iag_test_stubs.h"
#include "policy.h"

static struct iag_policy *parse_ok(const char *y)
{
	struct iag_policy *p = NULL;
	struct iag_diag d;
	int rc;

	iag_diag_init(&d, "t.yaml");
	rc = iag_policy_parse_buf(y, strlen(y), "t.yaml", &p, &d);
	if (rc)
		iag_diag_print(&d, stderr);
	assert_int_equal(rc, 0);
	assert_non_null(p);
	assert_int_equal(d.total, 0);
	return p;
}

static void test_valid_all_kinds(void **state)
{
	struct iag_policy *p = parse_ok(
		"# comment\n"
		"mode: enforce\n"
		"allow:\n"
		"  - device: /sys/devices//platform/gpio-restart/\n"
		"    reason: reboots the board through an I2C GPIO expander\n"
		"  - i2c: 0-005A\n"
		"  - driver: da9063\n"
		"  - compatible: \"dlg,da9063\"\n"
		"  - adapter: i2c-3\n"
		"  - {adapter: 7, reason: 'flow style'}\n"
		"  - i2c: 12-a050\n");

	assert_int_equal(p->mode, IAG_POLICY_ENFORCE);
	assert_int_equal(p->n_rules, 7);
	assert_int_equal(p->rules[0].sel, IAG_SEL_DEVICE);
	assert_string_equal(p->rules[0].value,
			    "/sys/devices/platform/gpio-restart");
	assert_string_equal(p->rules[0].reason,
			    "reboots the board through an I2C GPIO expander");
	assert_int_equal(p->rules[0].line, 4);
	assert_int_equal(p->rules[0].col, 5);
	assert_int_equal(p->rules[1].sel, IAG_SEL_I2C);
	assert_string_equal(p->rules[1].value, "0-005a");
	assert_int_equal(p->rules[1].adapter, 0);
	assert_int_equal(p->rules[1].addr, 0x5a);
	assert_null(p->rules[1].reason);
	assert_int_equal(p->rules[2].sel, IAG_SEL_DRIVER);
	assert_string_equal(p->rules[2].value, "da9063");
	assert_int_equal(p->rules[3].sel, IAG_SEL_COMPATIBLE);
	assert_string_equal(p->rules[3].value, "dlg,da9063");
	assert_int_equal(p->rules[4].sel, IAG_SEL_ADAPTER);
	assert_int_equal(p->rules[4].adapter, 3);
	assert_string_equal(p->rules[5].value, "i2c-7");
	assert_string_equal(p->rules[5].reason, "flow style");
	assert_int_equal(p->rules[6].addr, 0xa050);
	for (size_t i = 0; i < p->n_rules; i++)
		assert_int_equal(p->rules[i].id, i);
	iag_policy_free(p);
}

static void test_mode_default_audit(void **state)
{
	struct iag_policy *p = parse_ok("---\nallow:\n- i2c: 1-0050\n...\n");

	assert_int_equal(p->mode, IAG_POLICY_AUDIT);
	assert_int_equal(p->n_rules, 1);
	iag_policy_free(p);
}

struct bad_case {
	const char *name;
	const char *yaml;
	size_t len;		/* 0: strlen */
	unsigned int line, col;
	const char *msg;	/* substring of the first error */
};

#define HDR "mode: audit\nallow:\n"

static const struct bad_case bad_cases[] = {
	{ "no allow", "mode: audit\n", 0, 1, 1, "no 'allow'" },
	{ "empty flow allow", HDR "", 0, 2, 7, "'allow' is empty" },
	{ "empty allow list", "mode: audit\nallow: []\n", 0, 2, 8,
	  "'allow' is empty" },
	{ "bad mode", "mode: block\nallow:\n  - i2c: 0-0058\n", 0, 1, 7,
	  "neither 'audit' nor 'enforce'" },
	{ "mode is a list", "mode: [audit]\nallow:\n  - i2c: 0-0058\n", 0, 1,
	  7, "'mode' must be a string, not a list" },
	{ "mode uppercase", "mode: AUDIT\nallow:\n  - i2c: 0-0058\n", 0, 1, 7,
	  "neither" },
	{ "unknown top key", "mdoe: audit\nallow:\n  - i2c: 0-0058\n", 0, 1, 1,
	  "unknown key 'mdoe'" },
	{ "unknown rule key", HDR "  - i2c: 0-0058\n    reasn: x\n", 0, 4, 5,
	  "unknown key 'reasn'" },
	{ "two selectors", HDR "  - i2c: 0-0058\n    driver: at24\n", 0, 4, 5,
	  "exactly one selector" },
	{ "no selector", HDR "  - reason: why not\n", 0, 3, 5, "no selector" },
	{ "duplicate rule", HDR "  - driver: at24\n  - compatible: x,y\n"
	  "  - driver: at24\n", 0, 5, 5, "duplicate rule" },
	{ "duplicate rule after normalizing", HDR "  - i2c: 0-005A\n"
	  "  - i2c: 0-005a\n", 0, 4, 5, "already allowed at line 3" },
	{ "duplicate device path", HDR "  - device: /sys/devices/x/\n"
	  "  - device: /sys//devices/x\n", 0, 4, 5, "duplicate rule" },
	{ "i2c short address", HDR "  - i2c: 0-58\n", 0, 3, 10,
	  "not an I2C client name" },
	{ "i2c bad bus", HDR "  - i2c: x-0058\n", 0, 3, 10,
	  "not an I2C client name" },
	{ "i2c out of range", HDR "  - i2c: 0-0080\n", 0, 3, 10,
	  "out of range" },
	{ "i2c trailing junk", HDR "  - i2c: 0-0058 extra\n", 0, 3, 10,
	  "not an I2C client name" },
	{ "device relative", HDR "  - device: devices/platform/x\n", 0, 3, 13,
	  "absolute sysfs path" },
	{ "device outside sysfs", HDR "  - device: /dev/i2c-0\n", 0, 3, 13,
	  "under /sys" },
	{ "device dotdot", HDR "  - device: /sys/devices/../x\n", 0, 3, 13,
	  "'..'" },
	{ "adapter junk", HDR "  - adapter: i2c-x\n", 0, 3, 14,
	  "not an adapter name" },
	{ "adapter wrong prefix", HDR "  - adapter: bus3\n", 0, 3, 14,
	  "not an adapter name" },
	{ "driver with space", HDR "  - driver: 'at 24'\n", 0, 3, 13,
	  "spaces or control" },
	{ "driver with slash", HDR "  - driver: a/b\n", 0, 3, 13, "'/'" },
	{ "compatible empty", HDR "  - compatible: ''\n", 0, 3, 17, "is empty" },
	{ "driver null", HDR "  - driver: ~\n", 0, 3, 13, "has no value" },
	{ "driver boolean", HDR "  - driver: yes\n", 0, 3, 13,
	  "boolean 'yes'" },
	{ "reason list", HDR "  - driver: at24\n    reason: [a, b]\n", 0, 4,
	  13, "'reason' must be a string, not a list" },
	{ "reason mapping", HDR "  - driver: at24\n    reason: {a: b}\n", 0, 4,
	  13, "not a mapping" },
	{ "duplicate reason", HDR "  - driver: at24\n    reason: a\n"
	  "    reason: b\n", 0, 5, 5, "duplicate key 'reason'" },
	{ "duplicate selector key", HDR "  - driver: at24\n    driver: at25\n",
	  0, 4, 5, "duplicate key 'driver'" },
	{ "anchor", HDR "  - i2c: &a 0-0058\n", 0, 3, 10, "anchors (&a)" },
	{ "alias", HDR "  - i2c: *a\n", 0, 3, 10, "aliases (*a)" },
	{ "tag", HDR "  - i2c: !!str 0-0058\n", 0, 3, 10, "tags" },
	{ "two documents", "---\nmode: audit\nallow: [{i2c: 0-0058}]\n---\n"
	  "mode: audit\n", 0, 4, 1, "more than one YAML document" },
	{ "top level list", "- i2c: 0-0058\n", 0, 1, 1,
	  "must be a mapping" },
	{ "top level scalar", "hello\n", 0, 1, 1, "must be a mapping" },
	{ "rule is a scalar", HDR "  - at24\n", 0, 3, 5,
	  "rule must be a mapping" },
	{ "rule is empty", HDR "  -\n  - i2c: 0-0058\n", 0, 3, 4,
	  "an empty item" },
	{ "duplicate mode", "mode: audit\nmode: enforce\nallow: [{i2c: 0-0058}]\n",
	  0, 2, 1, "duplicate key 'mode'" },
	{ "duplicate allow", "allow: [{i2c: 0-0058}]\nallow: [{i2c: 0-0059}]\n",
	  0, 2, 1, "duplicate key 'allow'" },
	{ "allow is a mapping", HDR "  i2c: 0-0058\n", 0, 3, 3,
	  "must be a list of rules, not a mapping" },
	{ "allow is a scalar", "allow: everything\n", 0, 1, 8,
	  "must be a list of rules, not a scalar" },
	{ "complex key", "? [a]\n: b\nallow: [{i2c: 0-0058}]\n", 0, 1, 3,
	  "top-level key must be a string" },
	{ "invalid utf-8", HDR "  - driver: at\xff" "24\n", 0, 3, 15,
	  "invalid UTF-8" },
	{ "overlong utf-8", HDR "  - driver: \xc0\xaf\n", 0, 3, 13,
	  "invalid UTF-8" },
	{ "surrogate utf-8", HDR "  - reason: \xed\xa0\x80\n", 0, 3, 13,
	  "invalid UTF-8" },
	{ "NUL byte", HDR "  - driver: a\0b\n", sizeof(HDR "  - driver: a\0b\n") - 1,
	  3, 14, "NUL byte" },
	{ "escaped NUL", HDR "  - driver: \"a\\0b\"\n", 0, 3, 13,
	  "NUL character" },
	{ "control char", HDR "  - compatible: \"a\\tb\"\n", 0, 3, 17,
	  "control characters" },
	{ "unclosed flow", HDR "  - i2c: [0-0058\n", 0, 4, 1, "YAML:" },
	{ "tab indent", "mode: audit\nallow:\n\t- i2c: 0-0058\n", 0, 3, 1,
	  "YAML:" },
	{ "bad indentation", HDR "  - i2c: 0-0058\n   reason: x\n", 0, 4, 4,
	  "YAML:" },
	{ "empty file", "", 0, 1, 1, "empty" },
	{ "comments only", "# nothing\n# here\n", 0, 1, 1, "empty" },
	{ "null document", "---\n~\n", 0, 2, 1, "empty document" },
	{ "second error kept too", HDR "  - i2c: 0-58\n  - driver: ''\n", 0, 3,
	  10, "not an I2C client name" },
};

static void test_bad_policies(void **state)
{
	size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]);
	int failures = 0;

	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		const struct bad_case *c = &bad_cases[i];
		size_t len = c->len ? c->len : strlen(c->yaml);
		struct iag_policy *p = (struct iag_policy *)1;
		struct iag_diag d;
		int rc;

		iag_diag_init(&d, "bad.yaml");
		rc = iag_policy_parse_buf(c->yaml, len, "bad.yaml", &p, &d);
		if (rc == 0 || p != NULL || d.n == 0 ||
		    d.e[0].line != c->line || d.e[0].col != c->col ||
		    !strstr(d.e[0].msg, c->msg)) {
			fprintf(stderr,
				"case '%s': rc=%d, want %u:%u '%s', got:\n",
				c->name, rc, c->line, c->col, c->msg);
			iag_diag_print(&d, stderr);
			failures++;
		}
		iag_policy_free(p == (struct iag_policy *)1 ? NULL : p);
	}
	assert_int_equal(failures, 0);
}

static void test_diag_text(void **state)
{
	struct iag_policy *p;
	struct iag_diag d;
	char buf[512];
	const char *y = HDR "  - i2c: 0-58\n  - driver: ''\n";

	iag_diag_init(&d, "etc/p.yaml");
	assert_int_equal(iag_policy_parse_buf(y, strlen(y), "etc/p.yaml", &p,
					      &d), -EINVAL);
	assert_null(p);
	assert_int_equal(d.n, 2);
	iag_diag_text(&d, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "etc/p.yaml:3:10: i2c '0-58'"));
	iag_diag_text(&d, 1, buf, sizeof(buf));
	assert_non_null(strstr(buf, "etc/p.yaml:4:13: driver '' is empty"));
}

static void test_i2c_names(void **state)
{
	int bus;
	unsigned int addr;

	assert_int_equal(iag_parse_i2c_name("0-0058", &bus, &addr), 0);
	assert_int_equal(bus, 0);
	assert_int_equal(addr, 0x58);
	assert_int_equal(iag_parse_i2c_name("17-a3ff", &bus, &addr), 0);
	assert_int_equal(addr, 0xa3ff);
	assert_int_equal(iag_parse_i2c_name("1-1050", &bus, &addr), -ERANGE);
	assert_int_equal(iag_parse_i2c_name("-0058", &bus, &addr), -EINVAL);
	assert_int_equal(iag_parse_i2c_name("1-00580", &bus, &addr), -EINVAL);
	assert_int_equal(iag_parse_i2c_name("99999999999-0058", &bus, &addr),
			 -EINVAL);
	assert_int_equal(iag_parse_i2c_name("1-g058", &bus, &addr), -EINVAL);
}

static char tmpdir[64];

static int setup_tmp(void **state)
{
	strcpy(tmpdir, "/tmp/iag-policy-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	return 0;
}

static int teardown_tmp(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void test_load_files(void **state)
{
	struct iag_policy *p;
	struct iag_diag d;
	char path[256];
	const char *ok = "mode: audit\nallow:\n  - i2c: 0-0058\n";
	char *big;

	/* good file */
	snprintf(path, sizeof(path), "%s/good.yaml", tmpdir);
	write_file(path, ok, strlen(ok));
	chmod(path, 0644);
	assert_int_equal(iag_policy_load(path, &p, &d), 0);
	assert_true(p->has_stat);
	if (getuid() == 0)
		assert_null(iag_policy_insecure_reason(p));
	p->st_mode |= S_IWOTH;
	assert_non_null(strstr(iag_policy_insecure_reason(p), "other"));
	p->st_mode &= ~(mode_t)S_IWOTH;
	p->uid = 1000;
	assert_non_null(strstr(iag_policy_insecure_reason(p), "owned"));
	p->uid = 0;
	p->gid = 100;
	p->st_mode |= S_IWGRP;
	assert_non_null(strstr(iag_policy_insecure_reason(p), "group"));
	iag_policy_free(p);

	/* missing */
	snprintf(path, sizeof(path), "%s/missing.yaml", tmpdir);
	assert_int_equal(iag_policy_load(path, &p, &d), -ENOENT);
	assert_null(p);
	assert_non_null(strstr(d.e[0].msg, "cannot open"));

	/* directory */
	assert_int_equal(iag_policy_load(tmpdir, &p, &d), -EISDIR);
	assert_non_null(strstr(d.e[0].msg, "directory"));

	/* FIFO with no writer: must not block */
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(iag_policy_load(path, &p, &d), -EINVAL);
	assert_non_null(strstr(d.e[0].msg, "FIFO"));

	/* too large */
	snprintf(path, sizeof(path), "%s/big.yaml", tmpdir);
	big = malloc(IAG_POLICY_MAX_SIZE + 10);
	memset(big, '#', IAG_POLICY_MAX_SIZE + 10);
	write_file(path, big, IAG_POLICY_MAX_SIZE + 10);
	free(big);
	assert_int_equal(iag_policy_load(path, &p, &d), -EFBIG);
	assert_non_null(strstr(d.e[0].msg, "too large"));

	/* a bad file: the message names it */
	snprintf(path, sizeof(path), "%s/bad.yaml", tmpdir);
	write_file(path, "mode: x\nallow: []\n", 18);
	assert_int_equal(iag_policy_load(path, &p, &d), -EINVAL);
	assert_null(p);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.file, path);
	assert_int_equal(d.e[0].line, 1);
	assert_int_equal(d.e[0].col, 7);
}

/* An ACL entry "user:65534:rw-" with its mask, as the kernel stores it. */
static void set_acl_user_write(const char *path, unsigned int uid)
{
	unsigned char acl[] = {
		2, 0, 0, 0,				/* version */
		1, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* user::rw- */
		2, 0, 6, 0, uid & 0xff, (uid >> 8) & 0xff, 0, 0, /* user:uid:rw- */
		4, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,	/* group::r-- */
		0x10, 0, 6, 0, 0xff, 0xff, 0xff, 0xff,	/* mask::rw- */
		0x20, 0, 4, 0, 0xff, 0xff, 0xff, 0xff,	/* other::r-- */
	};

	assert_int_equal(setxattr(path, "system.posix_acl_access", acl,
				  sizeof(acl), 0), 0);
}

static const char *trust_of(const char *path)
{
	static char why[PATH_MAX + 100];
	struct iag_policy *p;
	struct iag_diag d;
	const char *r;

	assert_int_equal(iag_policy_load(path, &p, &d), 0);
	r = iag_policy_insecure_reason(p);
	snprintf(why, sizeof(why), "%s", r ? r : "");
	iag_policy_free(p);
	return why;
}

/* What sudo checks for sudoers: ACLs, the directories, symlinks. */
static void test_trust_acl_dirs_symlink(void **state)
{
	const char *ok = "mode: audit\nallow:\n  - i2c: 0-0058\n";
	char dir[300], path[400], link[400], open_dir[300];

	if (getuid() != 0)
		skip();	/* ownership by root needs root */
	snprintf(dir, sizeof(dir), "%s/etc", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/policy.yaml", dir);
	write_file(path, ok, strlen(ok));
	chmod(path, 0644);
	assert_string_equal(trust_of(path), "");

	/* root:root 0644 with an ACL entry letting nobody write */
	set_acl_user_write(path, 65534);
	assert_non_null(strstr(trust_of(path), "ACL entry user:65534:w"));
	assert_int_equal(removexattr(path, "system.posix_acl_access"), 0);
	assert_string_equal(trust_of(path), "");

	/* the directory: writable by others, owned by another user, an ACL */
	chmod(dir, 0777);
	assert_non_null(strstr(trust_of(path), "a directory writable by other users"));
	chmod(dir, 01777);	/* sticky, like /tmp: root's entries stay root's */
	assert_string_equal(trust_of(path), "");
	chmod(dir, 0755);
	assert_int_equal(chown(dir, 65534, 0), 0);
	assert_non_null(strstr(trust_of(path), "not owned by root"));
	assert_int_equal(chown(dir, 0, 0), 0);
	set_acl_user_write(dir, 65534);
	assert_non_null(strstr(trust_of(path), "a directory with an ACL entry"));
	assert_int_equal(removexattr(dir, "system.posix_acl_access"), 0);

	/* a symlink in a directory anyone may write: it could be swapped */
	snprintf(open_dir, sizeof(open_dir), "%s/open", tmpdir);
	assert_int_equal(mkdir(open_dir, 0777), 0);
	chmod(open_dir, 0777);
	snprintf(link, sizeof(link), "%s/policy.yaml", open_dir);
	assert_int_equal(symlink(path, link), 0);
	assert_non_null(strstr(trust_of(link), "/open, a directory writable by other users"));
	/* ... and the target's own directories count too */
	chmod(open_dir, 0755);
	assert_string_equal(trust_of(link), "");
	chmod(dir, 0777);
	assert_non_null(strstr(trust_of(link), "/etc, a directory writable by other users"));
	chmod(dir, 0755);
}

/* Some editors start UTF-8 files with a byte order mark. */
static void test_utf8_bom(void **state)
{
	const char *bom = "\xef\xbb\xbfmode: audit\nallow:\n  - i2c: 0-0058\n";
	struct iag_policy *p = NULL;
	struct iag_diag d;

	assert_int_equal(iag_policy_parse_buf(bom, strlen(bom), "bom.yaml", &p, &d), 0);
	assert_int_equal(p->n_rules, 1);
	assert_int_equal(p->rules[0].line, 3);
	iag_policy_free(p);
}

static void test_many_errors_capped(void **state)
{
	size_t cap = 100 * 20 + 32;
	char *y = malloc(cap);
	struct iag_policy *p;
	struct iag_diag d;
	size_t off;

	off = (size_t)sprintf(y, "allow:\n");
	for (int i = 0; i < 100; i++)
		off += (size_t)sprintf(y + off, "  - i2c: bad%d\n", i);
	iag_diag_init(&d, "m.yaml");
	assert_int_equal(iag_policy_parse_buf(y, off, "m.yaml", &p, &d),
			 -EINVAL);
	assert_int_equal(d.n, IAG_DIAG_MAX);
	assert_int_equal(d.total, 100);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_all_kinds),
		cmocka_unit_test(test_mode_default_audit),
		cmocka_unit_test(test_bad_policies),
		cmocka_unit_test(test_diag_text),
		cmocka_unit_test(test_i2c_names),
		cmocka_unit_test_setup_teardown(test_load_files, setup_tmp,
						teardown_tmp),
		cmocka_unit_test_setup_teardown(test_trust_acl_dirs_symlink,
						setup_tmp, teardown_tmp),
		cmocka_unit_test(test_utf8_bom),
		cmocka_unit_test(test_many_errors_capped),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
