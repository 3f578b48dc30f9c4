// SPDX-License-Identifier: GPL-2.0-only
/* Command-line options more than one command takes, parsed in one place. */
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "report.h"
#include "util.h"

void iag_cli_init(struct iag_cli *cli, const char *cmd,
		  void (*usage)(FILE *f), unsigned int formats)
{
	*cli = (struct iag_cli){
		.cmd = cmd, .usage = usage, .formats = formats,
		.sysfs_root = "/sys", .json = iag_json, .format = -1,
	};
}

static int format_opt(struct iag_cli *cli, const char *arg)
{
	int f = iag_report_format_parse(arg);

	if (f < 0 || !(cli->formats & (1u << f))) {
		iag_err("%s: format '%s' is not one of this command's (try '%s --help')",
			cli->cmd, arg, cli->cmd);
		return -1;
	}
	cli->format = f;
	return 0;
}

/* The shared options that only store their argument, or true. */
static const struct iag_cli_field shared_fields[] = {
	{ 'p', offsetof(struct iag_cli, policy), false },
	{ 'o', offsetof(struct iag_cli, output), false },
	{ 'r', offsetof(struct iag_cli, sysfs_root), false },
	{ 'n', offsetof(struct iag_cli, no_sysfs), true },
	{ 'j', offsetof(struct iag_cli, json), true },
};

int iag_cli_store(const struct iag_cli_field *f, size_t n, void *base,
		  int opt, const char *arg)
{
	for (size_t i = 0; i < n; i++) {
		if (f[i].opt != opt)
			continue;
		if (f[i].flag)
			*(bool *)((char *)base + f[i].offset) = true;
		else
			*(const char **)((char *)base + f[i].offset) = arg;
		return 0;
	}
	return 1;
}

/* 0 taken, 1 not a shared option, -1 bad value. */
static int shared_opt(struct iag_cli *cli, int opt, const char *arg)
{
	if (opt == 'f')
		return format_opt(cli, arg);
	return iag_cli_store(shared_fields, sizeof(shared_fields) /
			     sizeof(shared_fields[0]), cli, opt, arg);
}

int iag_cli_parse(struct iag_cli *cli, int argc, char **argv,
		  const char *shortopts, const struct option *longopts,
		  iag_cli_own_fn own, void *ctx)
{
	int c, r;

	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			cli->usage(stdout);
			return IAG_EXIT_OK;
		}
		r = c == '?' ? 1 : own ? own(c, optarg, ctx) : 1;
		if (r == 1 && c != '?')
			r = shared_opt(cli, c, optarg);
		if (r < 0)
			return IAG_EXIT_USAGE;
		if (r) {
			cli->usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	return -1;
}

int iag_cli_no_operands(const struct iag_cli *cli, int argc, char **argv)
{
	if (optind >= argc)
		return -1;
	iag_err("%s: unexpected argument '%s'", cli->cmd, argv[optind]);
	return IAG_EXIT_USAGE;
}
