// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel stack of a live record: looked up in /proc/kallsyms, the
 * probe's own frames dropped, and kept as its JSON array per distinct stack.
 * A storm repeats a few stacks thousands of times a second; building each
 * record's frames again (a lookup, a string and a JSON string per frame)
 * was half of what a record cost its consumer (issue 13), and encoding
 * them again 40% of what was left: the array's encoding is kept too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ksyms.h"
#include "live.h"
#include "record.h"
#include "util.h"

/* Stacks kept before the cache starts over (a bound on memory). */
#define STACKS_MAX	384
/* Slots of the hash table: a power of two, well above STACKS_MAX. */
#define STACKS_SLOTS	512

struct iag_live_stack {
	__u32 n;			/* frames in addrs */
	unsigned int depth;		/* the --stack-depth it was cut to */
	bool verbose;			/* with offsets (-v) */
	json_t *json;			/* what the record's "stack" says */
	char *text;			/* "stack":json (NULL: out of memory) */
	size_t text_len;
	__u64 addrs[];
};

/*
 * The frames that may be shown: up to the first in the kernel's entry code,
 * that one kept. Below a hard IRQ's entry is the code it interrupted, not
 * its caller, and a storm's IRQs interrupt anywhere: every one of those
 * frames named a new function to look up (issue 13).
 */
__u32 iag_stack_cut_at_entry(const __u64 *stack, __u32 n, unsigned long long lo,
			     unsigned long long hi)
{
	for (__u32 k = 0; k < n; k++)
		if (stack[k] >= lo && stack[k] < hi)
			return k + 1;
	return n;
}

static __u32 stack_len(const struct iag_live *l, const struct iag_event *ev)
{
	return iag_stack_cut_at_entry(ev->stack, ev->stack_len < IAG_MAX_STACK ?
				      ev->stack_len : IAG_MAX_STACK, l->entry_lo, l->entry_hi);
}

/* The BPF machinery's own frames at the top of a stack. */
static bool is_probe_frame(struct iag_ksyms *ks, unsigned long addr)
{
	static const char *const prefixes[] = {
		"bpf_prog_", "bpf_trace_run", "__bpf_trace_", "trace_call_bpf",
		"bpf_trampoline_", "kprobe_", "perf_trace_", "__traceiter_",
	};
	const struct iag_ksym *s = iag_ksyms_find(ks, addr);
	size_t i;

	if (!s)
		return false;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(s->name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

static double mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Kernel functions are far smaller than this: a bigger offset means a symbol
 * table older than the code (a module loaded since). */
#define KSYM_SANE_OFFSET	0x40000UL

static bool stack_resolves(const struct iag_live *l, const struct iag_event *ev, __u32 n)
{
	for (__u32 i = 0; i < n; i++) {
		const struct iag_ksym *s = iag_ksyms_find(l->ksyms, ev->stack[i]);

		if (!s || ev->stack[i] - s->addr > KSYM_SANE_OFFSET)
			return false;
	}
	return true;
}

/* Look the stack's addresses up in /proc/kallsyms (each function once), and
 * forget what was looked up (at most once a second) when a stack does not
 * resolve: modules come and go. At a stop, the whole table is read at the
 * first address not known, once (a pass in progress gives up for it): a pass
 * per queued stack made the stop take seconds. */
static void load_ksyms(struct iag_live *l, const struct iag_event *ev, __u32 n)
{
	bool stopping = l->draining || (l->stop && *l->stop);

	if (l->ksyms_tried) {
		if (!l->ksyms)
			return;
		if (stopping)
			iag_ksyms_table_now(l->ksyms);
		iag_ksyms_resolve(l->ksyms, ev->stack, n);
		if (stopping || stack_resolves(l, ev, n) || mono_now() - l->ksyms_at < 1.0)
			return;
		if (iag_verbose)
			iag_info("kallsyms: a stack did not resolve: looked up afresh");
		iag_ksyms_free(l->ksyms);
		iag_live_stacks_free(l);	/* their names came from it */
	}
	l->ksyms_tried = true;
	l->ksyms_at = mono_now();
	l->ksyms = iag_ksyms_load(NULL);
	iag_ksyms_watch(l->ksyms, l->stop);
	if (stopping)
		iag_ksyms_table_now(l->ksyms);
	if (!l->ksyms)
		iag_warn("cannot read /proc/kallsyms (%s): stacks stay addresses",
			 strerror(errno));
	else
		iag_ksyms_resolve(l->ksyms, ev->stack, n);
}

__u32 iag_live_stack_frames(struct iag_live *l, const struct iag_event *ev, __u32 *first)
{
	__u32 n = stack_len(l, ev), i = 0;

	if (n)
		load_ksyms(l, ev, n);
	while (i < n && is_probe_frame(l->ksyms, ev->stack[i]))
		i++;
	*first = i;
	return n - i > l->max_stack ? i + l->max_stack : n;
}

/* The frames as names ("func+0x1c" with -v), as JSON; NULL on ENOMEM. */
static json_t *symbolize(struct iag_live *l, const struct iag_event *ev)
{
	__u32 first, n = iag_live_stack_frames(l, ev, &first);
	json_t *st = json_array();
	char buf[256];

	for (__u32 i = first; st && i < n; i++) {
		if (iag_verbose)
			iag_ksyms_format(l->ksyms, ev->stack[i], buf, sizeof(buf));
		else
			iag_ksyms_name(l->ksyms, ev->stack[i], buf, sizeof(buf));
		if (json_array_append_new(st, iag_json_str(buf))) {
			json_decref(st);
			return NULL;
		}
	}
	return st;
}

/* FNV-1a over the @n frames: the slot to start looking in. */
static size_t slot_of(const struct iag_event *ev, __u32 n)
{
	__u64 h = 0xcbf29ce484222325ULL;

	for (__u32 i = 0; i < n; i++)
		h = (h ^ ev->stack[i]) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 32)) & (STACKS_SLOTS - 1);
}

static bool same_stack(const struct iag_live *l, const struct iag_live_stack *s,
		       const struct iag_event *ev, __u32 n)
{
	return s->n == n && s->depth == l->max_stack && s->verbose == iag_verbose &&
	       !memcmp(s->addrs, ev->stack, n * sizeof(__u64));
}

/* The slot holding @ev's @n frames, or the empty one where they would go. */
static struct iag_live_stack **find(struct iag_live *l, const struct iag_event *ev, __u32 n)
{
	size_t i = slot_of(ev, n);

	while (l->stacks[i] && !same_stack(l, l->stacks[i], ev, n))
		i = (i + 1) & (STACKS_SLOTS - 1);
	return &l->stacks[i];
}

/*
 * Remember @st as @ev's @n frames, and its encoding: the writer splices
 * that into each record of the stack (live.c). Returns what is kept, NULL
 * when out of memory (the stack is then built again next time).
 */
static struct iag_live_stack *keep(struct iag_live *l, const struct iag_event *ev,
				   __u32 n, json_t *st)
{
	struct iag_live_stack *s, **slot;
	json_t *member;

	if (l->n_stacks >= STACKS_MAX)
		iag_live_stacks_free(l);
	if (!l->stacks && !(l->stacks = calloc(STACKS_SLOTS, sizeof(*l->stacks))))
		return NULL;
	s = malloc(sizeof(*s) + n * sizeof(__u64));
	if (!s)
		return NULL;
	s->n = n;
	s->depth = l->max_stack;
	s->verbose = iag_verbose;
	memcpy(s->addrs, ev->stack, s->n * sizeof(__u64));
	s->json = json_incref(st);
	member = json_pack("{sO}", "stack", st);
	s->text = iag_json_members(member, &s->text_len);
	json_decref(member);
	slot = find(l, ev, n);
	*slot = s;
	l->n_stacks++;
	return s;
}

json_t *iag_live_stack_json(struct iag_live *l, const struct iag_event *ev,
			    const char **text, size_t *text_len)
{
	__u32 n = stack_len(l, ev);
	struct iag_live_stack **slot = l->stacks ? find(l, ev, n) : NULL;
	struct iag_live_stack *s = slot ? *slot : NULL;
	json_t *st = s ? json_incref(s->json) : symbolize(l, ev);

	/* A stack that did not resolve may once the table is read afresh. */
	if (!s && st && (!l->ksyms || stack_resolves(l, ev, n)))
		s = keep(l, ev, n, st);
	if (text) {
		*text = s ? s->text : NULL;
		*text_len = s ? s->text_len : 0;
	}
	return st;
}

void iag_live_stacks_free(struct iag_live *l)
{
	for (size_t i = 0; l->stacks && i < STACKS_SLOTS; i++) {
		if (!l->stacks[i])
			continue;
		json_decref(l->stacks[i]->json);
		free(l->stacks[i]->text);
		free(l->stacks[i]);
	}
	free(l->stacks);
	l->stacks = NULL;
	l->n_stacks = 0;
}
