// SPDX-License-Identifier: GPL-2.0-only
/* Device model and policy resolution against the fixture sysfs trees. */
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
#include "policy.h"
#include "resolve.h"

#define PCI "/sys/devices/pci0000:00/0000:00:1f.3"

static struct iag_policy *pol(const char *rules)
{
	char buf[2048];
	struct iag_policy *p = NULL;
	struct iag_diag d;

	snprintf(buf, sizeof(buf), "mode: audit\nallow:\n%s", rules);
	iag_diag_init(&d, "p.yaml");
	if (iag_policy_parse_buf(buf, strlen(buf), "p.yaml", &p, &d))
		iag_diag_print(&d, stderr);
	assert_non_null(p);
	return p;
}

static bool has_key(const struct iag_key *k, size_t n, int adapter,
		    unsigned int addr)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].adapter == adapter && k[i].addr == addr)
			return true;
	return false;
}

static bool has_dev(const struct iag_rule_match *rm, const char *sysfs)
{
	for (size_t i = 0; i < rm->n_devices; i++)
		if (!strcmp(rm->devices[i], sysfs))
			return true;
	return false;
}

static void resolve(struct iag_policy *p, struct iag_keyset *ks)
{
	assert_int_equal(iag_resolve_ex(p, fixture_sysfs(), IAG_RESOLVE_QUIET,
					ks), 0);
}

static void test_devmodel_lookup(void **state)
{
	struct iag_devmodel *m = iag_devmodel_open(fixture_sysfs());
	struct iag_devinfo di;
	int path[8], n, parent;
	char *mux;

	assert_non_null(m);
	assert_true(iag_devmodel_has_i2c(m));
	assert_int_equal(iag_devmodel_lookup(m, 3, 0x58, &di), 0);
	assert_string_equal(di.name, "3-0058");
	assert_string_equal(di.driver, "da9063");
	assert_string_equal(di.bus, "i2c");
	assert_string_equal(di.label, "da9063");
	assert_string_equal(di.sysfs, PCI "/i2c-0/i2c-3/3-0058");
	assert_true(di.is_client);
	assert_int_equal(di.client_adapter, 3);
	assert_int_equal(di.addr, 0x58);
	iag_devinfo_free(&di);
	assert_int_equal(iag_devmodel_lookup(m, 3, 0x59, &di), -ENOENT);

	n = iag_dev_adapter_path(m, 3, path, 8);
	assert_int_equal(n, 2);
	assert_int_equal(path[0], 3);
	assert_int_equal(path[1], 0);
	n = iag_dev_adapter_path(m, 1, path, 8);
	assert_int_equal(n, 1);
	assert_int_equal(iag_dev_adapter_parent(m, 4, &parent, &mux), 0);
	assert_int_equal(parent, 0);
	assert_non_null(strstr(mux, "/i2c-0/0-0070"));
	free(mux);
	assert_int_equal(iag_dev_adapter_parent(m, 0, &parent, NULL), -ENOENT);

	{
		int *nrs;
		size_t na;

		assert_int_equal(iag_dev_adapters(m, &nrs, &na), 0);
		assert_int_equal(na, 6);
		assert_int_equal(nrs[0], 0);
		assert_int_equal(nrs[3], 4);
		assert_int_equal(nrs[4], 5);
		assert_int_equal(nrs[5], 6);
		free(nrs);
	}
	{
		struct iag_strv s = { 0 };
		char *p = iag_dev_from_sysfs(m, "/sys/bus/platform/devices/cyc-b");

		assert_non_null(p);
		assert_int_equal(iag_dev_suppliers(m, p, &s), 0);
		assert_int_equal(s.n, 2);
		iag_strv_free(&s);
		assert_int_equal(iag_dev_consumers(m, p, &s), 0);
		assert_int_equal(s.n, 1);
		assert_non_null(strstr(s.v[0], "/platform/cyc-a"));
		iag_strv_free(&s);
		free(p);
		assert_int_equal(iag_dev_by_driver(m, "at24", &s), 0);
		assert_int_equal(s.n, 2);
		iag_strv_free(&s);
		assert_int_equal(iag_dev_by_compatible(m, "dlg,da9063l", &s), 0);
		assert_int_equal(s.n, 1);
		iag_strv_free(&s);
		assert_null(iag_dev_from_sysfs(m, "/sys/devices/nope"));
		assert_null(iag_dev_from_sysfs(m, "/proc/self"));
	}
	{
		char *p = iag_dev_from_sysfs(m,
			PCI "/i2c-0/i2c-3/3-0058/da9063-regulators");
		char *c = iag_dev_client_ancestor(m, p);

		assert_non_null(c);
		assert_non_null(strstr(c, "/3-0058"));
		free(c);
		free(p);
		p = iag_dev_from_sysfs(m, "/sys/devices/platform/lonely");
		assert_null(iag_dev_client_ancestor(m, p));
		free(p);
	}
	iag_devmodel_close(m);
}

static void test_device_rule_supplier_and_mux(void **state)
{
	struct iag_policy *p = pol("  - device: /sys/devices/platform/gpio-restart\n");
	struct iag_keyset ks;
	const struct iag_rule_match *rm;

	resolve(p, &ks);
	assert_int_equal(ks.n_rules, 1);
	rm = &ks.rules[0];
	assert_true(rm->matched);
	assert_false(rm->broad);
	assert_int_equal(rm->n_devices, 2);
	assert_true(has_dev(rm, "/sys/devices/platform/gpio-restart"));
	assert_true(has_dev(rm, PCI "/i2c-0/i2c-3/3-0020"));
	/* client on its channel, as seen on the root, and the mux itself */
	assert_int_equal(ks.n, 3);
	assert_true(has_key(ks.keys, ks.n, 3, 0x20));
	assert_true(has_key(ks.keys, ks.n, 0, 0x20));
	assert_true(has_key(ks.keys, ks.n, 0, 0x70));
	for (size_t i = 0; i < ks.n; i++) {
		assert_int_equal(ks.keys[i].rule_id, 0);
		assert_non_null(strstr(ks.keys[i].why, "consumes 3-0020"));
	}
	assert_int_equal(ks.n_unmatched, 0);
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_i2c_rule(void **state)
{
	struct iag_policy *p = pol("  - i2c: 3-0058\n  - i2c: 1-0050\n");
	struct iag_keyset ks;
	const struct iag_key *k;

	resolve(p, &ks);
	assert_int_equal(ks.n, 4);
	assert_true(has_key(ks.keys, ks.n, 3, 0x58));
	assert_true(has_key(ks.keys, ks.n, 0, 0x58));
	assert_true(has_key(ks.keys, ks.n, 0, 0x70));
	assert_true(has_key(ks.keys, ks.n, 1, 0x50));
	k = iag_keyset_lookup(&ks, 0, 0x70);
	assert_non_null(k);
	assert_string_equal(k->device, "0-0070");
	assert_non_null(strstr(k->why, "mux 0-0070 at 0x70 on i2c-0 selects channel i2c-3"));
	k = iag_keyset_lookup(&ks, 0, 0x58);
	assert_non_null(strstr(k->why, "3-0058 as seen on i2c-0 through mux 0-0070"));
	assert_null(iag_keyset_lookup(&ks, 0, 0x50));
	assert_int_equal(iag_keyset_lookup(&ks, 1, 0x50)->rule_id, 1);
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_driver_rule(void **state)
{
	struct iag_policy *p = pol("  - driver: at24\n");
	struct iag_keyset ks;

	resolve(p, &ks);
	assert_int_equal(ks.rules[0].n_devices, 2);
	assert_int_equal(ks.n, 4);
	assert_true(has_key(ks.keys, ks.n, 0, 0x50));
	assert_true(has_key(ks.keys, ks.n, 4, 0x51));
	assert_true(has_key(ks.keys, ks.n, 0, 0x51));
	assert_true(has_key(ks.keys, ks.n, 0, 0x70));
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_compatible_rule(void **state)
{
	struct iag_policy *p = pol("  - compatible: dlg,da9063l\n"
				   "  - compatible: nxp,pca9548\n");
	struct iag_keyset ks;

	resolve(p, &ks);
	assert_true(ks.rules[0].matched);
	assert_true(has_dev(&ks.rules[0], PCI "/i2c-0/i2c-3/3-0058"));
	assert_int_equal(ks.rules[0].n_keys, 3);
	/* the mux itself: a root-adapter client, one key */
	assert_int_equal(ks.rules[1].n_keys, 1);
	assert_true(has_key(ks.rules[1].keys, 1, 0, 0x70));
	/* merged: (0,0x70) once, from rule 0 */
	assert_int_equal(ks.n, 3);
	assert_int_equal(iag_keyset_lookup(&ks, 0, 0x70)->rule_id, 0);
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_adapter_rule(void **state)
{
	struct iag_policy *p = pol("  - adapter: i2c-4\n  - adapter: 1\n");
	struct iag_keyset ks;
	const struct iag_key *k;

	resolve(p, &ks);
	assert_true(ks.rules[0].broad);
	assert_true(has_key(ks.keys, ks.n, 4, IAG_ADDR_ANY));
	assert_true(has_key(ks.keys, ks.n, 0, 0x51));
	assert_true(has_key(ks.keys, ks.n, 0, 0x70));
	assert_true(has_key(ks.keys, ks.n, 0, 0x71));	/* the inner mux on i2c-4 */
	assert_true(has_key(ks.keys, ks.n, 1, IAG_ADDR_ANY));
	assert_int_equal(ks.n, 5);
	k = iag_keyset_lookup(&ks, 4, 0x33);
	assert_non_null(k);
	assert_int_equal(k->addr, IAG_ADDR_ANY);
	assert_null(iag_keyset_lookup(&ks, 0, 0x33));
	assert_true(ks.n_warnings >= 2);
	assert_non_null(strstr(ks.warnings[0], "broad"));
	assert_non_null(strstr(ks.warnings[0], "p.yaml:3:5"));
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_nested_mux(void **state)
{
	/* 6-0010 behind mux 4-0071 (on channel i2c-4) behind mux 0-0070 */
	struct iag_policy *p = pol("  - i2c: 6-0010\n");
	struct iag_devmodel *m = iag_devmodel_open(fixture_sysfs());
	struct iag_keyset ks;
	int path[8];

	assert_int_equal(iag_dev_adapter_path(m, 6, path, 8), 3);
	assert_int_equal(path[1], 4);
	assert_int_equal(path[2], 0);
	iag_devmodel_close(m);
	resolve(p, &ks);
	assert_true(has_key(ks.keys, ks.n, 6, 0x10));
	assert_true(has_key(ks.keys, ks.n, 4, 0x10));
	assert_true(has_key(ks.keys, ks.n, 0, 0x10));
	assert_true(has_key(ks.keys, ks.n, 4, 0x71));	/* inner mux select */
	assert_true(has_key(ks.keys, ks.n, 0, 0x71));	/* ... seen on the root */
	assert_true(has_key(ks.keys, ks.n, 0, 0x70));	/* outer mux select */
	assert_int_equal(ks.n, 6);
	assert_non_null(strstr(iag_keyset_lookup(&ks, 0, 0x71)->why,
			       "4-0071 as seen on i2c-0 through mux 0-0070"));
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_platform_mux(void **state)
{
	/* i2c-mux-gpio: a platform device, no address of its own */
	struct iag_policy *p = pol("  - driver: lm75\n");
	struct iag_devmodel *m = iag_devmodel_open(fixture_sysfs());
	struct iag_keyset ks;
	int parent;
	char *mux;

	assert_int_equal(iag_dev_adapter_parent(m, 5, &parent, &mux), 0);
	assert_int_equal(parent, 0);
	assert_non_null(strstr(mux, "/platform/i2c-mux-gpio"));
	free(mux);
	iag_devmodel_close(m);
	resolve(p, &ks);
	assert_int_equal(ks.n, 2);
	assert_true(has_key(ks.keys, ks.n, 5, 0x48));
	assert_true(has_key(ks.keys, ks.n, 0, 0x48));
	assert_non_null(strstr(iag_keyset_lookup(&ks, 0, 0x48)->why,
			       "5-0048 as seen on i2c-0 through mux i2c-mux-gpio"));
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_below_client_via_link(void **state)
{
	/* power-ctl consumes da9063-regulators, a child of PMIC 3-0058 */
	struct iag_policy *p = pol("  - device: /sys/bus/platform/devices/power-ctl\n");
	struct iag_keyset ks;

	resolve(p, &ks);
	assert_int_equal(ks.rules[0].n_devices, 2);
	assert_int_equal(ks.n, 3);
	assert_true(has_key(ks.keys, ks.n, 3, 0x58));
	assert_non_null(strstr(ks.keys[0].why, "below I2C client 3-0058"));
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_devlink_cycle(void **state)
{
	struct iag_policy *p = pol("  - device: /sys/devices/platform/cyc-a\n");
	struct iag_keyset ks;

	resolve(p, &ks);
	/* cyc-a -> cyc-b -> (cyc-a again, stop) and 0-0050 */
	assert_int_equal(ks.rules[0].n_devices, 3);
	assert_int_equal(ks.n, 1);
	assert_true(has_key(ks.keys, ks.n, 0, 0x50));
	assert_non_null(strstr(ks.keys[0].why,
			       "consumes cyc-b (device link) -> consumes 0-0050"));
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_matches_nothing(void **state)
{
	struct iag_policy *p = pol("  - driver: nonexistent\n"
				   "  - device: /sys/devices/platform/lonely\n"
				   "  - compatible: acme,none\n"
				   "  - i2c: 1-0042\n"
				   "  - adapter: i2c-99\n"
				   "  - device: /sys/devices/platform/missing\n");
	struct iag_keyset ks;
	size_t nothing = 0;

	resolve(p, &ks);
	assert_false(ks.rules[0].matched);
	assert_true(ks.rules[1].matched);	/* a device, but no I2C */
	assert_int_equal(ks.rules[1].n_keys, 0);
	assert_false(ks.rules[2].matched);
	assert_false(ks.rules[3].matched);
	assert_int_equal(ks.rules[3].n_keys, 1);	/* the name is the key */
	assert_false(ks.rules[4].matched);
	assert_false(ks.rules[5].matched);
	assert_int_equal(ks.n_unmatched, 5);
	for (size_t i = 0; i < ks.n_warnings; i++)
		if (strstr(ks.warnings[i], "matches no device"))
			nothing++;
	assert_int_equal(nothing, 5);
	nothing = 0;
	for (size_t i = 0; i < ks.n_warnings; i++)
		if (strstr(ks.warnings[i], "p.yaml:4:5: rule 1 (device /sys/devices/platform/lonely) covers 1 devices, none of them an I2C client"))
			nothing++;
	assert_int_equal(nothing, 1);
	assert_true(has_key(ks.keys, ks.n, 1, 0x42));
	assert_true(has_key(ks.keys, ks.n, 99, IAG_ADDR_ANY));
	iag_keyset_free(&ks);
	iag_policy_free(p);
}

static void test_weird_tree(void **state)
{
	const char *root = mk_weird_tree();
	struct iag_devmodel *m;
	struct iag_devinfo di;
	struct iag_strv s = { 0 };
	struct iag_policy *p = pol("  - i2c: 7-0042\n");
	struct iag_keyset ks;

	assert_non_null(root);
	m = iag_devmodel_open(root);
	assert_non_null(m);
	assert_int_equal(iag_devmodel_lookup(m, 7, 0x42, &di), 0);
	assert_string_equal(di.driver, "drv \"q\"");
	assert_string_equal(di.label, "chip <&>");
	assert_int_equal(iag_dev_consumers(m, di.path, &s), 0);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(s.v[0], "/we ird\n\xff"));
	iag_strv_free(&s);
	iag_devinfo_free(&di);
	iag_devmodel_close(m);
	assert_int_equal(iag_resolve_ex(p, root, IAG_RESOLVE_QUIET, &ks), 0);
	assert_int_equal(ks.n, 1);
	assert_true(ks.rules[0].matched);
	iag_keyset_free(&ks);
	iag_policy_free(p);
	rm_tree(root);
}

static void test_no_sysfs(void **state)
{
	struct iag_policy *p = pol("  - i2c: 0-0058\n");
	struct iag_keyset ks;

	/* a root with nothing in it: the i2c name still gives its key */
	assert_int_equal(iag_resolve_ex(p, "/tmp", IAG_RESOLVE_QUIET, &ks), 0);
	assert_int_equal(ks.n, 1);
	assert_int_equal(ks.n_unmatched, 1);
	iag_keyset_free(&ks);
	assert_true(iag_resolve_ex(p, "/nonexistent-root", IAG_RESOLVE_QUIET,
				   &ks) < 0);
	iag_policy_free(p);
}

/*
 * An ACPI client has no address in sysfs: one warning that says so and
 * points to an explicit i2c: rule, never "none of them an I2C client".
 */
static void test_acpi_client_warning(void **state)
{
	const char *root = mk_acpi_tree();
	const char *yaml = "mode: audit\nallow:\n  - driver: acpidrv\n  - i2c: 8-0011\n";
	struct iag_policy *p = NULL;
	struct iag_keyset ks;
	struct iag_diag d;
	size_t about_it = 0;

	assert_non_null(root);
	assert_int_equal(iag_policy_parse_buf(yaml, strlen(yaml), "a.yaml", &p, &d), 0);
	assert_int_equal(iag_resolve_ex(p, root, IAG_RESOLVE_QUIET, &ks), 0);
	for (size_t i = 0; i < ks.n_warnings; i++) {
		assert_null(strstr(ks.warnings[i], "none of them an I2C client"));
		if (strstr(ks.warnings[i], "i2c-ACPI0001:00")) {
			about_it++;
			assert_non_null(strstr(ks.warnings[i], "gets no key"));
			assert_non_null(strstr(ks.warnings[i], "'i2c: 8-00AA'"));
		}
	}
	assert_int_equal(about_it, 1);
	assert_int_equal(ks.rules[0].n_keys, 0);
	assert_int_equal(ks.n_allow_nothing, 1);	/* rule 0; rule 1 has its key */
	iag_keyset_free(&ks);
	iag_policy_free(p);
	rm_tree(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpi_client_warning),
		cmocka_unit_test(test_devmodel_lookup),
		cmocka_unit_test(test_device_rule_supplier_and_mux),
		cmocka_unit_test(test_i2c_rule),
		cmocka_unit_test(test_driver_rule),
		cmocka_unit_test(test_compatible_rule),
		cmocka_unit_test(test_adapter_rule),
		cmocka_unit_test(test_nested_mux),
		cmocka_unit_test(test_platform_mux),
		cmocka_unit_test(test_below_client_via_link),
		cmocka_unit_test(test_devlink_cycle),
		cmocka_unit_test(test_matches_nothing),
		cmocka_unit_test(test_weird_tree),
		cmocka_unit_test(test_no_sysfs),
	};

	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
