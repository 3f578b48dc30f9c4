// SPDX-License-Identifier: GPL-2.0-only
/* audit: attach, report atomic-mode transfers live, summarize. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "journal.h"
#include "ksyms.h"
#include "live.h"
#include "policy.h"
#include "resolve.h"
#include "session.h"
#include "util.h"

static void audit_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s audit [--policy FILE] [--duration SEC] [--all] [--json]\n"
		"                 [--output FILE] [--fail-on-violation]\n"
		"                 [--mode auto|tracepoint|kprobe] [--stack-depth N]\n"
		"                 [--ringbuf-kb N] [--journal]\n"
		"\n"
		"Attach to the running kernel and report I2C/SMBus transfers made in\n"
		"atomic mode that the policy does not allow, and transfers made from\n"
		"atomic context while the system runs. Ends after --duration, or on\n"
		"SIGINT/SIGTERM, with a summary of the kernel-side counters.\n"
		"Prints \"%s: audit: attached (mode MODE)\" on stderr once attached.\n"
		"\n"
		"Options:\n"
		"  -p, --policy FILE        allowlist (YAML); without it every atomic-mode\n"
		"                           transfer is a violation\n"
		"  -d, --duration SEC       stop after SEC seconds (12, 12s, 1m); default: until a signal\n"
		"  -a, --all                report allowed transfers too\n"
		"  -j, --json               JSON Lines, one record per event, then a summary\n"
		"  -o, --output FILE        write the records to FILE (JSON Lines) instead of stdout\n"
		"      --fail-on-violation  exit 1 if any violation or denial was seen\n"
		"      --journal            also one structured journald entry per record\n"
		"                           (fields KIND, VERDICT, ADAPTER, ADDR, DEVICE, ...)\n"
		"  -m, --mode MODE          auto (default), tracepoint (patched kernel), kprobe\n"
		"      --stack-depth N      kernel frames per violation, 0..%d (default 16)\n"
		"      --ringbuf-kb N       ring buffer size in KiB, a power of two (default 256)\n"
		"  -h, --help               this help\n"
		"\n"
		"Example:\n"
		"  %s audit --policy board.yaml --duration 30 --json --output events.jsonl\n",
		iag_prog, iag_prog, IAG_MAX_STACK, iag_prog);
}

int do_audit(int argc, char **argv)
{
	enum { OPT_FAIL = 256, OPT_JOURNAL };
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 'd' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "fail-on-violation", no_argument, NULL, OPT_FAIL },
		{ "journal", no_argument, NULL, OPT_JOURNAL },
		{ "mode", required_argument, NULL, 'm' },
		{ "stack-depth", required_argument, NULL, IAG_OPT_STACK },
		{ "ringbuf-kb", required_argument, NULL, IAG_OPT_RB },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy = NULL, *output = NULL;
	struct iag_session_opts so;
	struct iag_session *s = NULL;
	struct iag_policy *pol = NULL;
	struct iag_keyset ks = { 0 };
	struct iag_live live;
	long duration = -1;
	bool fail_on_violation = false, journal = false;
	int c, rc = IAG_EXIT_OK;

	iag_live_catch_signals();
	iag_session_opts_default(&so);
	while ((c = getopt_long(argc, argv, "p:d:ajo:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 'd':
			duration = iag_parse_duration(optarg);
			if (duration < 0) {
				iag_err("audit: bad --duration '%s' (seconds, e.g. 30, 30s, 2m)", optarg);
				return IAG_EXIT_USAGE;
			}
			break;
		case 'a':
			so.report_all = true;
			break;
		case 'j':
			iag_json = true;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_FAIL:
			fail_on_violation = true;
			break;
		case OPT_JOURNAL:
			journal = true;
			break;
		case 'm':
		case IAG_OPT_STACK:
		case IAG_OPT_RB:
			if (iag_session_opt(&so, c, optarg, "audit"))
				return IAG_EXIT_USAGE;
			break;
		case 'h':
			audit_usage(stdout);
			return IAG_EXIT_OK;
		default:
			audit_usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		iag_err("audit: unexpected argument '%s'", argv[optind]);
		return IAG_EXIT_USAGE;
	}

	if (policy) {
		rc = iag_load_policy_keys(policy, &pol, &ks);
		if (rc)
			goto out;
	}
	rc = iag_live_init(&live, output, iag_json, pol);
	if (rc)
		goto out;
	live.max_stack = so.stack_depth;
	live.journal = journal;
	if (journal && iag_journal_probe()) {
		iag_err("audit: --journal: %s", iag_journal_probe() == -ENOSYS ?
			"no journald support in this build (the static binary)" :
			"no journald here (" "/run/systemd/journal/socket" ")");
		rc = IAG_EXIT_USAGE;
		goto out_live;
	}

	/* Filled between load and attach: no allowed transfer is ever flagged. */
	so.keys = policy ? &ks : NULL;
	s = iag_session_open(&so, &rc);
	if (!s)
		goto out_live;

	rc = iag_live_run(&live, s, "audit", duration, pol, &ks);
	if (!rc && fail_on_violation && iag_live_bad(&live, s))
		rc = IAG_EXIT_VIOLATION;
out_live:
	iag_session_close(s);
	iag_live_fini(&live);
out:
	iag_policy_keys_free(pol, &ks);
	return rc;
}
