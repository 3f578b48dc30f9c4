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
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "devmodel.h"
#include "ksyms.h"
#include "policy.h"
#include "record.h"
#include "report.h"
#include "resolve.h"
#include "session.h"
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
		"cannot be audited, 4 internal or BPF error. COMMAND's own exit\n"
		"status is reported, not returned.\n",
		iag_prog);
}

struct ci_ctx {
	struct iag_report rep;
	struct iag_ksyms *ksyms;
	bool ksyms_tried;
	int err;
};

static int on_event(const struct iag_event *ev, void *p)
{
	struct ci_ctx *c = p;
	struct iag_record r;

	if (iag_record_from_event(&r, ev)) {
		iag_record_free(&r);
		c->err = -ENOMEM;
		return 0;
	}
	if (r.n_stack && !c->ksyms_tried) {
		c->ksyms_tried = true;
		c->ksyms = iag_ksyms_load(NULL);
	}
	for (size_t i = 0; c->ksyms && i < r.n_stack && i < ev->stack_len; i++) {
		char buf[256];

		iag_ksyms_name(c->ksyms, ev->stack[i], buf, sizeof(buf));
		free(r.stack[i]);
		r.stack[i] = strdup(buf);
	}
	if (iag_report_add(&c->rep, &r)) {
		iag_record_free(&r);
		c->err = -ENOMEM;
	}
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int do_ci(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *policy = NULL, *output = NULL;
	int fmt = IAG_FMT_KTAP, c, rc = IAG_EXIT_OK, status = 0;
	struct iag_session_opts so;
	struct iag_session *s = NULL;
	struct iag_policy *pol = NULL;
	struct iag_keyset ks = { 0 };
	struct iag_counters cnt;
	struct iag_devmodel *dm;
	struct ci_ctx ctx = { 0 };
	struct sigaction sa, old_int, old_term;
	bool have_cnt = false;
	char *cmdline = NULL;
	pid_t pid;
	FILE *out = stdout;

	iag_session_opts_default(&so);
	optind = 0;
	while ((c = getopt_long(argc, argv, "+p:f:o:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			policy = optarg;
			break;
		case 'f':
			fmt = iag_report_format_parse(optarg);
			if (fmt != IAG_FMT_KTAP && fmt != IAG_FMT_JUNIT) {
				iag_err("ci: --format is ktap or junit, not '%s'", optarg);
				return IAG_EXIT_USAGE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'm':
			if (iag_session_opt(&so, c, optarg, "ci"))
				return IAG_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return IAG_EXIT_OK;
		default:
			usage(stderr);
			return IAG_EXIT_USAGE;
		}
	}
	if (!policy) {
		iag_err("ci: --policy FILE is required (try 'ci --help')");
		return IAG_EXIT_USAGE;
	}
	if (optind >= argc) {
		iag_err("ci: no COMMAND given: ci --policy FILE -- COMMAND [ARGS...]");
		return IAG_EXIT_USAGE;
	}
	rc = iag_load_policy_keys(policy, &pol, &ks);
	if (rc)
		goto out;
	so.report_all = true;	/* allowed devices become 'ok' tests */
	s = iag_session_open(&so, &rc);
	if (!s)
		goto out;
	if (iag_session_set_keys(s, &ks)) {
		iag_err("ci: cannot load the allowlist");
		rc = IAG_EXIT_INTERNAL;
		goto out;
	}
	{
		/* the report's source: the command line */
		size_t len = 1;
		char *p;

		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		cmdline = malloc(len);
		if (cmdline) {
			p = cmdline;
			for (int i = optind; i < argc; i++)
				p += sprintf(p, "%s%s", i > optind ? " " : "", argv[i]);
		}
	}
	iag_report_init(&ctx.rep, cmdline ? cmdline : argv[optind]);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		iag_err("ci: fork: %s", strerror(errno));
		rc = IAG_EXIT_INTERNAL;
		goto out_rep;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "%s: ci: cannot run %s: %s\n", iag_prog,
			argv[optind], strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		int n;

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		n = iag_session_poll(s, 100, on_event, &ctx);
		if (n < 0 && n != -EINTR) {
			iag_err("ci: reading events: %s", strerror(-n));
			rc = IAG_EXIT_INTERNAL;
			kill(pid, SIGTERM);
			waitpid(pid, &status, 0);
			break;
		}
	}
	child_pid = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	/* a short drain: records still in flight */
	for (double end = now_ms() + DRAIN_MS; now_ms() < end;)
		if (iag_session_poll(s, 50, on_event, &ctx) < 0)
			break;
	iag_session_poll(s, 0, on_event, &ctx);
	have_cnt = !iag_session_counters(s, &cnt);
	if (ctx.err)
		rc = IAG_EXIT_INTERNAL;

	dm = iag_devmodel_open("/sys");
	iag_report_decide(&ctx.rep, NULL, NULL, dm);	/* verdicts from BPF */
	ctx.rep.have_policy = true;
	{
		char st[64], *note;

		if (WIFEXITED(status))
			snprintf(st, sizeof(st), "exited with status %d",
				 WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			snprintf(st, sizeof(st), "was killed by signal %d",
				 WTERMSIG(status));
		else
			snprintf(st, sizeof(st), "ended");
		if (have_cnt &&
		    asprintf(&note, "policy %s; mode %s; COMMAND %s %s; kernel counters: seen %llu, allowed %llu, violations %llu, denied %llu, dropped %llu",
			     policy, iag_mode_name(iag_session_mode(s)),
			     argv[optind], st,
			     (unsigned long long)cnt.v[IAG_CNT_SEEN],
			     (unsigned long long)cnt.v[IAG_CNT_ALLOWED],
			     (unsigned long long)cnt.v[IAG_CNT_VIOLATIONS],
			     (unsigned long long)cnt.v[IAG_CNT_DENIED],
			     (unsigned long long)cnt.v[IAG_CNT_DROPPED]) >= 0)
			ctx.rep.note = note;
		else if (asprintf(&note, "policy %s; COMMAND %s %s", policy,
				  argv[optind], st) >= 0)
			ctx.rep.note = note;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			iag_warn("ci: %s %s", argv[optind], st);
	}
	if (output) {
		out = fopen(output, "we");
		if (!out) {
			iag_err("ci: %s: %s", output, strerror(errno));
			out = stdout;
			rc = IAG_EXIT_INTERNAL;
		}
	}
	if (iag_report_write(&ctx.rep, (enum iag_report_format)fmt, dm, out))
		rc = IAG_EXIT_INTERNAL;
	if (out != stdout)
		fclose(out);
	iag_devmodel_close(dm);
	if (!rc && (ctx.rep.violations || ctx.rep.denied ||
		    (have_cnt && (cnt.v[IAG_CNT_VIOLATIONS] || cnt.v[IAG_CNT_DENIED]))))
		rc = IAG_EXIT_VIOLATION;
	if (have_cnt && cnt.v[IAG_CNT_DROPPED])
		iag_warn("ci: %llu record(s) were dropped (ring buffer full); the counters still count them",
			 (unsigned long long)cnt.v[IAG_CNT_DROPPED]);
out_rep:
	iag_ksyms_free(ctx.ksyms);
	iag_report_free(&ctx.rep);
out:
	free(cmdline);
	iag_session_close(s);
	iag_policy_keys_free(pol, &ks);
	return rc;
}
