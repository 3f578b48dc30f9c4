// SPDX-License-Identifier: GPL-2.0-only
/*
 * shutdown-audit arm | disarm | status
 *
 * arm turns on the patched kernel's runtime log switch
 * (/sys/module/i2c_core/parameters/atomic_log) so that the next power-off
 * or reboot prints its atomic-mode transfers to the console, and raises the
 * console loglevel so that pr_info() lines reach it. What it changed is
 * remembered in /run/i2c-atomic-guard/shutdown-audit.state; disarm restores
 * exactly that.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "util.h"

#define PARAM		"/sys/module/i2c_core/parameters/atomic_log"
#define MODDIR		"/sys/module/i2c_core"
#define PRINTK		"/proc/sys/kernel/printk"
#define STATE_DIR	"/run/i2c-atomic-guard"
#define STATE_FILE	STATE_DIR "/shutdown-audit.state"
#define KERN_INFO_LEVEL	6	/* pr_info(): shown when console_loglevel > 6 */

struct sa_paths {
	char param[512], moddir[512], printk[512], dir[512], state[512];
};

static void make_paths(struct sa_paths *p, const char *root)
{
	snprintf(p->param, sizeof(p->param), "%s%s", root, PARAM);
	snprintf(p->moddir, sizeof(p->moddir), "%s%s", root, MODDIR);
	snprintf(p->printk, sizeof(p->printk), "%s%s", root, PRINTK);
	snprintf(p->dir, sizeof(p->dir), "%s%s", root, STATE_DIR);
	snprintf(p->state, sizeof(p->state), "%s%s", root, STATE_FILE);
}

static int read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int write_small(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	return close(fd) ? -errno : 0;
}

/* "Y"/"N" (bool params read back as Y or N); -1 if unreadable. */
static int read_param(const struct sa_paths *p)
{
	char buf[16];

	if (read_small(p->param, buf, sizeof(buf)))
		return -1;
	return buf[0] == 'Y' || buf[0] == 'y' || buf[0] == '1';
}

static int console_loglevel(const struct sa_paths *p)
{
	char buf[64];

	if (read_small(p->printk, buf, sizeof(buf)))
		return -1;
	return atoi(buf);
}

struct sa_state {
	bool armed;
	int prev_log;		/* 0/1 */
	int prev_level;		/* -1: not changed */
};

static int load_state(const struct sa_paths *p, struct sa_state *st)
{
	char buf[256], *line, *save;

	st->armed = false;
	st->prev_log = 0;
	st->prev_level = -1;
	if (read_small(p->state, buf, sizeof(buf)))
		return -ENOENT;
	st->armed = true;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "atomic_log=", 11))
			st->prev_log = line[11] == 'Y';
		else if (!strncmp(line, "console_loglevel=", 17))
			st->prev_level = atoi(line + 17);
	}
	return 0;
}

static int save_state(const struct sa_paths *p, const struct sa_state *st)
{
	char tmp[600], buf[128];
	int fd, n;

	if (mkdir(p->dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s.tmp", p->state);
	n = snprintf(buf, sizeof(buf), "# written by i2c-atomic-guard shutdown-audit arm\natomic_log=%c\n",
		     st->prev_log ? 'Y' : 'N');
	if (st->prev_level >= 0)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
			      "console_loglevel=%d\n", st->prev_level);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)n) != n || fsync(fd)) {
		int e = -errno;

		close(fd);
		unlink(tmp);
		return e ? e : -EIO;
	}
	close(fd);
	return rename(tmp, p->state) ? -errno : 0;
}

static int unsupported(const struct sa_paths *p)
{
	struct stat s;

	if (stat(p->moddir, &s))
		iag_err("shutdown-audit: %s does not exist: this kernel has no I2C core loaded (CONFIG_I2C, or load i2c-core)",
			p->moddir);
	else
		iag_err("shutdown-audit: %s does not exist: this kernel lacks the atomic_log switch (an unpatched kernel; apply kernel-patch/)",
			p->param);
	return IAG_EXIT_UNSUPPORTED;
}

static int arm(const struct sa_paths *p, bool loglevel)
{
	struct sa_state st;
	int cur = read_param(p), lvl, err;

	if (cur < 0)
		return unsupported(p);
	if (!load_state(p, &st)) {
		/* armed before: keep what we first found */
		if (!cur && (err = write_small(p->param, "Y"))) {
			iag_err("shutdown-audit: writing %s: %s", p->param,
				strerror(-err));
			return IAG_EXIT_INTERNAL;
		}
		printf("already armed (state in %s)\n", p->state);
		return IAG_EXIT_OK;
	}
	st.prev_log = cur;
	st.prev_level = -1;
	lvl = console_loglevel(p);
	if (loglevel && lvl >= 0 && lvl <= KERN_INFO_LEVEL)
		st.prev_level = lvl;
	/* remember first, then change: disarm can always undo */
	err = save_state(p, &st);
	if (err) {
		iag_err("shutdown-audit: writing %s: %s", p->state, strerror(-err));
		return IAG_EXIT_INTERNAL;
	}
	err = write_small(p->param, "Y");
	if (err) {
		iag_err("shutdown-audit: writing %s: %s%s", p->param,
			strerror(-err), err == -EACCES ? " (run as root)" : "");
		unlink(p->state);
		return IAG_EXIT_INTERNAL;
	}
	if (st.prev_level >= 0) {
		err = write_small(p->printk, "7");
		if (err) {
			iag_warn("shutdown-audit: cannot raise the console loglevel (%s): the lines may not reach the console",
				 strerror(-err));
			st.prev_level = -1;
			save_state(p, &st);
		}
	}
	printf("armed: %s was %c, now Y", p->param, cur ? 'Y' : 'N');
	if (st.prev_level >= 0)
		printf("; console loglevel %d -> 7", st.prev_level);
	else if (lvl >= 0)
		printf("; console loglevel %d kept", lvl);
	printf("\nthe next power-off or reboot prints its atomic-mode I2C transfers on the console;\n"
	       "capture the serial console and run: %s report --console LOG\n",
	       iag_prog);
	if (!loglevel && lvl >= 0 && lvl <= KERN_INFO_LEVEL)
		iag_warn("console loglevel %d hides pr_info() lines: they reach the log buffer, not the console",
			 lvl);
	return IAG_EXIT_OK;
}

static int disarm(const struct sa_paths *p)
{
	struct sa_state st;
	int err, rc = IAG_EXIT_OK;
	char lv[16];

	if (load_state(p, &st)) {
		printf("not armed by %s (no %s): nothing to restore\n", iag_prog,
		       p->state);
		return IAG_EXIT_OK;
	}
	if (read_param(p) >= 0) {
		err = write_small(p->param, st.prev_log ? "Y" : "N");
		if (err) {
			iag_err("shutdown-audit: writing %s: %s", p->param,
				strerror(-err));
			return IAG_EXIT_INTERNAL;
		}
	}
	if (st.prev_level >= 0) {
		snprintf(lv, sizeof(lv), "%d", st.prev_level);
		err = write_small(p->printk, lv);
		if (err) {
			iag_err("shutdown-audit: restoring the console loglevel: %s",
				strerror(-err));
			rc = IAG_EXIT_INTERNAL;
		}
	}
	if (!rc && unlink(p->state)) {
		iag_err("shutdown-audit: removing %s: %s", p->state, strerror(errno));
		rc = IAG_EXIT_INTERNAL;
	}
	if (!rc) {
		printf("disarmed: atomic_log restored to %c", st.prev_log ? 'Y' : 'N');
		if (st.prev_level >= 0)
			printf(", console loglevel to %d", st.prev_level);
		printf("\n");
	}
	return rc;
}

static int status(const struct sa_paths *p, bool json)
{
	struct sa_state st;
	int cur = read_param(p), lvl = console_loglevel(p);
	bool ours = !load_state(p, &st);

	if (json) {
		json_t *o = json_pack("{s:b, s:o, s:o, s:b}",
			"supported", cur >= 0,
			"atomic_log", cur < 0 ? json_null() : json_boolean(cur),
			"console_loglevel", lvl < 0 ? json_null() : json_integer(lvl),
			"armed_by_us", ours);

		if (ours) {
			json_object_set_new(o, "previous_atomic_log",
					    json_boolean(st.prev_log));
			json_object_set_new(o, "previous_console_loglevel",
					    st.prev_level < 0 ? json_null() :
					    json_integer(st.prev_level));
		}
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
		return cur < 0 ? IAG_EXIT_UNSUPPORTED : IAG_EXIT_OK;
	}
	if (cur < 0)
		return unsupported(p);
	printf("atomic_log: %s\n", cur ? "Y (armed: atomic-mode transfers are logged)" : "N");
	if (lvl >= 0)
		printf("console loglevel: %d%s\n", lvl,
		       lvl <= KERN_INFO_LEVEL ? " (pr_info lines do not reach the console)" : "");
	if (ours) {
		printf("armed by %s: will restore atomic_log=%c", iag_prog,
		       st.prev_log ? 'Y' : 'N');
		if (st.prev_level >= 0)
			printf(", console loglevel %d", st.prev_level);
		printf(" on disarm\n");
	} else {
		printf("not armed by %s\n", iag_prog);
	}
	return IAG_EXIT_OK;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s shutdown-audit arm [--keep-loglevel] | disarm | status [--json]\n"
		"\n"
		"arm     turn on %s so the next power-off or reboot\n"
		"        prints its atomic-mode I2C transfers on the console, and raise\n"
		"        the console loglevel to 7 if it hides pr_info() lines\n"
		"        (--keep-loglevel: don't); what changed is kept in %s\n"
		"disarm  restore what arm changed\n"
		"status  show the switch, the console loglevel and the saved state\n"
		"\n"
		"Exit: 0 fine, 3 the kernel lacks the switch (unpatched), 4 error.\n",
		iag_prog, PARAM, STATE_FILE);
}

/* shutdown-audit's own options, besides --json and --help. */
struct sa_opts {
	bool keep;		/* --keep-loglevel */
	const char *root;	/* --root: a fake filesystem root (tests) */
};

static int sa_opt(int opt, const char *arg, void *ctx)
{
	static const struct iag_cli_field own[] = {
		{ 'k', offsetof(struct sa_opts, keep), true },
		{ 'R', offsetof(struct sa_opts, root), false },
	};

	return iag_cli_store(own, sizeof(own) / sizeof(own[0]), ctx, opt, arg);
}

int do_shutdown_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_JSON, IAG_CLI_OPT_HELP,
		{ "keep-loglevel", no_argument, NULL, 'k' },
		{ "root", required_argument, NULL, 'R' },	/* tests */
		{ 0 }
	};
	struct sa_opts o = { .root = getenv("IAG_SHUTDOWN_AUDIT_ROOT") };
	struct iag_cli cli;
	struct sa_paths p;
	const char *verb;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return IAG_EXIT_USAGE;
	}
	/* The action first, then its options: getopt sees it as argv[0]. */
	verb = argv[1];
	iag_cli_init(&cli, "shutdown-audit", usage, 0);
	rc = iag_cli_parse(&cli, argc - 1, argv + 1, "kjh", opts, sa_opt, &o);
	if (rc >= 0)
		return rc;
	make_paths(&p, o.root ? o.root : "");
	if (!strcmp(verb, "arm"))
		return arm(&p, !o.keep);
	if (!strcmp(verb, "disarm"))
		return disarm(&p);
	if (!strcmp(verb, "status"))
		return status(&p, cli.json);
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help")) {
		usage(stdout);
		return IAG_EXIT_OK;
	}
	iag_err("shutdown-audit: unknown action '%s' (arm, disarm, status)", verb);
	return IAG_EXIT_USAGE;
}
