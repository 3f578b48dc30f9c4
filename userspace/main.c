// SPDX-License-Identifier: GPL-2.0-only
/*
 * i2c-atomic-guard: see which devices make I2C transfers in atomic mode,
 * and refuse the ones a policy does not allow.
 *
 * bpftool-style: global options, then a command with its own options.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include <linux/types.h>
#include "../include/i2c_atomic_guard.h"
#include "cli.h"
#include "commands.h"
#include "util.h"
#include "version.h"	/* IAG_VERSION from git describe (Makefile) */

#ifndef IAG_VERSION
#define IAG_VERSION "0.1.0"
#endif

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "status", do_status, "what the running kernel supports, what is pinned" },
	{ "policy", do_policy, "check | load | unload | show a policy file" },
	{ "audit", do_audit, "report atomic-mode transfers live" },
	{ "enforce", do_enforce, "refuse atomic-mode transfers the policy does not allow" },
	{ "report", do_report, "offline report from recorded events or a console log" },
	{ "ci", do_ci, "run a command under audit, fail on violations" },
	{ "shutdown-audit", do_shutdown_audit, "arm | disarm | status the kernel's power-off log" },
};

#define N_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s [OPTIONS] COMMAND [ARGS...]\n"
		"       %s COMMAND --help\n"
		"\n"
		"Watch and police I2C/SMBus transfers made in atomic mode (power-off,\n"
		"reboot, late suspend) and from atomic context while the system runs.\n"
		"\n"
		"Commands:\n", iag_prog, iag_prog);
	for (i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-15s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -j, --json      machine-readable output (JSON)\n"
		"  -v, --verbose   more detail; twice: libbpf debug log\n"
		"  -V, --version   print the version\n"
		"  -h, --help      this help\n"
		"\n"
		"Exit codes: 0 fine, 1 violations found, 2 bad usage or input,\n"
		"3 the kernel lacks what was asked for, 4 internal or BPF error.\n"
		"\n"
		"Example:\n"
		"  %s status\n"
		"  %s audit --policy /etc/i2c-atomic-guard.yaml --duration 60 --json\n",
		iag_prog, iag_prog);
}

static void version(void)
{
	if (iag_json) {
		printf("{\"version\":\"%s\",\"abi_version\":%d,\"libbpf\":\"%s\"}\n",
		       IAG_VERSION, IAG_ABI_VERSION, libbpf_version_string());
		return;
	}
	printf("%s %s (ABI %d, libbpf %s)\n", iag_prog, IAG_VERSION, IAG_ABI_VERSION,
	       libbpf_version_string());
}

/* -v and -V; --json and --help are the shared ones (cli.c). */
static int global_opt(int opt, const char *arg, void *ctx)
{
	bool *want_version = ctx;

	if (opt == 'v')
		iag_verbose++;
	else if (opt == 'V')
		*want_version = true;
	else
		return 1;
	return 0;
}

/*
 * Jansson seeds its hash tables at the first JSON object by reading
 * /dev/urandom, and before the kernel's random pool is ready that read
 * first gathers entropy itself: the benchmark VM's first audit spent 1 s
 * writing its summary record, inside its stop. getrandom(GRND_INSECURE)
 * never waits (the time and pid if it is not there).
 */
#ifndef GRND_INSECURE
#define GRND_INSECURE	0x0004	/* Linux 5.6 */
#endif

static void seed_json(void)
{
	size_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_INSECURE) != sizeof(seed) &&
	    getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed))
		seed = (size_t)time(NULL) ^ ((size_t)getpid() << 16);
	json_object_seed(seed ? seed : 1);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_JSON, IAG_CLI_OPT_HELP,
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	bool want_version = false;
	struct iag_cli cli;
	size_t i;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	seed_json();
	/* '+': stop at the command; its options are its own. */
	iag_cli_init(&cli, NULL, usage, 0);
	rc = iag_cli_parse(&cli, argc, argv, "+jvVh", opts, global_opt,
			   &want_version);
	if (rc >= 0)
		return rc;
	iag_json = cli.json;
	if (want_version) {
		version();
		return IAG_EXIT_OK;
	}
	if (optind >= argc) {
		usage(stderr);
		return IAG_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return IAG_EXIT_OK;
	}
	if (!strcmp(argv[optind], "version")) {
		version();
		return IAG_EXIT_OK;
	}
	for (i = 0; i < N_CMDS; i++) {
		if (strcmp(argv[optind], cmds[i].name))
			continue;
		/* Each command parses from its own name with getopt. */
		argv += optind;
		argc -= optind;
		optind = 0;
		return cmds[i].fn(argc, argv);
	}
	iag_err("unknown command '%s' (try --help)", argv[optind]);
	return IAG_EXIT_USAGE;
}
