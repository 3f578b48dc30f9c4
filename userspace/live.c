// SPDX-License-Identifier: GPL-2.0-only
/* Live event output: JSON Lines records or a text table, and the summary. */
#include <errno.h>
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
#include "util.h"

/* devmodel.[ch] are written in parallel: build and link without them. */
#if __has_include("devmodel.h")
#include "devmodel.h"
#define HAVE_DEVMODEL 1
#pragma weak iag_devmodel_open
#pragma weak iag_devmodel_close
#pragma weak iag_devmodel_lookup
#pragma weak iag_devinfo_free
#else
#define HAVE_DEVMODEL 0
#endif

static const char *const kinds[] = {
	[IAG_KIND_ATOMIC_XFER] = "atomic_xfer",
	[IAG_KIND_ATOMIC_CONTEXT_XFER] = "atomic_context_xfer",
	[IAG_KIND_LOCK_BUSY] = "lock_busy",
	[IAG_KIND_NO_ATOMIC_HANDLER] = "no_atomic_handler",
	[IAG_KIND_DENIED] = "denied",
};

static const char *const verdicts[] = {
	[IAG_VERDICT_ALLOWED] = "allowed",
	[IAG_VERDICT_VIOLATION] = "violation",
	[IAG_VERDICT_DENIED] = "denied",
};

static const char *const callbacks[] = {
	[IAG_CB_NONE] = "none",
	[IAG_CB_XFER_ATOMIC] = "xfer_atomic",
	[IAG_CB_SMBUS_XFER_ATOMIC] = "smbus_xfer_atomic",
	[IAG_CB_SMBUS_EMULATED] = "smbus_emulated",
	[IAG_CB_UNKNOWN] = "unknown",
};

static const char *const states[] = {
	"booting", "scheduling", "freeing_initmem", "running",
	"halt", "power_off", "restart", "suspend",
};

static const char *const counter_names[] = {
	[IAG_CNT_SEEN] = "seen",
	[IAG_CNT_ALLOWED] = "allowed",
	[IAG_CNT_VIOLATIONS] = "violations",
	[IAG_CNT_DENIED] = "denied",
	[IAG_CNT_DROPPED] = "dropped",
	[IAG_CNT_NESTED] = "nested",
};

/*
 * A JSON string of bytes from sysfs or a task name: jansson takes only
 * UTF-8, so when it refuses, every byte outside printable ASCII is written
 * as the four characters "\xNN" (as record.h does).
 */
static json_t *jstr(const char *s)
{
	json_t *j;
	char *buf, *o;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	buf = malloc(strlen(s) * 4 + 1);
	if (!buf)
		return json_null();
	for (o = buf; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f)
			*o++ = c;
		else
			o += sprintf(o, "\\x%02x", c);
	}
	*o = 0;
	j = json_string(buf);
	free(buf);
	return j ? j : json_null();
}

#define NAME(tab, i) ((i) < sizeof(tab) / sizeof(tab[0]) && (tab)[i] ? (tab)[i] : "unknown")

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

static void lookup_device(struct iag_live *l, int adapter, unsigned int addr,
			  json_t *o)
{
#if HAVE_DEVMODEL
	struct iag_devinfo di;

	if (!l->dm_tried) {
		l->dm_tried = true;
		if (iag_devmodel_open)
			l->dm = iag_devmodel_open("/sys");
	}
	if (l->dm && iag_devmodel_lookup &&
	    !iag_devmodel_lookup(l->dm, adapter, addr, &di)) {
		json_object_set_new(o, "device", jstr(di.name));
		json_object_set_new(o, "driver", jstr(di.driver));
		json_object_set_new(o, "sysfs", jstr(di.sysfs));
		iag_devinfo_free(&di);
		return;
	}
#endif
	json_object_set_new(o, "device", json_null());
	json_object_set_new(o, "driver", json_null());
	json_object_set_new(o, "sysfs", json_null());
}

/* The BPF machinery's own frames at the top of a stack. */
static bool is_probe_frame(const struct iag_ksyms *ks, unsigned long addr)
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

static bool stack_resolves(const struct iag_live *l, const struct iag_event *ev)
{
	__u32 i;

	for (i = 0; i < ev->stack_len && i < IAG_MAX_STACK; i++) {
		const struct iag_ksym *s = iag_ksyms_find(l->ksyms, ev->stack[i]);

		if (!s || ev->stack[i] - s->addr > KSYM_SANE_OFFSET)
			return false;
	}
	return true;
}

/* Load /proc/kallsyms at the first stack, and again (at most once a second)
 * when a stack does not resolve: modules come and go. */
static void load_ksyms(struct iag_live *l, const struct iag_event *ev)
{
	if (l->ksyms_tried) {
		if (!l->ksyms || stack_resolves(l, ev) || mono_now() - l->ksyms_at < 1.0)
			return;
		iag_ksyms_free(l->ksyms);
	}
	l->ksyms_tried = true;
	l->ksyms_at = mono_now();
	l->ksyms = iag_ksyms_load(NULL);
	if (!l->ksyms)
		iag_warn("cannot read /proc/kallsyms (%s): stacks stay addresses",
			 strerror(errno));
}

/* Index of the first frame that is not the probe's own. */
static __u32 first_frame(const struct iag_live *l, const struct iag_event *ev, __u32 n)
{
	__u32 i = 0;

	while (i < n && is_probe_frame(l->ksyms, ev->stack[i]))
		i++;
	return i;
}

static json_t *stack_json(struct iag_live *l, const struct iag_event *ev)
{
	json_t *arr = json_array();
	char buf[256];
	__u32 i, n = ev->stack_len < IAG_MAX_STACK ? ev->stack_len : IAG_MAX_STACK;

	__u32 first;

	if (n)
		load_ksyms(l, ev);
	first = first_frame(l, ev, n);
	if (n - first > l->max_stack)
		n = first + l->max_stack;
	for (i = first; i < n; i++) {
		if (iag_verbose)
			iag_ksyms_format(l->ksyms, ev->stack[i], buf, sizeof(buf));
		else
			iag_ksyms_name(l->ksyms, ev->stack[i], buf, sizeof(buf));
		json_array_append_new(arr, jstr(buf));
	}
	return arr;
}

json_t *iag_live_event_json(struct iag_live *l, const struct iag_event *ev)
{
	json_t *o = json_object(), *path = json_array();
	char comm[IAG_COMM_LEN + 1];
	unsigned int i;

	json_object_set_new(o, "ts_ns", json_integer((json_int_t)ev->ts_ns));
	json_object_set_new(o, "kind", json_string(NAME(kinds, ev->kind)));
	json_object_set_new(o, "verdict", json_string(NAME(verdicts, ev->verdict)));
	json_object_set_new(o, "adapter", json_integer(ev->adapter));
	for (i = 0; i < ev->path_len && i < IAG_MAX_PATH; i++)
		json_array_append_new(path, json_integer(ev->adapter_path[i]));
	json_object_set_new(o, "adapter_path", path);
	json_object_set_new(o, "addr", json_integer(ev->addr));
	lookup_device(l, ev->adapter, ev->addr, o);
	json_object_set_new(o, "callback", json_string(NAME(callbacks, ev->callback)));
	json_object_set_new(o, "system_state", json_string(NAME(states, ev->system_state)));
	json_object_set_new(o, "irqs_disabled", ev->irqs_disabled > 1 ? json_null() :
			    json_boolean(ev->irqs_disabled));
	json_object_set_new(o, "preempt_count", json_integer(ev->preempt_count));
	json_object_set_new(o, "ret", json_integer(ev->ret));
	if (ev->rule_id == IAG_NO_RULE) {
		json_object_set_new(o, "rule", json_null());
	} else {
		json_object_set_new(o, "rule", json_integer(ev->rule_id));
		if (l->pol && ev->rule_id < l->pol->n_rules) {
			const struct iag_rule *r = &l->pol->rules[ev->rule_id];
			char txt[300];

			snprintf(txt, sizeof(txt), "%s: %s", iag_selector_name(r->sel),
				 r->value ? r->value : "");
			json_object_set_new(o, "rule_text", jstr(txt));
		}
	}
	json_object_set_new(o, "stack", stack_json(l, ev));
	memcpy(comm, ev->comm, IAG_COMM_LEN);
	comm[IAG_COMM_LEN] = 0;
	json_object_set_new(o, "comm", jstr(comm));
	json_object_set_new(o, "pid", json_integer(ev->pid));
	/* Transfer detail beyond the DESIGN.md record. */
	json_object_set_new(o, "flags", json_integer(ev->flags));
	if (ev->is_smbus) {
		json_object_set_new(o, "smbus_protocol", json_integer(ev->smbus_protocol));
		json_object_set_new(o, "smbus_command", json_integer(ev->smbus_command));
		json_object_set_new(o, "smbus_read", json_boolean(ev->smbus_read));
	} else if (ev->kind == IAG_KIND_ATOMIC_XFER || ev->kind == IAG_KIND_ATOMIC_CONTEXT_XFER ||
		   ev->kind == IAG_KIND_DENIED) {
		json_object_set_new(o, "msg_count", json_integer(ev->msg_count));
	}
	return o;
}

static void print_row(struct iag_live *l, const struct iag_event *ev)
{
	char path[64] = "", comm[IAG_COMM_LEN + 1], buf[256];
	unsigned int i;
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
		ev->ts_ns / 1e9, NAME(kinds, ev->kind), NAME(verdicts, ev->verdict),
		ev->adapter, ev->addr, path, NAME(callbacks, ev->callback),
		NAME(states, ev->system_state), ev->ret, comm, ev->pid);
	if (ev->stack_len)
		load_ksyms(l, ev);
	{
		__u32 n = ev->stack_len < IAG_MAX_STACK ? ev->stack_len : IAG_MAX_STACK;
		__u32 first = first_frame(l, ev, n);

		if (n - first > l->max_stack)
			n = first + l->max_stack;
		for (i = first; i < n; i++)
			fprintf(l->out, "      %s\n",
				iag_ksyms_format(l->ksyms, ev->stack[i], buf, sizeof(buf)));
	}
}

int iag_live_event(const struct iag_event *ev, void *ctx)
{
	struct iag_live *l = ctx;

	l->records++;
	if (ev->verdict == IAG_VERDICT_VIOLATION)
		l->violations++;
	else if (ev->verdict == IAG_VERDICT_DENIED)
		l->denied++;
	if (!l->out)
		return 0;
	if (l->json) {
		json_t *o = iag_live_event_json(l, ev);
		char *s = json_dumps(o, JSON_COMPACT);

		if (s)
			fprintf(l->out, "%s\n", s);
		free(s);
		json_decref(o);
	} else {
		print_row(l, ev);
	}
	fflush(l->out);
	return 0;
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

int iag_live_loop(struct iag_live *l, struct iag_session *s, const char *cmd,
		  long duration_s, volatile int *stop,
		  const struct iag_policy *pol, struct iag_keyset *ks)
{
	double deadline = 0;
	int hp = -1, rc = IAG_EXIT_OK;

	if (pol && ks) {
		hp = iag_hotplug_open();
		if (hp < 0)
			iag_warn("no uevents (%s): devices added later are not covered",
				 strerror(-hp));
	}
	fprintf(stderr, "%s: %s: attached (mode %s)\n", iag_prog, cmd,
		iag_mode_name(iag_session_mode(s)));
	fflush(stderr);

	l->t0 = mono_s();
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
		if (n < 0 && n != -EINTR) {
			iag_err("%s: reading events: %s", cmd, strerror(-n));
			rc = IAG_EXIT_INTERNAL;
			break;
		}
		if (iag_hotplug_pending(hp))
			reresolve(s, pol, ks);
	}
	/* What is already in the ring buffer still counts. */
	iag_session_poll(s, 0, iag_live_event, l);
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
			json_object_set_new(o, NAME(counter_names, i),
					    json_integer((json_int_t)c.v[i]));
		json_object_set_new(o, "records", json_integer(l->records));
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
			fprintf(l->out, " %s %llu", NAME(counter_names, i),
				(unsigned long long)c.v[i]);
		fprintf(l->out, ", records %lu\n", l->records);
	}
	fflush(l->out);
	return IAG_EXIT_OK;
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
#if HAVE_DEVMODEL
	if (l->dm && iag_devmodel_close)
		iag_devmodel_close(l->dm);
#endif
	l->dm = NULL;
}
