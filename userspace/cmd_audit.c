// SPDX-License-Identifier: GPL-2.0-only
/* audit: attach, report atomic-mode transfers live, summarize. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "commands.h"
#include "journal.h"
#include "live_cmd.h"
#include "util.h"

static void audit_usage(FILE *f)
{
	fprintf(f,
		"Usage: %s audit [--policy FILE] [--duration SEC] [--all] [--json]\n"
		"                 [--output FILE] [--fail-on-violation]\n"
		"                 [--mode auto|tracepoint|kprobe] [--stack-depth N]\n"
		"                 [--ringbuf-kb N] [--no-aggregate] [--journal]\n"
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
		"  -j, --json               JSON Lines, one record per event (or per batch of\n"
		"                           repeats, see --no-aggregate), then a summary\n"
		"  -o, --output FILE        write the records to FILE (JSON Lines) instead of stdout\n"
		"      --fail-on-violation  exit 1 if any violation or denial was seen, else 6\n"
		"                           if a bus was found stuck and not recovered\n"
		"      --journal            also one structured journald entry per record\n"
		"                           (fields KIND, VERDICT, ADAPTER, ADDR, DEVICE, ...)\n"
		"  -m, --mode MODE          auto (default), tracepoint (patched kernel), kprobe\n"
		"      --stack-depth N      kernel frames per violation, 0..%d (default 16)\n"
		"      --ringbuf-kb N       ring buffer size in KiB, a power of two (default 64)\n"
		"      --no-aggregate       a record for every violation; by default the\n"
		"                           repeats of one (kind, device, stack) are counted\n"
		"                           in the kernel and written once per batch as one\n"
		"                           record with \"count\", \"first_ts_ns\", \"last_ts_ns\"\n"
		"                           (a storm or a suspend then loses nothing)\n"
		"  -h, --help               this help\n"
		"\n"
		"Example:\n"
		"  %s audit --policy board.yaml --duration 30 --json --output events.jsonl\n",
		iag_prog, iag_prog, IAG_MAX_STACK, iag_prog);
}

/* audit's own options, besides those of struct iag_live_cmd. */
struct audit_opts {
	bool all;		/* --all: records for allowed transfers too */
	bool fail_on_violation;
	bool journal;
};

enum { OPT_FAIL = 256, OPT_JOURNAL };

static int audit_opt(int opt, const char *arg, void *ctx)
{
	static const struct iag_cli_field own[] = {
		{ 'a', offsetof(struct audit_opts, all), true },
		{ OPT_FAIL, offsetof(struct audit_opts, fail_on_violation), true },
		{ OPT_JOURNAL, offsetof(struct audit_opts, journal), true },
	};

	return iag_cli_store(own, sizeof(own) / sizeof(own[0]), ctx, opt, arg);
}

/* --journal needs journald here, and a build that can talk to it. */
static int check_journal(void)
{
	int err = iag_journal_probe();

	if (!err)
		return IAG_EXIT_OK;
	iag_err("audit: --journal: %s", err == -ENOSYS ?
		"no journald support in this build (the static binary)" :
		"no journald here (" "/run/systemd/journal/socket" ")");
	return IAG_EXIT_USAGE;
}

int do_audit(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_LIVE_CMD_OPTS,
		{ "all", no_argument, NULL, 'a' },
		{ "fail-on-violation", no_argument, NULL, OPT_FAIL },
		{ "journal", no_argument, NULL, OPT_JOURNAL },
		{ NULL, 0, NULL, 0 },
	};
	struct iag_live_cmd lc;
	struct audit_opts a = { 0 };
	int rc;

	rc = iag_live_cmd_parse(&lc, "audit", audit_usage, argc, argv,
				"p:d:ajo:m:h", opts, audit_opt, &a);
	if (rc >= 0)
		return rc;
	lc.so.report_all = a.all;
	rc = iag_live_cmd_load_policy(&lc);
	if (!rc && a.journal)
		rc = check_journal();
	if (!rc)
		rc = iag_live_cmd_attach(&lc);
	if (!rc) {
		lc.live.journal = a.journal;
		rc = iag_live_cmd_run(&lc);
	}
	/* As report: a violation first, then a bus left stuck. */
	if (!rc && a.fail_on_violation && iag_live_bad(&lc.live, lc.s))
		rc = IAG_EXIT_VIOLATION;
	else if (!rc && a.fail_on_violation && iag_live_bus_stuck(&lc.live, lc.s))
		rc = IAG_EXIT_BUS_STUCK;
	iag_live_cmd_fini(&lc);
	return rc;
}
