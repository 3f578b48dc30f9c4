// SPDX-License-Identifier: GPL-2.0-only
/* Live event output: JSON Lines records or a text table, and the summary. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "hotplug.h"
#include "ksyms.h"
#include "live.h"
#include "policy.h"
#include "resolve.h"
#include "session_keys.h"
#include "util.h"

#include "devmodel.h"
#include "journal.h"
#include "record.h"

/* A record.c enum name, or "unknown". */
static const char *nm(const char *name)
{
	return name ? name : "unknown";
}

int iag_live_init(struct iag_live *l, const char *output, bool json,
		  const struct iag_policy *pol)
{
	memset(l, 0, sizeof(*l));
	l->max_stack = IAG_MAX_STACK;
	l->pol = pol;
	l->json = json;
	l->out = stdout;
	if (output && strcmp(output, "-")) {
		l->out = fopen(output, "we");
		if (!l->out) {
			iag_err("cannot write %s: %s", output, strerror(errno));
			l->out = NULL;
			return IAG_EXIT_USAGE;
		}
		l->own_out = true;
		l->json = true;	/* files are for `report`: always JSON Lines */
	}
	return IAG_EXIT_OK;
}

/* What is not known of an event made from its aggregate's key. */
static void forget_unknown(struct iag_record *r)
{
	free(r->comm);
	r->comm = NULL;
	r->pid = -1;
	r->irqs_disabled = -1;
	r->preempt_count = -1;
	r->has_ret = false;
	r->flags = -1;
	r->msg_count = -1;
	r->smbus_protocol = -1;
}

/* The members of a record that its writer may have encoded once. */
enum { SPLICE_HEAD, SPLICE_STACK, SPLICE_TAIL, SPLICE_MAX };

/* @r's names (device, rule) and repeats (@rep), on top of @ev's fields. */
static void fill_record(struct iag_live *l, struct iag_record *r, const struct iag_event *ev,
			const struct iag_repeat *rep)
{
	iag_live_fill_device(l, r);
	if (l->pol && ev->rule_id != IAG_NO_RULE && ev->rule_id < l->pol->n_rules) {
		const struct iag_rule *rule = &l->pol->rules[ev->rule_id];

		if (asprintf(&r->rule_text, "%s: %s", iag_selector_name(rule->sel),
			     rule->value ? rule->value : "") < 0)
			r->rule_text = NULL;
	}
	if (rep) {
		r->count = rep->count;
		r->ts_ns = rep->last_ns;
		r->first_ts_ns = rep->first_ns;
		r->last_ts_ns = rep->last_ns;
		r->first_record_lost = rep->first_lost;
		if (rep->first_lost)
			forget_unknown(r);
	}
}

/*
 * The record of @ev (@rep: its repeats). With @sp, its head, a kept stack
 * and its tail are left out ("kind":null, "stack":null, "flags":null): @sp
 * has their encoding, for the writer to put in their place.
 */
static json_t *record_json(struct iag_live *l, const struct iag_event *ev,
			   const struct iag_repeat *rep, struct iag_splice *sp)
{
	struct iag_record r;
	json_t *o = NULL, *stack = NULL;
	const char **text = sp ? &sp[SPLICE_STACK].text : NULL;
	bool kept;

	if (iag_record_from_event_fields(&r, ev) ||
	    (ev->stack_len &&
	     !(stack = iag_live_stack_json(l, ev, text, sp ? &sp[SPLICE_STACK].len : NULL))))
		goto out;
	fill_record(l, &r, ev, rep);
	kept = sp && iag_live_head_text(l, &r, &sp[SPLICE_HEAD], &sp[SPLICE_TAIL]);
	if (kept && (!stack || *text)) {
		o = iag_live_rest_json(l, &r, stack != NULL);
		goto out;
	}
	o = iag_record_to_json_head(&r, !kept);
	/* The stack, shared with the other records of the same one. */
	if (o && stack && json_object_set_new_nocheck(o, "stack", text && *text ?
						      json_null() : json_incref(stack))) {
		json_decref(o);
		o = NULL;
	}
out:
	json_decref(stack);
	iag_record_free(&r);
	return o;
}

json_t *iag_live_record_json(struct iag_live *l, const struct iag_event *ev,
			     const struct iag_repeat *rep)
{
	return record_json(l, ev, rep, NULL);
}

json_t *iag_live_event_json(struct iag_live *l, const struct iag_event *ev)
{
	return iag_live_record_json(l, ev, NULL);
}

/* Under a bus record's row, what report --console says of the same events. */
static void print_bus(struct iag_live *l, const struct iag_event *ev)
{
	if (ev->kind == IAG_KIND_BUS_STUCK && ev->recovery == IAG_RECOVERY_TRIED)
		fprintf(l->out, "      bus stuck (scl=%d sda=%d), recovery tried\n",
			ev->scl, ev->sda);
	else if (ev->kind == IAG_KIND_BUS_STUCK)
		fprintf(l->out, "      bus stuck (scl=%d sda=%d), no recovery possible: %s\n",
			ev->scl, ev->sda, nm(iag_recovery_name(ev->recovery)));
	else if (ev->kind == IAG_KIND_BUS_RECOVERY)
		fprintf(l->out, "      recovery: ret %d after %u pulses, scl=%d sda=%d: %s\n",
			ev->ret, ev->pulses, ev->scl, ev->sda,
			ev->ret ? "still stuck" : "recovered");
}

static void print_row(struct iag_live *l, const struct iag_event *ev)
{
	char path[64] = "", comm[IAG_COMM_LEN + 1], buf[256];
	__u32 i, n, first;
	size_t off = 0;

	if (!l->header_done) {
		fprintf(l->out, "%-14s %-20s %-9s %-6s %-6s %-10s %-17s %-9s %5s %-16s %s\n",
			"TIME(s)", "KIND", "VERDICT", "ADAPT", "ADDR", "PATH", "CALLBACK",
			"STATE", "RET", "COMM", "PID");
		l->header_done = true;
	}
	for (i = 0; i < ev->path_len && i < IAG_MAX_PATH && off < sizeof(path) - 12; i++)
		off += snprintf(path + off, sizeof(path) - off, "%s%d", i ? ">" : "",
				ev->adapter_path[i]);
	memcpy(comm, ev->comm, IAG_COMM_LEN);
	comm[IAG_COMM_LEN] = 0;
	fprintf(l->out, "%-14.6f %-20s %-9s %-6d 0x%-4x %-10s %-17s %-9s %5d %-16s %u\n",
		ev->ts_ns / 1e9, nm(iag_kind_name(ev->kind)),
		ev->verdict ? nm(iag_verdict_name(ev->verdict)) : "-",
		ev->adapter, ev->addr, path,
		iag_kind_is_bus(ev->kind) ? "-" : nm(iag_callback_name(ev->callback)),
		nm(iag_state_name(ev->system_state)), ev->ret, comm, ev->pid);
	print_bus(l, ev);
	n = iag_live_stack_frames(l, ev, &first);
	for (i = first; i < n; i++)
		fprintf(l->out, "      %s\n",
			iag_ksyms_format(l->ksyms, ev->stack[i], buf, sizeof(buf)));
}

/*
 * A signal came: end this poll round (one round can last as long as a storm
 * keeps the ring buffer from emptying), so that the loop sees it.
 */
static bool stop_now(const struct iag_live *l)
{
	return l->stop && *l->stop && !l->draining;
}

/* Tally what a record (or @n repeats of it) says. */
static void tally(struct iag_live *l, const struct iag_event *ev, unsigned long n)
{
	if (ev->kind == IAG_KIND_BUS_STUCK)
		l->buses_stuck += n;
	else if (ev->kind == IAG_KIND_BUS_RECOVERY && !ev->ret)
		l->buses_recovered += n;
	if (ev->verdict == IAG_VERDICT_VIOLATION)
		l->violations += n;
	else if (ev->verdict == IAG_VERDICT_DENIED)
		l->denied += n;
}

/* The text table's line under a row that stands for repeats. */
static void print_repeat(struct iag_live *l, const struct iag_repeat *rep)
{
	fprintf(l->out, "      x%lu: repeats from %.6f to %.6f s%s\n", rep->count,
		rep->first_ns / 1e9, rep->last_ns / 1e9,
		rep->first_lost ? " (their first record was lost: ring buffer full)" : "");
}

int iag_live_write(struct iag_live *l, const struct iag_event *ev,
		   const struct iag_repeat *rep)
{
	struct iag_splice sp[SPLICE_MAX] = {
		[SPLICE_HEAD] = { .mark = "\"kind\":null" },
		[SPLICE_STACK] = { .mark = "\"stack\":null" },
		[SPLICE_TAIL] = { .mark = "\"flags\":null" },
	};
	json_t *o = NULL;

	tally(l, ev, rep ? rep->count : 1);
	if (rep)
		l->repeats += rep->count;
	else
		l->records++;
	/* The journal is sent the whole record. */
	if (l->journal || (l->out && l->json))
		o = record_json(l, ev, rep, l->journal ? NULL : sp);
	if (l->journal && (!o || iag_journal_send_record(o)))
		iag_warn("a journal entry was not sent");
	if (l->out && l->json) {
		if (o)
			iag_live_write_json(l->out, o, sp, SPLICE_MAX);
	} else if (l->out) {
		print_row(l, ev);
		if (rep)
			print_repeat(l, rep);
	}
	json_decref(o);
	return 0;
}

int iag_live_event(const struct iag_event *ev, void *ctx)
{
	struct iag_live *l = ctx;

	if (ev->first_of_aggregate)
		iag_live_agg_first(l, ev);
	iag_live_write(l, ev, NULL);
	/* Written (and flushed by the loop once per batch); then perhaps stop. */
	return stop_now(l) ? -EINTR : 0;
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void reresolve(struct iag_session *s, const struct iag_policy *pol,
		      struct iag_keyset *ks)
{
	size_t before = ks->n;
	int err = iag_policy_reresolve(pol, ks);

	if (err) {
		iag_warn("devices changed, but re-resolving the policy failed (%s): "
			 "keeping the allowlist", strerror(-err));
		return;
	}
	if (iag_session_set_keys(s, ks))
		return;
	if (iag_verbose || before != ks->n)
		fprintf(stderr, "%s: devices changed: policy re-resolved, %zu allowlist keys (was %zu)\n",
			iag_prog, ks->n, before);
}

static volatile int stop_signal;	/* sig_atomic_t is an int */
static struct timespec stop_signal_at;	/* when it came (IAG_STOP_TIMES) */

/* Write what is queued; with -v, what that cost (part of a stop's time). */
static void drain(struct iag_live *l, struct iag_session *s)
{
	struct iag_ksyms_stats a, b;
	unsigned long n = l->records;
	double t0 = mono_s();

	if (iag_stop_times() && l->stop == &stop_signal && stop_signal)
		iag_info("stop: the read loop ended %.1f ms after the signal",
			 (t0 - stop_signal_at.tv_sec - stop_signal_at.tv_nsec / 1e9) * 1e3);
	iag_ksyms_stats(l->ksyms, &a);
	iag_session_poll(s, 0, iag_live_event, l);
	iag_live_agg_flush(l, s);
	if (l->out)
		fflush(l->out);
	if (!iag_stop_times())
		return;
	iag_ksyms_stats(l->ksyms, &b);
	if (b.passes < a.passes || b.ms < a.ms)
		a = (struct iag_ksyms_stats){ 0 };	/* reloaded meanwhile */
	iag_info("stop: %lu queued records written in %.1f ms; kallsyms: %u passes, "
		 "%.1f ms (whole table %s; before the stop: %u passes, %.1f ms; "
		 "the kernel asked %u times in all)",
		 l->records - n, (mono_s() - t0) * 1e3, b.passes - a.passes,
		 b.ms - a.ms, b.table ? "read" : "not read", a.passes, a.ms, b.asked);
}

int iag_live_loop(struct iag_live *l, struct iag_session *s, const char *cmd,
		  long duration_s, volatile int *stop,
		  const struct iag_policy *pol, struct iag_keyset *ks)
{
	double deadline = 0;
	int hp = -1, rc = IAG_EXIT_OK;

	/* Uevents: the policy is re-resolved, the device names looked up again. */
	hp = iag_hotplug_open();
	if (hp < 0 && ((pol && ks) || iag_verbose))
		iag_warn("no uevents (%s): devices added later are not covered",
			 strerror(-hp));
	fprintf(stderr, "%s: %s: attached (mode %s)\n", iag_prog, cmd,
		iag_mode_name(iag_session_mode(s)));
	fflush(stderr);

	/*
	 * Asked once attached, not before: two program loads that the
	 * start-up need not wait for; the first records may keep whole stacks.
	 */
	if (iag_session_entry_text(s, &l->entry_lo, &l->entry_hi) && iag_verbose)
		iag_info("the kernel's entry code is not known: stacks below hard IRQs stay whole");
	l->t0 = mono_s();
	l->stop = stop;
	if (duration_s >= 0)
		deadline = l->t0 + duration_s;
	while (!*stop) {
		int timeout = 200, n;

		if (duration_s >= 0) {
			double left = deadline - mono_s();

			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		n = iag_session_poll(s, timeout, iag_live_event, l);
		iag_live_agg_flush(l, s);
		if (l->out)
			fflush(l->out);	/* once per batch */
		if (n < 0 && n != -EINTR) {
			iag_err("%s: reading events: %s", cmd, strerror(-n));
			rc = IAG_EXIT_INTERNAL;
			break;
		}
		if (iag_hotplug_pending(hp)) {
			iag_live_devices_changed(l);
			if (pol && ks)
				reresolve(s, pol, ks);
		}
	}
	/* What is already in the ring buffer still counts: all of it is written. */
	l->draining = true;
	drain(l, s);
	iag_hotplug_close(hp);
	return rc;
}

int iag_live_summary(struct iag_live *l, struct iag_session *s)
{
	struct iag_counters c;
	struct timespec ts;
	double dur;
	unsigned int i;
	int err = iag_session_counters(s, &c);

	if (err) {
		iag_err("reading the counters: %s", strerror(-err));
		return IAG_EXIT_INTERNAL;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	dur = ts.tv_sec + ts.tv_nsec / 1e9 - l->t0;
	if (c.v[IAG_CNT_DROPPED])
		iag_warn("%llu records were lost (ring buffer full): use a larger --ringbuf-kb",
			 (unsigned long long)c.v[IAG_CNT_DROPPED]);
	if (!l->out)
		return IAG_EXIT_OK;
	if (l->json) {
		json_t *o = json_object();
		char *str;

		json_object_set_new(o, "kind", json_string("summary"));
		json_object_set_new(o, "mode", json_string(iag_mode_name(iag_session_mode(s))));
		for (i = 0; i < IAG_CNT_MAX; i++)
			json_object_set_new(o, nm(iag_counter_name(i)),
					    json_integer((json_int_t)c.v[i]));
		json_object_set_new(o, "records", json_integer(l->records));
		json_object_set_new(o, "repeats", json_integer(l->repeats));
		json_object_set_new(o, "aggregate_keys", json_integer(l->agg_keys));
		json_object_set_new(o, "bad_records",
				    json_integer(iag_session_bad_records(s)));
		json_object_set_new(o, "duration_s", json_real(dur));
		str = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
		if (str)
			fprintf(l->out, "%s\n", str);
		free(str);
		json_decref(o);
	} else {
		fprintf(l->out, "summary (%s mode, %.1f s):", iag_mode_name(iag_session_mode(s)), dur);
		for (i = 0; i < IAG_CNT_MAX; i++)
			fprintf(l->out, " %s %llu", nm(iag_counter_name(i)),
				(unsigned long long)c.v[i]);
		fprintf(l->out, ", records %lu, repeats %lu\n", l->records, l->repeats);
	}
	fflush(l->out);
	return IAG_EXIT_OK;
}

bool iag_live_bus_stuck(struct iag_live *l, struct iag_session *s)
{
	struct iag_counters c;

	if (l->buses_stuck > l->buses_recovered)
		return true;
	/* The counters: a record lost in a full ring buffer still counts. */
	if (!iag_session_counters(s, &c))
		return c.v[IAG_CNT_BUS_STUCK] > c.v[IAG_CNT_BUS_RECOVERED];
	return false;
}

bool iag_live_bad(struct iag_live *l, struct iag_session *s)
{
	struct iag_counters c;

	if (l->violations || l->denied)
		return true;
	if (!iag_session_counters(s, &c))
		return c.v[IAG_CNT_VIOLATIONS] || c.v[IAG_CNT_DENIED];
	return false;
}

void iag_live_fini(struct iag_live *l)
{
	if (l->own_out && l->out)
		fclose(l->out);
	l->out = NULL;
	iag_ksyms_free(l->ksyms);
	l->ksyms = NULL;
	iag_live_agg_free(l);
	iag_live_devcache_free(l);
	iag_live_stacks_free(l);
	iag_live_head_free(l);
	if (l->dm)
		iag_devmodel_close(l->dm);
	l->dm = NULL;
}

static void on_signal(int sig)
{
	if (!stop_signal)
		clock_gettime(CLOCK_MONOTONIC, &stop_signal_at);	/* async-signal-safe */
	stop_signal = sig;
}

/*
 * Catch SIGINT and SIGTERM from the very start of the command: a command
 * started in the background by a script begins with SIGINT ignored, and a
 * signal that arrived while the programs were still loading was lost: the
 * command then ran until killed (seen with the benchmark). Caught here, it
 * stops the live loop as soon as that starts.
 */
/* IAG_STOP_TIMES: the whole of a stop, as far as this process sees it. */
static void stop_times_at_exit(void)
{
	struct timespec t;

	if (!stop_signal || !iag_stop_times())
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	iag_info("stop: exiting %.1f ms after the signal",
		 (t.tv_sec - stop_signal_at.tv_sec) * 1e3 +
		 (t.tv_nsec - stop_signal_at.tv_nsec) / 1e6);
}

void iag_live_catch_signals(void)
{
	static bool registered;
	struct sigaction sa;

	if (!registered)
		registered = !atexit(stop_times_at_exit);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool iag_live_stopping(void)
{
	return stop_signal != 0;
}

int iag_live_run(struct iag_live *l, struct iag_session *s, const char *cmd,
		 long duration_s, const struct iag_policy *pol,
		 struct iag_keyset *ks)
{
	int rc, r;

	iag_live_catch_signals();
	if (stop_signal)
		iag_info("%s: signal %d during start-up: stopping", cmd, stop_signal);
	rc = iag_live_loop(l, s, cmd, duration_s, &stop_signal, pol, ks);
	r = iag_live_summary(l, s);
	return rc ? rc : r;
}
