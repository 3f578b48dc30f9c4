// SPDX-License-Identifier: GPL-2.0-only
/* report: offline reports from JSON Lines records or a kernel console log. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "devmodel.h"
#include "policy.h"
#include "report.h"
#include "resolve.h"
#include "util.h"

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
		"  -p, --policy FILE     verdicts from this policy, resolved against the\n"
		"                        sysfs and, where that finds nothing, against the\n"
		"                        devices the records name; without a policy every\n"
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

int do_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "console", required_argument, NULL, 'c' },
		{ "sysfs-root", required_argument, NULL, 'r' },
		{ "no-sysfs", no_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ "allow-empty", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *policy = NULL, *console = NULL, *input, *root = "/sys";
	const char *output = NULL;
	int fmt = iag_json ? IAG_FMT_JSON : IAG_FMT_TEXT, c, rc = IAG_EXIT_OK;
	bool no_sysfs = false, allow_empty = false;
	struct iag_policy *pol = NULL;
	struct iag_keyset ks = { 0 };
	struct iag_devmodel *m = NULL;
	struct iag_report rep;
	FILE *in, *out = stdout;

	optind = 0;
	while ((c = getopt_long(argc, argv, "p:f:c:r:no:eh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 'f':
			fmt = iag_report_format_parse(optarg);
			if (fmt < 0) {
				iag_err("report: unknown format '%s' (text, json, ktap, junit, dot)",
					optarg);
				return IAG_EXIT_USAGE;
			}
			break;
		case 'c':
			console = optarg;
			break;
		case 'r':
			root = optarg;
			break;
		case 'n':
			no_sysfs = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'e':
			allow_empty = true;
			break;
		case 'h':
			usage(stdout);
			return IAG_EXIT_OK;
		default:
			usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if ((console && optind != argc) || (!console && optind != argc - 1)) {
		iag_err("report: give one EVENTS.jsonl or --console LOG (try 'report --help')");
		return IAG_EXIT_USAGE;
	}
	input = console ? console : argv[optind];
	if (policy) {
		struct iag_diag d;
		int err = iag_policy_load(policy, &pol, &d);

		if (err) {
			iag_diag_print(&d, stderr);
			return IAG_EXIT_USAGE;
		}
	}
	in = strcmp(input, "-") ? fopen(input, "re") : stdin;
	if (!in) {
		iag_err("report: %s: %s", input, strerror(errno));
		iag_policy_free(pol);
		return IAG_EXIT_USAGE;
	}
	if (!no_sysfs)
		m = iag_devmodel_open(root);
	iag_report_init(&rep, input);
	c = console ? iag_report_read_console_ex(&rep, in,
						 m && iag_devmodel_has_i2c(m) ? m : NULL) :
		      iag_report_read_jsonl(&rep, in);
	if (in != stdin)
		fclose(in);
	if (c) {
		iag_err("report: reading %s: %s", input, strerror(-c));
		rc = IAG_EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < rep.n_bad && i < 20; i++)
		iag_warn("%s:%lu: %s", input, rep.bad[i].line, rep.bad[i].msg);
	if (rep.n_bad > 20)
		iag_warn("%s: %zu more lines could not be read (all of them are in the report)",
			 input, rep.n_bad - 20);
	if (console && !rep.events)
		iag_warn("%s: no i2c_atomic event in %lu lines: was the kernel booted with 'trace_event=i2c_atomic:* tp_printk', or 'shutdown-audit arm' run (and the console loglevel high enough)?",
			 input, rep.lines);
	if (rep.sum_dropped) {
		iag_warn("%s: the recorder dropped %llu %s (its ring buffer was full): this report misses them",
			 input, rep.sum_dropped,
			 iag_plural(rep.sum_dropped, "record", "records"));
		if (asprintf(&rep.note, "the recorder dropped %llu %s; its counters: %llu %s, %llu denied",
			     rep.sum_dropped,
			     iag_plural(rep.sum_dropped, "record", "records"),
			     rep.sum_violations,
			     iag_plural(rep.sum_violations, "violation", "violations"),
			     rep.sum_denied) < 0)
			rep.note = NULL;
	}
	if (pol && !no_sysfs) {
		int err = iag_resolve_ex(pol, root, iag_verbose ? 0 : IAG_RESOLVE_QUIET,
					 &ks);

		if (err) {
			iag_warn("report: cannot resolve %s against %s (%s): matching the devices the records name",
				 policy, root, strerror(-err));
			iag_keyset_free(&ks);
		}
	}
	iag_report_decide(&rep, pol, policy && !no_sysfs ? &ks : NULL,
			  m && iag_devmodel_has_i2c(m) ? m : NULL);
	if (output) {
		out = fopen(output, "we");
		if (!out) {
			iag_err("report: %s: %s", output, strerror(errno));
			rc = IAG_EXIT_USAGE;
			goto out;
		}
	}
	c = iag_report_write(&rep, (enum iag_report_format)fmt, m, out);
	if (out != stdout && fclose(out))
		c = c ? c : -EIO;
	if (c) {
		iag_err("report: writing: %s", strerror(-c));
		rc = IAG_EXIT_INTERNAL;
		goto out;
	}
	/* records lost while the recorder counted violations: still a failure */
	if (rep.violations || rep.denied ||
	    (rep.sum_dropped && (rep.sum_violations || rep.sum_denied)))
		rc = IAG_EXIT_VIOLATION;
	else if (rep.n_bad)
		rc = IAG_EXIT_USAGE;
	else if (iag_report_nothing_captured(&rep) && !allow_empty) {
		iag_warn("%s: nothing captured: not one atomic-mode event, so no violation proves nothing (exit %d; --allow-empty to accept)",
			 input, IAG_EXIT_NOTHING);
		rc = IAG_EXIT_NOTHING;
	}
out:
	iag_report_free(&rep);
	iag_keyset_free(&ks);
	iag_devmodel_close(m);
	iag_policy_free(pol);
	return rc;
}
