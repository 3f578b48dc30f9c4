// SPDX-License-Identifier: GPL-2.0-only
/*
 * The session's options as the command line gives them: the mode names,
 * the defaults, and --mode, --stack-depth and --ringbuf-kb, which audit,
 * enforce and ci share. Apart from session.c so that a command can parse
 * and check its options without the BPF skeleton.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "util.h"

const char *iag_mode_name(enum iag_mode m)
{
	switch (m) {
	case IAG_MODE_AUTO: return "auto";
	case IAG_MODE_TRACEPOINT: return "tracepoint";
	case IAG_MODE_KPROBE: return "kprobe";
	}
	return "?";
}

int iag_mode_parse(const char *s)
{
	if (!strcmp(s, "auto"))
		return IAG_MODE_AUTO;
	if (!strcmp(s, "tracepoint"))
		return IAG_MODE_TRACEPOINT;
	if (!strcmp(s, "kprobe"))
		return IAG_MODE_KPROBE;
	return -1;
}

void iag_session_opts_default(struct iag_session_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = IAG_MODE_AUTO;
	o->stack_depth = 16;
	o->ringbuf_kb = 64;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int iag_session_opt(struct iag_session_opts *so, int opt, const char *arg,
		    const char *cmd)
{
	unsigned long v;
	int m;

	switch (opt) {
	case 'm':
		m = iag_mode_parse(arg);
		if (m < 0) {
			iag_err("%s: bad --mode '%s' (auto, tracepoint or kprobe)", cmd, arg);
			return IAG_EXIT_USAGE;
		}
		so->mode = m;
		return 0;
	case IAG_OPT_STACK:
		if (parse_uint(arg, IAG_MAX_STACK, &v)) {
			iag_err("%s: bad --stack-depth '%s' (0..%d)", cmd, arg, IAG_MAX_STACK);
			return IAG_EXIT_USAGE;
		}
		so->stack_depth = v;
		return 0;
	case IAG_OPT_RB:
		if (parse_uint(arg, 1UL << 20, &v) || v < 4 || (v & (v - 1))) {
			iag_err("%s: bad --ringbuf-kb '%s' (a power of two, 4..1048576)", cmd, arg);
			return IAG_EXIT_USAGE;
		}
		so->ringbuf_kb = v;
		return 0;
	case IAG_OPT_NO_AGG:
		so->no_aggregate = true;
		return 0;
	}
	return IAG_EXIT_USAGE;
}
