/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Command-line options more than one command takes, parsed in one place:
 * one getopt loop for every command, the shared options by one letter each
 * (p policy, f format, o output, r sysfs-root, n no-sysfs, j json, h help),
 * the command's own through a callback.
 */
#ifndef IAG_CLI_H
#define IAG_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define IAG_CLI_OPT_POLICY	{ "policy", required_argument, NULL, 'p' }
#define IAG_CLI_OPT_FORMAT	{ "format", required_argument, NULL, 'f' }
#define IAG_CLI_OPT_OUTPUT	{ "output", required_argument, NULL, 'o' }
#define IAG_CLI_OPT_SYSFS_ROOT	{ "sysfs-root", required_argument, NULL, 'r' }
#define IAG_CLI_OPT_NO_SYSFS	{ "no-sysfs", no_argument, NULL, 'n' }
#define IAG_CLI_OPT_JSON	{ "json", no_argument, NULL, 'j' }
#define IAG_CLI_OPT_HELP	{ "help", no_argument, NULL, 'h' }

struct iag_cli {
	const char *cmd;		/* "report", for messages */
	void (*usage)(FILE *f);
	unsigned int formats;		/* 1 << enum iag_report_format accepted */
	const char *policy, *output, *sysfs_root;
	bool no_sysfs, json;
	int format;			/* -1 unless --format was given */
};

/* A command's own option: 0 taken, 1 not its own, -1 bad value (said). */
typedef int (*iag_cli_own_fn)(int opt, const char *arg, void *ctx);

/* An option that stores its argument (or true, @flag) at @offset. */
struct iag_cli_field {
	int opt;
	size_t offset;
	bool flag;
};

/* Store @opt per @f into @base: 0, or 1 if @opt is not in @f. */
int iag_cli_store(const struct iag_cli_field *f, size_t n, void *base,
		  int opt, const char *arg);

void iag_cli_init(struct iag_cli *cli, const char *cmd,
		  void (*usage)(FILE *f), unsigned int formats);
/*
 * getopt_long over @argv; -1 when every option was read (optind at the
 * first operand), else the exit code to return now: IAG_EXIT_OK after
 * --help, IAG_EXIT_USAGE after a bad option (usage on stderr).
 */
int iag_cli_parse(struct iag_cli *cli, int argc, char **argv,
		  const char *shortopts, const struct option *longopts,
		  iag_cli_own_fn own, void *ctx);
/*
 * After iag_cli_parse(), for a command that takes no operands: -1 when
 * there are none, else IAG_EXIT_USAGE after naming the first.
 */
int iag_cli_no_operands(const struct iag_cli *cli, int argc, char **argv);

#endif
