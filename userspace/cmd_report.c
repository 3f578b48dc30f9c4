// SPDX-License-Identifier: GPL-2.0-only
/* report: offline reports from JSON Lines records or a kernel console log. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "devmodel.h"
#include "policy.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

#define MAX_BAD_SHOWN	20	/* unreadable lines named on stderr */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s report [--policy FILE] [--format text|json|ktap|junit|dot]\n"
		"                 [--sysfs-root DIR | --no-sysfs] [--output FILE]\n"
		"                 (EVENTS.jsonl | --console LOG)\n"
		"\n"
		"Report atomic-mode I2C transfers recorded earlier: JSON Lines from\n"
		"'audit --json', or a serial console log holding the i2c_atomic\n"
		"tracepoints (tp_printk) or the atomic_log switch's lines (the last\n"
		"phase of power-off and reboot, after userspace is gone). '-' reads\n"
		"standard input.\n"
		"\n"
		"  -p, --policy FILE     verdicts from this policy: its keys, resolved\n"
		"                        against the sysfs, and its i2c:/adapter: rules,\n"
		"                        by adapter and address; without a policy every\n"
		"                        atomic-mode transfer is a violation (recorded\n"
		"                        verdicts in JSON Lines are kept)\n"
		"  -f, --format FMT      text (default; json with the global --json),\n"
		"                        json, ktap, junit or dot\n"
		"  -c, --console LOG     read a console log instead of JSON Lines\n"
		"  -r, --sysfs-root DIR  device names and hierarchy from DIR (default /sys)\n"
		"  -n, --no-sysfs        use no sysfs (a log from another machine)\n"
		"  -o, --output FILE     write the report to FILE\n"
		"  -e, --allow-empty     exit 0, not 5, when the input holds no event\n"
		"\n"
		"Exit: 0 no violation, 1 violations or denied transfers, 2 bad input\n"
		"(also when some lines could not be read and nothing was violated),\n"
		"5 nothing captured: not one atomic-mode event (a console that was\n"
		"never armed, an empty file), unless --allow-empty.\n",
		iag_prog);
}

struct report_run {
	struct iag_cli cli;
	const char *console, *input;
	bool allow_empty;
	struct iag_policy *pol;
	struct iag_keyset ks;
	struct iag_devmodel *m;
	struct iag_report rep;
};

static int own_opt(int opt, const char *arg, void *ctx)
{
	static const struct iag_cli_field own[] = {
		{ 'c', offsetof(struct report_run, console), false },
		{ 'e', offsetof(struct report_run, allow_empty), true },
	};

	return iag_cli_store(own, sizeof(own) / sizeof(own[0]), ctx, opt, arg);
}

static int parse_args(struct report_run *r, int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_POLICY, IAG_CLI_OPT_FORMAT, IAG_CLI_OPT_OUTPUT,
		IAG_CLI_OPT_SYSFS_ROOT, IAG_CLI_OPT_NO_SYSFS, IAG_CLI_OPT_HELP,
		{ "console", required_argument, NULL, 'c' },
		{ "allow-empty", no_argument, NULL, 'e' },
		{ 0 }
	};
	int rc;

	iag_cli_init(&r->cli, "report", usage, ~0u);
	rc = iag_cli_parse(&r->cli, argc, argv, "p:f:c:r:no:eh", opts, own_opt, r);
	if (rc >= 0)
		return rc;
	if (r->cli.format < 0)
		r->cli.format = iag_json ? IAG_FMT_JSON : IAG_FMT_TEXT;
	if ((r->console && optind != argc) || (!r->console && optind != argc - 1)) {
		iag_err("report: give one EVENTS.jsonl or --console LOG (try 'report --help')");
		return IAG_EXIT_USAGE;
	}
	r->input = r->console ? r->console : argv[optind];
	return -1;
}

/* The records, with what could not be read said on stderr. */
static int read_input(struct report_run *r)
{
	FILE *in = strcmp(r->input, "-") ? fopen(r->input, "re") : stdin;
	struct iag_devmodel *chain = r->m && iag_devmodel_has_i2c(r->m) ? r->m : NULL;
	int err;

	if (!in) {
		iag_err("report: %s: %s", r->input, strerror(errno));
		return IAG_EXIT_USAGE;
	}
	err = r->console ? iag_report_read_console_ex(&r->rep, in, chain) :
			   iag_report_read_jsonl(&r->rep, in);
	if (in != stdin)
		fclose(in);
	if (err) {
		iag_err("report: reading %s: %s", r->input, strerror(-err));
		return IAG_EXIT_USAGE;
	}
	for (size_t i = 0; i < r->rep.n_bad && i < MAX_BAD_SHOWN; i++)
		iag_warn("%s:%lu: %s", r->input, r->rep.bad[i].line, r->rep.bad[i].msg);
	if (r->rep.n_bad > MAX_BAD_SHOWN)
		iag_warn("%s: %zu more lines could not be read (all of them are in the report)",
			 r->input, r->rep.n_bad - MAX_BAD_SHOWN);
	if (r->console && !r->rep.events)
		iag_warn("%s: no i2c_atomic event in %lu lines: was the kernel booted with 'trace_event=i2c_atomic:* tp_printk', or 'shutdown-audit arm' run (and the console loglevel high enough)?",
			 r->input, r->rep.lines);
	return -1;
}

static void note_dropped(struct iag_report *rep, const char *input)
{
	if (!rep->sum_dropped)
		return;
	iag_warn("%s: the recorder dropped %llu %s (its ring buffer was full): this report misses them",
		 input, rep->sum_dropped,
		 iag_plural(rep->sum_dropped, "record", "records"));
	if (asprintf(&rep->note, "the recorder dropped %llu %s; its counters: %llu %s, %llu denied",
		     rep->sum_dropped,
		     iag_plural(rep->sum_dropped, "record", "records"),
		     rep->sum_violations,
		     iag_plural(rep->sum_violations, "violation", "violations"),
		     rep->sum_denied) < 0)
		rep->note = NULL;
}

/* Verdicts from the policy's keys, resolved against the sysfs if any. */
static void decide(struct report_run *r)
{
	const struct iag_cli *cli = &r->cli;

	if (r->pol && !cli->no_sysfs) {
		int err = iag_resolve_ex(r->pol, cli->sysfs_root,
					 iag_verbose ? 0 : IAG_RESOLVE_QUIET, &r->ks);

		if (err) {
			iag_warn("report: cannot resolve %s against %s (%s): only the i2c: and adapter: rules decide",
				 cli->policy, cli->sysfs_root, strerror(-err));
			iag_keyset_free(&r->ks);
		}
	}
	iag_report_decide(&r->rep, r->pol, cli->policy && !cli->no_sysfs ? &r->ks : NULL,
			  r->m && iag_devmodel_has_i2c(r->m) ? r->m : NULL);
}

static int write_report(struct report_run *r)
{
	FILE *out = stdout;
	int err;

	if (r->cli.output) {
		out = fopen(r->cli.output, "we");
		if (!out) {
			iag_err("report: %s: %s", r->cli.output, strerror(errno));
			return IAG_EXIT_USAGE;
		}
	}
	err = iag_report_write(&r->rep, (enum iag_report_format)r->cli.format,
			       r->m, out);
	if (out != stdout && fclose(out))
		err = err ? err : -EIO;
	if (err) {
		iag_err("report: writing: %s", strerror(-err));
		return IAG_EXIT_INTERNAL;
	}
	return -1;
}

static int exit_code(const struct report_run *r)
{
	const struct iag_report *rep = &r->rep;

	/* records lost while the recorder counted violations: still a failure */
	if (rep->violations || rep->denied ||
	    (rep->sum_dropped && (rep->sum_violations || rep->sum_denied)))
		return IAG_EXIT_VIOLATION;
	if (iag_report_bus_stuck(rep))
		return IAG_EXIT_BUS_STUCK;
	if (rep->n_bad)
		return IAG_EXIT_USAGE;
	if (iag_report_nothing_captured(rep) && !r->allow_empty) {
		iag_warn("%s: nothing captured: not one atomic-mode event, so no violation proves nothing (exit %d; --allow-empty to accept)",
			 r->input, IAG_EXIT_NOTHING);
		return IAG_EXIT_NOTHING;
	}
	return IAG_EXIT_OK;
}

int do_report(int argc, char **argv)
{
	struct report_run r = { 0 };
	int rc = parse_args(&r, argc, argv);

	if (rc >= 0)
		return rc;
	if (r.cli.policy) {
		struct iag_diag d;

		if (iag_policy_load(r.cli.policy, &r.pol, &d)) {
			iag_diag_print(&d, stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if (!r.cli.no_sysfs)
		r.m = iag_devmodel_open(r.cli.sysfs_root);
	iag_report_init(&r.rep, r.input);
	rc = read_input(&r);
	if (rc < 0) {
		note_dropped(&r.rep, r.input);
		decide(&r);
		rc = write_report(&r);
	}
	if (rc < 0)
		rc = exit_code(&r);
	iag_report_free(&r.rep);
	iag_keyset_free(&r.ks);
	iag_devmodel_close(r.m);
	iag_policy_free(r.pol);
	return rc;
}
