// SPDX-License-Identifier: GPL-2.0-only
/*
 * Report input: JSON Lines records and kernel console logs, and verdicts.
 *
 * Console logs hold one line per event, either the tracepoints printed with
 * tp_printk ("[ 12.345678] i2c_atomic_xfer: adapter=1 addr=0x50 ...") or
 * the atomic_log switch ("i2c-atomic: event=xfer adapter=1 addr=0x50 ...").
 * key=value pairs are parsed generically; unknown keys are ignored. Lines
 * can be cut short or interleaved with other output (two messages on one
 * line): each marker starts an event of its own.
 *
 * Nesting as the kernel emits it: i2c_atomic_xfer / i2c_atomic_smbus_xfer
 * push, i2c_atomic_result pops. A mux transfer logs one xfer per adapter
 * level and SMBus emulation an smbus_xfer then an xfer on the same adapter;
 * only the outermost becomes a record, the inner levels extend its
 * adapter_path. Nesting is tracked per CPU (ftrace "[003]") or per printk
 * caller ("[  T123]" / "[   C1]") when the log shows one.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "policy.h"
#include "report.h"
#include "resolve.h"

#define MAX_LINE	65536	/* longer lines are cut */
#define MAX_DEPTH	32
#define MAX_CTX		64	/* CPUs / callers tracked */

void iag_report_init(struct iag_report *rep, const char *source)
{
	memset(rep, 0, sizeof(*rep));
	rep->source = source ? source : "<input>";
}

void iag_report_free(struct iag_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		iag_record_free(&rep->rec[i]);
	free(rep->rec);
	for (size_t i = 0; i < rep->n_bad; i++)
		free(rep->bad[i].msg);
	free(rep->bad);
	free(rep->note);
	memset(rep, 0, sizeof(*rep));
}

int iag_report_add(struct iag_report *rep, struct iag_record *r)
{
	if (rep->n == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 64;
		struct iag_record *nr = realloc(rep->rec, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		rep->rec = nr;
		rep->cap = cap;
	}
	rep->rec[rep->n++] = *r;
	iag_record_init(r);
	return 0;
}

void iag_report_bad(struct iag_report *rep, unsigned long line,
		    const char *fmt, ...)
{
	struct iag_report_issue *nb;
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		m = NULL;
	va_end(ap);
	if (!m)
		return;
	if (!(rep->n_bad & (rep->n_bad - 1))) {	/* 0, 1, 2, 4, ...: grow */
		nb = realloc(rep->bad, (rep->n_bad ? rep->n_bad * 2 : 1) * sizeof(*nb));
		if (!nb) {
			free(m);
			return;
		}
		rep->bad = nb;
	}
	nb = rep->bad;
	nb[rep->n_bad].line = line;
	nb[rep->n_bad].msg = m;
	rep->n_bad++;
}

/* getline() with a cap; returns length or -1 at EOF. */
static ssize_t read_line(FILE *f, char **buf, size_t *cap)
{
	ssize_t n = getline(buf, cap, f);

	if (n < 0)
		return -1;
	if (n > MAX_LINE) {
		n = MAX_LINE;
		(*buf)[n] = '\0';
	}
	while (n && ((*buf)[n - 1] == '\n' || (*buf)[n - 1] == '\r'))
		(*buf)[--n] = '\0';
	return n;
}

/* A report written by `report --format json`: {"records": [...], ...}. */
static int read_report_json(struct iag_report *rep, FILE *f)
{
	json_error_t je;
	json_t *o, *recs, *e;
	char err[200], *all;
	size_t i, len = 2, cap = 65536;

	/* the first line, "{", is already read */
	all = malloc(cap);
	if (!all)
		return -ENOMEM;
	memcpy(all, "{\n", 2);
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *na = realloc(all, cap * 2);

			if (!na) {
				free(all);
				return -ENOMEM;
			}
			all = na;
			cap *= 2;
		}
		got = fread(all + len, 1, cap - len, f);
		len += got;
		if (!got)
			break;
	}
	/* line numbers of this document: rep->lines counts them all */
	for (size_t k = 2; k < len; k++)
		if (all[k] == '\n' || k + 1 == len)
			rep->lines++;
	o = json_loadb(all, len, JSON_REJECT_DUPLICATES, &je);
	free(all);

	if (!o) {
		iag_report_bad(rep, je.line > 0 && (unsigned long)je.line <= rep->lines ?
			       (unsigned long)je.line : rep->lines,
			       "not JSON: %s (column %d)", je.text, je.column);
		return 0;
	}
	recs = json_object_get(o, "records");
	if (!json_is_array(recs)) {
		iag_report_bad(rep, 1, "a JSON object without a \"records\" list");
		json_decref(o);
		return 0;
	}
	json_array_foreach(recs, i, e) {
		struct iag_record r;
		const json_t *ln = json_object_get(e, "line");

		if (iag_record_from_json(&r, e, err, sizeof(err))) {
			iag_report_bad(rep, 1, "record %zu: %s", i, err);
			continue;
		}
		r.line = json_is_integer(ln) && json_integer_value(ln) > 0 ?
			 (unsigned long)json_integer_value(ln) : 0;
		if (iag_report_add(rep, &r)) {
			iag_record_free(&r);
			json_decref(o);
			return -ENOMEM;
		}
	}
	json_decref(o);
	return 0;
}

int iag_report_read_jsonl(struct iag_report *rep, FILE *f)
{
	char *buf = NULL, err[200];
	size_t cap = 0;
	ssize_t n;
	unsigned long line = 0;

	while ((n = read_line(f, &buf, &cap)) >= 0) {
		json_error_t je;
		json_t *o;
		struct iag_record r;
		char *p = buf;
		int rc;

		line++;
		rep->lines++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (line == 1 && !strcmp(p, "{")) {
			/* our own JSON report ("{" alone on line 1) reads back too */
			free(buf);
			return read_report_json(rep, f);
		}
		if (!*p)
			continue;
		if (memchr(buf, '\0', (size_t)n)) {
			iag_report_bad(rep, line, "NUL byte in a JSON line");
			continue;
		}
		o = json_loadb(p, strlen(p), JSON_REJECT_DUPLICATES, &je);
		if (!o) {
			iag_report_bad(rep, line, "not JSON: %s (column %d)",
				       je.text, je.column);
			continue;
		}
		rc = iag_record_from_json(&r, o, err, sizeof(err));
		if (rc == 1) {
			/* the recorder's summary: keep what says records were lost */
			json_t *v;

			rep->has_summary = true;
			if ((v = json_object_get(o, "dropped")) && json_is_integer(v) &&
			    json_integer_value(v) > 0)
				rep->sum_dropped += (unsigned long long)json_integer_value(v);
			if ((v = json_object_get(o, "violations")) && json_is_integer(v) &&
			    json_integer_value(v) > 0)
				rep->sum_violations += (unsigned long long)json_integer_value(v);
			if ((v = json_object_get(o, "denied")) && json_is_integer(v) &&
			    json_integer_value(v) > 0)
				rep->sum_denied += (unsigned long long)json_integer_value(v);
			json_decref(o);
			continue;
		}
		json_decref(o);
		if (rc) {
			iag_report_bad(rep, line, "%s", err);
			continue;
		}
		r.line = line;
		if (iag_report_add(rep, &r)) {
			iag_record_free(&r);
			free(buf);
			return -ENOMEM;
		}
	}
	free(buf);
	return ferror(f) ? -EIO : 0;
}

/* ---- console logs ----------------------------------------------------- */

enum cev {
	CEV_XFER,
	CEV_SMBUS_XFER,
	CEV_RESULT,
	CEV_LOCK_BUSY,
	CEV_NO_HANDLER,
	CEV_CONTEXT_XFER,
	CEV_DENIED,
	CEV_MAX,
};

/* Longest names first: "xfer" is a suffix of the others. */
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
	{ "xfer", CEV_XFER },
};

static const char *cev_label(enum cev ev)
{
	for (size_t k = 0; k < sizeof(cev_names) / sizeof(cev_names[0]); k++)
		if (cev_names[k].ev == ev)
			return cev_names[k].name;
	return "?";
}

struct cctx {
	int key;		/* CPU or caller id; -1 unused */
	int depth;
	long cur;		/* index in rep->rec of the outermost, -1 */
	long nh;		/* no_handler record of this transaction, -1 */
	bool nh_armed;		/* a transfer ran since nh was made */
	/* each open level: adapter, address, SMBus or not */
	long lvl_adapter[MAX_DEPTH], lvl_addr[MAX_DEPTH];
	bool lvl_smbus[MAX_DEPTH];
	bool has_ts;		/* of the outermost */
	unsigned long long ts_ns;
};

#define STALE_NS	(10ULL * 1000000000ULL)

struct iag_console {
	struct iag_report *rep;
	struct cctx ctx[MAX_CTX];
	int ctx_fmt[MAX_CTX];
	size_t n_ctx;
	/*
	 * Which format made each record (0 tracepoint, 1 atomic_log): with
	 * both tp_printk and the log switch on, every event is printed twice.
	 */
	unsigned char *src;
	size_t src_cap;
	unsigned long fmt_records[2];
};

struct iag_console *iag_console_new(struct iag_report *rep)
{
	struct iag_console *c = calloc(1, sizeof(*c));

	if (c)
		c->rep = rep;
	return c;
}

static struct cctx *ctx_for(struct iag_console *c, int key, int fmt)
{
	for (size_t i = 0; i < c->n_ctx; i++)
		if (c->ctx[i].key == key && c->ctx_fmt[i] == fmt)
			return &c->ctx[i];
	if (c->n_ctx == MAX_CTX)
		return &c->ctx[0];
	c->ctx[c->n_ctx] = (struct cctx){ .key = key, .cur = -1, .nh = -1 };
	c->ctx_fmt[c->n_ctx] = fmt;
	return &c->ctx[c->n_ctx++];
}

/* One parsed event. */
struct cevent {
	enum cev ev;
	bool has_adapter, has_addr, has_ret, has_state;
	const char *bad_key;	/* a value out of range or unreadable */
	int irqs_off;		/* -1 unknown */
	long adapter, addr, ret, flags, msgs, proto, cmd;
	int rw;			/* 1 read, 0 write, -1 unknown */
	int cb, state;
	bool has_ts;
	unsigned long long ts_ns;
	int ctx;
	int fmt;		/* 0 tracepoint line, 1 atomic_log line */
};

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

static void parse_pairs(struct cevent *e, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *k, *v;
		size_t kl, vl;

		while (i < len && s[i] == ' ')
			i++;
		k = s + i;
		while (i < len && s[i] != '=' && s[i] != ' ')
			i++;
		kl = (size_t)(s + i - k);
		if (i >= len || s[i] != '=')
			continue;	/* a word without '=': skip it */
		i++;
		v = s + i;
		while (i < len && s[i] != ' ')
			i++;
		vl = (size_t)(s + i - v);
#define KEY(x) (kl == sizeof(x) - 1 && !memcmp(k, x, kl))
		/*
		 * Numbers only within the range of the kernel type printed
		 * (and of the record's reader): a corrupted line must not move
		 * an event onto another device or turn an error into success.
		 */
		if (KEY("adapter")) {
			e->has_adapter = in_range(v, vl, 10, 0, INT_MAX,
						  &e->adapter);
			if (!e->has_adapter)
				e->bad_key = "adapter=";
		} else if (KEY("addr")) {
			e->has_addr = in_range(v, vl, 0, 0, 0xffff, &e->addr);
			if (!e->has_addr)
				e->bad_key = "addr=";
		} else if (KEY("ret") || KEY("err")) {
			e->has_ret = in_range(v, vl, 0, INT_MIN, INT_MAX,
					      &e->ret);
			if (!e->has_ret)
				e->bad_key = KEY("ret") ? "ret=" : "err=";
		} else if (KEY("flags")) {
			if (!in_range(v, vl, 0, 0, 0xffff, &e->flags))
				e->bad_key = "flags=";
		} else if (KEY("msgs") || KEY("num")) {
			if (!in_range(v, vl, 10, 0, 0xffff, &e->msgs))
				e->bad_key = "msgs=";
		} else if (KEY("proto") || KEY("protocol")) {
			if (!in_range(v, vl, 0, 0, 0xff, &e->proto))
				e->bad_key = "proto=";
		} else if (KEY("cmd") || KEY("command")) {
			if (!in_range(v, vl, 0, 0, 0xff, &e->cmd))
				e->bad_key = "cmd=";
		} else if (KEY("rw") || KEY("read_write")) {
			e->rw = (vl == 4 && !memcmp(v, "read", 4)) ? 1 :
				(vl == 5 && !memcmp(v, "write", 5)) ? 0 : -1;
		} else if (KEY("cb") || KEY("callback")) {
			e->cb = name_or_num(v, vl, iag_callback_from_name,
					    IAG_CB_MAX);
		} else if (KEY("state") || KEY("system_state")) {
			e->state = name_or_num(v, vl, iag_state_from_name,
					       IAG_STATE_MAX);
			e->has_state = e->state >= 0;
		} else if (KEY("irqs_off") || KEY("irqs_disabled")) {
			long n;

			e->irqs_off = in_range(v, vl, 10, 0, 1, &n) ? (int)n : -1;
		}
#undef KEY
	}
}

/* "[   12.345678]" or "12.345678:" somewhere in @pre; and a CPU/caller. */
static void parse_prefix(struct cevent *e, const char *pre, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		const char *p = pre + i;
		unsigned long long sec = 0, frac = 0;
		int nd = 0, nf = 0;

		if (*p == '[') {
			size_t j = i + 1;

			while (j < len && pre[j] == ' ')
				j++;
			/* printk caller id "[  T123]" / "[   C1]" */
			if (j < len && (pre[j] == 'T' || pre[j] == 'C') &&
			    j + 1 < len && isdigit((unsigned char)pre[j + 1])) {
				long id = strtol(pre + j + 1, NULL, 10);

				e->ctx = (pre[j] == 'C' ? 0x40000000 : 0) +
					 (int)(id & 0x3fffffff);
				continue;
			}
			/* ftrace CPU "[003]" */
			if (j == i + 1 && j + 3 < len && isdigit((unsigned char)pre[j]) &&
			    isdigit((unsigned char)pre[j + 1]) &&
			    isdigit((unsigned char)pre[j + 2]) && pre[j + 3] == ']') {
				e->ctx = 0x20000000 + atoi(pre + j);
				continue;
			}
			if (e->has_ts)
				continue;
			p = pre + j;
		} else if (e->has_ts || !isdigit((unsigned char)*p) ||
			   (i && isdigit((unsigned char)pre[i - 1]))) {
			continue;
		}
		while (p < pre + len && isdigit((unsigned char)*p) && nd < 11) {
			sec = sec * 10 + (unsigned long long)(*p++ - '0');
			nd++;
		}
		if (!nd || nd > 10 || p >= pre + len || *p != '.')
			continue;	/* 10 digits of seconds: no u64 overflow */
		p++;
		while (p < pre + len && isdigit((unsigned char)*p) && nf < 9) {
			frac = frac * 10 + (unsigned long long)(*p++ - '0');
			nf++;
		}
		if (nf < 1 || p >= pre + len || (*p != ']' && *p != ':'))
			continue;
		for (int k = nf; k < 9; k++)
			frac *= 10;
		if (sec > (INT64_MAX - frac) / 1000000000ULL)
			continue;	/* the record keeps ts_ns signed */
		e->has_ts = true;
		e->ts_ns = sec * 1000000000ULL + frac;
	}
}

/* Find the next marker at or after @from; returns its offset or -1. */
static long find_marker(const char *s, size_t len, size_t from,
			enum cev *ev, size_t *body, int *fmt)
{
	for (size_t i = from; i + 11 < len; i++) {
		if (!memcmp(s + i, "i2c_atomic_", 11)) {
			for (size_t k = 0; k < sizeof(cev_names) / sizeof(cev_names[0]); k++) {
				size_t nl = strlen(cev_names[k].name);

				if (i + 11 + nl < len + 1 &&
				    !memcmp(s + i + 11, cev_names[k].name, nl) &&
				    i + 11 + nl < len && s[i + 11 + nl] == ':') {
					*ev = cev_names[k].ev;
					*body = i + 11 + nl + 1;
					*fmt = 0;
					return (long)i;
				}
			}
		} else if (i + 18 < len && !memcmp(s + i, "i2c-atomic: event=", 18)) {
			for (size_t k = 0; k < sizeof(cev_names) / sizeof(cev_names[0]); k++) {
				size_t nl = strlen(cev_names[k].name);

				if (i + 18 + nl <= len &&
				    !memcmp(s + i + 18, cev_names[k].name, nl) &&
				    (i + 18 + nl == len || s[i + 18 + nl] == ' ')) {
					*ev = cev_names[k].ev;
					*body = i + 18 + nl;
					*fmt = 1;
					return (long)i;
				}
			}
		}
	}
	return -1;
}

static struct iag_record *rec_at(struct iag_console *c, long idx)
{
	return idx >= 0 && (size_t)idx < c->rep->n ? &c->rep->rec[idx] : NULL;
}

static void path_add(struct iag_record *r, long adapter)
{
	if (r->path_len && r->adapter_path[r->path_len - 1] == adapter)
		return;
	for (size_t i = 0; i < r->path_len; i++)
		if (r->adapter_path[i] == adapter)
			return;
	if (r->path_len < IAG_MAX_PATH)
		r->adapter_path[r->path_len++] = (int)adapter;
}

static long new_record(struct iag_console *c, const struct cevent *e, int kind,
		       unsigned long lineno)
{
	struct iag_record r;

	iag_record_init(&r);
	r.kind = kind;
	r.has_ts = e->has_ts;
	r.ts_ns = e->ts_ns;
	r.adapter = (int)e->adapter;
	r.addr = (int)e->addr;
	r.adapter_path[0] = (int)e->adapter;
	r.path_len = 1;
	r.callback = e->cb >= 0 ? e->cb : IAG_CB_UNKNOWN;
	r.system_state = e->state;
	r.flags = e->flags;
	r.irqs_disabled = e->irqs_off;
	r.line = lineno;
	if (e->ev == CEV_SMBUS_XFER) {
		r.smbus_protocol = (int)(e->proto >= 0 ? e->proto : 0);
		r.smbus_command = (int)e->cmd;
		r.smbus_read = e->rw;
	} else if (e->ev == CEV_XFER) {
		r.msg_count = (int)e->msgs;
	}
	if (e->ev == CEV_DENIED || e->ev == CEV_LOCK_BUSY) {
		r.has_ret = e->has_ret || e->ev == CEV_LOCK_BUSY;
		r.ret = e->has_ret ? (int)e->ret : -11;	/* -EAGAIN */
	}
	if (iag_report_add(c->rep, &r))
		return -1;
	if (c->rep->n > c->src_cap) {
		size_t cap = c->rep->n * 2;
		unsigned char *ns = realloc(c->src, cap);

		if (ns) {
			c->src = ns;
			c->src_cap = cap;
		}
	}
	if (c->rep->n <= c->src_cap)
		c->src[c->rep->n - 1] = (unsigned char)e->fmt;
	c->fmt_records[e->fmt & 1]++;
	return (long)c->rep->n - 1;
}

static void handle(struct iag_console *c, struct cevent *e,
		   unsigned long lineno)
{
	struct cctx *x = ctx_for(c, e->ctx, e->fmt);
	struct iag_record *r;

	c->rep->events++;
	/*
	 * Every field is required and must be in range; state= ends all but
	 * result and denied, so a line cut inside addr= (still a number) is
	 * caught by its absence.
	 */
	{
		const char *why = NULL;

		if (!e->has_adapter)
			why = "adapter=";
		else if (!e->has_addr)
			why = "addr=";
		else if (e->bad_key)
			why = e->bad_key;
		else if ((e->ev == CEV_RESULT || e->ev == CEV_DENIED) && !e->has_ret)
			why = e->ev == CEV_RESULT ? "ret=" : "err=";
		else if (e->ev != CEV_RESULT && e->ev != CEV_DENIED && !e->has_state)
			why = "state=";
		if (why) {
			c->rep->truncated++;
			iag_report_bad(c->rep, lineno,
				       "%s event with a missing or bad %s (cut short?)",
				       cev_label(e->ev), why);
			return;
		}
	}
	switch (e->ev) {
	case CEV_XFER:
	case CEV_SMBUS_XFER:
		if (x->depth > 0) {
			/*
			 * Nested is plausible only on a parent adapter (a mux) or
			 * as the emulation of the SMBus transfer above it (same
			 * adapter and address, xfer under smbus_xfer), and within
			 * 10 s. Otherwise the open transfer lost its result line
			 * (serial consoles drop lines): it stays unterminated.
			 */
			int top = (x->depth > MAX_DEPTH ? MAX_DEPTH : x->depth) - 1;
			bool ok = e->adapter != x->lvl_adapter[top] ||
				  (e->addr == x->lvl_addr[top] &&
				   x->lvl_smbus[top] && e->ev == CEV_XFER);

			if (ok && e->has_ts && x->has_ts &&
			    e->ts_ns > x->ts_ns + STALE_NS)
				ok = false;
			if (!ok) {
				c->rep->unterminated++;
				x->depth = 0;
				x->cur = -1;
				if (x->nh_armed) {
					x->nh = -1;
					x->nh_armed = false;
				}
			}
		}
		if (x->depth < MAX_DEPTH) {
			x->lvl_adapter[x->depth] = e->adapter;
			x->lvl_addr[x->depth] = e->addr;
			x->lvl_smbus[x->depth] = e->ev == CEV_SMBUS_XFER;
		}
		if (x->depth == 0) {
			x->has_ts = e->has_ts;
			x->ts_ns = e->ts_ns;
			r = rec_at(c, x->nh);
			if (r && (r->adapter != e->adapter || r->addr != e->addr))
				x->nh = -1;
			else if (r) {
				x->nh_armed = true;
				if (e->cb >= 0)
					r->callback = e->cb;
				if (e->state >= 0)
					r->system_state = e->state;
			}
			x->cur = new_record(c, e, IAG_KIND_ATOMIC_XFER, lineno);
		} else {
			c->rep->nested++;
			r = rec_at(c, x->cur);
			if (r)
				path_add(r, e->adapter);
		}
		if (x->depth < MAX_DEPTH)
			x->depth++;
		break;
	case CEV_RESULT:
		if (x->depth == 0) {
			c->rep->orphan_results++;
			break;
		}
		if (--x->depth == 0) {
			r = rec_at(c, x->cur);
			if (r) {
				r->has_ret = true;
				if (r->kind != IAG_KIND_DENIED || !r->ret)
					r->ret = (int)e->ret;
			}
			x->cur = -1;
			if (x->nh_armed) {
				x->nh = -1;
				x->nh_armed = false;
			}
		}
		break;
	case CEV_DENIED:
		r = x->depth ? rec_at(c, x->cur) : NULL;
		if (r) {
			if (r->kind != IAG_KIND_DENIED) {
				r->kind = IAG_KIND_DENIED;
				r->verdict = IAG_VERDICT_DENIED;
				r->ret = (int)e->ret;
			}
		} else {
			long i = new_record(c, e, IAG_KIND_DENIED, lineno);

			r = rec_at(c, i);
			if (r)
				r->verdict = IAG_VERDICT_DENIED;
		}
		break;
	case CEV_NO_HANDLER:
	case CEV_LOCK_BUSY:
	case CEV_CONTEXT_XFER:
		/*
		 * At depth > 0 a failure event is a parent's lock inside a
		 * mux-locked channel: folded into the transfer, as the BPF side
		 * does (INTERFACES.md), never a record of its own.
		 */
		if (x->depth > 0) {
			c->rep->nested++;
			r = rec_at(c, x->nh);
			if (r && e->ev == CEV_NO_HANDLER)
				path_add(r, e->adapter);
			break;
		}
		if (e->ev == CEV_NO_HANDLER) {
			r = rec_at(c, x->nh);
			if (r && r->adapter == e->adapter && r->addr == e->addr &&
			    !x->nh_armed) {
				c->rep->nested++;	/* the same lock, logged twice */
				break;
			}
			x->nh = new_record(c, e, IAG_KIND_NO_ATOMIC_HANDLER, lineno);
			x->nh_armed = false;
		} else if (e->ev == CEV_LOCK_BUSY) {
			new_record(c, e, IAG_KIND_LOCK_BUSY, lineno);
		} else {
			long i = new_record(c, e, IAG_KIND_ATOMIC_CONTEXT_XFER,
					    lineno);

			r = rec_at(c, i);
			if (r) {
				r->verdict = IAG_VERDICT_VIOLATION;
				if (r->system_state < 0)
					r->system_state = IAG_STATE_RUNNING;
			}
		}
		break;
	default:
		break;
	}
}

void iag_console_line(struct iag_console *c, const char *s, size_t len,
		      unsigned long lineno)
{
	size_t from = 0, body;
	enum cev ev;
	int fmt = 0;
	long m = find_marker(s, len, 0, &ev, &body, &fmt);
	struct cevent pre = { .ctx = 0 };

	c->rep->lines++;
	if (m < 0)
		return;
	parse_prefix(&pre, s, (size_t)m);
	while (m >= 0) {
		enum cev nev;
		size_t nbody;
		int nfmt = 0;
		long next = find_marker(s, len, body, &nev, &nbody, &nfmt);
		size_t end = next >= 0 ? (size_t)next : len;
		struct cevent e = {
			.ev = ev, .flags = -1, .msgs = -1, .proto = -1,
			.cmd = -1, .rw = -1, .cb = -1, .state = -1,
			.irqs_off = -1, .fmt = fmt,
			.ctx = pre.ctx,
		};

		if (from == 0) {
			e.has_ts = pre.has_ts;
			e.ts_ns = pre.ts_ns;
		}
		parse_pairs(&e, s + body, end - body);
		handle(c, &e, lineno);
		from = end;
		m = next;
		ev = nev;
		body = nbody;
		fmt = nfmt;
	}
}

void iag_console_finish(struct iag_console *c)
{
	bool both;

	if (!c)
		return;
	both = c->fmt_records[0] && c->fmt_records[1] &&
	       c->src_cap >= c->rep->n;
	for (size_t i = 0; i < c->n_ctx; i++)
		if (c->ctx[i].depth > 0 && c->ctx[i].cur >= 0 &&
		    !(both && c->ctx_fmt[i] == 1))
			c->rep->unterminated++;	/* no result: the record stays, ret unknown */
	if (both) {
		/* each event twice: keep the tracepoint lines' records */
		size_t o = 0;
		unsigned long dropped = 0;

		for (size_t i = 0; i < c->rep->n; i++) {
			if (c->src[i] == 1) {
				iag_record_free(&c->rep->rec[i]);
				dropped++;
				continue;
			}
			c->rep->rec[o++] = c->rep->rec[i];
		}
		c->rep->n = o;
		free(c->rep->note);
		if (asprintf(&c->rep->note,
			     "the log holds both the tracepoint lines (tp_printk) and the atomic_log lines: %lu records from the atomic_log lines were left out as duplicates",
			     dropped) < 0)
			c->rep->note = NULL;
	}
	free(c->src);
	free(c);
}

int iag_report_read_console(struct iag_report *rep, FILE *f)
{
	struct iag_console *c = iag_console_new(rep);
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long line = 0;

	if (!c)
		return -ENOMEM;
	while ((n = read_line(f, &buf, &cap)) >= 0)
		iag_console_line(c, buf, (size_t)n, ++line);
	iag_console_finish(c);
	free(buf);
	return ferror(f) ? -EIO : 0;
}

/* ---- verdicts ---------------------------------------------------------- */

long iag_policy_match_record(const struct iag_policy *pol,
			     const struct iag_record *r)
{
	for (size_t i = 0; i < pol->n_rules; i++) {
		const struct iag_rule *ru = &pol->rules[i];
		size_t pl;

		switch (ru->sel) {
		case IAG_SEL_I2C:
			if (r->adapter == ru->adapter &&
			    (unsigned int)r->addr == (ru->addr & 0x3ff))
				return (long)i;
			if (r->device && !strcmp(r->device, ru->value))
				return (long)i;
			break;
		case IAG_SEL_ADAPTER:
			if (r->adapter == ru->adapter)
				return (long)i;
			break;
		case IAG_SEL_DRIVER:
			if (r->driver && !strcmp(r->driver, ru->value))
				return (long)i;
			break;
		case IAG_SEL_DEVICE:
			pl = strlen(ru->value);
			if (r->sysfs && !strncmp(r->sysfs, ru->value, pl) &&
			    (r->sysfs[pl] == '\0' || r->sysfs[pl] == '/'))
				return (long)i;
			break;
		default:
			break;	/* compatible: nothing in the record */
		}
	}
	return -1;
}

void iag_report_decide(struct iag_report *rep, const struct iag_policy *pol,
		       const struct iag_keyset *ks, struct iag_devmodel *m)
{
	rep->allowed = rep->violations = rep->denied = 0;
	rep->have_policy = pol != NULL;
	for (size_t i = 0; i < rep->n; i++) {
		struct iag_record *r = &rep->rec[i];

		iag_record_fill_device(r, m);
		if (r->kind == IAG_KIND_DENIED) {
			r->verdict = IAG_VERDICT_DENIED;
		} else if (r->kind == IAG_KIND_ATOMIC_CONTEXT_XFER) {
			/* sleeping in atomic context: no policy allows it */
			r->verdict = IAG_VERDICT_VIOLATION;
			r->rule = -1;
		} else if (pol) {
			const struct iag_key *k = NULL;
			long rule = -1;

			if (ks && r->adapter >= 0 && r->addr >= 0)
				k = iag_keyset_lookup(ks, r->adapter,
						      (unsigned int)r->addr);
			if (k)
				rule = (long)k->rule_id;
			else
				rule = iag_policy_match_record(pol, r);
			r->rule = rule;
			r->verdict = rule >= 0 ? IAG_VERDICT_ALLOWED :
				     IAG_VERDICT_VIOLATION;
			free(r->rule_text);
			r->rule_text = NULL;
			if (rule >= 0 && (size_t)rule < pol->n_rules &&
			    asprintf(&r->rule_text, "%s: %s",
				     iag_selector_name(pol->rules[rule].sel),
				     pol->rules[rule].value) < 0)
				r->rule_text = NULL;
		} else if (!r->verdict) {
			r->verdict = IAG_VERDICT_VIOLATION;
		}
		switch (r->verdict) {
		case IAG_VERDICT_ALLOWED:
			rep->allowed++;
			break;
		case IAG_VERDICT_DENIED:
			rep->denied++;
			break;
		default:
			rep->violations++;
			break;
		}
	}
}
