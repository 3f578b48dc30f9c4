/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What audit and enforce share around the live loop (live.c): their common
 * options, parsed through cli.c, and the run itself: the policy's keys, the
 * output, the attach, and the clean-up in the right order. Each command
 * keeps only what is its own (audit: --all, --journal, --fail-on-violation;
 * enforce: --pin, --unpin, the trust and mode checks).
 */
#ifndef IAG_LIVE_CMD_H
#define IAG_LIVE_CMD_H

#include <stdio.h>

#include "cli.h"
#include "live.h"
#include "resolve.h"
#include "session.h"

/* The long options both commands take; their short ones: "p:d:jo:m:h". */
#define IAG_LIVE_CMD_OPTS \
	IAG_CLI_OPT_POLICY, IAG_CLI_OPT_OUTPUT, IAG_CLI_OPT_JSON, IAG_CLI_OPT_HELP, \
	{ "duration", required_argument, NULL, 'd' }, \
	{ "mode", required_argument, NULL, 'm' }, \
	{ "stack-depth", required_argument, NULL, IAG_OPT_STACK }, \
	{ "ringbuf-kb", required_argument, NULL, IAG_OPT_RB }, \
	{ "no-aggregate", no_argument, NULL, IAG_OPT_NO_AGG }

struct iag_live_cmd {
	struct iag_cli cli;		/* --policy, --output, --json */
	struct iag_session_opts so;	/* --mode, --stack-depth, --ringbuf-kb */
	long duration;			/* --duration in seconds; -1: until a signal */
	iag_cli_own_fn own;		/* the command's own options, or NULL */
	void *own_ctx;
	struct iag_policy *pol;		/* loaded from --policy, or NULL */
	struct iag_keyset ks;		/* its keys on the live sysfs */
	struct iag_live live;
	bool live_open;
	struct iag_session *s;
};

/*
 * Catch the stop signals, set the defaults, parse @argv (no operands):
 * -1 to go on, else the exit code to return (said). @own sees every option
 * first and returns 0 taken, 1 not its own, -1 bad value (said).
 */
int iag_live_cmd_parse(struct iag_live_cmd *c, const char *cmd,
		       void (*usage)(FILE *f), int argc, char **argv,
		       const char *shortopts, const struct option *longopts,
		       iag_cli_own_fn own, void *own_ctx);
/* --policy's keys on the live sysfs (nothing without --policy): an exit code. */
int iag_live_cmd_load_policy(struct iag_live_cmd *c);
/*
 * Open the output, then the session with the policy's keys filled in
 * between load and attach (no allowed transfer is ever flagged): an exit
 * code.
 */
int iag_live_cmd_attach(struct iag_live_cmd *c);
/* Loop until --duration or a signal, then the summary: an exit code. */
int iag_live_cmd_run(struct iag_live_cmd *c);
/* Detach, close the output, free the policy: in that order. */
void iag_live_cmd_fini(struct iag_live_cmd *c);

#endif
