// SPDX-License-Identifier: GPL-2.0-only
/* What audit and enforce share around the live loop: options and the run. */
#include <string.h>

#include "live_cmd.h"
#include "session_keys.h"
#include "util.h"

/* The options of both commands that cli.c does not know; then the command's. */
static int live_cmd_opt(int opt, const char *arg, void *ctx)
{
	struct iag_live_cmd *c = ctx;
	int r = c->own ? c->own(opt, arg, c->own_ctx) : 1;

	if (r != 1)
		return r;
	switch (opt) {
	case 'd':
		c->duration = iag_parse_duration(arg);
		if (c->duration < 0) {
			iag_err("%s: bad --duration '%s' (seconds, e.g. 30, 30s, 2m)",
				c->cli.cmd, arg);
			return -1;
		}
		return 0;
	case 'm':
	case IAG_OPT_STACK:
	case IAG_OPT_RB:
	case IAG_OPT_NO_AGG:
		return iag_session_opt(&c->so, opt, arg, c->cli.cmd) ? -1 : 0;
	}
	return 1;
}

int iag_live_cmd_parse(struct iag_live_cmd *c, const char *cmd,
		       void (*usage)(FILE *f), int argc, char **argv,
		       const char *shortopts, const struct option *longopts,
		       iag_cli_own_fn own, void *own_ctx)
{
	int rc;

	/* First: a signal during start-up then stops the loop at once. */
	iag_live_catch_signals();
	memset(c, 0, sizeof(*c));
	c->duration = -1;
	c->own = own;
	c->own_ctx = own_ctx;
	iag_session_opts_default(&c->so);
	iag_cli_init(&c->cli, cmd, usage, 0);
	rc = iag_cli_parse(&c->cli, argc, argv, shortopts, longopts,
			   live_cmd_opt, c);
	if (rc >= 0)
		return rc;
	iag_json = c->cli.json;
	return iag_cli_no_operands(&c->cli, argc, argv);
}

int iag_live_cmd_load_policy(struct iag_live_cmd *c)
{
	if (!c->cli.policy)
		return IAG_EXIT_OK;
	return iag_load_policy_keys(c->cli.policy, &c->pol, &c->ks);
}

int iag_live_cmd_attach(struct iag_live_cmd *c)
{
	int rc = iag_live_init(&c->live, c->cli.output, iag_json, c->pol);

	if (rc)
		return rc;
	c->live_open = true;
	c->live.max_stack = c->so.stack_depth;
	c->so.keys = c->cli.policy ? &c->ks : NULL;
	c->s = iag_session_open(&c->so, &rc);
	return c->s ? IAG_EXIT_OK : rc;
}

int iag_live_cmd_run(struct iag_live_cmd *c)
{
	return iag_live_run(&c->live, c->s, c->cli.cmd, c->duration, c->pol, &c->ks);
}

void iag_live_cmd_fini(struct iag_live_cmd *c)
{
	iag_session_close(c->s);
	c->s = NULL;
	if (c->live_open)
		iag_live_fini(&c->live);
	c->live_open = false;
	iag_policy_keys_free(c->pol, &c->ks);
	c->pol = NULL;
}
