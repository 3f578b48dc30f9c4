// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console logs to records.
 *
 * Nesting as the kernel emits it: i2c_atomic_xfer / i2c_atomic_smbus_xfer
 * open a level, i2c_atomic_result closes the level of its adapter and
 * address. A mux transfer logs one xfer per adapter on its way to the root
 * (the mux select in between), SMBus emulation an smbus_xfer then an xfer
 * on the same adapter: only the outermost level becomes a record, the inner
 * ones extend its adapter_path. Nesting is tracked per CPU (ftrace "[003]")
 * or per printk caller ("[  T123]" / "[   C1]") when the log shows one.
 *
 * A serial console drops lines, and a log may be hostile, so an open
 * transfer takes in another one only when the kernel could have made it:
 *  - the SMBus emulation: an xfer on the same adapter and address;
 *  - a mux parent: an adapter the log's own "Added multiplexed i2c bus"
 *    lines (or the sysfs) show above the leaf, with the leaf's address;
 *  - a mux select on such a parent (another address): kept as a record of
 *    its own until the leaf's transfer reaches that parent, which proves it
 *    was the select; a deselect is the same address again.
 * Anything else means the open transfer lost its result line: it stays, as
 * an unterminated record, and the new transfer is a record of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devmodel.h"
#include "report.h"
#include "report_console.h"

#define MAX_CHAIN_HOPS	16	/* mux levels above a leaf, at most */
#define SELECT_LOOKBACK	64	/* records searched for a select to confirm */
#define STALE_NS	(10ULL * 1000000000ULL)

struct iag_console *iag_console_new(struct iag_report *rep)
{
	struct iag_console *c = calloc(1, sizeof(*c));

	if (c)
		c->rep = rep;
	return c;
}

void iag_console_add_parent(struct iag_console *c, int child, int parent)
{
	for (size_t i = 0; i < c->n_chain; i++)
		if (c->chain_child[i] == child) {
			c->chain_parent[i] = parent;
			return;
		}
	if (c->n_chain < MAX_CHAIN) {
		c->chain_child[c->n_chain] = child;
		c->chain_parent[c->n_chain++] = parent;
	}
}

static int chain_parent(const struct iag_console *c, long child)
{
	for (size_t i = 0; i < c->n_chain; i++)
		if (c->chain_child[i] == child)
			return c->chain_parent[i];
	return -1;
}

/* Is @up a mux parent (at any level) of adapter @leaf? */
static bool is_ancestor(const struct iag_console *c, long up, long leaf)
{
	long a = leaf;

	for (int hop = 0; hop < MAX_CHAIN_HOPS; hop++) {
		a = chain_parent(c, a);
		if (a < 0)
			return false;
		if (a == up)
			return true;
	}
	return false;
}

static struct cctx *ctx_for(struct iag_console *c, int key,
			    enum cev_format fmt)
{
	for (size_t i = 0; i < c->n_ctx; i++)
		if (c->ctx[i].key == key && c->ctx[i].fmt == fmt)
			return &c->ctx[i];
	if (c->n_ctx == MAX_CTX)
		return &c->ctx[0];
	c->ctx[c->n_ctx] = (struct cctx){ .key = key, .fmt = fmt, .nh = -1 };
	return &c->ctx[c->n_ctx++];
}

static struct iag_record *rec_at(struct iag_console *c, long idx)
{
	return idx >= 0 && (size_t)idx < c->rep->n ? &c->rep->rec[idx] : NULL;
}

static struct crec *crec_at(struct iag_console *c, long idx)
{
	return idx >= 0 && (size_t)idx < c->rep->n ? &c->crec[idx] : NULL;
}

static void path_add(struct iag_record *r, long adapter)
{
	for (size_t i = 0; i < r->path_len; i++)
		if (r->adapter_path[i] == adapter)
			return;
	if (r->path_len < IAG_MAX_PATH)
		r->adapter_path[r->path_len++] = (int)adapter;
}

static void fold(struct iag_console *c, long idx, long adapter)
{
	struct iag_record *r = rec_at(c, idx);

	if (!r)
		return;
	c->crec[idx].nested++;
	path_add(r, adapter);
}

static void fill_record(struct iag_record *r, const struct cevent *e, int kind,
			unsigned long lineno)
{
	r->kind = kind;
	r->has_ts = e->has_ts;
	r->ts_ns = e->ts_ns;
	r->adapter = (int)e->adapter;
	r->addr = (int)e->addr;
	r->adapter_path[0] = (int)e->adapter;
	r->path_len = 1;
	r->callback = e->cb >= 0 ? e->cb : IAG_CB_UNKNOWN;
	r->system_state = e->state;
	r->flags = e->flags;
	r->irqs_disabled = e->irqs_off;
	r->preempt_count = e->preempt;
	r->line = lineno;
	if (e->ev == CEV_SMBUS_XFER) {
		r->smbus_protocol = (int)(e->proto >= 0 ? e->proto : 0);
		r->smbus_command = (int)e->cmd;
		r->smbus_read = e->rw;
	} else if (e->ev == CEV_XFER) {
		r->msg_count = (int)e->msgs;
	}
	if (e->ev == CEV_DENIED || e->ev == CEV_LOCK_BUSY ||
	    e->ev == CEV_REFUSED) {
		r->has_ret = e->has_ret || e->ev == CEV_LOCK_BUSY;
		r->ret = e->has_ret ? (int)e->ret : -EAGAIN;
	}
}

static long new_record(struct iag_console *c, const struct cevent *e, int kind,
		       unsigned long lineno)
{
	struct iag_record r;

	if (c->rep->n + 1 > c->crec_cap) {
		size_t cap = c->crec_cap ? c->crec_cap * 2 : 64;
		struct crec *n = realloc(c->crec, cap * sizeof(*n));

		if (!n) {
			c->err = -ENOMEM;
			return -1;
		}
		c->crec = n;
		c->crec_cap = cap;
	}
	iag_record_init(&r);
	fill_record(&r, e, kind, lineno);
	if (iag_report_add(c->rep, &r)) {
		iag_record_free(&r);
		c->err = -ENOMEM;
		return -1;
	}
	c->crec[c->rep->n - 1] = (struct crec){ .fmt = e->fmt, .leaf = -1 };
	return (long)c->rep->n - 1;
}

static void push(struct cctx *x, const struct cevent *e, long rec, bool own)
{
	if (x->depth >= MAX_DEPTH)
		return;
	x->lvl[x->depth++] = (struct level){
		.adapter = e->adapter, .addr = e->addr,
		.smbus = e->ev == CEV_SMBUS_XFER, .rec = rec, .own = own,
	};
}

/* The open transfer lost its result: every open level ends here. */
void cons_abandon(struct iag_console *c, struct cctx *x)
{
	for (int i = 0; i < x->depth; i++) {
		struct crec *cr = crec_at(c, x->lvl[i].rec);

		if (x->lvl[i].own && cr)
			cr->unterminated = true;
	}
	x->depth = 0;
	if (x->nh_armed) {
		x->nh = -1;
		x->nh_armed = false;
	}
}

enum nesting {
	NEST_NONE,		/* not inside the open transfer */
	NEST_EMULATED,		/* SMBus emulated over master_xfer */
	NEST_FORWARD,		/* a mux parent carrying the leaf's transfer */
	NEST_SELECT,		/* maybe a mux select: a candidate record */
	NEST_DESELECT,		/* a select's address again, after the forward */
};

static bool fresh(const struct cctx *x, const struct cevent *e)
{
	return !(e->has_ts && x->has_ts && e->ts_ns > x->ts_ns + STALE_NS);
}

static bool leaf_has_select(const struct crec *cr, long adapter, long addr)
{
	for (size_t i = 0; i < cr->n_sel; i++)
		if (cr->sel_adapter[i] == adapter && cr->sel_addr[i] == addr)
			return true;
	return false;
}

static enum nesting classify(struct iag_console *c, const struct cctx *x,
			     const struct cevent *e)
{
	const struct level *top = &x->lvl[x->depth - 1];
	const struct iag_record *leaf = rec_at(c, top->rec);

	if (!leaf || !fresh(x, e))
		return NEST_NONE;
	if (e->ev == CEV_XFER && top->smbus && e->adapter == top->adapter &&
	    e->addr == top->addr)
		return NEST_EMULATED;
	if (!is_ancestor(c, e->adapter, leaf->adapter)) {
		if (e->adapter != leaf->adapter &&
		    chain_parent(c, leaf->adapter) < 0)
			c->unknown_chain++;
		return NEST_NONE;
	}
	if (e->addr == leaf->addr)
		return NEST_FORWARD;
	if (leaf_has_select(&c->crec[top->rec], e->adapter, e->addr))
		return NEST_DESELECT;
	return NEST_SELECT;
}

/*
 * The leaf's transfer reached parent @adapter: the candidates on that
 * adapter made while it was open were its mux selects.
 */
static void confirm_selects(struct iag_console *c, long leaf, long adapter)
{
	struct crec *lc = &c->crec[leaf];
	size_t from = c->rep->n > SELECT_LOOKBACK ? c->rep->n - SELECT_LOOKBACK : 0;

	if (lc->n_fwd < IAG_MAX_PATH)
		lc->fwd[lc->n_fwd++] = (int)adapter;
	for (size_t i = from > (size_t)leaf ? from : (size_t)leaf + 1;
	     i < c->rep->n; i++) {
		struct crec *cr = &c->crec[i];
		const struct iag_record *r = &c->rep->rec[i];

		if (cr->leaf != leaf || cr->drop || r->adapter != adapter)
			continue;
		cr->drop = true;
		lc->nested += 1 + cr->nested;
		if (lc->n_sel < IAG_MAX_PATH) {
			lc->sel_adapter[lc->n_sel] = r->adapter;
			lc->sel_addr[lc->n_sel++] = r->addr;
		}
	}
}

static void on_start(struct iag_console *c, struct cctx *x,
		     const struct cevent *e, unsigned long lineno)
{
	enum nesting how = x->depth ? classify(c, x, e) : NEST_NONE;
	long leaf = x->depth ? x->lvl[x->depth - 1].rec : -1, idx;
	struct iag_record *r;

	switch (how) {
	case NEST_EMULATED:
	case NEST_DESELECT:
		fold(c, leaf, e->adapter);
		push(x, e, leaf, false);
		return;
	case NEST_FORWARD:
		fold(c, leaf, e->adapter);
		confirm_selects(c, leaf, e->adapter);
		push(x, e, leaf, false);
		return;
	case NEST_SELECT:
		idx = new_record(c, e, IAG_KIND_ATOMIC_XFER, lineno);
		if (idx >= 0)
			c->crec[idx].leaf = leaf;
		push(x, e, idx, true);
		return;
	case NEST_NONE:
		break;
	}
	if (x->depth)
		cons_abandon(c, x);
	x->has_ts = e->has_ts;
	x->ts_ns = e->ts_ns;
	r = rec_at(c, x->nh);
	if (r && (r->adapter != e->adapter || r->addr != e->addr)) {
		x->nh = -1;
	} else if (r) {
		x->nh_armed = true;
		if (e->cb >= 0)
			r->callback = e->cb;
		if (e->state >= 0)
			r->system_state = e->state;
	}
	idx = new_record(c, e, IAG_KIND_ATOMIC_XFER, lineno);
	push(x, e, idx, true);
}

static void on_result(struct iag_console *c, struct cctx *x,
		      const struct cevent *e)
{
	int i = x->depth - 1;
	struct iag_record *r;

	while (i >= 0 && (x->lvl[i].adapter != e->adapter ||
			  x->lvl[i].addr != e->addr))
		i--;
	if (i < 0) {
		c->rep->orphan_results++;
		return;
	}
	for (int k = i + 1; k < x->depth; k++)	/* their results were lost */
		if (x->lvl[k].own && crec_at(c, x->lvl[k].rec))
			c->crec[x->lvl[k].rec].unterminated = true;
	x->depth = i;
	if (x->lvl[i].own && (r = rec_at(c, x->lvl[i].rec))) {
		r->has_ret = true;
		if (r->kind != IAG_KIND_DENIED || !r->ret)
			r->ret = (int)e->ret;
	}
	if (!x->depth && x->nh_armed) {
		x->nh = -1;
		x->nh_armed = false;
	}
}

/* Is an event on @adapter part of the innermost open transfer? */
static bool inside(struct iag_console *c, const struct cctx *x,
		   const struct cevent *e)
{
	const struct iag_record *leaf;

	if (!x->depth)
		return false;
	leaf = rec_at(c, x->lvl[x->depth - 1].rec);
	return leaf && fresh(x, e) && (e->adapter == leaf->adapter ||
				       is_ancestor(c, e->adapter, leaf->adapter));
}

static void on_denied(struct iag_console *c, struct cctx *x,
		      const struct cevent *e, unsigned long lineno)
{
	struct iag_record *r = NULL;
	long idx;

	if (inside(c, x, e))
		r = rec_at(c, x->lvl[x->depth - 1].rec);
	else if (x->depth)
		cons_abandon(c, x);
	if (r) {
		if (r->kind != IAG_KIND_DENIED) {
			r->kind = IAG_KIND_DENIED;
			r->verdict = IAG_VERDICT_DENIED;
			r->ret = (int)e->ret;
		}
		return;
	}
	idx = new_record(c, e, IAG_KIND_DENIED, lineno);
	if ((r = rec_at(c, idx)))
		r->verdict = IAG_VERDICT_DENIED;
}

/* i2c_atomic_refused: one event, no result; a kind of its own. */
static void on_refused(struct iag_console *c, struct cctx *x,
		       const struct cevent *e, unsigned long lineno)
{
	int kind = iag_kind_from_name("refused");

	/*
	 * Inside the open transfer of its adapter and address (an SMBus
	 * transfer emulated on an adapter with no master_xfer), it is that
	 * transfer's inner level: folded, the outer result says how it ended.
	 */
	if (x->depth && x->lvl[x->depth - 1].adapter == e->adapter &&
	    x->lvl[x->depth - 1].addr == e->addr && fresh(x, e)) {
		c->crec[x->lvl[x->depth - 1].rec].nested++;
		return;
	}
	if (x->depth)
		cons_abandon(c, x);
	/* a build whose ABI lacks the kind still reports the attempt */
	new_record(c, e, kind > 0 ? kind : IAG_KIND_ATOMIC_XFER, lineno);
}

static void on_failure(struct iag_console *c, struct cctx *x,
		       const struct cevent *e, unsigned long lineno)
{
	struct iag_record *r;
	long idx;

	/*
	 * Inside a transfer, a failure event is a parent's lock in a
	 * mux-locked channel: folded, as the BPF side does (INTERFACES.md).
	 */
	if (inside(c, x, e)) {
		idx = x->lvl[x->depth - 1].rec;
		if (e->ev == CEV_NO_HANDLER && rec_at(c, x->nh)) {
			c->crec[idx].nested++;
			path_add(rec_at(c, x->nh), e->adapter);
		} else if (crec_at(c, idx)) {
			c->crec[idx].nested++;
		}
		return;
	}
	if (x->depth)
		cons_abandon(c, x);
	if (e->ev == CEV_NO_HANDLER) {
		r = rec_at(c, x->nh);
		if (r && r->adapter == e->adapter && r->addr == e->addr &&
		    !x->nh_armed) {
			c->crec[x->nh].nested++;	/* the same lock, logged twice */
			return;
		}
		x->nh = new_record(c, e, IAG_KIND_NO_ATOMIC_HANDLER, lineno);
		x->nh_armed = false;
	} else if (e->ev == CEV_LOCK_BUSY) {
		new_record(c, e, IAG_KIND_LOCK_BUSY, lineno);
	} else {
		idx = new_record(c, e, IAG_KIND_ATOMIC_CONTEXT_XFER, lineno);
		if ((r = rec_at(c, idx))) {
			r->verdict = IAG_VERDICT_VIOLATION;
			if (r->system_state < 0)
				r->system_state = IAG_STATE_RUNNING;
		}
	}
}

/*
 * Every field is required and must be in range; state= ends all but result
 * and denied, so a line cut inside addr= (still a number) is caught by its
 * absence.
 */
static bool complete(struct iag_console *c, const struct cevent *e,
		     unsigned long lineno)
{
	const char *why = NULL;
	bool ends_with_ret = e->ev == CEV_RESULT || e->ev == CEV_DENIED;

	if (!e->has_adapter)
		why = "adapter=";
	else if (!e->has_addr)
		why = "addr=";
	else if (e->bad_key)
		why = e->bad_key;
	else if ((ends_with_ret || e->ev == CEV_REFUSED) && !e->has_ret)
		why = e->ev == CEV_RESULT ? "ret=" : "err=";
	else if (!ends_with_ret && !e->has_state)
		why = "state=";
	if (!why)
		return true;
	c->rep->truncated++;
	iag_report_bad(c->rep, lineno,
		       "%s event with a missing or bad %s (cut short?)",
		       cev_label(e->ev), why);
	return false;
}

static void handle(struct iag_console *c, struct cevent *e,
		   unsigned long lineno)
{
	struct cctx *x = ctx_for(c, e->ctx, e->fmt);

	c->rep->events++;
	if (!complete(c, e, lineno))
		return;
	switch (e->ev) {
	case CEV_XFER:
	case CEV_SMBUS_XFER:
		on_start(c, x, e, lineno);
		break;
	case CEV_RESULT:
		on_result(c, x, e);
		break;
	case CEV_DENIED:
		on_denied(c, x, e, lineno);
		break;
	case CEV_REFUSED:
		on_refused(c, x, e, lineno);
		break;
	case CEV_NO_HANDLER:
	case CEV_LOCK_BUSY:
	case CEV_CONTEXT_XFER:
		on_failure(c, x, e, lineno);
		break;
	default:
		break;
	}
}

void iag_console_line(struct iag_console *c, const char *s, size_t len,
		      unsigned long lineno)
{
	struct cline cl;
	enum cev ev;
	enum cev_format fmt;
	size_t body;
	long at;
	int parent, child;

	c->rep->lines++;
	cline_prefix(s, len, &cl);
	if (cline_mux_added(s, len, cl.msg, &parent, &child)) {
		iag_console_add_parent(c, child, parent);
		return;
	}
	if (!cev_at(s, len, cl.msg, &ev, &body, &fmt))
		return;
	at = (long)cl.msg;
	/*
	 * Our events hold no text of their own: another event inside one is
	 * a second message printed onto the same line (a line cut short).
	 */
	while (at >= 0) {
		enum cev nev;
		enum cev_format nfmt;
		size_t nbody;
		long next = cev_find(s, len, body, &nev, &nbody, &nfmt);
		size_t end = next >= 0 ? (size_t)next : len;
		struct cevent e = {
			.ev = ev, .flags = -1, .msgs = -1, .proto = -1,
			.cmd = -1, .rw = -1, .cb = -1, .state = -1,
			.irqs_off = -1, .preempt = -1, .fmt = fmt,
			.ctx = cl.ctx,
			.has_ts = at == (long)cl.msg && cl.has_ts,
			.ts_ns = at == (long)cl.msg ? cl.ts_ns : 0,
		};

		cev_parse_pairs(&e, s + body, end - body);
		handle(c, &e, lineno);
		at = next;
		ev = nev;
		body = nbody;
		fmt = nfmt;
	}
}

