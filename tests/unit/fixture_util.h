/* SPDX-License-Identifier: GPL-2.0-only */
/* Where the committed fixtures are, and trees built at test time. */
#ifndef IAG_FIXTURE_UTIL_H
#define IAG_FIXTURE_UTIL_H

#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* tests/unit/fixtures: $IAG_FIXTURES, else from the binary (build/unit/x). */
static inline const char *fixtures_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;
	struct stat st;

	if (dir[0])
		return dir;
	if (getenv("IAG_FIXTURES")) {
		snprintf(dir, sizeof(dir), "%s", getenv("IAG_FIXTURES"));
		return dir;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* <repo>/build/unit/test_x -> <repo>/tests/unit/fixtures */
		for (int i = 0; i < 3; i++) {
			char *s = strrchr(exe, '/');

			if (s)
				*s = '\0';
		}
		snprintf(dir, sizeof(dir), "%s/tests/unit/fixtures", exe);
		if (!stat(dir, &st))
			return dir;
	}
	snprintf(dir, sizeof(dir), "tests/unit/fixtures");
	return dir;
}

static inline const char *fixture_sysfs(void)
{
	static char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/sysfs", fixtures_dir());
	return p;
}

static inline void fx_mkdirs(const char *path)
{
	char tmp[PATH_MAX];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

static inline void fx_write(const char *dir, const char *name, const char *data,
			    size_t len)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f) {
		fwrite(data, 1, len, f);
		fclose(f);
	}
}

static inline void fx_link(const char *target, const char *dir,
			   const char *name)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if (symlink(target, p))
		perror(p);
}

/*
 * A tree whose names hold what git paths hate: spaces, quotes, a newline,
 * a byte that is not UTF-8. Adapter i2c-7 (name with a newline), client
 * 7-0042 bound to driver "drv \"q\"", a platform device "we ird\n\xff"
 * consuming 7-0042 through a device link. Returns the root (static).
 */
static inline const char *mk_weird_tree(void)
{
	static char root[64];
	char d[PATH_MAX], l[PATH_MAX];
	const char *weird = "we ird\n\xff";
	const char *drv = "drv \"q\"";

	strcpy(root, "/tmp/iag-weird-XXXXXX");
	if (!mkdtemp(root))
		return NULL;
	snprintf(d, sizeof(d), "%s/devices/i2c-7/7-0042", root);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/devices/platform/%s", root, weird);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/bus/i2c/devices", root);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/bus/i2c/drivers/%s", root, drv);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/bus/platform/devices", root);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/devices/virtual/devlink/i2c:7-0042--platform:%s",
		 root, weird);
	fx_mkdirs(d);

	snprintf(d, sizeof(d), "%s/devices/i2c-7", root);
	fx_write(d, "name", "adapter \"seven\"\nline2\n", 22);
	fx_link("../../bus/i2c", d, "subsystem");
	snprintf(d, sizeof(d), "%s/devices/i2c-7/7-0042", root);
	fx_write(d, "name", "chip <&>\n", 9);
	fx_link("../../../bus/i2c", d, "subsystem");
	snprintf(l, sizeof(l), "../../../bus/i2c/drivers/%s", drv);
	fx_link(l, d, "driver");
	snprintf(l, sizeof(l), "../../../virtual/devlink/i2c:7-0042--platform:%s",
		 weird);
	snprintf(d, sizeof(d), "%s/devices/i2c-7/7-0042", root);
	{
		char n[PATH_MAX];

		snprintf(n, sizeof(n), "consumer:platform:%s", weird);
		snprintf(l, sizeof(l),
			 "../../virtual/devlink/i2c:7-0042--platform:%s", weird);
		fx_link(l, d, n);
	}
	snprintf(d, sizeof(d), "%s/devices/platform/%s", root, weird);
	fx_link("../../../bus/platform", d, "subsystem");
	snprintf(l, sizeof(l), "../../virtual/devlink/i2c:7-0042--platform:%s",
		 weird);
	fx_link(l, d, "supplier:i2c:7-0042");
	snprintf(d, sizeof(d), "%s/devices/virtual/devlink/i2c:7-0042--platform:%s",
		 root, weird);
	fx_link("../../../i2c-7/7-0042", d, "supplier");
	snprintf(l, sizeof(l), "../../../platform/%s", weird);
	fx_link(l, d, "consumer");

	snprintf(d, sizeof(d), "%s/bus/i2c/devices", root);
	fx_link("../../../devices/i2c-7", d, "i2c-7");
	fx_link("../../../devices/i2c-7/7-0042", d, "7-0042");
	snprintf(d, sizeof(d), "%s/bus/i2c/drivers/%s", root, drv);
	fx_link("../../../../devices/i2c-7/7-0042", d, "7-0042");
	snprintf(d, sizeof(d), "%s/bus/platform/devices", root);
	snprintf(l, sizeof(l), "../../../devices/platform/%s", weird);
	fx_link(l, d, weird);
	return root;
}

static inline void rm_tree(const char *root)
{
	char cmd[PATH_MAX + 16];

	if (!root || strncmp(root, "/tmp/iag-", 9))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", root);
}

/*
 * An ACPI-enumerated client: i2c-8 holds "i2c-ACPI0001:00" (no address in
 * its name) bound to driver "acpidrv". Returns the root (static).
 */
static inline const char *mk_acpi_tree(void)
{
	static char root[64];
	char d[PATH_MAX];

	strcpy(root, "/tmp/iag-acpi-XXXXXX");
	if (!mkdtemp(root))
		return NULL;
	snprintf(d, sizeof(d), "%s/devices/i2c-8/i2c-ACPI0001:00", root);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/bus/i2c/devices", root);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/bus/i2c/drivers/acpidrv", root);
	fx_mkdirs(d);
	snprintf(d, sizeof(d), "%s/devices/i2c-8", root);
	fx_link("../../bus/i2c", d, "subsystem");
	snprintf(d, sizeof(d), "%s/devices/i2c-8/i2c-ACPI0001:00", root);
	fx_link("../../../bus/i2c", d, "subsystem");
	fx_link("../../../bus/i2c/drivers/acpidrv", d, "driver");
	snprintf(d, sizeof(d), "%s/bus/i2c/devices", root);
	fx_link("../../../devices/i2c-8", d, "i2c-8");
	fx_link("../../../devices/i2c-8/i2c-ACPI0001:00", d, "i2c-ACPI0001:00");
	snprintf(d, sizeof(d), "%s/bus/i2c/drivers/acpidrv", root);
	fx_link("../../../../devices/i2c-8/i2c-ACPI0001:00", d, "i2c-ACPI0001:00");
	return root;
}

#endif
