/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Live event output shared by audit, enforce (and ci): a record from the
 * ring buffer -> a JSON Lines record (DESIGN.md "Event record") or a row of
 * the text table, and the closing summary record.
 */
#ifndef IAG_LIVE_H
#define IAG_LIVE_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "session.h"

struct iag_policy;
struct iag_ksyms;
struct iag_devmodel;

struct iag_live {
	FILE *out;
	bool own_out;		/* opened by us (--output) */
	bool json;		/* JSON Lines; else the text table */
	bool header_done;
	const struct iag_policy *pol;	/* for rule names, or NULL */
	struct iag_ksyms *ksyms;	/* loaded at the first stack */
	bool ksyms_tried;
	double ksyms_at;	/* when loaded (CLOCK_MONOTONIC) */
	struct iag_devmodel *dm;	/* sysfs, for device names */
	struct iag_live_dev *devs;	/* live_devcache.c: names looked up */
	size_t n_devs;
	struct iag_live_stack **stacks;	/* live_stacks.c: stacks symbolized */
	size_t n_stacks;
	bool dm_tried;
	struct iag_live_head *heads;	/* live_splice.c: heads encoded */
	unsigned int next_head;		/* the one to replace next */
	json_t **shapes;	/* live_splice.c: the rest of a record, by shape */
	double t0;		/* CLOCK_MONOTONIC at attach */
	unsigned int max_stack;	/* frames kept per record (--stack-depth) */
	/* The kernel's entry code: a stack shown ends at its first frame there. */
	unsigned long long entry_lo, entry_hi;
	unsigned long records;
	unsigned long repeats;	/* events written as counts of aggregates */
	void *agg;		/* live_agg.c: the aggregates seen (tsearch tree) */
	unsigned long agg_keys;	/* keys in the aggregates map at the last flush */
	unsigned long violations;	/* records with verdict violation */
	unsigned long denied;
	unsigned long buses_stuck;	/* bus_stuck records */
	unsigned long buses_recovered;	/* bus_recovery records with ret 0 */
	bool journal;		/* also one journald entry per record (journal.c) */
	volatile int *stop;	/* set by a signal: the loop ends */
	bool draining;		/* the loop ended: what is queued is written */
};

/* @output NULL: stdout; JSON when @json or when writing to a file. */
int iag_live_init(struct iag_live *l, const char *output, bool json,
		  const struct iag_policy *pol);
/* iag_event_fn: write one record. */
int iag_live_event(const struct iag_event *ev, void *ctx);
/* The JSON record of @ev (new reference). */
json_t *iag_live_event_json(struct iag_live *l, const struct iag_event *ev);

/* What a record of repeats (counted in the kernel's aggregates map) adds. */
struct iag_repeat {
	unsigned long count;	/* events since the last such record */
	__u64 first_ns, last_ns;	/* first and latest repeat of its key */
	bool first_lost;	/* @ev was made from the key: no first record came */
};
/* The same with @rep's count and times (@rep NULL: one event). */
json_t *iag_live_record_json(struct iag_live *l, const struct iag_event *ev,
			     const struct iag_repeat *rep);
/* Tally, write (and journal) @ev, or @rep->count repeats of it. Returns 0. */
int iag_live_write(struct iag_live *l, const struct iag_event *ev,
		   const struct iag_repeat *rep);

struct iag_record;
/*
 * live_devcache.c: device, driver, sysfs and adapter path of @r from the
 * sysfs, looked up once per (adapter, address) until
 * iag_live_devices_changed() (a uevent).
 */
void iag_live_fill_device(struct iag_live *l, struct iag_record *r);
void iag_live_devices_changed(struct iag_live *l);
void iag_live_devcache_free(struct iag_live *l);

/*
 * live_splice.c: a record written with members encoded once: @sp's texts
 * (iag_json_members(): "K":...), each in the place of the record's member
 * @mark ("\"K\":null"), in the record's order; a text NULL is not used.
 */
struct iag_splice {
	const char *mark;
	const char *text;
	size_t len;
};
void iag_live_write_json(FILE *out, const json_t *o, const struct iag_splice *sp,
			 size_t n_sp);
/* The members of @o, encoded (JSON_COMPACT, no braces), *@len bytes; NULL on ENOMEM. */
char *iag_json_members(const json_t *o, size_t *len);
/*
 * The members of @r's head and tail (iag_record_head_json(), _tail_json())
 * encoded into @head's and @tail's text (the tail's NULL where @r has
 * none), kept for a few distinct heads (devices); valid until the next
 * call. False on ENOMEM.
 */
bool iag_live_head_text(struct iag_live *l, const struct iag_record *r,
			struct iag_splice *head, struct iag_splice *tail);
void iag_live_head_free(struct iag_live *l);
/*
 * The rest of @r, whose head and tail are kept and whose stack is kept
 * (@stack_kept) or absent: what iag_record_to_json_head(@r, false) gives,
 * with "stack":null where a kept stack goes. Made once for each shape of
 * record and given @r's own members (time, task, count) after that: a new
 * reference, NULL on ENOMEM.
 */
json_t *iag_live_rest_json(struct iag_live *l, const struct iag_record *r, bool stack_kept);

/*
 * live_stacks.c: the JSON "stack" of @ev (new reference; NULL on ENOMEM),
 * symbolized once per distinct stack; with @text, also its member
 * ("stack":[...], iag_json_members()) when the stack is kept (else NULL),
 * valid until the next call; the stacks kept, freed.
 */
json_t *iag_live_stack_json(struct iag_live *l, const struct iag_event *ev,
			    const char **text, size_t *text_len);
void iag_live_stacks_free(struct iag_live *l);
/*
 * The frames of @ev to show, from *@first (below the probe's own) to the
 * returned end (--stack-depth), with their symbols looked up in l->ksyms.
 */
__u32 iag_live_stack_frames(struct iag_live *l, const struct iag_event *ev, __u32 *first);
/* The @n frames of @stack up to the first in [@lo, @hi) (the entry code), that one kept. */
__u32 iag_stack_cut_at_entry(const __u64 *stack, __u32 n, unsigned long long lo,
			     unsigned long long hi);

/* live_agg.c: remember the first record of an aggregate. */
void iag_live_agg_first(struct iag_live *l, const struct iag_event *ev);
/*
 * Write a record for each aggregate whose count grew since the last call
 * (once per batch, and at the end).
 */
void iag_live_agg_flush(struct iag_live *l, struct iag_session *s);
void iag_live_agg_free(struct iag_live *l);
/* The event a key stands for when its first record never came. */
void iag_agg_event_of_key(struct iag_event *ev, const struct iag_agg_key *key,
			  struct iag_session *s);
/* Call @fn on every key of the aggregates map and its value. */
typedef void (*iag_agg_fn)(const struct iag_agg_key *key, const struct iag_agg_val *val,
			   void *ctx);
void iag_agg_walk(struct iag_session *s, iag_agg_fn fn, void *ctx);
struct iag_keyset;

/*
 * The live loop of audit and enforce: say "<prog>: @cmd: attached (mode M)"
 * on stderr, then read records until @duration_s (< 0: no limit) passes or
 * *@stop is set by a signal. With a policy, devices coming and going
 * (uevents) re-resolve it into @ks and the allowlist. Returns an enum
 * iag_exit code.
 */
int iag_live_loop(struct iag_live *l, struct iag_session *s, const char *cmd,
		  long duration_s, volatile int *stop,
		  const struct iag_policy *pol, struct iag_keyset *ks);
/* Read the counters, write the summary. Returns an enum iag_exit code. */
int iag_live_summary(struct iag_live *l, struct iag_session *s);
/*
 * What audit and enforce do once attached: stop on SIGINT or SIGTERM (or
 * after @duration_s), run iag_live_loop(), then write the summary. Returns
 * the first enum iag_exit code that is not IAG_EXIT_OK.
 */
int iag_live_run(struct iag_live *l, struct iag_session *s, const char *cmd,
		 long duration_s, const struct iag_policy *pol,
		 struct iag_keyset *ks);
/*
 * Catch SIGINT and SIGTERM now (call first thing in a command that will
 * reach iag_live_run()): one that arrives during start-up then stops the
 * live loop at once instead of being lost.
 */
void iag_live_catch_signals(void);
/* A stop signal was caught. */
bool iag_live_stopping(void);
/* Any violation or denial seen (records or kernel counters)? */
bool iag_live_bad(struct iag_live *l, struct iag_session *s);
/*
 * A bus found stuck in atomic mode and not freed (no recovery possible, or
 * it failed), by the records or the kernel counters?
 */
bool iag_live_bus_stuck(struct iag_live *l, struct iag_session *s);
void iag_live_fini(struct iag_live *l);

#endif
