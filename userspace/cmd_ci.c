// SPDX-License-Identifier: GPL-2.0-only
/*
 * ci: run COMMAND under audit and fail if anything unauthorized happened.
 *
 * The BPF session stays in this process (libbpf link fds are O_CLOEXEC: an
 * exec would detach the programs); COMMAND runs in a forked child. Records
 * are collected until the child exits, plus a short drain, then written as
 * KTAP or JUnit XML.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "devmodel.h"
#include "../include/iag_agg_key.h"
#include "ksyms.h"
#include "live.h"
#include "policy.h"
#include "record.h"
#include "report.h"
#include "resolve.h"
#include "session.h"
#include "session_keys.h"
#include "util.h"

#define DRAIN_MS	300

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s ci --policy FILE [--format ktap|junit] [--output FILE]\n"
		"             [--mode auto|tracepoint|kprobe] -- COMMAND [ARGS...]\n"
		"\n"
		"Run COMMAND with atomic-mode I2C transfers audited against the\n"
		"policy; write one test per device (KTAP by default, or JUnit XML),\n"
		"'not ok' for a device that made a transfer the policy does not allow.\n"
		"\n"
		"Exit: 0 nothing unauthorized, 1 violations or denied transfers (the\n"
		"kernel counters count too), 2 bad usage or policy, 3 the kernel\n"
		"cannot be audited, 4 internal or BPF error, 6 a bus found stuck in\n"
		"atomic mode and not recovered (no violation). COMMAND's own exit\n"
		"status is reported, not returned.\n",
		iag_prog);
}

/* The first record of an aggregate: its repeats are added at the end. */
struct ci_first {
	struct iag_agg_key key;
	size_t idx;		/* in rep.rec */
};

struct ci_ctx {
	struct iag_report rep;
	struct iag_ksyms *ksyms;
	bool ksyms_tried;
	unsigned long long entry_lo, entry_hi;	/* the kernel's entry code */
	int err;
	struct ci_first *firsts;
	size_t n_firsts;
};

/* A record with its stack symbolized; -ENOMEM. */
static int to_record(struct ci_ctx *c, const struct iag_event *ev, struct iag_record *r)
{
	__u32 n;

	if (iag_record_from_event(r, ev)) {
		iag_record_free(r);
		return -ENOMEM;
	}
	/* As audit shows it: not the code a hard IRQ interrupted. */
	n = iag_stack_cut_at_entry(ev->stack, r->n_stack, c->entry_lo, c->entry_hi);
	while (r->n_stack > n)
		free(r->stack[--r->n_stack]);
	if (r->n_stack && !c->ksyms_tried) {
		c->ksyms_tried = true;
		c->ksyms = iag_ksyms_load(NULL);
	}
	if (c->ksyms && r->n_stack)
		iag_ksyms_resolve(c->ksyms, ev->stack, r->n_stack < ev->stack_len ? r->n_stack : ev->stack_len);
	for (size_t i = 0; c->ksyms && i < r->n_stack && i < ev->stack_len; i++) {
		char buf[256];

		iag_ksyms_name(c->ksyms, ev->stack[i], buf, sizeof(buf));
		free(r->stack[i]);
		r->stack[i] = strdup(buf);
	}
	return 0;
}

static void note_first(struct ci_ctx *c, const struct iag_event *ev)
{
	struct ci_first *f = realloc(c->firsts, (c->n_firsts + 1) * sizeof(*f));

	if (!f) {
		c->err = -ENOMEM;
		return;
	}
	c->firsts = f;
	iag_agg_key_fill(&f[c->n_firsts].key, ev);
	f[c->n_firsts++].idx = c->rep.n - 1;
}

static int on_event(const struct iag_event *ev, void *p)
{
	struct ci_ctx *c = p;
	struct iag_record r;

	if (to_record(c, ev, &r) || iag_report_add(&c->rep, &r)) {
		iag_record_free(&r);
		c->err = -ENOMEM;
		return 0;
	}
	if (ev->first_of_aggregate)
		note_first(c, ev);
	return 0;
}

struct ci_repeats {
	struct ci_ctx *c;
	struct iag_session *s;
};

/* The repeats of a key, as one record more: its first one's, with the count. */
static void add_repeats(const struct iag_agg_key *key, const struct iag_agg_val *val, void *p)
{
	struct ci_ctx *c = ((struct ci_repeats *)p)->c;
	struct iag_record r;
	struct iag_event ev;
	size_t i;
	int err;

	if (!val->count)
		return;
	for (i = 0; i < c->n_firsts && memcmp(&c->firsts[i].key, key, sizeof(*key)); i++)
		;
	if (i < c->n_firsts) {
		err = iag_record_copy(&r, &c->rep.rec[c->firsts[i].idx]);
	} else {
		iag_agg_event_of_key(&ev, key, ((struct ci_repeats *)p)->s);
		err = to_record(c, &ev, &r);
		r.first_record_lost = true;
	}
	if (err) {
		c->err = -ENOMEM;
		return;
	}
	r.count = val->count;
	r.ts_ns = r.last_ts_ns = val->last_ns;
	r.first_ts_ns = val->first_ns;
	if (iag_report_add(&c->rep, &r)) {
		iag_record_free(&r);
		c->err = -ENOMEM;
	}
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct ci_run {
	struct iag_cli cli;
	struct iag_session_opts so;
	struct iag_session *s;
	struct iag_policy *pol;
	struct iag_keyset ks;
	struct iag_counters cnt;
	bool have_cnt;
	struct ci_ctx ctx;
	char **command;		/* argv of COMMAND */
	int status;		/* its wait status */
	bool ran;		/* COMMAND was started */
};

static int own_opt(int opt, const char *arg, void *p)
{
	struct ci_run *r = p;

	if (opt != 'm')
		return 1;
	return iag_session_opt(&r->so, opt, arg, "ci") ? -1 : 0;
}

static int parse_args(struct ci_run *r, int argc, char **argv)
{
	static const struct option opts[] = {
		IAG_CLI_OPT_POLICY, IAG_CLI_OPT_FORMAT, IAG_CLI_OPT_OUTPUT,
		IAG_CLI_OPT_HELP,
		{ "mode", required_argument, NULL, 'm' },
		{ 0 }
	};
	int rc;

	iag_session_opts_default(&r->so);
	iag_cli_init(&r->cli, "ci", usage,
		     1u << IAG_FMT_KTAP | 1u << IAG_FMT_JUNIT);
	rc = iag_cli_parse(&r->cli, argc, argv, "+p:f:o:m:h", opts, own_opt, r);
	if (rc >= 0)
		return rc;
	if (r->cli.format < 0)
		r->cli.format = IAG_FMT_KTAP;
	if (!r->cli.policy) {
		iag_err("ci: --policy FILE is required (try 'ci --help')");
		return IAG_EXIT_USAGE;
	}
	if (optind >= argc) {
		iag_err("ci: no COMMAND given: ci --policy FILE -- COMMAND [ARGS...]");
		return IAG_EXIT_USAGE;
	}
	r->command = argv + optind;
	return -1;
}

/* The report's source: the command line (malloc'd; NULL on ENOMEM). */
static char *command_line(char **command)
{
	size_t len = 1;
	char *line, *p;

	for (int i = 0; command[i]; i++)
		len += strlen(command[i]) + 1;
	line = malloc(len);
	if (!line)
		return NULL;
	p = line;
	for (int i = 0; command[i]; i++)
		p += sprintf(p, "%s%s", i ? " " : "", command[i]);
	return line;
}

/* Poll the records until the child exits, then a short drain. */
static int collect(struct ci_run *r, pid_t pid)
{
	struct sigaction sa = { .sa_handler = forward }, old_int, old_term;
	int rc = -1;

	child_pid = pid;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (;;) {
		pid_t w = waitpid(pid, &r->status, WNOHANG);
		int n;

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		n = iag_session_poll(r->s, 100, on_event, &r->ctx);
		if (n < 0 && n != -EINTR) {
			iag_err("ci: reading events: %s", strerror(-n));
			rc = IAG_EXIT_INTERNAL;
			kill(pid, SIGTERM);
			waitpid(pid, &r->status, 0);
			break;
		}
	}
	child_pid = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	/* records still in flight */
	for (double end = now_ms() + DRAIN_MS; now_ms() < end;)
		if (iag_session_poll(r->s, 50, on_event, &r->ctx) < 0)
			break;
	iag_session_poll(r->s, 0, on_event, &r->ctx);
	iag_agg_walk(r->s, add_repeats, &(struct ci_repeats){ &r->ctx, r->s });
	r->have_cnt = !iag_session_counters(r->s, &r->cnt);
	return r->ctx.err ? IAG_EXIT_INTERNAL : rc;
}

static int run_command(struct ci_run *r)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		iag_err("ci: fork: %s", strerror(errno));
		return IAG_EXIT_INTERNAL;
	}
	if (pid == 0) {
		execvp(r->command[0], r->command);
		fprintf(stderr, "%s: ci: cannot run %s: %s\n", iag_prog,
			r->command[0], strerror(errno));
		_exit(127);
	}
	r->ran = true;
	return collect(r, pid);
}

/* The header note: policy, mode, how COMMAND ended, the counters. */
static void add_note(struct ci_run *r)
{
	const char *policy = r->cli.policy, *cmd = r->command[0];
	int status = r->status;
	char st[64], *note = NULL;

	if (WIFEXITED(status))
		snprintf(st, sizeof(st), "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(st, sizeof(st), "was killed by signal %d", WTERMSIG(status));
	else
		snprintf(st, sizeof(st), "ended");
	if (r->have_cnt &&
	    asprintf(&note, "policy %s; mode %s; COMMAND %s %s; kernel counters: seen %llu, allowed %llu, violations %llu, denied %llu, dropped %llu",
		     policy, iag_mode_name(iag_session_mode(r->s)), cmd, st,
		     (unsigned long long)r->cnt.v[IAG_CNT_SEEN],
		     (unsigned long long)r->cnt.v[IAG_CNT_ALLOWED],
		     (unsigned long long)r->cnt.v[IAG_CNT_VIOLATIONS],
		     (unsigned long long)r->cnt.v[IAG_CNT_DENIED],
		     (unsigned long long)r->cnt.v[IAG_CNT_DROPPED]) < 0)
		note = NULL;
	if (!note && asprintf(&note, "policy %s; COMMAND %s %s", policy, cmd, st) < 0)
		note = NULL;
	r->ctx.rep.note = note;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		iag_warn("ci: %s %s", cmd, st);
}

static int write_result(struct ci_run *r)
{
	struct iag_devmodel *dm = iag_devmodel_open("/sys");
	FILE *out = stdout;
	int rc = IAG_EXIT_OK;

	iag_report_decide(&r->ctx.rep, NULL, NULL, dm);	/* verdicts from BPF */
	r->ctx.rep.have_policy = true;
	add_note(r);
	if (r->cli.output) {
		out = fopen(r->cli.output, "we");
		if (!out) {
			iag_err("ci: %s: %s", r->cli.output, strerror(errno));
			out = stdout;
			rc = IAG_EXIT_INTERNAL;
		}
	}
	if (iag_report_write(&r->ctx.rep, (enum iag_report_format)r->cli.format,
			     dm, out))
		rc = IAG_EXIT_INTERNAL;
	if (out != stdout)
		fclose(out);
	iag_devmodel_close(dm);
	return rc;
}

static int verdict(const struct ci_run *r)
{
	const struct iag_counters *c = &r->cnt;

	if (r->have_cnt && c->v[IAG_CNT_DROPPED])
		iag_warn("ci: %llu record(s) were dropped (ring buffer full); the counters still count them",
			 (unsigned long long)c->v[IAG_CNT_DROPPED]);
	if (r->ctx.rep.violations || r->ctx.rep.denied ||
	    (r->have_cnt && (c->v[IAG_CNT_VIOLATIONS] || c->v[IAG_CNT_DENIED])))
		return IAG_EXIT_VIOLATION;
	/* As report: then a bus found stuck in atomic mode and not recovered. */
	if (iag_report_bus_stuck(&r->ctx.rep) ||
	    (r->have_cnt && c->v[IAG_CNT_BUS_STUCK] > c->v[IAG_CNT_BUS_RECOVERED]))
		return IAG_EXIT_BUS_STUCK;
	return IAG_EXIT_OK;
}

int do_ci(int argc, char **argv)
{
	struct ci_run r = { 0 };
	char *cmdline = NULL;
	int rc = parse_args(&r, argc, argv);

	if (rc >= 0)
		return rc;
	rc = iag_load_policy_keys(r.cli.policy, &r.pol, &r.ks);
	if (rc)
		goto out;
	r.so.report_all = true;	/* allowed devices become 'ok' tests */
	r.so.keys = &r.ks;	/* filled between load and attach: no window */
	r.s = iag_session_open(&r.so, &rc);
	if (!r.s)
		goto out;
	iag_session_entry_text(r.s, &r.ctx.entry_lo, &r.ctx.entry_hi);
	cmdline = command_line(r.command);
	iag_report_init(&r.ctx.rep, cmdline ? cmdline : r.command[0]);
	rc = run_command(&r);
	if (r.ran) {
		int wr = write_result(&r);

		if (rc < 0)
			rc = wr ? wr : verdict(&r);
		else
			verdict(&r);
	}
	iag_ksyms_free(r.ctx.ksyms);
	free(r.ctx.firsts);
	iag_report_free(&r.ctx.rep);
out:
	free(cmdline);
	iag_session_close(r.s);
	iag_policy_keys_free(r.pol, &r.ks);
	return rc;
}
