/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Console logs, inside: the syntax of one line (report_console_line.c) and
 * the state that turns events into records (report_console.c).
 */
#ifndef IAG_REPORT_CONSOLE_H
#define IAG_REPORT_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"

/* The events of TRACE_SYSTEM i2c_atomic, as the console names them. */
enum cev {
	CEV_XFER,
	CEV_SMBUS_XFER,
	CEV_RESULT,
	CEV_LOCK_BUSY,
	CEV_NO_HANDLER,
	CEV_CONTEXT_XFER,
	CEV_DENIED,
	CEV_REFUSED,
	CEV_MAX,
};

enum cev_format {
	CEV_FMT_TRACEPOINT = 0,	/* "i2c_atomic_xfer: adapter=..." (tp_printk, ftrace) */
	CEV_FMT_ATOMIC_LOG = 1,	/* "i2c-atomic: event=xfer adapter=..." */
};

/* Context keys: which nesting stack an event belongs to. */
#define CEV_CTX_NONE		0
#define CEV_CTX_FTRACE_CPU	0x20000000	/* + CPU of "[003]" */
#define CEV_CTX_CALLER_CPU	0x40000000	/* + n of printk caller "[  C1]" */
#define CEV_CTX_ID_MASK		0x1fffffff	/* task id or CPU number */

/* One parsed event. */
struct cevent {
	enum cev ev;
	bool has_adapter, has_addr, has_ret, has_state;
	const char *bad_key;	/* a value out of range or unreadable */
	int irqs_off;		/* -1 unknown */
	long adapter, addr, ret, flags, msgs, proto, cmd, preempt;
	int rw;			/* 1 read, 0 write, -1 unknown */
	int cb, state;
	bool has_ts;
	unsigned long long ts_ns;
	int ctx;
	enum cev_format fmt;
};

/* What the line's kernel prefix said, and where the message starts. */
struct cline {
	bool has_ts;
	unsigned long long ts_ns;
	int ctx;
	size_t msg;		/* offset of the message after the prefix */
};

const char *cev_label(enum cev ev);
/*
 * The prefix the kernel prints before a message: printk's "[ 1.23]" (and a
 * caller id "[  T1]"), a raw "<6>" level, or ftrace's "comm-pid [003] d..1.
 * 1.23: ". False if the line has none of them and no message at column 0.
 */
void cline_prefix(const char *s, size_t len, struct cline *cl);
/*
 * The event that starts exactly at @at: "i2c_atomic_<name>:" or
 * "i2c-atomic: event=<name>". Sets the body offset and the format.
 */
bool cev_at(const char *s, size_t len, size_t at, enum cev *ev, size_t *body,
	    enum cev_format *fmt);
/* The next event start in [@from, @len), for two messages on one line. */
long cev_find(const char *s, size_t len, size_t from, enum cev *ev,
	      size_t *body, enum cev_format *fmt);
/* key=value pairs of an event body. */
void cev_parse_pairs(struct cevent *e, const char *s, size_t len);
/*
 * i2c-mux's "i2c i2c-P: Added multiplexed i2c bus C" at @at: the log's own
 * adapter chain.
 */
bool cline_mux_added(const char *s, size_t len, size_t at, int *parent,
		     int *child);

/* ---- the reader's state (report_console.c, report_console_read.c) ----- */

#define MAX_DEPTH	32
#define MAX_CTX		64	/* CPUs / callers tracked */
#define MAX_CHAIN	1024	/* mux channel -> parent pairs kept */

struct iag_report;

struct level {
	long adapter, addr;
	bool smbus;
	long rec;		/* the record this level belongs to */
	bool own;		/* the outermost level of that record */
};

struct cctx {
	int key;		/* CPU or caller id */
	enum cev_format fmt;
	int depth;
	struct level lvl[MAX_DEPTH];
	long nh;		/* no_handler record of this transaction, -1 */
	bool nh_armed;		/* a transfer ran since nh was made */
	bool has_ts;		/* of the outermost level */
	unsigned long long ts_ns;
};

/* What the console knows about each record, beyond the record. */
struct crec {
	unsigned char fmt;	/* enum cev_format of its lines */
	bool drop;		/* a mux select after all, or a duplicate */
	bool matched;		/* has a duplicate in the other format */
	bool unterminated;	/* its result line never came */
	unsigned int nested;	/* inner levels folded into it */
	long leaf;		/* a select candidate: the leaf record, -1 */
	/* a leaf: parents its transfer reached, and their selects */
	int fwd[IAG_MAX_PATH];
	size_t n_fwd;
	int sel_adapter[IAG_MAX_PATH], sel_addr[IAG_MAX_PATH];
	size_t n_sel;
};

struct iag_console {
	struct iag_report *rep;
	struct cctx ctx[MAX_CTX];
	size_t n_ctx;
	struct crec *crec;	/* one per rep->rec */
	size_t crec_cap;
	int chain_child[MAX_CHAIN], chain_parent[MAX_CHAIN];
	size_t n_chain;
	unsigned long unknown_chain;	/* split for want of the mux chain */
	int err;			/* -ENOMEM once anything failed */
};

/* The open transfer lost its result: every open level ends here. */
void cons_abandon(struct iag_console *c, struct cctx *x);

#endif
