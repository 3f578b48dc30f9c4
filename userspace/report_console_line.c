// SPDX-License-Identifier: GPL-2.0-only
/*
 * The syntax of one console line, anchored to what the kernel prints:
 *
 *   printk:  [<ts>][<caller>] <message>        (time and caller optional,
 *                                               "<6>" of /dev/kmsg too)
 *   ftrace:  <comm>-<pid> [(tgid)] [<cpu>] [<flags>] <ts>: <message>
 *
 * and the event is the message itself: "i2c_atomic_<name>: key=value ..."
 * (tp_printk, trace files) or "i2c-atomic: event=<name> key=value ..."
 * (the atomic_log switch). The event name is looked for right where the
 * message starts and nowhere else: a tracepoint line quoted inside another
 * message (a USB product string, a dmesg line in a bug report) is that
 * other message, not an event.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "report_console.h"

#define NSEC_PER_SEC		1000000000ULL
#define TS_MAX_SEC_DIGITS	10	/* below 2^64 ns once scaled */
#define TS_MAX_FRAC_DIGITS	9
#define FTRACE_MAX_COMM		16	/* TASK_COMM_LEN */
#define FTRACE_MAX_CPU_AT	48	/* where "[cpu]" may start, at most */

#define TP_PREFIX	"i2c_atomic_"
#define LOG_PREFIX	"i2c-atomic: event="
#define MUX_PREFIX	"i2c i2c-"
#define MUX_MIDDLE	": Added multiplexed i2c bus "

static const struct {
	const char *name;
	enum cev ev;
} cev_names[] = {
	{ "smbus_xfer", CEV_SMBUS_XFER },
	{ "context_xfer", CEV_CONTEXT_XFER },
	{ "lock_busy", CEV_LOCK_BUSY },
	{ "no_handler", CEV_NO_HANDLER },
	{ "result", CEV_RESULT },
	{ "denied", CEV_DENIED },
	{ "refused", CEV_REFUSED },
	{ "xfer", CEV_XFER },
};

#define N_CEV_NAMES	(sizeof(cev_names) / sizeof(cev_names[0]))

const char *cev_label(enum cev ev)
{
	for (size_t k = 0; k < N_CEV_NAMES; k++)
		if (cev_names[k].ev == ev)
			return cev_names[k].name;
	return "?";
}

static bool starts(const char *s, size_t len, size_t at, const char *lit)
{
	size_t n = strlen(lit);

	return at <= len && len - at >= n && !memcmp(s + at, lit, n);
}

static size_t digits(const char *s, size_t len, size_t at)
{
	size_t i = at;

	while (i < len && isdigit((unsigned char)s[i]))
		i++;
	return i - at;
}

/* The value of @n digits at @s (n <= 9): the line is not NUL-terminated. */
static long dnum(const char *s, size_t n)
{
	long v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static size_t spaces(const char *s, size_t len, size_t at)
{
	size_t i = at;

	while (i < len && s[i] == ' ')
		i++;
	return i - at;
}

/*
 * "<sec>.<frac>" at @at, ending with @end_ch: its length including @end_ch,
 * or 0. The time is kept only when it fits (10 digits of seconds, a signed
 * 64-bit count of ns), so a corrupted stamp shows no time, never a wrong one.
 */
static size_t timestamp(const char *s, size_t len, size_t at, char end_ch,
			struct cline *cl)
{
	size_t nd = digits(s, len, at), nf, i;
	unsigned long long sec = 0, frac = 0;

	if (!nd || at + nd >= len || s[at + nd] != '.')
		return 0;
	nf = digits(s, len, at + nd + 1);
	i = at + nd + 1 + nf;
	if (!nf || i >= len || s[i] != end_ch)
		return 0;
	if (nd <= TS_MAX_SEC_DIGITS && nf <= TS_MAX_FRAC_DIGITS) {
		for (size_t k = 0; k < nd; k++)
			sec = sec * 10 + (unsigned long long)(s[at + k] - '0');
		for (size_t k = 0; k < TS_MAX_FRAC_DIGITS; k++)
			frac = frac * 10 + (k < nf ?
				(unsigned long long)(s[at + nd + 1 + k] - '0') : 0);
		if (sec <= (INT64_MAX - frac) / NSEC_PER_SEC) {
			cl->has_ts = true;
			cl->ts_ns = sec * NSEC_PER_SEC + frac;
		}
	}
	return i + 1 - at;
}

/* printk's "[  T123]" / "[   C1]" caller id at @at: its length or 0. */
static size_t caller_id(const char *s, size_t len, size_t at, struct cline *cl)
{
	size_t i = at + 1, nd;
	char kind;
	long id;

	if (at >= len || s[at] != '[')
		return 0;
	i += spaces(s, len, i);
	if (i >= len || (s[i] != 'T' && s[i] != 'C'))
		return 0;
	kind = s[i++];
	nd = digits(s, len, i);
	if (!nd || nd > 9 || i + nd >= len || s[i + nd] != ']')
		return 0;
	id = dnum(s + i, nd);
	cl->ctx = (kind == 'C' ? CEV_CTX_CALLER_CPU : CEV_CTX_NONE) +
		  (int)(id & CEV_CTX_ID_MASK);
	return i + nd + 1 - at;
}

static bool printk_prefix(const char *s, size_t len, size_t at,
			  struct cline *cl)
{
	size_t i = at, n = 0;

	if (i < len && s[i] == '[') {
		n = timestamp(s, len, i + 1 + spaces(s, len, i + 1), ']', cl);
		if (n)
			i += 1 + spaces(s, len, i + 1) + n;
	}
	n = caller_id(s, len, i, cl);
	i += n;
	if (i == at)
		return false;
	if (i < len && s[i] == ' ')
		i++;
	cl->msg = i;
	return true;
}

/*
 * ftrace's "  kworker/0:1-12    [000] d..1.  20.000001: ": a task name of
 * at most 16 bytes, "-pid", an optional "(tgid)", "[cpu]", the optional
 * irq-info flags, then the time and ": ".
 */
static bool ftrace_prefix(const char *s, size_t len, struct cline *cl)
{
	size_t b = 0, i, p, n;
	struct cline t = { .ctx = 0 };

	while (b < len && b < FTRACE_MAX_CPU_AT && s[b] != '[')
		b++;
	if (b >= len || s[b] != '[' || !b || s[b - 1] != ' ')
		return false;
	p = b;
	while (p && s[p - 1] == ' ')
		p--;
	if (p && s[p - 1] == ')') {	/* "(  123)" of record-tgid */
		while (p && s[p - 1] != '(')
			p--;
		if (!p)
			return false;
		p--;
		while (p && s[p - 1] == ' ')
			p--;
	}
	n = 0;
	while (p > n && isdigit((unsigned char)s[p - 1 - n]))
		n++;
	if (!n || p - n < 1 || s[p - n - 1] != '-' ||
	    p - n - 1 - spaces(s, len, 0) > FTRACE_MAX_COMM)
		return false;
	n = digits(s, len, b + 1);
	if (!n || n > 9 || b + 1 + n >= len || s[b + 1 + n] != ']')
		return false;
	t.ctx = CEV_CTX_FTRACE_CPU + (int)(dnum(s + b + 1, n) &
					   CEV_CTX_ID_MASK);
	i = b + 2 + n;
	i += spaces(s, len, i);
	n = timestamp(s, len, i, ':', &t);
	if (!n) {		/* the flags field first */
		while (i < len && s[i] != ' ')
			i++;
		i += spaces(s, len, i);
		n = timestamp(s, len, i, ':', &t);
		if (!n)
			return false;
	}
	i += n;
	i += spaces(s, len, i);
	t.msg = i;
	*cl = t;
	return true;
}

void cline_prefix(const char *s, size_t len, struct cline *cl)
{
	size_t i = 0, n;

	memset(cl, 0, sizeof(*cl));
	/* /dev/kmsg and `dmesg -r`: "<6>" (facility and level) */
	if (len > 2 && s[0] == '<') {
		n = digits(s, len, 1);
		if (n && n <= 4 && 1 + n < len && s[1 + n] == '>')
			i = n + 2;
	}
	if (printk_prefix(s, len, i, cl))
		return;
	if (!i && ftrace_prefix(s, len, cl))
		return;
	cl->msg = i;
}

bool cev_at(const char *s, size_t len, size_t at, enum cev *ev, size_t *body,
	    enum cev_format *fmt)
{
	size_t base;
	enum cev_format f;

	if (starts(s, len, at, TP_PREFIX)) {
		base = at + strlen(TP_PREFIX);
		f = CEV_FMT_TRACEPOINT;
	} else if (starts(s, len, at, LOG_PREFIX)) {
		base = at + strlen(LOG_PREFIX);
		f = CEV_FMT_ATOMIC_LOG;
	} else {
		return false;
	}
	for (size_t k = 0; k < N_CEV_NAMES; k++) {
		size_t e = base + strlen(cev_names[k].name);

		if (!starts(s, len, base, cev_names[k].name))
			continue;
		if (f == CEV_FMT_TRACEPOINT ? (e < len && s[e] == ':') :
					      (e == len || s[e] == ' ')) {
			*ev = cev_names[k].ev;
			*body = f == CEV_FMT_TRACEPOINT ? e + 1 : e;
			*fmt = f;
			return true;
		}
	}
	return false;
}

long cev_find(const char *s, size_t len, size_t from, enum cev *ev,
	      size_t *body, enum cev_format *fmt)
{
	for (size_t i = from; i < len; i++)
		if ((s[i] == 'i') && cev_at(s, len, i, ev, body, fmt))
			return (long)i;
	return -1;
}

bool cline_mux_added(const char *s, size_t len, size_t at, int *parent,
		     int *child)
{
	size_t i = at + strlen(MUX_PREFIX), n;
	long p, c;

	if (!starts(s, len, at, MUX_PREFIX))
		return false;
	n = digits(s, len, i);
	if (!n || n > 9 || !starts(s, len, i + n, MUX_MIDDLE))
		return false;
	p = dnum(s + i, n);
	i += n + strlen(MUX_MIDDLE);
	n = digits(s, len, i);
	if (!n || n > 9 || (i + n < len && s[i + n] != ' '))
		return false;
	c = dnum(s + i, n);
	*parent = (int)p;
	*child = (int)c;
	return true;
}

/* ---- key=value pairs ---------------------------------------------------- */

static bool parse_long(const char *v, size_t len, int base, long *out)
{
	char tmp[32], *end;

	if (!len || len >= sizeof(tmp))
		return false;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	errno = 0;
	*out = strtol(tmp, &end, base);
	return !errno && *end == '\0';
}

static bool in_range(const char *v, size_t len, int base, long min, long max,
		     long *out)
{
	long n;

	if (!parse_long(v, len, base, &n) || n < min || n > max)
		return false;
	*out = n;
	return true;
}

static int name_or_num(const char *v, size_t len, int (*from)(const char *),
		       int max)
{
	char tmp[40];
	long n;

	if (!len || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, len);
	tmp[len] = '\0';
	if (parse_long(v, len, 0, &n))
		return n >= 0 && n < max ? (int)n : -1;
	return from(tmp);
}

/*
 * Numbers only within the range of the kernel type printed (and of the
 * record's reader): a corrupted line must not move an event onto another
 * device or turn an error into success.
 */
static const struct num_key {
	const char *key, *alias;
	int base;		/* 0: 0x allowed, as %x prints it */
	long min, max;
	size_t value, has;	/* offsets in struct cevent; has: 0 if none */
	const char *bad;
} num_keys[] = {
#define NUM(k, a, b, lo, hi, f, h) \
	{ k, a, b, lo, hi, offsetof(struct cevent, f), h, k "=" }
	NUM("adapter", NULL, 10, 0, INT_MAX, adapter, offsetof(struct cevent, has_adapter)),
	NUM("addr", NULL, 0, 0, UINT16_MAX, addr, offsetof(struct cevent, has_addr)),
	NUM("ret", NULL, 0, INT_MIN, INT_MAX, ret, offsetof(struct cevent, has_ret)),
	NUM("err", NULL, 0, INT_MIN, INT_MAX, ret, offsetof(struct cevent, has_ret)),
	NUM("flags", NULL, 0, 0, UINT16_MAX, flags, 0),
	NUM("msgs", "num", 10, 0, UINT16_MAX, msgs, 0),
	NUM("proto", "protocol", 0, 0, UINT8_MAX, proto, 0),
	NUM("cmd", "command", 0, 0, UINT8_MAX, cmd, 0),
	NUM("preempt", "preempt_count", 0, INT_MIN, INT_MAX, preempt, 0),
#undef NUM
};

static bool is_key(const char *k, size_t kl, const char *name)
{
	return name && strlen(name) == kl && !memcmp(k, name, kl);
}

static bool numeric_pair(struct cevent *e, const char *k, size_t kl,
			 const char *v, size_t vl)
{
	for (size_t i = 0; i < sizeof(num_keys) / sizeof(num_keys[0]); i++) {
		const struct num_key *nk = &num_keys[i];
		long *val = (long *)((char *)e + nk->value);
		bool ok;

		if (!is_key(k, kl, nk->key) && !is_key(k, kl, nk->alias))
			continue;
		ok = in_range(v, vl, nk->base, nk->min, nk->max, val);
		if (nk->has)
			*(bool *)((char *)e + nk->has) = ok;
		if (!ok)
			e->bad_key = nk->bad;
		return true;
	}
	return false;
}

static void pair(struct cevent *e, const char *k, size_t kl, const char *v,
		 size_t vl)
{
	long n;

	if (numeric_pair(e, k, kl, v, vl))
		return;
	if (is_key(k, kl, "rw") || is_key(k, kl, "read_write")) {
		e->rw = (vl == 4 && !memcmp(v, "read", 4)) ? 1 :
			(vl == 5 && !memcmp(v, "write", 5)) ? 0 : -1;
	} else if (is_key(k, kl, "cb") || is_key(k, kl, "callback")) {
		e->cb = name_or_num(v, vl, iag_callback_from_name, IAG_CB_MAX);
	} else if (is_key(k, kl, "state") || is_key(k, kl, "system_state")) {
		e->state = name_or_num(v, vl, iag_state_from_name, IAG_STATE_MAX);
		e->has_state = e->state >= 0;
	} else if (is_key(k, kl, "irqs_off") || is_key(k, kl, "irqs_disabled")) {
		e->irqs_off = in_range(v, vl, 10, 0, 1, &n) ? (int)n : -1;
	}
}

void cev_parse_pairs(struct cevent *e, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *k, *v;
		size_t kl;

		while (i < len && s[i] == ' ')
			i++;
		k = s + i;
		while (i < len && s[i] != '=' && s[i] != ' ')
			i++;
		kl = (size_t)(s + i - k);
		if (i >= len || s[i] != '=')
			continue;	/* a word without '=': skip it */
		v = s + ++i;
		while (i < len && s[i] != ' ')
			i++;
		pair(e, k, kl, v, (size_t)(s + i - v));
	}
}
