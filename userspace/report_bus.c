// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stuck buses in a console log: the i2c_atomic_bus_stuck and
 * i2c_atomic_bus_recovery events (patch 8 of the series), in either form:
 *
 *   i2c_atomic_bus_stuck: adapter=41 addr=0x50 scl=1 sda=0 recovery=tried state=restart
 *   i2c-atomic: event=bus_recovery adapter=41 addr=0x50 ret=0 pulses=3 scl=1 sda=1
 *
 * One case per bus_stuck event; the bus_recovery that follows on the same
 * adapter and address completes it. They are not transfers: they go to
 * rep->bus, not to the records, and decide the report's exit status on
 * their own (a bus left stuck). The audit's bus_stuck and bus_recovery
 * records (JSON Lines, ci) make the same cases.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_console.h"

#define BUS_DEDUPE_LINES	64	/* one event in both forms: this close */

static const struct {
	const char *prefix;
	bool recovery;
} bus_prefixes[] = {
	{ "i2c_atomic_bus_stuck: ", false },
	{ "i2c_atomic_bus_recovery: ", true },
	{ "i2c-atomic: event=bus_stuck ", false },
	{ "i2c-atomic: event=bus_recovery ", true },
};

/* The value of @key in the pairs of @s (not NUL-terminated), or NULL. */
static const char *pair_value(const char *s, size_t len, const char *key,
			      size_t *vlen)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i + kl < len; i++) {
		if ((i && s[i - 1] != ' ') || memcmp(s + i, key, kl) ||
		    s[i + kl] != '=')
			continue;
		i += kl + 1;
		*vlen = 0;
		while (i + *vlen < len && s[i + *vlen] != ' ')
			(*vlen)++;
		return s + i;
	}
	return NULL;
}

/* An integer pair within [@min, @max]; false if absent or malformed. */
static bool pair_long(const char *s, size_t len, const char *key, long min,
		      long max, long *out)
{
	char tmp[24], *end;
	const char *v;
	size_t vl;
	long n;

	v = pair_value(s, len, key, &vl);
	if (!v || !vl || vl >= sizeof(tmp))
		return false;
	memcpy(tmp, v, vl);
	tmp[vl] = '\0';
	errno = 0;
	n = strtol(tmp, &end, 0);
	if (errno || *end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

static void pair_word(const char *s, size_t len, const char *key, char *out,
		      size_t size)
{
	const char *v;
	size_t vl;

	out[0] = '\0';
	v = pair_value(s, len, key, &vl);
	if (!v || vl >= size)
		return;
	memcpy(out, v, vl);
	out[vl] = '\0';
}

static int add_case(struct iag_report *rep, const struct iag_bus_case *bc)
{
	if (rep->n_bus == rep->bus_cap) {
		size_t cap = rep->bus_cap ? 2 * rep->bus_cap : 8;
		struct iag_bus_case *b = realloc(rep->bus, cap * sizeof(*b));

		if (!b)
			return -ENOMEM;
		rep->bus = b;
		rep->bus_cap = cap;
	}
	rep->bus[rep->n_bus++] = *bc;
	return 0;
}

/* The same event printed in the other form a few lines before. */
static bool twin_stuck(struct iag_report *rep, const struct iag_bus_case *bc)
{
	for (size_t i = rep->n_bus; i-- > 0;) {
		struct iag_bus_case *o = &rep->bus[i];

		if (o->line + BUS_DEDUPE_LINES < bc->line)
			break;
		if (o->fmt != bc->fmt && !o->twinned &&
		    o->adapter == bc->adapter && o->addr == bc->addr &&
		    o->scl == bc->scl && o->sda == bc->sda &&
		    !strcmp(o->how, bc->how)) {
			o->twinned = true;
			return true;
		}
	}
	return false;
}

static int stuck_event(struct iag_report *rep, const char *s, size_t len,
		       unsigned long line, int fmt)
{
	struct iag_bus_case bc = { .line = line, .fmt = fmt, .ret = 0 };
	long adapter, addr, scl = -1, sda = -1;
	char state[24];

	if (!pair_long(s, len, "adapter", 0, INT_MAX, &adapter) ||
	    !pair_long(s, len, "addr", 0, 0xffff, &addr) ||
	    !pair_long(s, len, "sda", -1, 1, &sda)) {
		iag_report_bad(rep, line, "a bus_stuck event without adapter, addr or sda");
		return 0;
	}
	pair_long(s, len, "scl", -1, 1, &scl);
	bc.adapter = (int)adapter;
	bc.addr = (int)addr;
	bc.scl = (int)scl;
	bc.sda = (int)sda;
	pair_word(s, len, "recovery", bc.how, sizeof(bc.how));
	/* A name the kernel prints: anything else is not trusted as one. */
	if (!bc.how[0] || strspn(bc.how, "abcdefghijklmnopqrstuvwxyz_") !=
			  strlen(bc.how))
		strcpy(bc.how, "unknown");
	pair_word(s, len, "state", state, sizeof(state));
	bc.state = state[0] ? iag_state_from_name(state) : -1;
	if (twin_stuck(rep, &bc))
		return 0;
	return add_case(rep, &bc);
}

/* The latest recovery announced on that bus, not yet ended, ends so. */
static void end_recovery(struct iag_report *rep, int adapter, int addr, int ret,
			 int pulses, int scl, int sda, unsigned long line)
{
	for (size_t i = rep->n_bus; i-- > 0;) {
		struct iag_bus_case *bc = &rep->bus[i];

		if (bc->adapter != adapter || bc->addr != addr ||
		    strcmp(bc->how, "tried"))
			continue;
		if (bc->has_recovery)
			return;	/* the twin of a recovery already read */
		bc->has_recovery = true;
		bc->ret = ret;
		bc->pulses = pulses;
		bc->scl_after = scl;
		bc->sda_after = sda;
		return;
	}
	iag_report_bad(rep, line, "a bus_recovery event with no bus_stuck before it");
}

static void recovery_event(struct iag_report *rep, const char *s, size_t len,
			   unsigned long line)
{
	long adapter, addr, ret, pulses = -1, scl = -1, sda = -1;

	if (!pair_long(s, len, "adapter", 0, INT_MAX, &adapter) ||
	    !pair_long(s, len, "addr", 0, 0xffff, &addr) ||
	    !pair_long(s, len, "ret", INT_MIN, INT_MAX, &ret)) {
		iag_report_bad(rep, line, "a bus_recovery event without adapter, addr or ret");
		return;
	}
	pair_long(s, len, "pulses", 0, INT_MAX, &pulses);
	pair_long(s, len, "scl", -1, 1, &scl);
	pair_long(s, len, "sda", -1, 1, &sda);
	end_recovery(rep, (int)adapter, (int)addr, (int)ret, (int)pulses, (int)scl,
		     (int)sda, line);
}

int iag_report_bus_line(struct iag_report *rep, const char *s, size_t len,
			unsigned long line)
{
	struct cline cl;

	if (!memmem(s, len, "bus_", 4))
		return 0;	/* the usual line: not ours, cheaply */
	cline_prefix(s, len, &cl);
	for (size_t k = 0; k < sizeof(bus_prefixes) / sizeof(bus_prefixes[0]); k++) {
		size_t pl = strlen(bus_prefixes[k].prefix), at = cl.msg;

		if (len - at < pl || memcmp(s + at, bus_prefixes[k].prefix, pl))
			continue;
		rep->events++;
		if (bus_prefixes[k].recovery) {
			recovery_event(rep, s + at + pl, len - at - pl, line);
			return 0;
		}
		return stuck_event(rep, s + at + pl, len - at - pl, line,
				   strchr(bus_prefixes[k].prefix, '=') ?
				   CEV_FMT_ATOMIC_LOG : CEV_FMT_TRACEPOINT);
	}
	return 0;
}

int iag_report_bus_record(struct iag_report *rep, const struct iag_record *r)
{
	struct iag_bus_case bc = {
		.adapter = r->adapter, .addr = r->addr, .scl = r->scl, .sda = r->sda,
		.state = r->system_state, .line = r->line, .fmt = -1,
	};
	const char *how = iag_recovery_name(r->recovery);

	rep->events++;
	if (r->kind == IAG_KIND_BUS_RECOVERY) {
		end_recovery(rep, r->adapter, r->addr, r->has_ret ? r->ret : 0,
			     r->pulses, r->scl, r->sda, r->line);
		return 0;
	}
	snprintf(bc.how, sizeof(bc.how), "%s", how ? how : "unknown");
	return add_case(rep, &bc);
}

bool iag_bus_case_stuck(const struct iag_bus_case *bc)
{
	return !bc->has_recovery || bc->ret != 0;
}

size_t iag_report_bus_stuck(const struct iag_report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n_bus; i++)
		n += iag_bus_case_stuck(&rep->bus[i]);
	return n;
}

/* The verdict of a case, as the reports name it. */
static const char *bus_outcome(const struct iag_bus_case *bc)
{
	if (!bc->has_recovery)
		return strcmp(bc->how, "tried") ? "stuck_no_recovery" :
						  "stuck_recovery_unfinished";
	return bc->ret ? "stuck_recovery_failed" : "recovered";
}

json_t *iag_bus_case_to_json(const struct iag_bus_case *bc)
{
	json_t *o = json_pack("{s:i, s:i, s:i, s:i, s:s, s:s, s:b, s:I}",
			      "adapter", bc->adapter, "addr", bc->addr,
			      "scl", bc->scl, "sda", bc->sda,
			      "recovery", bc->how, "outcome", bus_outcome(bc),
			      "stuck", iag_bus_case_stuck(bc),
			      "line", (json_int_t)bc->line);

	if (!o)
		return NULL;
	if (iag_state_name(bc->state))
		json_object_set_new(o, "system_state",
				    json_string(iag_state_name(bc->state)));
	if (bc->has_recovery)
		json_object_set_new(o, "recovery_result",
				    json_pack("{s:i, s:i, s:i, s:i}", "ret", bc->ret,
					      "pulses", bc->pulses,
					      "scl", bc->scl_after,
					      "sda", bc->sda_after));
	return o;
}

void iag_bus_case_text(const struct iag_bus_case *bc, FILE *out)
{
	fprintf(out, "bus: adapter %d addr 0x%02x: stuck (scl=%d sda=%d)",
		bc->adapter, bc->addr, bc->scl, bc->sda);
	if (iag_state_name(bc->state))
		fprintf(out, " at %s", iag_state_name(bc->state));
	if (strcmp(bc->how, "tried"))
		fprintf(out, ", no recovery possible: %s\n", bc->how);
	else if (!bc->has_recovery)
		fprintf(out, ", recovery tried, no result in the log\n");
	else
		fprintf(out, ", recovery tried: ret %d after %d pulses, scl=%d sda=%d: %s\n",
			bc->ret, bc->pulses, bc->scl_after, bc->sda_after,
			bc->ret ? "still stuck" : "recovered");
}
